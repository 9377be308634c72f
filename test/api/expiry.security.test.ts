import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tokens, webSessions } from '../../src/db/schema.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { createExpert } from '../support/fixtures.ts';
import { browserOf } from '../support/pages.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// Sessions and tokens end: tokens may carry an expiry, browser sign-ins end on the server
// after 8 hours or an hour idle, and an expert's access (feed URL included) ends with their
// tokens or their deactivation. The harness clock stands at 2026-11-25 09:00 JST.

const START = '2026-11-25T00:00:00Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());
afterEach(() => api.setNow(START));

const later = (ms: number) => new Date(Date.parse(START) + ms);

describe('token expiry', () => {
  it('a token works until its expiresAt, then is 401 and drops off the list', async () => {
    const expiresAt = later(HOUR).toISOString();
    const issued = await api.call('POST', '/v1/tokens', {
      body: { role: 'staff', label: 'one hour', expiresAt },
    });
    expect(issued.status, issued.text).toBe(201);
    expect(issued.body.expiresAt).toBe(expiresAt);
    const token = issued.body.token as string;
    expect((await api.call('GET', '/v1/requests', { token })).status).toBe(200);
    api.setNow(later(HOUR - 1));
    expect((await api.call('GET', '/v1/requests', { token })).status).toBe(200);
    api.setNow(later(HOUR));
    expectProblem(await api.call('GET', '/v1/requests', { token }), 401, 'unauthorized');
    const listed = await api.call('GET', '/v1/tokens?role=staff&limit=100');
    expect(listed.body.items.map((t: { id: string }) => t.id)).not.toContain(issued.body.id);
  });

  it('an expiresAt in the past is 400 naming it, and issues nothing', async () => {
    const before = await api.db.select().from(tokens);
    const res = await api.call('POST', '/v1/tokens', {
      body: { role: 'staff', expiresAt: later(-MINUTE).toISOString() },
    });
    expectFieldError(res, 'expiresAt');
    expect(await api.db.select().from(tokens)).toHaveLength(before.length);
  });
});

describe('GET /v1/tokens', () => {
  it('lists live tokens with role, label, created, last used and expiry, never a secret', async () => {
    const { id: expertId } = await createExpert(api, { email: 'listed@example.jp' });
    const staff = await issueToken(api, { role: 'staff' });
    const expert = await issueToken(api, { role: 'expert', expertId });
    const revoked = await issueToken(api, { role: 'staff' });
    await api.call('DELETE', `/v1/tokens/${revoked.id}`);
    api.setNow(later(5 * MINUTE));
    await api.call('GET', '/v1/me', { token: expert.token });

    const res = await api.call('GET', '/v1/tokens?limit=100');
    expect(res.status, res.text).toBe(200);
    const byId = new Map(res.body.items.map((t: { id: string }) => [t.id, t]));
    expect(byId.has(revoked.id)).toBe(false);
    expect(byId.get(expert.id)).toEqual({
      id: expert.id,
      role: 'expert',
      expertId,
      requestId: null,
      label: '',
      createdAt: START.replace('Z', '.000Z'),
      lastUsedAt: later(5 * MINUTE).toISOString(),
      expiresAt: null,
    });
    expect(byId.get(staff.id)).toMatchObject({ role: 'staff', lastUsedAt: null });
    for (const secret of [staff.token, expert.token]) expect(res.text).not.toContain(secret);
    expect(res.text).not.toMatch(/"(hash|token|nonce)"/);
    const experts = await api.call('GET', `/v1/tokens?role=expert&expertId=${expertId}`);
    expect(experts.body.items.map((t: { id: string }) => t.id)).toEqual([expert.id]);
  });

  it('records a token’s use at most once a minute', async () => {
    const { token, id } = await issueToken(api, { role: 'staff' });
    const lastUsed = async () =>
      (await api.db.select().from(tokens).where(eq(tokens.id, id)))[0]?.lastUsedAt;
    await api.call('GET', '/v1/requests', { token });
    expect(await lastUsed()).toEqual(later(0));
    api.setNow(later(59_000));
    await api.call('GET', '/v1/requests', { token });
    expect(await lastUsed()).toEqual(later(0));
    api.setNow(later(MINUTE));
    await api.call('GET', '/v1/requests', { token });
    expect(await lastUsed()).toEqual(later(MINUTE));
  });
});

