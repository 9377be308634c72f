import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  billableUnits,
  bookedVisitEstimateYen,
  DEFAULT_FEE_RATES,
  type FeeRates,
  feeDay,
  feeRatesProblem,
  monthlyPayment,
  type PaidVisit,
  paymentMonth,
  unitsFeeYen,
  visitFees,
  withholdingYen,
} from '../../src/domain/fees.ts';
import { tokyoInstant } from '../../src/domain/time.ts';

const rates = DEFAULT_FEE_RATES;
const paid = { feeExempt: false };
const exempt = { feeExempt: true };

/** A visit on a Tokyo date from `from` to `to` (HH:MM, Tokyo), with travel. */
function visit(id: string, date: string, from: string, to: string, travelYen = 0): PaidVisit {
  return {
    id,
    actualStart: tokyoInstant(date, from),
    actualEnd: tokyoInstant(date, to),
    travelYen,
  };
}

describe('PRODUCT.md worked examples at ¥5,150/h', () => {
  it('actual 2 h 00 → ¥10,300, withheld ¥1,051, net ¥9,249', () => {
    const p = monthlyPayment('2026-06', [visit('a', '2026-06-10', '10:00', '12:00')], rates, paid);
    expect(p.billableUnits).toBe(4);
    expect(p.billableHours).toBe(2);
    expect(p.feeYen).toBe(10_300);
    expect(p.withholdingYen).toBe(1_051);
    expect(p.netYen).toBe(9_249);
  });

  it('2 h 50 → 5 units = ¥12,875, withheld ¥1,314', () => {
    const p = monthlyPayment('2026-06', [visit('a', '2026-06-10', '10:00', '12:50')], rates, paid);
    expect(p.billableUnits).toBe(5);
    expect(p.billableHours).toBe(2.5);
    expect(p.feeYen).toBe(12_875);
    expect(p.withholdingYen).toBe(1_314);
    expect(p.netYen).toBe(12_875 - 1_314);
  });

  it('two visits of 3 h 30 on one day → ¥36,050 capped to ¥30,900, withheld ¥3,154', () => {
    const visits = [
      visit('b', '2026-06-10', '14:00', '17:30'),
      visit('a', '2026-06-10', '09:00', '12:30'),
    ];
    const p = monthlyPayment('2026-06', visits, rates, paid);
    expect(p.visits.reduce((sum, v) => sum + v.uncappedYen, 0)).toBe(36_050);
    expect(p.feeYen).toBe(30_900);
    expect(p.withholdingYen).toBe(3_154);
    expect(p.netYen).toBe(30_900 - 3_154);
    // The earlier visit is paid in full, the later one gets what the cap leaves.
    expect(p.visits.map((v) => [v.id, v.feeYen])).toEqual([
      ['a', 18_025],
      ['b', 12_875],
    ]);
    // Hours worked are still all of them.
    expect(p.billableHours).toBe(7);
  });

  it("a month's fees of ¥1,200,000 → withheld ¥102,100 + ¥40,840 = ¥142,940", () => {
    expect(withholdingYen(1_000_000, rates)).toBe(102_100);
    expect(withholdingYen(1_200_000, rates) - withholdingYen(1_000_000, rates)).toBe(40_840);
    expect(withholdingYen(1_200_000, rates)).toBe(142_940);
  });

  it('withholds ¥142,940 on a month paying ¥1,200,000 (through the monthly payment)', () => {
    // No real month reaches ¥1,000,000 under the daily cap, so the rates are raised to get there.
    const big: FeeRates = { ...rates, hourlyRateYen: 600_000, dailyCapYen: 10_000_000 };
    const p = monthlyPayment('2026-06', [visit('a', '2026-06-10', '10:00', '12:00')], big, paid);
    expect(p.feeYen).toBe(1_200_000);
    expect(p.withholdingYen).toBe(142_940);
    expect(p.netYen).toBe(1_057_060);
  });
});

