import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { apply, createExpert } from '../support/fixtures.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

describe('smoke', () => {
  it('applies, reads back as the company and lists as staff', async () => {
    const { request, accessToken } = await apply(api);
    expect(request.status).toBe('received');
    const own = await api.call('GET', `/v1/requests/${request.id}`, { token: accessToken });
    expect(own.status).toBe(200);
    expect(own.body.company.isSme).toBe(true);
    const list = await api.call('GET', '/v1/requests');
    expect(list.body.items).toHaveLength(1);
    const ex = await createExpert(api);
    expect(ex.availability).toBeTruthy();
  });
});
