import ICAL from 'ical.js';
import { epochMs } from './time-zones.ts';

/**
 * The instance starts worth producing: [from, until), epoch ms. Dates in a year after
 * `lastYear` are skipped unread, which keeps absurd years away from the zone code.
 */
export type StartWindow = { from: number; until: number; lastYear: number };

/** An instance of a series: its start and, for an RDATE period, its own end. */
export type SeriesInstance = { start: ICAL.Time; startMs: number; end: ICAL.Time | null };

/**
 * Charged for every candidate date a recurrence rule examines and for every instance in
 * the window; throws when either is spent.
 */
export type ExpansionBudget = { step(): void; instance(): void };

const DAY_MS = 86_400_000;
// More than any UTC offset (±14 h) plus a DST shift: moving a rule's start forward in
// wall-clock time by whole periods then never skips an instance inside the window.
const FAST_FORWARD_MARGIN_MS = 2 * DAY_MS;
const PERIOD_SECONDS: Partial<Record<string, number>> = {
  SECONDLY: 1,
  MINUTELY: 60,
  HOURLY: 3_600,
  DAILY: 86_400,
  WEEKLY: 604_800,
};

/**
 * The instances of a recurring VEVENT (DTSTART, each RRULE, RDATE, less EXDATE) whose
 * start falls in the window. Iteration stops at the window's end, and rules without
 * COUNT start near the window instead of at DTSTART, so a series begun years ago costs
 * what its instances in the window cost.
 */
export function seriesInstances(
  event: ICAL.Component,
  dtstart: ICAL.Time,
  window: StartWindow,
  budget: ExpansionBudget,
): SeriesInstance[] {
  const excluded = exclusions(event, window.lastYear);
  const seen = new Set<number>();
  const instances: SeriesInstance[] = [];
  const add = (start: ICAL.Time, startMs: number, end: ICAL.Time | null) => {
    // An RDATE period carries its own end, so only the window's end applies to it. The
    // comparisons are written to reject NaN, which out-of-range years turn into.
    const inWindow = startMs < window.until && (end !== null || startMs >= window.from);
    if (!inWindow || seen.has(startMs)) return;
    seen.add(startMs);
    if (excluded.instants.has(startMs) || excluded.dates.has(dateKey(start))) return;
    budget.instance();
    instances.push({ start, startMs, end });
  };

  add(dtstart, epochMs(dtstart), null);
  for (const property of event.getAllProperties('rrule')) {
    const rule = property.getFirstValue();
    if (rule instanceof ICAL.Recur) expandRule(rule, dtstart, window, budget, add);
  }
  for (const property of event.getAllProperties('rdate')) {
    for (const value of property.getValues()) {
      if (value instanceof ICAL.Time && value.year <= window.lastYear) {
        add(value, epochMs(value), null);
      }
      if (value instanceof ICAL.Period && value.start.year <= window.lastYear) {
        add(value.start, epochMs(value.start), value.getEnd());
      }
    }
  }
  return instances;
}

function expandRule(
  original: ICAL.Recur,
  dtstart: ICAL.Time,
  window: StartWindow,
  budget: ExpansionBudget,
  add: (start: ICAL.Time, startMs: number, end: null) => void,
): void {
  const rule = original.clone();
  if (rule.until && epochMs(rule.until) < window.from) return;
  // ical.js looks up to 20,000 years ahead for a YEARLY rule that never matches, and an
  // UNTIL bounds that search; instances after the window are not wanted anyway.
  const horizon = ICAL.Time.fromJSDate(new Date(window.until + FAST_FORWARD_MARGIN_MS), true);
  if (!rule.until || rule.until.compare(horizon) > 0) rule.until = horizon;

  const start = fastForward(dtstart, rule, window.from);
  // Constructing the iterator, ical.js scans year by year for a YEARLY rule's first match,
  // before any metered check: those years are paid for up front.
  if (rule.freq === 'YEARLY') {
    for (let year = start.year; year <= horizon.year; year++) budget.step();
  }
  const iterator = rule.iterator(start);
  meter(iterator, budget);
  for (let time = iterator.next(); time; time = iterator.next()) {
    const startMs = epochMs(time);
    if (!(startMs < window.until)) break;
    // The iterator reuses its time object.
    add(time.clone(), startMs, null);
  }
}

