import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { applyAs, applyReceived, bookedVisit, corporateNumber, jst } from '../support/booking.ts';
import { application, apply, createExpert } from '../support/fixtures.ts';
import { type Browser, browserOf, fieldValue } from '../support/pages.ts';

// The office's whole job on the pages, through app.request as a browser without JavaScript.
// The harness clock stands at Wed 2026-11-25 09:00 JST.

let api: TestApi;
let staff: Browser;
let csrf: string;
beforeAll(async () => {
  api = await testApi();
  staff = browserOf(api);
  await staff.post('/staff/sign-in', { token: STAFF_TOKEN });
  csrf = fieldValue((await staff.get('/staff')).html, 'csrf') ?? '';
});
afterAll(() => api.close());

/** Follows a POST's redirect and returns the page it lands on. */
async function post(path: string, form: Record<string, string | string[]>) {
  const res = await staff.post(path, { csrf, ...form });
  expect(res.status, res.html).toBe(303);
  return staff.get(res.headers.get('location') ?? '');
}

describe('the queue', () => {
  it('searches by name, filters, and counts pages', async () => {
    for (const name of ['検索精機株式会社', '検索工業株式会社', '別名株式会社']) {
      await apply(api, {
        company: { ...application(api).company, name, corporateNumber: corporateNumber() },
      });
    }
    const found = await staff.get(`/staff?q=${encodeURIComponent('検索')}&status=all`);
    expect(found.html).toContain('検索精機株式会社');
    expect(found.html).toContain('検索工業株式会社');
    expect(found.html).not.toContain('別名株式会社');
    expect(found.html).toContain('2件（1 / 1ページ）');
    // The filters the page was asked for stay chosen.
    expect(found.html).toMatch(/<option value="all" selected/);
    expect(found.html).toMatch(/id="q"[^>]*value="検索"/);
  });
});

describe('an expert', () => {
  it('is created, edited and deactivated on the pages, errors shown by their fields', async () => {
    const bad = await post('/staff/experts/new', { name: '', email: 'not-an-address' });
    expect(bad.html).toContain('<title>エラー: 専門家を登録する');
    expect(bad.html).toMatch(/id="email"[^>]*aria-invalid="true"/);

    const created = await post('/staff/experts/new', {
      name: '新任 専門家',
      email: 'new.one@example.jp',
      affiliation: '情報管理研究所',
      industries: ['E24', 'E'],
      topics: ['identify', 'access'],
      prefectures: ['13', '23'],
      online: '1',
      maxVisitsPerMonth: '6',
      travelBufferMinutes: '30',
      languages: 'ja en',
      conflicts: '7000012050002',
    });
    expect(created.html).toContain('専門家を登録しました');
    const id = /\/staff\/experts\/([0-9a-f-]{36})\/edit/.exec(created.html)?.[1] ?? '';
    const read = await api.call('GET', `/v1/experts/${id}`);
    expect(read.body).toMatchObject({
      name: '新任 専門家',
      industries: ['E24', 'E'],
      prefectures: ['13', '23'],
      online: true,
      maxVisitsPerMonth: 6,
      travelBufferMinutes: 30,
      languages: ['ja', 'en'],
      conflicts: ['7000012050002'],
    });

    await post(`/staff/experts/${id}/edit`, {
      ...Object.fromEntries(
        ['name', 'email', 'affiliation', 'maxVisitsPerMonth', 'travelBufferMinutes'].map((f) => [
          f,
          String(read.body[f]),
        ]),
      ),
      industries: read.body.industries,
      topics: read.body.topics,
      prefectures: ['13'],
      maxVisitsPerMonth: '4',
    });
    expect((await api.call('GET', `/v1/experts/${id}`)).body).toMatchObject({
      prefectures: ['13'],
      maxVisitsPerMonth: 4,
      online: false,
    });

    const confirm = await staff.get(`/staff/experts/${id}/deactivate`);
    expect(confirm.html).toContain('停止すると候補に出なくなり');
    await post(`/staff/experts/${id}/deactivate`, {});
    expect((await api.call('GET', `/v1/experts/${id}`)).body.active).toBe(false);
  });

  it('is invited: the page shows the link sent, and the expert signs in with it', async () => {
    const { id } = await createExpert(api, { email: 'invite.me@example.jp' });
    const page = await post(`/staff/experts/${id}/invite`, {});
    expect(page.html).toContain('招待メールを送りました。');
    const link = /<code>(http[^<]+\/expert\/sign-in\/hki_[^<]+)<\/code>/.exec(page.html)?.[1] ?? '';
    expect(link).not.toBe('');
    const expertBrowser = browserOf(api);
    const signed = await expertBrowser.post(new URL(link).pathname, {});
    expect(signed.headers.get('location')).toBe('/expert');
    // Shown once: the next view of the page does not show it.
    expect((await staff.get(`/staff/experts/${id}`)).html).not.toContain(link);
  });

  it('has its hours edited by staff, and its coming visits listed', async () => {
    const v = await bookedVisit(api, jst('2026-12-03', '10:00'));
    const page = await staff.get(`/staff/experts/${v.expertId}`);
    expect(page.html).toContain(`/staff/requests/${v.request.id}`);
    await post(`/staff/experts/${v.expertId}/availability`, {
      overrideRows: '0',
      'w.2.0.start': '10:00',
      'w.2.0.end': '16:00',
    });
    expect((await api.call('GET', `/v1/experts/${v.expertId}`)).body.availability.weekly).toEqual([
      { weekday: 2, start: '10:00', end: '16:00' },
    ]);
    expect(page.html).toContain('操作の記録');
  });
});

