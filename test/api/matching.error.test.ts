import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { createExpert } from '../support/fixtures.ts';
import { applyAs, days, expertToken } from '../support/matching.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let api: TestApi;
let requestId: string;
let companyToken: string;
let expertId: string;
beforeAll(async () => {
  api = await testApi();
  api.setNow('2026-11-10T00:00:00Z');
  expertId = (await createExpert(api)).id;
  const applied = await applyAs(api, { preferredWindows: [days('2026-11-18', '2026-11-19')] });
  requestId = applied.request.id;
  companyToken = applied.accessToken;
});
afterAll(() => api.close());

describe('GET /v1/requests/:id/matches is for staff', () => {
  it('refuses the request’s own company with 403', async () => {
    const res = await api.call('GET', `/v1/requests/${requestId}/matches`, {
      token: companyToken,
    });
    expectProblem(res, 403, 'forbidden');
  });

  it('refuses an expert with 403', async () => {
    const res = await api.call('GET', `/v1/requests/${requestId}/matches`, {
      token: await expertToken(api, expertId),
    });
    expectProblem(res, 403, 'forbidden');
  });

  it('refuses a caller without a token with 401', async () => {
    const res = await api.call('GET', `/v1/requests/${requestId}/matches`, { token: null });
    expectProblem(res, 401, 'unauthorized');
  });
});

describe('unknown requests', () => {
  it.each(['matches', 'slots'])('GET /v1/requests/<unknown>/%s is 404', async (what) => {
    expectProblem(await api.call('GET', `/v1/requests/${UNKNOWN}/${what}`), 404, 'not-found');
  });

  it.each(['matches', 'slots'])(
    'GET /v1/requests/<not a uuid>/%s is 400 naming id',
    async (what) => {
      expectFieldError(await api.call('GET', `/v1/requests/not-a-uuid/${what}`), 'id');
    },
  );
});

describe('bad query parameters are 400 naming the field', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=', 'limit'],
    ['slotsPerExpert=abc', 'slotsPerExpert'],
    ['slotsPerExpert=0', 'slotsPerExpert'],
    ['slotsPerExpert=501', 'slotsPerExpert'],
    ['sort=score', 'sort'],
  ])('?%s → %s', async (query, field) => {
    expectFieldError(await api.call('GET', `/v1/requests/${requestId}/matches?${query}`), field);
  });

  it('the same parameters within bounds are accepted', async () => {
    const res = await api.call(
      'GET',
      `/v1/requests/${requestId}/matches?limit=200&slotsPerExpert=500`,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.matches).toHaveLength(1);
  });
});
