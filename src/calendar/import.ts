import ICAL from 'ical.js';
import { feedZones, subcomponents } from './feed-zones.ts';
import { type ExpansionBudget, seriesInstances } from './recurrence.ts';
import { epochMs } from './time-zones.ts';

/** The feed is not iCalendar, or too large to expand. The message is for the expert. */
export class FeedParseError extends Error {
  override name = 'FeedParseError';
}

/** Epoch ms, half-open. */
export type BusyBlock = { start: number; end: number };

export type BusyBlocksResult = {
  blocks: BusyBlock[];
  /** VEVENT occurrences that became blocks. */
  eventCount: number;
  /** VEVENTs skipped because they could not be read (no DTSTART, a malformed value). */
  invalidEvents: number;
};

// Bounds on what one feed may cost. 50,000 occurrences is years of a busy calendar. Rules
// that start near the range need about one step per instance in it, so 100,000 steps is
// ample for any real feed, and keeps a hostile one to a second or two of CPU.
const MAX_OCCURRENCES = 50_000;
const MAX_RULE_STEPS = 100_000;
const DAY_MS = 86_400_000;

/**
 * Busy time in an iCalendar feed within `range`: every opaque, not cancelled VEVENT
 * occurrence, recurrences expanded, clipped to the range, sorted by start (not merged).
 */
export function busyBlocks(ics: string, range: { start: number; end: number }): BusyBlocksResult {
  const calendars = parseCalendars(ics);
  const registered: string[] = [];
  try {
    for (const calendar of calendars) {
      for (const zone of feedZones(calendar)) {
        // A zone registered by someone else (ical.js's own UTC, say) is theirs to keep.
        if (ICAL.TimezoneService.has(zone.tzid)) continue;
        ICAL.TimezoneService.register(zone);
        registered.push(zone.tzid);
      }
    }
    const collector = new BlockCollector(range);
    for (const calendar of calendars) {
      // Each VEVENT is read on its own, without the VCALENDAR as its parent: ical.js would
      // otherwise look every TZID up among the calendar's components first, a scan of the
      // whole feed for each time value in a zone the feed does not define.
      const events = subcomponents(calendar, 'vevent').map((event) => new ICAL.Component(event));
      collectEvents(events, collector);
    }
    return collector.result();
  } finally {
    // ical.js resolves TZIDs through a process-wide registry; this function runs
    // synchronously, so no other feed ever sees the zones registered for this one.
    for (const tzid of registered) ICAL.TimezoneService.remove(tzid);
  }
}

/** The VCALENDARs in a feed, as jCal. */
function parseCalendars(ics: string): unknown[][] {
  const text = ics.replace(/^\uFEFF/, '');
  if (!/^\s*BEGIN:VCALENDAR\r?\n/i.test(text)) {
    throw new FeedParseError('not an iCalendar feed: it does not begin with BEGIN:VCALENDAR');
  }
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch {
    // The parser's own message quotes the feed: not what to store and show.
    throw new FeedParseError('malformed iCalendar: the file could not be parsed');
  }
  const roots = Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : parsed;
  const calendars = (Array.isArray(roots) ? roots : []).filter(
    (root): root is unknown[] => Array.isArray(root) && root[0] === 'vcalendar',
  );
  if (calendars.length === 0) throw new FeedParseError('malformed iCalendar: no VCALENDAR');
  return calendars;
}

function collectEvents(events: readonly ICAL.Component[], collector: BlockCollector): void {
  const masters: ICAL.Component[] = [];
  const overrides = new Map<string, ICAL.Component[]>();
  for (const event of events) {
    const uid = String(event.getFirstPropertyValue('uid') ?? '');
    if (uid && event.hasProperty('recurrence-id')) {
      overrides.set(uid, [...(overrides.get(uid) ?? []), event]);
    } else {
      masters.push(event);
    }
  }
  const orphans = new Map(overrides);
  for (const master of masters) {
    const uid = String(master.getFirstPropertyValue('uid') ?? '');
    const own = overrides.get(uid) ?? [];
    orphans.delete(uid);
    collector.series(master, own);
    for (const override of own) collector.single(override);
  }
  // An override whose series is not in the feed still says the expert is busy then.
  for (const events of orphans.values()) {
    for (const event of events) collector.single(event);
  }
}

