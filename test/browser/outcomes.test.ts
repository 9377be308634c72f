import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.ts';
import { DAY_MS, HOUR_MS } from '../../src/domain/time.ts';
import { STAFF_TOKEN } from '../support/api.ts';
import { application, expert } from '../support/fixtures.ts';
import { levels } from '../support/outcomes.ts';
import type { ServerProcess } from '../support/server.ts';
import { expectAxeClean } from './support/axe.ts';
import { launchChromium, newPage, screenshot } from './support/chromium.ts';
import { seedingApp } from './support/seeding-app.ts';
import { engines, pageServer } from './support/server.ts';

// A company answers the survey of its completed visit and its readiness after the visits on
// its status page, and sees the radar chart of before and after; the office then reads the
// answers. The visit is made before the server starts, through the API in-process on a clock
// twelve days back, so it lies in the past of the server's real clock: applied for with its
// readiness before, booked, and reported.

const TOPICS = {
  identify: '守る情報の決定',
  classify: '守る情報の識別・対策整理',
  manager: '管理者選任',
  process: '情報管理プロセスの設定',
  training: '従業員への対策周知・教育',
  incident: '事故発生時の報告ルール',
  access: '管理対象情報へのアクセス権の設定',
  physical: '金庫等による物理的管理',
  electronic: 'ID等設定による電子情報の管理',
};
// The levels the browser gives after the visits, in step order.
const AFTER = [3, 2, 2, 1, 2, 1, 3, 3, 2];

type Made = { requestId: string; token: string };

/** A completed visit, made through the API on a clock twelve days back. */
async function completedVisit(database: Database, made: Partial<Made>) {
  const { call, clock } = seedingApp(database, {}, Date.now() - 12 * DAY_MS);
  const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
  const created = await call('POST', '/v1/experts', expert({ prefectures: ['23'] }));
  await call('PUT', `/v1/experts/${created.id}/availability`, { weekly: week, overrides: [] });
  const body = application(
    { now: clock.date },
    {
      readiness: levels(1, 0, 1, 0, 1, 0, 2, 2, 1),
    },
  );
  const applied = await call('POST', '/v1/requests', body, '');
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
    { expertId: slot.expert.id, start: slot.start },
    applied.accessToken,
  );
  clock.now = Date.parse(session.start) + 3 * HOUR_MS;
  await call('POST', `/v1/sessions/${session.id}/report`, {
    topicsCovered: ['identify', 'classify', 'access'],
    summary: '守るべき情報の洗い出しを行った。',
    followUpNeeded: false,
  });
  made.requestId = applied.request.id;
  made.token = applied.accessToken;
}

