import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY_MS,
  daysBetween,
  fiscalYearLabel,
  fiscalYearOf,
  fiscalYearRange,
  formatTimeOfDay,
  HOUR_MS,
  isLocalDate,
  isTimeOfDay,
  MINUTE_MS,
  minutesOfDay,
  TOKYO_OFFSET_MS,
  toIso,
  tokyoDate,
  tokyoDatesOverlapping,
  tokyoInstant,
  tokyoMonthKey,
  tokyoMonthRange,
  tokyoWeekday,
} from '../../src/domain/time.ts';

const at = (iso: string) => new Date(iso);

describe('constants', () => {
  it('are the lengths of a minute, an hour, a day and the JST offset', () => {
    expect([MINUTE_MS, HOUR_MS, DAY_MS, TOKYO_OFFSET_MS]).toEqual([
      60_000, 3_600_000, 86_400_000, 32_400_000,
    ]);
  });
});

describe('tokyoDate', () => {
  it('is the next day in Tokyo once UTC passes 15:00', () => {
    expect(tokyoDate(at('2026-11-22T15:30:00Z'))).toBe('2026-11-23');
    expect(tokyoDate(at('2026-11-22T14:59:59.999Z'))).toBe('2026-11-22');
    expect(tokyoDate(at('2026-11-22T15:00:00Z'))).toBe('2026-11-23');
  });

  it('accepts epoch milliseconds and any input offset', () => {
    expect(tokyoDate(Date.parse('2026-01-01T00:00:00+09:00'))).toBe('2026-01-01');
    expect(tokyoDate(at('2025-12-31T10:00:00-05:00'))).toBe('2026-01-01');
  });
});

describe('tokyoWeekday', () => {
  it('counts Monday as 1 and Sunday as 7', () => {
    expect(tokyoWeekday('2026-11-23')).toBe(1);
    expect(tokyoWeekday('2026-11-28')).toBe(6);
    expect(tokyoWeekday('2026-11-29')).toBe(7);
  });

  it('rejects what is not a date', () => {
    expect(() => tokyoWeekday('2026-02-30')).toThrow(RangeError);
  });
});

describe('tokyoInstant', () => {
  it('reads the wall time as JST', () => {
    expect(toIso(tokyoInstant('2026-04-01'))).toBe('2026-03-31T15:00:00.000Z');
    expect(toIso(tokyoInstant('2026-04-01', '09:30'))).toBe('2026-04-01T00:30:00.000Z');
  });

  it('takes 24:00 as the next midnight', () => {
    expect(tokyoInstant('2026-03-31', '24:00')).toEqual(tokyoInstant('2026-04-01'));
  });

  it('rejects impossible dates and times', () => {
    expect(() => tokyoInstant('2026-13-01')).toThrow(RangeError);
    expect(() => tokyoInstant('2026-04-01', '24:30')).toThrow(RangeError);
    expect(() => tokyoInstant('2026-04-01', '9:00')).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it('crosses months, years and leap days', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-23', 0)).toBe('2026-11-23');
  });
});

describe('daysBetween', () => {
  it('counts calendar days across months, years and leap days, either way', () => {
    expect(daysBetween('2026-01-31', '2026-02-01')).toBe(1);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2021-04-01', '2022-04-01')).toBe(365);
    expect(daysBetween('2023-04-01', '2024-04-01')).toBe(366);
    expect(daysBetween('2026-03-01', '2026-02-28')).toBe(-1);
    expect(daysBetween('2026-11-23', '2026-11-23')).toBe(0);
  });

  it('refuses what is not a date', () => {
    expect(() => daysBetween('2026-02-30', '2026-03-01')).toThrow(RangeError);
  });
});

describe('tokyoDatesOverlapping', () => {
  const ms = (iso: string) => Date.parse(iso);

  it('lists each JST date the range touches, its end excluded', () => {
    expect(
      tokyoDatesOverlapping(ms('2026-11-22T23:00:00+09:00'), ms('2026-11-24T00:00:00+09:00')),
    ).toEqual(['2026-11-22', '2026-11-23']);
    expect(
      tokyoDatesOverlapping(ms('2026-11-22T23:00:00+09:00'), ms('2026-11-24T00:00:01+09:00')),
    ).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
  });

  it('is one date for a range inside a day, none for an empty range', () => {
    const start = ms('2026-11-23T10:00:00+09:00');
    expect(tokyoDatesOverlapping(start, start + HOUR_MS)).toEqual(['2026-11-23']);
    expect(tokyoDatesOverlapping(start, start)).toEqual([]);
    expect(tokyoDatesOverlapping(start, start - 1)).toEqual([]);
  });
});

describe('isLocalDate', () => {
  it('accepts real calendar dates only, strictly formatted', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('0001-01-01')).toBe(true);
    for (const s of [
      '2026-02-29',
      '2026-04-31',
      '2026-00-10',
      '2026-4-1',
      '2026-04-01T00:00',
      '',
    ]) {
      expect(isLocalDate(s), s).toBe(false);
    }
  });
});

