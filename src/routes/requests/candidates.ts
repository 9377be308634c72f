import { and, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import {
  busyBlocks,
  dateOverrides,
  experts,
  type requests,
  sessions,
  weeklyHours,
} from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { availableSlots, bookableRange } from '../../domain/availability.ts';
import { type Interval, overlaps } from '../../domain/intervals.ts';
import { type MatchCandidate, type MatchRequest, visitFormat } from '../../domain/matching.ts';
import {
  fiscalYearOf,
  fiscalYearRange,
  MINUTE_MS,
  tokyoDate,
  tokyoMonthRange,
} from '../../domain/time.ts';
import { availabilityFromRows } from '../experts/queries.ts';

type RequestRow = typeof requests.$inferSelect;
export type ExpertRow = typeof experts.$inferSelect;

const ACTIVE = ['confirmed', 'completed'] as const;
// The widest travel buffer an expert may have (schema check): obstacles this far outside the
// windows can still block a slot inside them.
const MAX_BUFFER_MS = 480 * MINUTE_MS;

export type CandidateOptions = {
  /** Only this expert (a booking's re-check). */
  expertId?: string;
  /** The whole bookable range rather than the preferred windows (staff may book outside them). */
  anyTime?: boolean;
  /**
   * Leave existing visits out of the computation: a booking lets the EXCLUDE constraints
   * judge overlaps, so a lost race is a 409 slot-taken, not a 422.
   */
  ignoreBookings?: boolean;
};

export type Candidates = {
  matchRequest: MatchRequest;
  candidates: MatchCandidate[];
  experts: Map<string, ExpertRow>;
};

/**
 * Everything matching needs for one request, in a fixed number of queries whatever the
 * number of experts: experts, their hours and overrides, busy blocks and sessions near the
 * preferred windows, and their monthly and fiscal-year load. Slots are computed per expert
 * with the buffer of the format they would visit in, minus the company's own visits.
 */
export async function loadCandidates(
  q: Queryable,
  request: RequestRow,
  corporateNumber: string | null,
  now: Date,
  config: Pick<Config, 'minNoticeHours' | 'horizonDays'>,
  options: CandidateOptions = {},
): Promise<Candidates> {
  const bookable = bookableRange(now, config);
  const windows = options.anyTime
    ? [bookable]
    : request.preferredWindows.map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end) }));
  const span = {
    start: Math.max(bookable.start, Math.min(...windows.map((w) => w.start))),
    end: Math.min(bookable.end, Math.max(...windows.map((w) => w.end))),
  };
  const near = {
    start: new Date(span.start - MAX_BUFFER_MS),
    end: new Date(span.end + MAX_BUFFER_MS),
  };
  const months = { start: tokyoMonthRange(span.start).start, end: tokyoMonthRange(span.end).end };
  const fy = fiscalYearRange(fiscalYearOf(now));

  const expertRows = await q
    .select()
    .from(experts)
    .where(
      and(
        eq(experts.active, true),
        options.expertId ? eq(experts.id, options.expertId) : undefined,
      ),
    );
  const ids = expertRows.map((e) => e.id);
  const matchRequest: MatchRequest = {
    company: {
      industryCode: request.industryCode,
      prefectureCode: request.prefectureCode,
      corporateNumber,
    },
    topics: request.topics,
    format: request.format,
    followUpExpertId: null,
  };
  if (ids.length === 0 || span.start >= span.end) {
    return { matchRequest, candidates: [], experts: new Map() };
  }

  const activeOf = (expertIds: string[]) =>
    and(inArray(sessions.expertId, expertIds), inArray(sessions.status, [...ACTIVE]));
  // A booking's re-check needs only hours and imported busy time: the load, the follow-up and
  // existing visits are judged by its own quota checks and the EXCLUDE constraints.
  const unlessBooking = <T>(query: () => Promise<T[]>): Promise<T[]> =>
    options.ignoreBookings ? Promise.resolve([]) : query();
  const [weekly, overrides, busy, booked, monthly, yearly, followUp, companyVisits] =
    await Promise.all([
      q.select().from(weeklyHours).where(inArray(weeklyHours.expertId, ids)),
      q
        .select()
        .from(dateOverrides)
        .where(
          and(
            inArray(dateOverrides.expertId, ids),
            gte(dateOverrides.date, tokyoDate(near.start)),
            lt(dateOverrides.date, tokyoDate(near.end.getTime() + 24 * 60 * MINUTE_MS)),
          ),
        ),
      q
        .select({ expertId: busyBlocks.expertId, start: busyBlocks.start, end: busyBlocks.end })
        .from(busyBlocks)
        .where(
          and(
            inArray(busyBlocks.expertId, ids),
            lt(busyBlocks.start, near.end),
            gt(busyBlocks.end, near.start),
          ),
        ),
      unlessBooking(() =>
        q
          .select({
            expertId: sessions.expertId,
            start: sessions.blockedFrom,
            end: sessions.blockedTo,
          })
          .from(sessions)
          .where(
            and(
              activeOf(ids),
              lt(sessions.blockedFrom, near.end),
              gt(sessions.blockedTo, near.start),
            ),
          ),
      ),
      unlessBooking(() =>
        q
          .select({
            expertId: sessions.expertId,
            month: sql<string>`to_char(${sessions.start} at time zone 'UTC' + interval '9 hours', 'YYYY-MM')`,
            count: sql<number>`count(*)::int`,
          })
          .from(sessions)
          .where(
            and(activeOf(ids), gte(sessions.start, months.start), lt(sessions.start, months.end)),
          )
          .groupBy(sessions.expertId, sql`2`),
      ),
      unlessBooking(() =>
        q
          .select({ expertId: sessions.expertId, count: sql<number>`count(*)::int` })
          .from(sessions)
          .where(and(activeOf(ids), gte(sessions.start, fy.start), lt(sessions.start, fy.end)))
          .groupBy(sessions.expertId),
      ),
      request.followUpOf && !options.ignoreBookings
        ? q
            .select({ expertId: sessions.expertId })
            .from(sessions)
            .where(
              and(
                eq(sessions.requestId, request.followUpOf),
                inArray(sessions.status, [...ACTIVE]),
              ),
            )
            .orderBy(desc(sessions.start))
            .limit(1)
        : Promise.resolve([]),
      unlessBooking(() =>
        q
          .select({ start: sessions.start, end: sessions.end })
          .from(sessions)
          .where(
            and(
              eq(sessions.companyId, request.companyId),
              inArray(sessions.status, [...ACTIVE]),
              lt(sessions.start, near.end),
              gt(sessions.end, near.start),
            ),
          ),
      ),
    ]);

  matchRequest.followUpExpertId = followUp[0]?.expertId ?? null;
  const availability = availabilityFromRows(ids, weekly, overrides);
  const busyBy = group(ids, (): Interval[] => []);
  for (const b of busy)
    busyBy.get(b.expertId)?.push({ start: b.start.getTime(), end: b.end.getTime() });
  const bookedBy = group(ids, (): Interval[] => []);
  for (const s of booked)
    bookedBy.get(s.expertId)?.push({ start: s.start.getTime(), end: s.end.getTime() });
  const monthlyBy = group(ids, (): Record<string, number> => ({}));
  for (const m of monthly) {
    const counts = monthlyBy.get(m.expertId);
    if (counts) counts[m.month] = Number(m.count);
  }
  const yearlyBy = new Map(yearly.map((y) => [y.expertId, Number(y.count)]));
  const ownVisits = companyVisits.map((v) => ({ start: v.start.getTime(), end: v.end.getTime() }));

  const candidates = expertRows.flatMap((expert): MatchCandidate[] => {
    const format = visitFormat(matchRequest, expert);
    if (!format) return [];
    const slots = availableSlots({
      availability: availability.get(expert.id) ?? { weekly: [], overrides: [] },
      busy: busyBy.get(expert.id) ?? [],
      sessions: (bookedBy.get(expert.id) ?? []).map((s) => ({ ...s, bufferMinutes: 0 })),
      range: bookable,
      bufferMinutes: format === 'onsite' ? expert.travelBufferMinutes : 0,
      durationMinutes: request.durationMinutes,
      windows,
    }).filter((slot) => !ownVisits.some((v) => overlaps(slot, v)));
    return [
      {
        expert,
        visitsThisFiscalYear: yearlyBy.get(expert.id) ?? 0,
        activeVisitsByMonth: monthlyBy.get(expert.id) ?? {},
        slots,
      },
    ];
  });
  return { matchRequest, candidates, experts: new Map(expertRows.map((e) => [e.id, e])) };
}

function group<T>(ids: string[], empty: () => T): Map<string, T> {
  return new Map(ids.map((id) => [id, empty()]));
}
