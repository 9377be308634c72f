// The test oracle: src/routes/requests/candidates.ts as it stood before the threshold ranking (issue 19), kept verbatim
// but for imports, so the new loader can be compared with today's answers. Do not optimise it.
import { and, desc, eq, gt, gte, inArray, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Config } from '../../../src/config.ts';
import {
  busyBlocks,
  companies,
  dateOverrides,
  experts,
  type requests,
  sessions,
  weeklyHours,
} from '../../../src/db/schema.ts';
import type { Queryable } from '../../../src/db/types.ts';
import {
  fiscalYearOf,
  fiscalYearRange,
  MINUTE_MS,
  tokyoDate,
  tokyoMonthRange,
} from '../../../src/domain/time.ts';
import { availabilityFromRows } from '../../../src/routes/experts/queries.ts';
import { availableSlots, bookableRange, type ExistingSession } from './availability.ts';
import { type Interval, overlaps } from './intervals.ts';
import { type MatchCandidate, type MatchRequest, visitFormat } from './matching.ts';

type RequestRow = typeof requests.$inferSelect;
export type ExpertRow = typeof experts.$inferSelect;

const ACTIVE = ['confirmed', 'completed'] as const;
// The widest travel buffer an expert may have (schema check): obstacles this far outside the
// windows can still block a slot inside them.
const MAX_BUFFER_MS = 480 * MINUTE_MS;

export type CandidateOptions = {
  /** Only this expert (the slots a visit can be moved to). */
  expertId?: string;
  /**
   * A visit being moved: it blocks no slot and counts toward no cap, as in the reschedule's
   * own check, so a start overlapping where it is now can be offered.
   */
  replacing?: string;
};

export type Candidates = {
  matchRequest: MatchRequest;
  candidates: MatchCandidate[];
  experts: Map<string, ExpertRow>;
};

type Range = { start: Date; end: Date };

