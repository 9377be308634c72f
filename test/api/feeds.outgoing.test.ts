import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/auth/secrets.ts';
import { tokens } from '../../src/db/schema.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { applyAs, book, iso, jst, type SessionBody } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { FRESH_DATABASE_MS } from '../support/matching.ts';
import { expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// The outgoing subscription feed of PRODUCT.md ("Outgoing feed") and issue 5, through the API:
// the secret URL, the calendar behind it as ical.js reads it, conditional GETs, rotation, and
// who sees what. The clock starts on Wednesday 2026-11-25 09:00 JST; the visits are in
// December, inside the 90-day horizon.

const BASE_URL = 'https://haken.example.jp';
const T0 = Date.parse('2026-11-25T00:00:00Z');
const HOUR_MS = 3_600_000;
const at = (hours: number) => new Date(T0 + hours * HOUR_MS);
const FEED_URL = new RegExp(
  `^${BASE_URL.replace(/\./g, '\\.')}/feeds/hkf_[A-Za-z0-9_-]{43}\\.ics$`,
);
const TOPICS_JA = '守る情報の決定、守る情報の識別・対策整理、管理対象情報へのアクセス権の設定';

type Visit = { session: SessionBody; company: string; requestId: string };

let api: TestApi;
let expertA: string;
let expertB: string;
let tokenA: string;
let tokenB: string;
let companyToken: string;
let confirmed: Visit;
let rescheduled: Visit;
let cancelled: Visit;
let visitOfB: Visit;

/** A new company's request, booked as staff for `expertId` at `start` (clock as it stands). */
async function visit(
  expertId: string,
  start: Date,
  overrides: Record<string, unknown> = {},
): Promise<Visit> {
  const applied = await applyAs(api, overrides);
  const res = await book(api, applied.request.id, { expertId, start });
  expect(res.status, res.text).toBe(201);
  return {
    session: res.body,
    company: applied.request.company.name,
    requestId: applied.request.id,
  };
}

async function change(id: string, action: 'cancel' | 'reschedule', body: unknown) {
  const res = await api.call('POST', `/v1/sessions/${id}/${action}`, { body });
  expect(res.status, res.text).toBe(200);
  return res.body as SessionBody;
}

/** GET /v1/me/feed with `token`; the path of the URL it gives. */
async function feedPath(token: string): Promise<string> {
  const res = await api.call('GET', '/v1/me/feed', { token });
  expect(res.status, res.text).toBe(200);
  return new URL(res.body.url).pathname;
}

/** GET of a feed path, with no Authorization (whoever holds the URL). */
function getFeed(path: string, headers: Record<string, string> = {}) {
  return api.call('GET', path, { token: null, headers });
}

function parse(ics: string) {
  return new ICAL.Component(ICAL.parse(ics));
}

function events(ics: string) {
  return parse(ics).getAllSubcomponents('vevent');
}

const uidsOf = (ics: string) => events(ics).map((e) => String(e.getFirstPropertyValue('uid')));

function eventOf(ics: string, sessionId: string) {
  const event = events(ics).find((e) => e.getFirstPropertyValue('uid') === `${sessionId}@haken`);
  if (!event) throw new Error(`no VEVENT for ${sessionId}`);
  const value = (name: string) => event.getFirstPropertyValue(name);
  const instant = (name: string) => (value(name) as ICAL.Time).toJSDate().toISOString();
  return { event, value, instant, text: (name: string) => String(value(name) ?? '') };
}

beforeAll(async () => {
  api = await testApi({ PUBLIC_BASE_URL: BASE_URL });
  api.setNow(at(0));
  expertA = (await createExpert(api, { name: '佐藤 花子', email: 'sato@example.jp' })).id;
  expertB = (await createExpert(api, { name: '鈴木 一郎', email: 'suzuki@example.jp' })).id;
  tokenA = (await issueToken(api, { role: 'expert', expertId: expertA })).token;
  tokenB = (await issueToken(api, { role: 'expert', expertId: expertB })).token;

  // Expert A: a confirmed on-site visit in Aichi, an online one moved twice, one cancelled.
  confirmed = await visit(expertA, jst('2026-12-02', '10:00'));
  rescheduled = await visit(expertA, jst('2026-12-03', '10:00'), { format: 'online' });
  cancelled = await visit(expertA, jst('2026-12-04', '13:00'));
  companyToken = (await applyAs(api)).accessToken;
  api.setNow(at(1));
  await change(rescheduled.session.id, 'reschedule', { start: iso(jst('2026-12-08', '13:00')) });
  api.setNow(at(2));
  rescheduled.session = await change(rescheduled.session.id, 'reschedule', {
    start: iso(jst('2026-12-08', '14:00')),
  });
  api.setNow(at(3));
  cancelled.session = await change(cancelled.session.id, 'cancel', { reason: '先方の都合' });
  // Expert B: one visit at the same time as A's confirmed one, for another company.
  visitOfB = await visit(expertB, jst('2026-12-02', '10:00'));
  api.setNow(at(4));
}, FRESH_DATABASE_MS);
afterAll(() => api?.close());

describe('GET /v1/me/feed', () => {
  it('gives an expert a secret URL under PUBLIC_BASE_URL/feeds/, the same on a second GET', async () => {
    const first = await api.call('GET', '/v1/me/feed', { token: tokenA });
    expect(first.status, first.text).toBe(200);
    expect(first.body.url).toMatch(FEED_URL);
    expect(first.body.createdAt).toBe(at(4).toISOString());
    api.setNow(at(4.5));
    const second = await api.call('GET', '/v1/me/feed', { token: tokenA });
    expect(second.body).toEqual(first.body);
    api.setNow(at(4));

    const ofB = await api.call('GET', '/v1/me/feed', { token: tokenB });
    expect(ofB.body.url).toMatch(FEED_URL);
    expect(ofB.body.url).not.toBe(first.body.url);
  });

  it('is for expert and staff tokens: a company token gets 403, no token 401', async () => {
    expectProblem(await api.call('GET', '/v1/me/feed', { token: companyToken }), 403, 'forbidden');
    expectProblem(
      await api.call('POST', '/v1/me/feed/rotate', { token: companyToken }),
      403,
      'forbidden',
    );
    expectProblem(await api.call('GET', '/v1/me/feed', { token: null }), 401, 'unauthorized');
    expectProblem(await api.call('POST', '/v1/me/feed/rotate', { token: null }), 401);
  });

  it('gives every staff token (bootstrap or issued) the one programme-wide URL', async () => {
    const bootstrap = await api.call('GET', '/v1/me/feed', { token: STAFF_TOKEN });
    const issued = await api.call('GET', '/v1/me/feed', {
      token: (await issueToken(api, { role: 'staff' })).token,
    });
    expect(bootstrap.status).toBe(200);
    expect(bootstrap.body.url).toMatch(FEED_URL);
    expect(issued.body.url).toBe(bootstrap.body.url);
    expect(bootstrap.body.url).not.toBe(
      (await api.call('GET', '/v1/me/feed', { token: tokenA })).body.url,
    );
  });
});

describe('GET /feeds/:token.ics, the expert feed', () => {
  it('is METHOD:PUBLISH iCalendar with the calendar name and refresh hints, read by ical.js', async () => {
    const res = await getFeed(await feedPath(tokenA));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(res.text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const calendar = parse(res.text);
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(String(calendar.getFirstPropertyValue('prodid'))).toMatch(/haken/);
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('専門家派遣 訪問予定: 佐藤 花子');
    expect(String(calendar.getFirstPropertyValue('refresh-interval'))).toBe('PT1H');
    // RFC 7986 wants VALUE=DURATION on it; ical.js reads that into the property's type.
    expect(calendar.getFirstProperty('refresh-interval')?.type).toBe('duration');
    expect(res.text).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n');
    expect(String(calendar.getFirstPropertyValue('x-published-ttl'))).toBe('PT1H');
  });

  it('has one VEVENT per session of the expert, and only theirs', async () => {
    const { text } = await getFeed(await feedPath(tokenA));
    expect(uidsOf(text).sort()).toEqual(
      [confirmed, rescheduled, cancelled].map((v) => `${v.session.id}@haken`).sort(),
    );
    expect(text).not.toContain(visitOfB.session.id);
    expect(text).not.toContain(visitOfB.company);

    const ofB = await getFeed(await feedPath(tokenB));
    expect(uidsOf(ofB.text)).toEqual([`${visitOfB.session.id}@haken`]);
    expect(parse(ofB.text).getFirstPropertyValue('x-wr-calname')).toBe(
      '専門家派遣 訪問予定: 鈴木 一郎',
    );
  });

  it('a confirmed visit: UID, SEQUENCE 0, DTSTAMP = its last change, times in UTC, Japanese summary with the company, the prefecture as LOCATION, the office as ORGANIZER', async () => {
    const { text } = await getFeed(await feedPath(tokenA));
    const e = eventOf(text, confirmed.session.id);
    expect(e.value('sequence')).toBe(0);
    expect(e.instant('dtstamp')).toBe(at(0).toISOString());
    expect(e.instant('last-modified')).toBe(at(0).toISOString());
    expect(e.instant('dtstart')).toBe(jst('2026-12-02', '10:00').toISOString());
    expect(e.instant('dtend')).toBe(jst('2026-12-02', '12:00').toISOString());
    expect((e.value('dtstart') as ICAL.Time).zone?.tzid).toBe('UTC');
    expect(e.value('status')).toBe('CONFIRMED');
    expect(e.value('transp')).toBe('OPAQUE');
    expect(e.text('summary')).toBe(
      `技術情報管理 専門家派遣: ${confirmed.company}（守る情報の決定、守る情報の識別・対策整理 ほか1件）`,
    );
    expect(e.value('location')).toBe('愛知県');
    expect(e.text('description')).toContain(`相談テーマ: ${TOPICS_JA}`);
    expect(e.text('description')).toContain('専門家: 佐藤 花子');
    expect(e.text('description')).toContain(`申込ID: ${confirmed.requestId}`);
    const organizer = e.event.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:office@haken.invalid');
    expect(organizer?.getParameter('cn')).toBe('技術情報管理 専門家派遣事業 事務局');
  });

  it('a rescheduled visit: its new times, SEQUENCE bumped on each change, DTSTAMP = the last one, オンライン', async () => {
    const { text } = await getFeed(await feedPath(tokenA));
    const e = eventOf(text, rescheduled.session.id);
    expect(rescheduled.session.sequence).toBe(2);
    expect(e.value('sequence')).toBe(2);
    expect(e.instant('dtstamp')).toBe(at(2).toISOString());
    expect(e.instant('dtstart')).toBe(jst('2026-12-08', '14:00').toISOString());
    expect(e.instant('dtend')).toBe(jst('2026-12-08', '16:00').toISOString());
    expect(e.value('status')).toBe('CONFIRMED');
    expect(e.value('location')).toBe('オンライン');
    expect(e.text('summary')).toBe(
      `技術情報管理 専門家派遣: ${rescheduled.company}（守る情報の決定、守る情報の識別・対策整理 ほか1件）`,
    );
  });

  it('a cancelled visit stays in the feed: STATUS:CANCELLED, SEQUENCE bumped, free time, 【中止】 in the summary', async () => {
    const { text } = await getFeed(await feedPath(tokenA));
    const e = eventOf(text, cancelled.session.id);
    expect(e.value('status')).toBe('CANCELLED');
    expect(e.value('sequence')).toBe(1);
    expect(e.instant('dtstamp')).toBe(at(3).toISOString());
    expect(e.instant('dtstart')).toBe(jst('2026-12-04', '13:00').toISOString());
    expect(e.value('transp')).toBe('TRANSPARENT');
    expect(e.text('summary')).toBe(
      `【中止】技術情報管理 専門家派遣: ${cancelled.company}（守る情報の決定、守る情報の識別・対策整理 ほか1件）`,
    );
    expect(e.value('location')).toBe('愛知県');
  });

  it('answers with ETag, Last-Modified (the latest change) and Cache-Control: private', async () => {
    const res = await getFeed(await feedPath(tokenA));
    expect(res.headers.get('etag')).toMatch(/^(W\/)?"[^"]+"$/);
    // The cancellation at T0 + 3 h is the feed's latest change.
    expect(res.headers.get('last-modified')).toBe(at(3).toUTCString());
    expect(res.headers.get('cache-control')).toMatch(/(^|,\s*)private(,|$)/);
    // The same calendar answers the same validators.
    const again = await getFeed(await feedPath(tokenA));
    expect(again.headers.get('etag')).toBe(res.headers.get('etag'));
    expect(again.text).toBe(res.text);
  });
});

describe('conditional GET', () => {
  it('If-None-Match with the current ETag is 304 with no body, and the validators again', async () => {
    const path = await feedPath(tokenA);
    const full = await getFeed(path);
    const etag = full.headers.get('etag') ?? '';
    const res = await getFeed(path, { 'if-none-match': etag });
    expect(res.status).toBe(304);
    expect(res.text).toBe('');
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('last-modified')).toBe(full.headers.get('last-modified'));
    expect(res.headers.get('cache-control')).toMatch(/private/);
    // A list of tags with the current one in it, and "*", match as well.
    expect((await getFeed(path, { 'if-none-match': `"other", ${etag}` })).status).toBe(304);
    expect((await getFeed(path, { 'if-none-match': '*' })).status).toBe(304);
  });

  it('If-Modified-Since at or after Last-Modified is 304; before it, 200', async () => {
    const path = await feedPath(tokenA);
    const lastModified = (await getFeed(path)).headers.get('last-modified') ?? '';
    const res = await getFeed(path, { 'if-modified-since': lastModified });
    expect(res.status).toBe(304);
    expect(res.text).toBe('');
    expect((await getFeed(path, { 'if-modified-since': at(5).toUTCString() })).status).toBe(304);
    const older = await getFeed(path, { 'if-modified-since': at(2).toUTCString() });
    expect(older.status).toBe(200);
    expect(uidsOf(older.text)).toHaveLength(3);
    expect((await getFeed(path, { 'if-modified-since': 'yesterday' })).status).toBe(200);
  });

  it('If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2)', async () => {
    const path = await feedPath(tokenA);
    const lastModified = (await getFeed(path)).headers.get('last-modified') ?? '';
    const res = await getFeed(path, {
      'if-none-match': 'W/"stale"',
      'if-modified-since': lastModified,
    });
    expect(res.status).toBe(200);
    expect(uidsOf(res.text)).toHaveLength(3);
  });

  it('after a reschedule, a cancellation and a booking the ETag and Last-Modified change and the 200 comes back', async () => {
    const expert = (await createExpert(api, { name: '高橋 三郎', email: 'takahashi@example.jp' }))
      .id;
    const token = (await issueToken(api, { role: 'expert', expertId: expert })).token;
    api.setNow(at(10));
    const first = await visit(expert, jst('2026-12-09', '10:00'));
    const path = await feedPath(token);
    let held = await getFeed(path);
    const etags = [held.headers.get('etag')];

    const steps: Array<[number, () => Promise<unknown>, (ics: string) => void]> = [
      [
        11,
        () => change(first.session.id, 'reschedule', { start: iso(jst('2026-12-10', '10:00')) }),
        (ics) => {
          const e = eventOf(ics, first.session.id);
          expect(e.instant('dtstart')).toBe(jst('2026-12-10', '10:00').toISOString());
          expect(e.value('sequence')).toBe(1);
        },
      ],
      [
        12,
        () => change(first.session.id, 'cancel', { reason: '日程再調整' }),
        (ics) => expect(eventOf(ics, first.session.id).value('status')).toBe('CANCELLED'),
      ],
      [
        13,
        () => visit(expert, jst('2026-12-11', '10:00')),
        (ics) => expect(events(ics)).toHaveLength(2),
      ],
    ];
    for (const [hours, act, check] of steps) {
      api.setNow(at(hours));
      await act();
      const conditional = await getFeed(path, {
        'if-none-match': held.headers.get('etag') ?? '',
        'if-modified-since': held.headers.get('last-modified') ?? '',
      });
      expect(conditional.status).toBe(200);
      expect(conditional.headers.get('etag')).not.toBe(held.headers.get('etag'));
      expect(conditional.headers.get('last-modified')).toBe(at(hours).toUTCString());
      check(conditional.text);
      etags.push(conditional.headers.get('etag'));
      held = conditional;
      // And the new validators are 304 again.
      expect(
        (await getFeed(path, { 'if-none-match': held.headers.get('etag') ?? '' })).status,
      ).toBe(304);
    }
    expect(new Set(etags).size).toBe(etags.length);
    api.setNow(at(4));
  });

  it('a change within the same second as the copy a client holds still changes the ETag', async () => {
    // An ETag of whole seconds would answer 304 to a client holding the copy from before
    // a change made in the same second.
    const expert = (await createExpert(api, { name: '伊藤 四郎', email: 'ito@example.jp' })).id;
    const token = (await issueToken(api, { role: 'expert', expertId: expert })).token;
    api.setNow(new Date(T0 + 20 * HOUR_MS + 100));
    const booked = await visit(expert, jst('2026-12-15', '10:00'));
    const path = await feedPath(token);
    const held = await getFeed(path);
    api.setNow(new Date(T0 + 20 * HOUR_MS + 600));
    await change(booked.session.id, 'cancel', { reason: '重複登録' });
    // A client that never sends validators must not get the body rendered before the change.
    const plain = await getFeed(path);
    const res = await getFeed(path, { 'if-none-match': held.headers.get('etag') ?? '' });
    api.setNow(at(4));
    expect(res.status).toBe(200);
    expect(eventOf(res.text, booked.session.id).value('status')).toBe('CANCELLED');
    expect(plain.text).toBe(res.text);
  });
});

describe('the programme-wide feed (staff)', () => {
  it('holds every expert’s sessions, cancelled ones included', async () => {
    const res = await getFeed(await feedPath(STAFF_TOKEN));
    expect(res.status).toBe(200);
    const calendar = parse(res.text);
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('専門家派遣 訪問予定（全体）');
    const uids = uidsOf(res.text);
    for (const v of [confirmed, rescheduled, cancelled, visitOfB]) {
      expect(uids).toContain(`${v.session.id}@haken`);
    }
    expect(eventOf(res.text, visitOfB.session.id).text('description')).toContain(
      '専門家: 鈴木 一郎',
    );
    expect(eventOf(res.text, cancelled.session.id).value('status')).toBe('CANCELLED');
    expect(res.headers.get('etag')).toBeTruthy();
    expect(res.headers.get('cache-control')).toMatch(/private/);
    const conditional = await getFeed(await feedPath(STAFF_TOKEN), {
      'if-none-match': res.headers.get('etag') ?? '',
    });
    expect(conditional.status).toBe(304);
  });

  it('an expert’s new name reaches the programme feed’s descriptions past a conditional GET', async () => {
    // Each event's DESCRIPTION names the expert, so a rename must change the ETag.
    const path = await feedPath(STAFF_TOKEN);
    const held = await getFeed(path);
    api.setNow(at(30));
    const renamed = await api.call('PATCH', `/v1/experts/${expertB}`, {
      body: { name: '鈴木 一朗' },
    });
    expect(renamed.status, renamed.text).toBe(200);
    const res = await getFeed(path, { 'if-none-match': held.headers.get('etag') ?? '' });
    // Put the name back for the other tests; the expert feed of B follows its own ETag.
    await api.call('PATCH', `/v1/experts/${expertB}`, { body: { name: '鈴木 一郎' } });
    api.setNow(at(4));
    expect(res.status).toBe(200);
    expect(eventOf(res.text, visitOfB.session.id).text('description')).toContain(
      '専門家: 鈴木 一朗',
    );
  });
});

describe('rotation', () => {
  it('POST /v1/me/feed/rotate gives a new URL; the old one is 404 at once, the new one works', async () => {
    const expert = (await createExpert(api, { name: '渡辺 五郎', email: 'watanabe@example.jp' }))
      .id;
    const token = (await issueToken(api, { role: 'expert', expertId: expert })).token;
    const booked = await visit(expert, jst('2026-12-16', '10:00'));
    const oldPath = await feedPath(token);
    expect((await getFeed(oldPath)).status).toBe(200);

    api.setNow(at(5));
    const rotated = await api.call('POST', '/v1/me/feed/rotate', { token });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.url).toMatch(FEED_URL);
    expect(rotated.body.createdAt).toBe(at(5).toISOString());
    const newPath = new URL(rotated.body.url).pathname;
    expect(newPath).not.toBe(oldPath);

    const gone = await getFeed(oldPath);
    expectProblem(gone, 404, 'not-found');
    // Not even a conditional GET with the old validators learns anything.
    expect((await getFeed(oldPath, { 'if-none-match': '*' })).status).toBe(404);
    const fresh = await getFeed(newPath);
    expect(fresh.status).toBe(200);
    expect(uidsOf(fresh.text)).toEqual([`${booked.session.id}@haken`]);
    // GET /v1/me/feed now gives the new URL; the other feeds are untouched.
    expect(await feedPath(token)).toBe(newPath);
    expect((await getFeed(await feedPath(tokenA))).status).toBe(200);

    // Rotating again retires the second URL too.
    const again = await api.call('POST', '/v1/me/feed/rotate', { token });
    expect((await getFeed(newPath)).status).toBe(404);
    expect((await getFeed(new URL(again.body.url).pathname)).status).toBe(200);
    api.setNow(at(4));
  });

  it('staff rotate the programme feed; experts’ feeds keep working', async () => {
    const oldPath = await feedPath(STAFF_TOKEN);
    const pathOfA = await feedPath(tokenA);
    const rotated = await api.call('POST', '/v1/me/feed/rotate');
    expect(rotated.status).toBe(200);
    expect((await getFeed(oldPath)).status).toBe(404);
    expect((await getFeed(new URL(rotated.body.url).pathname)).status).toBe(200);
    expect((await getFeed(pathOfA)).status).toBe(200);
  });
});

