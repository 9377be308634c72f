import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchFeedNode } from '../../src/calendar/fetch-node.ts';
import { busyBlocks as parseBusyBlocks } from '../../src/calendar/import.ts';
import { isPrivateAddress } from '../../src/calendar/private-address.ts';
import { busyBlocks, calendarFeeds } from '../../src/db/schema.ts';
import { type FetchFeed, syncDueFeeds } from '../../src/feeds/sync.ts';
import { type TestApi, testApi } from '../support/api.ts';
import {
  type FeedRoute,
  type FeedServer,
  fixtureFeed,
  startFeedServer,
} from '../support/feed-server.ts';
import { createExpert } from '../support/fixtures.ts';
import {
  applyAs,
  days,
  everyHalfHour,
  expertToken,
  FRESH_DATABASE_MS,
  matchesFor,
  matchOf,
  retireEveryExpert,
  slotsFor,
  startsOf,
  tokyo,
} from '../support/matching.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { freePort } from '../support/server.ts';

// Incoming calendar feeds (PRODUCT.md "Incoming feeds", issue 5) through the API, fetched over
// Node's guarded transport from a real HTTP server on 127.0.0.1 that serves the hand-written
// Google, Outlook and iCloud feeds. The clock stands at 2026-03-01 00:00 UTC, so a sync reads
// the feeds from 2026-02-28 00:00 UTC (a day back) to 2026-05-31 00:00 UTC (90 + 1 days on).

const NOW = '2026-03-01T00:00:00Z';
const HOUR_MS = 3_600_000;
const later = (hours: number) => new Date(Date.parse(NOW) + hours * HOUR_MS).toISOString();
const FIVE_MB = 5 * 1024 * 1024;

/** Busy blocks as "start/end" in UTC, seconds precision. */
type Span = `${string}/${string}`;

// Worked out by hand from the fixtures; the comments give the Tokyo (or the zone's) wall clock.
const GOOGLE: Span[] = [
  '2026-02-28T23:00:00Z/2026-03-01T01:00:00Z', // 1 Mar 08:00–10:00 JST, an hour before range
  '2026-03-02T00:30:00Z/2026-03-02T00:45:00Z', // daily 09:30–09:45 JST, COUNT=5 from 2 Mar
  '2026-03-02T01:00:00Z/2026-03-02T02:00:00Z', // weekly Monday 10:00 JST, begun 2025-01-06
  '2026-03-03T00:30:00Z/2026-03-03T00:45:00Z',
  '2026-03-05T00:30:00Z/2026-03-05T00:45:00Z', // the 4 Mar instance is cancelled
  '2026-03-06T00:30:00Z/2026-03-06T00:45:00Z',
  '2026-03-09T01:00:00Z/2026-03-09T02:00:00Z',
  '2026-03-12T02:00:00Z/2026-03-12T03:30:00Z', // a UTC event; 10 Mar (transparent) and
  //                                               11 Mar (cancelled) are free
  '2026-03-19T15:00:00Z/2026-03-20T15:00:00Z', // all day 20 Mar (JST); 16 Mar is an EXDATE
  '2026-03-24T05:00:00Z/2026-03-24T06:00:00Z', // 23 Mar's instance moved to Tue 14:00 JST
  '2026-03-24T15:00:00Z/2026-03-26T15:00:00Z', // all day 25–26 Mar
  '2026-03-30T01:00:00Z/2026-03-30T02:00:00Z',
  '2026-04-06T01:00:00Z/2026-04-06T02:00:00Z',
  '2026-04-13T01:00:00Z/2026-04-13T02:00:00Z',
  '2026-04-15T00:00:00Z/2026-04-15T01:00:00Z', // a UTC event in April
  '2026-04-20T01:00:00Z/2026-04-20T02:00:00Z',
  '2026-04-27T01:00:00Z/2026-04-27T02:00:00Z',
  '2026-05-04T01:00:00Z/2026-05-04T02:00:00Z',
  '2026-05-11T01:00:00Z/2026-05-11T02:00:00Z',
  '2026-05-18T01:00:00Z/2026-05-18T02:00:00Z',
  '2026-05-25T01:00:00Z/2026-05-25T02:00:00Z', // the last Monday before 31 May
];

