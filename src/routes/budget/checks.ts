import type { requests } from '../../db/schema.ts';
import type { Tx } from '../../db/types.ts';
import { fiscalYearOf, tokyoDate } from '../../domain/time.ts';
import { ApiError } from '../../http/errors.ts';
import { ratesOf } from '../fees/queries.ts';
import {
  budgetFigures,
  budgetRow,
  intakeState,
  lockBudget,
  requestEstimateYen,
} from './queries.ts';

type RequestRow = typeof requests.$inferSelect;

const yen = (amount: number) => `¥${amount.toLocaleString('en-US')}`;

/**
 * 409 intake-closed when the fiscal year takes no more applications: after its closing date,
 * or when this one's estimate would pass the budget. No lock: an application commits no money
 * until the office accepts it, which checks again under the budget's lock.
 */
export async function checkIntake(
  tx: Tx,
  application: { durationMinutes: number; format: 'onsite' | 'online' | 'either' },
  now: Date,
): Promise<void> {
  const fiscalYear = fiscalYearOf(now);
  const row = await budgetRow(tx, fiscalYear);
  if (!row) return;
  const rates = await ratesOf(tx, fiscalYear);
  const figures = await budgetFigures(tx, fiscalYear, rates);
  const state = intakeState(row, figures, tokyoDate(now), requestEstimateYen(application, rates));
  if (state.reason === 'closing-date') {
    throw new ApiError(
      'intake-closed',
      `Applications for FY${fiscalYear} closed on ${row.intakeClosesOn}`,
    );
  }
  if (state.reason === 'budget') {
    throw new ApiError(
      'intake-closed',
      `The FY${fiscalYear} budget is spoken for: applications are closed`,
    );
  }
}

/**
 * 409 over-budget when accepting the request would pass its fiscal year's budget, unless the
 * office says `force`. Holds the budget's lock until the transaction ends.
 */
export async function checkAcceptance(tx: Tx, request: RequestRow, force: boolean): Promise<void> {
  const locked = await lockBudget(tx, request.fiscalYear);
  if (!locked || force) return;
  const { row, figures, rates } = locked;
  const estimate = requestEstimateYen(request, rates);
  const spoken = figures.committedYen + figures.approvedYen + figures.paidYen;
  if (spoken + estimate > row.amountYen) {
    throw new ApiError(
      'over-budget',
      `Accepting this request (about ${yen(estimate)}) would pass the FY${request.fiscalYear} budget of ${yen(row.amountYen)}: ${yen(spoken)} is committed, approved or paid. Send force: true to accept it anyway`,
    );
  }
}
