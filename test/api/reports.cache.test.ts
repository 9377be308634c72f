// The fiscal-year reports are kept until what they show changes (issue 19): every change to a
// year's sessions, and to what every year shows (request snapshots, experts, their hours,
// companies' numbers), is seen by the next read, and a change to another year is not.
import { and, eq, gte, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  companies,
  experts,
  reportCache,
  requests,
  sessions,
  weeklyHours,
} from '../../src/db/schema.ts';
import type { Database } from '../../src/db/types.ts';
import { fiscalYearRange } from '../../src/domain/time.ts';
import { companyVisits, utilisationReport } from '../../src/routes/reports/queries.ts';
import { freshDatabase } from '../support/database.ts';
import { FRESH_DATABASE_MS } from '../support/matching.ts';
import { seedOracle } from '../support/oracle/seed.ts';

const NOW = new Date('2026-11-10T00:00:00Z');
const FY = 2026;

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
  await seedOracle(database.db, 7, NOW.getTime(), 30);
}, FRESH_DATABASE_MS);
afterAll(() => database.close());

const inYear = (fy: number) => {
  const { start, end } = fiscalYearRange(fy);
  return and(gte(sessions.start, start), lt(sessions.start, end));
};
const cachedChanges = async (fy: number) =>
  (
    await database.db
      .select({ changes: reportCache.changes })
      .from(reportCache)
      .where(eq(reportCache.fiscalYear, fy))
  ).map((r) => r.changes);

describe('cached fiscal-year reports', () => {
  it('are served again while nothing changes', async () => {
    const first = await utilisationReport(database.db, FY);
    expect(first.visits).toBeGreaterThan(0);
    expect(await cachedChanges(FY)).toHaveLength(1);
    expect(await utilisationReport(database.db, FY)).toEqual(first);
  });

  it('see a late visit report in the year at once', async () => {
    const before = await utilisationReport(database.db, FY);
    const [open] = await database.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.status, 'confirmed'), inYear(FY)))
      .limit(1);
    if (!open) throw new Error('no confirmed session in the year');
    await database.db.update(sessions).set({ status: 'completed' }).where(eq(sessions.id, open.id));
    const after = await utilisationReport(database.db, FY);
    expect(after.visits).toBe(before.visits + 1);
    expect(after.scheduled).toBe(before.scheduled - 1);
  });

  it('are not recomputed for a change in another year', async () => {
    await utilisationReport(database.db, FY);
    const kept = await cachedChanges(FY);
    const [other] = await database.db
      .select()
      .from(sessions)
      .where(inYear(FY + 1))
      .limit(1);
    if (!other) throw new Error('no session in the next year');
    await database.db
      .update(sessions)
      .set({ status: 'cancelled' })
      .where(eq(sessions.id, other.id));
    await utilisationReport(database.db, FY);
    expect(await cachedChanges(FY)).toEqual(kept);
  });

  it('see an expert renamed, and their hours changed', async () => {
    const before = await utilisationReport(database.db, FY);
    const busiest = before.byExpert[0];
    if (!busiest) throw new Error('no expert');
    await database.db
      .update(experts)
      .set({ name: '改名 済' })
      .where(eq(experts.id, busiest.expertId));
    await database.db.delete(weeklyHours).where(eq(weeklyHours.expertId, busiest.expertId));
    const after = await utilisationReport(database.db, FY);
    const row = after.byExpert.find((e) => e.expertId === busiest.expertId);
    expect(row?.name).toBe('改名 済');
    expect(row?.availableHours).toBe(0);
  });

  it('see an application’s company as it declared itself, changed', async () => {
    const [visit] = await database.db
      .select({ requestId: sessions.requestId, companyId: sessions.companyId })
      .from(sessions)
      .where(and(eq(sessions.status, 'completed'), inYear(FY)))
      .limit(1);
    if (!visit) throw new Error('no visit');
    const before = await utilisationReport(database.db, FY);
    const listed = await companyVisits(database.db, FY);
    await database.db
      .update(requests)
      .set({ industryCode: 'A' })
      .where(eq(requests.id, visit.requestId));
    await database.db
      .update(companies)
      .set({ corporateNumber: '7000012050002' })
      .where(eq(companies.id, visit.companyId));
    const after = await utilisationReport(database.db, FY);
    const byCode = (r: typeof before) =>
      Object.fromEntries(r.byIndustry.map((i) => [i.code, i.visits]));
    expect(byCode(after).A).toBe((byCode(before).A ?? 0) + 1);
    const relisted = await companyVisits(database.db, FY);
    expect(relisted.map((c) => c.corporateNumber)).toContain('7000012050002');
    expect(listed.map((c) => c.corporateNumber)).not.toContain('7000012050002');
  });
});
