import { asc, eq } from 'drizzle-orm';
import {
  FeedFetchError,
  type FeedFetchResult,
  type FetchFeedOptions,
} from '../calendar/fetch-feed.ts';
import { FeedParseError, busyBlocks as parseBusyBlocks } from '../calendar/import.ts';
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
  // Recurring events were expanded up to the horizon of the last full read; once a day the
  // feed is read in full again so the horizon moves on even if the feed never changes.
  const fresh =
    feed.lastSuccessAt !== null && now.getTime() - feed.lastSuccessAt.getTime() < DAY_MS;
  try {
    const fetched = await deps.fetchFeed(feed.url, {
      etag: fresh ? feed.etag : null,
      lastModified: fresh ? feed.lastModified : null,
      allowPrivate: deps.config.feedAllowPrivate,
    });
    if (fetched.status === 'not-modified') {
      return await record(deps.db, feed.id, { lastSyncedAt: now, lastError: null });
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
    return record(deps.db, feed.id, { lastSyncedAt: now, lastError: errorText(error) });
  }
}

/**
 * The error as it is stored and shown to the expert: our own plain reason for what went wrong
 * with the feed; anything else is said without its message, which could quote the feed.
 */
function errorText(error: unknown): string {
  if (error instanceof FeedFetchError || error instanceof FeedParseError) return error.message;
  return 'the feed could not be imported; it will be tried again at the next sync';
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
    // One broken feed must not stop the others (or, as the oldest, every later run).
    const result = await syncFeed(deps, feed).catch(() => null);
    if (!result || result.lastError) failed++;
  }
  return { synced: feeds.length - failed, failed };
}
