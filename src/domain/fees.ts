import { type LocalDate, MINUTE_MS, tokyoDate } from './time.ts';

// What the office pays an expert (謝金) and withholds from it (源泉徴収). Money is integer yen;
// percentages are basis points (1 bp = 0.01 %) so every sum is integer arithmetic, and a
// fraction of a yen is always dropped.
//
// Decisions:
// - A visit's fee is whole billing units of its ACTUAL duration (a remainder under a unit is
//   dropped), priced as units × unit length × hourly rate, floored to the yen.
// - A visit belongs to the Tokyo day, and so to the Tokyo month, its actual start falls on,
//   also when it runs past midnight: a visit is one piece of work and is not split.
// - The daily cap is per expert per Tokyo day. A capped day's fee is shared out in start
//   order: each visit gets min(its fee, cap − what earlier visits that day already got), so
//   the visits' fees add up exactly to the day's capped total and a later visit is the one
//   cut (ties in start broken by id, so the split never depends on input order).
// - A fee-exempt expert's visits count their units (hours worked) but earn no fee.

export type FeeRates = {
  /** Including consumption tax. */
  hourlyRateYen: number;
  unitMinutes: number;
  /** Per expert per Tokyo day. */
  dailyCapYen: number;
  /** 所得税法204条 with 復興特別所得税 (to 2037): 10.21 % up to the threshold, 20.42 % above. */
  withholdingBp: number;
  withholdingAboveBp: number;
  withholdingThresholdYen: number;
  /** Whether travel is part of what is withheld on (it is not when reimbursed at cost). */
  withholdTravel: boolean;
  dailyAllowanceYen: number;
  lodgingCapYen: number;
  /** Travel the budget sets aside per booked on-site visit, before any claim exists. */
  travelEstimateYen: number;
};

/** One real programme's terms (PRODUCT.md, "Fees and travel"). */
export const DEFAULT_FEE_RATES: Readonly<FeeRates> = {
  hourlyRateYen: 5_150,
  unitMinutes: 30,
  dailyCapYen: 30_900,
  withholdingBp: 1_021,
  withholdingAboveBp: 2_042,
  withholdingThresholdYen: 1_000_000,
  withholdTravel: false,
  dailyAllowanceYen: 0,
  lodgingCapYen: 0,
  travelEstimateYen: 0,
};

const basisPoints = 10_000;

/** Why a year's rates cannot be used, or null if they can. */
export function feeRatesProblem(rates: FeeRates): string | null {
  const yen: (keyof FeeRates)[] = [
    'hourlyRateYen',
    'dailyCapYen',
    'withholdingThresholdYen',
    'dailyAllowanceYen',
    'lodgingCapYen',
    'travelEstimateYen',
  ];
  for (const key of yen) {
    const value = rates[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      return `${key} must be a whole number of yen, 0 or more`;
    }
  }
  if (!Number.isInteger(rates.unitMinutes) || rates.unitMinutes < 1 || rates.unitMinutes > 480) {
    return 'unitMinutes must be a whole number of minutes from 1 to 480';
  }
  for (const key of ['withholdingBp', 'withholdingAboveBp'] as const) {
    const value = rates[key];
    if (!Number.isInteger(value) || value < 0 || value > basisPoints) {
      return `${key} must be basis points from 0 to ${basisPoints}`;
    }
  }
  return null;
}

// floor(a / b) for non-negative safe integers, without a floating-point quotient.
function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

function assertYen(yen: number, what: string): void {
  if (!Number.isSafeInteger(yen) || yen < 0) {
    throw new RangeError(`${what} must be a whole number of yen, 0 or more: ${yen}`);
  }
}

/** Whole billing units in a duration; the remainder under a unit is dropped. */
export function billableUnits(start: Date, end: Date, rates: FeeRates): number {
  const ms = end.getTime() - start.getTime();
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(
      `a visit cannot end before it starts: ${start.toISOString()} – ${end.toISOString()}`,
    );
  }
  return Math.floor(ms / (rates.unitMinutes * MINUTE_MS));
}

/** The fee for a number of units at the year's hourly rate, fractions of a yen dropped. */
export function unitsFeeYen(units: number, rates: FeeRates): number {
  return floorDiv(units * rates.unitMinutes * rates.hourlyRateYen, 60);
}

/**
 * 源泉徴収 on one payment: the rate on the part up to the threshold and the higher rate on the
 * part above, the sum floored once to the yen (the National Tax Agency's (A − 100万円) × 20.42 %
 * + 102,100円 form, written for any threshold).
 */
export function withholdingYen(amountYen: number, rates: FeeRates): number {
  assertYen(amountYen, 'a payment');
  const lower = Math.min(amountYen, rates.withholdingThresholdYen);
  const upper = amountYen - lower;
  return floorDiv(lower * rates.withholdingBp + upper * rates.withholdingAboveBp, basisPoints);
}