describe('concurrent requests', () => {
  it('simultaneous first GETs of /v1/me/feed all get the one URL; simultaneous rotations leave one live feed, never a 500', async () => {
    // BUG (reported, Postgres): issuing a feed token is read-then-insert, so simultaneous
    // requests race to the tokens_live_feed_key unique index and the losers get 500 (23505).
    const expert = (await createExpert(api, { name: '山本 六郎', email: 'yamamoto@example.jp' }))
      .id;
    const token = (await issueToken(api, { role: 'expert', expertId: expert })).token;
    const gets = await Promise.all(
      Array.from({ length: 8 }, () => api.call('GET', '/v1/me/feed', { token })),
    );
    expect(gets.map((r) => r.status)).toEqual(gets.map(() => 200));
    expect(new Set(gets.map((r) => r.body.url)).size).toBe(1);

    const rotations = await Promise.all(
      Array.from({ length: 8 }, () => api.call('POST', '/v1/me/feed/rotate', { token })),
    );
    for (const r of rotations) expect([200, 409], r.text).toContain(r.status);
    const live = await api.db.select().from(tokens).where(eq(tokens.expertId, expert));
    expect(live.filter((t) => t.role === 'feed' && t.revokedAt === null)).toHaveLength(1);
    // The URL GET /v1/me/feed gives now is the one that works.
    expect((await getFeed(await feedPath(token))).status).toBe(200);
  });
});

