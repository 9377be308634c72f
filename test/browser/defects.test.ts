import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporateNumberCheckDigit } from '../../src/domain/corporate-number.ts';
import { DAY_MS, tokyoDate } from '../../src/domain/time.ts';
import { STAFF_TOKEN } from '../support/api.ts';
import { application, expert, weekdays9to17 } from '../support/fixtures.ts';
import { type SmtpSink, smtpSink } from '../support/notify.ts';
import { httpCall, type ServerProcess } from '../support/server.ts';
import { expectAxeClean } from './support/axe.ts';
import {
  ARTIFACTS,
  DESKTOP,
  launchChromium,
  PHONE,
  screenshot,
  tabTo,
} from './support/chromium.ts';
import { engines, pageServer } from './support/server.ts';

// The eighteen defects a new user found walking the pages (issue 17, part 3), one test each,
// in headless Chromium against a real server process on the embedded database and on
// Postgres. The server holds the demo programme (FY2021, for the reports) and two experts of
// the suite's own, free on weekdays 9–17 in Tokyo and Aichi, on site and online. A company may
// have one visit a fiscal year here, so the quota can be used up in one booking. Mail goes to
// an SMTP sink on loopback, where the receipt is read back.

const OFFICE_EMAIL = 'jimukyoku@example.go.jp';
const OFFICE_PHONE = '03-1234-5678';
const PRIVACY_POLICY_URL = 'https://example.go.jp/haken/privacy.html';
const SEEDING_MS = 300_000;

const windowFrom = `${tokyoDate(Date.now() + 4 * DAY_MS)}T09:00`;
const windowTo = `${tokyoDate(Date.now() + 11 * DAY_MS)}T17:00`;
// What the functions evaluated in the page use of it (the project compiles without the DOM library).
declare const window: {
  document: {
    createRange(): {
      selectNodeContents(node: unknown): void;
      getClientRects(): ArrayLike<{ top: number }> & Iterable<{ top: number }>;
    };
  };
  getComputedStyle(element: unknown): {
    overflowX: string;
    outlineStyle: string;
    boxShadow: string;
  };
};
const JAPANESE = /[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]/;

/** A valid 法人番号 no other application of the suite has: one company each. */
let serial = 0;
function corporateNumber(): string {
  serial += 1;
  const body = `${String(Date.now() % 1e6).padStart(6, '0')}${String(serial).padStart(6, '0')}`;
  return `${corporateNumberCheckDigit(body)}${body}`;
}