describe.each(engines)('outcomes in the browser, on %s', { timeout: 120_000 }, (engine) => {
  let server: ServerProcess;
  let browser: Browser;
  const made: Partial<Made> = {};
  const shot = (page: Page, name: string) =>
    engine === 'pglite' ? screenshot(page, name) : Promise.resolve();

  beforeAll(async () => {
    server = await pageServer({ demo: false, engine, seed: (db) => completedVisit(db, made) });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /**
   * What the pages promise assistive technology, checked on the page as it stands: every
   * control has a name, every radio button sits in a fieldset with a legend, every image a name.
   */
  async function expectNamedControls(page: Page) {
    // Run in the page (a string: this project's TypeScript has no DOM types).
    const problems = await page.evaluate<string[]>(`(() => {
      const problems = [];
      for (const el of document.querySelectorAll('input:not([type="hidden"]), select, textarea')) {
        if (!el.labels?.length && !el.getAttribute('aria-label')) problems.push('unlabelled ' + el.name);
        if (el.type === 'radio' && !el.closest('fieldset')?.querySelector(':scope > legend')) {
          problems.push('radio ' + el.name + ' outside a fieldset with a legend');
        }
      }
      for (const svg of document.querySelectorAll('svg[role="img"]')) {
        if (!svg.getAttribute('aria-labelledby')) problems.push('an unnamed image');
      }
      return problems;
    })()`);
    expect(problems).toEqual([]);
    await expectAxeClean(page, page.url());
  }

  it('answers the survey of the completed visit from the status page', async () => {
    const page = await newPage(browser, server.url);
    await page.goto(`/r/${made.token}`);
    const panel = page.getByRole('region', { name: '訪問についてのアンケート' });
    await panel.waitFor();
    await shot(page, 'outcomes-status-survey-asked');
    await panel.getByRole('link', { name: 'アンケートに回答する' }).click();
    await page.getByRole('heading', { name: '訪問についてのアンケート', level: 1 }).waitFor();
    await expectNamedControls(page);

    // Sent without a satisfaction, it comes back naming it, the rest kept.
    await page.getByLabel('ご意見・ご感想').fill('管理区分の考え方がよく分かりました。');
    await page.getByRole('button', { name: 'アンケートを送信する' }).click();
    await page.getByRole('link', { name: '満足度を選んでください。' }).click();
    expect(await page.locator(':focus').getAttribute('id')).toBe('satisfaction');
    expect(await page.getByLabel('ご意見・ご感想').inputValue()).toBe(
      '管理区分の考え方がよく分かりました。',
    );

    const group = (name: string) => page.getByRole('group', { name });
    await group('今回の訪問の満足度').getByLabel('5 大変満足').check();
    await group('相談した課題は解決しましたか').getByLabel('一部解決した').check();
    await group('今後も専門家の派遣を希望しますか').getByLabel('はい').check();
    await group('担当専門家の評価').getByLabel('4 満足').check();
    await shot(page, 'outcomes-survey-form');
    await page.getByRole('button', { name: 'アンケートを送信する' }).click();
    await page.getByText('アンケートを送信しました。ご協力ありがとうございました。').waitFor();
    expect(await panel.textContent()).toContain('ご回答ありがとうございました。');
    await page.context().close();
  });

  it('gives the readiness after the visits and shows before and after as a radar chart', async () => {
    const page = await newPage(browser, server.url);
    await page.goto(`/r/${made.token}`);
    const panel = page.getByRole('region', { name: '情報管理の準備度' });
    // Only the answer before the visits so far: drawn dashed, alone.
    expect(await panel.locator('polygon.phase.before').count()).toBe(1);
    expect(await panel.locator('polygon.phase.after').count()).toBe(0);
    await panel.getByRole('link', { name: '派遣後の準備度を回答する' }).click();
    await page.getByRole('heading', { name: '派遣後の準備度' }).waitFor();
    await expectNamedControls(page);
    const codes = Object.keys(TOPICS) as (keyof typeof TOPICS)[];
    for (const [i, code] of codes.entries()) {
      const level = AFTER[i];
      await page
        .getByRole('group', { name: TOPICS[code] })
        .getByLabel(new RegExp(`^${level} `))
        .check();
    }
    await shot(page, 'outcomes-readiness-form');
    await page.getByRole('button', { name: '回答を保存する' }).click();
    await page.getByText('準備度の回答を保存しました。').waitFor();

    const chart = panel.getByRole('img', { name: /情報管理の準備度（派遣前・派遣後）/ });
    await chart.waitFor();
    expect(await panel.locator('polygon.phase.after').count()).toBe(1);
    // The table beside it says what the chart draws, step by step.
    const table = panel.getByRole('table', { name: '情報管理の準備度（派遣前・派遣後）' });
    const row = (name: string) => table.getByRole('row', { name: new RegExp(`^${name}`) });
    expect(await row(TOPICS.identify).textContent()).toMatch(/1\s*検討中\s*3\s*実施済/);
    expect(await row('合計').getByRole('cell').allTextContents()).toEqual(['8', '19']);
    await expectNamedControls(page);
    await shot(page, 'outcomes-status-radar');
    await page.context().close();
  });

  it('shows the office the answers, the expert rating with them, and the outcome report', async () => {
    const page = await newPage(browser, server.url);
    await page.goto('/staff');
    await page.getByLabel('事務局トークン').fill(STAFF_TOKEN);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('heading', { name: '申込一覧' }).waitFor();
    await page.goto(`/staff/requests/${made.requestId}`);
    const outcomes = page.getByRole('region', { name: '成果' });
    await outcomes.waitFor();
    const text = (await outcomes.textContent()) ?? '';
    expect(text).toContain('5 大変満足');
    expect(text).toContain('4 満足');
    expect(await outcomes.getByRole('img').count()).toBe(1);
    await shot(page, 'outcomes-staff-request');

    await page.goto('/staff/reports');
    // The year's outcome report (its tables are regions too, named 業種別の成果 and so on).
    const report = page.getByRole('region', { name: /年度 成果$/ });
    await report.waitFor();
    expect(await report.locator('#stat-response').textContent()).toBe('100.0%');
    await expectNamedControls(page);
    await shot(page, 'outcomes-staff-report');
    await page.context().close();
  });
});
