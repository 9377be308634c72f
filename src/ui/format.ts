import {
  formatTimeOfDay,
  type LocalDate,
  MINUTE_MS,
  tokyoDate,
  tokyoInstant,
  tokyoWeekday,
} from '../domain/time.ts';
import type { Strings } from './i18n/strings.ts';

// Everything a page shows is Japan time, whatever the server's TZ: the domain's Tokyo
// arithmetic, with the words (weekdays, months) from the page's strings.

const epoch = (instant: string | number) =>
  typeof instant === 'number' ? instant : Date.parse(instant);

export const dayOf = (instant: string | number): LocalDate => tokyoDate(epoch(instant));

export function formatDay(t: Strings, date: LocalDate): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return t.day(year, month, day, t.weekdays[tokyoWeekday(date) - 1] ?? '');
}

export function formatTime(instant: string | number): string {
  const ms = epoch(instant);
  return formatTimeOfDay(Math.round((ms - tokyoInstant(tokyoDate(ms)).getTime()) / MINUTE_MS));
}

export const formatDateTime = (t: Strings, instant: string | number) =>
  `${formatDay(t, dayOf(instant))} ${formatTime(instant)}`;

/** "Thu 3 Dec 2026 10:00–12:00"; a range over midnight names both days. */
export function formatRange(t: Strings, start: string | number, end: string | number): string {
  return dayOf(start) === dayOf(epoch(end) - 1)
    ? `${formatDateTime(t, start)}–${formatTime(end)}`
    : `${formatDateTime(t, start)} – ${formatDateTime(t, end)}`;
}

/** The value of a datetime-local input showing `instant` in Japan time. */
export function localInputValue(instant: number): string {
  return `${tokyoDate(instant)}T${formatTime(instant)}`;
}

/** A datetime-local value (Japan time) as the API's instant; anything else as it was typed. */
export function tokyoInputInstant(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(value);
  return match ? `${match[1]}${match[2] ?? ':00'}+09:00` : value;
}

export const groupDigits = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A share (0–1) as a percentage with one decimal, or a dash. */
export const formatShare = (t: Strings, share: number | null) =>
  share === null ? '—' : t.percent((share * 100).toFixed(1));

/** Groups items by their Tokyo day, days in order of first appearance. */
export function byDay<T>(items: readonly T[], instantOf: (item: T) => string) {
  const days = new Map<LocalDate, T[]>();
  for (const item of items) {
    const day = dayOf(instantOf(item));
    days.set(day, [...(days.get(day) ?? []), item]);
  }
  return [...days];
}
