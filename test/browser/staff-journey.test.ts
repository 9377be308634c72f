import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.ts';
import { corporateNumberCheckDigit } from '../../src/domain/corporate-number.ts';
import { prefectures } from '../../src/domain/taxonomy.ts';
import { DAY_MS, fiscalYearOf, HOUR_MS } from '../../src/domain/time.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { ja } from '../../src/ui/i18n/ja.ts';
import { named, type Strings } from '../../src/ui/i18n/strings.ts';
import { STAFF_TOKEN } from '../support/api.ts';
import { application, expert } from '../support/fixtures.ts';
import { httpCall, type ServerProcess } from '../support/server.ts';
import { expectAxeClean } from './support/axe.ts';
import { DESKTOP, launchChromium, PHONE, screenshot } from './support/chromium.ts';
import { shiftedClock } from './support/clock.ts';
import { seedingApp } from './support/seeding-app.ts';
import { engines, pageServer } from './support/server.ts';

// The programme office's whole job in the browser, on the demo programme: a deep link
// through sign-in, the queue's search, filters, sort and pages, an application accepted, a
// visit booked at a free time, moved, reported (the server's clock is moved past the visit
// for that), counted by the year's report and shown in the audit views; experts created,
// edited, given hours and deactivated; the outbox; and a ministry viewer who reads it all
// with contacts masked and no control that changes anything. Once in Japanese at desktop
// width and once in English at 375 px, with axe on both widths of every page and state.
// staff.test.ts covers declining and booking from a match's slot button.

const SEEDING_MS = 300_000;
const SLOTS_SHOWN = 12;
const UNREACHABLE_WEBHOOK = 'https://haken-unreachable.invalid/hook';

type Journey = {
  lang: 'ja' | 'en';
  t: Strings;
  viewport: { width: number; height: number };
  company: string;
  corporateNumber: string;
  /** Days from now (JST) of the company's preferred window, and of the free start booked. */
  windowDay: number;
  freeDay: number;
  newExpert: string;
};

const withCheckDigit = (body12: string) => `${corporateNumberCheckDigit(body12)}${body12}`;

const JOURNEYS: Journey[] = [
  {
    lang: 'ja',
    t: ja,
    viewport: DESKTOP,
    company: '旅程精工株式会社',
    corporateNumber: withCheckDigit('901234567801'),
    windowDay: 8,
    freeDay: 12,
    newExpert: '新井 登録',
  },
  {
    lang: 'en',
    t: en,
    viewport: PHONE,
    company: '旅程電機株式会社',
    corporateNumber: withCheckDigit('901234567802'),
    // After the Japanese journey the server's clock stands past its visit, some days on.
    windowDay: 24,
    freeDay: 28,
    newExpert: 'Ann Register',
  },
];

/** The expert the journeys book: every day 08:00–20:00, in the companies' trade and place. */
const JOURNEY_EXPERT = '道程 進';

/** A Japan-time wall clock `days` from now, as an instant. */
const tokyoAt = (days: number, time: string) => {
  const date = new Date(Date.now() + 9 * HOUR_MS + days * DAY_MS).toISOString().slice(0, 10);
  return Date.parse(`${date}T${time}:00+09:00`);
};
/** An instant as a datetime-local value in Japan time. */
const localValue = (instant: number) => new Date(instant + 9 * HOUR_MS).toISOString().slice(0, 16);

type Seeded = { expertId: string; requests: Record<string, string> };

