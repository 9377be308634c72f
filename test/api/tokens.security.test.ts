import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokens } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { application, createExpert } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { rowsOf } from '../support/sql.ts';
import { issueToken } from '../support/tokens.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let api: TestApi;
let expertId: string;
beforeAll(async () => {
  api = await testApi();
  expertId = (await createExpert(api)).id;
});
afterAll(() => api.close());

/** Every stored column of every row of the tables a secret could leak into, as text. */
async function storedText(): Promise<string> {
  const rows = await rowsOf<{ dump: string }>(
    api.db,
    sql`select coalesce(
          (select json_agg(t)::text from tokens t), '') ||
        coalesce((select json_agg(k)::text from idempotency_keys k), '') ||
        coalesce((select json_agg(a)::text from audit_events a), '') as dump`,
  );
  return rows[0]?.dump ?? '';
}

describe('tokens are stored hashed', () => {
  it('POST /v1/tokens: the secret appears nowhere, its SHA-256 hex is the stored hash', async () => {
    for (const body of [{ role: 'staff' as const }, { role: 'expert' as const, expertId }]) {
      const issued = await issueToken(api, body);
      expect(issued.token.length).toBeGreaterThanOrEqual(40);
      const [row] = await api.db.select().from(tokens).where(eq(tokens.id, issued.id));
      expect(row?.hash).toBe(sha256(issued.token));
      expect(row?.role).toBe(body.role);
      expect(await storedText()).not.toContain(issued.token);
    }
  });

  it('applying: the company token appears nowhere, even with an Idempotency-Key', async () => {
    const res = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api),
      headers: { 'idempotency-key': 'hash-check-1' },
    });
    expect(res.status).toBe(201);
    const token: string = res.body.accessToken;
    const [row] = await api.db
      .select()
      .from(tokens)
      .where(eq(tokens.requestId, res.body.request.id));
    expect(row).toMatchObject({ role: 'company', hash: sha256(token) });
    const stored = await storedText();
    expect(stored).toContain('hash-check-1');
    expect(stored).not.toContain(token);
    // Nor any part of it long enough to be useful.
    expect(stored).not.toContain(token.slice(4, 30));
  });

  it('every secret issued is distinct', async () => {
    const issued = await Promise.all(
      Array.from({ length: 10 }, () => issueToken(api, { role: 'staff' })),
    );
    expect(new Set(issued.map((t) => t.token)).size).toBe(10);
  });
});

describe('POST /v1/tokens', () => {
  it('answers {id, role, token} and the token works at once', async () => {
    const res = await api.call('POST', '/v1/tokens', {
      body: { role: 'expert', expertId, label: 'laptop' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), role: 'expert', expertId });
    const me = await api.call('GET', '/v1/me', { token: res.body.token });
    expect(me.body.id).toBe(expertId);
  });

  it('404 for an unknown expert, and no token row', async () => {
    const before = await api.db.select().from(tokens);
    const res = await api.call('POST', '/v1/tokens', {
      body: { role: 'expert', expertId: '00000000-0000-4000-8000-000000000000' },
    });
    expectProblem(res, 404, 'not-found');
    expect(await api.db.select().from(tokens)).toHaveLength(before.length);
  });

  it.each([
    ['an unknown role', { role: 'admin' }, 'role'],
    ['a company role', { role: 'company' }, 'role'],
    ['an expert role without expertId', { role: 'expert' }, 'expertId'],
    ['a staff role with expertId', { role: 'staff', expertId: crypto.randomUUID() }, 'expertId'],
    ['a non-UUID expertId', { role: 'expert', expertId: 'abc' }, 'expertId'],
  ])('400 for %s, naming %s', async (_, body, path) => {
    expectFieldError(await api.call('POST', '/v1/tokens', { body }), path);
  });
});

