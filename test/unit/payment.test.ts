import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEE_RATES,
  type FeeRates,
  monthlyPayment,
  type PaidVisit,
  visitFees,
} from '../../src/domain/fees.ts';
import {
  defaultTransferDate,
  isBankBusinessDay,
  type PaidFee,
  settleMonth,
} from '../../src/domain/payment.ts';
import { tokyoInstant } from '../../src/domain/time.ts';

const rates = DEFAULT_FEE_RATES;
const paid = { feeExempt: false };
const nothingPaid = { fees: [], travelYen: 0, withholdingYen: 0 };

function visit(id: string, date: string, from: string, to: string, travelYen = 0): PaidVisit {
  return {
    id,
    actualStart: tokyoInstant(date, from),
    actualEnd: tokyoInstant(date, to),
    travelYen,
  };
}

describe('visitFees with a day already paid', () => {
  it('gives a late visit only what the day’s cap has left', () => {
    // 3 h 30 was paid ¥18,025 on June 10; a second 3 h 30 confirmed later gets ¥12,875.
    const fees = visitFees(
      [visit('late', '2026-06-10', '14:00', '17:30')],
      rates,
      paid,
      new Map([['2026-06-10', 18_025]]),
    );
    expect(fees.map((f) => [f.id, f.uncappedYen, f.feeYen])).toEqual([['late', 18_025, 12_875]]);
  });

  it('gives nothing, never less than nothing, once the day was paid to its cap', () => {
    const fees = visitFees(
      [visit('late', '2026-06-10', '14:00', '16:00')],
      rates,
      paid,
      new Map([['2026-06-10', 30_900]]),
    );
    expect(fees[0]?.feeYen).toBe(0);
  });

  it('does not touch the cap of another day', () => {
    const fees = visitFees(
      [visit('next', '2026-06-11', '09:00', '11:00')],
      rates,
      paid,
      new Map([['2026-06-10', 30_900]]),
    );
    expect(fees[0]?.feeYen).toBe(10_300);
  });
});

