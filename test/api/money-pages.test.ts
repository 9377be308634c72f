import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { applyReceived, jst } from '../support/booking.ts';
import { claim, OFFICE_ENV, payee, report, type Visit, visitOn } from '../support/money.ts';
import { type Browser, browserOf, fieldValue } from '../support/pages.ts';
import { parseZenginFile } from '../support/zengin.ts';

// The money pages through a browser stand-in: the company confirms its visit on its status
// page, staff decide a claim, confirm a visit for a company, export a month and download its
// CSV and 全銀 file, set rates and a budget, and accept past the budget only with force.

let api: TestApi;
let staff: Browser;
let csrf: string;
let expert: Awaited<ReturnType<typeof payee>>;
const visits: Record<string, Visit> = {};

beforeAll(async () => {
  api = await testApi(OFFICE_ENV);
  expert = await payee(api, { name: '佐藤 花子', holderName: 'サトウ ハナコ' });
  visits.confirmed = await visitOn(api, expert.id, '2026-12-01', '10:00', '12:00');
  visits.byStaff = await visitOn(api, expert.id, '2026-12-02', '10:00', '12:00', 'online');
  api.setNow(jst('2026-12-10', '10:00'));
  await report(api, visits.confirmed as Visit);
  await report(api, visits.byStaff as Visit);
  staff = browserOf(api);
  expect((await staff.post('/staff/sign-in', { token: STAFF_TOKEN })).status).toBe(303);
  const token = fieldValue((await staff.get('/staff')).html, 'csrf');
  if (!token) throw new Error('no CSRF token');
  csrf = token;
}, 120_000);
afterAll(() => api.close());

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the company’s status page', () => {
  it('asks whether the completed visit took place, and records the answer', async () => {
    const company = browserOf(api);
    const path = `/r/${visits.confirmed?.companyToken}`;
    const page = await company.get(path);
    expect(page.status).toBe(200);
    expect(page.html).toContain('訪問の実施のご確認（従事確認）');
    const after = await company.submit(`${path}/attendance`, {
      sessionId: visits.confirmed?.session.id as string,
      agree: 'yes',
    });
    expect(after.location).toBe(path);
    expect(after.html).toContain('ご回答を受け付けました。');
    expect(after.html).toContain('ご確認ありがとうございました。');
    const session = await api.call('GET', `/v1/sessions/${visits.confirmed?.session.id}`);
    expect(session.body.attendance).toMatchObject({ status: 'confirmed', by: 'company' });
  });
});

