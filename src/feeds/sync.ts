import { asc, eq } from 'drizzle-orm';
import type { FeedFetchResult, FetchFeedOptions } from '../calendar/fetch-feed.ts';
import { busyBlocks as parseBusyBlocks } from '../calendar/import.ts';
import type { Config } from '../config.ts';
import { busyBlocks, calendarFeeds } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import { DAY_MS } from '../domain/time.ts';

export type FetchFeed = (url: string, options: FetchFeedOptions) => Promise<FeedFetchResult>;

export type SyncDeps = {
  db: Db;
  clock: () => Date;
  config: Pick<Config, 'horizonDays' | 'feedAllowPrivate'>;
  fetchFeed: FetchFeed;
};

type FeedRow = typeof calendarFeeds.$inferSelect;

const INSERT_BATCH = 1_000;

/**
 * Fetches one incoming feed (conditionally) and replaces its busy blocks in one transaction.
 * Any failure keeps the last good blocks and is recorded on the feed as `lastError`.
 */
export async function syncFeed(deps: SyncDeps, feed: FeedRow): Promise<FeedRow | null> {
  const now = deps.clock();
  try {
    const fetched = await deps.fetchFeed(feed.url, {
      etag: feed.etag,
      lastModified: feed.lastModified,
      allowPrivate: deps.config.feedAllowPrivate,
    });
    if (fetched.status === 'not-modified') {
      return await record(deps.db, feed.id, {
        lastSyncedAt: now,
        lastSuccessAt: now,
        lastError: null,
      });
    }
    // A day either side, so all-day and overnight events at the edges are not cut short.
    const range = {
      start: now.getTime() - DAY_MS,
      end: now.getTime() + (deps.config.horizonDays + 1) * DAY_MS,
    };
    const parsed = parseBusyBlocks(fetched.body, range);
    return await deps.db.transaction(async (tx) => {
      const [locked] = await tx
        .select()
        .from(calendarFeeds)
        .where(eq(calendarFeeds.id, feed.id))
        .for('update');
      if (!locked) return null;
      await tx.delete(busyBlocks).where(eq(busyBlocks.feedId, feed.id));
      const rows = parsed.blocks.map((b) => ({
        feedId: feed.id,
        expertId: feed.expertId,
        start: new Date(b.start),
        end: new Date(b.end),
      }));
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await tx.insert(busyBlocks).values(rows.slice(i, i + INSERT_BATCH));
      }
      const [updated] = await tx
        .update(calendarFeeds)
        .set({
          etag: fetched.etag,
          lastModified: fetched.lastModified,
          lastSyncedAt: now,
          lastSuccessAt: now,
          lastError: null,
          eventCount: parsed.eventCount,
        })
        .where(eq(calendarFeeds.id, feed.id))
        .returning();
      return updated ?? null;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return record(deps.db, feed.id, { lastSyncedAt: now, lastError: message.slice(0, 500) });
  }
}

/** Null when the feed was deleted while it was being fetched. */
async function record(db: Db, id: string, fields: Partial<FeedRow>): Promise<FeedRow | null> {
  const [row] = await db
    .update(calendarFeeds)
    .set(fields)
    .where(eq(calendarFeeds.id, id))
    .returning();
  return row ?? null;
}

/** Syncs every feed one at a time (the scheduler's job: gentle on the feeds' hosts and on us). */
export async function syncAllFeeds(deps: SyncDeps): Promise<{ synced: number; failed: number }> {
  const feeds = await deps.db.select().from(calendarFeeds).orderBy(asc(calendarFeeds.lastSyncedAt));
  let failed = 0;
  for (const feed of feeds) {
    const result = await syncFeed(deps, feed);
    if (result?.lastError) failed++;
  }
  return { synced: feeds.length - failed, failed };
}
