import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { apply, createExpert, expert } from '../support/fixtures.ts';
import { expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

let api: TestApi;
let mine: Awaited<ReturnType<typeof apply>>;
let theirs: Awaited<ReturnType<typeof apply>>;
let expertId: string;
let expertToken: string;
beforeAll(async () => {
  api = await testApi();
  mine = await apply(api);
  theirs = await apply(api, {
    company: {
      name: '別会社',
      corporateNumber: '4011001098993',
      industryCode: 'G',
      prefectureCode: '13',
      employees: 10,
      capitalYen: 10_000_000,
    },
  });
  expertId = (await createExpert(api)).id;
  expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
});
afterAll(() => api.close());

describe('a company token', () => {
  it('reads its own request', async () => {
    const res = await api.call('GET', `/v1/requests/${mine.request.id}`, {
      token: mine.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(mine.request.id);
  });

  it('gets 404, not 403, for another company’s request, exactly like an unknown id', async () => {
    const other = await api.call('GET', `/v1/requests/${theirs.request.id}`, {
      token: mine.accessToken,
    });
    expectProblem(other, 404, 'not-found');
    const unknown = await api.call('GET', '/v1/requests/00000000-0000-4000-8000-000000000000', {
      token: mine.accessToken,
    });
    expect(other.body.detail).toBe(unknown.body.detail);
  });

  it('cannot cancel another company’s request (404), which stays received', async () => {
    const res = await api.call('POST', `/v1/requests/${theirs.request.id}/cancel`, {
      token: mine.accessToken,
    });
    expectProblem(res, 404, 'not-found');
    const read = await api.call('GET', `/v1/requests/${theirs.request.id}`);
    expect(read.body.status).toBe('received');
  });

  it.each([
    ['GET', '/v1/requests', undefined],
    ['GET', '/v1/experts', undefined],
    ['POST', '/v1/experts', expert()],
    ['POST', '/v1/tokens', { role: 'staff' }],
    ['GET', '/v1/audit', undefined],
    ['GET', '/v1/me', undefined],
  ])('is refused on %s %s (403)', async (method, path, body) => {
    const res = await api.call(method, path, { token: mine.accessToken, body });
    expectProblem(res, 403, 'forbidden');
  });
});

describe('an expert token', () => {
  it.each([
    ['POST', '/v1/experts', expert()],
    ['GET', '/v1/experts', undefined],
    ['GET', '/v1/requests', undefined],
    ['GET', '/v1/audit', undefined],
    ['POST', '/v1/tokens', { role: 'staff' }],
  ])('is refused on the staff route %s %s (403)', async (method, path, body) => {
    const res = await api.call(method, path, { token: expertToken, body });
    expectProblem(res, 403, 'forbidden');
  });

  it('cannot mint itself a staff token: no token row is added', async () => {
    const before = await api.call('GET', '/v1/audit?entityType=token');
    await api.call('POST', '/v1/tokens', { token: expertToken, body: { role: 'staff' } });
    const after = await api.call('GET', '/v1/audit?entityType=token');
    expect(after.body.items).toHaveLength(before.body.items.length);
  });

  it('cannot edit experts, its own record included (403)', async () => {
    const res = await api.call('PATCH', `/v1/experts/${expertId}`, {
      token: expertToken,
      body: { maxVisitsPerMonth: 100 },
    });
    expectProblem(res, 403, 'forbidden');
    const read = await api.call('GET', `/v1/experts/${expertId}`);
    expect(read.body.maxVisitsPerMonth).toBe(8);
  });

  it('may not read requests (403)', async () => {
    const res = await api.call('GET', `/v1/requests/${mine.request.id}`, { token: expertToken });
    expectProblem(res, 403, 'forbidden');
  });
});

describe('GET /v1/me', () => {
  it('gives an expert token its own expert', async () => {
    const res = await api.call('GET', '/v1/me', { token: expertToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: expertId, name: expert().name });
    expect(res.body.availability.weekly).toHaveLength(5);
  });

  it('is 403 for staff', async () => {
    expectProblem(await api.call('GET', '/v1/me'), 403, 'forbidden');
  });

  it('is 401 without a token', async () => {
    expectProblem(await api.call('GET', '/v1/me', { token: null }), 401, 'unauthorized');
  });
});

describe('authentication', () => {
  const protectedRoutes: [string, string][] = [
    ['GET', '/v1/requests'],
    ['GET', '/v1/requests/00000000-0000-4000-8000-000000000000'],
    ['POST', '/v1/requests/00000000-0000-4000-8000-000000000000/cancel'],
    ['GET', '/v1/experts'],
    ['POST', '/v1/experts'],
    ['GET', '/v1/audit'],
    ['POST', '/v1/tokens'],
    ['DELETE', '/v1/tokens/00000000-0000-4000-8000-000000000000'],
    ['GET', '/v1/me'],
    ['PUT', '/v1/me/availability'],
  ];

  it.each(protectedRoutes)('%s %s without a token is 401', async (method, path) => {
    expectProblem(await api.call(method, path, { token: null }), 401, 'unauthorized');
  });

  it.each(protectedRoutes)('%s %s with an unknown token is 401', async (method, path) => {
    const res = await api.call(method, path, { token: 'hks_not-a-token-anyone-issued' });
    expectProblem(res, 401, 'unauthorized');
  });

  it.each([
    ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare token', 'test-staff-token-0123456789'],
    ['an empty bearer', 'Bearer '],
    ['a token with spaces', 'Bearer a b'],
  ])('%s is 401', async (_, authorization) => {
    const res = await api.call('GET', '/v1/requests', {
      token: null,
      headers: { authorization },
    });
    expectProblem(res, 401, 'unauthorized');
  });

  it('an unknown token is refused even on a public route, rather than read as anonymous', async () => {
    const res = await api.call('GET', '/v1/taxonomy', { token: 'hks_unknown-token-123' });
    expectProblem(res, 401, 'unauthorized');
  });

  it('a revoked expert token is 401 right after DELETE /v1/tokens/:id', async () => {
    const issued = await issueToken(api, { role: 'expert', expertId });
    expect((await api.call('GET', '/v1/me', { token: issued.token })).status).toBe(200);
    expect((await api.call('DELETE', `/v1/tokens/${issued.id}`)).status).toBe(204);
    expectProblem(await api.call('GET', '/v1/me', { token: issued.token }), 401, 'unauthorized');
  });

  it('a revoked staff token is 401 right after, and the other tokens still work', async () => {
    const issued = await issueToken(api, { role: 'staff' });
    expect((await api.call('GET', '/v1/requests', { token: issued.token })).status).toBe(200);
    expect((await api.call('DELETE', `/v1/tokens/${issued.id}`)).status).toBe(204);
    const res = await api.call('GET', '/v1/requests', { token: issued.token });
    expectProblem(res, 401, 'unauthorized');
    expect((await api.call('GET', '/v1/me', { token: expertToken })).status).toBe(200);
    expect((await api.call('GET', '/v1/requests')).status).toBe(200);
  });

  it('a staff token issued by staff can do staff work', async () => {
    const issued = await issueToken(api, { role: 'staff' });
    const res = await api.call('POST', '/v1/experts', { token: issued.token, body: expert() });
    expect(res.status).toBe(201);
  });

  it('public routes need no token', async () => {
    for (const path of ['/health', '/openapi.json', '/docs', '/v1/taxonomy']) {
      expect((await api.call('GET', path, { token: null })).status, path).toBe(200);
    }
  });
});
