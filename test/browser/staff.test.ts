import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_TOKEN } from '../support/api.ts';
import type { ServerProcess } from '../support/server.ts';
import { launchChromium, newPage, screenshot } from './support/chromium.ts';
import { engines, pageServer } from './support/server.ts';

// The programme office in headless Chromium against a real server process whose database
// holds the demo programme (FY2021 with 延べ82回, and applications waiting in this year), on
// the embedded database and on Postgres.

const SEEDING_MS = 300_000;

describe.each(engines)(
  'the programme office in the browser, on %s',
  { timeout: 120_000 },
  (engine) => {
    let server: ServerProcess;
    let browser: Browser;
    let page: Page;
    const shot = (page: Page, name: string) =>
      engine === 'pglite' ? screenshot(page, name) : Promise.resolve();

    beforeAll(async () => {
      server = await pageServer({ demo: true, engine });
      browser = await launchChromium();
      page = await newPage(browser, server.url);
    }, SEEDING_MS);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('signs in with a staff token', async () => {
      await page.goto('/staff');
      await page.getByRole('heading', { name: '事務局サインイン' }).waitFor();
      await page.getByLabel('事務局トークン').fill(STAFF_TOKEN);
      await shot(page, 'staff-sign-in');
      await page.getByRole('button', { name: 'サインイン' }).click();
      await page.getByRole('heading', { name: '申込一覧' }).waitFor();
      const cookie = (await page.context().cookies()).find((c) => c.name === 'haken_staff');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/staff' });
      await shot(page, 'staff-queue');
    });

    it('decides applications: declines one with its reason, accepts another with a note', async () => {
      await page.goto('/staff?status=received');
      const waiting = await page
        .locator('tbody th a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(waiting.length).toBeGreaterThanOrEqual(3);

      await page.goto(waiting[0] ?? '');
      await page.getByRole('heading', { name: '審査（派遣の可否）' }).waitFor();
      await shot(page, 'staff-review');
      await page.getByLabel('見送りの理由').fill('対象となる業種ではないため');
      await page.getByRole('button', { name: '見送る' }).click();
      await page.getByText('見送りとしました。申込企業に通知しました。').waitFor();
      expect(await page.locator('main').textContent()).toContain('対象となる業種ではないため');
      expect(await page.getByRole('button', { name: '派遣を決定する' }).count()).toBe(0);

      await page.goto(waiting[1] ?? '');
      await page
        .getByLabel('事務局からの連絡')
        .fill('当日は工場の見学も行います。\n駐車場があります。');
      await page.getByRole('button', { name: '派遣を決定する' }).click();
      await page.getByText('派遣を決定しました。申込企業に通知しました。').waitFor();
      expect(await page.locator('main').textContent()).toContain('駐車場があります。');
      await shot(page, 'staff-accepted');
    });

    it('books a waiting application from its matches in one click', async () => {
      // The first waiting application that some expert can take.
      const links = await page
        .locator('tbody th a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      for (const href of links) {
        await page.goto(href);
        if ((await page.locator('.match').count()) > 0) break;
      }
      const best = page.locator('.match').first();
      expect(Number(await best.locator('.score').textContent())).toBeGreaterThan(0);
      expect(await best.locator('.reasons li').count()).toBeGreaterThan(0);
      await shot(page, 'staff-matches');
      await best.locator('.slot-buttons button').first().click();
      await page.getByText('訪問日時を予約しました。').waitFor();
      expect(await page.locator('#sessions-title + ul').textContent()).toContain('予約確定');
      await shot(page, 'staff-booked');
    });

    it('lists the experts and their availability', async () => {
      await page.getByRole('link', { name: '専門家', exact: true }).click();
      await page.getByRole('heading', { name: '専門家', exact: true }).waitFor();
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(20);
      await shot(page, 'staff-experts');
      await page.locator('tbody th a').first().click();
      await page.getByRole('heading', { name: '対応可能な時間' }).waitFor();
      await shot(page, 'staff-expert');
    });

    it('shows FY2021 of the demo: a chart of 82 visits by month, tables and CSV', async () => {
      await page.getByRole('link', { name: '実績レポート' }).click();
      await page.getByLabel('年度', { exact: true }).selectOption('2021');
      await page.getByRole('button', { name: '表示' }).click();
      await page.getByRole('heading', { name: '令和3年度　延べ82回' }).waitFor();
      expect(await page.locator('#stat-visits').textContent()).toBe('82回');

      const bars = await page
        .locator('#visits-by-month g[data-key]')
        .evaluateAll((groups) => groups.map((g) => Number(g.getAttribute('data-value'))));
      expect(bars).toHaveLength(12);
      expect(bars.reduce((sum, n) => sum + n, 0)).toBe(82);
      const drawn = await page.locator('#visits-by-month rect.bar').first().boundingBox();
      expect(drawn?.height).toBeGreaterThan(0);
      await shot(page, 'staff-reports-fy2021');

      const csv = await page.request.get('/staff/reports/csv?fiscalYear=2021&breakdown=month');
      expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
      const rows = (await csv.text()).trim().split(/\r?\n/).slice(1);
      expect(rows.reduce((sum, row) => sum + Number(row.split(',')[1]), 0)).toBe(82);

      await page.goto('/staff/reports?fiscalYear=2021&lang=en');
      await page.getByRole('heading', { name: 'FY2021: 82 visits' }).waitFor();
      await shot(page, 'staff-reports-fy2021-en');
    });
  },
);