describe('withholdingYen', () => {
  it('is 10.21 % up to exactly ¥1,000,000', () => {
    expect(withholdingYen(1_000_000, rates)).toBe(102_100);
    expect(withholdingYen(999_999, rates)).toBe(102_099); // 102,099.8979 dropped to the yen
  });

  it('takes 20.42 % of the part above ¥1,000,000, from the first yen over', () => {
    expect(withholdingYen(1_000_001, rates)).toBe(102_100); // + 0.2042
    // At a flat 10.21 % ¥1,000,005 would give 102,100.51 → 102,100; the upper rate adds ¥1.
    expect(withholdingYen(1_000_005, rates)).toBe(102_101);
  });

  it('drops fractions of a yen and gives 0 on nothing', () => {
    expect(withholdingYen(0, rates)).toBe(0);
    expect(withholdingYen(9, rates)).toBe(0);
    expect(withholdingYen(10, rates)).toBe(1);
    expect(withholdingYen(12_875, rates)).toBe(1_314);
  });

  it('agrees with exact big-integer arithmetic on any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (amount) => {
        const a = BigInt(amount);
        const t = 1_000_000n;
        const exact = ((a < t ? a : t) * 1021n + (a > t ? a - t : 0n) * 2042n) / 10_000n;
        expect(withholdingYen(amount, rates)).toBe(Number(exact));
      }),
    );
  });

  it('refuses an amount that is not whole yen', () => {
    expect(() => withholdingYen(-1, rates)).toThrow(RangeError);
    expect(() => withholdingYen(100.5, rates)).toThrow(RangeError);
  });
});

describe('billableUnits and unitsFeeYen', () => {
  const at = (time: string) => tokyoInstant('2026-06-10', time);

  it('counts whole 30-minute units of the actual duration, dropping the remainder', () => {
    expect(billableUnits(at('10:00'), at('10:29'), rates)).toBe(0);
    expect(billableUnits(at('10:00'), at('10:30'), rates)).toBe(1);
    expect(billableUnits(at('10:00'), new Date(at('12:00').getTime() - 1_000), rates)).toBe(3);
    expect(billableUnits(at('10:00'), at('10:00'), rates)).toBe(0);
  });

  it('refuses a visit that ends before it starts', () => {
    expect(() => billableUnits(at('11:00'), at('10:00'), rates)).toThrow(RangeError);
  });

  it('prices units at the hourly rate, dropping a fraction of a yen', () => {
    expect(unitsFeeYen(1, rates)).toBe(2_575);
    expect(unitsFeeYen(5, rates)).toBe(12_875);
    // ¥5,151 an hour makes a unit ¥2,575.5: a visit of one unit is paid ¥2,575, of two ¥5,151.
    expect(unitsFeeYen(1, { ...rates, hourlyRateYen: 5_151 })).toBe(2_575);
    expect(unitsFeeYen(2, { ...rates, hourlyRateYen: 5_151 })).toBe(5_151);
  });
});

