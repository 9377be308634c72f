import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEvents,
  calendarFeeds,
  experts,
  idempotencyKeys,
  requests,
  tokens,
} from '../../src/db/schema.ts';
import { forgetExpiredKeys } from '../../src/http/idempotency.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { application, createExpert, expert } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

const applyWithKey = (key: string, body: unknown) =>
  api.call('POST', '/v1/requests', { token: null, body, headers: { 'idempotency-key': key } });

async function requestRows() {
  return api.db.select({ id: requests.id }).from(requests);
}

const HOUR = 3600_000;

/** The audit actions recorded on an entity, oldest first. */
async function actions(entityId: string) {
  const rows = await api.db
    .select({ action: auditEvents.action })
    .from(auditEvents)
    .where(eq(auditEvents.entityId, entityId))
    .orderBy(auditEvents.at, auditEvents.id);
  return rows.map((r) => r.action);
}

async function createdEvents(requestId: string) {
  const [row] = await api.db
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'request.created'), eq(auditEvents.entityId, requestId)));
  return row?.n;
}

describe('Idempotency-Key on POST /v1/requests', () => {
  it('the same key and body twice creates one request; the replay is 201 with its id', async () => {
    const body = application(api);
    const before = (await requestRows()).length;
    const first = await applyWithKey('key-sequential', body);
    const second = await applyWithKey('key-sequential', body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.request).toEqual(first.body.request);
    expect((await requestRows()).length).toBe(before + 1);
    expect(await createdEvents(first.body.request.id)).toBe(1);
  });

  it('the replay carries the first answer’s access token, which works; one token exists', async () => {
    const body = application(api);
    const first = await applyWithKey('key-token', body);
    const replay = await applyWithKey('key-token', body);
    expect(replay.body.accessToken).toMatch(/^hkc_/);
    expect(replay.body.accessToken).toBe(first.body.accessToken);
    const id = first.body.request.id;
    const read = await api.call('GET', `/v1/requests/${id}`, { token: replay.body.accessToken });
    expect(read.status).toBe(200);
    const rows = await api.db.select().from(tokens).where(eq(tokens.requestId, id));
    expect(rows).toHaveLength(1);
  });

  it('a replay is judged by the first answer, not by today’s clock', async () => {
    const start = api.now();
    // A window 73 hours ahead: inside the 72-hour notice once two hours have passed.
    const from = new Date(start.getTime() + 73 * HOUR);
    const body = application(api, {
      preferredWindows: [
        { start: from.toISOString(), end: new Date(from.getTime() + 8 * HOUR).toISOString() },
      ],
    });
    const first = await applyWithKey('key-clock', body);
    api.setNow(new Date(start.getTime() + 2 * HOUR));
    const replay = await applyWithKey('key-clock', body);
    const late = await api.call('POST', '/v1/requests', { token: null, body });
    api.setNow(start);
    expect(first.status).toBe(201);
    expect(replay.status, replay.text).toBe(201);
    expect(replay.body.request.id).toBe(first.body.request.id);
    expectFieldError(late, 'preferredWindows.0.start');
  });

  it('10 concurrent identical requests create exactly one request', async () => {
    const body = application(api);
    const before = (await requestRows()).length;
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => applyWithKey('key-concurrent', body)),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    const ids = new Set(replies.map((r) => r.body.request.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect((await requestRows()).length).toBe(before + 1);
    expect(await createdEvents(id as string)).toBe(1);
    const keys = await api.db
      .select()
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.key, 'key-concurrent'));
    expect(keys).toHaveLength(1);
    // One token, and every answer carries it.
    const companyTokens = await api.db
      .select()
      .from(tokens)
      .where(eq(tokens.requestId, id as string));
    expect(companyTokens).toHaveLength(1);
    expect(new Set(replies.map((r) => r.body.accessToken)).size).toBe(1);
    const read = await api.call('GET', `/v1/requests/${id}`, {
      token: replies[9]?.body.accessToken,
    });
    expect(read.status).toBe(200);
  });

  it('the same key with a different body is 422 idempotency-key-reused, and creates nothing', async () => {
    const first = await applyWithKey('key-reused', application(api));
    expect(first.status).toBe(201);
    const before = (await requestRows()).length;
    const res = await applyWithKey('key-reused', application(api, { notes: '別の内容' }));
    expectProblem(res, 422, 'idempotency-key-reused');
    expect((await requestRows()).length).toBe(before);
  });

  it('different keys create different requests', async () => {
    const body = application(api);
    const a = await applyWithKey('key-a', body);
    const b = await applyWithKey('key-b', body);
    expect(a.body.request.id).not.toBe(b.body.request.id);
  });

  it('without a key, the same body twice creates two requests', async () => {
    const body = application(api);
    const before = (await requestRows()).length;
    await api.call('POST', '/v1/requests', { token: null, body });
    await api.call('POST', '/v1/requests', { token: null, body });
    expect((await requestRows()).length).toBe(before + 2);
  });

  it('a failed attempt leaves the key free: fixing the body and retrying succeeds', async () => {
    const bad = await applyWithKey('key-retry', application(api, { durationMinutes: 5 }));
    expectFieldError(bad, 'durationMinutes');
    const good = await applyWithKey('key-retry', application(api));
    expect(good.status).toBe(201);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with a space', 'two words'],
    ['non-ASCII', 'caf\u00e9'],
  ])('a key %s is 400 naming Idempotency-Key', async (_, key) => {
    const before = (await requestRows()).length;
    const res = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api),
      headers: { 'idempotency-key': key },
    });
    expectFieldError(res, 'Idempotency-Key');
    expect((await requestRows()).length).toBe(before);
  });
});

