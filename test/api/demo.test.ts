import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoRefusedError, type DemoSummary, seedDemo } from '../../src/demo/seed.ts';
import { isValidCorporateNumber } from '../../src/domain/corporate-number.ts';
import { fiscalYearOf } from '../../src/domain/time.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { invariantBreaches, noBreaches } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { rowsOf } from '../support/sql.ts';

// The demo programme is seeded through the API on a fresh database (~30 s on PGlite), then
// read back through the reports: FY2021 must come to 延べ82回 whichever way it is cut.

const SEEDING_MS = 240_000;

let api: TestApi;
let summary: DemoSummary;
beforeAll(async () => {
  api = await testApi();
  summary = await seedDemo({ db: api.db, config: api.config }, { now: api.now() });
}, SEEDING_MS);
afterAll(() => api.close());

const sum = (rows: { visits: number }[]) => rows.reduce((total, r) => total + r.visits, 0);

describe('the demo programme', () => {
  it('makes FY2021 延べ82回 in total, by month, industry, prefecture, format and expert', async () => {
    expect(summary.history).toEqual({ fiscalYear: 2021, visits: 82 });
    const res = await api.call('GET', '/v1/reports/utilisation?fiscalYear=2021');
    expect(res.status, res.text).toBe(200);
    const report = res.body;
    expect(report).toMatchObject({ fiscalYear: 2021, label: '令和3年度', visits: 82 });
    expect(sum(report.byMonth)).toBe(82);
    expect(sum(report.byIndustry)).toBe(82);
    expect(sum(report.byPrefecture)).toBe(82);
    expect(sum(report.byFormat)).toBe(82);
    expect(sum(report.byExpert)).toBe(82);
    // A programme's year: visits in every month, spread over the country and the trades.
    expect(report.byMonth.every((m: { visits: number }) => m.visits > 0)).toBe(true);
    expect(
      report.byPrefecture.filter((p: { visits: number }) => p.visits > 0).length,
    ).toBeGreaterThan(10);
    expect(
      report.byIndustry.filter((i: { visits: number }) => i.visits > 0).length,
    ).toBeGreaterThan(2);
    expect(report.cancelled).toBeGreaterThan(0);
    expect(report.noShows).toBeGreaterThan(0);
    expect(report.uniqueCompanies).toBeLessThan(82);
    expect(report.smeShare).toBeGreaterThan(0.5);
    expect(report.smeShare).toBeLessThan(1);

    const usage = await api.call('GET', '/v1/reports/usage?from=2021&to=2021');
    expect(usage.body.years).toEqual([{ fiscalYear: 2021, label: '令和3年度', visits: 82 }]);
  });

  it('has work in the current fiscal year: visits done, visits booked, applications waiting', async () => {
    const fy = fiscalYearOf(api.now());
    const report = (await api.call('GET', `/v1/reports/utilisation?fiscalYear=${fy}`)).body;
    expect(report.visits).toBeGreaterThan(0);
    expect(report.scheduled).toBeGreaterThan(0);
    const waiting = await api.call('GET', '/v1/requests?status=received');
    expect(waiting.body.items.length).toBeGreaterThan(0);
    const [upcoming] = await rowsOf<{ n: number }>(
      api.db,
      sql`select count(*)::int as n from sessions
          where status = 'confirmed' and start_at > ${api.now().toISOString()}::timestamptz`,
    );
    expect(Number(upcoming?.n)).toBeGreaterThan(0);
  });

  it('has about 25 experts across trades, certification scopes and regions', async () => {
    const experts = await rowsOf<{
      industries: string[];
      tags: string[];
      prefectures: string[];
      online: boolean;
      active: boolean;
    }>(api.db, sql`select industries, tags, prefectures, online, active from experts`);
    expect(experts.length).toBeGreaterThanOrEqual(20);
    expect(experts.length).toBeLessThanOrEqual(30);
    const tags = new Set(experts.flatMap((e) => e.tags));
    for (const tag of ['all-industries', 'manufacturing', 'die-mould', 'aerospace-defence']) {
      expect(tags).toContain(tag);
    }
    const industries = new Set(experts.flatMap((e) => e.industries));
    expect([...industries].filter((c) => c.startsWith('E')).length).toBeGreaterThan(10);
    expect([...industries].filter((c) => !c.startsWith('E')).length).toBeGreaterThan(3);
    expect(new Set(experts.flatMap((e) => e.prefectures)).size).toBeGreaterThan(30);
    expect(experts.some((e) => !e.online)).toBe(true);
    expect(experts.some((e) => !e.active)).toBe(true);
  });

  it('gives companies valid 法人番号 and Japanese company names', async () => {
    const companies = await rowsOf<{ name: string; corporate_number: string | null }>(
      api.db,
      sql`select name, corporate_number from companies`,
    );
    expect(companies.length).toBeGreaterThan(60);
    const incorporated = companies.filter((c) => c.corporate_number !== null);
    expect(incorporated.length).toBeGreaterThan(companies.length - 5);
    for (const c of incorporated) {
      expect(
        isValidCorporateNumber(c.corporate_number as string),
        c.corporate_number as string,
      ).toBe(true);
      expect(c.name).toMatch(/株式会社|有限会社/);
    }
  });

  it('went through the booking rules: notice, quotas, caps and no overlaps', async () => {
    expect(await invariantBreaches(api.db, api.config.visitsPerCompanyPerFy)).toEqual(noBreaches);
    // Each visit was booked at least MIN_NOTICE_HOURS ahead, on the clock of its time.
    const [early] = await rowsOf<{ n: number }>(
      api.db,
      sql`select count(*)::int as n from sessions
          where created_at > start_at - make_interval(hours => ${api.config.minNoticeHours})`,
    );
    expect(Number(early?.n)).toBe(0);
    // Reports were filed after the visit began, and every booking left its audit event.
    const [unreported] = await rowsOf<{ n: number }>(
      api.db,
      sql`select count(*)::int as n from sessions
          where status = 'completed' and (report is null or updated_at < start_at)`,
    );
    expect(Number(unreported?.n)).toBe(0);
    const [audited] = await rowsOf<{ sessions: number; booked: number }>(
      api.db,
      sql`select (select count(*)::int from sessions) as sessions,
                 (select count(*)::int from audit_events where action = 'session.booked') as booked`,
    );
    expect(Number(audited?.booked)).toBe(Number(audited?.sessions));
  });

  it('gives FY2021 believable outcomes: most visits surveyed, readiness rising, certificates in FY2022', async () => {
    const res = await api.call('GET', '/v1/reports/outcomes?fiscalYear=2021');
    expect(res.status, res.text).toBe(200);
    const { visits, companiesServed, surveys, readiness, certification } = res.body;
    expect(visits).toBe(82);
    // Not every survey was answered; most companies were satisfied.
    expect(surveys.responses).toBeLessThan(82);
    expect(surveys.responseRate).toBeGreaterThan(0.6);
    expect(surveys.satisfiedShare).toBeGreaterThan(0.6);
    expect(surveys.resolved.no).toBeGreaterThan(0);
    // Readiness before and after for most companies; most of those compared rose.
    expect(readiness.before.answered).toBeGreaterThan(companiesServed / 2);
    expect(readiness.after.answered).toBeGreaterThan(companiesServed / 2);
    expect(readiness.rose).toBeGreaterThan(readiness.compared / 2);
    expect(readiness.rose).toBeLessThanOrEqual(readiness.compared);
    for (const step of Object.keys(readiness.before.mean)) {
      expect(readiness.after.mean[step], step).toBeGreaterThan(readiness.before.mean[step]);
    }
    expect(certification.certifiedAfterVisit).toBe(6);
    expect(certification.medianDaysToCertification).toBeGreaterThan(100);
    const certified = await rowsOf<{ date: string; status: string }>(
      api.db,
      sql`select date::text as date, status from certifications`,
    );
    const issued = certified.filter((c) => c.status === 'certified');
    expect(issued).toHaveLength(6);
    for (const c of issued) expect(c.date >= '2022-04-01' && c.date <= '2023-03-31').toBe(true);
    // Every answer was given through the API, on the clock of its time.
    const [late] = await rowsOf<{ n: number }>(
      api.db,
      sql`select count(*)::int as n from surveys v join sessions s on s.id = v.session_id
          where v.first_submitted_at < s.end_at or v.first_submitted_at > ${api.now().toISOString()}::timestamptz`,
    );
    expect(Number(late?.n)).toBe(0);
  });

  it('refuses to seed a database that already has data', async () => {
    await expect(seedDemo({ db: api.db, config: api.config }, { now: api.now() })).rejects.toThrow(
      DemoRefusedError,
    );
    const other = await testApi();
    try {
      await createExpert(other);
      await expect(
        seedDemo({ db: other.db, config: other.config }, { now: other.now() }),
      ).rejects.toThrow(/already has experts or requests/);
    } finally {
      await other.close();
    }
  }, 60_000);
});