describe('visitFees', () => {
  it('caps each Tokyo day separately', () => {
    const fees = visitFees(
      [
        visit('a', '2026-06-10', '09:00', '13:00'),
        visit('b', '2026-06-10', '14:00', '18:00'),
        visit('c', '2026-06-11', '09:00', '13:00'),
      ],
      rates,
      paid,
    );
    expect(fees.map((f) => [f.id, f.day, f.uncappedYen, f.feeYen])).toEqual([
      ['a', '2026-06-10', 20_600, 20_600],
      ['b', '2026-06-10', 20_600, 10_300],
      ['c', '2026-06-11', 20_600, 20_600],
    ]);
  });

  it('gives nothing to a visit once the day is at its cap', () => {
    const fees = visitFees(
      [visit('a', '2026-06-10', '08:00', '14:00'), visit('b', '2026-06-10', '15:00', '17:00')],
      rates,
      paid,
    );
    expect(fees.map((f) => f.feeYen)).toEqual([30_900, 0]);
  });

  it("counts a visit that runs past midnight on its start's Tokyo day", () => {
    const late = {
      id: 'late',
      actualStart: tokyoInstant('2026-06-30', '23:00'),
      actualEnd: tokyoInstant('2026-07-01', '01:00'),
    };
    expect(feeDay(late)).toBe('2026-06-30');
    expect(paymentMonth(late)).toBe('2026-06');
    const fees = visitFees([late, visit('next', '2026-07-01', '09:00', '15:00')], rates, paid);
    // The early hours of July 1 do not eat into July 1's cap.
    expect(fees.map((f) => [f.id, f.day, f.feeYen])).toEqual([
      ['late', '2026-06-30', 10_300],
      ['next', '2026-07-01', 30_900],
    ]);
  });

  it('splits the cap the same way whatever order the visits come in, ties broken by id', () => {
    const same = [
      visit('y', '2026-06-10', '09:00', '13:00'),
      visit('x', '2026-06-10', '09:00', '13:00'),
    ];
    const forward = visitFees(same, rates, paid);
    const backward = visitFees([...same].reverse(), rates, paid);
    expect(forward).toEqual(backward);
    expect(forward.map((f) => [f.id, f.feeYen])).toEqual([
      ['x', 20_600],
      ['y', 10_300],
    ]);
  });

  it("adds up, day by day, to the smaller of the day's fees and the cap", () => {
    const visitOnJune = fc
      .record({
        day: fc.integer({ min: 1, max: 3 }),
        startMinute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
        minutes: fc.integer({ min: 0, max: 8 * 60 }),
      })
      .map(({ day, startMinute, minutes }) => {
        const start = tokyoInstant(`2026-06-0${day}`).getTime() + startMinute * 60_000;
        return { start: new Date(start), end: new Date(start + minutes * 60_000) };
      });
    fc.assert(
      fc.property(fc.array(visitOnJune, { maxLength: 8 }), (times) => {
        const visits = times.map((t, i) => ({
          id: `v${i}`,
          actualStart: t.start,
          actualEnd: t.end,
        }));
        const fees = visitFees(visits, rates, paid);
        const byDay = new Map<string, { uncapped: number; paid: number }>();
        for (const f of fees) {
          const day = byDay.get(f.day) ?? { uncapped: 0, paid: 0 };
          byDay.set(f.day, { uncapped: day.uncapped + f.uncappedYen, paid: day.paid + f.feeYen });
          expect(f.feeYen).toBeGreaterThanOrEqual(0);
          expect(f.feeYen).toBeLessThanOrEqual(f.uncappedYen);
        }
        for (const day of byDay.values()) {
          expect(day.paid).toBe(Math.min(day.uncapped, rates.dailyCapYen));
        }
      }),
    );
  });
});