/** The Tokyo day a visit counts on: that of its actual start. */
export function feeDay(visit: { actualStart: Date }): LocalDate {
  return tokyoDate(visit.actualStart);
}

/** The Tokyo month a visit is paid in, 'YYYY-MM': that of its actual start. */
export function paymentMonth(visit: { actualStart: Date }): string {
  return feeDay(visit).slice(0, 7);
}

export type WorkedVisit = { id: string; actualStart: Date; actualEnd: Date };

export type VisitFee = {
  id: string;
  day: LocalDate;
  units: number;
  /** The fee before the daily cap (0 for a fee-exempt expert). */
  uncappedYen: number;
  /** This visit's share of the day's capped fee. */
  feeYen: number;
};

/**
 * The fees of one expert's visits, capped per Tokyo day; in start order. `capUsedByDay` is what
 * visits paid earlier already took of a day's cap: a visit confirmed after its day was paid gets
 * what the cap has left, and the paid ones keep what they were paid.
 */
export function visitFees(
  visits: readonly WorkedVisit[],
  rates: FeeRates,
  expert: { feeExempt: boolean },
  capUsedByDay: ReadonlyMap<LocalDate, number> = new Map(),
): VisitFee[] {
  const ordered = [...visits].sort(
    (a, b) =>
      a.actualStart.getTime() - b.actualStart.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const usedByDay = new Map(capUsedByDay);
  return ordered.map((visit) => {
    const day = feeDay(visit);
    const units = billableUnits(visit.actualStart, visit.actualEnd, rates);
    const uncappedYen = expert.feeExempt ? 0 : unitsFeeYen(units, rates);
    const used = usedByDay.get(day) ?? 0;
    const feeYen = Math.max(0, Math.min(uncappedYen, rates.dailyCapYen - used));
    usedByDay.set(day, used + feeYen);
    return { id: visit.id, day, units, uncappedYen, feeYen };
  });
}

export type PaidVisit = WorkedVisit & {
  /** Approved travel for the visit (0 when none was claimed or approved). */
  travelYen: number;
};

export type MonthlyPayment = {
  month: string;
  visits: VisitFee[];
  billableUnits: number;
  /** Units × unit length, in hours (2 h 30 → 2.5). */
  billableHours: number;
  feeYen: number;
  travelYen: number;
  /** What withholding is computed on: the fees, and travel when the year says so. */
  withholdingBaseYen: number;
  withholdingYen: number;
  /** What is transferred: fees plus travel less withholding. */
  netYen: number;
};

/**
 * One expert's payment for one Tokyo month, from its completed, confirmed visits (all of which
 * must start in that month: `paymentMonth` says which). Withholding is on the month's total,
 * as the payment is one.
 */
export function monthlyPayment(
  month: string,
  visits: readonly PaidVisit[],
  rates: FeeRates,
  expert: { feeExempt: boolean },
): MonthlyPayment {
  for (const visit of visits) {
    if (paymentMonth(visit) !== month) {
      throw new RangeError(`visit ${visit.id} is paid in ${paymentMonth(visit)}, not ${month}`);
    }
    assertYen(visit.travelYen, `travel of visit ${visit.id}`);
  }
  const fees = visitFees(visits, rates, expert);
  const units = fees.reduce((sum, v) => sum + v.units, 0);
  const feeYen = fees.reduce((sum, v) => sum + v.feeYen, 0);
  const travelYen = visits.reduce((sum, v) => sum + v.travelYen, 0);
  const withholdingBaseYen = feeYen + (rates.withholdTravel ? travelYen : 0);
  const withheld = withholdingYen(withholdingBaseYen, rates);
  return {
    month,
    visits: fees,
    billableUnits: units,
    billableHours: (units * rates.unitMinutes) / 60,
    feeYen,
    travelYen,
    withholdingBaseYen,
    withholdingYen: withheld,
    netYen: feeYen + travelYen - withheld,
  };
}

/**
 * What the budget commits for a booked visit: its planned duration in whole units at the
 * year's rate (within the daily cap), nothing for a fee-exempt expert, plus the year's travel
 * estimate when the visit is on site.
 */
export function bookedVisitEstimateYen(
  visit: { start: Date; end: Date; format: 'onsite' | 'online' },
  rates: FeeRates,
  expert: { feeExempt: boolean },
): number {
  return (
    plannedFeeYen(visit, rates, expert) + (visit.format === 'onsite' ? rates.travelEstimateYen : 0)
  );
}

/** The fee a visit of this length would earn alone on its day: whole units within the cap. */
export function plannedFeeYen(
  visit: { start: Date; end: Date },
  rates: FeeRates,
  expert: { feeExempt: boolean },
): number {
  if (expert.feeExempt) return 0;
  return Math.min(
    unitsFeeYen(billableUnits(visit.start, visit.end, rates), rates),
    rates.dailyCapYen,
  );
}
