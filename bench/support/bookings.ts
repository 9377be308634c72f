import { createHash, randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { isHoliday } from '../../src/domain/holidays.ts';
import {
  addDays,
  DAY_MS,
  fiscalYearOf,
  HOUR_MS,
  tokyoDate,
  tokyoInstant,
  tokyoWeekday,
} from '../../src/domain/time.ts';

export const DURATION_MINUTES = 60;

/** What one booking needs: its request, the company's token, the expert and the start. */
export type Booking = {
  requestId: string;
  companyId: string;
  expertId: string;
  token: string;
  start: string;
};

/**
 * One-hour slot starts an expert with Mon–Fri 09:00–17:00 JST hours has free, by the server's
 * rules: on the hour, not on a holiday, from a day past the 72-hour notice, before the horizon.
 */
export function workingSlots(now: number): string[] {
  const slots: string[] = [];
  const earliest = now + 72 * HOUR_MS + DAY_MS;
  const latest = now + 90 * DAY_MS - DAY_MS;
  for (let day = 0; day <= 90; day++) {
    const date = addDays(tokyoDate(now), day);
    if (tokyoWeekday(date) > 5 || isHoliday(date)) continue;
    for (let hour = 9; hour < 17; hour++) {
      const start = tokyoInstant(date, `${String(hour).padStart(2, '0')}:00`).getTime();
      if (start >= earliest && start + HOUR_MS <= latest) slots.push(new Date(start).toISOString());
    }
  }
  return slots;
}

/**
 * Experts with Mon–Fri 09:00–17:00 hours, and one company, request and company token per
 * booking: booking n goes to expert n mod `experts` at `starts[n]`, inside its request's
 * preferred window (that day's working hours).
 */
export async function seedBookings(
  client: postgres.Sql,
  label: string,
  experts: number,
  starts: (string | undefined)[],
): Promise<Booking[]> {
  const bookings = starts.map((start, n): Booking => {
    if (!start) throw new Error('not enough slots in the horizon for the bench');
    return {
      requestId: uuidOf(`${label}-request-${n}`),
      companyId: uuidOf(`${label}-company-${n}`),
      expertId: uuidOf(`${label}-expert-${n % experts}`),
      token: `hkc_bench_${label}_${n}_${randomBytes(16).toString('hex')}`,
      start,
    };
  });
  const expertIds = Array.from({ length: experts }, (_, i) => uuidOf(`${label}-expert-${i}`));
  await client`
    insert into experts (id, name, email, industries, topics, prefectures, online,
                         max_visits_per_month, travel_buffer_minutes)
    select id, 'ベンチ専門家', 'expert@bench.example', '{E24}', '{identify}', '{13}', true, 1000, 60
    from unnest(${expertIds}::uuid[]) as id`;
  await client`
    insert into expert_weekly_hours (expert_id, weekday, start_time, end_time)
    select id, d, '09:00', '17:00' from unnest(${expertIds}::uuid[]) as id, generate_series(1, 5) as d`;
  const column = <K extends keyof Booking>(key: K) => bookings.map((b) => b[key]);
  const windows = bookings.map((b) => {
    const date = tokyoDate(Date.parse(b.start));
    return JSON.stringify([
      {
        start: tokyoInstant(date, '09:00').toISOString(),
        end: tokyoInstant(date, '17:00').toISOString(),
      },
    ]);
  });
  await client`
    insert into companies (id, name, industry_code, prefecture_code, employees, capital_yen, is_sme)
    select id, 'ベンチ株式会社', 'E24', '13', 50, 10000000, true
    from unnest(${column('companyId')}::uuid[]) as id`;
  await client`
    insert into requests (id, company_id, company_name, industry_code, prefecture_code, employees,
                          capital_yen, is_sme, contact_name, contact_email, topics, format,
                          duration_minutes, preferred_windows, status, fiscal_year)
    select r.id, r.company_id, 'ベンチ株式会社', 'E24', '13', 50, 10000000, true, 'ベンチ 太郎',
      'contact@bench.example', '{identify}', 'online', ${DURATION_MINUTES}, r.windows::jsonb,
      'accepted', ${fiscalYearOf(Date.now())}
    from unnest(${column('requestId')}::uuid[], ${column('companyId')}::uuid[], ${windows}::text[])
      as r(id, company_id, windows)`;
  await client`
    insert into tokens (hash, role, request_id, label)
    select hash, 'company', request_id, 'bench'
    from unnest(${bookings.map((b) => sha256(b.token))}::text[], ${column('requestId')}::uuid[])
      as t(hash, request_id)`;
  return bookings;
}

/** A stable version-4-shaped UUID from a name (ids are checked as RFC 9562 UUIDs). */
function uuidOf(name: string): string {
  const hex = createHash('md5').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
