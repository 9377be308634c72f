import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { requests } from '../../src/db/schema.ts';
import { type CallOptions, STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { application, createExpert } from '../support/fixtures.ts';
import { expectProblem } from '../support/problems.ts';
import { type ServerProcess, startServer } from '../support/server.ts';
import { issueToken } from '../support/tokens.ts';

// The limits count per client address. In-process, the harness stands the socket's address in
// with a header of its own, so each test can be a client of its own.
const APPLY_LIMIT = 3;
const FAILURE_LIMIT = 4;

let api: TestApi;
let expertToken: string;
beforeAll(async () => {
  api = await testApi(
    {
      RATE_LIMIT_APPLY_PER_MINUTE: String(APPLY_LIMIT),
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: String(FAILURE_LIMIT),
    },
    { clientAddress: (c) => c.req.header('x-test-peer') },
  );
  const expertId = (await createExpert(api)).id;
  expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
});
afterAll(() => api.close());

const from = (peer: string, options: CallOptions = {}): CallOptions => ({
  ...options,
  headers: { ...options.headers, 'x-test-peer': peer },
});
const applyFrom = (peer: string, headers: Record<string, string> = {}) =>
  api.call('POST', '/v1/requests', from(peer, { token: null, body: application(api), headers }));

async function requestRows() {
  const [row] = await api.db.select({ n: count() }).from(requests);
  return row?.n ?? 0;
}

describe('POST /v1/requests, per client address', () => {
  it('takes RATE_LIMIT_APPLY_PER_MINUTE at once, then 429 rate-limited with Retry-After, and no row', async () => {
    for (let i = 0; i < APPLY_LIMIT; i++) expect((await applyFrom('192.0.2.1')).status).toBe(201);
    const rows = await requestRows();
    const refused = await applyFrom('192.0.2.1');
    expectProblem(refused, 429, 'rate-limited');
    // A token comes back every 60 / 3 = 20 s.
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(refused.body.detail).toMatch(/applications a minute/);
    expect(await requestRows()).toBe(rows);
  });

  it('counts a refused or invalid application too, and a throttled body is not even read', async () => {
    for (let i = 0; i < APPLY_LIMIT; i++) {
      const res = await api.call(
        'POST',
        '/v1/requests',
        from('192.0.2.2', { token: null, body: { nonsense: true } }),
      );
      expect(res.status).toBe(400);
    }
    const res = await api.call(
      'POST',
      '/v1/requests',
      from('192.0.2.2', { token: null, body: '{' }),
    );
    expectProblem(res, 429, 'rate-limited');
  });

  it('another address is not held back by the first', async () => {
    expect((await applyFrom('192.0.2.1')).status).toBe(429);
    expect((await applyFrom('198.51.100.1')).status).toBe(201);
  });

  it('lets the client in again once Retry-After has passed', async () => {
    const refused = await applyFrom('192.0.2.1');
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    api.setNow(new Date(api.now().getTime() + wait * 1000));
    expect((await applyFrom('192.0.2.1')).status).toBe(201);
    expect((await applyFrom('192.0.2.1')).status).toBe(429);
  });

  it('does not limit the other routes', async () => {
    for (let i = 0; i < APPLY_LIMIT + 2; i++) {
      const res = await api.call('GET', '/v1/taxonomy', from('192.0.2.1', { token: null }));
      expect(res.status).toBe(200);
    }
  });

  it('counts in-process calls (no address: the UI’s own pages in tests, the demo seed) never', async () => {
    for (let i = 0; i < APPLY_LIMIT + 2; i++) {
      expect(
        (await api.call('POST', '/v1/requests', { token: null, body: application(api) })).status,
      ).toBe(201);
    }
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set: a client cannot pick a fresh address', async () => {
    expect((await applyFrom('192.0.2.1')).status).toBe(429);
    const spoofed = await applyFrom('192.0.2.1', { 'x-forwarded-for': '203.0.113.50' });
    expectProblem(spoofed, 429, 'rate-limited');
  });
});

describe('failed token checks, per client address', () => {
  const bad = 'hks_guess-0000000000000000000000000000';

  it('answer 401 up to RATE_LIMIT_AUTH_FAILURES_PER_MINUTE, then 429 before the token is looked at', async () => {
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      const res = await api.call('GET', '/v1/me', from('192.0.2.10', { token: `${bad}${i}` }));
      expectProblem(res, 401, 'unauthorized');
    }
    const refused = await api.call('GET', '/v1/me', from('192.0.2.10', { token: bad }));
    expectProblem(refused, 429, 'rate-limited');
    expect(refused.headers.get('retry-after')).toBe('15');
    // Even a right guess gets no answer now: otherwise 429 and 200 would tell guesses apart.
    const right = await api.call('GET', '/v1/me', from('192.0.2.10', { token: expertToken }));
    expectProblem(right, 429, 'rate-limited');
  });

  it('count malformed Authorization headers and public routes too', async () => {
    const headers = { authorization: 'Basic dXNlcjpwYXNz' };
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      const res = await api.call(
        'GET',
        '/v1/taxonomy',
        from('192.0.2.11', { token: null, headers }),
      );
      expect(res.status).toBe(401);
    }
    const res = await api.call('GET', '/health', from('192.0.2.11', { token: bad }));
    expectProblem(res, 429, 'rate-limited');
    // Without a token the public routes stay open to that address.
    expect(
      (await api.call('GET', '/v1/taxonomy', from('192.0.2.11', { token: null }))).status,
    ).toBe(200);
  });

  it('never count a valid token, however often it is used', async () => {
    for (let i = 0; i < FAILURE_LIMIT * 5; i++) {
      const res = await api.call('GET', '/v1/me', from('192.0.2.12', { token: expertToken }));
      expect(res.status).toBe(200);
    }
    // Nor a 403 or 404 of a valid token: those are not guesses.
    for (let i = 0; i < FAILURE_LIMIT * 2; i++) {
      expect(
        (await api.call('GET', '/v1/requests', from('192.0.2.12', { token: expertToken }))).status,
      ).toBe(403);
      expect(
        (await api.call('GET', `/v1/experts/${crypto.randomUUID()}`, from('192.0.2.12'))).status,
      ).toBe(404);
    }
    expect(
      (await api.call('GET', '/v1/me', from('192.0.2.12', { token: expertToken }))).status,
    ).toBe(200);
  });

  it('leave other addresses alone, and recover as the minute passes', async () => {
    expect(
      (await api.call('GET', '/v1/me', from('192.0.2.13', { token: expertToken }))).status,
    ).toBe(200);
    expect(
      (await api.call('GET', '/v1/me', from('192.0.2.10', { token: expertToken }))).status,
    ).toBe(429);
    api.setNow(new Date(api.now().getTime() + 15_000));
    expect(
      (await api.call('GET', '/v1/me', from('192.0.2.10', { token: expertToken }))).status,
    ).toBe(200);
  });
});