describe('a request’s visit, managed from its page', () => {
  it('is booked at a free time of staff’s choosing, moved, reported and its history shown', async () => {
    const { id: expertId } = await createExpert(api, { email: 'free.time@example.jp' });
    const { request } = await applyAs(api);
    const page = await staff.get(`/staff/requests/${request.id}`);
    expect(page.html).toContain('日時を指定して予約');
    // Thu 2026-12-10, outside the preferred window (12-02 to 12-09): staff may book it.
    const booked = await post(`/staff/requests/${request.id}/book`, {
      expertId,
      startLocal: '2026-12-10T13:00',
    });
    expect(booked.html).toContain('訪問日時を予約しました。');
    const session = (await api.call('GET', `/v1/requests/${request.id}`)).body.sessions[0];
    expect(session.start).toBe('2026-12-10T04:00:00.000Z');

    const base = `/staff/requests/${request.id}/visits/${session.id}`;
    // The time given is confirmed on a page of its own before the visit moves.
    const check = await staff.get(`${base}/reschedule/confirm?startLocal=2026-12-11T10:00`);
    expect(check.html).toContain('2026年12月11日（金） 10:00–12:00 に変更します');
    expect((await api.call('GET', `/v1/sessions/${session.id}`)).body.start).toBe(session.start);
    const moved = await post(`${base}/reschedule`, {
      start: fieldValue(check.html, 'start') ?? '',
    });
    expect(moved.html).toContain('訪問日時を変更しました。');
    expect((await api.call('GET', `/v1/sessions/${session.id}`)).body.start).toBe(
      '2026-12-11T01:00:00.000Z',
    );

    api.setNow(jst('2026-12-11', '13:00'));
    try {
      await staff.post('/staff/sign-in', { token: STAFF_TOKEN });
      csrf = fieldValue((await staff.get('/staff')).html, 'csrf') ?? '';
      // The form offers the booked times as the actual ones, for staff to correct.
      const form = await staff.get(`${base}/report`);
      expect(fieldValue(form.html, 'actualStart')).toBe('2026-12-11T10:00');
      const reported = await post(`${base}/report`, {
        topicsCovered: ['identify'],
        summary: '電話で聞き取り、事務局が記録。',
        followUpNeeded: 'no',
        actualStart: '2026-12-11T10:15',
        actualEnd: '2026-12-11T11:45',
      });
      expect(reported.html).toContain('訪問報告を提出しました。');
      expect(reported.html).toContain('訪問報告（実施済み）');
      expect(reported.html).toContain('日時の変更');
      expect((await api.call('GET', `/v1/sessions/${session.id}`)).body).toMatchObject({
        actualStart: '2026-12-11T01:15:00.000Z',
        actualEnd: '2026-12-11T02:45:00.000Z',
      });
    } finally {
      api.setNow('2026-11-25T00:00:00Z');
      await staff.post('/staff/sign-in', { token: STAFF_TOKEN });
      csrf = fieldValue((await staff.get('/staff')).html, 'csrf') ?? '';
    }
  });

  it('is cancelled only after a confirmation step', async () => {
    const v = await bookedVisit(api, jst('2026-12-04', '10:00'));
    const base = `/staff/requests/${v.request.id}/visits/${v.session.id}`;
    const confirm = await staff.get(`${base}/cancel`);
    expect(confirm.html).toContain('訪問を中止します');
    expect((await api.call('GET', `/v1/sessions/${v.session.id}`)).body.status).toBe('confirmed');
    await post(`${base}/cancel`, { reason: '先方の都合' });
    expect((await api.call('GET', `/v1/sessions/${v.session.id}`)).body).toMatchObject({
      status: 'cancelled',
      cancelReason: '先方の都合',
    });
  });
});

describe('the notifications page', () => {
  it('lists what was given up on, and sends it again', async () => {
    const { request } = await applyReceived(api);
    const [row] = await api.db
      .update(notifications)
      .set({ status: 'dead', attempts: 8, lastError: 'smtp EENVELOPE 550' })
      .where(eq(notifications.requestId, request.id))
      .returning();
    const page = await staff.get('/staff/notifications?status=dead');
    expect(page.html).toContain('メールサーバーのエラー（EENVELOPE 550）');
    const after = await post(`/staff/notifications/${row?.id}/redeliver`, {});
    expect(after.html).toContain('再送します');
    const [again] = await api.db
      .select()
      .from(notifications)
      .where(eq(notifications.id, row?.id ?? ''));
    expect(again).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

describe('the matches', () => {
  it('word each part of the score in the page’s language, and list whom a conflict keeps away', async () => {
    const number = corporateNumber();
    await createExpert(api, {
      name: '利益 相反',
      email: 'conflicted@example.jp',
      conflicts: [number],
    });
    await createExpert(api, { name: '候補 一郎', email: 'candidate@example.jp' });
    const applied = await applyAs(api, { corporateNumber: number });
    const path = `/staff/requests/${applied.request.id}`;

    const ja = await staff.get(path);
    expect(ja.html).toContain('同一中分類（E24 金属製品製造業）');
    expect(ja.html).toMatch(/相談テーマ \d件中 \d件に対応/);
    expect(ja.html).toContain('愛知県に訪問');
    expect(ja.html).toContain('利益相反のため候補にしない専門家');
    expect(ja.html).toContain('利益 相反');
    // The API's own reasons are not what the page shows.
    expect(ja.html).not.toMatch(/topics \d\/\d|on site in|this FY|earliest 20/);

    const en = await staff.get(`${path}?lang=en`);
    expect(en.html).toMatch(/Covers \d of \d requested topics/);
    expect(en.html).toContain('On site in Aichi');
    expect(en.html).toContain('A conflict of interest they declared');
    const japanese = /[^\n]{0,60}(愛知県|同一|対応範囲|、|・)[^\n]{0,60}/.exec(en.html);
    expect(japanese?.[0]).toBeUndefined();
  });
});
