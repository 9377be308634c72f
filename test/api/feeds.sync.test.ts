// The scheduled sync of incoming feeds (issue 19): due feeds are claimed with FOR UPDATE SKIP
// LOCKED and a lease, so however many processes sync at once each feed is fetched once per
// FEED_SYNC_MINUTES; fetches are bounded in number and per host, and a slow host holds up only
// its own feeds.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FeedFetchResult } from '../../src/calendar/fetch-feed.ts';
import { loadConfig } from '../../src/config.ts';
import { calendarFeeds, experts } from '../../src/db/schema.ts';
import type { Database } from '../../src/db/types.ts';
import { type FetchFeed, hostOf, type SyncDeps, syncDueFeeds } from '../../src/feeds/sync.ts';
import { freshDatabase } from '../support/database.ts';
import { FRESH_DATABASE_MS } from '../support/matching.ts';

const config = loadConfig({ FEED_SYNC_MINUTES: '15' });
const START = new Date('2026-11-10T00:00:00Z');
const MINUTE_MS = 60_000;

let database: Database;
let now: Date;
beforeAll(async () => {
  database = await freshDatabase();
}, FRESH_DATABASE_MS);
afterAll(() => database.close());
beforeEach(async () => {
  await database.db.delete(calendarFeeds);
  now = START;
});

const deps = (fetchFeed: FetchFeed): SyncDeps => ({
  db: database.db,
  clock: () => now,
  config,
  fetchFeed,
});

/** `count` feeds on each host, due now. */
async function feedsOn(hosts: string[], count: number): Promise<string[]> {
  const [expert] = await database.db
    .insert(experts)
    .values({ name: '同期 テスト', email: 'sync@example.test' })
    .returning();
  if (!expert) throw new Error('no expert');
  const urls = hosts.flatMap((host) =>
    Array.from({ length: count }, (_, i) => `https://${host}/calendar/${i}/basic.ics`),
  );
  await database.db
    .insert(calendarFeeds)
    .values(urls.map((url) => ({ expertId: expert.id, url, nextSyncAt: now })));
  return urls;
}

const notModified = (): Promise<FeedFetchResult> =>
  new Promise((resolve) => setImmediate(() => resolve({ status: 'not-modified' })));

function counter() {
  const fetched = new Map<string, number>();
  const fetchFeed: FetchFeed = (url) => {
    fetched.set(url, (fetched.get(url) ?? 0) + 1);
    return notModified();
  };
  return { fetched, fetchFeed };
}

describe('the scheduled sync of incoming feeds', () => {
  it('fetches each due feed once, however many processes sync at once', async () => {
    const urls = await feedsOn(
      ['calendar.google.com', 'outlook.office365.com', 'p01.icloud.com'],
      12,
    );
    const { fetched, fetchFeed } = counter();

    const results = await Promise.all(
      [1, 2, 3, 4].map(() => syncDueFeeds(deps(fetchFeed), { concurrency: 5, perHost: 2 })),
    );

    expect([...fetched.keys()].sort()).toEqual([...urls].sort());
    expect([...fetched.values()].every((n) => n === 1)).toBe(true);
    expect(results.reduce((sum, r) => sum + r.synced, 0)).toBe(urls.length);

    // Not due again until FEED_SYNC_MINUTES have passed.
    now = new Date(START.getTime() + 14 * MINUTE_MS);
    await Promise.all([syncDueFeeds(deps(fetchFeed)), syncDueFeeds(deps(fetchFeed))]);
    expect([...fetched.values()].every((n) => n === 1)).toBe(true);
    now = new Date(START.getTime() + 15 * MINUTE_MS);
    await Promise.all([syncDueFeeds(deps(fetchFeed)), syncDueFeeds(deps(fetchFeed))]);
    expect([...fetched.values()].every((n) => n === 2)).toBe(true);
  });

  it('keeps to the limit per host, and a slow host holds up only its own feeds', async () => {
    const slowUrls = await feedsOn(['slow.example'], 6);
    const fastUrls = await feedsOn(['fast.example', 'other.example'], 6);
    const inFlight = new Map<string, number>();
    const most = new Map<string, number>();
    const held: (() => void)[] = [];
    let released = false;
    let fastDone = 0;
    let allFastDone: () => void = () => {};
    const fastFinished = new Promise<void>((resolve) => {
      allFastDone = resolve;
    });
    const fetchFeed: FetchFeed = async (url) => {
      const host = hostOf(url);
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      most.set(host, Math.max(most.get(host) ?? 0, inFlight.get(host) ?? 0));
      if (host === 'slow.example' && !released) {
        await new Promise<void>((resolve) => held.push(resolve));
      }
      const result = await notModified();
      inFlight.set(host, (inFlight.get(host) ?? 1) - 1);
      if (host !== 'slow.example' && ++fastDone === fastUrls.length) allFastDone();
      return result;
    };

    const sync = syncDueFeeds(deps(fetchFeed), { concurrency: 4, perHost: 2 });
    await fastFinished;
    // Every other feed is done while the slow host still holds its first two.
    expect(held).toHaveLength(2);
    released = true;
    for (const release of held) release();
    expect(await sync).toEqual({ synced: slowUrls.length + fastUrls.length, failed: 0 });
    // The slow host had two fetches held the whole time, and no host ever had more.
    expect(most.get('slow.example')).toBe(2);
    expect(Math.max(...most.values())).toBe(2);
  });

  it('a feed held by a process that stopped is taken again once its lease runs out', async () => {
    await feedsOn(['calendar.google.com'], 1);
    // A process claimed it (next_sync_at moved to the end of its lease) and never came back.
    await database.db
      .update(calendarFeeds)
      .set({ nextSyncAt: new Date(START.getTime() + 5 * MINUTE_MS) });
    const { fetched, fetchFeed } = counter();
    await syncDueFeeds(deps(fetchFeed));
    expect(fetched.size).toBe(0);
    now = new Date(START.getTime() + 5 * MINUTE_MS);
    await syncDueFeeds(deps(fetchFeed));
    expect(fetched.size).toBe(1);
  });

  it('a Cron Trigger takes the feeds that come due before it fires again', async () => {
    await feedsOn(['calendar.google.com'], 1);
    // Read two seconds after the last firing, so due two seconds after the next.
    await database.db
      .update(calendarFeeds)
      .set({ nextSyncAt: new Date(START.getTime() + 15 * MINUTE_MS + 2_000) });
    now = new Date(START.getTime() + 15 * MINUTE_MS);
    const { fetched, fetchFeed } = counter();
    await syncDueFeeds(deps(fetchFeed));
    expect(fetched.size).toBe(0);
    await syncDueFeeds(deps(fetchFeed), { dueWithinMs: 14 * MINUTE_MS });
    expect(fetched.size).toBe(1);
  });

  it('reads the host of a feed URL as the claim query does', () => {
    expect(hostOf('https://Calendar.Google.com/calendar/ical/x/basic.ics')).toBe(
      'calendar.google.com',
    );
    expect(hostOf('http://user:pw@host.example:8080/a.ics')).toBe('host.example');
    expect(hostOf('https://[::1]:8443/a.ics')).toBe('[::1]');
  });
});
