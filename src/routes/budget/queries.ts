import { and, eq } from 'drizzle-orm';
import { budgets, requests } from '../../db/schema.ts';
import type { Queryable, Tx } from '../../db/types.ts';
import { type FeeRates, plannedFeeYen } from '../../domain/fees.ts';
import { fiscalYearLabel, fiscalYearRange, type LocalDate, MINUTE_MS } from '../../domain/time.ts';
import { ratesOf } from '../fees/queries.ts';
import { settlements } from '../payments/statement.ts';
import type { BudgetBody } from './schema.ts';

// A fiscal year's money against its budget. Every active visit of the year (by its start) is
// in exactly one of:
// - paid: its fee and travel as exported (before withholding: the year spends both);
// - approved: payable and not yet paid (a confirmed visit's fee, decided travel);
// - committed: the rest, estimated: a booked visit's fee by its planned duration and an
//   unreported or unconfirmed one's by its actual duration, travel as claimed or else the
//   year's travelEstimateYen while the visit is unpaid; and an accepted request still to book,
//   by the duration and format it asked for (the office has promised that visit too).
// A request belongs to the fiscal year it applied in, a visit to the one it starts in.

export type BudgetFigures = { committedYen: number; approvedYen: number; paidYen: number };

type BudgetRow = typeof budgets.$inferSelect;

/** What a visit asked for is expected to cost the year: its fee within the cap, and travel. */
export function requestEstimateYen(
  request: { durationMinutes: number; format: 'onsite' | 'online' | 'either' },
  rates: FeeRates,
): number {
  const fee = plannedFeeYen(
    { start: new Date(0), end: new Date(request.durationMinutes * MINUTE_MS) },
    rates,
    { feeExempt: false },
  );
  return fee + (request.format === 'online' ? 0 : rates.travelEstimateYen);
}

export async function budgetFigures(
  q: Queryable,
  fiscalYear: number,
  rates: FeeRates,
): Promise<BudgetFigures> {
  const [{ visits, experts, months }, accepted] = await Promise.all([
    settlements(q, fiscalYearRange(fiscalYear), rates),
    q
      .select({ durationMinutes: requests.durationMinutes, format: requests.format })
      .from(requests)
      .where(and(eq(requests.status, 'accepted'), eq(requests.fiscalYear, fiscalYear))),
  ]);
  let paidYen = 0;
  let approvedYen = 0;
  for (const { settlement } of months) {
    paidYen += settlement.paid.feeYen + settlement.paid.travelYen;
    approvedYen += settlement.due.feeYen + settlement.due.travelYen;
  }
  const lines = new Map(months.flatMap((m) => m.lines).map((l) => [l.visit.sessionId, l]));
  let committedYen = accepted.reduce((sum, r) => sum + requestEstimateYen(r, rates), 0);
  for (const visit of visits) {
    const line = lines.get(visit.sessionId);
    const feeWaiting = !line || line.fee.status === 'waiting';
    if (feeWaiting) {
      const expert = experts.get(visit.expertId) ?? { feeExempt: false };
      committedYen += plannedFeeYen(
        { start: visit.actualStart ?? visit.start, end: visit.actualEnd ?? visit.end },
        rates,
        expert,
      );
    }
    if (visit.format !== 'onsite') continue;
    if (visit.claim) {
      if (!line?.travel || line.travel.status === 'waiting') {
        committedYen += visit.claim.approvedYen ?? visit.claim.claimedYen;
      }
    } else if (!visit.paidFee) {
      committedYen += rates.travelEstimateYen;
    }
  }
  return { committedYen, approvedYen, paidYen };
}

export type IntakeState = { open: boolean; reason: 'closing-date' | 'budget' | null };

/**
 * Whether the year takes applications: not after its closing date, and not once the money is
 * spoken for. `adding` is what the application in hand would add (0 to ask in general: then
 * intake is closed when nothing is left).
 */
export function intakeState(
  budget: Pick<BudgetRow, 'amountYen' | 'intakeClosesOn'> | undefined,
  figures: BudgetFigures,
  today: LocalDate,
  adding: number,
): IntakeState {
  if (!budget) return { open: true, reason: null };
  if (budget.intakeClosesOn !== null && today > budget.intakeClosesOn) {
    return { open: false, reason: 'closing-date' };
  }
  const spoken = figures.committedYen + figures.approvedYen + figures.paidYen;
  const passes = adding > 0 ? spoken + adding > budget.amountYen : spoken >= budget.amountYen;
  return passes ? { open: false, reason: 'budget' } : { open: true, reason: null };
}

export async function budgetRow(
  q: Queryable,
  fiscalYear: number,
  options: { forUpdate?: boolean } = {},
): Promise<BudgetRow | undefined> {
  const query = q.select().from(budgets).where(eq(budgets.fiscalYear, fiscalYear));
  const [row] = await (options.forUpdate ? query.for('update') : query);
  return row;
}

export async function budgetBody(
  q: Queryable,
  fiscalYear: number,
  today: LocalDate,
): Promise<BudgetBody> {
  const [row, rates] = await Promise.all([budgetRow(q, fiscalYear), ratesOf(q, fiscalYear)]);
  const figures = await budgetFigures(q, fiscalYear, rates);
  const spent = figures.committedYen + figures.approvedYen + figures.paidYen;
  return {
    fiscalYear,
    label: fiscalYearLabel(fiscalYear),
    amountYen: row?.amountYen ?? null,
    intakeClosesOn: row?.intakeClosesOn ?? null,
    ...figures,
    remainingYen: row ? row.amountYen - spent : null,
    intake: intakeState(row, figures, today, 0),
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

/**
 * Locks the year's budget (if it has one) and says what the year would stand at with `adding`
 * more: acceptances of one year run one after the other, so two cannot both take the last of
 * the money.
 */
export async function lockBudget(
  tx: Tx,
  fiscalYear: number,
): Promise<{ row: BudgetRow; figures: BudgetFigures; rates: FeeRates } | null> {
  const row = await budgetRow(tx, fiscalYear, { forUpdate: true });
  if (!row) return null;
  const rates = await ratesOf(tx, fiscalYear);
  return { row, figures: await budgetFigures(tx, fiscalYear, rates), rates };
}