describe('the demo programme’s money', () => {
  it('pays FY2021 month by month: 82 confirmed visits, claims decided, every month exported', async () => {
    let confirmed = 0;
    for (const month of [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]) {
      const res = await api.call('GET', `/v1/reports/payments?fiscalYear=2021&month=${month}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.exports.length, `month ${month}`).toBeGreaterThan(0);
      expect(res.body.totals.dueNetYen).toBe(0);
      expect(res.body.waiting).toEqual({
        awaitingConfirmation: 0,
        disputed: 0,
        undecidedClaims: 0,
      });
      confirmed += res.body.totals.confirmedVisits;
    }
    expect(confirmed).toBe(82);
    const budget = (await api.call('GET', '/v1/budget/2021')).body;
    expect(budget).toMatchObject({ committedYen: 0, approvedYen: 0 });
    expect(budget.paidYen).toBeGreaterThan(0);
    expect(budget.remainingYen).toBeGreaterThan(0);
    expect((await api.call('GET', '/v1/fees/2021')).body.frozen).toBe(true);
    const adjusted = await api.call('GET', '/v1/travel-claims?status=adjusted&limit=100');
    expect(adjusted.body.items.length).toBeGreaterThan(0);
    expect(adjusted.body.items[0].decisionReason).toMatch(/精算/);
  });
});