/**
 * A start for iterating `rule` that yields the same instances from `from` on as DTSTART
 * does: DTSTART moved forward in wall-clock time by whole periods of the rule. The moved
 * start itself is always yielded, matching the rule or not, so it must lie before the
 * window (hence the margin). COUNT counts from DTSTART, so such rules are not moved.
 */
function fastForward(dtstart: ICAL.Time, rule: ICAL.Recur, from: number): ICAL.Time {
  if (rule.count) return dtstart;
  const target = from - FAST_FORWARD_MARGIN_MS;
  const interval = rule.interval || 1;
  const periodSeconds = PERIOD_SECONDS[rule.freq];
  if (periodSeconds) {
    const period = periodSeconds * interval * 1000;
    const periods = Math.floor((target - epochMs(dtstart)) / period);
    if (!(periods > 0)) return dtstart;
    const start = dtstart.clone();
    if (period % DAY_MS === 0) start.adjust((periods * period) / DAY_MS, 0, 0, 0);
    else start.adjust(0, 0, 0, (periods * period) / 1000);
    return start;
  }
  if (rule.freq === 'MONTHLY') {
    // The day of DTSTART matters only when the rule names no day itself, and then only a
    // day that every month has can be carried over.
    const namesDay = Boolean(rule.parts.BYDAY?.length || rule.parts.BYMONTHDAY?.length);
    if (!namesDay && dtstart.day > 28) return dtstart;
    const targetDate = new Date(target);
    const months =
      (targetDate.getUTCFullYear() - dtstart.year) * 12 +
      targetDate.getUTCMonth() -
      (dtstart.month - 1) -
      1;
    const periods = Math.floor(months / interval);
    if (!(periods > 0)) return dtstart;
    const month = dtstart.year * 12 + dtstart.month - 1 + periods * interval;
    const start = dtstart.clone();
    start.year = Math.floor(month / 12);
    start.month = (month % 12) + 1;
    if (namesDay) start.day = 1;
    return start;
  }
  // Moving by whole years keeps the month and day that a YEARLY rule may take from
  // DTSTART, but not the weekday that week-numbered rules take, nor 29 February.
  const { BYWEEKNO, BYYEARDAY, BYSETPOS } = rule.parts;
  const leapDay = dtstart.month === 2 && dtstart.day === 29;
  if (rule.freq === 'YEARLY' && !BYWEEKNO && !BYYEARDAY && !BYSETPOS && !leapDay) {
    const years = new Date(target).getUTCFullYear() - dtstart.year - 1;
    const periods = Math.floor(years / interval);
    if (!(periods > 0)) return dtstart;
    const start = dtstart.clone();
    start.year += periods * interval;
    return start;
  }
  return dtstart;
}

/**
 * ical.js loops inside a single `next()` until a candidate passes the rule's BY* filters,
 * forever for a rule no date can pass (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30). Its filter
 * check runs once per candidate, so metering that call bounds every loop.
 */
function meter(iterator: ICAL.RecurIterator, budget: ExpansionBudget): void {
  const check = iterator.check_contracting_rules;
  if (typeof check !== 'function') throw new Error('ical.js RecurIterator changed: cannot meter');
  iterator.check_contracting_rules = function metered(this: ICAL.RecurIterator) {
    budget.step();
    return check.call(this);
  };
}

function exclusions(
  event: ICAL.Component,
  lastYear: number,
): { instants: Set<number>; dates: Set<string> } {
  const instants = new Set<number>();
  const dates = new Set<string>();
  for (const property of event.getAllProperties('exdate')) {
    for (const value of property.getValues()) {
      if (!(value instanceof ICAL.Time) || value.year > lastYear) continue;
      // A DATE exdate on a DATE-TIME series removes that day's instance.
      if (value.isDate) dates.add(dateKey(value));
      instants.add(epochMs(value));
    }
  }
  return { instants, dates };
}

function dateKey(time: ICAL.Time): string {
  return `${time.year}-${time.month}-${time.day}`;
}
