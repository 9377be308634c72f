import holidayJp from '@holiday-jp/holiday_jp';
import type { LocalDate } from './time.ts';

// Looked up by key only: the package's own isHoliday/between turn Dates into dates with the
// process's local time zone, which is wrong for Tokyo on any server not running in JST.
// Its table covers 1970–2050, substitute (振替休日) and citizens' (国民の休日) holidays included.
const byDate: Readonly<Record<string, { name: string; name_en: string }>> = holidayJp.holidays;

export function holidayName(date: LocalDate): { ja: string; en: string } | null {
  const holiday = Object.hasOwn(byDate, date) ? byDate[date] : undefined;
  return holiday ? { ja: holiday.name, en: holiday.name_en } : null;
}

export function isHoliday(date: LocalDate): boolean {
  return holidayName(date) !== null;
}
