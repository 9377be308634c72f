import ICAL from 'ical.js';
import { WINDOWS_ZONES } from './windows-zones.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TOKYO_OFFSET_MS = 9 * HOUR_MS;

/**
 * The instant (epoch ms) a feed's time stands for. Floating times and dates carry no zone;
 * the programme works in Asia/Tokyo (UTC+9 all year), so they are read there, and an
 * all-day date starts at 00:00 JST.
 */
export function epochMs(time: ICAL.Time): number {
  if (time.isDate || time.zone === ICAL.Timezone.localTimezone) {
    return wallMs(time) - TOKYO_OFFSET_MS;
  }
  return time.toUnixTime() * 1000;
}

/** The IANA zone a TZID names: itself, a Windows id, or a vendor-prefixed IANA name. */
export function ianaZoneName(tzid: string): string | null {
  const name = tzid.trim();
  const windows = WINDOWS_ZONES[name];
  if (windows) return windows;
  if (isIanaZone(name)) return name;
  // Globally unique TZIDs (RFC 5545 §3.2.19) put a vendor path before the IANA name,
  // e.g. /mozilla.org/20050126_1/America/New_York.
  const segments = name.split('/');
  for (let i = 1; i < segments.length - 1; i++) {
    const candidate = segments.slice(i).join('/');
    if (isIanaZone(candidate)) return candidate;
  }
  return null;
}

/**
 * An ical.js time zone whose offsets come from the runtime's Intl data (Node and Workers
 * both ship it) rather than from a VTIMEZONE, for a TZID that names a known zone.
 */
export class IntlTimezone extends ICAL.Timezone {
  readonly #offsets: ZoneOffsets;

  constructor(tzid: string, ianaName: string) {
    super({ tzid });
    this.#offsets = new ZoneOffsets(ianaName);
  }

  override utcOffset(time: ICAL.Time): number {
    return this.#offsets.forWallTime(wallMs(time)) / 1000;
  }
}

/** Wall-clock fields read as if they were UTC: the arithmetic base for offsets. */
function wallMs(time: ICAL.Time): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let format = formatters.get(zone);
  if (!format) {
    // A cheap shape check first: constructing Intl.DateTimeFormat is the slow path, and a
    // hostile feed can carry any number of made-up TZIDs.
    if (!/^[A-Za-z][\w+\-/]{0,63}$/.test(zone)) return null;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return null;
    }
    formatters.set(zone, format);
  }
  return format;
}

function isIanaZone(name: string): boolean {
  return formatter(name) !== null;
}

class ZoneOffsets {
  readonly #format: Intl.DateTimeFormat;
  // Per UTC day: the offset when it holds all day, NaN for a day with a transition.
  readonly #dayOffsets = new Map<number, number>();

  constructor(ianaName: string) {
    const format = formatter(ianaName);
    if (!format) throw new RangeError(`unknown time zone ${ianaName}`);
    this.#format = format;
  }

  /**
   * The offset for a local wall time, resolved as RFC 5545 §3.3.5 says: a time that
   * occurs twice means the first occurrence, a time skipped by a transition is read with
   * the offset before the gap.
   */
  forWallTime(wall: number): number {
    const before = this.#at(wall - DAY_MS);
    const after = this.#at(wall + DAY_MS);
    if (before === after) return before;
    const beforeFits = this.#at(wall - before) === before;
    const afterFits = this.#at(wall - after) === after;
    if (beforeFits && afterFits) return Math.max(before, after);
    return afterFits ? after : before;
  }

  #at(instant: number): number {
    const day = Math.floor(instant / DAY_MS);
    let offset = this.#dayOffsets.get(day);
    if (offset === undefined) {
      const start = this.#exactlyAt(day * DAY_MS);
      offset = start === this.#exactlyAt((day + 1) * DAY_MS - 1000) ? start : Number.NaN;
      this.#dayOffsets.set(day, offset);
    }
    return Number.isNaN(offset) ? this.#exactlyAt(instant) : offset;
  }

  #exactlyAt(instant: number): number {
    const fields: Record<string, number> = {};
    for (const part of this.#format.formatToParts(instant)) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const local = Date.UTC(
      fields.year ?? 0,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    return local - Math.floor(instant / 1000) * 1000;
  }
}