describe('monthlyPayment', () => {
  it('pays a fee-exempt expert travel only, counting the hours worked', () => {
    const p = monthlyPayment(
      '2026-06',
      [visit('a', '2026-06-10', '10:00', '12:00', 4_380)],
      rates,
      exempt,
    );
    expect(p.visits[0]).toMatchObject({ units: 4, uncappedYen: 0, feeYen: 0 });
    expect(p.billableHours).toBe(2);
    expect(p.feeYen).toBe(0);
    expect(p.travelYen).toBe(4_380);
    expect(p.withholdingYen).toBe(0);
    expect(p.netYen).toBe(4_380);
  });

  it('does not withhold on travel by default', () => {
    const p = monthlyPayment(
      '2026-06',
      [visit('a', '2026-06-10', '10:00', '12:00', 20_000)],
      rates,
      paid,
    );
    expect(p.withholdingBaseYen).toBe(10_300);
    expect(p.withholdingYen).toBe(1_051);
    expect(p.netYen).toBe(10_300 + 20_000 - 1_051);
  });

  it('withholds on travel too when the year says so', () => {
    const p = monthlyPayment(
      '2026-06',
      [visit('a', '2026-06-10', '10:00', '12:00', 20_000)],
      { ...rates, withholdTravel: true },
      paid,
    );
    expect(p.withholdingBaseYen).toBe(30_300);
    expect(p.withholdingYen).toBe(3_093); // 30,300 × 10.21 % = 3,093.63
    expect(p.netYen).toBe(30_300 - 3_093);
  });

  it("withholds on the month's total, not visit by visit", () => {
    // Two days of ¥10,300: 1,051 + 1,051 visit by visit, but 2,103 on the ¥20,600 paid at once.
    const p = monthlyPayment(
      '2026-06',
      [visit('a', '2026-06-10', '10:00', '12:00'), visit('b', '2026-06-11', '10:00', '12:00')],
      rates,
      paid,
    );
    expect(p.feeYen).toBe(20_600);
    expect(p.withholdingYen).toBe(2_103);
  });

  it('gives an empty month as zeros', () => {
    expect(monthlyPayment('2026-06', [], rates, paid)).toEqual({
      month: '2026-06',
      visits: [],
      billableUnits: 0,
      billableHours: 0,
      feeYen: 0,
      travelYen: 0,
      withholdingBaseYen: 0,
      withholdingYen: 0,
      netYen: 0,
    });
  });

  it('refuses a visit that starts in another month, in Tokyo time', () => {
    // 2026-06-30 23:30 UTC is July 1 in Tokyo.
    const july = {
      id: 'j',
      actualStart: new Date('2026-06-30T23:30:00Z'),
      actualEnd: new Date('2026-07-01T01:30:00Z'),
      travelYen: 0,
    };
    expect(() => monthlyPayment('2026-06', [july], rates, paid)).toThrow(/2026-07/);
  });

  it('refuses travel that is not whole yen', () => {
    expect(() =>
      monthlyPayment('2026-06', [visit('a', '2026-06-10', '10:00', '12:00', -5)], rates, paid),
    ).toThrow(RangeError);
  });
});

describe('bookedVisitEstimateYen', () => {
  const planned = (from: string, to: string, format: 'onsite' | 'online') => ({
    start: tokyoInstant('2026-06-10', from),
    end: tokyoInstant('2026-06-10', to),
    format,
  });
  const withTravel: FeeRates = { ...rates, travelEstimateYen: 8_000 };

  it("is the planned duration in whole units at the year's rate, plus travel on site", () => {
    expect(bookedVisitEstimateYen(planned('10:00', '12:00', 'onsite'), withTravel, paid)).toBe(
      10_300 + 8_000,
    );
    expect(bookedVisitEstimateYen(planned('10:00', '12:00', 'online'), withTravel, paid)).toBe(
      10_300,
    );
    expect(bookedVisitEstimateYen(planned('10:00', '12:50', 'online'), withTravel, paid)).toBe(
      12_875,
    );
  });

  it('adds no travel by default', () => {
    expect(bookedVisitEstimateYen(planned('10:00', '12:00', 'onsite'), rates, paid)).toBe(10_300);
  });

  it('is travel only for a fee-exempt expert', () => {
    expect(bookedVisitEstimateYen(planned('10:00', '12:00', 'onsite'), withTravel, exempt)).toBe(
      8_000,
    );
  });

  it('never estimates a visit above the daily cap', () => {
    expect(bookedVisitEstimateYen(planned('08:00', '16:00', 'online'), rates, paid)).toBe(30_900);
  });
});

describe('feeRatesProblem', () => {
  it('accepts the defaults', () => {
    expect(feeRatesProblem(DEFAULT_FEE_RATES)).toBeNull();
  });

  it('refuses negative or fractional yen, a unit out of range, a rate over 100 %', () => {
    expect(feeRatesProblem({ ...rates, hourlyRateYen: -1 })).toMatch(/hourlyRateYen/);
    expect(feeRatesProblem({ ...rates, dailyCapYen: 100.5 })).toMatch(/dailyCapYen/);
    expect(feeRatesProblem({ ...rates, unitMinutes: 0 })).toMatch(/unitMinutes/);
    expect(feeRatesProblem({ ...rates, withholdingAboveBp: 10_001 })).toMatch(/withholdingAboveBp/);
  });
});
