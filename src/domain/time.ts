// Calendar arithmetic in the programme's business time zone. Asia/Tokyo has had a fixed
// UTC+9 offset with no DST since 1951, so shifting an epoch by nine hours and reading the UTC
// fields gives Tokyo wall time without touching the process TZ or a time-zone database.

/** A calendar date in Asia/Tokyo, 'YYYY-MM-DD'. */
export type LocalDate = string;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const TOKYO_OFFSET_MS = 9 * HOUR_MS;

const localDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timeOfDayPattern = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

function epochOf(instant: Date | number): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

// setUTCFullYear, unlike Date.UTC, does not map years 0–99 onto 1900–1999.
function utcMidnight(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month - 1, day);
}

function fromUtcMidnight(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const match = localDatePattern.exec(date);
  if (match) {
    const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
    if (fromUtcMidnight(utcMidnight(year, month, day)) === date) return { year, month, day };
  }
  throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
}

function localDateMs(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return utcMidnight(year, month, day);
}

export function isLocalDate(s: string): boolean {
  try {
    parseLocalDate(s);
    return true;
  } catch {
    return false;
  }
}

export function isTimeOfDay(s: string): boolean {
  return timeOfDayPattern.test(s);
}

export function minutesOfDay(time: string): number {
  if (!isTimeOfDay(time)) throw new RangeError(`not a time of day (HH:MM): ${time}`);
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

export function formatTimeOfDay(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) {
    throw new RangeError(`not a minute of the day (0–1440): ${minutes}`);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

export function tokyoDate(instant: Date | number): LocalDate {
  return fromUtcMidnight(epochOf(instant) + TOKYO_OFFSET_MS);
}

export function tokyoWeekday(date: LocalDate): number {
  // getUTCDay counts from Sunday = 0; ISO weekdays count from Monday = 1.
  return ((new Date(localDateMs(date)).getUTCDay() + 6) % 7) + 1;
}

export function tokyoInstant(date: LocalDate, time = '00:00'): Date {
  return new Date(localDateMs(date) + minutesOfDay(time) * MINUTE_MS - TOKYO_OFFSET_MS);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcMidnight(localDateMs(date) + days * DAY_MS);
}

/** Calendar days from `from` to `to`: 1 for the next day, negative when `to` comes first. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return (localDateMs(to) - localDateMs(from)) / DAY_MS;
}

export function tokyoDatesOverlapping(start: number, end: number): LocalDate[] {
  if (!(start < end)) return [];
  const dates: LocalDate[] = [];
  // end is exclusive, so the last instant inside the range is end - 1 ms.
  const last = tokyoDate(end - 1);
  for (let date = tokyoDate(start); date <= last; date = addDays(date, 1)) dates.push(date);
  return dates;
}

export function fiscalYearOf(instant: Date | number): number {
  const { year, month } = parseLocalDate(tokyoDate(instant));
  return month >= 4 ? year : year - 1;
}

export function fiscalYearRange(fy: number): { start: Date; end: Date } {
  return {
    start: new Date(utcMidnight(fy, 4, 1) - TOKYO_OFFSET_MS),
    end: new Date(utcMidnight(fy + 1, 4, 1) - TOKYO_OFFSET_MS),
  };
}

/** The fiscal years the service reports on: from 平成元年度, the first its labels name. */
export const FISCAL_YEARS = { first: 1989, last: 2100 } as const;

// A fiscal year takes the era of the year it starts in, and 1 is written 元: FY2019 began on
// 2019-04-01, a month before Reiwa did, and is still 令和元年度 in the programme's documents.
export function fiscalYearLabel(fy: number): string {
  if (!Number.isInteger(fy) || fy < FISCAL_YEARS.first) {
    throw new RangeError(`no era label for fiscal year ${fy} (Heisei and Reiwa only)`);
  }
  const era = fy >= 2019 ? { name: '令和', first: 2019 } : { name: '平成', first: 1989 };
  const n = fy - era.first + 1;
  return `${era.name}${n === 1 ? '元' : n}年度`;
}

export function tokyoMonthKey(instant: Date | number): string {
  return tokyoDate(instant).slice(0, 7);
}

export function tokyoMonthRange(instant: Date | number): { start: Date; end: Date; month: string } {
  const { year, month } = parseLocalDate(tokyoDate(instant));
  return {
    start: new Date(utcMidnight(year, month, 1) - TOKYO_OFFSET_MS),
    end: new Date(utcMidnight(year, month + 1, 1) - TOKYO_OFFSET_MS),
    month: tokyoMonthKey(instant),
  };
}

export function toIso(instant: Date | number): string {
  return new Date(epochOf(instant)).toISOString();
}
