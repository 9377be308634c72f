import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonLog } from '../../src/http/log.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { application, createExpert } from '../support/fixtures.ts';
import { issueToken } from '../support/tokens.ts';

// The server's real logger (one JSON object a line through console.log) captured over a run
// that carries personal data and secrets in every place a request can: bodies, tokens, ids,
// feed URLs, bad input. None of it may reach the log.

const lines: string[] = [];
let api: TestApi;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  api = await testApi({}, { log: jsonLog });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await api.close();
});

describe('the JSON request log', () => {
  it('carries no email, phone number, name or token from a run of requests', async () => {
    const contact = {
      name: '漏洩 花子',
      email: 'leak.check+contact@example.jp',
      phone: '090-1234-9876',
    };
    const applied = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api, { contact, notes: 'private note: 03-5555-0101' }),
      headers: { 'x-request-id': 'trace-apply-0001' },
    });
    expect(applied.status).toBe(201);
    const accessToken: string = applied.body.accessToken;
    const requestId: string = applied.body.request.id;

    const expertEmail = 'leak.check+expert@example.jp';
    const expertId = (await createExpert(api, { email: expertEmail })).id;
    const expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
    const feedUrl: string = (await api.call('GET', '/v1/me/feed', { token: expertToken })).body.url;
    const feedFile = feedUrl.slice(feedUrl.lastIndexOf('/') + 1);
    Object.assign(secrets, {
      ...contact,
      notes: '03-5555-0101',
      expertEmail,
      accessToken,
      expertToken,
      staffToken: STAFF_TOKEN,
      feedFile,
      guess: 'hks_guessed-token-that-is-not-real',
    });

    const runs: [string, string, string | null, unknown?][] = [
      ['GET', `/v1/requests/${requestId}`, accessToken],
      ['GET', `/v1/requests/${requestId}/slots`, accessToken],
      ['GET', `/v1/requests/${requestId}`, STAFF_TOKEN],
      ['GET', '/v1/me', expertToken],
      ['GET', `/feeds/${feedFile}`, null],
      ['GET', '/v1/requests', secrets.guess ?? null],
      // Bad input that quotes the personal data back to the client, never to the log.
      [
        'POST',
        '/v1/requests',
        null,
        application(api, { contact: { ...contact, email: `x${contact.email}@` } }),
      ],
      ['POST', '/v1/requests', null, `{"contact": {"email": "${contact.email}"`],
      [
        'PATCH',
        `/v1/experts/${expertId}`,
        STAFF_TOKEN,
        { email: expertEmail, phone: contact.phone },
      ],
      ['POST', `/v1/requests/${requestId}/cancel`, accessToken, { reason: contact.phone }],
    ];
    for (const [method, path, token, body] of runs) {
      const res = await api.call(method, path, { token, body });
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
    }
  });

  it('is one JSON object a line, each request with its id and route pattern, not its path', () => {
    const entries = lines.map((line) => JSON.parse(line));
    const requests = entries.filter((e) => e.message === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(10);
    for (const entry of requests) {
      expect(entry).toMatchObject({
        level: expect.any(String),
        requestId: expect.any(String),
        method: expect.any(String),
        route: expect.any(String),
        status: expect.any(Number),
      });
      expect(entry.route).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    }
    expect(requests.map((e) => e.requestId)).toContain('trace-apply-0001');
  });

  it('never holds any of the secrets or personal data', () => {
    const text = lines.join('\n');
    expect(Object.keys(secrets).length).toBeGreaterThan(5);
    for (const [what, value] of Object.entries(secrets)) {
      expect(text.includes(value), `${what} in the log`).toBe(false);
      // Nor a recognisable piece of a secret.
      if (value.length > 20)
        expect(text.includes(value.slice(4, 20)), `${what} in part`).toBe(false);
    }
    expect(text).not.toMatch(/@example\.jp/);
  });
});
