import { and, asc, eq, inArray, lte, notInArray, sql } from 'drizzle-orm';
import {
  FeedFetchError,
  type FeedFetchResult,
  type FetchFeedOptions,
} from '../calendar/fetch-feed.ts';
import { FeedParseError, busyBlocks as parseBusyBlocks } from '../calendar/import.ts';
import type { Config } from '../config.ts';
import { busyBlocks, calendarFeeds } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import { DAY_MS, MINUTE_MS } from '../domain/time.ts';

export type FetchFeed = (url: string, options: FetchFeedOptions) => Promise<FeedFetchResult>;

export type SyncDeps = {
  db: Db;
  clock: () => Date;
  config: Pick<Config, 'horizonDays' | 'feedAllowPrivate' | 'feedSyncMinutes'>;
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
  const nextSyncAt = new Date(now.getTime() + deps.config.feedSyncMinutes * MINUTE_MS);
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
      return await record(deps.db, feed.id, { lastSyncedAt: now, lastError: null, nextSyncAt });
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
          nextSyncAt,
        })
        .where(eq(calendarFeeds.id, feed.id))
        .returning();
      return updated ?? null;
    });
  } catch (error) {
    return record(deps.db, feed.id, { lastSyncedAt: now, lastError: errorText(error), nextSyncAt });
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

export type SyncOptions = {
  /** Feeds fetched at once by this process. */
  concurrency?: number;
  /** Feeds of one host fetched at once by this process: calendar hosts are shared. */
  perHost?: number;
  /**
   * How long a claimed feed is kept from other processes. A process that dies mid-sync
   * leaves its feeds to be taken again once it runs out; the fetch's own timeout (10 s)
   * and a wait behind a busy host fit well inside it.
   */
  leaseMs?: number;
  /**
   * Also take feeds that come due this soon. A Cron Trigger fires once per interval, so it
   * takes what would come due before it fires again, or a feed read a little after one
   * firing would wait for the one after the next.
   */
  dueWithinMs?: number;
};

const CONCURRENCY = 16;
const PER_HOST = 4;
const LEASE_MS = 5 * 60_000;

/**
 * Syncs every feed that is due, however many processes run it at once: each claims due feeds
 * in a short transaction (FOR UPDATE SKIP LOCKED, then a lease: next_sync_at moves past the
 * fetch), as the notification dispatcher does, so a feed is fetched by one process once per
 * FEED_SYNC_MINUTES. Fetches run `concurrency` at a time and at most `perHost` to one host,
 * so a slow host holds up only its own feeds; feeds of a host already at its limit are left
 * for later claims rather than taken and held.
 */
export async function syncDueFeeds(
  deps: SyncDeps,
  options: SyncOptions = {},
): Promise<{ synced: number; failed: number }> {
  const concurrency = options.concurrency ?? CONCURRENCY;
  const perHost = options.perHost ?? PER_HOST;
  const busy = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const waiting: FeedRow[] = [];
  let synced = 0;
  let failed = 0;
  let exhausted = false;
  let drained = false;

  const start = (feed: FeedRow) => {
    const host = hostOf(feed.url);
    busy.set(host, (busy.get(host) ?? 0) + 1);
    const run = syncFeed(deps, feed)
      // One broken feed must not stop the others.
      .catch(() => null)
      .then((result) => {
        if (result && !result.lastError) synced++;
        else failed++;
        const left = (busy.get(host) ?? 1) - 1;
        if (left === 0) busy.delete(host);
        else busy.set(host, left);
        running.delete(run);
      });
    running.add(run);
  };

  for (;;) {
    // Start what the limits allow, oldest claim first; what is left waits on a busy host.
    for (let i = 0; i < waiting.length && running.size < concurrency; ) {
      const feed = waiting[i] as FeedRow;
      if ((busy.get(hostOf(feed.url)) ?? 0) < perHost) {
        waiting.splice(i, 1);
        start(feed);
      } else i++;
    }
    const room = concurrency - running.size;
    if (!exhausted && room > 0) {
      // Hosts with as many feeds running or waiting as they may have are passed over, so the
      // feeds of a slow host never fill the room the others need.
      const load = new Map(busy);
      for (const feed of waiting) load.set(hostOf(feed.url), (load.get(hostOf(feed.url)) ?? 0) + 1);
      const full = [...load].filter(([, n]) => n >= perHost).map(([host]) => host);
      const claimed = await claimDue(deps, room, full, options);
      exhausted = claimed.length < room;
      // Nothing is left due only if no host was passed over.
      drained = exhausted && full.length === 0;
      waiting.push(...claimed);
      if (claimed.length > 0) continue;
    }
    if (running.size === 0) {
      if (drained && waiting.length === 0) break;
      // What ran finished during the claim: the hosts passed over may have room now.
      exhausted = false;
      continue;
    }
    await Promise.race(running);
    exhausted = false;
  }
  return { synced, failed };
}

/** Claims up to `limit` due feeds, none of the `fullHosts`, and leases them. */
async function claimDue(
  deps: SyncDeps,
  limit: number,
  fullHosts: string[],
  options: SyncOptions,
): Promise<FeedRow[]> {
  const now = deps.clock();
  const dueBy = new Date(now.getTime() + (options.dueWithinMs ?? 0));
  const leaseMs = options.leaseMs ?? LEASE_MS;
  return deps.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: calendarFeeds.id })
      .from(calendarFeeds)
      .where(
        and(
          lte(calendarFeeds.nextSyncAt, dueBy),
          fullHosts.length > 0 ? notInArray(hostSql, fullHosts) : undefined,
        ),
      )
      .orderBy(asc(calendarFeeds.nextSyncAt), asc(calendarFeeds.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(calendarFeeds)
      .set({ nextSyncAt: new Date(now.getTime() + leaseMs) })
      .where(
        inArray(
          calendarFeeds.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

// The host of a URL (an IP literal in brackets included), in a pattern both JavaScript and
// Postgres read alike, so the claim query passes over the hosts hostOf counts as busy.
const HOST_PATTERN = String.raw`^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)`;
const hostSql = sql<string>`lower(coalesce(substring(${calendarFeeds.url} from ${HOST_PATTERN}), ''))`;

/** The host a feed URL names (lowercase; empty when it names none). */
export function hostOf(url: string): string {
  return (new RegExp(HOST_PATTERN).exec(url)?.[1] ?? '').toLowerCase();
}