describe('what is not a feed', () => {
  it('unknown, malformed and garbage feed paths are 404', async () => {
    const real = await feedPath(tokenA);
    const secret = real.slice('/feeds/'.length, -'.ics'.length);
    const unknown = `hkf_${'A'.repeat(43)}`;
    const paths = [
      `/feeds/${unknown}.ics`,
      `/feeds/${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}.ics`,
      `/feeds/${secret}`,
      `/feeds/${secret}.ics.bak`,
      `/feeds/${secret}x.ics`,
      `/feeds/${secret.toUpperCase()}.ics`,
      '/feeds/garbage',
      '/feeds/.ics',
      `/feeds/${'x'.repeat(5000)}.ics`,
      '/feeds/%ZZ.ics',
      `/feeds/..%2F${secret}.ics`,
      '/feeds/',
    ];
    for (const path of paths) {
      const res = await getFeed(path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain('BEGIN:VCALENDAR');
    }
    // A NUL is refused as bad input, as everywhere in the API.
    expectProblem(await getFeed('/feeds/%00.ics'), 400, 'validation-failed');
  });

  it('the feed secret is not a bearer token', async () => {
    const secret = (await feedPath(tokenA)).slice('/feeds/'.length, -'.ics'.length);
    expectProblem(await api.call('GET', '/v1/me', { token: secret }), 401, 'unauthorized');
    expectProblem(await api.call('GET', '/v1/me/feed', { token: secret }), 401, 'unauthorized');
  });

  it('the tokens table stores no feed secret: a nonce and the secret’s hash only', async () => {
    const secret = (await feedPath(tokenA)).slice('/feeds/'.length, -'.ics'.length);
    const rows = await api.db.select().from(tokens).where(eq(tokens.role, 'feed'));
    const live = rows.filter((r) => r.expertId === expertA && r.revokedAt === null);
    expect(live).toHaveLength(1);
    const [row] = live;
    expect(row?.hash).toBe(hashSecret(secret));
    expect(row?.nonce).toMatch(/^[0-9a-f-]{36}$/);
    for (const r of rows) {
      expect(JSON.stringify(r)).not.toContain(secret);
      expect(JSON.stringify(r)).not.toContain(secret.slice(4));
    }
  });
});

describe('the feed’s window', () => {
  it('holds sessions from a year back; older ones leave the feed, and its ETag changes', async () => {
    const path = await feedPath(tokenA);
    const current = await getFeed(path);
    const yearAfter = (date: string) => new Date(Date.parse(date) + 365 * 24 * HOUR_MS);
    // A year after 3 December: the visit of the 2nd has left, those of the 4th and 8th stay.
    api.setNow(yearAfter('2026-12-03T00:00:00Z'));
    const later = await getFeed(path, { 'if-none-match': current.headers.get('etag') ?? '' });
    expect(later.status).toBe(200);
    expect(uidsOf(later.text).sort()).toEqual(
      [rescheduled, cancelled].map((v) => `${v.session.id}@haken`).sort(),
    );
    api.setNow(yearAfter('2026-12-09T00:00:00Z'));
    const empty = await getFeed(path, { 'if-none-match': later.headers.get('etag') ?? '' });
    api.setNow(at(4));
    expect(empty.status).toBe(200);
    expect(events(empty.text)).toHaveLength(0);
    expect(parse(empty.text).getFirstPropertyValue('method')).toBe('PUBLISH');
  });
});