/** Before the server starts: the journey expert, both applications, an unreachable webhook. */
async function seedJourneys(database: Database, seeded: Seeded) {
  const { call, clock } = seedingApp(database, {}, Date.now());
  const made = await call(
    'POST',
    '/v1/experts',
    expert({
      name: JOURNEY_EXPERT,
      email: 'michinori@example.jp',
      prefectures: ['23'],
      topics: ['identify', 'classify', 'access', 'training'],
    }),
  );
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    start: '08:00',
    end: '20:00',
  }));
  await call('PUT', `/v1/experts/${made.id}/availability`, { weekly: everyDay, overrides: [] });
  seeded.expertId = made.id;
  for (const journey of JOURNEYS) {
    // A minute apart, so the queue's newest-first order of the two is the journeys' order.
    clock.now += 60_000;
    const body = application(
      { now: clock.date },
      {
        company: {
          name: journey.company,
          corporateNumber: journey.corporateNumber,
          industryCode: 'E24',
          prefectureCode: '23',
          employees: 80,
          capitalYen: 30_000_000,
          address: '愛知県名古屋市中区三の丸3-1-1',
        },
        preferredWindows: [
          {
            start: new Date(tokyoAt(journey.windowDay, '10:00')).toISOString(),
            end: new Date(tokyoAt(journey.windowDay + 1, '17:00')).toISOString(),
          },
        ],
        privacyConsent: true,
      },
    );
    const applied = await call('POST', '/v1/requests', body, '');
    seeded.requests[journey.lang] = applied.request.id;
  }
  await call('POST', '/v1/webhooks', {
    url: UNREACHABLE_WEBHOOK,
    events: ['request.accepted', 'session.booked'],
  });
}