describe('secrets in the URL or a sign-in form, per client address', () => {
  it('unknown status links count as failures; then even the right link is 429', async () => {
    const { accessToken } = (
      await api.call(
        'POST',
        '/v1/requests',
        from('192.0.2.20', { token: null, body: application(api) }),
      )
    ).body;
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      const res = await api.call('GET', `/r/hkc_guess${i}`, from('192.0.2.21', { token: null }));
      expect(res.status).toBe(404);
    }
    const right = await api.call('GET', `/r/${accessToken}`, from('192.0.2.21', { token: null }));
    expectProblem(right, 429, 'rate-limited');
    // The right link works from elsewhere, and knowing it counts nothing.
    for (let i = 0; i < FAILURE_LIMIT * 2; i++) {
      const ok = await api.call('GET', `/r/${accessToken}`, from('192.0.2.22', { token: null }));
      expect(ok.status).toBe(200);
    }
  });

  it('unknown feed URLs count as failures; then even a real feed is 429', async () => {
    const feed = await api.call('GET', '/v1/me/feed', { token: expertToken });
    const path = new URL(feed.body.url).pathname;
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      const guess = `/feeds/hkf_${String(i).padStart(43, 'A')}.ics`;
      const res = await api.call('GET', guess, from('192.0.2.23', { token: null }));
      expectProblem(res, 404, 'not-found');
    }
    const right = await api.call('GET', path, from('192.0.2.23', { token: null }));
    expectProblem(right, 429, 'rate-limited');
    expect((await api.call('GET', path, from('192.0.2.24', { token: null }))).status).toBe(200);
  });

  it('wrong staff tokens typed into the sign-in page count as failures', async () => {
    const signIn = (token: string) =>
      api.app.request('/staff/sign-in', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'same-origin',
          'x-test-peer': '192.0.2.25',
        },
        body: new URLSearchParams({ token }).toString(),
      });
    // Each refusal goes back to the form (303), and counts.
    for (let i = 0; i < FAILURE_LIMIT; i++) expect((await signIn(`guess-${i}`)).status).toBe(303);
    expect((await signIn(STAFF_TOKEN)).status).toBe(429);
  });
});

describe('a limit of 0', () => {
  it('turns the limit off', async () => {
    const open = createApp({
      db: api.db,
      config: loadConfig({
        STAFF_TOKEN,
        RATE_LIMIT_APPLY_PER_MINUTE: '0',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '0',
      }),
      clock: api.now,
      clientAddress: () => '192.0.2.99',
    });
    const post = () =>
      open.request('/v1/requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(application(api)),
      });
    for (let i = 0; i < 25; i++) expect((await post()).status).toBe(201);
    for (let i = 0; i < 40; i++) {
      const res = await open.request('/v1/taxonomy', {
        headers: { authorization: 'Bearer hks_x' },
      });
      expect(res.status).toBe(401);
    }
  });
});

// The Node entry point takes the address from the socket (and, with TRUST_PROXY, from the
// proxy's X-Forwarded-For entry): two real server processes on the embedded database.
describe('a server process', () => {
  let bySocket: ServerProcess;
  let byProxy: ServerProcess;
  beforeAll(async () => {
    const env = (trustProxy: string) => ({
      env: {
        DATA_DIR: 'memory://',
        RATE_LIMIT_APPLY_PER_MINUTE: '2',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '2',
        TRUST_PROXY: trustProxy,
        FEED_SYNC_MINUTES: '1440',
      },
      readyTimeoutMs: 60_000,
    });
    [bySocket, byProxy] = await Promise.all([startServer(env('false')), startServer(env('true'))]);
  }, 90_000);
  afterAll(() => Promise.all([bySocket?.stop(), byProxy?.stop()]));

  const guess = (server: ServerProcess, forwardedFor: string) =>
    fetch(`${server.url}/v1/taxonomy`, {
      headers: { authorization: 'Bearer hks_guess', 'x-forwarded-for': forwardedFor },
    });

  it.each([
    ['the socket’s address', false],
    ['the proxy’s X-Forwarded-For entry under TRUST_PROXY=true', true],
  ])('counts failed token checks by %s', async (_, trusted) => {
    const server = trusted ? byProxy : bySocket;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await guess(server, 'spoofed, 203.0.113.1');
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([401, 401, 429]);
    // Another client: behind the trusted proxy, another forwarded address; else nobody else.
    expect((await guess(server, '203.0.113.2')).status).toBe(trusted ? 401 : 429);
  });
});
