// When an expert can be visited. A visit [s, s + d) is bookable iff it lies inside working
// time, the bookable range and a preferred window, and its blocked range
// [s − buffer, s + d + buffer) overlaps neither an imported busy block nor an existing
// session's blocked range. The database's EXCLUDE constraint compares the same blocked ranges,
// so a slot offered here is one the booking transaction will accept.

import { isHoliday } from './holidays.js';
import { type Interval, intersect, slotsIn, subtract, widen } from './intervals.js';
import {
  DAY_MS,
  HOUR_MS,
  isLocalDate,
  isTimeOfDay,
  type LocalDate,
  MINUTE_MS,
  minutesOfDay,
  TOKYO_OFFSET_MS,
  tokyoDate,
  tokyoWeekday,
} from './time.js';

/** Hours on a weekday, Asia/Tokyo wall clock; Monday = 1 … Sunday = 7; end may be '24:00'. */
export type WeeklyHours = { weekday: number; start: string; end: string };
/** Replaces the weekly hours of one date: closed, or open for these hours (rows add up). */
export type DateOverride =
  | { date: LocalDate; available: false }
  | { date: LocalDate; available: true; start: string; end: string };
export type Availability = { weekly: readonly WeeklyHours[]; overrides: readonly DateOverride[] };
export type BookingWindow = { minNoticeHours: number; horizonDays: number };
/** bufferMinutes: the travel buffer the session blocks on each side (0 for online). */
export type ExistingSession = { start: number; end: number; bufferMinutes: number };
export type FreeTimeInput = {
  availability: Availability;
  busy: readonly Interval[];
  sessions: readonly ExistingSession[];
  range: Interval;
  /** The travel buffer the new visit needs on each side: the expert's for on-site, 0 online. */
  bufferMinutes: number;
};
export type SlotsInput = FreeTimeInput & {
  durationMinutes: number;
  /** The request's preferred windows. */
  windows: readonly Interval[];
  stepMinutes?: number;
};
export type ValidationIssue = { path: string; message: string };

type Hours = { start: string; end: string };
type Minutes = { start: number; end: number };

export function bookableRange(now: Date | number, window: BookingWindow): Interval {
  const t = typeof now === 'number' ? now : now.getTime();
  return { start: t + window.minNoticeHours * HOUR_MS, end: t + window.horizonDays * DAY_MS };
}

export function workingTime(availability: Availability, range: Interval): Interval[] {
  return workingTimeIn(availability, [range]);
}

/** Working time inside any of the ranges, with the expert's hours prepared once for all. */
function workingTimeIn(availability: Availability, ranges: readonly Interval[]): Interval[] {
  const weekly = groupBy(availability.weekly.map(inMinutes), (w) => w.weekday);
  const overrides = groupBy(availability.overrides, (o) => o.date);
  const out: Interval[] = [];
  for (const range of ranges) {
    if (!(range.start < range.end)) continue;
    // Walks the days by epoch arithmetic: Tokyo days are all 24 h long.
    for (let midnight = tokyoMidnight(range.start); midnight < range.end; midnight += DAY_MS) {
      for (const { start, end } of hoursOn(dayAt(midnight), weekly, overrides)) {
        out.push({ start: midnight + start * MINUTE_MS, end: midnight + end * MINUTE_MS });
      }
    }
  }
  return intersect(out, ranges);
}

function tokyoMidnight(instant: number): number {
  return Math.floor((instant + TOKYO_OFFSET_MS) / DAY_MS) * DAY_MS - TOKYO_OFFSET_MS;
}

type Day = { date: LocalDate; weekday: number; holiday: boolean };

// What a Tokyo day is, by its midnight, kept for the next expert and request: they all walk
// the same few days, and formatting and parsing each date anew for every expert was most of
// the slot computation. An entry never goes stale; the bound only stops a long-running
// process from keeping every day it was ever asked about.
const days = new Map<number, Day>();
const DAYS_KEPT = 4096;

function dayAt(midnight: number): Day {
  let day = days.get(midnight);
  if (!day) {
    if (days.size >= DAYS_KEPT) days.clear();
    const date = tokyoDate(midnight);
    day = { date, weekday: tokyoWeekday(date), holiday: isHoliday(date) };
    days.set(midnight, day);
  }
  return day;
}

