import { describe, expect, it } from 'vitest';
import { holidayName, isHoliday } from '../../src/domain/holidays.ts';

describe('holidays', () => {
  it('knows national holidays by their JST date', () => {
    expect(isHoliday('2026-11-23')).toBe(true);
    expect(holidayName('2026-11-23')).toEqual({ ja: '勤労感謝の日', en: 'Labor Thanksgiving Day' });
    expect(holidayName('2026-01-01')?.ja).toBe('元日');
  });

  it('treats ordinary days as working days', () => {
    expect(isHoliday('2026-11-24')).toBe(false);
    expect(holidayName('2026-11-24')).toBeNull();
  });

  it('includes substitute holidays and citizens holidays', () => {
    expect(holidayName('2025-02-24')?.ja).toBe('天皇誕生日 振替休日');
    expect(isHoliday('2026-05-06')).toBe(true);
    expect(isHoliday('2026-09-22')).toBe(true);
  });

  it('answers only for dates, not for inherited object keys', () => {
    expect(isHoliday('constructor')).toBe(false);
    expect(isHoliday('__proto__')).toBe(false);
  });
});
