// Pure helpers for the utilisation reports: fiscal-year months, working minutes, rounding,
// and the two ways a report leaves the service besides JSON: CSV for Excel and
// plain-text tables.

import { type Availability, type DateOverride, workingTime } from './availability.ts';
import { isHoliday } from './holidays.ts';
import { type Interval, merge } from './intervals.ts';
import {
  addDays,
  DAY_MS,
  type LocalDate,
  MINUTE_MS,
  minutesOfDay,
  tokyoDate,
  tokyoInstant,
  tokyoWeekday,
} from './time.ts';

/** 'YYYY-MM' of the twelve months of fiscal year `fy`, April first. */
export function fiscalYearMonths(fy: number): string[] {
  return Array.from({ length: 12 }, (_, i) => {
    const month = ((i + 3) % 12) + 1;
    const year = month >= 4 ? fy : fy + 1;
    return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  });
}

/** The holidays between two dates (inclusive), for workingMinutes over that span. */
export function holidaysBetween(first: LocalDate, last: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) if (isHoliday(date)) out.push(date);
  return out;
}

/**
 * The length of workingTime(availability, range) in minutes, without building it day by day:
 * whole days count by weekday, and only the dates that differ from their weekday (holidays and
 * overrides, by the rules of workingTime: an override decides its date, a closed row closing
 * it; a holiday is closed) are looked at one by one; the partial days at either end go through
 * workingTime itself. A year for every expert on each report request is then a few dozen
 * dates of work rather than 365 each. `holidays` must hold every holiday inside the range.
 */
export function workingMinutes(
  availability: Availability,
  range: Interval,
  holidays: readonly LocalDate[],
): number {
  const exact = (r: Interval) =>
    workingTime(availability, r).reduce((sum, i) => sum + i.end - i.start, 0) / MINUTE_MS;
  if (!(range.start < range.end)) return 0;
  const startMidnight = tokyoInstant(tokyoDate(range.start)).getTime();
  const wholeFrom = startMidnight === range.start ? range.start : startMidnight + DAY_MS;
  const wholeTo = tokyoInstant(tokyoDate(range.end)).getTime();
  if (wholeFrom >= wholeTo) return exact(range);

  const length = (rows: readonly { start: string; end: string }[]) =>
    merge(rows.map((r) => ({ start: minutesOfDay(r.start), end: minutesOfDay(r.end) }))).reduce(
      (sum, i) => sum + i.end - i.start,
      0,
    );
  const weekday = [0, 1, 2, 3, 4, 5, 6, 7].map((d) =>
    length(availability.weekly.filter((w) => w.weekday === d)),
  );
  const overrides = new Map<LocalDate, DateOverride[]>();
  for (const o of availability.overrides)
    overrides.set(o.date, [...(overrides.get(o.date) ?? []), o]);
  const minutesOn = (date: LocalDate) => {
    const rows = overrides.get(date);
    if (rows)
      return rows.every((r) => r.available) ? length(rows as { start: string; end: string }[]) : 0;
    return isHoliday(date) ? 0 : (weekday[tokyoWeekday(date)] ?? 0);
  };

  let minutes =
    exact({ start: range.start, end: wholeFrom }) + exact({ start: wholeTo, end: range.end });
  const days = (wholeTo - wholeFrom) / DAY_MS;
  const firstWeekday = tokyoWeekday(tokyoDate(wholeFrom));
  for (let k = 0; k < 7; k++) {
    const count = Math.floor(days / 7) + (k < days % 7 ? 1 : 0);
    minutes += count * (weekday[((firstWeekday - 1 + k) % 7) + 1] ?? 0);
  }
  const first = tokyoDate(wholeFrom);
  const last = tokyoDate(wholeTo - 1);
  const special = new Set(
    [...holidays, ...overrides.keys()].filter((date) => date >= first && date <= last),
  );
  for (const date of special) {
    minutes += minutesOn(date) - (weekday[tokyoWeekday(date)] ?? 0);
  }
  return minutes;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `part ÷ whole`, rounded; null when there is nothing to divide by. */
export function ratio(part: number, whole: number, digits = 3): number | null {
  return whole > 0 ? round(part / whole, digits) : null;
}

/**
 * The middle value; with an even count, the mean of the two middle ones (so it may fall on a
 * half), as Postgres's percentile_cont(0.5) and Excel's MEDIAN give it. Null when empty.
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

export type Cell = string | number | null;

// Excel runs a cell that starts with one of these as a formula, and Japanese Excel reads the
// full-width ＝＋－＠ (typed with the IME on) as their ASCII forms; company names come from
// anonymous applicants, so such a text cell is prefixed with an apostrophe (OWASP's advice).
const formulaStart = /^[=+\-@\t\r＝＋－＠]/;

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV document as Excel in Japan opens it: UTF-8 with a byte-order mark (without one Excel
 * reads Shift_JIS), CRLF line ends, a header row.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// East Asian wide and fullwidth characters take two columns in a terminal.
const wide =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += wide.test(char) ? 2 : 1;
  return width;
}

/** A plain-text table for a terminal: text left-aligned, numbers right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = [header, ...rows].map((row) =>
    row.map((cell) => (cell === null ? '-' : String(cell).replace(/\s+/g, ' '))),
  );
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] !== 'string'),
  );
  const widths = header.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (row: string[]) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - displayWidth(cell));
        return numeric[i] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells;
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(head ?? []), rule, ...body.map(line)].join('\n');
}
