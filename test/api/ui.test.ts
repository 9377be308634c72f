import { runInNewContext } from 'node:vm';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/auth/secrets.ts';
import { tokens } from '../../src/db/schema.ts';
import { isValidCorporateNumber } from '../../src/domain/corporate-number.ts';
import { corporateNumberDigits } from '../../src/ui/apply/form-data.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { createExpert } from '../support/fixtures.ts';
import { applicationForm, type Browser, browserOf, fieldValue } from '../support/pages.ts';

// The web pages through app.request, as a browser without JavaScript would use them. The
// harness clock stands at Wed 2026-11-25 09:00 JST; applicationForm's window runs from
// 2026-12-02 09:00 to 2026-12-09 17:00 JST, and one expert is free on weekdays 9–17.

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
  await createExpert(api);
  // A second expert who ranks better (fewer visits), so the first is not everyone's choice.
  await createExpert(api, { name: '鈴木 一郎', email: 'suzuki@example.jp' });
});
afterAll(() => api.close());

/** Applies through the form; the answer is the status page, greeting it with its link once. */
async function applyThroughForm(browser: Browser, overrides = {}) {
  const page = await browser.submit('/apply', applicationForm(overrides));
  expect(page.status, page.html).toBe(200);
  const token = /^\/r\/(hkc_[^/]+)$/.exec(page.location ?? '')?.[1];
  if (!token) throw new Error(`applying went to ${page.location}: ${page.html}`);
  expect(page.html).toContain(`/r/${token}</a>`);
  expect(page.html).toContain('id="status-link"');
  return token;
}

/** The office accepts the application behind a status link, so the company can book. */
async function acceptByToken(token: string) {
  const [row] = await api.db
    .select({ requestId: tokens.requestId })
    .from(tokens)
    .where(eq(tokens.hash, hashSecret(token)));
  const accepted = await api.call('POST', `/v1/requests/${row?.requestId}/accept`, { body: {} });
  expect(accepted.status, accepted.text).toBe(200);
}

async function signIn(browser: Browser) {
  const res = await browser.post('/staff/sign-in', { token: STAFF_TOKEN });
  expect(res.status).toBe(303);
  const queue = await browser.get('/staff');
  const csrf = fieldValue(queue.html, 'csrf');
  if (!csrf) throw new Error('no CSRF token on the staff page');
  return csrf;
}

const requestCount = async () =>
  (await api.call('GET', '/v1/requests?limit=100')).body.items.length as number;

