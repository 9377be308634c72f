import ICAL from 'ical.js';
import { IntlTimezone, ianaZoneName } from './time-zones.ts';

// ical.js expands a VTIMEZONE's rules from their DTSTART up to the year asked for,
// unmetered; these bounds keep a hostile definition to milliseconds. Real ones have one
// to a few observances, each a yearly rule on one month.
const MAX_CUSTOM_ZONES = 20;
const MAX_OBSERVANCES = 20;
const MAX_RDATES = 100;
const EARLIEST_OBSERVANCE_YEAR = 1600;

/**
 * The time zones to register with ical.js for reading one VCALENDAR (as jCal).
 *
 * A TZID that names a known zone (IANA, Windows, vendor-prefixed IANA) is read with the
 * runtime's tz data even when the file defines it: the definitions agree for the dates a
 * feed needs, tz data also knows the zone's history, and it costs no rule expansion. So
 * only VTIMEZONEs with other names (Outlook's "Customized Time Zone") are used as written,
 * and only plausible ones. A TZID left unresolved is read as floating time, i.e. in
 * Asia/Tokyo.
 */
export function feedZones(calendar: unknown[]): ICAL.Timezone[] {
  const zones = new Map<string, ICAL.Timezone>();
  for (const zone of subcomponents(calendar, 'vtimezone')) {
    const component = new ICAL.Component(zone);
    const tzid = String(component.getFirstPropertyValue('tzid') ?? '');
    if (zones.has(tzid) || ianaZoneName(tzid) || zones.size >= MAX_CUSTOM_ZONES) continue;
    if (isPlausible(component)) zones.set(tzid, new ICAL.Timezone({ component, tzid }));
  }
  for (const tzid of referencedTzids(calendar)) {
    const ianaName = zones.has(tzid) ? null : ianaZoneName(tzid);
    if (ianaName) zones.set(tzid, new IntlTimezone(tzid, ianaName));
  }
  return [...zones.values()];
}

/** The child components of a jCal component with the given name, as jCal. */
export function subcomponents(component: unknown[], name: string): unknown[][] {
  const children = component[2];
  if (!Array.isArray(children)) return [];
  return children.filter((child): child is unknown[] => Array.isArray(child) && child[0] === name);
}

function isPlausible(zone: ICAL.Component): boolean {
  const observances = zone.getAllSubcomponents();
  if (observances.length === 0 || observances.length > MAX_OBSERVANCES) return false;
  return observances.every((observance) => {
    const start = observance.getFirstPropertyValue('dtstart');
    const rdates = observance
      .getAllProperties('rdate')
      .reduce((count, property) => count + property.getValues().length, 0);
    return (
      start instanceof ICAL.Time &&
      start.year >= EARLIEST_OBSERVANCE_YEAR &&
      rdates <= MAX_RDATES &&
      observance
        .getAllProperties('rrule')
        .every((property) => isYearlyRule(property.getFirstValue()))
    );
  });
}

/** FREQ=YEARLY on one month at most a week of days: at most 7 candidates a year. */
function isYearlyRule(rule: unknown): boolean {
  if (!(rule instanceof ICAL.Recur) || rule.freq !== 'YEARLY') return false;
  const { BYMONTH = [], BYDAY = [], BYMONTHDAY = [], ...others } = rule.parts;
  const namesDays = BYDAY.length > 0 || BYMONTHDAY.length > 0;
  return (
    Object.values(others).every((values) => !values?.length) &&
    BYMONTH.length <= 1 &&
    BYDAY.length <= 1 &&
    BYMONTHDAY.length <= 7 &&
    (!namesDays || BYMONTH.length === 1)
  );
}

/** The TZID parameters in a jCal tree, read without hydrating ical.js objects. */
function referencedTzids(jcal: unknown, found = new Set<string>()): Set<string> {
  if (!Array.isArray(jcal)) return found;
  const [, properties, components] = jcal as [unknown, unknown, unknown];
  if (Array.isArray(properties)) {
    for (const property of properties) {
      const tzid = Array.isArray(property) ? property[1]?.tzid : undefined;
      if (typeof tzid === 'string') found.add(tzid);
    }
  }
  if (Array.isArray(components)) {
    for (const component of components) referencedTzids(component, found);
  }
  return found;
}