describe('settleMonth', () => {
  it('is monthlyPayment when nothing of the month was paid yet', () => {
    const visits = [
      visit('a', '2026-06-10', '09:00', '12:30', 1_200),
      visit('b', '2026-06-10', '14:00', '17:30'),
      visit('c', '2026-06-18', '10:00', '12:50', 3_000),
    ];
    const month = settleMonth(
      '2026-06',
      nothingPaid,
      {
        visits,
        travel: visits
          .filter((v) => v.travelYen > 0)
          .map((v) => ({ id: v.id, travelYen: v.travelYen })),
      },
      rates,
      paid,
    );
    const whole = monthlyPayment('2026-06', visits, rates, paid);
    expect(month.fees).toEqual(whole.visits);
    expect(month.total).toMatchObject({
      units: whole.billableUnits,
      billableHours: whole.billableHours,
      feeYen: whole.feeYen,
      travelYen: whole.travelYen,
      withholdingYen: whole.withholdingYen,
      netYen: whole.netYen,
    });
    expect(month.due).toEqual({
      units: whole.billableUnits,
      feeYen: whole.feeYen,
      travelYen: whole.travelYen,
      withholdingYen: whole.withholdingYen,
      netYen: whole.netYen,
    });
  });

  it('agrees with monthlyPayment on any first export', () => {
    const arbitraryVisit = fc.record({
      day: fc.integer({ min: 1, max: 28 }),
      startMinute: fc.integer({ min: 6 * 60, max: 20 * 60 }),
      minutes: fc.integer({ min: 0, max: 6 * 60 }),
      travelYen: fc.integer({ min: 0, max: 50_000 }),
    });
    fc.assert(
      fc.property(fc.array(arbitraryVisit, { maxLength: 12 }), fc.boolean(), (drawn, exempt) => {
        const visits: PaidVisit[] = drawn.map((d, i) => {
          const start = tokyoInstant(`2026-06-${String(d.day).padStart(2, '0')}`, '00:00');
          const actualStart = new Date(start.getTime() + d.startMinute * 60_000);
          return {
            id: `v${i}`,
            actualStart,
            actualEnd: new Date(actualStart.getTime() + d.minutes * 60_000),
            travelYen: d.travelYen,
          };
        });
        const expert = { feeExempt: exempt };
        const month = settleMonth(
          '2026-06',
          nothingPaid,
          { visits, travel: visits.map((v) => ({ id: v.id, travelYen: v.travelYen })) },
          rates,
          expert,
        );
        const whole = monthlyPayment('2026-06', visits, rates, expert);
        expect(month.total.netYen).toBe(whole.netYen);
        expect(month.due.netYen).toBe(whole.netYen);
        expect(month.total.withholdingYen).toBe(whole.withholdingYen);
      }),
    );
  });

  it('pays a visit confirmed after its day was exported from what the cap left, freezing the paid one', () => {
    // June 10: visit a (3 h 30) was exported first at ¥18,025. Visit b, earlier that day and
    // also 3 h 30, is confirmed later: re-splitting in start order would move money off a paid
    // visit; instead b gets the ¥12,875 the cap has left.
    const paidFees: PaidFee[] = [{ id: 'a', day: '2026-06-10', units: 7, feeYen: 18_025 }];
    const firstWithheld = 1_840; // 10.21 % of 18,025, floored
    const month = settleMonth(
      '2026-06',
      { fees: paidFees, travelYen: 0, withholdingYen: firstWithheld },
      { visits: [visit('b', '2026-06-10', '08:00', '11:30')], travel: [] },
      rates,
      paid,
    );
    expect(month.fees.map((f) => [f.id, f.feeYen])).toEqual([['b', 12_875]]);
    expect(month.total.feeYen).toBe(30_900);
    // The month withholds ¥3,154 in all (the worked example), ¥1,840 of it already.
    expect(month.total.withholdingYen).toBe(3_154);
    expect(month.due).toEqual({
      units: 7,
      feeYen: 12_875,
      travelYen: 0,
      withholdingYen: 3_154 - 1_840,
      netYen: 12_875 - (3_154 - 1_840),
    });
    expect(month.paid.netYen).toBe(18_025 - 1_840);
    expect(month.paid.netYen + month.due.netYen).toBe(month.total.netYen);
  });

  it('pays travel decided after the fee was exported, withholding nothing on it by default', () => {
    const month = settleMonth(
      '2026-06',
      {
        fees: [{ id: 'a', day: '2026-06-10', units: 4, feeYen: 10_300 }],
        travelYen: 0,
        withholdingYen: 1_051,
      },
      { visits: [], travel: [{ id: 'a', travelYen: 4_320 }] },
      rates,
      paid,
    );
    expect(month.due).toEqual({
      units: 0,
      feeYen: 0,
      travelYen: 4_320,
      withholdingYen: 0,
      netYen: 4_320,
    });
  });

  it('withholds on late travel too when the year says so', () => {
    const withTravel: FeeRates = { ...rates, withholdTravel: true };
    const month = settleMonth(
      '2026-06',
      {
        fees: [{ id: 'a', day: '2026-06-10', units: 4, feeYen: 10_300 }],
        travelYen: 0,
        withholdingYen: 1_051,
      },
      { visits: [], travel: [{ id: 'a', travelYen: 4_320 }] },
      withTravel,
      paid,
    );
    // 10.21 % of 14,620 = 1,492.7 → 1,492; 1,051 of it was withheld on the fee.
    expect(month.total.withholdingYen).toBe(1_492);
    expect(month.due.withholdingYen).toBe(441);
  });

  it('pays a fee-exempt expert their travel only', () => {
    const month = settleMonth(
      '2026-06',
      nothingPaid,
      {
        visits: [visit('a', '2026-06-10', '10:00', '12:00')],
        travel: [{ id: 'a', travelYen: 2_640 }],
      },
      rates,
      { feeExempt: true },
    );
    expect(month.due).toEqual({
      units: 4,
      feeYen: 0,
      travelYen: 2_640,
      withholdingYen: 0,
      netYen: 2_640,
    });
  });

  it('refuses a visit of another month', () => {
    expect(() =>
      settleMonth(
        '2026-06',
        nothingPaid,
        { visits: [visit('a', '2026-07-01', '10:00', '12:00')], travel: [] },
        rates,
        paid,
      ),
    ).toThrow(RangeError);
  });
});

describe('defaultTransferDate', () => {
  it('is the second bank business day after the export', () => {
    // Thursday 2026-06-11 → Friday 12th, Monday 15th.
    expect(defaultTransferDate('2026-06-11')).toBe('2026-06-15');
    // Friday → Monday, Tuesday.
    expect(defaultTransferDate('2026-06-12')).toBe('2026-06-16');
  });

  it('skips national holidays and the banks’ new-year days', () => {
    // 2026-04-29 (Wed) is 昭和の日; 2026-05-03..06 are Golden Week (5/6 振替休日).
    expect(defaultTransferDate('2026-04-28')).toBe('2026-05-01');
    expect(defaultTransferDate('2026-05-01')).toBe('2026-05-08');
    // 12-31 and 01-01..03 are no bank days: Tuesday 12-29 → Wednesday 12-30, Monday 01-04.
    expect(isBankBusinessDay('2026-12-31')).toBe(false);
    expect(isBankBusinessDay('2027-01-02')).toBe(false);
    expect(defaultTransferDate('2026-12-29')).toBe('2027-01-04');
  });
});