function inMinutes<T extends Hours>(row: T): Omit<T, keyof Hours> & Minutes {
  return { ...row, start: minutesOfDay(row.start), end: minutesOfDay(row.end) };
}

// An override decides the whole date, even a holiday; a closed row wins over any hours rows
// (validation forbids mixing them, so this only matters for data saved before that rule).
function hoursOn(
  day: Day,
  weekly: ReadonlyMap<number, readonly Minutes[]>,
  overrides: ReadonlyMap<LocalDate, readonly DateOverride[]>,
): readonly Minutes[] {
  const rows = overrides.get(day.date);
  if (rows) {
    const open = rows.flatMap((r) => (r.available ? [inMinutes(r)] : []));
    return open.length === rows.length ? open : [];
  }
  if (day.holiday) return [];
  return weekly.get(day.weekday) ?? [];
}

export function freeTime(input: FreeTimeInput): Interval[] {
  return subtract(workingTime(input.availability, input.range), blockedTime(input));
}

/** What the new visit cannot overlap: busy time and sessions, each widened by the buffers. */
function blockedTime(
  input: Pick<FreeTimeInput, 'busy' | 'sessions' | 'bufferMinutes'>,
): Interval[] {
  const sessionsBlocked = input.sessions.map((s) => ({
    start: s.start - s.bufferMinutes * MINUTE_MS,
    end: s.end + s.bufferMinutes * MINUTE_MS,
  }));
  // Widening what is blocked by the new visit's buffer is the same as widening the visit:
  // [s − b, s + d + b) misses a block exactly when [s, s + d) misses the block widened by b.
  const buffer = input.bufferMinutes * MINUTE_MS;
  return widen([...input.busy, ...sessionsBlocked], buffer, buffer);
}

export function availableSlots(input: SlotsInput): Interval[] {
  return slotsInWorkingTime(
    windowWorkingTime(input.availability, input.windows, input.range),
    input,
  );
}

/**
 * Working time inside the preferred windows and the bookable range: usually a few days rather
 * than the whole horizon. Experts who keep the same hours share it, so matching computes it
 * once for each set of hours.
 */
export function windowWorkingTime(
  availability: Availability,
  windows: readonly Interval[],
  range: Interval,
): Interval[] {
  return workingTimeIn(availability, intersect(windows, [range]));
}

/** availableSlots, given the working time windowWorkingTime returns. */
export function slotsInWorkingTime(
  working: readonly Interval[],
  input: Omit<SlotsInput, 'availability' | 'windows' | 'range'>,
): Interval[] {
  const free = subtract(working, blockedTime(input));
  return slotsIn(free, input.durationMinutes * MINUTE_MS, (input.stepMinutes ?? 30) * MINUTE_MS);
}

/**
 * The first start slotsInWorkingTime would give that `accept` takes, without listing the rest:
 * ranking needs every eligible expert's first slot but the full slots of only a few. Slots
 * are on the same grid; `obstacles` are busy time and sessions' blocked ranges (their own
 * buffers included), each widened by the new visit's buffer as blockedTime does.
 */
export function firstSlotInWorkingTime(
  /** Merged, in time order (as merge gives it). */
  working: readonly Interval[],
  obstacles: readonly Interval[],
  input: { bufferMinutes: number; durationMinutes: number; stepMinutes?: number },
  accept: (start: number) => boolean,
): number | undefined {
  const buffer = input.bufferMinutes * MINUTE_MS;
  const duration = input.durationMinutes * MINUTE_MS;
  const step = (input.stepMinutes ?? 30) * MINUTE_MS;
  for (const w of working) {
    let start = Math.ceil(w.start / step) * step;
    while (start + duration <= w.end) {
      // Every start before the end of the furthest-reaching obstacle in the way is in its way
      // too, so the next one to try is the first on the grid after it.
      let clear = start;
      for (const o of obstacles) {
        if (o.start < o.end && o.start - buffer < start + duration && o.end + buffer > start) {
          clear = Math.max(clear, o.end + buffer);
        }
      }
      if (clear > start) start = Math.ceil(clear / step) * step;
      else if (accept(start)) return start;
      else start += step;
    }
  }
  return undefined;
}

