import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, tokens } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { bookedVisit, jst } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { type Browser, browserOf, fieldValue } from '../support/pages.ts';
import { expectProblem } from '../support/problems.ts';

// The expert's own pages through app.request, as a browser without JavaScript uses them.
// The harness clock stands at Wed 2026-11-25 09:00 JST.

let api: TestApi;
let expertId: string;
beforeAll(async () => {
  api = await testApi();
  expertId = (await createExpert(api, { email: 'pages.expert@example.jp', name: '佐藤 花子' })).id;
});
afterAll(() => api.close());

/** Staff invite the expert; the browser follows the one-time link and is signed in. */
async function signedInExpert(): Promise<Browser> {
  const invited = await api.call('POST', `/v1/experts/${expertId}/invitations`);
  expect(invited.status, invited.text).toBe(201);
  const path = new URL(invited.body.url).pathname;
  const browser = browserOf(api);
  const page = await browser.get(path);
  expect(page.status).toBe(200);
  // Following the link (GET) does not use it up: a mail scanner may open it.
  expect(await browser.get(path).then((p) => p.status)).toBe(200);
  const used = await browser.post(path, {});
  expect(used.status).toBe(303);
  expect(used.headers.get('location')).toBe('/expert');
  return browser;
}

const csrfOf = async (browser: Browser, path = '/expert') =>
  fieldValue((await browser.get(path)).html, 'csrf') ?? '';

describe('signing in', () => {
  it('an invitation is emailed and its link works once, for 24 hours', async () => {
    const invited = await api.call('POST', `/v1/experts/${expertId}/invitations`);
    expect(invited.body.url).toMatch(/\/expert\/sign-in\/hki_[A-Za-z0-9_-]+$/);
    expect(invited.body.expiresAt).toBe('2026-11-26T00:00:00.000Z');
    const [email] = await api.db
      .select()
      .from(notifications)
      .where(eq(notifications.event, 'expert.sign-in-link'));
    expect(email).toMatchObject({ kind: 'email', recipient: 'pages.expert@example.jp' });
    // The table keeps no link: the email is written when it is sent.
    expect(JSON.stringify(email)).not.toContain(new URL(invited.body.url).pathname);

    const path = new URL(invited.body.url).pathname;
    const first = browserOf(api);
    expect((await first.post(path, {})).status).toBe(303);
    const second = browserOf(api);
    const again = await second.post(path, {});
    expect(again.status).toBe(404);
    expect(again.html).toContain('このリンクは使えません');

    const late = await api.call('POST', `/v1/experts/${expertId}/invitations`);
    api.setNow(new Date(Date.parse(late.body.expiresAt)));
    try {
      expect((await browserOf(api).post(new URL(late.body.url).pathname, {})).status).toBe(404);
    } finally {
      api.setNow('2026-11-25T00:00:00Z');
    }
  });

  it('asking by email answers the same whether or not the address is known', async () => {
    const ask = async (email: string) => {
      const browser = browserOf(api);
      const res = await browser.post('/expert/sign-in', { email });
      expect(res.status).toBe(303);
      return (await browser.get(res.headers.get('location') ?? '')).html;
    };
    const before = await api.db.select().from(tokens).where(eq(tokens.role, 'sign-in'));
    const known = await ask('Pages.Expert@example.jp');
    const unknown = await ask('nobody@example.jp');
    const notice = /<div class="notice" role="status">([^<]*)</;
    expect(notice.exec(known)?.[1]).toBe(notice.exec(unknown)?.[1]);
    const after = await api.db.select().from(tokens).where(eq(tokens.role, 'sign-in'));
    expect(after.length - before.length).toBe(1);
  });

  it('an inactive expert is not invited', async () => {
    const { id } = await createExpert(api, { email: 'gone@example.jp' });
    await api.call('PATCH', `/v1/experts/${id}`, { body: { active: false } });
    expectProblem(
      await api.call('POST', `/v1/experts/${id}/invitations`),
      409,
      'invalid-transition',
    );
  });

  it('the pages need the session: a visitor goes to sign in, and back after', async () => {
    const res = await browserOf(api).get('/expert/availability');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/expert/sign-in?next=%2Fexpert%2Favailability');
  });
});