describe('DELETE /v1/tokens/:id', () => {
  it('revokes at once, and stamps revoked_at', async () => {
    const issued = await issueToken(api, { role: 'expert', expertId });
    const res = await api.call('DELETE', `/v1/tokens/${issued.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const [row] = await api.db.select().from(tokens).where(eq(tokens.id, issued.id));
    expect(row?.revokedAt).toBeInstanceOf(Date);
    expectProblem(await api.call('GET', '/v1/me', { token: issued.token }), 401, 'unauthorized');
  });

  it('404 when revoking twice, or an unknown id', async () => {
    const issued = await issueToken(api, { role: 'staff' });
    expect((await api.call('DELETE', `/v1/tokens/${issued.id}`)).status).toBe(204);
    expectProblem(await api.call('DELETE', `/v1/tokens/${issued.id}`), 404, 'not-found');
    expectProblem(
      await api.call('DELETE', '/v1/tokens/00000000-0000-4000-8000-000000000000'),
      404,
      'not-found',
    );
  });

  it('does not touch a company token (404), which keeps working', async () => {
    const applied = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api),
    });
    const [row] = await api.db
      .select()
      .from(tokens)
      .where(eq(tokens.requestId, applied.body.request.id));
    expectProblem(await api.call('DELETE', `/v1/tokens/${row?.id}`), 404, 'not-found');
    const read = await api.call('GET', `/v1/requests/${applied.body.request.id}`, {
      token: applied.body.accessToken,
    });
    expect(read.status).toBe(200);
  });

  it('400 naming id for a non-UUID', async () => {
    expectFieldError(await api.call('DELETE', '/v1/tokens/not-a-uuid'), 'id');
  });

  it('a revoked token cannot revoke others', async () => {
    const a = await issueToken(api, { role: 'staff' });
    const b = await issueToken(api, { role: 'staff' });
    await api.call('DELETE', `/v1/tokens/${a.id}`);
    const res = await api.call('DELETE', `/v1/tokens/${b.id}`, { token: a.token });
    expectProblem(res, 401, 'unauthorized');
    expect((await api.call('GET', '/v1/requests', { token: b.token })).status).toBe(200);
  });
});

describe('POST /v1/requests/:id/access-token', () => {
  const reissue = (requestId: string, token?: string, key?: string) =>
    api.call('POST', `/v1/requests/${requestId}/access-token`, {
      token,
      headers: key ? { 'idempotency-key': key } : {},
    });
  const readAs = (requestId: string, token: string) =>
    api.call('GET', `/v1/requests/${requestId}`, { token });

  it('staff get a new company token; the old one stops working; audited', async () => {
    const applied = await api.call('POST', '/v1/requests', { token: null, body: application(api) });
    const { request, accessToken: old } = applied.body;
    const res = await reissue(request.id);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      requestId: request.id,
      accessToken: expect.stringMatching(/^hkc_/),
    });
    expect((await readAs(request.id, res.body.accessToken)).status).toBe(200);
    expectProblem(await readAs(request.id, old), 401, 'unauthorized');
    const rows = await api.db.select().from(tokens).where(eq(tokens.requestId, request.id));
    expect(rows.filter((r) => r.revokedAt === null).map((r) => r.hash)).toEqual([
      sha256(res.body.accessToken),
    ]);
    const audit = await api.call('GET', `/v1/audit?entityType=request&entityId=${request.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'request.access-token-reissued',
      data: { revoked: 1 },
    });
  });

  it('an Idempotency-Key replay gives the same new token and revokes nothing more', async () => {
    const applied = await api.call('POST', '/v1/requests', { token: null, body: application(api) });
    const id = applied.body.request.id;
    const first = await reissue(id, undefined, 'key-reissue');
    const replay = await reissue(id, undefined, 'key-reissue');
    expect(replay.body).toEqual(first.body);
    expect((await readAs(id, first.body.accessToken)).status).toBe(200);
  });

  it('only staff: the company itself and an expert are 403; an unknown request is 404', async () => {
    const applied = await api.call('POST', '/v1/requests', { token: null, body: application(api) });
    const { request, accessToken } = applied.body;
    const expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
    expectProblem(await reissue(request.id, accessToken), 403, 'forbidden');
    expectProblem(await reissue(request.id, expertToken), 403, 'forbidden');
    expect((await readAs(request.id, accessToken)).status).toBe(200);
    expectProblem(await reissue('00000000-0000-4000-8000-000000000000'), 404, 'not-found');
  });
});
