import { and, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import { sessions } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { fiscalYearOf } from '../../domain/time.ts';

/**
 * The fiscal years in which the company already has `limit` active visits, the one being
 * moved (`replacing`) not counted: a booking there is refused (quota-exceeded), so the slots
 * the company is offered leave them out and its page says why.
 */
export async function fullFiscalYears(
  q: Queryable,
  company: SQL,
  limit: number,
  replacing?: string,
): Promise<number[]> {
  // The fiscal year of a Tokyo wall-clock time: its calendar year three months earlier.
  const fiscalYear = sql<number>`extract(year from ${sessions.start} at time zone 'UTC' + interval '9 hours' - interval '3 months')::int`;
  const rows = await q
    .select({ fiscalYear, visits: sql<number>`count(*)::int` })
    .from(sessions)
    .where(
      and(
        eq(sessions.companyId, company),
        inArray(sessions.status, ['confirmed', 'completed']),
        replacing ? ne(sessions.id, replacing) : undefined,
      ),
    )
    .groupBy(fiscalYear);
  return rows
    .filter((r) => Number(r.visits) >= limit)
    .map((r) => Number(r.fiscalYear))
    .sort((a, b) => a - b);
}

/** Drops the slots that start in one of `full` fiscal years. */
export function outsideFullYears<T extends { start: string }>(slots: T[], full: number[]): T[] {
  return full.length === 0
    ? slots
    : slots.filter((s) => !full.includes(fiscalYearOf(Date.parse(s.start))));
}
