import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.ts';
import { DAY_MS, fiscalYearOf, HOUR_MS, tokyoDate } from '../../src/domain/time.ts';
import { type Reply, STAFF_TOKEN } from '../support/api.ts';
import { application, expert } from '../support/fixtures.ts';
import { OFFICE_ENV } from '../support/money.ts';
import type { ServerProcess } from '../support/server.ts';
import { expectAxeClean } from './support/axe.ts';
import { DESKTOP, launchChromium, newPage, PHONE, screenshot } from './support/chromium.ts';
import { seedingApp } from './support/seeding-app.ts';
import { engines, pageServer } from './support/server.ts';

// The money of one visit, through the pages, from the rates to the bank file: the office sets
// the year's rates and budget; the visit (made before the server starts, on a clock ten days
// back: booked on site, reported, confirmed by its company) is claimed for by its expert, in
// English, with a receipt; the office adjusts the claim with a reason, then exports the month,
// which pays the visit; exporting again pays nothing twice. What is stored is read back from
// the API at each step. Every page and state is checked with axe and photographed.

type Made = { expertId: string; sessionId: string; start: string };

// A PNG's signature and a few bytes: enough for the receipt check, which reads the signature.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** A completed, confirmed on-site visit of two hours, made through the API ten days back. */
async function confirmedVisit(database: Database, made: Partial<Made>) {
  const { call, clock } = seedingApp(database, OFFICE_ENV, Date.now() - 10 * DAY_MS);
  const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
  const created = await call(
    'POST',
    '/v1/experts',
    expert({ name: '佐藤 花子', prefectures: ['23'] }),
  );
  await call('PUT', `/v1/experts/${created.id}/availability`, { weekly: week, overrides: [] });
  await call('PUT', `/v1/experts/${created.id}/bank-account`, {
    bankCode: '0005',
    branchCode: '103',
    accountType: 'ordinary',
    accountNumber: '1234567',
    holderName: 'サトウ ハナコ',
  });
  const applied = await call('POST', '/v1/requests', application({ now: clock.date }), '');
  await call('POST', `/v1/requests/${applied.request.id}/accept`, {});
  const { slots } = await call(
    'GET',
    `/v1/requests/${applied.request.id}/slots`,
    undefined,
    applied.accessToken,
  );
  const [slot] = slots as { start: string; expert: { id: string } }[];
  if (!slot) throw new Error('no slot for the visit');
  const session = await call(
    'POST',
    `/v1/requests/${applied.request.id}/sessions`,
    { expertId: created.id, start: slot.start },
    applied.accessToken,
  );
  clock.now = Date.parse(session.start) + 3 * HOUR_MS;
  await call('POST', `/v1/sessions/${session.id}/report`, {
    topicsCovered: ['identify'],
    summary: '守るべき情報の洗い出しを行った。',
    followUpNeeded: false,
  });
  await call('POST', `/v1/sessions/${session.id}/attendance`, { agree: true }, applied.accessToken);
  Object.assign(made, { expertId: created.id, sessionId: session.id, start: session.start });
}