describe('the staff money pages', () => {
  it('decide a travel claim: adjusting without a reason comes back with the amount kept', async () => {
    const filed = await claim(api, expert.token, visits.confirmed as Visit, 4_320);
    const path = `/staff/travel-claims/${filed.id}`;
    const list = await staff.get('/staff/travel-claims');
    expect(list.status).toBe(200);
    expect(list.html).toContain(path);
    // The claim page's adjust form leads to a page that says what will happen.
    const confirm = await staff.get(`${path}/adjust?approvedYen=4%2C000&reason=`);
    expect(confirm.status).toBe(200);
    expect(text(confirm.html)).toContain('4,000円 に修正して承認します');
    const refused = await staff.submit(`${path}/adjust`, {
      csrf,
      approvedYen: '4,000',
      reason: '',
    });
    expect(refused.location).toBe(path);
    expect(refused.html).toContain('href="#reason"');
    expect(refused.html).toContain('is required');
    expect(fieldValue(refused.html, 'approvedYen')).toBe('4,000');
    expect((await api.call('GET', `/v1/travel-claims/${filed.id}`)).body.status).toBe('submitted');

    expect(text((await staff.get(`${path}/approve`)).html)).toContain('4,320円 で承認します');
    const approved = await staff.submit(`${path}/approve`, { csrf });
    expect(approved.location).toBe(path);
    expect(approved.html).toContain('旅費請求を承認しました。');
    expect(text(approved.html)).toContain('承認額 4,320円');
    // Decided, the confirmation pages lead back to the claim.
    const again = await staff.get(`${path}/approve`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(path);
  });

  it('confirm a visit for its company with a note, then export the month and download its files', async () => {
    const month = '/staff/payments?fiscalYear=2026&month=12';
    const before = await staff.get(month);
    expect(before.status).toBe(200);
    expect(before.html).toContain('企業の従事確認待ち');
    const confirmed = await staff.post('/staff/payments/attendance', {
      csrf,
      fiscalYear: '2026',
      month: '12',
      sessionId: visits.byStaff?.session.id as string,
      comment: '電話で先方に実施を確認',
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(month);
    const asked = await staff.get('/staff/payments/export?fiscalYear=2026&month=12&transferDate=');
    expect(text(asked.html)).toContain('1名の専門家への合計 22,817円 を支払済みにし');
    const after = await staff.submit('/staff/payments/export', {
      csrf,
      fiscalYear: '2026',
      month: '12',
    });
    expect(after.location).toBe(month);
    expect(after.html).toContain('支払データを出力しました。');
    // 2 visits of 2 h: ¥20,600 in fees, ¥4,320 travel; withheld 10.21 % of the fees (¥2,103).
    expect(text(after.html)).toContain('20,600円 4,320円 2,103円 22,817円');

    const csv = await staff.get('/staff/payments/file?fiscalYear=2026&month=12&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.html).toContain('佐藤 花子');
    const file = await api.app.request(
      '/staff/payments/file?fiscalYear=2026&month=12&format=zengin&export=1',
      { headers: { cookie: [...staff.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } },
    );
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; /);
    const records = parseZenginFile(Buffer.from(await file.arrayBuffer()), 'crlf');
    expect(records[1]).toMatchObject({ 受取人名: 'ｻﾄｳ ﾊﾅｺ'.padEnd(30), 振込金額: '0000022817' });

    const again = await staff.submit('/staff/payments/export', {
      csrf,
      fiscalYear: '2026',
      month: '12',
    });
    expect(again.location).toBe(month);
    expect(again.html).toContain('新たに支払うものはありません。');
  });

  it('show the frozen rates, and set the budget shown as a bar on the reports page', async () => {
    const fees = await staff.get('/staff/fees?fiscalYear=2026');
    expect(fees.status).toBe(200);
    expect(fees.html).toContain('単価は変更できません');
    const saved = await staff.post('/staff/fees/2026/budget', {
      csrf,
      amountYen: '１，０００，０００',
      intakeClosesOn: '2027-01-31',
    });
    expect(saved.status).toBe(303);
    const reports = await staff.get('/staff/reports?fiscalYear=2026');
    expect(reports.html).toContain('令和8年度の予算');
    expect(reports.html).toMatch(/<svg[^>]*id="budget-2026"/);
    expect(reports.html).toMatch(/data-key="paid" data-value="24920"/);
    expect(text(reports.html)).toContain('残額 975,080円');
  });

  it('set a year’s rates, refusing what no rate can be with the field named', async () => {
    const form = {
      csrf,
      hourlyRateYen: '5,500',
      unitMinutes: '30',
      dailyCapYen: '33000',
      withholdingPercent: '10.21',
      withholdingAbovePercent: '20.42',
      withholdingThresholdYen: '1000000',
      dailyAllowanceYen: '0',
      lodgingCapYen: '0',
      travelEstimateYen: '5000',
    };
    const bad = await staff.submit('/staff/fees/2027/rates', {
      ...form,
      unitMinutes: '0',
      hourlyRateYen: 'abc',
    });
    expect(bad.location).toBe('/staff/fees?fiscalYear=2027');
    expect(bad.html).toContain('href="#unitMinutes"');
    expect(bad.html).toContain('href="#hourlyRateYen"');
    expect(fieldValue(bad.html, 'hourlyRateYen')).toBe('abc');
    expect(fieldValue(bad.html, 'dailyCapYen')).toBe('33000');
    const ok = await staff.post('/staff/fees/2027/rates', form);
    expect(ok.status).toBe(303);
    expect((await api.call('GET', '/v1/fees/2027')).body).toMatchObject({
      hourlyRateYen: 5_500,
      withholdingBp: 1_021,
      withholdingAboveBp: 2_042,
      withholdTravel: false,
    });
  });

  it('accept past the budget only with force ticked', async () => {
    api.setNow('2026-11-25T00:00:00Z');
    await api.call('PUT', '/v1/budget/2026', { body: { amountYen: 100_000_000 } });
    const applied = await applyReceived(api);
    const budget = (await api.call('GET', '/v1/budget/2026')).body;
    await api.call('PUT', '/v1/budget/2026', {
      body: { amountYen: budget.committedYen + budget.approvedYen + budget.paidYen },
    });
    const path = `/staff/requests/${applied.request.id}`;
    expect((await staff.get(path)).html).toContain('予算を超えても派遣を決定する');
    const refused = await staff.submit(`${path}/accept`, { csrf, note: '' });
    expect(refused.location).toBe(path);
    expect(refused.html).toContain('派遣を決定すると年度の予算を超えます');
    expect((await api.call('GET', `/v1/requests/${applied.request.id}`)).body.status).toBe(
      'received',
    );
    const forced = await staff.post(`${path}/accept`, { csrf, note: '', force: 'on' });
    expect(forced.status).toBe(303);
    expect((await api.call('GET', `/v1/requests/${applied.request.id}`)).body.status).toBe(
      'accepted',
    );
  });
});

describe('/apply', () => {
  it('says in plain words that intake has closed, instead of the form', async () => {
    api.setNow(jst('2027-02-01', '09:00'));
    await api.call('PUT', '/v1/budget/2026', {
      body: { amountYen: 100_000_000, intakeClosesOn: '2027-01-31' },
    });
    const page = await browserOf(api).get('/apply');
    expect(page.status).toBe(200);
    expect(page.html).toContain('申込の受付は終了しました');
    expect(page.html).toContain('2027年1月31日');
    expect(page.html).not.toContain('name="company.name"');
  });
});