describe.each(engines)(
  'the staff journey in the browser, on %s',
  { timeout: 600_000 },
  (engine) => {
    let server: ServerProcess;
    let browser: Browser;
    let clock: Awaited<ReturnType<typeof shiftedClock>>;
    let api: ReturnType<typeof httpCall>;
    const seeded: Seeded = { expertId: '', requests: {} };

    beforeAll(async () => {
      clock = await shiftedClock();
      server = await pageServer({
        demo: true,
        engine,
        // Email is off (no SMTP_URL), so its rows wait; the webhook's first failure is its last.
        env: { ...clock.env, NOTIFY_MAX_ATTEMPTS: '1' },
        seed: (database) => seedJourneys(database, seeded),
      });
      api = httpCall(server.url);
      browser = await launchChromium();
    }, SEEDING_MS);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await clock?.remove();
    });

    /** The API's answer, which must be a success. */
    async function read(path: string, token?: string) {
      const res = await api('GET', path, token ? { token } : {});
      expect(res.status, `GET ${path}`).toBe(200);
      return res.body;
    }

    /** axe at both widths on the page as it stands, and its screenshots (once, on PGlite). */
    async function look(page: Page, journey: Journey, name: string, widths = [DESKTOP, PHONE]) {
      for (const size of widths) {
        await page.setViewportSize(size);
        await expectAxeClean(page, `${name} (${journey.lang}, ${size.width} px)`);
      }
      if (engine === 'pglite') await screenshot(page, `staff-journey-${journey.lang}-${name}`);
      await page.setViewportSize(journey.viewport);
    }

    async function signIn(page: Page, t: Strings, token = STAFF_TOKEN) {
      await page.getByRole('heading', { name: t.signInTitle }).waitFor();
      await page.getByLabel(t.staffToken).fill(token);
      await page.getByRole('button', { name: t.signIn }).click();
      await page.waitForURL((url) => url.pathname !== '/staff/sign-in');
    }

    const notice = (page: Page, text: string) =>
      page.getByRole('status').filter({ hasText: text }).first().waitFor();

    /** The count of visits the year's report shows. */
    async function reportedVisits(page: Page, fiscalYear: number) {
      await page.goto(`/staff/reports?fiscalYear=${fiscalYear}`);
      return Number((await page.locator('#stat-visits').textContent())?.replace(/\D/g, ''));
    }

    /** Every start the journey expert is offered for a request (the company's window). */
    async function offeredStarts(requestId: string): Promise<number[]> {
      const { matches } = await read(
        `/v1/requests/${requestId}/matches?limit=10&slotsPerExpert=500`,
      );
      const ours = (matches as { expert: { id: string }; slots: { start: string }[] }[]).find(
        (m) => m.expert.id === seeded.expertId,
      );
      return (ours?.slots ?? []).map((s) => Date.parse(s.start));
    }

    for (const journey of JOURNEYS) {
      const { t, lang } = journey;
      let page: Page;
      let requestId: string;
      let before: number;
      let visitStart: number;

      it(`${lang}: a deep link while signed out lands there after signing in`, async () => {
        const context = await browser.newContext({
          baseURL: server.url,
          viewport: journey.viewport,
          locale: 'en-US',
        });
        page = await context.newPage();
        requestId = seeded.requests[lang] ?? '';
        await page.goto(`/staff/reports?fiscalYear=2021&lang=${lang}`);
        const asked = new URL(page.url());
        expect(asked.pathname).toBe('/staff/sign-in');
        expect(asked.searchParams.get('next')).toBe(`/staff/reports?fiscalYear=2021&lang=${lang}`);
        await look(page, journey, 'sign-in');
        await signIn(page, t);
        const landed = new URL(page.url());
        expect(landed.pathname).toBe('/staff/reports');
        expect(landed.searchParams.get('fiscalYear')).toBe('2021');
        expect(await page.locator('#stat-visits').textContent()).toBe(t.visits(82));
        await look(page, journey, 'reports-fy2021', [DESKTOP, PHONE]);
      });

      it(`${lang}: the queue searches by name and 法人番号, filters, sorts and counts pages`, async () => {
        const rows = () => page.locator('tbody th a').allTextContents();
        const show = async (fields: Record<string, string>) => {
          await page.goto('/staff');
          for (const [id, value] of Object.entries(fields)) {
            const field = page.locator(`#${id}`);
            if (id === 'q') await field.fill(value);
            else await field.selectOption(value);
          }
          await page.getByRole('button', { name: t.show, exact: true }).click();
          await page.waitForURL(/\/staff\?/);
        };
        await page.goto('/staff');
        await page.getByRole('heading', { name: t.queueTitle }).waitFor();
        await look(page, journey, 'queue');

        await show({ q: journey.company, status: 'all' });
        expect(await rows()).toEqual([journey.company]);
        expect(await page.getByRole('status').first().textContent()).toBe(t.resultCount(1, 1, 1));
        // On a phone the name keeps a readable width, not two characters a line.
        await page.setViewportSize(PHONE);
        const name = await page.locator('tbody th').first().boundingBox();
        expect(name?.width).toBeGreaterThanOrEqual(144);
        await page.setViewportSize(journey.viewport);
        await look(page, journey, 'queue-search');
        await show({ q: journey.corporateNumber, status: 'all' });
        expect(await rows()).toEqual([journey.company]);

        // Narrowed to what this application is: it is there, and every row is of its place.
        const fiscalYear = String(fiscalYearOf(Date.now()));
        const aichi = named(
          t,
          prefectures.find((p) => p.code === '23')?.name ?? { ja: '', en: '' },
        );
        await show({ status: 'received', fiscalYear, prefectureCode: '23', industry: 'E' });
        expect(await rows()).toContain(journey.company);
        const places = await page.locator('tbody tr td:nth-of-type(3)').allTextContents();
        expect(new Set(places)).toEqual(new Set([aichi]));
        await show({ status: 'received', fiscalYear, prefectureCode: '13', industry: 'E' });
        expect(await rows()).not.toContain(journey.company);
        await show({ status: 'accepted', q: journey.company });
        expect(await rows()).toEqual([]);

        // Both journeys' companies, the later application first, then the other way round.
        await show({ q: '旅程', status: 'all', order: 'newest' });
        expect(await rows()).toEqual(JOURNEYS.map((j) => j.company).reverse());
        await show({ q: '旅程', status: 'all', order: 'oldest' });
        expect(await rows()).toEqual(JOURNEYS.map((j) => j.company));

        // Every application, 50 a page: the count of pages, and the next page.
        const { total } = await read('/v1/requests?limit=1');
        const pages = Math.ceil(total / 50);
        expect(pages).toBeGreaterThan(1);
        await show({ status: 'all' });
        expect(await page.getByRole('status').first().textContent()).toBe(
          t.resultCount(total, 1, pages),
        );
        await page.getByRole('link', { name: t.nextPage }).click();
        await page.getByText(t.resultCount(total, 2, pages)).waitFor();
        expect(await page.locator('tbody tr').count()).toBe(Math.min(50, total - 50));
        await look(page, journey, 'queue-page-2');
      });

      it(`${lang}: accepts the application with a note, and shows every match worded in ${lang}`, async () => {
        await page.goto(`/staff?status=received&q=${encodeURIComponent(journey.company)}`);
        await page.getByRole('link', { name: journey.company }).click();
        await page.getByRole('heading', { name: journey.company, level: 1 }).waitFor();
        await look(page, journey, 'request-received');

        const note = `${journey.company}: 当日は工場の見学も行います。`;
        await page.locator('#accept-note').fill(note);
        await page.getByRole('button', { name: t.acceptButton }).click();
        await notice(page, t.notices.accepted ?? '');
        const accepted = await read(`/v1/requests/${requestId}`);
        expect(accepted.status).toBe('accepted');
        expect(accepted.review.note).toBe(note);
        expect(await page.locator('main').textContent()).toContain(note);
        await look(page, journey, 'request-accepted');

        // Every match shows its slots, or the first twelve and a link to all of them.
        const cards = page.locator('.match');
        expect(await cards.count()).toBeGreaterThan(1);
        for (const card of await cards.all()) {
          const name = (await card.locator('h3').evaluate((h) => h.firstChild?.textContent)) ?? '';
          const slots = await card.locator('.slot-buttons button').count();
          expect(slots, name).toBeGreaterThan(0);
          const more = card.getByRole('link', { name: t.allSlotsOf(name) });
          expect(await more.count(), name).toBe(slots === SLOTS_SHOWN ? 1 : 0);
        }
        // The factors are the page's words: no English in Japanese, no Japanese in English.
        const factors = await page.locator('.match .reasons li').allTextContents();
        expect(factors.length).toBeGreaterThan(0);
        const foreign = lang === 'ja' ? /[A-Za-z]{2,}/ : /[\u3040-\u30ff\u3400-\u9fff]/;
        expect(factors.filter((f) => foreign.test(f))).toEqual([]);

        const ours = cards.filter({ has: page.getByRole('heading', { name: JOURNEY_EXPERT }) });
        expect(await ours.locator('.slot-buttons button').count()).toBe(SLOTS_SHOWN);
        await ours.getByRole('link', { name: t.allSlotsOf(JOURNEY_EXPERT) }).click();
        await page.waitForURL(/slots=/);
        const offered = await offeredStarts(requestId);
        expect(offered.length).toBeGreaterThan(SLOTS_SHOWN);
        expect(await ours.locator('.slot-buttons button').count()).toBe(offered.length);
        expect(await ours.getByRole('link', { name: t.allSlotsOf(JOURNEY_EXPERT) }).count()).toBe(
          0,
        );
        await look(page, journey, 'request-all-slots');
      });

      it(`${lang}: books a free start in the window, moves the visit, and reports it`, async () => {
        const offered = new Set(await offeredStarts(requestId));
        // Outside the company's preferred window, inside the expert's hours: not a listed slot.
        const free = tokyoAt(journey.freeDay, '09:00');
        expect(offered.has(free)).toBe(false);
        await page.locator('#free-expert').selectOption(seeded.expertId);
        await page.locator('#free-start').fill(localValue(free));
        await page.getByRole('button', { name: t.bookThisTime }).click();
        await notice(page, t.notices.booked ?? '');
        const booked = await read(`/v1/requests/${requestId}`);
        expect(booked.status).toBe('scheduled');
        const [visit] = booked.sessions;
        expect(visit).toMatchObject({ expertId: seeded.expertId, status: 'confirmed' });
        expect(Date.parse(visit.start)).toBe(free);
        const panel = page.getByRole('region', { name: t.visitTitle });
        expect(await panel.textContent()).toContain(JOURNEY_EXPERT);
        await look(page, journey, 'visit-booked');

        // Moved to the first time the company asked for, after a page that says what moves where.
        await panel.getByRole('link', { name: t.rescheduleTitle }).click();
        await page.getByRole('heading', { name: t.rescheduleTitle, level: 1 }).waitFor();
        await look(page, journey, 'reschedule');
        // A time given is held to the bookable period, as when booking.
        const given = page.locator('#move-free');
        const [min, max] = [await given.getAttribute('min'), await given.getAttribute('max')];
        expect(Date.parse(`${min}:00+09:00`)).toBeGreaterThan(Date.now());
        expect(max && min && max > min).toBe(true);
        const to = await page.locator('#move-to option:nth-child(2)').getAttribute('value');
        await page.locator('#move-to').selectOption(to ?? '');
        await page.getByRole('button', { name: t.rescheduleCheck }).click();
        await page.getByRole('heading', { name: t.confirmTitle }).waitFor();
        expect((await read(`/v1/sessions/${visit.id}`)).start).toBe(visit.start);
        await look(page, journey, 'reschedule-confirm');
        await page.getByRole('button', { name: t.rescheduleButton }).click();
        await notice(page, t.notices.rescheduled ?? '');
        const moved = await read(`/v1/sessions/${visit.id}`);
        expect(moved).toMatchObject({ status: 'confirmed', start: to });
        visitStart = Date.parse(moved.start);
        expect(offered.has(visitStart)).toBe(true);
        await look(page, journey, 'visit-moved');
        before = await reportedVisits(page, fiscalYearOf(visitStart));

        // Three hours after the visit began (the session has since idled out: sign in again).
        await clock.advanceTo(visitStart + 3 * HOUR_MS);
        const reportPage = `/staff/requests/${requestId}/visits/${visit.id}/report`;
        await page.goto(reportPage);
        await signIn(page, t);
        expect(new URL(page.url()).pathname).toBe(reportPage);
        await page.getByRole('heading', { name: t.reportTitle, level: 1 }).waitFor();
        await look(page, journey, 'report-form');

        await page.getByRole('button', { name: t.submitReport }).click();
        await page.getByRole('heading', { name: t.errorSummary(1) }).waitFor();
        await look(page, journey, 'report-errors');
        const summary = '守るべき情報の洗い出しを行い、管理者を決めた。';
        await page.locator('#summary').fill(summary);
        await page.locator('#follow-up-yes').check();
        await page.getByRole('button', { name: t.submitReport }).click();
        await notice(page, t.notices.reported ?? '');
        const reported = await read(`/v1/sessions/${visit.id}`);
        expect(reported.status).toBe('completed');
        expect(reported.report).toMatchObject({ summary, followUpNeeded: true });
        expect((await read(`/v1/requests/${requestId}`)).status).toBe('completed');
        await look(page, journey, 'visit-reported');
      });

      it(`${lang}: the year's report counts the visit, and the audit views show what was done`, async () => {
        expect(await reportedVisits(page, fiscalYearOf(visitStart))).toBe(before + 1);
        await look(page, journey, 'reports-after', [DESKTOP, PHONE]);

        const done = ['session.booked', 'session.rescheduled', 'session.completed'];
        const trail = (region: string) =>
          page
            .getByRole('region', { name: region })
            .locator('tbody td:nth-child(2)')
            .allTextContents();
        await page.goto(`/staff/requests/${requestId}`);
        expect(await trail(t.auditTitle)).toEqual(
          expect.arrayContaining(
            ['request.created', 'request.accepted', ...done].map((a) => t.auditActions[a]),
          ),
        );
        await look(page, journey, 'request-audit');
        await page.goto(`/staff/experts/${seeded.expertId}`);
        expect(await trail(t.auditTitle)).toEqual(
          expect.arrayContaining(done.map((a) => t.auditActions[a])),
        );
        // The expert's trail spans requests: each visit's event links to its request.
        const audit = page.getByRole('region', { name: t.auditTitle });
        for (const action of done) {
          expect(
            await audit
              .getByRole('link', { name: t.auditActions[action] })
              .first()
              .getAttribute('href'),
          ).toBe(`/staff/requests/${requestId}`);
        }
        await look(page, journey, 'expert-audit');
      });

      it(`${lang}: creates an expert, edits it, sets its hours and an override, deactivates it`, async () => {
        await page.goto('/staff/experts');
        await look(page, journey, 'experts');
        await page.getByRole('link', { name: t.newExpert }).click();
        await page.getByRole('heading', { name: t.newExpert, level: 1 }).waitFor();
        await look(page, journey, 'expert-new');

        // Sent without a name or an address: both named at once, the rest kept.
        await page.locator('#affiliation').fill('登録テスト事務所');
        await page.getByRole('button', { name: t.createExpert }).click();
        await page.getByRole('link', { name: t.expertFieldErrors.name ?? '' }).waitFor();
        await page.getByRole('link', { name: t.expertFieldErrors.email ?? '' }).waitFor();
        expect(await page.locator('#affiliation').inputValue()).toBe('登録テスト事務所');
        await look(page, journey, 'expert-new-errors');

        const email = `register-${lang}@example.jp`;
        await page.locator('#name').fill(journey.newExpert);
        await page.locator('#email').fill(email);
        await page.locator('#industries').selectOption(['E24']);
        await page.locator('#topics-identify').check();
        await page.locator('#prefectures-23').check();
        await page.getByRole('button', { name: t.createExpert }).click();
        await notice(page, t.notices.expertCreated ?? '');
        const id = new URL(page.url()).pathname.split('/').pop() ?? '';
        expect(await read(`/v1/experts/${id}`)).toMatchObject({
          name: journey.newExpert,
          email,
          affiliation: '登録テスト事務所',
          industries: ['E24'],
          topics: ['identify'],
          prefectures: ['23'],
          active: true,
        });
        await look(page, journey, 'expert-created');

        await page.getByRole('link', { name: t.editExpert }).click();
        await page.getByRole('heading', { name: t.editExpert, level: 1 }).waitFor();
        await look(page, journey, 'expert-edit');
        await page.locator('#affiliation').fill('登録テスト事務所 名古屋');
        await page.locator('#maxVisitsPerMonth').fill('5');
        await page.getByRole('button', { name: t.saveExpert }).click();
        await notice(page, t.notices.expertSaved ?? '');
        expect(await read(`/v1/experts/${id}`)).toMatchObject({
          affiliation: '登録テスト事務所 名古屋',
          maxVisitsPerMonth: 5,
        });

        // Mondays and Wednesdays, and one Monday off.
        const offDay = new Date(tokyoAt(30, '00:00') + 9 * HOUR_MS).toISOString().slice(0, 10);
        const field = (name: string) => page.locator(`[id="${name}"]`);
        await field('w.1.0.start').fill('09:00');
        await field('w.1.0.end').fill('17:00');
        await field('w.3.0.start').fill('13:00');
        await field('w.3.0.end').fill('18:00');
        await field('o.0.date').fill(offDay);
        await field('o.0.kind').selectOption('closed');
        await page.getByRole('button', { name: t.saveAvailability }).click();
        await notice(page, t.notices.availabilitySaved ?? '');
        const { availability } = await read(`/v1/experts/${id}`);
        expect(availability.weekly).toEqual([
          { weekday: 1, start: '09:00', end: '17:00' },
          { weekday: 3, start: '13:00', end: '18:00' },
        ]);
        expect(availability.overrides).toEqual([
          expect.objectContaining({ date: offDay, available: false }),
        ]);
        await look(page, journey, 'expert-hours');

        await page.getByRole('link', { name: t.deactivateExpert }).click();
        await page.getByRole('heading', { name: t.confirmTitle }).waitFor();
        expect((await read(`/v1/experts/${id}`)).active).toBe(true);
        await look(page, journey, 'expert-deactivate');
        await page.getByRole('button', { name: t.deactivateExpert }).click();
        await notice(page, t.notices.expertSaved ?? '');
        expect((await read(`/v1/experts/${id}`)).active).toBe(false);
        expect(await page.getByRole('link', { name: t.reactivateExpert }).count()).toBe(1);
        await look(page, journey, 'expert-deactivated');
      });

      it(`${lang}: the notifications page shows waiting and given-up rows and sends one again`, async () => {
        const pending = await read('/v1/notifications?status=pending&limit=100');
        expect(pending.items.length).toBeGreaterThan(0);
        await page.goto('/staff/notifications?status=pending');
        await page.getByRole('heading', { name: t.navNotifications, level: 1 }).waitFor();
        expect(await page.locator('tbody tr').count()).toBe(pending.items.length);
        expect(await page.getByRole('button', { name: t.redeliver }).count()).toBe(0);
        await look(page, journey, 'notifications-pending');

        // The webhook to a host that does not exist gives up after its one attempt.
        let dead: { items: { id: string }[] } = { items: [] };
        for (let tries = 0; tries < 60 && dead.items.length === 0; tries++) {
          dead = await read('/v1/notifications?status=dead&limit=100');
          if (dead.items.length === 0) await new Promise((r) => setTimeout(r, 500));
        }
        expect(dead.items.length).toBeGreaterThan(0);
        await page.getByRole('link', { name: t.notificationStatuses.dead }).click();
        await page.waitForURL(/status=dead/);
        // Why it was given up, in the page's words (the resolver's code after it).
        const why = await page.locator('tbody tr td:nth-of-type(4)').allTextContents();
        const worded = [t.notificationErrors.network, t.notificationErrors.timeout];
        for (const text of why) {
          expect(
            worded.some((w) => w && text.startsWith(w)),
            text,
          ).toBe(true);
        }
        await look(page, journey, 'notifications-dead');
        const first = page.locator('tbody tr').first();
        const action = (await first.locator('form').getAttribute('action')) ?? '';
        const rowId = action.split('/')[3] ?? '';
        await first.getByRole('button', { name: t.redeliver }).click();
        await notice(page, t.notices.redelivering ?? '');
        const { items } = await read(`/v1/audit?entityType=notification&entityId=${rowId}`);
        expect(items.map((e: { action: string }) => e.action)).toContain(
          'notification.redelivered',
        );
        await look(page, journey, 'notifications-redelivered');
      });

      it(`${lang}: a viewer reads lists and requests with contacts masked and no controls`, async () => {
        const issued = await api('POST', '/v1/tokens', { body: { role: 'viewer' } });
        expect(issued.status).toBe(201);
        const context = await browser.newContext({
          baseURL: server.url,
          viewport: journey.viewport,
          locale: 'en-US',
        });
        const viewer = await context.newPage();
        await viewer.goto(`/staff?lang=${lang}`);
        await signIn(viewer, t, issued.body.token);
        await viewer.getByRole('heading', { name: t.queueTitle }).waitFor();

        // Only the sign-out posts; nothing links to a page that changes something.
        const noControls = async (where: string) => {
          const posts = await viewer
            .locator('form[method="post"]')
            .evaluateAll((forms) => forms.map((f) => f.getAttribute('action')));
          expect(posts, where).toEqual(['/staff/sign-out']);
          const changing = await viewer
            .locator('a[href]')
            .evaluateAll((as) =>
              as
                .map((a) => a.getAttribute('href') ?? '')
                .filter((h) =>
                  /\/(new|edit|withdraw|access-token|reschedule|report|cancel|no-show|deactivate|reactivate)(\?|$)/.test(
                    h,
                  ),
                ),
            );
          expect(changing, where).toEqual([]);
        };
        await noControls('queue');
        await look(viewer, journey, 'viewer-queue');

        const contact = (await read(`/v1/requests/${requestId}`)).contact;
        await viewer.goto(`/staff/requests/${requestId}`);
        await viewer.getByRole('heading', { name: journey.company, level: 1 }).waitFor();
        const text = (await viewer.locator('main').textContent()) ?? '';
        expect(text).toContain('***');
        expect(text).not.toContain(contact.email);
        expect(text).not.toContain(contact.name);
        await noControls('request');
        await look(viewer, journey, 'viewer-request');

        await viewer.goto('/staff/experts');
        await noControls('experts');
        await viewer.goto(`/staff/experts/${seeded.expertId}`);
        await viewer.getByRole('heading', { name: JOURNEY_EXPERT, level: 1 }).waitFor();
        await noControls('expert');
        await look(viewer, journey, 'viewer-expert');

        await viewer.getByRole('button', { name: t.signOut }).click();
        await viewer.getByRole('heading', { name: t.signInTitle }).waitFor();
        await context.close();
        await page.context().close();
      });
    }
  },
);
