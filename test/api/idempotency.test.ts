import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, idempotencyKeys, requests, tokens } from '../../src/db/schema.ts';
import { forgetExpiredKeys } from '../../src/http/idempotency.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { application } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';

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

  it('the replay carries a working access token for the same request, and the first one still works', async () => {
    const body = application(api);
    const first = await applyWithKey('key-token', body);
    const replay = await applyWithKey('key-token', body);
    expect(replay.body.accessToken).toMatch(/^hkc_/);
    for (const token of [first.body.accessToken, replay.body.accessToken]) {
      const read = await api.call('GET', `/v1/requests/${first.body.request.id}`, { token });
      expect(read.status).toBe(200);
      expect(read.body.id).toBe(first.body.request.id);
    }
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
    // Each caller holds a token that works for that one request.
    const companyTokens = await api.db
      .select()
      .from(tokens)
      .where(eq(tokens.requestId, id as string));
    expect(companyTokens).toHaveLength(10);
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

describe('how long an Idempotency-Key is honoured', () => {
  const HOUR = 3600_000;

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
