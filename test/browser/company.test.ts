import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, tokyoDate } from '../../src/domain/time.ts';
import { expert, weekdays9to17 } from '../support/fixtures.ts';
import { httpCall, type ServerProcess } from '../support/server.ts';
import { launchChromium, newPage, screenshot, tabTo, typeDateTime } from './support/chromium.ts';
import { engines, pageServer } from './support/server.ts';

// A company's way through the pages in headless Chromium against a real server process, on
// the embedded database and on Postgres: two experts free on weekdays 9–17, online and on site
// in Tokyo. The preferred window runs from 09:00 four days from now to 17:00 eleven days from
// now (Japan time), so it is past the 72 hours' notice and holds a week of working days
// whenever the test runs. The office decides each application through the API here; the
// staff suite decides them on the pages.

const windowFrom = `${tokyoDate(Date.now() + 4 * DAY_MS)}T09:00`;
const windowTo = `${tokyoDate(Date.now() + 11 * DAY_MS)}T17:00`;

describe.each(engines)('on %s', (engine) => {
  let server: ServerProcess;
  let browser: Browser;
  // Screenshots once, of the embedded run.
  const shot = (page: Page, name: string) =>
    engine === 'pglite' ? screenshot(page, name) : Promise.resolve();

  /** The office decides the application behind the status page the browser is on. */
  async function decide(
    page: Page,
    action: 'accept' | 'decline',
    body: Record<string, string> = {},
  ) {
    const call = httpCall(server.url);
    const token = new URL(page.url()).pathname.split('/').pop() ?? '';
    const read = await call('GET', '/v1/requests?status=received&limit=100');
    const own = await Promise.all(
      (read.body.items as { id: string }[]).map(async (r) => {
        const mine = await call('GET', `/v1/requests/${r.id}`, { token });
        return mine.status === 200 ? r.id : null;
      }),
    );
    const id = own.find((r) => r !== null);
    const res = await call('POST', `/v1/requests/${id}/${action}`, { body });
    expect(res.status, res.text).toBe(200);
  }

  beforeAll(async () => {
    server = await pageServer({ demo: false, engine });
    const call = httpCall(server.url);
    for (const [name, email] of [
      ['佐藤 花子', 'sato@example.jp'],
      ['鈴木 一郎', 'suzuki@example.jp'],
    ]) {
      const created = await call('POST', '/v1/experts', {
        body: expert({ name, email, prefectures: ['13'] }),
      });
      await call('PUT', `/v1/experts/${created.body.id}/availability`, {
        body: { weekly: weekdays9to17, overrides: [] },
      });
    }
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const field = (page: Page, id: string) => page.locator(`[id="${id}"]`);

  async function fillApplication(page: Page, corporateNumber: string) {
    await page.getByLabel('企業名').fill('株式会社ブラウザ試験');
    await field(page, 'company.corporateNumber').pressSequentially(corporateNumber);
    await page.getByLabel('業種（日本標準産業分類）').selectOption('E24');
    await page.getByLabel('所在地（都道府県）').selectOption('13');
    await page.getByLabel('従業員数（人）').fill('40');
    await page.getByLabel('資本金（円）').fill('30000000');
    await page.getByLabel('お名前').fill('高橋 誠');
    await page.getByLabel('メールアドレス').fill('takahashi@example.jp');
    await page.getByLabel('守る情報の決定', { exact: true }).check();
    await page.getByLabel('管理者選任').check();
    await page.getByLabel('オンライン', { exact: true }).check();
    await field(page, 'preferredWindows.0.start').fill(windowFrom);
    await field(page, 'preferredWindows.0.end').fill(windowTo);
    await page.getByLabel('個人情報の取り扱いに同意する').check();
  }

  describe('a company in the browser', { timeout: 120_000 }, () => {
    it('applies through the form and books a slot', async () => {
      const page = await newPage(browser, server.url);
      await page.goto('/');
      await shot(page, 'home');
      await page.getByRole('link', { name: '派遣を申し込む' }).first().click();
      await page.getByRole('heading', { name: '専門家派遣の申込' }).waitFor();
      await shot(page, 'apply-form');

      await fillApplication(page, '7000012050002');
      await page.getByText('法人番号の形式は正しいです。').waitFor();
      await page.getByRole('button', { name: '申し込む' }).click();
      await page.getByRole('heading', { name: 'お申込みを受け付けました' }).waitFor();
      const link = await page.locator('#status-link').textContent();
      expect(link).toMatch(/\/r\/hkc_[A-Za-z0-9_-]+$/);
      await shot(page, 'applied');

      await page.locator('#status-link').click();
      // Under review: the page says so, and offers no time yet.
      await page.getByRole('heading', { name: '審査中です' }).waitFor();
      expect(await page.locator('.slot label').count()).toBe(0);
      await shot(page, 'status-under-review');
      await decide(page, 'accept');
      await page.reload();
      await page.getByRole('heading', { name: '訪問日時を選ぶ' }).waitFor();
      await shot(page, 'status-choose-slot');
      const slots = page.locator('.slot label');
      expect(await slots.count()).toBeGreaterThan(5);
      const chosen = (await slots.first().textContent()) ?? '';
      await slots.first().click();
      await page.getByRole('button', { name: 'この日時で予約する' }).click();

      await page.getByText('訪問日時を予約しました。').waitFor();
      const when = await page.locator('#visit-title + dl dd').first().textContent();
      expect(when).toContain(chosen.slice(0, 5));
      // The visit can move to another time of the same expert.
      const moves = page.locator('form[action$="/reschedule"] .slot label');
      expect(await moves.count()).toBeGreaterThan(0);
      expect(await moves.first().textContent()).toContain(chosen.split('・')[1] ?? '');
      const ics = await page.getByRole('link', { name: /カレンダーに追加/ }).getAttribute('href');
      const calendar = await page.request.get(ics ?? '');
      expect(calendar.headers()['content-type']).toBe('text/calendar; charset=utf-8');
      expect(await calendar.text()).toContain('BEGIN:VEVENT');
      await shot(page, 'status-booked');

      await page.goto(`${new URL(page.url()).pathname}?lang=en`);
      await page.getByRole('heading', { name: 'Your visit' }).waitFor();
      await shot(page, 'status-booked-en');
      await page.context().close();
    });

    it('shows a wrong corporate number as it is typed, and next to the field after sending', async () => {
      const page = await newPage(browser, server.url);
      await page.goto('/apply');
      await fillApplication(page, '7000012050003');
      await page.getByText('チェックデジットが一致しません。番号をご確認ください。').waitFor();
      expect(await field(page, 'company.corporateNumber').getAttribute('aria-invalid')).toBe(
        'true',
      );

      await page.getByRole('button', { name: '申し込む' }).click();
      const error = field(page, 'company.corporateNumber-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('法人番号が正しくありません');
      expect(await page.getByRole('alert').first().textContent()).toContain(
        '1件の項目を確認してください',
      );
      expect(await field(page, 'company.corporateNumber').inputValue()).toBe('7000012050003');
      // The summary's link takes the focus to the field.
      await page.getByRole('link', { name: /法人番号が正しくありません/ }).click();
      expect(await page.locator(':focus').getAttribute('id')).toBe('company.corporateNumber');
      await shot(page, 'apply-corporate-number-error');
      await page.context().close();
    });

    it('applies and books with the keyboard alone', async () => {
      const page = await newPage(browser, server.url);
      await page.goto('/apply');
      const keys = page.keyboard;

      await keys.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('本文へ移動');
      await keys.press('Enter');
      await tabTo(page, '[id="company.name"]');
      await keys.type('株式会社キーボード');
      await tabTo(page, '[id="company.corporateNumber"]');
      await keys.type('4011001098993');
      await tabTo(page, '[id="company.industryCode"]');
      await keys.type('E24');
      await tabTo(page, '[id="company.prefectureCode"]');
      for (let i = 0; i < 13; i++) await keys.press('ArrowDown');
      await tabTo(page, '[id="company.employees"]');
      await keys.type('12');
      await tabTo(page, '[id="company.capitalYen"]');
      await keys.type('10000000');
      await tabTo(page, '[id="contact.name"]');
      await keys.type('伊藤 葵');
      await tabTo(page, '[id="contact.email"]');
      await keys.type('ito@example.jp');
      await tabTo(page, 'input[name="topics"][value="identify"]');
      await keys.press('Space');
      await tabTo(page, 'input[name="topics"][value="training"]');
      await keys.press('Space');
      await tabTo(page, 'input[name="format"]:checked');
      await keys.press('ArrowUp');
      await tabTo(page, '[id="preferredWindows.0.start"]');
      await typeDateTime(page, windowFrom);
      await tabTo(page, '[id="preferredWindows.0.end"]');
      await typeDateTime(page, windowTo);
      expect(await field(page, 'preferredWindows.0.start').inputValue()).toBe(windowFrom);
      expect(await field(page, 'preferredWindows.0.end').inputValue()).toBe(windowTo);
      await tabTo(page, 'input[name="privacyConsent"]');
      await keys.press('Space');
      await shot(page, 'apply-keyboard-filled');
      await tabTo(page, 'form[action="/apply"] button[type="submit"]');
      await keys.press('Enter');

      await page.getByRole('heading', { name: 'お申込みを受け付けました' }).waitFor();
      await tabTo(page, '#status-link');
      await keys.press('Enter');
      await page.getByRole('heading', { name: '審査中です' }).waitFor();
      await decide(page, 'accept');
      await page.reload();
      await page.getByRole('heading', { name: '訪問日時を選ぶ' }).waitFor();
      const facts = await page.locator('#request-title + dl').textContent();
      expect(facts).toContain('株式会社キーボード');
      expect(facts).toContain('E24 金属製品製造業');
      expect(facts).toContain('東京都');
      expect(facts).toContain('オンライン');
      await tabTo(page, 'input[name="slot"]');
      await keys.press('ArrowRight');
      await shot(page, 'status-keyboard-slot');
      await tabTo(page, 'form[action$="/book"] button[type="submit"]');
      await keys.press('Enter');
      await page.getByText('訪問日時を予約しました。').waitFor();
      await page.context().close();
    });

    it('is told plainly when the office declines, with its reason, and offered nothing', async () => {
      const page = await newPage(browser, server.url);
      await page.goto('/apply');
      await fillApplication(page, '2120901007402');
      await page.getByRole('button', { name: '申し込む' }).click();
      await page.locator('#status-link').click();
      await page.getByRole('heading', { name: '審査中です' }).waitFor();
      await decide(page, 'decline', { reason: '今年度の対象業種ではないため' });
      await page.reload();
      await page.getByRole('heading', { name: '今回は派遣を見送らせていただきました' }).waitFor();
      expect(await page.locator('main').textContent()).toContain('今年度の対象業種ではないため');
      expect(await page.locator('.slot label').count()).toBe(0);
      // Declined is final: nothing to withdraw.
      expect(await page.getByRole('button', { name: 'お申込みを取り下げる' }).count()).toBe(0);
      await shot(page, 'status-declined');
      await page.goto(`${new URL(page.url()).pathname}?lang=en`);
      await page.getByRole('heading', { name: 'No visit this time' }).waitFor();
      await shot(page, 'status-declined-en');
      await page.context().close();
    });
  });
});