/**
 * Rules a saved availability must satisfy; paths are dotted ('weekly.0.start',
 * 'overrides.2.date'). With `now`, override dates must also fall between one year before and
 * two years after today in Tokyo: older rows can no longer matter, later ones are typos
 * (the horizon is 90 days), and either would otherwise sit in the table forever.
 */
export function validateAvailability(
  availability: Availability,
  now?: Date | number,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const weekly: Array<{ key: number; path: string; hours: Hours }> = [];
  for (const [i, row] of availability.weekly.entries()) {
    const path = `weekly.${i}`;
    if (!Number.isInteger(row.weekday) || row.weekday < 1 || row.weekday > 7) {
      issues.push({ path: `${path}.weekday`, message: 'weekday must be 1 (Monday) to 7 (Sunday)' });
    } else if (checkHours(row, path, issues)) {
      weekly.push({ key: row.weekday, path, hours: row });
    }
  }
  issues.push(...overlapsWithin(weekly, 'the same weekday'));

  const bounds = now === undefined ? null : dateBounds(tokyoDate(now));
  const open: Array<{ key: LocalDate; path: string; hours: Hours }> = [];
  const closed = new Map<LocalDate, string>();
  for (const [i, row] of availability.overrides.entries()) {
    const path = `overrides.${i}`;
    if (!isLocalDate(row.date)) {
      issues.push({ path: `${path}.date`, message: 'date must be a calendar date, YYYY-MM-DD' });
      continue;
    }
    if (bounds && (row.date < bounds.min || row.date > bounds.max)) {
      issues.push({
        path: `${path}.date`,
        message: `date must be between ${bounds.min} and ${bounds.max}`,
      });
      continue;
    }
    if (!row.available) {
      const first = closed.get(row.date);
      if (first) issues.push({ path, message: `${row.date} is already closed by ${first}` });
      else closed.set(row.date, path);
    } else if (checkHours(row, path, issues)) {
      open.push({ key: row.date, path, hours: row });
    }
  }
  issues.push(...overlapsWithin(open, 'the same date'));
  for (const row of open) {
    const closedBy = closed.get(row.key);
    if (closedBy) {
      issues.push({
        path: row.path,
        message: `${row.key} is closed by ${closedBy}; a date is either closed or has hours`,
      });
    }
  }
  return issues;
}

function checkHours(hours: Hours, path: string, issues: ValidationIssue[]): boolean {
  let ok = true;
  for (const field of ['start', 'end'] as const) {
    if (!isTimeOfDay(hours[field])) {
      issues.push({ path: `${path}.${field}`, message: `${field} must be HH:MM (00:00–24:00)` });
      ok = false;
    }
  }
  if (ok && minutesOfDay(hours.start) >= minutesOfDay(hours.end)) {
    issues.push({ path: `${path}.end`, message: 'end must be after start' });
    ok = false;
  }
  return ok;
}

// Touching rows (09:00–12:00, 12:00–17:00) are fine; sharing a minute is not.
function overlapsWithin<K>(
  rows: ReadonlyArray<{ key: K; path: string; hours: Hours }>,
  scope: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const group of groupBy(rows, (r) => r.key).values()) {
    const sorted = [...group].sort(
      (a, b) => minutesOfDay(a.hours.start) - minutesOfDay(b.hours.start),
    );
    const [first, ...others] = sorted;
    if (!first) continue;
    let latest = first;
    for (const row of others) {
      if (minutesOfDay(row.hours.start) < minutesOfDay(latest.hours.end)) {
        issues.push({ path: row.path, message: `overlaps ${latest.path} on ${scope}` });
      }
      if (minutesOfDay(row.hours.end) > minutesOfDay(latest.hours.end)) latest = row;
    }
  }
  return issues;
}

// Lexicographic order of 'YYYY-MM-DD' is chronological, so bounds can stay strings made by
// moving the year; from a 29 February, '2027-02-29' still sorts between the 28th and 1 March.
function dateBounds(today: LocalDate): { min: LocalDate; max: LocalDate } {
  const year = Number(today.slice(0, 4));
  const rest = today.slice(4);
  return { min: `${year - 1}${rest}`, max: `${year + 2}${rest}` };
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
