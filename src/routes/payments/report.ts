import { asc, eq } from 'drizzle-orm';
import { paymentExports } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import type { FeeRates } from '../../domain/fees.ts';
import { fiscalYearLabel, tokyoInstant, tokyoMonthRange } from '../../domain/time.ts';
import { ratesFrozen, ratesOf } from '../fees/queries.ts';
import { cachedReportJson } from '../reports/cache.ts';
import type { PaymentReport } from './schema.ts';
import { type ExpertMonth, settlements } from './statement.ts';

type ExportRow = typeof paymentExports.$inferSelect;

/** The Tokyo month 'YYYY-MM' as an instant range. */
export function monthRange(month: string): { start: Date; end: Date } {
  const { start, end } = tokyoMonthRange(tokyoInstant(`${month}-01`));
  return { start, end };
}

export function presentExport(row: ExportRow): PaymentReport['exports'][number] {
  return {
    id: row.id,
    month: row.month,
    sequence: row.sequence,
    transferDate: row.transferDate,
    transfers: row.transfers,
    totalYen: row.totalYen,
    sha256: row.fileSha256,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function exportsOf(q: Queryable, month: string): Promise<ExportRow[]> {
  return q
    .select()
    .from(paymentExports)
    .where(eq(paymentExports.month, month))
    .orderBy(asc(paymentExports.sequence));
}

function expertRow(m: ExpertMonth, rates: FeeRates): PaymentReport['experts'][number] {
  const { settlement, expert } = m;
  return {
    expertId: expert.id,
    name: expert.name,
    feeExempt: expert.feeExempt,
    hasBankAccount: expert.hasBankAccount,
    confirmedVisits: m.lines.filter((l) => l.fee.status !== 'waiting').length,
    billableHours: (settlement.total.units * rates.unitMinutes) / 60,
    feeYen: settlement.total.feeYen,
    travelYen: settlement.total.travelYen,
    withholdingYen: settlement.total.withholdingYen,
    netYen: settlement.total.netYen,
    paidNetYen: settlement.paid.netYen,
    dueNetYen: settlement.due.netYen,
    visits: m.lines.map(({ visit, fee, travel }) => ({
      sessionId: visit.sessionId,
      requestId: visit.requestId,
      companyName: visit.companyName,
      format: visit.format,
      start: visit.start.toISOString(),
      end: visit.end.toISOString(),
      actualStart: visit.actualStart?.toISOString() ?? null,
      actualEnd: visit.actualEnd?.toISOString() ?? null,
      attendance: visit.attendance,
      attendanceComment: visit.attendanceComment,
      fee,
      travel: travel && visit.claim ? { claimId: visit.claim.id, ...travel } : null,
    })),
  };
}

/**
 * One month's payments, expert by expert: what was paid, what is due, what is waiting, as
 * JSON text. Kept in the report cache until anything it shows changes (migration 0011 notes
 * the money tables' changes): a month at national scale holds some ten thousand visits.
 */
export function paymentReportJson(
  q: Queryable,
  fiscalYear: number,
  month: string,
): Promise<string> {
  return cachedReportJson(q, `payments ${month}`, fiscalYear, (tx) =>
    computePaymentReport(tx, fiscalYear, month),
  );
}

/** The same report, to be worked with. */
export async function paymentReport(
  q: Queryable,
  fiscalYear: number,
  month: string,
): Promise<PaymentReport> {
  return JSON.parse(await paymentReportJson(q, fiscalYear, month)) as PaymentReport;
}

async function computePaymentReport(
  q: Queryable,
  fiscalYear: number,
  month: string,
): Promise<PaymentReport> {
  const rates = await ratesOf(q, fiscalYear);
  const [{ months }, exports, frozen] = await Promise.all([
    settlements(q, monthRange(month), rates),
    exportsOf(q, month),
    ratesFrozen(q, fiscalYear),
  ]);
  const experts = months
    .map((m) => expertRow(m, rates))
    .sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.expertId < b.expertId ? -1 : 1,
    );
  const lines = months.flatMap((m) => m.lines);
  const sum = (of: (e: PaymentReport['experts'][number]) => number) =>
    experts.reduce((total, e) => total + of(e), 0);
  return {
    fiscalYear,
    label: fiscalYearLabel(fiscalYear),
    month,
    ratesFrozen: frozen,
    experts,
    totals: {
      confirmedVisits: sum((e) => e.confirmedVisits),
      billableHours: sum((e) => e.billableHours),
      feeYen: sum((e) => e.feeYen),
      travelYen: sum((e) => e.travelYen),
      withholdingYen: sum((e) => e.withholdingYen),
      netYen: sum((e) => e.netYen),
      paidNetYen: sum((e) => e.paidNetYen),
      dueNetYen: sum((e) => e.dueNetYen),
    },
    waiting: {
      awaitingConfirmation: lines.filter((l) => l.fee.waiting === 'awaiting-confirmation').length,
      disputed: lines.filter((l) => l.fee.waiting === 'disputed').length,
      undecidedClaims: lines.filter((l) => l.visit.claim?.status === 'submitted').length,
    },
    exports: exports.map(presentExport),
  };
}