describe('Idempotency-Key on the other creating POSTs', () => {
  const post = (path: string, key: string, body: unknown, token?: string) =>
    api.call('POST', path, { token, body, headers: { 'idempotency-key': key } });

  it('POST /v1/experts: one expert, the replay is the first answer', async () => {
    const body = expert({ email: 'idempotent@example.jp' });
    const first = await post('/v1/experts', 'key-expert', body);
    const replay = await post('/v1/experts', 'key-expert', body);
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const rows = await api.db.select().from(experts).where(eq(experts.email, body.email));
    expect(rows).toHaveLength(1);
    expectProblem(
      await post('/v1/experts', 'key-expert', { ...body, name: '別人' }),
      422,
      'idempotency-key-reused',
    );
  });

  it('POST /v1/tokens: one token, and the replay is the first answer, token and all', async () => {
    const body = { role: 'staff', label: 'idempotent' };
    const first = await post('/v1/tokens', 'key-staff-token', body);
    const replay = await post('/v1/tokens', 'key-staff-token', body);
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(first.body.token).toMatch(/^hks_/);
    const rows = await api.db.select().from(tokens).where(eq(tokens.label, 'idempotent'));
    expect(rows.map((r) => r.id)).toEqual([first.body.id]);
    expect((await api.call('GET', '/v1/experts', { token: first.body.token })).status).toBe(200);
    expect(await actions(first.body.id)).toEqual(['token.issued']);
  });

  it('POST /v1/tokens: a replay after the token was revoked answers the same; it stays revoked', async () => {
    const body = { role: 'staff', label: 'revoked then replayed' };
    const first = await post('/v1/tokens', 'key-revoked-token', body);
    expect((await api.call('DELETE', `/v1/tokens/${first.body.id}`)).status).toBe(204);
    const replay = await post('/v1/tokens', 'key-revoked-token', body);
    expect(replay.body).toEqual(first.body);
    expectProblem(
      await api.call('GET', '/v1/experts', { token: first.body.token }),
      401,
      'unauthorized',
    );
  });

  it('POST /v1/tokens: the key is the caller’s; another staff token with it issues its own', async () => {
    const [a, b] = await Promise.all([
      issueToken(api, { role: 'staff' }),
      issueToken(api, { role: 'staff' }),
    ]);
    const body = { role: 'staff', label: 'same key, two callers' };
    const byA = await post('/v1/tokens', 'key-two-callers', body, a.token);
    const byB = await post('/v1/tokens', 'key-two-callers', body, b.token);
    expect(byA.status).toBe(201);
    expect(byB.status).toBe(201);
    expect(byB.body.id).not.toBe(byA.body.id);
    expect(byB.body.token).not.toBe(byA.body.token);
    expect((await api.call('GET', '/v1/experts', { token: byA.body.token })).status).toBe(200);
  });

  it('POST /v1/me/calendar-feeds: one feed per expert and key; the replay shows it as it is now', async () => {
    const [a, b] = await Promise.all([createExpert(api), createExpert(api)]);
    const [tokenA, tokenB] = await Promise.all(
      [a, b].map(
        async (e) => (await issueToken(api, { role: 'expert', expertId: e?.id ?? '' })).token,
      ),
    );
    // Nothing listens there: the first sync fails, and says so.
    const body = { url: 'http://127.0.0.1:9/calendar.ics' };
    const first = await post('/v1/me/calendar-feeds', 'key-feed', body, tokenA);
    const replay = await post('/v1/me/calendar-feeds', 'key-feed', body, tokenA);
    expect(first.status).toBe(201);
    expect(first.body.lastError).toEqual(expect.any(String));
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    // The same key and body from another expert is that expert's own feed.
    const other = await post('/v1/me/calendar-feeds', 'key-feed', body, tokenB);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    const rows = await api.db.select().from(calendarFeeds).where(eq(calendarFeeds.url, body.url));
    expect(rows.map((r) => r.expertId).sort()).toEqual([a?.id, b?.id].sort());
  });
});

describe('how long an Idempotency-Key is honoured', () => {
  it('24 hours: within them another body is 422, after them the key starts afresh', async () => {
    const start = api.now();
    const first = await applyWithKey('key-day', application(api));
    api.setNow(new Date(start.getTime() + 23 * HOUR));
    const within = await applyWithKey('key-day', application(api, { notes: '翌日の申込' }));
    api.setNow(new Date(start.getTime() + 25 * HOUR));
    const after = await applyWithKey('key-day', application(api, { notes: '翌日の申込' }));
    const replay = await applyWithKey('key-day', application(api, { notes: '翌日の申込' }));
    api.setNow(start);
    expect(first.status).toBe(201);
    expectProblem(within, 422, 'idempotency-key-reused');
    expect(after.status).toBe(201);
    expect(after.body.request.id).not.toBe(first.body.request.id);
    expect(replay.body.request.id).toBe(after.body.request.id);
  });

  it('housekeeping deletes the keys older than 24 hours and keeps the others', async () => {
    const start = api.now();
    await applyWithKey('key-old', application(api));
    api.setNow(new Date(start.getTime() + 20 * HOUR));
    await applyWithKey('key-young', application(api));
    api.setNow(start);
    const result = await forgetExpiredKeys(api.db, new Date(start.getTime() + 25 * HOUR));
    const keys = (await api.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map(
      (r) => r.key,
    );
    expect(keys).not.toContain('key-old');
    expect(keys).toContain('key-young');
    expect(result.forgotten).toBeGreaterThanOrEqual(1);
  });
});