class BlockCollector {
  readonly #range: { start: number; end: number };
  // Anything starting after this year starts after the range; skipping it unread also
  // keeps absurd years away from the time zone code.
  readonly #lastYear: number;
  readonly #blocks: BusyBlock[] = [];
  #invalidEvents = 0;
  #steps = 0;
  #occurrences = 0;
  readonly #budget: ExpansionBudget = {
    step: () => {
      if (++this.#steps > MAX_RULE_STEPS) {
        throw new FeedParseError(
          `recurrence rules too costly to expand (over ${MAX_RULE_STEPS} steps)`,
        );
      }
    },
    instance: () => {
      if (++this.#occurrences > MAX_OCCURRENCES) {
        throw new FeedParseError(`more than ${MAX_OCCURRENCES} busy occurrences in the range`);
      }
    },
  };

  constructor(range: { start: number; end: number }) {
    this.#range = range;
    this.#lastYear = new Date(range.end).getUTCFullYear() + 1;
  }

  /** A master VEVENT and its instances, less those its overrides replace. */
  series(event: ICAL.Component, overrides: readonly ICAL.Component[]): void {
    this.#guard(() => {
      const start = this.#start(event);
      if (!start || isFree(event)) return;
      const span = spanOf(event, start);
      if (!event.hasProperty('rrule') && !event.hasProperty('rdate')) {
        this.#addOne(start, span);
        return;
      }
      const replaced = new Set<number>();
      for (const override of overrides) {
        const id = override.getFirstPropertyValue('recurrence-id');
        if (id instanceof ICAL.Time && id.year <= this.#lastYear) replaced.add(epochMs(id));
      }
      const window = {
        from: this.#range.start - span.approxMs - DAY_MS,
        until: this.#range.end,
        lastYear: this.#lastYear,
      };
      for (const instance of seriesInstances(event, start, window, this.#budget)) {
        if (replaced.has(instance.startMs)) continue;
        const end = instance.end
          ? epochMs(instance.end)
          : span.endOf(instance.start, instance.startMs);
        this.#add(instance.startMs, end);
      }
    });
  }

  /** One VEVENT taken as it stands: an override of an instance. */
  single(event: ICAL.Component): void {
    this.#guard(() => {
      const start = this.#start(event);
      if (!start || isFree(event)) return;
      this.#addOne(start, spanOf(event, start));
    });
  }

  result(): BusyBlocksResult {
    const blocks = this.#blocks.sort((a, b) => a.start - b.start || a.end - b.end);
    return { blocks, eventCount: blocks.length, invalidEvents: this.#invalidEvents };
  }

  // One unreadable event should not cost the expert the rest of their busy time; a
  // feed over budget, though, fails as a whole.
  #guard(collect: () => void): void {
    try {
      collect();
    } catch (error) {
      if (error instanceof FeedParseError) throw error;
      this.#invalidEvents++;
    }
  }

  #start(event: ICAL.Component): ICAL.Time | null {
    const start = event.getFirstPropertyValue('dtstart');
    if (!(start instanceof ICAL.Time)) throw new Error('VEVENT without a DTSTART');
    return start.year <= this.#lastYear ? start : null;
  }

  #addOne(start: ICAL.Time, span: Span): void {
    const startMs = epochMs(start);
    this.#budget.instance();
    this.#add(startMs, span.endOf(start, startMs));
  }

  /** Series instances are charged to the budget as they are expanded. */
  #add(start: number, end: number): void {
    const clippedStart = Math.max(start, this.#range.start);
    const clippedEnd = Math.min(end, this.#range.end);
    if (!(clippedEnd > clippedStart)) return;
    this.#blocks.push({ start: clippedStart, end: clippedEnd });
  }
}

function isFree(event: ICAL.Component): boolean {
  const value = (name: string) =>
    String(event.getFirstPropertyValue(name) ?? '')
      .trim()
      .toUpperCase();
  return (
    value('status') === 'CANCELLED' ||
    value('transp') === 'TRANSPARENT' ||
    // Outlook's own free/busy flag, set alongside TRANSP by Exchange but not by all tools.
    value('x-microsoft-cdo-busystatus') === 'FREE'
  );
}

type Span = {
  /** The end of an instance that starts at `start` (= `startMs`). */
  endOf(start: ICAL.Time, startMs: number): number;
  /** Its length, give or take a DST shift. */
  approxMs: number;
};

function spanOf(event: ICAL.Component, dtstart: ICAL.Time): Span {
  const dtend = event.getFirstPropertyValue('dtend');
  if (dtend instanceof ICAL.Time) {
    const length = epochMs(dtend) - epochMs(dtstart);
    if (!Number.isFinite(length)) throw new Error('DTEND out of range');
    return fixedSpan(Math.max(0, length));
  }
  const duration = event.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) {
    // RFC 5545 §3.3.6: weeks and days are calendar days (23 or 25 hours across a DST
    // change), added in the instance's wall-clock time; hours and less are exact.
    const sign = duration.isNegative ? -1 : 1;
    const days = sign * (duration.weeks * 7 + duration.days);
    const exactMs =
      sign * (duration.hours * 3600 + duration.minutes * 60 + duration.seconds) * 1000;
    return {
      endOf: (start, startMs) => {
        if (days === 0) return startMs + exactMs;
        const end = start.clone();
        end.adjust(days, 0, 0, 0);
        return epochMs(end) + exactMs;
      },
      approxMs: Math.max(0, duration.toSeconds() * 1000),
    };
  }
  // RFC 5545 §3.6.1: without DTEND or DURATION a date lasts the day, a date-time no time.
  return fixedSpan(dtstart.isDate ? DAY_MS : 0);
}

function fixedSpan(length: number): Span {
  return { endOf: (_, startMs) => startMs + length, approxMs: length };
}