describe.each(engines)('fees and travel in the browser, on %s', { timeout: 180_000 }, (engine) => {
  let server: ServerProcess;
  let browser: Browser;
  let staff: Page;
  let expertPage: Page;
  const made: Partial<Made> = {};
  let fy = 0;
  let month = 0;
  let claimId = '';
  const shot = (page: Page, name: string) =>
    engine === 'pglite' ? screenshot(page, `money-${name}`) : Promise.resolve();

  /** The API as the office, on the running server: what the pages stored. */
  const api = async (path: string, token = STAFF_TOKEN): Promise<Reply['body']> => {
    const res = await fetch(new URL(path, server.url), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status, path).toBe(200);
    return res.json();
  };

  /** axe on the page as it stands, at desktop width and at a phone's 375 px. */
  async function checked(page: Page, name: string) {
    await expectAxeClean(page, `${name} (desktop)`);
    await page.setViewportSize(PHONE);
    await expectAxeClean(page, `${name} (375 px)`);
    await page.setViewportSize(DESKTOP);
    await shot(page, name);
  }

  beforeAll(async () => {
    server = await pageServer({
      demo: false,
      engine,
      env: OFFICE_ENV,
      seed: (db) => confirmedVisit(db, made),
    });
    browser = await launchChromium();
    staff = await newPage(browser, server.url);
    expertPage = await newPage(browser, server.url);
    const start = new Date(made.start as string);
    fy = fiscalYearOf(start);
    month = Number(tokyoDate(start).slice(5, 7));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the office sets the year’s budget and rates, errors shown all at once', async () => {
    await staff.goto('/staff');
    await staff.getByLabel('事務局トークン').fill(STAFF_TOKEN);
    await staff.getByRole('button', { name: 'サインイン' }).click();
    await staff.getByRole('heading', { name: '申込一覧' }).waitFor();
    await staff
      .getByRole('navigation', { name: 'サイト内メニュー' })
      .getByRole('link', { name: '謝金・旅費' })
      .click();
    await staff.getByRole('heading', { name: /^謝金・旅費の支払/ }).waitFor();
    await checked(staff, 'payments-empty');

    await staff
      .getByRole('navigation', { name: '謝金・旅費のページ' })
      .getByRole('link', { name: '単価・予算' })
      .click();
    await staff.getByRole('heading', { name: /の単価と予算$/, level: 1 }).waitFor();
    await staff.goto(`/staff/fees?fiscalYear=${fy}`);
    await staff.locator('#amountYen').fill('10,000,000');
    await staff.getByRole('button', { name: '予算を保存する' }).click();
    await staff.getByText('予算を保存しました。').waitFor();
    await checked(staff, 'fees-budget-saved');

    await staff.locator('#hourlyRateYen').fill('abc');
    await staff.locator('#unitMinutes').fill('0');
    await staff.locator('#dailyAllowanceYen').fill('2000');
    await staff.getByRole('button', { name: '単価を保存する' }).click();
    const summary = staff.getByRole('alert').filter({ hasText: '入力内容を確認してください' });
    await summary.waitFor();
    expect(await summary.getByRole('link').count()).toBe(2);
    expect(await staff.locator('#hourlyRateYen').inputValue()).toBe('abc');
    expect(await staff.locator('#dailyAllowanceYen').inputValue()).toBe('2000');
    await checked(staff, 'fees-rates-errors');

    await staff.locator('#hourlyRateYen').fill('5,150');
    await staff.locator('#unitMinutes').fill('30');
    await staff.locator('#lodgingCapYen').fill('10000');
    await staff.getByRole('button', { name: '単価を保存する' }).click();
    await staff.getByText('単価を保存しました。').waitFor();
    expect(await api(`/v1/fees/${fy}`)).toMatchObject({
      hourlyRateYen: 5_150,
      unitMinutes: 30,
      dailyAllowanceYen: 2_000,
      lodgingCapYen: 10_000,
      isDefault: false,
    });
    expect(await api(`/v1/budget/${fy}`)).toMatchObject({ amountYen: 10_000_000 });
  });

  it('the expert claims travel on the visit’s page, in English, with a receipt', async () => {
    const invited = await fetch(new URL(`/v1/experts/${made.expertId}/invitations`, server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${STAFF_TOKEN}` },
    });
    expect(invited.status).toBe(201);
    const link = new URL(((await invited.json()) as { url: string }).url).pathname;
    await expertPage.goto(`${link}?lang=en`);
    await expertPage.getByRole('button', { name: 'Sign in' }).click();
    await expertPage.getByRole('heading', { name: 'Your visits', level: 1 }).waitFor();
    await shot(expertPage, 'expert-visits');
    await expertPage.getByRole('link', { name: 'Claim travel' }).click();
    await expertPage.getByRole('heading', { name: 'Claim travel', level: 1 }).waitFor();
    await checked(expertPage, 'expert-claim-form');

    const leg = (n: number) => expertPage.getByRole('group', { name: `Leg ${n}` });
    await leg(1).getByLabel('From').fill('名古屋駅');
    await leg(1).getByLabel('Amount (¥)').fill('1,230');
    await expertPage.getByLabel('Lodging (¥)').fill('ten thousand');
    await expertPage.getByRole('button', { name: 'Claim travel' }).click();
    const summary = expertPage.locator('#error-summary');
    await summary.waitFor();
    expect(await summary.getByRole('link').count()).toBe(2);
    expect(await leg(1).getByLabel('From').inputValue()).toBe('名古屋駅');
    await checked(expertPage, 'expert-claim-errors');

    await leg(1).getByLabel('To').fill('豊田市駅');
    await leg(2).getByLabel('From').fill('豊田市駅');
    await leg(2).getByLabel('To').fill('名古屋駅');
    await leg(2).getByLabel('Amount (¥)').fill('1230');
    await expertPage.getByLabel('Daily allowance (¥)').fill('2000');
    await expertPage.getByLabel('Lodging (¥)').fill('0');
    await expertPage.getByRole('button', { name: 'Claim travel' }).click();
    await expertPage.getByText('Your travel claim is sent.').waitFor();

    await expertPage.getByLabel('Receipt file').setInputFiles({
      name: 'ticket.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await expertPage.getByRole('button', { name: 'Attach the receipt' }).click();
    await expertPage.getByText('The receipt is attached.').waitFor();
    expect(await expertPage.locator('#claim-status').textContent()).toContain(
      'Waiting for the office',
    );
    await expertPage.getByRole('link', { name: 'ticket.png' }).waitFor();
    await checked(expertPage, 'expert-claim-submitted');

    const { items } = await api('/v1/travel-claims?status=submitted');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      sessionId: made.sessionId,
      claimedYen: 4_460,
      allowanceYen: 2_000,
      status: 'submitted',
      receipts: [{ filename: 'ticket.png', contentType: 'image/png', sizeBytes: PNG.length }],
    });
    claimId = items[0].id;
  });

  it('the office adjusts the claim with a reason, after a confirmation page', async () => {
    await staff
      .getByRole('navigation', { name: 'サイト内メニュー' })
      .getByRole('link', { name: '謝金・旅費' })
      .click();
    await staff.getByRole('link', { name: '旅費請求' }).first().click();
    await staff.getByRole('heading', { name: '旅費請求', level: 1 }).waitFor();
    await checked(staff, 'claims');
    await staff.getByRole('link', { name: '佐藤 花子' }).click();
    await staff.getByRole('heading', { name: '旅費請求（佐藤 花子）', level: 1 }).waitFor();
    await staff.getByRole('link', { name: 'ticket.png' }).waitFor();
    await checked(staff, 'claim');

    await staff.locator('#approvedYen').fill('4,000');
    await staff.locator('#reason').fill('往路は回数券の額で精算');
    await staff.getByRole('button', { name: '修正して承認する' }).click();
    await staff.getByRole('heading', { name: '確認' }).waitFor();
    expect(await staff.locator('main').textContent()).toContain('4,000円 に修正して承認します');
    await checked(staff, 'claim-adjust-confirm');
    // Nothing is decided until the confirmation's own button is pressed.
    expect((await api(`/v1/travel-claims/${claimId}`)).status).toBe('submitted');
    await staff.getByRole('button', { name: '修正して承認する' }).click();
    await staff.getByText('旅費請求を修正して承認しました。').waitFor();
    await checked(staff, 'claim-adjusted');
    expect(await api(`/v1/travel-claims/${claimId}`)).toMatchObject({
      status: 'adjusted',
      approvedYen: 4_000,
      decisionReason: '往路は回数券の額で精算',
    });

    await expertPage.reload();
    expect(await expertPage.locator('#claim-status').textContent()).toContain(
      'Approved at an adjusted amount',
    );
    expect(await expertPage.locator('main').textContent()).toContain('往路は回数券の額で精算');
    await checked(expertPage, 'expert-claim-adjusted');
    await expertPage.getByRole('link', { name: 'Your travel claims' }).click();
    const row = expertPage.getByRole('table').getByRole('row').nth(1);
    expect(await row.textContent()).toMatch(/¥?4,460.*4,000.*Approved at an adjusted amount/);
    await checked(expertPage, 'expert-claims');
  });

  it('the office exports the month after a confirmation, which pays the visit once', async () => {
    const report = async () => api(`/v1/reports/payments?fiscalYear=${fy}&month=${month}`);
    const before = await report();
    // Two hours at ¥5,150: ¥10,300, withheld ¥1,051; the adjusted travel ¥4,000.
    expect(before.totals).toMatchObject({
      feeYen: 10_300,
      travelYen: 4_000,
      withholdingYen: 1_051,
      dueNetYen: 13_249,
      paidNetYen: 0,
    });

    await staff.goto(`/staff/payments?fiscalYear=${fy}&month=${month}`);
    const table = staff.getByRole('table');
    expect(await table.getByRole('row', { name: /佐藤 花子/ }).textContent()).toContain('13,249円');
    await checked(staff, 'payments-due');
    await staff.getByRole('button', { name: '支払データを出力する（13,249円）' }).click();
    await staff.getByRole('heading', { name: '確認' }).waitFor();
    expect(await staff.locator('main').textContent()).toContain('1名の専門家への合計 13,249円');
    await checked(staff, 'payments-export-confirm');
    expect((await report()).totals.paidNetYen).toBe(0);
    await staff.getByRole('button', { name: '支払データを出力する（13,249円）' }).click();
    await staff.getByText('支払データを出力しました。').waitFor();
    expect(await staff.getByText('この月に新たに支払えるものはありません。').count()).toBe(1);
    await checked(staff, 'payments-exported');

    const after = await report();
    expect(after.totals).toMatchObject({ paidNetYen: 13_249, dueNetYen: 0 });
    expect(after.exports).toHaveLength(1);
    expect((await api(`/v1/travel-claims/${claimId}`)).paid).toBe(true);

    // The month's CSV, as the page links it: BOM, Japanese headings, the expert's paid row.
    const href = await staff.getByRole('link', { name: '支払一覧（CSV）' }).getAttribute('href');
    const csv = await staff.request.get(href ?? '');
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = (await csv.body()).toString('utf8');
    expect(text.startsWith('\uFEFF支払月,専門家ID,専門家,')).toBe(true);
    const row = text.split('\r\n').find((line) => line.includes('佐藤 花子')) ?? '';
    // Fee, travel, withholding, net, paid, due.
    expect(row).toMatch(/,10300,4000,1051,13249,13249,0$/);

    // The confirmation page again, as a second export would go: it pays nothing more.
    await staff.goto(`/staff/payments/export?fiscalYear=${fy}&month=${month}`);
    expect(await staff.locator('main').textContent()).toContain('合計 0円');
    await staff.getByRole('button', { name: /支払データを出力する/ }).click();
    await staff.getByText('新たに支払うものはありません。').waitFor();
    const again = await report();
    expect(again.totals).toMatchObject({ paidNetYen: 13_249, dueNetYen: 0 });
    expect(again.exports).toHaveLength(1);
  });

  it('the money pages read in English too', async () => {
    for (const [path, name] of [
      [`/staff/payments?fiscalYear=${fy}&month=${month}&lang=en`, 'payments-en'],
      [`/staff/travel-claims/${claimId}`, 'claim-en'],
      ['/staff/travel-claims?status=all', 'claims-en'],
      [`/staff/fees?fiscalYear=${fy}`, 'fees-en'],
    ] as const) {
      await staff.goto(path);
      expect(await staff.locator('html').getAttribute('lang')).toBe('en');
      await staff.getByRole('link', { name: 'Fees & travel' }).waitFor();
      await checked(staff, name);
    }
  });
});