describe('page headers', () => {
  it('sends a CSP without inline script or style, no framing, and no caching', async () => {
    const page = await browserOf(api).get('/apply');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
    // Every script is a file; nothing is styled inline.
    const scripts = page.html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatch(/ src="\/ui\/corporate-number\.js"/);
    expect(page.html).not.toMatch(/<style|style="/);
  });

  it('serves the stylesheet and the script as files with ETags', async () => {
    const css = await api.app.request('/ui/style.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const etag = css.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await api.app.request('/ui/style.css', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const js = await api.app.request('/ui/corporate-number.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('leaves the API as it was: JSON problems, no page CSP', async () => {
    const res = await api.app.request('/v1/nothing');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});

describe('/apply', () => {
  it('offers the taxonomy: prefectures, JSIC industries and topics by their Japanese names', async () => {
    const { html } = await browserOf(api).get('/apply');
    expect(html).toContain('<html lang="ja">');
    expect(html.match(/<option value="\d\d">[^<]+[都道府県]<\/option>/g)).toHaveLength(47);
    expect(html).toContain('<option value="E24">E24 金属製品製造業</option>');
    expect(html).toContain('<optgroup label="情報通信業（中分類）">');
    expect(html).toContain('<option value="G39">G39 情報サービス業</option>');
    expect(html).toContain('守る情報の決定');
    expect(html.match(/name="topics"/g)).toHaveLength(11);
    expect(html.match(/type="datetime-local"/g)).toHaveLength(10);
    // The first bookable half hour after 72 hours' notice, in Japan time.
    expect(html).toContain('min="2026-11-28T09:00"');
  });

  it('applies and answers with the status link to keep', async () => {
    const browser = browserOf(api);
    const token = await applyThroughForm(browser);
    expect(token).toMatch(/^hkc_/);
    const status = await browser.get(`/r/${token}`);
    expect(status.status).toBe(200);
    expect(status.html).toContain('株式会社テスト金属');
    // The greeting is shown once; the application's ID and the office's address stay.
    expect(status.html).not.toContain('id="status-link"');
    const [row] = await api.db
      .select({ requestId: tokens.requestId })
      .from(tokens)
      .where(eq(tokens.hash, hashSecret(token)));
    expect(status.html).toContain(`${row?.requestId}`);
    expect(status.html).toContain('mailto:office@haken.invalid');
    // Under review: the page says so and offers no slot until the office accepts.
    expect(status.html).toContain('審査中です');
    expect(status.html).not.toContain('name="slot"');
    await acceptByToken(token);
    const accepted = await browser.get(`/r/${token}`);
    expect(accepted.html).not.toContain('審査中です');
    expect(accepted.html).toContain('name="slot"');
  });

  it('shows a wrong corporate number next to its field, keeping what was typed', async () => {
    const before = await requestCount();
    const page = await browserOf(api).submit(
      '/apply',
      applicationForm({ 'company.corporateNumber': '7000012050003' }),
    );
    expect(page.location).toBe('/apply');
    expect(page.html).toMatch(
      /<span class="error" id="company\.corporateNumber-error">法人番号が正しくありません/,
    );
    expect(page.html).toMatch(
      /<input id="company\.corporateNumber" name="company\.corporateNumber" aria-describedby="company\.corporateNumber-hint company\.corporateNumber-error company\.corporateNumber-live" aria-invalid="true"[^>]*value="7000012050003"/,
    );
    expect(page.html).toContain('href="#company.corporateNumber"');
    expect(page.html).toContain('value="株式会社テスト金属"');
    expect(await requestCount()).toBe(before);
  });

  it('accepts a corporate number typed in full-width digits with hyphens', async () => {
    const token = await applyThroughForm(browserOf(api), {
      'company.corporateNumber': '７０００-０１２０-５０００２',
    });
    expect((await browserOf(api).get(`/r/${token}`)).html).toContain('7000012050002');
  });

  it('puts window errors on the row they were typed in', async () => {
    const page = await browserOf(api).submit(
      '/apply',
      applicationForm({
        'preferredWindows.0.start': '',
        'preferredWindows.0.end': '',
        'preferredWindows.2.start': '2026-11-26T09:00',
        'preferredWindows.2.end': '2026-12-03T17:00',
      }),
    );
    expect(page.location).toBe('/apply');
    expect(page.html).toMatch(
      /id="preferredWindows\.2\.start-error">72時間以上先の日時を指定してください。/,
    );
  });

  it('lists every missing field in the summary and at the field', async () => {
    const page = await browserOf(api).submit('/apply', { topics: [] });
    expect(page.location).toBe('/apply');
    for (const field of [
      'company.name',
      'company.industryCode',
      'contact.email',
      'topics',
      'privacyConsent',
    ]) {
      expect(page.html).toContain(`id="${field}-error"`);
      expect(page.html).toContain(`href="#${field}"`);
    }
    expect(page.html).toContain('preferredWindows-error');
  });

  it('replays a resent form instead of applying twice', async () => {
    const before = await requestCount();
    const form = applicationForm({ idempotencyKey: crypto.randomUUID() });
    const first = await browserOf(api).post('/apply', form);
    const again = await browserOf(api).post('/apply', form);
    expect([first.status, again.status]).toEqual([303, 303]);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await requestCount()).toBe(before + 1);
  });

  it('escapes what a company typed on every page that shows it', async () => {
    const browser = browserOf(api);
    const name = '<script>alert("x")</script>&<b>';
    const token = await applyThroughForm(browser, { 'company.name': name, notes: '<img src=x>' });
    const status = await browser.get(`/r/${token}`);
    expect(status.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;b&gt;',
    );
    expect(status.html).toContain('&lt;img src=x&gt;');
    expect(status.html).not.toContain('<script>alert');
    expect(status.html).not.toContain('<img src=x>');

    const staff = browserOf(api);
    await signIn(staff);
    const queue = await staff.get('/staff?status=received');
    expect(queue.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(queue.html).not.toContain('<script>alert');
  });

  it('refuses a form posted from another site, and applies nothing', async () => {
    const before = await requestCount();
    const crossSite = await browserOf(api).post('/apply', applicationForm(), {
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    const otherOrigin = await api.app.request('/apply', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      body: new URLSearchParams({ 'company.name': 'x' }).toString(),
    });
    expect(otherOrigin.status).toBe(403);
    expect(await requestCount()).toBe(before);
  });
});

describe('rate limits', () => {
  it('counts applications through the form per browser address, as the API does', async () => {
    const limited = await testApi({ RATE_LIMIT_APPLY_PER_MINUTE: '1', TRUST_PROXY: 'true' });
    try {
      const browser = browserOf(limited);
      const from = (address: string) => ({ 'x-forwarded-for': address });
      const first = await browser.submit('/apply', applicationForm(), from('198.51.100.7'));
      expect(first.location).toMatch(/^\/r\//);
      const second = await browser.submit('/apply', applicationForm(), from('198.51.100.7'));
      expect(second.location).toBe('/apply');
      expect(second.html).toContain('1分ほどおいてから');
      expect(second.html).toContain('value="株式会社テスト金属"');
      const elsewhere = await browser.submit('/apply', applicationForm(), from('198.51.100.8'));
      expect(elsewhere.location).toMatch(/^\/r\//);
    } finally {
      await limited.close();
    }
  });
});

describe('/r/:token', () => {
  it('books a slot, then offers the .ics the API serves, rescheduling and cancelling', async () => {
    const browser = browserOf(api);
    const token = await applyThroughForm(browser, {
      'company.corporateNumber': '4011001098993',
      'company.name': '株式会社予約テスト',
    });
    await acceptByToken(token);
    const status = await browser.get(`/r/${token}`);
    const slot = fieldValue(status.html, 'slot');
    expect(slot).toBeDefined();

    const page = await browser.submit(`/r/${token}/book`, { slot: slot ?? '' });
    expect(page.location).toBe(`/r/${token}`);
    expect(page.html).toContain('訪問日時を予約しました。');
    // The notice is said once: the page again (a reload, a bookmark) does not repeat it.
    expect((await browser.get(`/r/${token}`)).html).not.toContain('訪問日時を予約しました。');
    const [expertId] = (slot ?? '').split(' ');
    // Rescheduling keeps the expert: every time offered is theirs.
    const moves = page.html.match(/<input[^>]*name="slot"[^>]*>/g) ?? [];
    expect(moves.length).toBeGreaterThan(0);
    for (const move of moves) expect(move).toContain(`value="${expertId} `);
    const ics = /href="(\/r\/[^"]+\/calendar\.ics)"/.exec(page.html)?.[1] ?? '';
    const sessionId = /visits\/([0-9a-f-]{36})\//.exec(ics)?.[1];
    const fromPage = await api.app.request(ics);
    const fromApi = await api.call('GET', `/v1/sessions/${sessionId}/calendar.ics`);
    expect(fromPage.status).toBe(200);
    expect(fromPage.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await fromPage.text()).toBe(fromApi.text);

    // Only a visit's UUID goes into the API path behind the link.
    for (const crafted of ['..%2F..%2Fopenapi.json', '..%2F..%2Fv1%2Frequests', 'not-a-uuid']) {
      const res = await api.app.request(`/r/${token}/visits/${crafted}/calendar.ics`);
      expect(res.status, crafted).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).not.toMatch(/openapi|BEGIN:VCALENDAR|"items"/);
    }

    const other = fieldValue(page.html, 'slot');
    const moved = await browser.submit(`/r/${token}/reschedule`, {
      sessionId: sessionId ?? '',
      slot: other ?? '',
    });
    expect(moved.html).toContain('訪問日時を変更しました。');
    const session = await api.call('GET', `/v1/sessions/${sessionId}`);
    expect(session.body.start).toBe(new Date((other ?? '').split(' ')[1] ?? '').toISOString());

    // Cancelling is asked for on a page of its own; the status page only links to it.
    const before = await browser.get(`/r/${token}`);
    expect(before.html).not.toContain(`action="/r/${token}/cancel-visit"`);
    expect(before.html).toContain(`href="/r/${token}/cancel-visit?sessionId=${sessionId}"`);
    const confirm = await browser.get(`/r/${token}/cancel-visit?sessionId=${sessionId}`);
    expect(confirm.html).toContain(`action="/r/${token}/cancel-visit"`);
    expect(fieldValue(confirm.html, 'sessionId')).toBe(sessionId);
    const cancelled = await browser.submit(`/r/${token}/cancel-visit`, {
      sessionId: sessionId ?? '',
      reason: '社内の都合',
    });
    expect(cancelled.location).toBe(`/r/${token}`);
    expect(cancelled.html).toContain('訪問をキャンセルしました。');
    expect(cancelled.html).toContain('name="slot"');
    expect(cancelled.html).toContain('社内の都合');
    // The cancelled visit's calendar file is offered, to remove the imported event.
    const cancelledIcs = await api.app.request(`/r/${token}/visits/${sessionId}/calendar.ics`);
    expect(cancelled.html).toContain(`href="/r/${token}/visits/${sessionId}/calendar.ics"`);
    expect(await cancelledIcs.text()).toContain('STATUS:CANCELLED');
    // Nothing left to cancel: the confirmation page goes back to the status page.
    const stale = await browser.get(`/r/${token}/cancel-visit?sessionId=${sessionId}`);
    expect(stale.status).toBe(303);
  });

  it('answers a taken slot with the page and a message, not an error', async () => {
    const browser = browserOf(api);
    const token = await applyThroughForm(browser, { 'company.corporateNumber': '2120901007402' });
    const page = await browser.submit(`/r/${token}/book`, { slot: 'not a slot' });
    expect(page.location).toBe(`/r/${token}`);
    expect(page.html).toContain('選択内容を確認してください。');
  });

  it('is a 404 page for an unknown token, and will not serve another company’s visit', async () => {
    const browser = browserOf(api);
    expect((await browser.get('/r/hkc_unknown')).status).toBe(404);
    expect((await browser.post('/r/hkc_unknown/withdraw', {})).status).toBe(404);
    const token = await applyThroughForm(browser, { 'company.corporateNumber': '' });
    const stranger = await browser.get(
      `/r/${token}/visits/00000000-0000-4000-8000-000000000000/calendar.ics`,
    );
    expect(stranger.status).toBe(404);
    expect(stranger.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('withdraws the application', async () => {
    const browser = browserOf(api);
    const token = await applyThroughForm(browser, { 'company.corporateNumber': '' });
    const confirm = await browser.get(`/r/${token}/withdraw`);
    expect(confirm.html).toContain(`action="/r/${token}/withdraw"`);
    const page = await browser.submit(`/r/${token}/withdraw`, { reason: '' });
    expect(page.location).toBe(`/r/${token}`);
    expect(page.html).toContain('お申込みを取り下げました。');
    expect(page.html).toContain('このお申込みは取り下げられています。');
    expect(page.html).not.toContain('name="slot"');
  });
});

describe('/staff', () => {
  it('signs in into an HttpOnly, SameSite=Strict cookie holding a token of its own', async () => {
    const browser = browserOf(api);
    const res = await browser.post('/staff/sign-in', { token: STAFF_TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('haken_staff=')) ?? '';
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/staff/);
    expect(cookie).not.toContain(STAFF_TOKEN);
    expect((await browser.get('/staff')).status).toBe(200);
  });

  it('refuses a wrong token, and a company token', async () => {
    const browser = browserOf(api);
    const wrong = await browser.submit('/staff/sign-in', { token: 'not-a-token' });
    expect(wrong.location).toBe('/staff/sign-in?next=%2Fstaff');
    expect(wrong.html).toContain('トークンが正しくないか');
    expect(wrong.html).toContain('<title>エラー: ');
    // Said once: the form again is plain.
    expect((await browser.get('/staff/sign-in')).html).not.toContain('トークンが正しくないか');
    const token = await applyThroughForm(browser, { 'company.corporateNumber': '' });
    const company = await browser.submit('/staff/sign-in', { token });
    expect(company.html).toContain('トークンが正しくないか');
    expect(browser.cookies.has('haken_staff')).toBe(false);
  });

  it('sends a visitor without a session to sign in', async () => {
    const res = await browserOf(api).get('/staff/reports');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/sign-in?next=%2Fstaff%2Freports');
  });

  it('books from the matches only with the session’s CSRF token', async () => {
    const company = browserOf(api);
    await applyThroughForm(company, {
      'company.corporateNumber': '',
      'company.name': '株式会社マッチング',
    });
    const [request] = (await api.call('GET', '/v1/requests?status=received&limit=100')).body.items;
    const staff = browserOf(api);
    const csrf = await signIn(staff);
    const page = await staff.get(`/staff/requests/${request.id}`);
    expect(page.html).toContain('候補の専門家');
    expect(page.html).toMatch(/<span class="score">[\d.]+<\/span>/);
    const expertId = fieldValue(page.html, 'expertId') ?? '';
    const start = /name="start" value="([^"]+)"/.exec(page.html)?.[1] ?? '';

    for (const forged of [{}, { csrf: 'forged' }] as Record<string, string>[]) {
      const refused = await staff.post(`/staff/requests/${request.id}/book`, {
        ...forged,
        expertId,
        start,
      });
      expect(refused.status).toBe(403);
    }
    expect((await api.call('GET', `/v1/requests/${request.id}`)).body.status).toBe('received');

    const booked = await staff.post(`/staff/requests/${request.id}/book`, {
      csrf,
      expertId,
      start,
    });
    expect(booked.status).toBe(303);
    expect((await api.call('GET', `/v1/requests/${request.id}`)).body.sessions[0]).toMatchObject({
      expertId,
      start,
    });
  });

  it('issues a company a new link, only with the session’s CSRF token; the old link stops working', async () => {
    const company = browserOf(api);
    const oldLink = await applyThroughForm(company, {
      'company.corporateNumber': '',
      'company.name': '株式会社リンク再発行',
    });
    const request = (
      await api.call('GET', '/v1/requests?status=received&limit=100')
    ).body.items.find(
      (r: { company: { name: string } }) => r.company.name === '株式会社リンク再発行',
    );
    const staff = browserOf(api);
    const csrf = await signIn(staff);
    const page = await staff.get(`/staff/requests/${request.id}`);
    expect(page.html).toContain(`href="/staff/requests/${request.id}/access-token"`);
    // A confirmation step first; the POST it sends needs the session's token.
    const confirm = await staff.get(`/staff/requests/${request.id}/access-token`);
    expect(confirm.html).toContain('これまでのリンクは使えなくなります');
    const refused = await staff.post(`/staff/requests/${request.id}/access-token`, {
      csrf: 'forged',
    });
    expect(refused.status).toBe(403);
    const issued = await staff.post(`/staff/requests/${request.id}/access-token`, { csrf });
    expect(issued.status).toBe(303);
    // The new link is shown once, on the page the POST redirects to, and in no URL.
    expect(issued.headers.get('location')).toBe(`/staff/requests/${request.id}`);
    const shown = await staff.get(`/staff/requests/${request.id}`);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    const link = /\/r\/(hkc_[A-Za-z0-9_-]+)/.exec(shown.html)?.[1] ?? '';
    expect((await staff.get(`/staff/requests/${request.id}`)).html).not.toContain(link);
    expect(link).toMatch(/^hkc_/);
    expect((await browserOf(api).get(`/r/${link}`)).status).toBe(200);
    expect((await browserOf(api).get(`/r/${oldLink}`)).status).toBe(404);
  });

  it('signs out by ending the session on the server', async () => {
    const browser = browserOf(api);
    const csrf = await signIn(browser);
    const stolen = new Map(browser.cookies);
    const out = await browser.submit('/staff/sign-out', { csrf });
    expect(out.location).toBe('/staff/sign-in');
    expect(out.html).toContain('サインアウトしました。');
    expect(browser.cookies.has('haken_staff')).toBe(false);
    // The cookie a thief kept no longer works.
    const replay = await api.app.request('/staff', {
      headers: { cookie: `haken_staff=${stolen.get('haken_staff')}` },
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/staff/sign-in?next=%2Fstaff');
  });

  it('lists experts with their availability', async () => {
    const browser = browserOf(api);
    await signIn(browser);
    const list = await browser.get('/staff/experts');
    const href = /href="(\/staff\/experts\/[0-9a-f-]{36})"/.exec(list.html)?.[1] ?? '';
    const expert = await browser.get(href);
    expect(expert.html).toMatch(/id="w\.1\.0\.start"[^>]*value="09:00"/);
    expect(expert.html).toMatch(/id="w\.1\.0\.end"[^>]*value="17:00"/);
    expect(expert.html).toContain('曜日ごとの時間');
  });

  it('shows the report as a chart of twelve months, with CSV downloads from the API', async () => {
    const browser = browserOf(api);
    await signIn(browser);
    const page = await browser.get('/staff/reports?fiscalYear=2026');
    expect(page.status).toBe(200);
    expect(page.html).toContain('令和8年度');
    expect(page.html.match(/<rect class="bar"/g)).toHaveLength(12);
    expect(page.html).toContain('role="img"');
    const csv = await api.app.request('/staff/reports/csv?fiscalYear=2026&breakdown=prefecture', {
      headers: { cookie: `haken_staff=${browser.cookies.get('haken_staff')}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
    // UTF-8 with a byte order mark, so Excel in Japan reads it.
    expect([...new Uint8Array(await csv.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect((await browser.get('/staff/reports?fiscalYear=20x6')).status).toBe(404);
  });
});

describe('language', () => {
  it('switches to English with ?lang=en and remembers it in a cookie', async () => {
    const browser = browserOf(api);
    const en = await browser.get('/apply?lang=en');
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('Decide which information to protect');
    expect(browser.cookies.get('haken_lang')).toBe('en');
    expect((await browser.get('/apply')).html).toContain('Apply for an expert visit');
    expect((await browser.get('/apply?lang=ja')).html).toContain('<html lang="ja">');
  });
});

describe('the corporate-number script', () => {
  it('judges numbers as the server does', async () => {
    const script = await (await api.app.request('/ui/corporate-number.js')).text();
    const page = { document: { querySelectorAll: () => [] } } as Record<string, any>;
    runInNewContext(script, page);
    const typing = fc.oneof(
      fc.stringMatching(/^[0-9]{13}$/),
      fc.stringMatching(/^[0-9０-９ -]{0,16}$/),
    );
    fc.assert(
      fc.property(typing, (typed) => {
        const digits = corporateNumberDigits(typed);
        expect(page.corporateNumberDigits(typed)).toBe(digits);
        expect(page.isCorporateNumber(digits)).toBe(isValidCorporateNumber(digits));
      }),
    );
    for (const valid of ['7000012050002', '4011001098993', '2120901007402']) {
      expect(page.isCorporateNumber(valid)).toBe(true);
    }
  });
});
