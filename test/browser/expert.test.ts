import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.ts';
import { corporateNumberCheckDigit } from '../../src/domain/corporate-number.ts';
import { addDays, DAY_MS, HOUR_MS, tokyoDate } from '../../src/domain/time.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { ja } from '../../src/ui/i18n/ja.ts';
import type { Strings } from '../../src/ui/i18n/strings.ts';
import { STAFF_TOKEN } from '../support/api.ts';
import { startFeedServer } from '../support/feed-server.ts';
import { application, expert } from '../support/fixtures.ts';
import { smtpSink } from '../support/notify.ts';
import { httpCall, type ServerProcess } from '../support/server.ts';
import { expectAxeClean } from './support/axe.ts';
import { DESKTOP, launchChromium, PHONE, screenshot } from './support/chromium.ts';
import { seedingApp } from './support/seeding-app.ts';
import { engines, pageServer } from './support/server.ts';

// An expert's whole way through their pages in headless Chromium, against a real server process
// on the embedded database and on Postgres: the office invites them from their staff page, the
// invitation email (caught by an SMTP server on loopback) carries a one-time link, and with it
// they set their hours, subscribe to and replace their calendar feed, import a calendar of
// their own (served on loopback, so the server allows private addresses), report one visit
// that took place, record a no-show on another, and sign out. It is walked twice: in Japanese
// at desktop width and in English at 375 px, each by an expert of their own; axe checks every
// page and state on the way. What each step stored is read back through the API.

type Journey = {
  lang: 'ja' | 'en';
  t: Strings;
  viewport: { width: number; height: number };
  name: string;
  email: string;
  company: string;
  notes: string;
  /** The first digit of this journey's corporate numbers: each application its own company. */
  series: string;
};

const JOURNEYS: Journey[] = [
  {
    lang: 'ja',
    t: ja,
    viewport: DESKTOP,
    name: '佐藤 花子',
    email: 'sato@example.jp',
    company: '株式会社テスト金属',
    notes: '駐車場は工場の裏にあります。',
    series: '1',
  },
  {
    lang: 'en',
    t: en,
    viewport: PHONE,
    name: 'Ichiro Suzuki',
    email: 'suzuki@example.jp',
    company: 'Browser Metals KK',
    notes: 'Parking is behind the plant.',
    series: '2',
  },
];

type Seeded = { expertId: string; past: string[]; upcoming: string };

const corporateNumber = (series: string, n: number) => {
  const body = `${series}${String(n).padStart(11, '0')}`;
  return `${corporateNumberCheckDigit(body)}${body}`;
};

/**
 * The journey's expert, free every day 9–17, with two visits booked on a clock twelve days
 * back (so they lie in the past of the server's real clock) and one coming visit.
 */