describe('an expert’s access ends with their tokens', () => {
  async function expertWithFeed(email: string) {
    const { id } = await createExpert(api, { email });
    const issued = await issueToken(api, { role: 'expert', expertId: id });
    const feed = await api.call('GET', '/v1/me/feed', { token: issued.token });
    const path = new URL(feed.body.url).pathname;
    expect((await api.call('GET', path, { token: null })).status).toBe(200);
    return { id, issued, path };
  }

  it('revoking the expert’s token kills their feed URL too', async () => {
    const { issued, path } = await expertWithFeed('revoked.feed@example.jp');
    expect((await api.call('DELETE', `/v1/tokens/${issued.id}`)).status).toBe(204);
    expectProblem(await api.call('GET', path, { token: null }), 404, 'not-found');
  });

  it('deactivating the expert ends their tokens and feed, audited', async () => {
    const { id, issued, path } = await expertWithFeed('retired@example.jp');
    const patched = await api.call('PATCH', `/v1/experts/${id}`, { body: { active: false } });
    expect(patched.status, patched.text).toBe(200);
    expectProblem(await api.call('GET', '/v1/me', { token: issued.token }), 401, 'unauthorized');
    expectProblem(await api.call('GET', path, { token: null }), 404, 'not-found');
    const audit = await api.call('GET', `/v1/audit?entityType=expert&entityId=${id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'expert.access-ended',
      data: { tokens: 1, feeds: 1, webSessions: 0 },
    });
  });

  it('staff rotate an expert’s feed: the old URL is 404 at once, the new one serves', async () => {
    const { id, path } = await expertWithFeed('rotated@example.jp');
    const rotated = await api.call('POST', `/v1/experts/${id}/feed/rotate`);
    expect(rotated.status, rotated.text).toBe(200);
    const fresh = new URL(rotated.body.url).pathname;
    expect(fresh).not.toBe(path);
    expectProblem(await api.call('GET', path, { token: null }), 404, 'not-found');
    expect((await api.call('GET', fresh, { token: null })).status).toBe(200);
    const unknown = await api.call('POST', `/v1/experts/${crypto.randomUUID()}/feed/rotate`);
    expectProblem(unknown, 404, 'not-found');
  });
});

describe('staff sign-in on the pages', () => {
  async function signedIn(token = STAFF_TOKEN) {
    const browser = browserOf(api);
    const res = await browser.post('/staff/sign-in', { token });
    expect(res.status).toBe(303);
    return browser;
  }
  const onQueue = async (browser: ReturnType<typeof browserOf>) =>
    (await browser.get('/staff')).status === 200;

  it('the cookie holds a random session secret, which the API refuses as a token', async () => {
    const browser = await signedIn();
    const secret = browser.cookies.get('haken_staff') ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret).not.toContain(STAFF_TOKEN);
    expectProblem(await api.call('GET', '/v1/requests', { token: secret }), 401, 'unauthorized');
    const [row] = await api.db.select().from(webSessions).orderBy(webSessions.createdAt).limit(1);
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('ends on the server after 8 hours, however busy', async () => {
    const browser = await signedIn();
    for (let minutes = 50; minutes < 8 * 60; minutes += 50) {
      api.setNow(later(minutes * MINUTE));
      expect(await onQueue(browser), `at ${minutes} minutes`).toBe(true);
    }
    api.setNow(later(8 * HOUR));
    const res = await browser.get('/staff');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/staff\/sign-in/);
  });

  it('ends after an hour unseen, even with the cookie kept', async () => {
    const browser = await signedIn();
    const cookie = browser.cookies.get('haken_staff');
    api.setNow(later(HOUR + MINUTE));
    expect(await onQueue(browser)).toBe(false);
    expect(browser.cookies.get('haken_staff') ?? cookie).toBe(cookie);
  });

  it('signing out ends it on the server: the old cookie no longer signs in', async () => {
    const browser = await signedIn();
    const kept = new Map(browser.cookies);
    const queue = await browser.get('/staff');
    const csrf = /name="csrf" value="([^"]+)"/.exec(queue.html)?.[1] ?? '';
    expect((await browser.post('/staff/sign-out', { csrf })).status).toBe(303);
    const replay = browserOf(api);
    for (const [name, value] of kept) replay.cookies.set(name, value);
    expect(await onQueue(replay)).toBe(false);
  });

  it('ends when the token it was started with is revoked', async () => {
    const issued = await issueToken(api, { role: 'staff' });
    const browser = await signedIn(issued.token);
    expect(await onQueue(browser)).toBe(true);
    await api.call('DELETE', `/v1/tokens/${issued.id}`);
    expect(await onQueue(browser)).toBe(false);
  });

  it('refuses an expert’s token, and brings staff back to the page they asked for', async () => {
    const { id } = await createExpert(api, { email: 'not.staff@example.jp' });
    const expert = await issueToken(api, { role: 'expert', expertId: id });
    const refused = await browserOf(api).submit('/staff/sign-in', { token: expert.token });
    expect(refused.location).toBe('/staff/sign-in?next=%2Fstaff');
    expect(refused.html).toContain('トークンが正しくないか');

    const browser = browserOf(api);
    const asked = await browser.get('/staff/reports?fiscalYear=2021');
    expect(asked.status).toBe(303);
    const signIn = asked.headers.get('location') ?? '';
    expect(signIn).toBe(
      `/staff/sign-in?next=${encodeURIComponent('/staff/reports?fiscalYear=2021')}`,
    );
    const page = await browser.get(signIn);
    const next = /name="next" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const res = await browser.post('/staff/sign-in', {
      token: STAFF_TOKEN,
      next: next.replaceAll('&amp;', '&'),
    });
    expect(res.headers.get('location')).toBe('/staff/reports?fiscalYear=2021');
    // Elsewhere is not a place to be sent: another site, or a path outside the staff area.
    for (const elsewhere of ['https://evil.example/', '//evil.example/', '/r/abc', '/staffing']) {
      const other = await browserOf(api).post('/staff/sign-in', {
        token: STAFF_TOKEN,
        next: elsewhere,
      });
      expect(other.headers.get('location'), elsewhere).toBe('/staff');
    }
  });
});