describe('time of day', () => {
  it('accepts HH:MM from 00:00 to 24:00', () => {
    for (const s of ['00:00', '09:30', '23:59', '24:00']) expect(isTimeOfDay(s), s).toBe(true);
    for (const s of ['24:01', '25:00', '9:00', '09:60', '09:00:00', '']) {
      expect(isTimeOfDay(s), s).toBe(false);
    }
  });

  it('converts to and from minutes', () => {
    expect(minutesOfDay('09:30')).toBe(570);
    expect(minutesOfDay('24:00')).toBe(1440);
    expect(formatTimeOfDay(570)).toBe('09:30');
    expect(formatTimeOfDay(0)).toBe('00:00');
    expect(formatTimeOfDay(1440)).toBe('24:00');
    expect(() => minutesOfDay('24:30')).toThrow(RangeError);
    expect(() => formatTimeOfDay(1441)).toThrow(RangeError);
    expect(() => formatTimeOfDay(-1)).toThrow(RangeError);
  });
});

describe('fiscal year', () => {
  it('runs April to March in Tokyo time', () => {
    expect(fiscalYearOf(at('2022-03-31T23:30:00+09:00'))).toBe(2021);
    expect(fiscalYearOf(at('2021-04-01T00:10:00+09:00'))).toBe(2021);
    expect(fiscalYearOf(at('2021-03-31T23:59:00+09:00'))).toBe(2020);
    // 2021-03-31T15:00Z is already April 1st in Tokyo.
    expect(fiscalYearOf(Date.parse('2021-03-31T15:00:00Z'))).toBe(2021);
  });

  it('has half-open bounds at JST midnight on April 1st', () => {
    const { start, end } = fiscalYearRange(2021);
    expect(toIso(start)).toBe('2021-03-31T15:00:00.000Z');
    expect(toIso(end)).toBe('2022-03-31T15:00:00.000Z');
    expect(fiscalYearOf(start)).toBe(2021);
    expect(fiscalYearOf(end.getTime() - 1)).toBe(2021);
    expect(fiscalYearOf(end)).toBe(2022);
  });

  it('is labelled by era, with the first year written 元', () => {
    expect(fiscalYearLabel(2019)).toBe('令和元年度');
    expect(fiscalYearLabel(2020)).toBe('令和2年度');
    expect(fiscalYearLabel(2021)).toBe('令和3年度');
    expect(fiscalYearLabel(2018)).toBe('平成30年度');
    expect(fiscalYearLabel(1990)).toBe('平成2年度');
    expect(fiscalYearLabel(1989)).toBe('平成元年度');
  });

  it('has no label before Heisei', () => {
    expect(() => fiscalYearLabel(1988)).toThrow(RangeError);
    expect(() => fiscalYearLabel(2021.5)).toThrow(RangeError);
  });
});

describe('tokyoMonthRange', () => {
  it('is the JST calendar month, half-open', () => {
    expect(tokyoMonthRange(at('2026-11-30T15:30:00Z'))).toEqual({
      start: at('2026-11-30T15:00:00Z'),
      end: at('2026-12-31T15:00:00Z'),
      month: '2026-12',
    });
  });

  it('rolls over the year in December', () => {
    const { start, end, month } = tokyoMonthRange(at('2026-12-15T12:00:00+09:00'));
    expect(month).toBe('2026-12');
    expect(toIso(start)).toBe('2026-11-30T15:00:00.000Z');
    expect(toIso(end)).toBe('2026-12-31T15:00:00.000Z');
  });

  it('keys the month by its JST date', () => {
    expect(tokyoMonthKey(at('2026-03-31T15:00:00Z'))).toBe('2026-04');
    expect(tokyoMonthKey(at('2026-03-31T14:59:59Z'))).toBe('2026-03');
  });
});

describe('toIso', () => {
  it('emits UTC with Z whatever the input offset', () => {
    expect(toIso(at('2026-04-01T09:00:00+09:00'))).toBe('2026-04-01T00:00:00.000Z');
    expect(toIso(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});