/**
 * Everything matching needs for one request, in one set of queries run together whatever the
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
  const windows = request.preferredWindows.map((w) => ({
    start: Date.parse(w.start),
    end: Date.parse(w.end),
  }));
  const span = {
    start: Math.max(bookable.start, Math.min(...windows.map((w) => w.start))),
    end: Math.min(bookable.end, Math.max(...windows.map((w) => w.end))),
  };
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
  if (span.start >= span.end) return { matchRequest, candidates: [], experts: new Map() };

  // Only what lies near a window can block a slot in it: a request's windows are often days
  // apart, and everything between them would be fetched for nothing.
  const near = windows.map((w) => ({
    start: new Date(Math.max(w.start, span.start) - MAX_BUFFER_MS),
    end: new Date(Math.min(w.end, span.end) + MAX_BUFFER_MS),
  }));
  const overrideDates = {
    start: tokyoDate(span.start - MAX_BUFFER_MS),
    end: tokyoDate(span.end + MAX_BUFFER_MS + 24 * 60 * MINUTE_MS),
  };
  const months = { start: tokyoMonthRange(span.start).start, end: tokyoMonthRange(span.end).end };
  const fy = fiscalYearRange(fiscalYearOf(now));

  const candidateIds = q
    .select({ id: experts.id })
    .from(experts)
    .where(expertsWanted(options.expertId));
  const ofCandidate = (expertId: PgColumn) => inArray(expertId, candidateIds);
  // The same test as `= any(array(…))`, for the queries that read a time range of each expert's
  // rows: Postgres then seeks each id in an index that leads with expert_id, where for `in (…)`
  // it would scan the whole table and join.
  const ofCandidateByIndex = (expertId: PgColumn) => sql`${expertId} = any(array(${candidateIds}))`;
  const active = and(
    inArray(sessions.status, [...ACTIVE]),
    options.replacing ? ne(sessions.id, options.replacing) : undefined,
  );
  const [expertRows, weekly, overrides, busy, booked, monthly, yearly, followUp, companyVisits] =
    await Promise.all([
      q.select().from(experts).where(expertsWanted(options.expertId)),
      q
        .select({
          expertId: weeklyHours.expertId,
          weekday: weeklyHours.weekday,
          start: weeklyHours.start,
          end: weeklyHours.end,
        })
        .from(weeklyHours)
        .where(ofCandidate(weeklyHours.expertId)),
      q
        .select({
          expertId: dateOverrides.expertId,
          date: dateOverrides.date,
          start: dateOverrides.start,
          end: dateOverrides.end,
        })
        .from(dateOverrides)
        .where(
          and(
            ofCandidate(dateOverrides.expertId),
            gte(dateOverrides.date, overrideDates.start),
            lt(dateOverrides.date, overrideDates.end),
          ),
        ),
      q
        .select({
          expertId: busyBlocks.expertId,
          intervals: intervalsOf(busyBlocks.start, busyBlocks.end),
        })
        .from(busyBlocks)
        .where(
          and(
            ofCandidateByIndex(busyBlocks.expertId),
            overlapsAny(busyBlocks.start, busyBlocks.end, near),
          ),
        )
        .groupBy(busyBlocks.expertId),
      q
        .select({
          expertId: sessions.expertId,
          intervals: intervalsOf(sessions.blockedFrom, sessions.blockedTo),
        })
        .from(sessions)
        .where(
          and(
            ofCandidateByIndex(sessions.expertId),
            active,
            overlapsAny(sessions.blockedFrom, sessions.blockedTo, near),
          ),
        )
        .groupBy(sessions.expertId),
      q
        .select({
          expertId: sessions.expertId,
          month: sql<string>`to_char(${sessions.start} at time zone 'UTC' + interval '9 hours', 'YYYY-MM')`,
          count: sql<number>`count(*)::int`,
        })
        .from(sessions)
        .where(
          and(
            ofCandidate(sessions.expertId),
            active,
            gte(sessions.start, months.start),
            lt(sessions.start, months.end),
          ),
        )
        .groupBy(sessions.expertId, sql`2`),
      q
        .select({ expertId: sessions.expertId, count: sql<number>`count(*)::int` })
        .from(sessions)
        .where(
          and(
            ofCandidate(sessions.expertId),
            active,
            gte(sessions.start, fy.start),
            lt(sessions.start, fy.end),
          ),
        )
        .groupBy(sessions.expertId),
      request.followUpOf
        ? q
            .select({ expertId: sessions.expertId })
            .from(sessions)
            .where(and(eq(sessions.requestId, request.followUpOf), active))
            .orderBy(desc(sessions.start))
            .limit(1)
        : Promise.resolve([]),
      q
        .select({ start: sessions.start, end: sessions.end })
        .from(sessions)
        .where(
          and(
            eq(sessions.companyId, companyOf(request, corporateNumber)),
            active,
            overlapsAny(sessions.start, sessions.end, near),
          ),
        ),
    ]);

  matchRequest.followUpExpertId = followUp[0]?.expertId ?? null;
  const availability = availabilityFromRows(
    expertRows.map((e) => e.id),
    weekly,
    overrides,
  );
  const busyBy = new Map(
    busy.map((b) => [b.expertId, b.intervals.map(([start, end]): Interval => ({ start, end }))]),
  );
  // Their buffers are in the blocked ranges already.
  const bookedBy = new Map(
    booked.map((b) => [
      b.expertId,
      b.intervals.map(([start, end]): ExistingSession => ({ start, end, bufferMinutes: 0 })),
    ]),
  );
  const monthlyBy = new Map<string, Record<string, number>>();
  for (const m of monthly) {
    const counts = monthlyBy.get(m.expertId) ?? {};
    counts[m.month] = Number(m.count);
    monthlyBy.set(m.expertId, counts);
  }
  const yearlyBy = new Map(yearly.map((y) => [y.expertId, Number(y.count)]));
  const ownVisits = companyVisits.map((v) => ({ start: v.start.getTime(), end: v.end.getTime() }));

  const candidates = expertRows.flatMap((expert): MatchCandidate[] => {
    const format = visitFormat(matchRequest, expert);
    if (!format) return [];
    const slots = availableSlots({
      availability: availability.get(expert.id) ?? { weekly: [], overrides: [] },
      busy: busyBy.get(expert.id) ?? [],
      sessions: bookedBy.get(expert.id) ?? [],
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

function expertsWanted(expertId: string | undefined): SQL | undefined {
  return and(eq(experts.active, true), expertId ? eq(experts.id, expertId) : undefined);
}

/**
 * Rows whose [start, end) overlaps one of the ranges. The ranges' hull is stated too: Postgres
 * narrows one scan of an (expert, start) index by it, then filters by the ranges, rather than
 * scanning the index once for each range.
 */
function overlapsAny(start: PgColumn, end: PgColumn, ranges: Range[]): SQL | undefined {
  const hull = {
    start: new Date(Math.min(...ranges.map((r) => r.start.getTime()))),
    end: new Date(Math.max(...ranges.map((r) => r.end.getTime()))),
  };
  return and(
    lt(start, hull.end),
    gt(end, hull.start),
    or(...ranges.map((r) => and(lt(start, r.end), gt(end, r.start)))),
  );
}

/**
 * A group's intervals as JSON pairs of epoch milliseconds: a few hundred rows of parsed JSON
 * rather than thousands of rows of timestamps, each parsed into a Date, which took most of this
 * endpoint's time. Instants are stored in whole milliseconds (they come from JS Dates), so
 * rounding only undoes float8's inexact seconds.
 */
function intervalsOf(start: PgColumn, end: PgColumn): SQL<[number, number][]> {
  const epochMs = (column: PgColumn) => sql`round(date_part('epoch', ${column}) * 1000)`;
  return sql<[number, number][]>`json_agg(json_build_array(${epochMs(start)}, ${epochMs(end)}))`;
}

function companyOf(request: RequestRow, corporateNumber: string | null): SQL {
  if (request.companyId) return sql`${request.companyId}::uuid`;
  return sql`(select ${companies.id} from ${companies} where ${companies.corporateNumber} = ${corporateNumber})`;
}