const OUTLOOK: Span[] = [
  '2026-03-04T06:00:00Z/2026-03-04T07:00:00Z', // weekly Wed 15:00 Tokyo Standard Time, COUNT=4
  '2026-03-05T04:00:00Z/2026-03-05T05:30:00Z', // 13:00–14:30 Tokyo Standard Time
  '2026-03-05T17:00:00Z/2026-03-05T18:00:00Z', // 09:00 Pacific Standard Time (UTC−8), no VTIMEZONE
  '2026-03-06T01:00:00Z/2026-03-06T02:00:00Z', // tentative is busy; 12:00 BUSYSTATUS:FREE is not
  '2026-03-10T16:00:00Z/2026-03-10T17:00:00Z', // 09:00 Pacific after the DST change (UTC−7)
  '2026-03-11T06:00:00Z/2026-03-11T07:00:00Z', // 18 Mar is an EXDATE
  '2026-03-15T15:00:00Z/2026-03-16T15:00:00Z', // out of office all day 16 Mar
  '2026-03-25T06:00:00Z/2026-03-25T07:00:00Z',
  '2026-03-27T09:00:00Z/2026-03-27T10:00:00Z', // "Customized Time Zone" at UTC+1
  '2026-03-30T08:00:00Z/2026-03-30T09:00:00Z', // … at UTC+2 after its last Sunday of March
  '2026-03-30T15:00:00Z/2026-03-31T15:00:00Z', // all day 31 Mar
];

const ICLOUD: Span[] = [
  '2026-03-02T17:00:00Z/2026-03-02T18:00:00Z', // weekly 09:00 PST, DURATION PT1H, COUNT=3
  '2026-03-04T22:00:00Z/2026-03-04T23:00:00Z', // 14:00 PST
  '2026-03-07T20:00:00Z/2026-03-08T19:00:00Z', // noon to noon: P1D is 23 hours over the change
  '2026-03-08T10:30:00Z/2026-03-08T11:00:00Z', // 02:30 does not exist on 8 Mar: 03:30 PDT
  '2026-03-09T16:00:00Z/2026-03-09T17:00:00Z', // 09:00 PDT
  '2026-03-11T21:00:00Z/2026-03-11T22:00:00Z', // RDATE 14:00 PDT
  '2026-03-16T16:00:00Z/2026-03-16T17:00:00Z',
  '2026-03-18T23:00:00Z/2026-03-19T00:00:00Z', // RDATE 16:00 PDT
  '2026-03-20T01:00:00Z/2026-03-20T02:00:00Z', // floating 10:00, read in Asia/Tokyo
  '2026-03-22T15:00:00Z/2026-03-23T15:00:00Z', // all day 23 Mar (no DTEND), JST
  '2026-03-26T16:00:00Z/2026-03-26T17:00:00Z',
  '2026-03-27T17:00:00Z/2026-03-27T19:00:00Z', // RDATE period 17:00Z/PT2H
  // 13 Mar 13:00 PDT is TRANSP:TRANSPARENT: free.
];

// The harness's feed fetcher: Node's guarded transport (DNS answers checked too), with the
// 10-second timeout shortened while a test sets `timeoutMs`.
let timeoutMs: number | undefined;
const fetchFeed: FetchFeed = (url, options) =>
  fetchFeedNode(url, timeoutMs === undefined ? options : { ...options, timeoutMs });

let api: TestApi;
let server: FeedServer;
let paths = 0;

beforeAll(async () => {
  server = await startFeedServer();
  api = await testApi({}, { fetchFeed });
}, FRESH_DATABASE_MS);
afterAll(async () => {
  await server?.close();
  await api?.close();
});
beforeEach(() => {
  api.setNow(NOW);
  timeoutMs = undefined;
});

/** A path of its own on the feed server, serving `route`. */
function serve(route: FeedRoute, name = 'basic.ics'): string {
  const path = `/calendar/${++paths}/${name}`;
  server.set(path, route);
  return path;
}

async function newExpert(overrides: Record<string, unknown> = {}) {
  const { id } = await createExpert(api, overrides);
  return { id, token: await expertToken(api, id) };
}

type FeedBody = {
  id: string;
  url: string;
  lastSyncedAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  eventCount: number;
  createdAt: string;
};