describe.each(engines)('defects of the first walk, on %s', { timeout: 180_000 }, (engine) => {
  let server: ServerProcess;
  let browser: Browser;
  let sink: SmtpSink;
  let call: ReturnType<typeof httpCall>;
  const shot = (page: Page, name: string) =>
    engine === 'pglite' ? screenshot(page, `defect-${name}`) : Promise.resolve();
  /** A screenshot at the size the page is now (a phone's, or a state a resize would lose). */
  const phoneShot = async (page: Page, name: string) => {
    if (engine !== 'pglite') return;
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}defect-${name}.png`, fullPage: true });
  };

  beforeAll(async () => {
    sink = await smtpSink();
    server = await pageServer({
      demo: true,
      engine,
      env: {
        OFFICE_EMAIL,
        OFFICE_PHONE,
        PRIVACY_POLICY_URL,
        SMTP_URL: sink.url,
        NOTIFY_INTERVAL_SECONDS: '1',
        VISITS_PER_COMPANY_PER_FY: '1',
      },
    });
    call = httpCall(server.url);
    for (const [name, email] of [
      ['佐藤 花子', 'sato.defects@example.jp'],
      ['鈴木 一郎', 'suzuki.defects@example.jp'],
    ]) {
      const created = await call('POST', '/v1/experts', {
        body: expert({ name, email, prefectures: ['13', '23'] }),
      });
      expect(created.status, created.text).toBe(201);
      await call('PUT', `/v1/experts/${created.body.id}/availability`, {
        body: { weekly: weekdays9to17, overrides: [] },
      });
    }
    browser = await launchChromium();
  }, SEEDING_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
  });

  async function open(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: DESKTOP,
      locale: 'en-US',
      ...options,
    });
    return context.newPage();
  }

  /**
   * axe runs as script, which a page without JavaScript never finishes: the same page is
   * loaded again, with the same cookies, where script runs, and checked there.
   */
  async function axeWithScript(page: Page, where: string) {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: DESKTOP,
      storageState: await page.context().storageState(),
    });
    const twin = await context.newPage();
    await twin.goto(page.url());
    await expectAxeClean(twin, where);
    await context.close();
  }

  const field = (page: Page, id: string) => page.locator(`[id="${id}"]`);
  const tokenOf = (page: Page) => new URL(page.url()).pathname.split('/')[2] ?? '';

  /** The application form filled in as a company would, in Japanese. */
  async function fillApplication(
    page: Page,
    options: { email: string; format?: 'オンライン' | '訪問' },
  ) {
    await page.getByLabel('企業名').fill('株式会社欠陥試験');
    await field(page, 'company.corporateNumber').fill(corporateNumber());
    await page.getByLabel('業種（日本標準産業分類）').selectOption('E24');
    await page.getByLabel('所在地（都道府県）').selectOption('13');
    await page.getByLabel('所在地（訪問先の住所）').fill('東京都千代田区霞が関1-3-1');
    await page.getByLabel('従業員数（人）').fill('40');
    await page.getByLabel('資本金（円）').fill('30000000');
    await page.getByLabel('お名前').fill('高橋 誠');
    await page.getByLabel('フリガナ').fill('タカハシ マコト');
    await page.getByLabel('メールアドレス').fill(options.email);
    await page.getByLabel('守る情報の決定', { exact: true }).check();
    await page.getByLabel(options.format ?? 'オンライン', { exact: true }).check();
    await field(page, 'preferredWindows.0.start').fill(windowFrom);
    await field(page, 'preferredWindows.0.end').fill(windowTo);
    await page.getByLabel('個人情報の取り扱いに同意する').check();
  }

  /** Applies on the page; the browser ends on the status page that greets the application. */
  async function applyOnPage(page: Page, email: string, format?: 'オンライン' | '訪問') {
    await page.goto('/apply');
    await fillApplication(page, { email, format });
    await page.getByRole('button', { name: '申し込む' }).click();
    await page.getByRole('heading', { name: 'お申込みを受け付けました' }).waitFor();
    return tokenOf(page);
  }

  /** An application made through the API; `accepted` and `booked` take it that far. */
  async function applied(
    stage: 'received' | 'accepted' | 'booked',
    overrides: Record<string, unknown> = {},
  ) {
    const company = {
      name: '株式会社欠陥試験',
      corporateNumber: corporateNumber(),
      industryCode: 'E24',
      prefectureCode: '13',
      employees: 40,
      capitalYen: 30_000_000,
    };
    const made = await call('POST', '/v1/requests', {
      token: null,
      body: application({ now: () => new Date() }, { company, ...overrides }),
    });
    expect(made.status, made.text).toBe(201);
    const id = made.body.request.id as string;
    const token = made.body.accessToken as string;
    if (stage === 'received') return { id, token, company, sessionId: '' };
    const accepted = await call('POST', `/v1/requests/${id}/accept`, { body: {} });
    expect(accepted.status, accepted.text).toBe(200);
    if (stage === 'accepted') return { id, token, company, sessionId: '' };
    const slots = await call('GET', `/v1/requests/${id}/slots`, { token });
    const [slot] = slots.body.slots as { start: string; expert: { id: string } }[];
    if (!slot) throw new Error('no slot to book');
    const booked = await call('POST', `/v1/requests/${id}/sessions`, {
      token,
      body: { expertId: slot.expert.id, start: slot.start },
    });
    expect(booked.status, booked.text).toBe(201);
    return { id, token, company, sessionId: booked.body.id as string };
  }

  async function staffSignIn(page: Page) {
    await page.goto('/staff');
    await page.getByLabel('事務局トークン').fill(STAFF_TOKEN);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('heading', { name: '申込一覧' }).waitFor();
  }

  const request = async (id: string) => (await call('GET', `/v1/requests/${id}`)).body;

  it('1. switching language on the applied page keeps the status link', async () => {
    const page = await open();
    const token = await applyOnPage(page, 'lang-switch@example.jp');
    const link = await page.locator('#status-link').getAttribute('href');
    expect(link).toMatch(new RegExp(`/r/${token}$`));
    expect(await page.locator('#page-link').getAttribute('href')).toBe(link);
    await expectAxeClean(page, 'the applied page');
    await shot(page, '01-applied');

    await page.getByRole('link', { name: 'Show this page in English' }).click();
    await page.getByRole('heading', { name: 'Your application' }).waitFor();
    // The page in English is the same status page: its address is the link to keep.
    expect(new URL(page.url()).pathname).toBe(`/r/${token}`);
    expect(await page.locator('#page-link').getAttribute('href')).toBe(link);
    await expectAxeClean(page, 'the applied page in English');
    await shot(page, '01-applied-en');

    // And back to Japanese: still the same link, still the status page.
    await page.getByRole('link', { name: 'このページを日本語で表示' }).click();
    await page.getByRole('heading', { name: 'お申込み状況' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/r/${token}`);
    expect(await page.locator('#page-link').getAttribute('href')).toBe(link);
    await page.context().close();
  });

  it('2. reports every validation error at once, the 72 hours’ notice with the rest', async () => {
    const page = await open();
    await page.goto('/apply');
    await fillApplication(page, { email: 'waves@example.jp' });
    await page.getByLabel('企業名').fill('');
    await page.getByLabel('メールアドレス').fill('not an address');
    // Tomorrow: inside the 72 hours' notice.
    const tomorrow = tokyoDate(Date.now() + DAY_MS);
    await field(page, 'preferredWindows.0.start').fill(`${tomorrow}T10:00`);
    await page.getByLabel('個人情報の取り扱いに同意する').uncheck();
    await page.getByRole('button', { name: '申し込む' }).click();

    const summary = page.locator('#error-summary');
    await summary.waitFor();
    const listed = await summary.locator('li').allTextContents();
    expect(listed).toContain('72時間以上先の日時を指定してください。');
    expect(listed.length).toBe(4);
    expect(await summary.locator('h2').textContent()).toBe('4件の項目を確認してください');
    for (const name of [
      'company.name',
      'contact.email',
      'preferredWindows.0.start',
      'privacyConsent',
    ]) {
      expect(await field(page, `${name}-error`).count(), name).toBe(1);
    }
    await expectAxeClean(page, 'the form with four errors');
    await shot(page, '02-all-errors');
    await page.context().close();
  });

  it('3. books by Post/Redirect/Get: no ?notice=, the notice once, no resubmission', async () => {
    const page = await open();
    const { id, token } = await applied('accepted');
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(`/r/${token}`);
    await page.getByRole('heading', { name: '訪問日時を選ぶ' }).waitFor();
    await expectAxeClean(page, 'the status page, to book');
    await page.locator('.slot label').first().click();
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'この日時で予約する' }).click(),
    ]);
    expect(posted.status()).toBe(303);
    expect(posted.headers().location).toBe(`/r/${token}`);
    await page.getByText('訪問日時を予約しました。').waitFor();
    expect(page.url()).toBe(`${server.url}/r/${token}`);
    expect(new URL(page.url()).search).toBe('');
    await expectAxeClean(page, 'the status page, just booked');
    await shot(page, '03-booked');

    // Reloading is a plain GET: nothing is posted again, and the notice is gone.
    await page.reload();
    await page.getByRole('heading', { name: '予約済みの訪問' }).waitFor();
    expect(await page.getByText('訪問日時を予約しました。').count()).toBe(0);
    await page.goBack();
    await page.getByRole('heading', { name: 'お申込み状況' }).waitFor();
    expect(await page.getByText('訪問日時を予約しました。').count()).toBe(0);
    expect(dialogs).toEqual([]);
    const sessions = (await request(id)).sessions as { status: string }[];
    expect(sessions.map((s) => s.status)).toEqual(['confirmed']);
    await expectAxeClean(page, 'the status page after going back');
    await page.context().close();
  });

  it('4. says up front when the quota is used up, and offers no slot', async () => {
    const first = await applied('booked');
    // The same company again: its one visit this fiscal year is booked.
    const again = await call('POST', '/v1/requests', {
      token: null,
      body: application({ now: () => new Date() }, { company: first.company }),
    });
    expect(again.status, again.text).toBe(201);
    await call('POST', `/v1/requests/${again.body.request.id}/accept`, { body: {} });

    for (const [lang, heading, said] of [
      ['ja', '訪問日時を選ぶ', '利用回数の上限（年度1回）に達している'],
      ['en', 'Choose the visit time', 'has used its visits'],
    ] as const) {
      const page = await open();
      await page.goto(`/r/${again.body.accessToken}?lang=${lang}`);
      const panel = page.locator('section', { has: page.getByRole('heading', { name: heading }) });
      await panel.waitFor();
      expect(await panel.getByRole('status').textContent()).toContain(said);
      expect(await page.locator('input[name="slot"]').count()).toBe(0);
      expect(await page.locator('form[action$="/book"]').count()).toBe(0);
      await expectAxeClean(page, `the status page with the quota used up (${lang})`);
      await shot(page, `04-quota-${lang}`);
      await page.context().close();
    }
  });

  it('5. cancel, withdraw and a new link each ask first, on pages that need no JavaScript', async () => {
    const page = await open({ javaScriptEnabled: false });
    const visit = await applied('booked');
    await page.goto(`/r/${visit.token}`);
    await page.getByRole('link', { name: '訪問をキャンセルする' }).click();
    await page.getByRole('heading', { name: '訪問をキャンセルする' }).waitFor();
    // Nothing has happened yet: the link only asked.
    expect(((await request(visit.id)).sessions as { status: string }[])[0]?.status).toBe(
      'confirmed',
    );
    await axeWithScript(page, 'the cancel confirmation');
    await shot(page, '05-cancel-confirm');
    await page.getByLabel(/理由/).fill('社内の都合により');
    await page.getByRole('button', { name: '訪問をキャンセルする' }).click();
    await page.getByText('訪問をキャンセルしました。別の日時を選べます。').waitFor();
    expect(((await request(visit.id)).sessions as { status: string }[])[0]?.status).toBe(
      'cancelled',
    );

    await page.getByRole('link', { name: 'お申込みを取り下げる' }).click();
    await page.getByRole('heading', { name: 'お申込みを取り下げる' }).waitFor();
    expect((await request(visit.id)).status).not.toBe('cancelled');
    await axeWithScript(page, 'the withdraw confirmation');
    await shot(page, '05-withdraw-confirm');
    await page.getByRole('button', { name: 'お申込みを取り下げる' }).click();
    await page.getByRole('heading', { name: 'お申込み状況' }).waitFor();
    expect((await request(visit.id)).status).toBe('cancelled');
    await page.context().close();

    const staff = await open({ javaScriptEnabled: false });
    const other = await applied('received');
    await staffSignIn(staff);
    await staff.goto(`/staff/requests/${other.id}`);
    await staff.getByRole('link', { name: 'リンクを再発行する' }).click();
    await staff.getByRole('button', { name: 'リンクを再発行する' }).waitFor();
    // Asked, not done: the old link still opens the status page.
    expect((await call('GET', `/r/${other.token}`, { token: null })).status).toBe(200);
    await axeWithScript(staff, 'the new-link confirmation');
    await shot(staff, '05-new-link-confirm');
    await staff.getByRole('button', { name: 'リンクを再発行する' }).click();
    const shown = await staff.locator('.token-box code').textContent();
    expect(shown).toMatch(/\/r\/hkc_[A-Za-z0-9_-]+$/);
    expect((await call('GET', `/r/${other.token}`, { token: null })).status).toBe(404);
    const fresh = new URL(shown ?? '').pathname;
    expect((await call('GET', fresh, { token: null })).status).toBe(200);
    await staff.context().close();
  });

  it('6. words the match factors in the page language', async () => {
    const page = await open();
    const { id } = await applied('received', { format: 'either' });
    await staffSignIn(page);
    await page.goto(`/staff/requests/${id}`);
    const reasons = page.locator('.match .reasons li');
    await reasons.first().waitFor();
    const ja = await reasons.allTextContents();
    expect(ja.length).toBeGreaterThan(0);
    for (const reason of ja) {
      expect(reason, reason).toMatch(JAPANESE);
      expect(reason, reason).not.toMatch(/\b(topics|online|onsite|earliest|JST|load|visits)\b/i);
    }
    expect(ja.join('\n')).toContain('東京都');
    await expectAxeClean(page, 'the matches in Japanese');

    await page.goto(`/staff/requests/${id}?lang=en`);
    await reasons.first().waitFor();
    const en = await reasons.allTextContents();
    expect(en.length).toBe(ja.length);
    for (const reason of en) expect(reason, reason).not.toMatch(JAPANESE);
    expect(en.join('\n')).toContain('Tokyo');
    // Lists in English are joined the English way (the topics applied for, here).
    const facts = (await page.locator('#facts-title + dl').textContent()) ?? '';
    expect(facts).toContain(', ');
    expect(facts).not.toMatch(/[、・]/);
    await expectAxeClean(page, 'the matches in English');
    await shot(page, '06-matches-en');
    await page.context().close();
  });

  it('7. answers browsers with an HTML 404 page, and /favicon.ico with an icon', async () => {
    const page = await open();
    const missing = await page.goto('/no-such-page');
    expect(missing?.status()).toBe(404);
    expect(missing?.headers()['content-type']).toMatch(/^text\/html/);
    await page.getByRole('heading', { name: 'ページが見つかりません' }).waitFor();
    await expectAxeClean(page, 'the 404 page');
    await shot(page, '07-not-found');
    const english = await page.goto('/no-such-page?lang=en');
    expect(english?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await expectAxeClean(page, 'the 404 page in English');

    const icon = await page.request.get('/favicon.ico', { headers: { accept: 'text/html' } });
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toBe('image/x-icon');
    const bytes = await icon.body();
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    const linked = await page.locator('link[rel="icon"]').getAttribute('href');
    const svg = await page.request.get(linked ?? '');
    expect(svg.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    await page.context().close();
  });

  it('8. keeps the phone status page short: slots by day, the expert named once, submit in reach', async () => {
    const page = await open({ viewport: PHONE });
    const { token } = await applied('accepted', {
      format: 'either',
      preferredWindows: [
        {
          start: new Date(`${windowFrom}:00+09:00`).toISOString(),
          end: new Date(`${windowTo}:00+09:00`).toISOString(),
        },
      ],
    });
    await page.goto(`/r/${token}`);
    await page.getByRole('heading', { name: '訪問日時を選ぶ' }).waitFor();
    const radios = await page.locator('input[name="slot"]').count();
    expect(radios).toBeGreaterThan(50);
    const height = await page.evaluate<number>('document.documentElement.scrollHeight');
    expect(height).toBeLessThan(4000);

    // One fold per day, the first open; the times under each expert's name, said once.
    const days = page.locator('.slot-picker details.day');
    expect(await days.count()).toBeGreaterThan(3);
    expect(await page.locator('.slot-picker details.day[open]').count()).toBe(1);
    const legends = await days.first().locator('legend').allTextContents();
    expect(new Set(legends).size).toBe(legends.length);
    for (const label of await days.first().locator('.slot label').allTextContents()) {
      expect(label).toMatch(/^\d{2}:\d{2}–\d{2}:\d{2}$/);
    }
    await expectAxeClean(page, 'the status page on a phone');
    await phoneShot(page, '08-status-phone');

    // The button stays on screen while the times scroll, and the keyboard gets there.
    await days.first().locator('.slot label').last().scrollIntoViewIfNeeded();
    const button = page.getByRole('button', { name: 'この日時で予約する' });
    const box = await button.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= PHONE.height).toBe(true);
    await page.locator('input[name="slot"]').first().focus();
    await tabTo(page, 'form[action$="/book"] button[type="submit"]', 10);
    await page.context().close();
  });

  it('9. shows the reports whole on a phone: tables scroll by keyboard, names whole, the chart says it scrolls', async () => {
    const page = await open();
    await staffSignIn(page);
    await page.setViewportSize(PHONE);
    await page.goto('/staff/reports?fiscalYear=2021');
    await page.getByRole('heading', { name: '令和3年度　延べ82回' }).waitFor();
    // Nothing runs off the page itself: a wide table scrolls inside its own frame.
    expect(
      await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'),
    ).toBe(true);
    const wraps = page.locator('.table-wrap');
    expect(await wraps.count()).toBeGreaterThan(5);
    for (const wrap of await wraps.all()) {
      // A region named for its table (a section with a label), in the tab order.
      expect(await wrap.getAttribute('tabindex')).toBe('0');
      const label = (await wrap.getAttribute('aria-label')) ?? '';
      expect(label).not.toBe('');
      expect(await wrap.evaluate((el) => el.tagName)).toBe('SECTION');
      // Every column can be brought into view: scrolled to its end, the frame shows the last
      // column whole, and at its start the first.
      const shown = await wrap.evaluate((el) => {
        const cells = [...el.querySelectorAll('thead th')];
        const inside = (cell: (typeof cells)[number] | undefined) => {
          const box = cell?.getBoundingClientRect();
          const frame = el.getBoundingClientRect();
          return box !== undefined && box.left >= frame.left - 1 && box.right <= frame.right + 1;
        };
        el.scrollLeft = 0;
        const first = inside(cells[0]);
        el.scrollLeft = el.scrollWidth;
        const last = inside(cells.at(-1));
        el.scrollLeft = 0;
        return { first, last };
      });
      expect(shown, label).toEqual({ first: true, last: true });
    }
    // Row names (experts, prefectures, topics) keep to one line rather than break mid-name.
    const broken = await page.locator('.table-wrap tbody th').evaluateAll((cells) =>
      cells
        .filter((cell) => {
          const range = window.document.createRange();
          range.selectNodeContents(cell);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return tops.size > 1;
        })
        .map((cell) => cell.textContent),
    );
    expect(broken).toEqual([]);
    // The chart is wider than the phone: it scrolls sideways, and says so where it can be seen.
    const chart = page.locator('figure.chart.bars');
    expect(await chart.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    const cue = page.locator('.scroll-hint').first();
    expect(await cue.isVisible()).toBe(true);
    expect(await cue.textContent()).toMatch(/スクロール/);
    await expectAxeClean(page, 'the reports on a phone');
    await phoneShot(page, '09-reports-phone');

    // At desktop width the chart fits, and the cue is not needed.
    await page.setViewportSize(DESKTOP);
    expect(await chart.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(false);
    expect(await cue.isVisible()).toBe(false);
    await page.context().close();
  });

  it('10. labels the report the same on the page and in the CSV, with units', async () => {
    const page = await open();
    await staffSignIn(page);
    await page.goto('/staff/reports?fiscalYear=2021');
    const table = page.locator('table', { has: page.locator('caption', { hasText: '専門家別' }) });
    const onPage = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
    const csv = await page.request.get('/staff/reports/csv?fiscalYear=2021&breakdown=expert');
    const inCsv =
      (await csv.text())
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0]
        ?.split(',') ?? [];
    // The CSV adds the expert's ID for a spreadsheet; every other heading is the page's.
    expect(inCsv.filter((h) => h !== '専門家ID')).toEqual(onPage);
    expect(onPage).toContain('派遣時間（時間）');
    expect(onPage.some((h) => /（%）$/.test(h))).toBe(true);
    await expectAxeClean(page, 'the reports of FY2021');
    await page.context().close();
  });

  it('11. names the same year in the heading and the select for ?fiscalYear=1999', async () => {
    const page = await open();
    await staffSignIn(page);
    await page.goto('/staff/reports?fiscalYear=1999');
    const heading = (await page.locator('#headline').textContent()) ?? '';
    expect(heading).toContain('平成11年度');
    const select = page.getByLabel('年度', { exact: true });
    expect(await select.inputValue()).toBe('1999');
    expect(await select.locator('option:checked').textContent()).toContain('平成11年度');
    await expectAxeClean(page, 'the reports of FY1999');
    await shot(page, '11-fy1999');
    await page.context().close();
  });

  it('12. moves the focus to the error summary and says エラー in the title', async () => {
    for (const [lang, prefix, button] of [
      ['ja', 'エラー', '申し込む'],
      ['en', 'Error', 'Apply'],
    ] as const) {
      const page = await open();
      await page.goto(`/apply?lang=${lang}`);
      const before = await page.title();
      expect(before).not.toContain(prefix);
      await page.getByRole('button', { name: button, exact: true }).click();
      await page.locator('#error-summary').waitFor();
      // The page's script moves the focus once it has loaded, which can be after the summary shows.
      await expect
        .poll(() => page.evaluate<string>('document.activeElement?.id'))
        .toBe('error-summary');
      expect(await page.title()).toBe(`${prefix}: ${before}`);
      await expectAxeClean(page, `the form sent empty (${lang})`);
      await shot(page, `12-focus-${lang}`);
      await page.context().close();
    }
  });

  it('13. shows the application ID and the office’s contacts on the applied and status pages', async () => {
    const page = await open();
    const token = await applyOnPage(page, 'contacts@example.jp');
    const [own] = (await call('GET', '/v1/requests?status=received&limit=100')).body.items.filter(
      (r: { contact?: { email?: string } }) => r.contact?.email === 'contacts@example.jp',
    ) as { id: string }[];
    const id = own?.id ?? '';
    expect(id).not.toBe('');
    const check = async (where: string) => {
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main, where).toContain(id);
      expect(await page.locator(`a[href="mailto:${OFFICE_EMAIL}"]`).count(), where).toBe(1);
      expect(await page.locator(`a[href="tel:${OFFICE_PHONE}"]`).count(), where).toBe(1);
      await expectAxeClean(page, where);
    };
    await check('the applied page');
    await page.reload();
    await page.getByRole('heading', { name: '審査中です' }).waitFor();
    await check('the status page');
    await page.goto(`/r/${token}?lang=en`);
    await check('the status page in English');
    await shot(page, '13-contacts-en');
    await page.context().close();
  });

  it('14. puts the status link in the receipt email', async () => {
    const page = await open();
    const email = 'receipt@example.jp';
    await applyOnPage(page, email);
    const link = await page.locator('#status-link').getAttribute('href');
    const deadline = Date.now() + 30_000;
    while (sink.to(email).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const [receipt] = sink.to(email);
    expect(receipt?.mail.subject).toContain('申込受付のお知らせ');
    expect(receipt?.mail.text).toContain(link);
    await page.context().close();
  });

  it('15. asks for 従業員数 and 資本金 with the numeric keyboard', async () => {
    const page = await open({ viewport: PHONE });
    await page.goto('/apply');
    expect(await page.getByLabel('従業員数（人）').getAttribute('inputmode')).toBe('numeric');
    expect(await page.getByLabel('資本金（円）').getAttribute('inputmode')).toBe('numeric');
    await expectAxeClean(page, 'the form on a phone');
    await page.context().close();
  });

  it('16. rings the date-time picker button when it has the focus', async () => {
    const page = await open();
    await page.goto('/apply');
    const start = field(page, 'preferredWindows.0.start');
    const ring = () =>
      start.evaluate((el) => {
        const style = window.getComputedStyle(el);
        return { outline: style.outlineStyle, shadow: style.boxShadow };
      });
    const unfocused = await ring();
    expect(unfocused.outline).toBe('none');
    // Shift+Tab back from the end field lands on the start field's last stop: its picker button.
    await field(page, 'preferredWindows.0.end').focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe(
      'preferredWindows.0.start',
    );
    const onButton = await ring();
    expect(onButton.outline).toBe('solid');
    expect(onButton.shadow).not.toBe('none');
    await expectAxeClean(page, 'the form with the picker button focused');
    await phoneShot(page, '16-picker-focus');
    await page.context().close();
  });

  it('17. offers the updated .ics after a cancellation', async () => {
    const page = await open();
    const visit = await applied('booked');
    const cancelled = await call('POST', `/v1/sessions/${visit.sessionId}/cancel`, {
      token: visit.token,
      body: {},
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    await page.goto(`/r/${visit.token}`);
    const past = page.locator('section', {
      has: page.getByRole('heading', { name: '訪問の記録' }),
    });
    const link = past.getByRole('link', { name: /\.ics/ });
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toContain(visit.sessionId);
    const ics = await page.request.get(href);
    expect(ics.headers()['content-type']).toBe('text/calendar; charset=utf-8');
    expect(await ics.text()).toMatch(/STATUS:CANCELLED|METHOD:CANCEL/);
    await expectAxeClean(page, 'the status page after a cancellation');
    await shot(page, '17-cancelled');
    await page.context().close();
  });

  it('18. asks for the address, フリガナ and privacy consent, and shows an online visit’s meeting URL', async () => {
    const page = await open();
    await page.goto('/apply');
    const policy = page.getByRole('link', { name: /個人情報の取り扱いについて/ });
    expect(await policy.getAttribute('href')).toBe(PRIVACY_POLICY_URL);
    const token = await applyOnPage(page, 'address@example.jp', '訪問');
    const own = (await call('GET', '/v1/requests?status=received&limit=100')).body.items.find(
      (r: { contact?: { email?: string } }) => r.contact?.email === 'address@example.jp',
    ) as { id: string };
    const stored = await request(own.id);
    expect(stored.company.address).toBe('東京都千代田区霞が関1-3-1');
    expect(stored.contact.nameKana).toBe('タカハシ マコト');
    expect(stored.privacyConsentAt).not.toBeNull();
    await page.reload();
    const facts = (await page.locator('#request-title + dl').textContent()) ?? '';
    expect(facts).toContain('東京都千代田区霞が関1-3-1');
    expect(facts).toContain('タカハシ マコト');

    // On site: the calendar's LOCATION is the address, not only the prefecture.
    await call('POST', `/v1/requests/${own.id}/accept`, { body: {} });
    const slots = await call('GET', `/v1/requests/${own.id}/slots`, { token });
    const onsite = (
      slots.body.slots as { start: string; format: string; expert: { id: string } }[]
    ).find((s) => s.format === 'onsite');
    const booked = await call('POST', `/v1/requests/${own.id}/sessions`, {
      token,
      body: { expertId: onsite?.expert.id, start: onsite?.start },
    });
    expect(booked.status, booked.text).toBe(201);
    const ics = await page.request.get(`/r/${token}/visits/${booked.body.id}/calendar.ics`);
    expect((await ics.text()).replace(/\r\n[ \t]/g, '')).toContain('東京都千代田区霞が関1-3-1');

    // Online: the URL staff set shows on the company's page.
    const online = await applied('booked', { format: 'online' });
    const meeting = 'https://meet.example.jp/haken-defects';
    const set = await call('PUT', `/v1/sessions/${online.sessionId}/meeting-url`, {
      body: { url: meeting },
    });
    expect(set.status, set.text).toBe(200);
    await page.goto(`/r/${online.token}`);
    const shown = page.getByRole('link', { name: meeting });
    expect(await shown.getAttribute('href')).toBe(meeting);
    await expectAxeClean(page, 'the status page of an online visit');
    await shot(page, '18-meeting-url');
    await page.context().close();
  });
});
