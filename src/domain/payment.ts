import {
  type FeeRates,
  paymentMonth,
  type VisitFee,
  visitFees,
  type WorkedVisit,
  withholdingYen,
} from './fees.ts';
import { isHoliday } from './holidays.ts';
import { addDays, type LocalDate, tokyoWeekday } from './time.ts';

// One expert's month as the office settles it, export after export. The first export of a
// month pays what monthlyPayment says; a later one (a visit confirmed late, a claim decided
// late) pays only what became payable since:
// - fees already paid are frozen: a late visit gets what its day's cap has left;
// - withholding is on the month's total, as the month is one payment to the tax office, so a
//   later export withholds the month's total less what earlier exports withheld.

/** A fee an earlier export paid: its day, units and the amount frozen then. */
export type PaidFee = { id: string; day: LocalDate; units: number; feeYen: number };

export type PaidSoFar = {
  fees: readonly PaidFee[];
  travelYen: number;
  withholdingYen: number;
};

export type Payable = {
  /** Completed, confirmed visits whose fee is not paid yet (all of them in the month). */
  visits: readonly WorkedVisit[];
  /** Decided travel not paid yet, by visit. */
  travel: readonly { id: string; travelYen: number }[];
};

export type Amounts = {
  units: number;
  feeYen: number;
  travelYen: number;
  withholdingYen: number;
  netYen: number;
};

export type MonthSettlement = {
  month: string;
  /** The fees this settlement adds, each within what its day's cap had left. */
  fees: VisitFee[];
  travel: readonly { id: string; travelYen: number }[];
  /** What earlier exports paid. */
  paid: Amounts;
  /** What an export now would pay. */
  due: Amounts;
  /** The month as a whole: paid and due together. */
  total: Amounts & { billableHours: number; withholdingBaseYen: number };
};

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

export function settleMonth(
  month: string,
  paidSoFar: PaidSoFar,
  payable: Payable,
  rates: FeeRates,
  expert: { feeExempt: boolean },
): MonthSettlement {
  for (const visit of payable.visits) {
    if (paymentMonth(visit) !== month) {
      throw new RangeError(`visit ${visit.id} is paid in ${paymentMonth(visit)}, not ${month}`);
    }
  }
  const capUsed = new Map<LocalDate, number>();
  for (const fee of paidSoFar.fees) capUsed.set(fee.day, (capUsed.get(fee.day) ?? 0) + fee.feeYen);
  const fees = visitFees(payable.visits, rates, expert, capUsed);

  const paidFeeYen = sum(paidSoFar.fees, (f) => f.feeYen);
  const paidUnits = sum(paidSoFar.fees, (f) => f.units);
  const paid: Amounts = {
    units: paidUnits,
    feeYen: paidFeeYen,
    travelYen: paidSoFar.travelYen,
    withholdingYen: paidSoFar.withholdingYen,
    netYen: paidFeeYen + paidSoFar.travelYen - paidSoFar.withholdingYen,
  };

  const units = paidUnits + sum(fees, (f) => f.units);
  const feeYen = paidFeeYen + sum(fees, (f) => f.feeYen);
  const travelYen = paidSoFar.travelYen + sum(payable.travel, (t) => t.travelYen);
  const withholdingBaseYen = feeYen + (rates.withholdTravel ? travelYen : 0);
  const withheld = withholdingYen(withholdingBaseYen, rates);
  const total = {
    units,
    billableHours: (units * rates.unitMinutes) / 60,
    feeYen,
    travelYen,
    withholdingBaseYen,
    withholdingYen: withheld,
    netYen: feeYen + travelYen - withheld,
  };

  const dueFee = feeYen - paid.feeYen;
  const dueTravel = travelYen - paid.travelYen;
  // Withholding only grows with the base, and rates are frozen once a month is exported.
  const dueWithheld = Math.max(0, withheld - paid.withholdingYen);
  return {
    month,
    fees,
    travel: payable.travel,
    paid,
    due: {
      units: units - paid.units,
      feeYen: dueFee,
      travelYen: dueTravel,
      withholdingYen: dueWithheld,
      netYen: dueFee + dueTravel - dueWithheld,
    },
    total,
  };
}

/** A day banks transfer on: not Saturday, Sunday, a national holiday or 12-31 to 01-03. */
export function isBankBusinessDay(date: LocalDate): boolean {
  const monthDay = date.slice(5);
  const yearEnd = monthDay === '12-31' || (monthDay >= '01-01' && monthDay <= '01-03');
  return tokyoWeekday(date) <= 5 && !isHoliday(date) && !yearEnd;
}

/**
 * The transfer date (取組日) an export asks for when none is given: the second bank business
 * day after the export, as banks take a 総合振込 file a business day or two ahead.
 */
export function defaultTransferDate(exportDay: LocalDate): LocalDate {
  let date = exportDay;
  for (let found = 0; found < 2; ) {
    date = addDays(date, 1);
    if (isBankBusinessDay(date)) found += 1;
  }
  return date;
}