async function addFeed(token: string, url: string): Promise<FeedBody> {
  const res = await api.call('POST', '/v1/me/calendar-feeds', { token, body: { url } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function sync(token: string, id: string): Promise<FeedBody> {
  const res = await api.call('POST', `/v1/me/calendar-feeds/${id}/sync`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function listed(token: string, id: string): Promise<FeedBody | undefined> {
  const res = await api.call('GET', '/v1/me/calendar-feeds', { token });
  expect(res.status, res.text).toBe(200);
  return (res.body.items as FeedBody[]).find((f) => f.id === id);
}

const isoSeconds = (d: Date) => d.toISOString().replace('.000Z', 'Z');

/** The feed's stored busy blocks, with their row ids, in time order. */
async function blockRows(feedId: string, db = api.db) {
  const rows = await db
    .select()
    .from(busyBlocks)
    .where(eq(busyBlocks.feedId, feedId))
    .orderBy(asc(busyBlocks.start), asc(busyBlocks.end), asc(busyBlocks.id));
  return rows.map((r) => ({
    id: r.id,
    expertId: r.expertId,
    span: `${isoSeconds(r.start)}/${isoSeconds(r.end)}`,
  }));
}

async function spans(feedId: string) {
  return (await blockRows(feedId)).map((r) => r.span);
}

/** `text` as UTF-16LE with a byte-order mark. */
function utf16(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/** What src/calendar/import.ts reads from `ics` over the range a sync at `now` uses. */
function parsed(ics: string, now = NOW): string[] {
  const t = Date.parse(now);
  const range = { start: t - 24 * HOUR_MS, end: t + 91 * 24 * HOUR_MS };
  return parseBusyBlocks(ics, range).blocks.map(
    (b) => `${isoSeconds(new Date(b.start))}/${isoSeconds(new Date(b.end))}`,
  );
}

describe('POST /v1/me/calendar-feeds imports busy time at once', () => {
  const cases = [
    ['Google Calendar', 'google', GOOGLE],
    ['Outlook / Exchange', 'outlook', OUTLOOK],
    ['Apple iCloud', 'icloud', ICLOUD],
  ] as const;

  it.each(cases)(
    'from a %s feed: 201 and exactly the expected busy blocks',
    async (_, name, expected) => {
      const ics = fixtureFeed(name);
      const path = serve({ kind: 'feed', body: ics, etag: `"${name}-1"` }, `${name}.ics`);
      const expert = await newExpert();

      const feed = await addFeed(expert.token, server.url(path));
      expect(feed).toEqual({
        id: expect.any(String),
        url: server.url(path),
        lastSyncedAt: NOW.replace('Z', '.000Z'),
        lastSuccessAt: NOW.replace('Z', '.000Z'),
        lastError: null,
        eventCount: expected.length,
        createdAt: NOW.replace('Z', '.000Z'),
      });
      const rows = await blockRows(feed.id);
      expect(rows.map((r) => r.span)).toEqual(expected);
      expect(rows.every((r) => r.expertId === expert.id)).toBe(true);
      // The same as the parser gives for the range, and the feed is listed as synced.
      expect(rows.map((r) => r.span)).toEqual(parsed(ics));
      expect(await listed(expert.token, feed.id)).toEqual(feed);

      // Fetched once, unconditionally, asking for iCalendar.
      const [hit, ...more] = server.hitsOn(path);
      expect(more).toEqual([]);
      expect(hit?.status).toBe(200);
      expect(hit?.headers.accept).toMatch(/text\/calendar/);
      expect(hit?.headers['if-none-match']).toBeUndefined();
      expect(hit?.headers['if-modified-since']).toBeUndefined();
    },
  );

  it('the fixtures are what the issue asks for: CRLF line ends and folded long lines', () => {
    for (const name of ['google', 'outlook', 'icloud'] as const) {
      const ics = fixtureFeed(name);
      expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(ics).toMatch(/\r\n[ \t]\S/);
    }
  });

  it('reads the same blocks from a feed with bare LF line ends', async () => {
    const path = serve({ kind: 'feed', body: fixtureFeed('google').replace(/\r\n/g, '\n') });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    expect(feed.lastError).toBeNull();
    expect(await spans(feed.id)).toEqual(GOOGLE);
  });

  it('follows a redirect to the feed', async () => {
    const target = serve({ kind: 'feed', body: fixtureFeed('icloud') });
    const path = serve({ kind: 'redirect', location: target, status: 301 });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    expect(feed.lastError).toBeNull();
    expect(await spans(feed.id)).toEqual(ICLOUD);
    expect(server.hitsOn(target)).toHaveLength(1);
  });
});

describe('imported busy time in slots and matching', () => {
  it('removes the overlapping slots from /slots and /matches at once, and gives them back when the feed goes', async () => {
    await retireEveryExpert(api);
    const expert = await newExpert({ online: true });
    const { request } = await applyAs(api, {
      format: 'online',
      durationMinutes: 60,
      preferredWindows: [
        days('2026-03-05', '2026-03-06'), // Thursday
        days('2026-03-09', '2026-03-10'), // Monday
        days('2026-03-25', '2026-03-26'), // Wednesday
      ],
    });
    const slotsOf = async () =>
      (await slotsFor(api, request.id))
        .filter((s) => s.expert.id === expert.id)
        .map((s) => tokyo(s.start));
    const matchSlots = async () => startsOf(matchOf(await matchesFor(api, request.id), expert.id));

    const free = [
      ...everyHalfHour('2026-03-05', '09:00', '16:00'),
      ...everyHalfHour('2026-03-09', '09:00', '16:00'),
      ...everyHalfHour('2026-03-25', '09:00', '16:00'),
    ];
    expect(await slotsOf()).toEqual(free);
    expect(await matchSlots()).toEqual(free);

    const feed = await addFeed(
      expert.token,
      server.url(serve({ kind: 'feed', body: fixtureFeed('google') })),
    );
    // 5 Mar: the 09:30–09:45 stand-up; 9 Mar: the 10:00–11:00 weekly meeting; 25 Mar: away
    // all day.
    const busy = [
      ...everyHalfHour('2026-03-05', '10:00', '16:00'),
      '2026-03-09 09:00',
      ...everyHalfHour('2026-03-09', '11:00', '16:00'),
    ];
    expect(await slotsOf()).toEqual(busy);
    expect(await matchSlots()).toEqual(busy);

    const gone = await api.call('DELETE', `/v1/me/calendar-feeds/${feed.id}`, {
      token: expert.token,
    });
    expect(gone.status).toBe(204);
    expect(await slotsOf()).toEqual(free);
    expect(await matchSlots()).toEqual(free);
  });
});

describe('syncing again', () => {
  it('sends If-None-Match; a 304 leaves the blocks as they are and records the sync', async () => {
    const path = serve({ kind: 'feed', body: fixtureFeed('google'), etag: '"g-1"' });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    const before = await blockRows(feed.id);

    api.setNow(later(1));
    const synced = await sync(expert.token, feed.id);
    // lastSuccessAt is the last full read, which a 304 is not.
    expect(synced).toMatchObject({
      lastSyncedAt: later(1),
      lastSuccessAt: feed.lastSuccessAt,
      lastError: null,
      eventCount: GOOGLE.length,
    });
    const hit = server.hitsOn(path)[1];
    expect(hit?.headers['if-none-match']).toBe('"g-1"');
    expect(hit?.status).toBe(304);
    // The very same rows: not deleted and written again.
    expect(await blockRows(feed.id)).toEqual(before);
    expect(await listed(expert.token, feed.id)).toEqual(synced);
  });

  it('reads the feed in full once a day, so recurring events are expanded to the moving horizon', async () => {
    const path = serve({ kind: 'feed', body: fixtureFeed('google'), etag: '"g-2"' });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    api.setNow(later(25));
    const synced = await sync(expert.token, feed.id);
    const hit = server.hitsOn(path)[1];
    expect(hit?.headers['if-none-match']).toBeUndefined();
    expect(hit?.status).toBe(200);
    expect(synced).toMatchObject({ lastSyncedAt: later(25), lastSuccessAt: later(25) });
  });

  it('sends If-Modified-Since when the feed gave only Last-Modified', async () => {
    const lastModified = 'Sat, 28 Feb 2026 12:00:00 GMT';
    const path = serve({ kind: 'feed', body: fixtureFeed('outlook'), lastModified });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    const before = await blockRows(feed.id);
    api.setNow(later(2));
    const synced = await sync(expert.token, feed.id);
    const hit = server.hitsOn(path)[1];
    expect(hit?.headers['if-modified-since']).toBe(lastModified);
    expect(hit?.headers['if-none-match']).toBeUndefined();
    expect(hit?.status).toBe(304);
    expect(synced).toMatchObject({ lastSyncedAt: later(2), lastError: null, eventCount: 11 });
    expect(await blockRows(feed.id)).toEqual(before);
  });

  it('a changed feed replaces the blocks: the old ones are gone', async () => {
    const path = serve({ kind: 'feed', body: fixtureFeed('google'), etag: '"v1"' });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    const before = await blockRows(feed.id);
    expect(before).toHaveLength(GOOGLE.length);

    server.set(path, { kind: 'feed', body: fixtureFeed('outlook'), etag: '"v2"' });
    api.setNow(later(3));
    const synced = await sync(expert.token, feed.id);
    expect(synced).toMatchObject({
      lastSyncedAt: later(3),
      lastSuccessAt: later(3),
      lastError: null,
      eventCount: OUTLOOK.length,
    });
    expect(server.hitsOn(path)[1]).toMatchObject({ status: 200 });
    const after = await blockRows(feed.id);
    expect(after.map((r) => r.span)).toEqual(OUTLOOK);
    const oldIds = new Set(before.map((r) => r.id));
    expect(after.filter((r) => oldIds.has(r.id))).toEqual([]);
    const stored = await api.db.select().from(busyBlocks).where(eq(busyBlocks.expertId, expert.id));
    expect(stored).toHaveLength(OUTLOOK.length);

    // The new validator is the one sent next time.
    api.setNow(later(4));
    await sync(expert.token, feed.id);
    expect(server.hitsOn(path)[2]).toMatchObject({
      status: 304,
      headers: expect.objectContaining({ 'if-none-match': '"v2"' }),
    });
  });

  it('an unchanged feed synced a month later still blocks its series up to the moved horizon', async () => {
    // A 304 alone would keep the blocks expanded at the last full read, so an unchanged
    // feed's weekly meeting would stop blocking anything past that read's horizon.
    await retireEveryExpert(api);
    const path = serve({ kind: 'feed', body: fixtureFeed('google'), etag: '"same"' });
    const expert = await newExpert({ online: true });
    const feed = await addFeed(expert.token, server.url(path));
    expect((await spans(feed.id)).at(-1)).toBe('2026-05-25T01:00:00Z/2026-05-25T02:00:00Z');

    const monthLater = later(30 * 24); // 2026-03-31: the horizon now reaches 29 June
    api.setNow(monthLater);
    const synced = await sync(expert.token, feed.id);
    expect(synced).toMatchObject({ lastError: null, lastSyncedAt: monthLater });
    // (Today the server answers 304 here; how the sync learns the new instances is its
    // business: this asks only for the busy time.)
    expect(server.hitsOn(path)).toHaveLength(2);
    const { request } = await applyAs(api, {
      format: 'online',
      durationMinutes: 60,
      preferredWindows: [days('2026-06-08', '2026-06-09')], // a Monday
    });
    const offered = startsOf(matchOf(await matchesFor(api, request.id), expert.id));
    expect(offered).not.toContain('2026-06-08 10:00'); // the weekly 10:00–11:00 JST meeting
    expect(await spans(feed.id)).toEqual(
      expect.arrayContaining([
        '2026-06-01T01:00:00Z/2026-06-01T02:00:00Z',
        '2026-06-08T01:00:00Z/2026-06-08T02:00:00Z',
        '2026-06-29T01:00:00Z/2026-06-29T02:00:00Z',
      ]),
    );
  });

  it('a feed emptied of events leaves no blocks', async () => {
    const path = serve({ kind: 'feed', body: fixtureFeed('icloud'), etag: '"a"' });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    const empty = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n';
    server.set(path, { kind: 'feed', body: empty, etag: '"b"' });
    const synced = await sync(expert.token, feed.id);
    expect(synced).toMatchObject({ lastError: null, eventCount: 0 });
    expect(await spans(feed.id)).toEqual([]);
  });
});

describe('a failed sync keeps the last good blocks and records lastError', () => {
  const failures: Array<[string, () => FeedRoute, RegExp, number?]> = [
    [
      'a body over 5 MB, declared',
      () => ({ kind: 'huge', bytes: FIVE_MB + 1, declareLength: true }),
      /larger than 5242880 bytes/,
    ],
    [
      'a body over 5 MB, streamed without a length',
      () => ({ kind: 'huge', bytes: 20 * 1024 * 1024, declareLength: false }),
      /larger than 5242880 bytes/,
    ],
    [
      'a server that never answers',
      () => ({ kind: 'hang' }),
      /did not arrive within 1500 ms/,
      1500,
    ],
    [
      'a garbage body (an HTML page)',
      () => ({
        kind: 'feed',
        body: '<!doctype html><html><body>Sign in to continue</body></html>',
        contentType: 'text/html',
      }),
      /not an iCalendar feed/,
    ],
    [
      // Windows tools can export UTF-16; decoded as UTF-8 it is full of NUL characters.
      // The parser's message quotes them, and Postgres refuses a NUL in text (22021).
      'a UTF-16 file (NUL bytes)',
      () => ({ kind: 'feed', body: utf16(fixtureFeed('google')) }),
      /iCalendar|UTF-16/i,
    ],
    [
      'HTTP 500',
      () => ({ kind: 'status', status: 500, body: 'Internal Server Error' }),
      /HTTP 500/,
    ],
    ['HTTP 404 (a feed unshared since)', () => ({ kind: 'status', status: 404 }), /HTTP 404/],
    ['a redirect loop', () => ({ kind: 'redirect', location: '/loop' }), /more than 3 redirects/],
  ];

  it.each(failures)('%s', async (_, failing, message, shortTimeout) => {
    const path = serve({ kind: 'feed', body: fixtureFeed('google'), etag: '"good"' });
    server.set('/loop', { kind: 'redirect', location: '/loop' });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    const before = await blockRows(feed.id);
    expect(before.map((r) => r.span)).toEqual(GOOGLE);

    server.set(path, failing());
    timeoutMs = shortTimeout;
    api.setNow(later(5));
    const started = performance.now();
    const failed = await sync(expert.token, feed.id);
    const elapsed = performance.now() - started;
    expect(failed).toMatchObject({
      lastSyncedAt: later(5),
      lastSuccessAt: NOW.replace('Z', '.000Z'),
      eventCount: GOOGLE.length,
    });
    expect(failed.lastError).toMatch(message);
    // A plain reason: nothing the server sent is echoed back.
    for (const echoed of ['Sign in', 'Internal Server Error', '<html>', '\u0000']) {
      expect(failed.lastError).not.toContain(echoed);
    }
    expect(await blockRows(feed.id)).toEqual(before);
    expect(await listed(expert.token, feed.id)).toEqual(failed);
    if (shortTimeout) expect(elapsed).toBeLessThan(shortTimeout + 3_000);

    // Once the feed is good again, the next sync clears the error.
    server.set(path, { kind: 'feed', body: fixtureFeed('outlook'), etag: '"fixed"' });
    timeoutMs = undefined;
    api.setNow(later(6));
    const fixed = await sync(expert.token, feed.id);
    expect(fixed).toMatchObject({ lastError: null, lastSuccessAt: later(6), eventCount: 11 });
    expect(await spans(feed.id)).toEqual(OUTLOOK);
  });

  it('stops downloading a streamed body soon after 5 MB', async () => {
    const bytes = 50 * 1024 * 1024;
    const path = serve({ kind: 'huge', bytes, declareLength: false });
    const expert = await newExpert();
    const feed = await addFeed(expert.token, server.url(path));
    expect(feed.lastError).toMatch(/larger than 5242880 bytes/);
    expect(feed).toMatchObject({ eventCount: 0, lastSuccessAt: null });
    await expect.poll(() => server.hitsOn(path)[0]?.written).toBeGreaterThan(FIVE_MB);
    expect(server.hitsOn(path)[0]?.written).toBeLessThan(bytes / 2);
  });

  it('a connection refused is recorded too, on the first sync as well', async () => {
    const expert = await newExpert();
    const feed = await addFeed(expert.token, `http://127.0.0.1:${await freePort()}/cal.ics`);
    expect(feed).toMatchObject({
      eventCount: 0,
      lastSuccessAt: null,
      lastSyncedAt: NOW.replace('Z', '.000Z'),
    });
    expect(feed.lastError).toBe(
      "could not fetch the feed: the feed's server refused the connection",
    );
    expect(await spans(feed.id)).toEqual([]);
  });

  it('a feed deleted while its sync waits on the network: the sync answers 404 and nothing is left behind', async () => {
    const path = serve({ kind: 'hang' });
    const expert = await newExpert();
    const [feedRow] = await api.db
      .insert(calendarFeeds)
      .values({ expertId: expert.id, url: server.url(path) })
      .returning();
    if (!feedRow) throw new Error('no feed row');
    timeoutMs = 1_500;
    const syncing = api.call('POST', `/v1/me/calendar-feeds/${feedRow.id}/sync`, {
      token: expert.token,
    });
    await expect.poll(() => server.hitsOn(path).length).toBe(1);
    const deleted = await api.call('DELETE', `/v1/me/calendar-feeds/${feedRow.id}`, {
      token: expert.token,
    });
    expect(deleted.status).toBe(204);
    expectProblem(await syncing, 404, 'not-found');
    expect(
      await api.db.select().from(calendarFeeds).where(eq(calendarFeeds.id, feedRow.id)),
    ).toEqual([]);
  });
});

describe('private addresses, when FEED_ALLOW_PRIVATE is false', () => {
  let guarded: TestApi;
  beforeAll(async () => {
    guarded = await testApi({ FEED_ALLOW_PRIVATE: 'false' }, { fetchFeed });
  }, FRESH_DATABASE_MS);
  afterAll(() => guarded?.close());

  /** A private address named in the URL: refused at once, nothing stored, nothing fetched. */
  async function refusedOutright(url: string, path: string, reason: RegExp) {
    const { id } = await createExpert(guarded);
    const token = await expertToken(guarded, id);
    const res = await guarded.call('POST', '/v1/me/calendar-feeds', { token, body: { url } });
    expectFieldError(res, 'url');
    expect(res.body.errors[0].message).toMatch(reason);
    expect(
      await guarded.db.select().from(calendarFeeds).where(eq(calendarFeeds.expertId, id)),
    ).toEqual([]);
    expect(server.hitsOn(path)).toEqual([]);
  }

  it('refuses 127.0.0.1 before connecting', async () => {
    const path = serve({ kind: 'feed', body: fixtureFeed('google') });
    await refusedOutright(
      server.url(path),
      path,
      /refusing to fetch from 127\.0\.0\.1: a loopback, private or link-local address/,
    );
  });

  it('refuses localhost and an IPv4-mapped IPv6 loopback', async () => {
    const path = serve({ kind: 'feed', body: fixtureFeed('google') });
    await refusedOutright(
      `http://localhost:${server.port}${path}`,
      path,
      /refusing to fetch from localhost/,
    );
    await refusedOutright(
      `http://[::ffff:127.0.0.1]:${server.port}${path}`,
      path,
      /refusing to fetch/,
    );
  });

  // A host name is only known to be private once it resolves, as the sync connects: the feed
  // is kept, with the refusal as its error, and every later sync is refused the same way.
  async function refused(url: string, path: string, reason: RegExp) {
    const { id } = await createExpert(guarded);
    const token = await expertToken(guarded, id);
    const res = await guarded.call('POST', '/v1/me/calendar-feeds', { token, body: { url } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ url, eventCount: 0, lastSuccessAt: null });
    expect(res.body.lastError).toMatch(reason);
    const again = await guarded.call('POST', `/v1/me/calendar-feeds/${res.body.id}/sync`, {
      token,
    });
    expect(again.body.lastError).toMatch(reason);
    const listedFeeds = await guarded.call('GET', '/v1/me/calendar-feeds', { token });
    expect(listedFeeds.body.items[0].lastError).toMatch(reason);
    expect(await blockRows(res.body.id, guarded.db)).toEqual([]);
    expect(server.hitsOn(path)).toEqual([]);
  }

  it('refuses a host name that resolves to a loopback address (checked on the DNS answer)', async (context) => {
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (name === 'localhost' || !addresses.some((a) => isPrivateAddress(a.address))) {
      context.skip();
    }
    const path = serve({ kind: 'feed', body: fixtureFeed('google') });
    await refused(
      `http://${name}:${server.port}${path}`,
      path,
      new RegExp(
        `^refusing to fetch from ${name}: it resolves to a loopback, private or link-local address$`,
      ),
    );
  });
});

describe('what URLs are accepted', () => {
  it('webcal:// and webcals:// are taken as https://', async () => {
    const expert = await newExpert();
    const errorsBefore = server.clientErrors();
    const res = await api.call('POST', '/v1/me/calendar-feeds', {
      token: expert.token,
      body: { url: `webcal://127.0.0.1:${server.port}/calendar/webcal.ics` },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.url).toBe(`https://127.0.0.1:${server.port}/calendar/webcal.ics`);
    // The test server speaks plain HTTP, so the TLS handshake it received fails.
    expect(res.body.lastError).toMatch(/could not fetch the feed/);
    expect(server.clientErrors()).toBeGreaterThan(errorsBefore);
    expect(server.hitsOn('/calendar/webcal.ics')).toEqual([]);

    // A .invalid name never resolves; a slow resolver should not cost the full 10 s.
    timeoutMs = 2_000;
    const secure = await api.call('POST', '/v1/me/calendar-feeds', {
      token: expert.token,
      body: { url: 'WEBCALS://calendar.example.invalid/private/basic.ics' },
    });
    expect(secure.status, secure.text).toBe(201);
    expect(secure.body.url).toBe('https://calendar.example.invalid/private/basic.ics');
  });

  it('ftp:// and other schemes or non-URLs are 400 naming url, and nothing is stored', async () => {
    const expert = await newExpert();
    for (const url of [
      `ftp://127.0.0.1:${server.port}/google.ics`,
      'file:///etc/passwd',
      'javascript:alert(1)',
      'gopher://127.0.0.1/',
      'not a url',
      '',
      `http://${'a'.repeat(2050)}.example/`,
    ]) {
      const res = await api.call('POST', '/v1/me/calendar-feeds', {
        token: expert.token,
        body: { url },
      });
      expectFieldError(res, 'url');
    }
    expectFieldError(
      await api.call('POST', '/v1/me/calendar-feeds', { token: expert.token, body: {} }),
      'url',
    );
    const extra = await api.call('POST', '/v1/me/calendar-feeds', {
      token: expert.token,
      body: { url: server.url('/x.ics'), etag: 'x' },
    });
    expectProblem(extra, 400, 'validation-failed');
    const list = await api.call('GET', '/v1/me/calendar-feeds', { token: expert.token });
    expect(list.body.items).toEqual([]);
  });

  it('an expert can import at most 10 calendars', async () => {
    const expert = await newExpert();
    const path = serve({ kind: 'feed', body: fixtureFeed('icloud'), etag: '"x"' });
    for (let i = 0; i < 10; i++) await addFeed(expert.token, server.url(`${path}?n=${i}`));
    const eleventh = await api.call('POST', '/v1/me/calendar-feeds', {
      token: expert.token,
      body: { url: server.url(path) },
    });
    expectFieldError(eleventh, 'url');
    expect(server.hitsOn(path)).toHaveLength(10);
  });

  it('the cap holds against simultaneous POSTs too', async () => {
    // BUG (reported, Postgres): the count and the insert are not serialised per expert, so
    // simultaneous requests each see room for one more.
    const expert = await newExpert();
    const path = serve({ kind: 'feed', body: fixtureFeed('icloud'), etag: '"x"' });
    const replies = await Promise.all(
      Array.from({ length: 14 }, () =>
        api.call('POST', '/v1/me/calendar-feeds', {
          token: expert.token,
          body: { url: server.url(path) },
        }),
      ),
    );
    const list = await api.call('GET', '/v1/me/calendar-feeds', { token: expert.token });
    expect(replies.filter((r) => r.status === 201)).toHaveLength(10);
    expect(list.body.items).toHaveLength(10);
  });
});

describe('DELETE /v1/me/calendar-feeds/:id', () => {
  it('removes the feed and its busy blocks; a second DELETE and a sync are 404', async () => {
    const expert = await newExpert();
    const keep = await addFeed(
      expert.token,
      server.url(serve({ kind: 'feed', body: fixtureFeed('outlook') })),
    );
    const feed = await addFeed(
      expert.token,
      server.url(serve({ kind: 'feed', body: fixtureFeed('google') })),
    );
    expect(await spans(feed.id)).toHaveLength(GOOGLE.length);

    const res = await api.call('DELETE', `/v1/me/calendar-feeds/${feed.id}`, {
      token: expert.token,
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await spans(feed.id)).toEqual([]);
    expect(await listed(expert.token, feed.id)).toBeUndefined();
    expect(await api.db.select().from(calendarFeeds).where(eq(calendarFeeds.id, feed.id))).toEqual(
      [],
    );
    // The expert's other calendar is untouched.
    expect(await spans(keep.id)).toEqual(OUTLOOK);

    expectProblem(
      await api.call('DELETE', `/v1/me/calendar-feeds/${feed.id}`, { token: expert.token }),
      404,
      'not-found',
    );
    expectProblem(
      await api.call('POST', `/v1/me/calendar-feeds/${feed.id}/sync`, { token: expert.token }),
      404,
      'not-found',
    );
  });
});

describe('who may', () => {
  let owner: { id: string; token: string };
  let feed: FeedBody;
  beforeAll(async () => {
    owner = await newExpert();
    feed = await addFeed(
      owner.token,
      server.url(serve({ kind: 'feed', body: fixtureFeed('google') })),
    );
  });

  it('another expert’s feed id is 404 for sync and DELETE, and is not listed; the owner’s blocks stay', async () => {
    const other = await newExpert();
    const hits = server.hits.length;
    for (const [method, path] of [
      ['POST', `/v1/me/calendar-feeds/${feed.id}/sync`],
      ['DELETE', `/v1/me/calendar-feeds/${feed.id}`],
    ] as const) {
      expectProblem(await api.call(method, path, { token: other.token }), 404, 'not-found');
    }
    expect(server.hits.length).toBe(hits);
    const list = await api.call('GET', '/v1/me/calendar-feeds', { token: other.token });
    expect(list.body.items).toEqual([]);
    expect(await spans(feed.id)).toEqual(GOOGLE);
    expect(await listed(owner.token, feed.id)).toMatchObject({ id: feed.id, lastError: null });
  });

  it('an unknown id is 404, a malformed one 400', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectProblem(
      await api.call('POST', `/v1/me/calendar-feeds/${unknown}/sync`, { token: owner.token }),
      404,
    );
    expectProblem(
      await api.call('DELETE', `/v1/me/calendar-feeds/${unknown}`, { token: owner.token }),
      404,
    );
    expectFieldError(
      await api.call('DELETE', '/v1/me/calendar-feeds/not-a-uuid', { token: owner.token }),
      'id',
    );
  });

  it('staff and company tokens are 403, no token 401', async () => {
    const { accessToken } = await applyAs(api);
    const calls = [
      ['POST', '/v1/me/calendar-feeds', { url: server.url('/x.ics') }],
      ['GET', '/v1/me/calendar-feeds', undefined],
      ['POST', `/v1/me/calendar-feeds/${feed.id}/sync`, undefined],
      ['DELETE', `/v1/me/calendar-feeds/${feed.id}`, undefined],
    ] as const;
    for (const [method, path, body] of calls) {
      expectProblem(await api.call(method, path, { body }), 403, 'forbidden');
      expectProblem(await api.call(method, path, { token: accessToken, body }), 403, 'forbidden');
      expectProblem(await api.call(method, path, { token: null, body }), 401, 'unauthorized');
    }
    expect(await spans(feed.id)).toEqual(GOOGLE);
    expect(server.hitsOn('/x.ics')).toEqual([]);
  });
});

describe('the scheduled sync of every feed', () => {
  it('goes on past a feed that fails, and records the failure on it', async () => {
    // A feed whose failure threw out of syncDueFeeds would stay the least recently synced,
    // and every later run would stop at it too.
    // syncDueFeeds is what the Node server runs every FEED_SYNC_MINUTES. Feeds of the other
    // tests in this file are answered "not modified" here, so only these two are fetched.
    const broken = serve({ kind: 'feed', body: fixtureFeed('google'), etag: '"1"' });
    const healthy = serve({ kind: 'feed', body: fixtureFeed('icloud'), etag: '"1"' });
    const expert = await newExpert();
    const first = await addFeed(expert.token, server.url(broken));
    api.setNow(later(1));
    const second = await addFeed(expert.token, server.url(healthy));
    server.set(broken, { kind: 'feed', body: utf16(fixtureFeed('google')), etag: '"2"' });
    server.set(healthy, { kind: 'feed', body: fixtureFeed('outlook'), etag: '"2"' });

    const ours = new Set([server.url(broken), server.url(healthy)]);
    api.setNow(later(2));
    const result = await syncDueFeeds({
      db: api.db,
      clock: api.now,
      config: api.config,
      fetchFeed: (url, options) =>
        ours.has(url) ? fetchFeed(url, options) : Promise.resolve({ status: 'not-modified' }),
    }).catch((error: unknown) => `threw: ${String(error).slice(0, 200)}`);

    expect(result).toMatchObject({ failed: 1 });
    expect(server.hitsOn(healthy)).toHaveLength(2);
    expect(await spans(second.id)).toEqual(OUTLOOK);
    expect(await listed(expert.token, first.id)).toMatchObject({
      lastSyncedAt: later(2),
      lastError: expect.stringMatching(/iCalendar|UTF-16/i),
    });
    expect(await spans(first.id)).toEqual(GOOGLE);
  });
});