describe('the visits page', () => {
  it('shows a coming visit with company, place, topics and notes; and a past one to report on', async () => {
    const coming = await bookedVisit(api, jst('2026-12-03', '10:00'), {
      expertId,
      application: {
        notes: '工場見学を希望します。\n駐車場あり。',
        company: undefined,
      },
    });
    const early = await signedInExpert();
    const page = await early.get('/expert');
    expect(page.status).toBe(200);
    expect(page.html).toContain(coming.request.company.name);
    expect(page.html).toContain('工場見学を希望します。');
    expect(page.html).toContain('愛知県');
    expect(page.html).toContain('守る情報の決定');
    expect(page.html).not.toContain('訪問報告を提出する');

    // Once the visit has begun it can be reported.
    api.setNow(jst('2026-12-03', '13:00'));
    try {
      const browser = await signedInExpert();
      const later = await browser.get('/expert');
      expect(later.html).toContain(`/expert/visits/${coming.session.id}/report`);
      const form = await browser.get(`/expert/visits/${coming.session.id}/report`);
      const csrf = fieldValue(form.html, 'csrf') ?? '';
      const empty = await browser.post(`/expert/visits/${coming.session.id}/report`, {
        csrf,
        summary: '',
      });
      expect(empty.status).toBe(303);
      const shown = await browser.get(empty.headers.get('location') ?? '');
      expect(shown.html).toContain('<title>エラー: 訪問報告');
      expect(shown.html).toMatch(/id="error-summary"[^>]*autofocus/);
      const filed = await browser.post(`/expert/visits/${coming.session.id}/report`, {
        csrf,
        topicsCovered: ['identify', 'classify'],
        summary: '守る情報を洗い出した。\r\n次回は管理者選任。',
        followUpNeeded: 'yes',
      });
      expect(filed.headers.get('location')).toBe('/expert');
      const session = await api.call('GET', `/v1/sessions/${coming.session.id}`);
      expect(session.body).toMatchObject({
        status: 'completed',
        report: {
          topicsCovered: ['identify', 'classify'],
          summary: '守る情報を洗い出した。\n次回は管理者選任。',
          followUpNeeded: true,
        },
      });
    } finally {
      api.setNow('2026-11-25T00:00:00Z');
    }
  });

  it('a no-show needs a confirmation step, then records it', async () => {
    const visit = await bookedVisit(api, jst('2026-12-04', '10:00'), { expertId });
    api.setNow(jst('2026-12-04', '11:00'));
    try {
      const browser = await signedInExpert();
      const confirm = await browser.get(`/expert/visits/${visit.session.id}/no-show`);
      expect(confirm.html).toContain('不在として記録する');
      const csrf = fieldValue(confirm.html, 'csrf') ?? '';
      const marked = await browser.post(`/expert/visits/${visit.session.id}/no-show`, { csrf });
      expect(marked.status).toBe(303);
      const session = await api.call('GET', `/v1/sessions/${visit.session.id}`);
      expect(session.body.status).toBe('no_show');
    } finally {
      api.setNow('2026-11-25T00:00:00Z');
    }
  });
});

describe('the availability page', () => {
  it('saves weekly hours and a day off without a script, and sends errors back to their fields', async () => {
    const browser = await signedInExpert();
    const csrf = await csrfOf(browser, '/expert/availability');
    const bad = await browser.post('/expert/availability', {
      csrf,
      overrideRows: '0',
      'w.1.0.start': '17:00',
      'w.1.0.end': '09:00',
    });
    expect(bad.status).toBe(303);
    const shown = await browser.get('/expert/availability');
    expect(shown.html).toMatch(/id="w\.1\.0\.end"[^>]*aria-invalid="true"/);
    expect(shown.html).toContain('value="17:00"');

    const saved = await browser.post('/expert/availability', {
      csrf,
      overrideRows: '0',
      'w.1.0.start': '09:00',
      'w.1.0.end': '12:00',
      'w.1.1.start': '13:00',
      'w.1.1.end': '17:00',
      'w.3.0.start': '10:00',
      'w.3.0.end': '15:00',
      'o.0.date': '2026-12-24',
      'o.0.kind': 'closed',
    });
    expect(saved.status).toBe(303);
    const me = await api.call('GET', `/v1/experts/${expertId}`);
    expect(me.body.availability).toEqual({
      weekly: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '13:00', end: '17:00' },
        { weekday: 3, start: '10:00', end: '15:00' },
      ],
      overrides: [{ date: '2026-12-24', available: false }],
    });
    const page = await browser.get('/expert/availability');
    expect(page.html).toContain('対応可能な時間を保存しました。');
    expect(page.html).toMatch(/name="o\.0\.remove"/);
  });
});

describe('the calendars page', () => {
  it('shows the subscription URL with how to add it, and replaces it after a confirmation', async () => {
    const browser = await signedInExpert();
    const page = await browser.get('/expert/calendars');
    const url = /<code id="feed-url">([^<]+)</.exec(page.html)?.[1] ?? '';
    expect(url).toMatch(/\/feeds\/hkf_[A-Za-z0-9_-]+\.ics$/);
    expect(page.html).toContain('Google カレンダー');
    expect(page.html).toContain('Outlook');
    const confirm = await browser.get('/expert/calendars/feed/rotate');
    const csrf = fieldValue(confirm.html, 'csrf') ?? '';
    expect((await browser.post('/expert/calendars/feed/rotate', { csrf })).status).toBe(303);
    const after = await browser.get('/expert/calendars');
    const fresh = /<code id="feed-url">([^<]+)</.exec(after.html)?.[1] ?? '';
    expect(fresh).not.toBe(url);
    expect((await api.call('GET', new URL(url).pathname, { token: null })).status).toBe(404);
  });
});
