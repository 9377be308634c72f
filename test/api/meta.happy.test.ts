import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

describe('GET /health', () => {
  it('is 200 {status: ok, database: ok} when the database answers', async () => {
    const res = await api.call('GET', '/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('is 503 when the database is closed', async () => {
    const down = await testApi();
    await down.database.close();
    const res = await down.call('GET', '/health', { token: null });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'degraded', database: 'unreachable' });
  });
});

describe('GET /openapi.json', () => {
  const paths = [
    '/health',
    '/v1/taxonomy',
    '/v1/requests',
    '/v1/requests/{id}',
    '/v1/requests/{id}/cancel',
    '/v1/experts',
    '/v1/experts/{id}',
    '/v1/experts/{id}/availability',
    '/v1/tokens',
    '/v1/tokens/{id}',
    '/v1/me',
    '/v1/me/availability',
    '/v1/audit',
  ];

  it('is an OpenAPI 3.1 document listing every route', async () => {
    const res = await api.call('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    expect(res.body.info.title).toBeTruthy();
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(paths));
  });

  it('describes the bearer scheme and the problem responses', async () => {
    const doc = (await api.call('GET', '/openapi.json', { token: null })).body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const list = doc.paths['/v1/requests'].get;
    // The roles a route is for, as OpenAPI 3.1 allows for a non-OAuth scheme.
    expect(list.security).toEqual([{ bearer: ['staff', 'viewer'] }]);
    expect(doc.paths['/v1/requests/{id}/sessions'].post.security).toEqual([
      { bearer: ['staff', 'company'] },
    ]);
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(list.responses['401'].content['application/problem+json']).toBeTruthy();
    const apply = doc.paths['/v1/requests'].post;
    expect(apply.requestBody.content['application/json'].schema).toBeTruthy();
  });
});

describe('GET /docs', () => {
  it('is an HTML page', async () => {
    const res = await api.call('GET', '/docs', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/i);
    expect(res.text).toContain('/v1/requests');
  });
});

describe('GET /v1/taxonomy', () => {
  it('lists industries, prefectures and topics in Japanese and English', async () => {
    const res = await api.call('GET', '/v1/taxonomy', { token: null });
    expect(res.status).toBe(200);
    const text = res.text;
    for (const fragment of ['製造業', 'Manufacturing', '東京都', 'Tokyo', '沖縄県', 'identify']) {
      expect(text).toContain(fragment);
    }
  });
});

describe('every answer', () => {
  it('carries an X-Request-Id, echoing a sane one', async () => {
    const mine = await api.call('GET', '/health', {
      token: null,
      headers: { 'x-request-id': 'req-12345678' },
    });
    expect(mine.headers.get('x-request-id')).toBe('req-12345678');
    const made = await api.call('GET', '/health', {
      token: null,
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // A problem, a page and the OpenAPI document are built in different ways; all carry it.
    for (const path of ['/v1/nothing-here', '/apply', '/openapi.json']) {
      const res = await api.call('GET', path, {
        token: null,
        headers: { 'x-request-id': 'req-87654321' },
      });
      expect(res.headers.get('x-request-id'), path).toBe('req-87654321');
    }
  });

  it('an unknown path is a 404 problem', async () => {
    const res = await api.call('GET', '/v1/nothing-here', { token: null });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('not-found');
  });
});