async function seedExpert(database: Database, journey: Journey): Promise<Seeded> {
  const { call, clock } = seedingApp(database, {}, Date.now() - 12 * DAY_MS);
  const created = await call(
    'POST',
    '/v1/experts',
    expert({ name: journey.name, email: journey.email, prefectures: ['23'] }),
  );
  const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
  await call('PUT', `/v1/experts/${created.id}/availability`, { weekly: week, overrides: [] });
  const book = async (n: number) => {
    const body = application(
      { now: clock.date },
      {
        company: {
          ...application({ now: clock.date }).company,
          name: journey.company,
          corporateNumber: corporateNumber(journey.series, n),
        },
        contact: { name: 'Taro Yamada', email: `contact${n}@example.jp`, phone: '052-123-4567' },
        notes: journey.notes,
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
    const slot = (slots as { start: string; expert: { id: string } }[]).find(
      (s) => s.expert.id === created.id,
    );
    if (!slot) throw new Error(`no slot with ${journey.name}`);
    const session = await call(
      'POST',
      `/v1/requests/${applied.request.id}/sessions`,
      { expertId: created.id, start: slot.start },
      applied.accessToken,
    );
    return session.id as string;
  };
  const past = [await book(1), await book(2)];
  clock.now = Date.now();
  const upcoming = await book(3);
  return { expertId: created.id, past, upcoming };
}

/** A small calendar of the expert's own: two busy afternoons next week. */
function busyCalendar(): string {
  const event = (uid: string, day: number) => {
    const date = addDays(tokyoDate(Date.now()), day).replaceAll('-', '');
    return [
      'BEGIN:VEVENT',
      `UID:${uid}@example.test`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART;TZID=Asia/Tokyo:${date}T130000`,
      `DTEND;TZID=Asia/Tokyo:${date}T150000`,
      'SUMMARY:Busy',
      'END:VEVENT',
    ];
  };
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//haken tests//EN',
    ...event('busy-1', 8),
    ...event('busy-2', 9),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

const SIGN_IN_LINK = /\/expert\/sign-in\/\S+/;
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/;

describe.each(engines)(
  'the expert workspace in the browser, on %s',
  { timeout: 180_000 },
  (engine) => {
    let server: ServerProcess;
    let browser: Browser;
    let mail: Awaited<ReturnType<typeof smtpSink>>;
    let feeds: Awaited<ReturnType<typeof startFeedServer>>;
    const seeded = new Map<string, Seeded>();

    beforeAll(async () => {
      mail = await smtpSink();
      feeds = await startFeedServer();
      feeds.set('/busy.ics', { kind: 'feed', body: busyCalendar() });
      feeds.set('/gone.ics', { kind: 'status', status: 404 });
      server = await pageServer({
        demo: false,
        engine,
        env: {
          SMTP_URL: mail.url,
          NOTIFY_INTERVAL_SECONDS: '1',
          // The imported calendar is served on 127.0.0.1.
          FEED_ALLOW_PRIVATE: 'true',
        },
        seed: async (database) => {
          for (const journey of JOURNEYS) {
            seeded.set(journey.lang, await seedExpert(database, journey));
          }
        },
      });
      browser = await launchChromium();
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await feeds?.close();
      await mail?.close();
    });

    /**
     * The messages to `address` after the first `seen`, once there are any; with `matching`,
     * only those whose text matches (other mail may arrive meanwhile: the no-show's).
     */
    async function mailTo(address: string, seen: number, matching?: RegExp) {
      for (let waited = 0; waited < 20_000; waited += 200) {
        const got = mail
          .to(address)
          .slice(seen)
          .filter((m) => !matching || matching.test(m.mail.text ?? ''));
        if (got.length > 0) return got;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`no new email to ${address}`);
    }

    describe.each(JOURNEYS)('in $lang at $viewport.width px', (journey) => {
      const { t, lang } = journey;
      const call = () => httpCall(server.url);
      let me: Seeded;
      let staff: BrowserContext;
      let context: BrowserContext;
      let page: Page;
      let signInLink: string;
      let expertToken: string;

      /** axe on the page as it stands, a screenshot of it (embedded run), and the words checked. */
      async function check(name: string) {
        await expectAxeClean(page, `${lang} ${name}`);
        // Nothing wider than the window: at 375 px the page does not scroll sideways.
        const width = await page.evaluate<number>('document.documentElement.scrollWidth');
        expect(width, `the width of ${name}`).toBeLessThanOrEqual(journey.viewport.width);
        const main = (await page.locator('main').textContent()) ?? '';
        // The English journey's data is in Latin letters: any Japanese left is an untranslated word.
        if (lang === 'en') expect(main, `Japanese on the English ${name}`).not.toMatch(JAPANESE);
        if (engine === 'pglite') {
          await screenshot(page, `expert-${lang}-${name}`);
          await page.setViewportSize(journey.viewport);
        }
      }

      /** The one-time notice `key` of t.notices on the page. */
      const notice = (key: string) =>
        page.locator('.notice, [role="status"]').getByText(t.notices[key] ?? `no notice ${key}`);

      beforeAll(async () => {
        me = seeded.get(lang) as Seeded;
        const options = { baseURL: server.url, locale: 'en-US', viewport: journey.viewport };
        staff = await browser.newContext(options);
        staff.setDefaultTimeout(10_000);
        context = await browser.newContext(options);
        context.setDefaultTimeout(10_000);
        page = await context.newPage();
        // English is asked for once, and remembered.
        if (lang === 'en') await page.goto('/expert/sign-in?lang=en');
        const issued = await call()('POST', '/v1/tokens', {
          body: { role: 'expert', expertId: me.expertId, label: 'test: read back' },
        });
        expect(issued.status, issued.text).toBe(201);
        expertToken = (issued.body as { token: string }).token;
      });

      afterAll(async () => {
        await staff?.close();
        await context?.close();
      });

      it('is invited by the office from the expert’s staff page, by email', async () => {
        const office = await staff.newPage();
        await office.goto(`/staff?lang=${lang}`);
        await office.getByLabel(t.staffToken).fill(STAFF_TOKEN);
        await office.getByRole('button', { name: t.signIn, exact: true }).click();
        await office.waitForURL(/\/staff(\?|$)/);
        await office.goto(`/staff/experts/${me.expertId}`);
        await office.getByRole('heading', { name: t.inviteTitle }).waitFor();
        const before = mail.to(journey.email).length;
        await office.getByRole('button', { name: t.inviteButton }).click();
        await office.getByText(t.notices.invited ?? 'invited').waitFor();
        await expectAxeClean(office, `${lang} staff expert page, invited`);

        const [invitation] = await mailTo(journey.email, before, SIGN_IN_LINK);
        const text = invitation?.mail.text ?? '';
        // Said in Japanese and in English: the one link, twice.
        const links = [...new Set(text.match(/https?:\/\/\S+\/expert\/sign-in\/\S+/g))];
        expect(links).toHaveLength(1);
        const link = new URL(links[0] ?? '');
        expect(link.origin).toBe(`http://localhost:${server.port}`);
        signInLink = link.pathname;

        const audit = await call()(
          'GET',
          `/v1/audit?entityType=expert&entityId=${me.expertId}&limit=20`,
        );
        const actions = (audit.body as { items: { action: string }[] }).items.map((e) => e.action);
        expect(actions).toContain('expert.invited');
        await office.close();
      });

      it('signs in with the link once; the second use fails plainly', async () => {
        await page.goto(signInLink);
        await page.getByRole('heading', { name: t.linkSignInTitle }).waitFor();
        await check('link-sign-in');
        await page.getByRole('button', { name: t.linkSignInButton }).click();
        await page.getByRole('heading', { name: t.visitsTitle }).waitFor();
        expect(new URL(page.url()).pathname).toBe('/expert');
        const cookie = (await context.cookies()).find((c) => c.name === 'haken_expert');
        expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/expert' });

        const other = await browser.newContext({
          baseURL: server.url,
          viewport: journey.viewport,
        });
        const again = await other.newPage();
        await again.goto(`${signInLink}?lang=${lang}`);
        const [answer] = await Promise.all([
          again.waitForResponse((r) => r.request().method() === 'POST'),
          again.getByRole('button', { name: t.linkSignInButton }).click(),
        ]);
        expect(answer.status()).toBe(404);
        await again.getByRole('heading', { name: t.linkUsedTitle }).waitFor();
        expect(await again.getByText(t.linkUsedLead).count()).toBe(1);
        await again.getByRole('link', { name: t.linkUsedExpert }).waitFor();
        await expectAxeClean(again, `${lang} link used`);
        expect((await other.cookies()).some((c) => c.name === 'haken_expert')).toBe(false);
        await other.close();
      });

      it('sees the coming visit with company, place, topics and notes, and the past ones', async () => {
        const upcoming = page.locator('section[aria-labelledby="upcoming-title"] article');
        expect(await upcoming.count()).toBe(1);
        const card = (await upcoming.first().textContent()) ?? '';
        expect(card).toContain(journey.company);
        expect(card).toContain(lang === 'ja' ? '愛知県' : 'Aichi');
        expect(card).toContain(
          lang === 'ja' ? '守る情報の決定' : 'Decide which information to protect',
        );
        expect(card).toContain(journey.notes);
        expect(await upcoming.getByRole('link', { name: t.fileReport }).count()).toBe(0);

        const past = page.locator('section[aria-labelledby="past-title"] article');
        expect(await past.count()).toBe(2);
        for (const id of me.past) {
          expect(await page.locator(`a[href="/expert/visits/${id}/report"]`).count()).toBe(1);
          expect(await page.locator(`a[href="/expert/visits/${id}/no-show"]`).count()).toBe(1);
        }
        // The coming visit as a calendar file, to import by hand.
        const ics = await page.request.get(`/expert/visits/${me.upcoming}/calendar.ics`);
        expect(ics.status()).toBe(200);
        expect(ics.headers()['content-type']).toMatch(/^text\/calendar/);
        expect(await ics.text()).toContain('BEGIN:VEVENT');
        await check('visits');
      });

      it('sets weekly hours and date overrides with the plain form, every error at once', async () => {
        await page.getByRole('link', { name: t.navAvailability }).click();
        await page.getByRole('heading', { name: t.navAvailability, level: 1 }).waitFor();
        await check('availability');

        const field = (name: string) => page.locator(`[id="${name}"]`);
        const closedDay = addDays(tokyoDate(Date.now()), 20);
        const shortDay = addDays(tokyoDate(Date.now()), 21);
        // Monday 10–12 and 13–16; Tuesday ends before it starts; Sunday off.
        await field('w.1.0.start').fill('10:00');
        await field('w.1.0.end').fill('12:00');
        await field('w.1.1.start').fill('13:00');
        await field('w.1.1.end').fill('16:00');
        await field('w.2.0.start').fill('15:00');
        await field('w.2.0.end').fill('11:00');
        await field('w.7.0.start').fill('');
        await field('w.7.0.end').fill('');
        await field('o.0.date').fill(closedDay);
        await field('o.0.kind').selectOption('closed');
        await field('o.1.date').fill(shortDay);
        await field('o.1.kind').selectOption('hours');
        await field('o.1.start').fill('13:00');
        await field('o.1.end').fill('12:00');
        await page.getByRole('button', { name: t.saveAvailability }).click();
        await page.locator('.alert[role="alert"]').first().waitFor();
        // Both mistakes at once, each by its field, the page title saying so.
        expect(await page.locator('[aria-invalid="true"]').count()).toBe(2);
        expect(await field('w.2.0.end').getAttribute('aria-invalid')).toBe('true');
        expect(await page.evaluate('document.activeElement.closest(".alert") !== null')).toBe(true);
        expect(await field('o.1.end').getAttribute('aria-invalid')).toBe('true');
        expect(await page.title()).toMatch(new RegExp(`^${t.errorTitlePrefix}`));
        // The summary says which of the alike fields each error is about.
        const summary = (await page.locator('.alert[role="alert"]').first().textContent()) ?? '';
        expect(summary).toContain(`${t.weekdays[1]} ${t.rangeN(1)} ${t.to}`);
        expect(summary).toContain(`${shortDay} ${t.to}`);
        await check('availability-errors');

        await field('w.2.0.start').fill('09:00');
        await field('w.2.0.end').fill('17:00');
        await field('o.1.end').fill('15:00');
        await page.getByRole('button', { name: t.saveAvailability }).click();
        await notice('availabilitySaved').waitFor();
        await check('availability-saved');

        const stored = await call()('GET', `/v1/experts/${me.expertId}`);
        const { availability } = stored.body as {
          availability: {
            weekly: { weekday: number; start: string; end: string }[];
            overrides: { date: string; available: boolean; start?: string; end?: string }[];
          };
        };
        expect(availability.weekly.filter((w) => w.weekday === 1)).toEqual([
          { weekday: 1, start: '10:00', end: '12:00' },
          { weekday: 1, start: '13:00', end: '16:00' },
        ]);
        expect(availability.weekly.some((w) => w.weekday === 7)).toBe(false);
        expect(availability.overrides).toEqual([
          expect.objectContaining({ date: closedDay, available: false }),
          expect.objectContaining({
            date: shortDay,
            available: true,
            start: '13:00',
            end: '15:00',
          }),
        ]);
      });

      it('subscribes to the feed with instructions, and replaces its URL', async () => {
        await page.getByRole('link', { name: t.navCalendars }).click();
        await page.getByRole('heading', { name: t.navCalendars, level: 1 }).waitFor();
        const howTo =
          (await page.locator('section[aria-labelledby="feed-title"]').textContent()) ?? '';
        for (const app of ['Google', 'Outlook', 'Apple']) expect(howTo).toContain(app);
        const oldUrl = (await page.locator('#feed-url').textContent()) ?? '';
        const feedApi = await call()('GET', '/v1/me/feed', { token: expertToken });
        expect((feedApi.body as { url: string }).url).toBe(oldUrl);
        const fetchFeed = (url: string) => fetch(`${server.url}${new URL(url).pathname}`);
        const served = await fetchFeed(oldUrl);
        expect(served.status).toBe(200);
        expect(served.headers.get('content-type')).toMatch(/^text\/calendar/);
        expect(await served.text()).toContain('BEGIN:VEVENT');
        await check('calendars');

        await page.getByRole('link', { name: t.feedRotate }).click();
        await page.getByText(t.feedRotateLead).waitFor();
        await check('feed-rotate-confirm');
        await page.getByRole('button', { name: t.feedRotate }).click();
        await notice('feedRotated').waitFor();
        const newUrl = (await page.locator('#feed-url').textContent()) ?? '';
        expect(newUrl).not.toBe(oldUrl);
        expect((await fetchFeed(oldUrl)).status).toBe(404);
        const fresh = await fetchFeed(newUrl);
        expect(fresh.status).toBe(200);
        expect(fresh.headers.get('content-type')).toMatch(/^text\/calendar/);
        const feedNow = await call()('GET', '/v1/me/feed', { token: expertToken });
        expect((feedNow.body as { url: string }).url).toBe(newUrl);
        await check('feed-rotated');
      });

      it('imports a calendar: adds it, sees its sync, syncs it now, and removes it', async () => {
        const urlField = page.getByLabel(t.calendarUrl);
        await urlField.fill('not a calendar address');
        await page.getByRole('button', { name: t.addCalendar }).click();
        await page.locator('[aria-invalid="true"]').waitFor();
        await check('calendars-invalid-url');

        await urlField.fill(feeds.url('/busy.ics'));
        await page.getByRole('button', { name: t.addCalendar }).click();
        await notice('calendarAdded').waitFor();
        await urlField.fill(feeds.url('/gone.ics'));
        await page.getByRole('button', { name: t.addCalendar }).click();
        await notice('calendarAddedNotSynced').waitFor();

        const rows = page.locator('section[aria-labelledby="imported-title"] article');
        expect(await rows.count()).toBe(2);
        const busy = rows.filter({ hasText: '/busy.ics' });
        const gone = rows.filter({ hasText: '/gone.ics' });
        expect(await busy.locator('.event-count').textContent()).toBe('2');
        expect(await busy.locator('dd').first().textContent()).not.toBe(t.never);
        // The failed sync is said in the page language, the server's words kept as detail.
        expect(await gone.textContent()).toContain(t.syncFailed);
        // Every control of a calendar is in view at the journey's width: nothing to scroll to.
        for (const control of [
          busy.getByRole('button', { name: t.syncNow }),
          busy.getByRole('link', { name: t.removeCalendar }),
        ]) {
          const box = await control.boundingBox();
          expect((box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(
            journey.viewport.width,
          );
        }
        await check('calendars-imported');

        const hits = feeds.hitsOn('/busy.ics').length;
        await busy.getByRole('button', { name: t.syncNow }).click();
        await notice('calendarSynced').waitFor();
        expect(feeds.hitsOn('/busy.ics').length).toBe(hits + 1);
        const listed = await call()('GET', '/v1/me/calendar-feeds', { token: expertToken });
        const items = (
          listed.body as {
            items: {
              url: string;
              eventCount: number;
              lastError: string | null;
              lastSuccessAt: string;
            }[];
          }
        ).items;
        const stored = items.find((f) => f.url.endsWith('/busy.ics'));
        expect(stored).toMatchObject({ eventCount: 2, lastError: null });
        expect(Date.parse(stored?.lastSuccessAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
        expect(items.find((f) => f.url.endsWith('/gone.ics'))?.lastError).toMatch(/404/);

        // Syncing the one that fails says so, rather than "Synced".
        await gone.getByRole('button', { name: t.syncNow }).click();
        await page.locator('.alert[role="alert"]').getByText(t.syncFailed).waitFor();
        expect(await notice('calendarSynced').count()).toBe(0);
        await check('calendar-sync-failed');

        for (const path of ['/busy.ics', '/gone.ics']) {
          await rows
            .filter({ hasText: path })
            .getByRole('link', { name: t.removeCalendar })
            .click();
          await page.getByText(t.removeCalendarLead).waitFor();
          if (path === '/busy.ics') await check('calendar-remove-confirm');
          await page.getByRole('button', { name: t.removeCalendar }).click();
          await notice('calendarRemoved').waitFor();
        }
        await page.getByText(t.noCalendars).waitFor();
        const after = await call()('GET', '/v1/me/calendar-feeds', { token: expertToken });
        expect((after.body as { items: unknown[] }).items).toEqual([]);
      });

      it('files the report of a visit that took place, with its actual times', async () => {
        const [reported] = me.past as [string, string];
        const booked = (await call()('GET', `/v1/sessions/${reported}`)).body as {
          start: string;
          end: string;
        };
        await page.getByRole('link', { name: t.navVisits, exact: true }).click();
        await page.locator(`a[href="/expert/visits/${reported}/report"]`).click();
        await page.getByRole('heading', { name: t.reportTitle }).waitFor();
        expect(await page.locator('main').textContent()).toContain(journey.company);
        await check('report');

        // Sent without a summary and with an end before the start: both said at once.
        const actualStart = page.locator('[id="actualStart"]');
        const actualEnd = page.locator('[id="actualEnd"]');
        const local = (instant: number) =>
          `${tokyoDate(instant)}T${new Date(instant + 9 * HOUR_MS).toISOString().slice(11, 16)}`;
        expect(await actualStart.inputValue()).toBe(local(Date.parse(booked.start)));
        expect(await actualEnd.inputValue()).toBe(local(Date.parse(booked.end)));
        await actualEnd.fill(local(Date.parse(booked.start) - HOUR_MS));
        await page.getByRole('button', { name: t.submitReport }).click();
        await page.locator('.alert[role="alert"]').first().waitFor();
        expect(await page.locator('[aria-invalid="true"]').count()).toBe(2);
        expect(await page.evaluate('document.activeElement.closest(".alert") !== null')).toBe(true);
        await check('report-errors');

        const began = Date.parse(booked.start) + 15 * 60_000;
        const ended = began + 90 * 60_000;
        await actualStart.fill(local(began));
        await actualEnd.fill(local(ended));
        // Ticked as the company asked (identify, classify, access); access was not covered.
        const topic = (code: string) =>
          page.locator(`input[name="topicsCovered"][value="${code}"]`);
        expect(await topic('access').isChecked()).toBe(true);
        await topic('access').uncheck();
        await page
          .getByLabel(t.summary)
          .fill(
            lang === 'ja'
              ? '守るべき情報を洗い出した。'
              : 'Went through the information to protect.',
          );
        await page.getByLabel(t.yes, { exact: true }).check();
        await page.getByRole('button', { name: t.submitReport }).click();
        await notice('reported').waitFor();
        expect(new URL(page.url()).pathname).toBe('/expert');
        expect(await page.locator(`a[href="/expert/visits/${reported}/report"]`).count()).toBe(0);
        await check('reported');

        const stored = (await call()('GET', `/v1/sessions/${reported}`)).body as {
          status: string;
          actualStart: string;
          actualEnd: string;
          report: { topicsCovered: string[]; summary: string; followUpNeeded: boolean };
        };
        expect(stored.status).toBe('completed');
        expect(Date.parse(stored.actualStart)).toBe(began);
        expect(Date.parse(stored.actualEnd)).toBe(ended);
        expect(stored.report.topicsCovered).toEqual(['identify', 'classify']);
        expect(stored.report.followUpNeeded).toBe(true);
        expect(stored.report.summary).toContain(lang === 'ja' ? '洗い出した' : 'Went through');
      });

      it('records a no-show on another past visit, after a confirmation', async () => {
        const [, missed] = me.past as [string, string];
        await page.locator(`a[href="/expert/visits/${missed}/no-show"]`).click();
        await page.getByRole('heading', { name: t.noShowTitle }).waitFor();
        await check('no-show-confirm');
        await page.getByRole('button', { name: t.noShowButton }).click();
        await notice('noShowRecorded').waitFor();
        expect(await page.locator(`a[href="/expert/visits/${missed}/no-show"]`).count()).toBe(0);
        await check('no-show-recorded');
        const stored = await call()('GET', `/v1/sessions/${missed}`);
        expect((stored.body as { status: string }).status).toBe('no_show');
      });

      it('signs out: the session is gone on the server too', async () => {
        const session = (await context.cookies()).find((c) => c.name === 'haken_expert');
        expect(session).toBeDefined();
        await page.getByRole('button', { name: t.signOut }).click();
        await page.getByRole('heading', { name: t.expertSignInTitle }).waitFor();
        await notice('signedOut').waitFor();
        await check('signed-out');
        // The old cookie, put back, opens nothing.
        if (session) await context.addCookies([session]);
        const answer = await page.goto('/expert');
        expect(new URL(page.url()).pathname).toBe('/expert/sign-in');
        expect(answer?.status()).toBe(200);
      });

      it('asks for a link by email: the same answer for a known and an unknown address', async () => {
        const answers: string[] = [];
        const before = mail.to(journey.email).length;
        for (const address of [journey.email, `nobody-${lang}@example.jp`]) {
          await page.goto('/expert/sign-in');
          await page.getByLabel(t.email).fill(address);
          await page.getByRole('button', { name: t.expertSignInSend }).click();
          await notice('linkSent').waitFor();
          answers.push((await page.locator('main').innerHTML()).replace(address, ''));
        }
        expect(answers[1]).toBe(answers[0]);
        await check('link-sent');
        const links = await mailTo(journey.email, before, SIGN_IN_LINK);
        expect(links).toHaveLength(1);
        expect(mail.to(`nobody-${lang}@example.jp`)).toHaveLength(0);
      });
    });
  },
);
