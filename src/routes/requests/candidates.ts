import {
  and,
  desc,
  eq,
  gt,
  gte,
  inArray,
  lt,
  ne,
  or,
  type SQL,
  type SQLWrapper,
  sql,
} from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Config } from '../../config.ts';
import {
  busyBlocks,
  certifications,
  companies,
  expertMonthlyVisits,
  type requests,
  sessions,
} from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import {
  changesSeen,
  type Directory,
  type ExpertRow,
  lastDirectory,
  readDirectory,
} from './directory.ts';

export type { ExpertRow };

import {
  type Availability,
  bookableRange,
  type DateOverride,
  type ExistingSession,
  slotsInWorkingTime,
  type WeeklyHours,
  windowWorkingTime,
} from '../../domain/availability.ts';
import { type Interval, merge, overlaps } from '../../domain/intervals.ts';
import {
  type Conflict,
  conflictOf,
  type MatchCandidate,
  type MatchRequest,
  visitFormat,
} from '../../domain/matching.ts';
import {
  fiscalYearOf,
  fiscalYearRange,
  MINUTE_MS,
  tokyoDate,
  tokyoMonthKey,
  tokyoMonthRange,
} from '../../domain/time.ts';

type RequestRow = typeof requests.$inferSelect;

const ACTIVE = ['confirmed', 'completed'] as const;
// The widest travel buffer an expert may have (schema check): obstacles this far outside the
// windows can still block a slot inside them.
const MAX_BUFFER_MS = 480 * MINUTE_MS;
// From how many experts their busy time is read by range first (see loadObstacles).
const FENCE_FROM = 50;

export type CandidateOptions = {
  /** Only this expert (the slots a visit can be moved to). */
  expertId?: string;
  /**
   * A visit being moved: it blocks no slot and counts toward no cap, as in the reschedule's
   * own check, so a start overlapping where it is now can be offered.
   */
  replacing?: string;
};

/**
 * What matching knows of a request before it reads anyone's busy time: the experts who pass
 * the hard filters but free time (mayVisit), their hours, their load, and the company's own
 * visits near the windows.
 */
export type Pool = {
  matchRequest: MatchRequest;
  request: RequestRow;
  bookable: Interval;
  /** The preferred windows inside the bookable range, in time order. */
  windows: Interval[];
  experts: ExpertRow[];
  /** Experts who could serve the format but have a conflict of interest with the company. */
  excluded: { expert: ExpertRow; conflict: Conflict }[];
  availability: Map<string, Availability>;
  load: Map<string, { year: number; months: Record<string, number> }>;
  ownVisits: Interval[];
  replacing: string | undefined;
};

/** Busy blocks and sessions (blocked ranges) of some experts near some windows. */
export type Obstacles = { busy: Map<string, Interval[]>; booked: Map<string, Interval[]> };

type Range = { start: Date; end: Date };

/** The pool of a request: everything but the experts' busy time and sessions. */
export async function loadPool(
  q: Queryable,
  request: RequestRow,
  corporateNumber: string | null,
  now: Date,
  config: Pick<Config, 'minNoticeHours' | 'horizonDays'>,
  options: CandidateOptions,
  /** Obstacles to read in the same round trip, for a pool small enough to read whole. */
  prefetch?: (experts: readonly ExpertRow[], windows: Interval[]) => Promise<Obstacles | undefined>,
): Promise<{ pool: Pool; prefetched: Obstacles | undefined }> {
  const bookable = bookableRange(now, config);
  const windows = request.preferredWindows
    .map((w) => ({ start: Math.max(Date.parse(w.start), bookable.start), end: Date.parse(w.end) }))
    .map((w) => ({ start: w.start, end: Math.min(w.end, bookable.end) }))
    .filter((w) => w.start < w.end)
    .sort((a, b) => a.start - b.start);
  const matchRequest: MatchRequest = {
    company: {
      industryCode: request.industryCode,
      prefectureCode: request.prefectureCode,
      corporateNumber,
      certifications: [],
    },
    topics: request.topics,
    format: request.format,
    followUpExpertId: null,
  };
  const pool: Pool = {
    matchRequest,
    request,
    bookable,
    windows,
    experts: [],
    excluded: [],
    availability: new Map(),
    load: new Map(),
    ownVisits: [],
    replacing: options.replacing,
  };
  if (windows.length === 0) return { pool, prefetched: undefined };

  const span = { start: windows[0]?.start ?? 0, end: Math.max(...windows.map((w) => w.end)) };
  const overrideDates = {
    start: tokyoDate(span.start - MAX_BUFFER_MS),
    end: tokyoDate(span.end + MAX_BUFFER_MS + 24 * 60 * MINUTE_MS),
  };
  const months = {
    start: tokyoDate(tokyoMonthRange(span.start).start),
    end: tokyoDate(tokyoMonthRange(span.end).end),
  };
  const fyRange = fiscalYearRange(fiscalYearOf(now));
  const fy = { start: tokyoDate(fyRange.start), end: tokyoDate(fyRange.end) };

  const loadFrom = [months.start, fy.start].sort()[0] ?? fy.start;
  const loadTo = [months.end, fy.end].sort()[1] ?? fy.end;
  // One round trip: the queries run with this process's copy of the experts, checked in the
  // same round; should it be stale, it is read again and the round repeated.
  const round = async (directory: Directory, checked: boolean) => {
    // Conflicts of interest are judged once the company's certifications are read, in this
    // same round: until then the experts who could serve the format are read for.
    const experts = directory.experts.filter(
      (e) =>
        (!options.expertId || e.id === options.expertId) &&
        e.active &&
        visitFormat(matchRequest, e) !== null,
    );
    const ids = `{${experts.map((e) => e.id).join(',')}}`;
    const [seen, read, load, moved, followUp, companyVisits, certified] = await Promise.all([
      checked ? directory.changes : changesSeen(q),
      prefetch ? prefetch(experts, windows) : Promise.resolve(undefined),
      // The load in one pass over the months of every expert in the pool.
      q
        .select({
          expertId: expertMonthlyVisits.expertId,
          year: sql<number>`coalesce(sum(${expertMonthlyVisits.visits}) filter (where ${expertMonthlyVisits.month} >= ${fy.start} and ${expertMonthlyVisits.month} < ${fy.end}), 0)::int`,
          months: sql<
            string | null
          >`string_agg(to_char(${expertMonthlyVisits.month}, 'YYYY-MM') || ' ' || ${expertMonthlyVisits.visits}, ',') filter (where ${expertMonthlyVisits.month} >= ${months.start} and ${expertMonthlyVisits.month} < ${months.end})`,
        })
        .from(expertMonthlyVisits)
        .where(
          and(
            sql`${expertMonthlyVisits.expertId} = any(${ids}::uuid[])`,
            gte(expertMonthlyVisits.month, loadFrom),
            lt(expertMonthlyVisits.month, loadTo),
          ),
        )
        .groupBy(expertMonthlyVisits.expertId),
      options.replacing
        ? q
            .select({ expertId: sessions.expertId, start: sessions.start })
            .from(sessions)
            .where(and(eq(sessions.id, options.replacing), inArray(sessions.status, [...ACTIVE])))
        : Promise.resolve([]),
      request.followUpOf
        ? q
            .select({ expertId: sessions.expertId })
            .from(sessions)
            .where(and(eq(sessions.requestId, request.followUpOf), activeSessions(options)))
            .orderBy(desc(sessions.start))
            .limit(1)
        : Promise.resolve([]),
      q
        .select({ start: sessions.start, end: sessions.end })
        .from(sessions)
        .where(
          and(
            eq(sessions.companyId, companyOf(request, corporateNumber)),
            activeSessions(options),
            overlapsAny(sessions.start, sessions.end, near(windows)),
          ),
        ),
      q
        .select({ bodyId: certifications.bodyId, status: certifications.status })
        .from(certifications)
        .where(eq(certifications.companyId, companyOf(request, corporateNumber))),
    ]);
    if (seen !== directory.changes) return null;
    return { directory, experts, read, load, moved, followUp, companyVisits, certified };
  };
  const last = lastDirectory(q);
  const result =
    (last && (await round(last, false))) ?? (await round(await readDirectory(q), true));
  if (!result) throw new Error('unreachable: a directory read in this round is current');
  const { directory, read, load, moved, followUp, companyVisits } = result;
  matchRequest.company.certifications = result.certified;
  for (const expert of result.experts) {
    const conflict = conflictOf(matchRequest, expert);
    if (conflict) pool.excluded.push({ expert, conflict });
    else pool.experts.push(expert);
  }
  matchRequest.followUpExpertId = followUp[0]?.expertId ?? null;
  pool.availability = availabilityOf(
    pool.experts.map((expert) => ({
      expert,
      hours: directory.hours.get(expert.id) ?? null,
      days:
        directory.overrides
          .get(expert.id)
          ?.filter((o) => o >= overrideDates.start && o.slice(0, 10) < overrideDates.end)
          .join(',') ?? null,
    })),
  );
  for (const row of load) {
    const months: Record<string, number> = {};
    for (const entry of row.months?.split(',') ?? []) {
      const [month = '', visits] = entry.split(' ');
      months[month] = Number(visits);
    }
    pool.load.set(row.expertId, { year: Number(row.year), months });
  }
  // The visit being moved counts toward neither the cap nor the load.
  for (const visit of moved) {
    const load = pool.load.get(visit.expertId);
    const month = tokyoMonthKey(visit.start);
    if (load?.months[month]) load.months[month] -= 1;
    if (load && visit.start >= fyRange.start && visit.start < fyRange.end) load.year -= 1;
  }
  pool.ownVisits = companyVisits.map((v) => ({ start: v.start.getTime(), end: v.end.getTime() }));
  return { pool, prefetched: read };
}

function activeSessions(options: CandidateOptions): SQL | undefined {
  return and(
    inArray(sessions.status, [...ACTIVE]),
    options.replacing ? ne(sessions.id, options.replacing) : undefined,
  );
}

/**
 * The busy blocks and sessions of these experts that could block a slot inside `windows`:
 * those within `marginMs` (the widest travel buffer among them) of the windows.
 */
export async function loadObstacles(
  q: Queryable,
  expertIds: readonly string[],
  windows: readonly Interval[],
  marginMs: number,
  options: CandidateOptions,
): Promise<Obstacles> {
  if (windows.length === 0 || expertIds.length === 0) {
    return { busy: new Map(), booked: new Map() };
  }
  const ids = `{${expertIds.join(',')}}`;
  const ranges = near(windows, marginMs);
  // For a few experts, the GiST index finds each one's rows near the windows. For thousands, it
  // would test every entry it reads against the whole list of ids; reading everyone's rows in
  // the ranges (OFFSET 0 keeps the planner from folding the ids back into the index scan) and
  // dropping the others by a hashed lookup reads more rows and costs a third as much.
  const fenced = expertIds.length > FENCE_FROM;
  const nearBusy = q
    .select({ expertId: busyBlocks.expertId, start: busyBlocks.start, end: busyBlocks.end })
    .from(busyBlocks)
    .where(
      and(
        fenced ? undefined : sql`${busyBlocks.expertId} = any(${ids}::uuid[])`,
        rangeOverlapsAny(busyBlocks.start, busyBlocks.end, ranges),
      ),
    )
    .offset(0)
    .as('near_busy');
  const nearBooked = q
    .select({ expertId: sessions.expertId, start: sessions.blockedFrom, end: sessions.blockedTo })
    .from(sessions)
    .where(
      and(
        fenced ? undefined : sql`${sessions.expertId} = any(${ids}::uuid[])`,
        activeSessions(options),
        rangeOverlapsAny(sessions.blockedFrom, sessions.blockedTo, ranges),
      ),
    )
    .offset(0)
    .as('near_booked');
  const [busy, booked] = await Promise.all([
    q
      .select({ expertId: nearBusy.expertId, intervals: intervalsOf(nearBusy.start, nearBusy.end) })
      .from(nearBusy)
      .where(sql`${nearBusy.expertId} = any(${ids}::uuid[])`)
      .groupBy(nearBusy.expertId),
    q
      .select({
        expertId: nearBooked.expertId,
        intervals: intervalsOf(nearBooked.start, nearBooked.end),
      })
      .from(nearBooked)
      .where(sql`${nearBooked.expertId} = any(${ids}::uuid[])`)
      .groupBy(nearBooked.expertId),
  ]);
  const byExpert = (rows: { expertId: string; intervals: [number, number][] }[]) =>
    new Map(
      rows.map((r) => [r.expertId, r.intervals.map(([start, end]): Interval => ({ start, end }))]),
    );
  return { busy: byExpert(busy), booked: byExpert(booked) };
}

/**
 * The experts' slots inside `windows` (a part of the pool's windows, or all of them), each
 * with the buffer of the format they would visit in, minus the company's own visits. Experts
 * with the same hours share one computation of their working time.
 */
export function candidatesIn(
  pool: Pool,
  expertRows: readonly ExpertRow[],
  obstacles: Obstacles,
  windows: readonly Interval[],
): MatchCandidate[] {
  const working = new Map<Availability, Interval[]>();
  return expertRows.flatMap((expert): MatchCandidate[] => {
    const format = visitFormat(pool.matchRequest, expert);
    if (!format) return [];
    const availability = pool.availability.get(expert.id) ?? NO_HOURS;
    let hours = working.get(availability);
    if (!hours) {
      hours = windowWorkingTime(availability, windows, pool.bookable);
      working.set(availability, hours);
    }
    // Their buffers are in the blocked ranges already.
    const booked = (obstacles.booked.get(expert.id) ?? []).map(
      (b): ExistingSession => ({ ...b, bufferMinutes: 0 }),
    );
    const slots = slotsInWorkingTime(hours, {
      busy: obstacles.busy.get(expert.id) ?? [],
      sessions: booked,
      bufferMinutes: format === 'onsite' ? expert.travelBufferMinutes : 0,
      durationMinutes: pool.request.durationMinutes,
    }).filter((slot) => !pool.ownVisits.some((v) => overlaps(slot, v)));
    const load = pool.load.get(expert.id);
    return [
      {
        expert,
        visitsThisFiscalYear: load?.year ?? 0,
        activeVisitsByMonth: load?.months ?? {},
        slots,
      },
    ];
  });
}

const NO_HOURS: Availability = { weekly: [], overrides: [] };

/**
 * Everything matching needs for the experts of `options` (one expert, for a visit being
 * moved), with their slots over the whole of the preferred windows.
 */
export async function loadCandidates(
  q: Queryable,
  request: RequestRow,
  corporateNumber: string | null,
  now: Date,
  config: Pick<Config, 'minNoticeHours' | 'horizonDays'>,
  options: CandidateOptions = {},
): Promise<{
  matchRequest: MatchRequest;
  candidates: MatchCandidate[];
  experts: Map<string, ExpertRow>;
}> {
  const { pool, prefetched } = await loadPool(
    q,
    request,
    corporateNumber,
    now,
    config,
    options,
    (experts, windows) =>
      loadObstacles(
        q,
        experts.map((e) => e.id),
        windows,
        MAX_BUFFER_MS,
        options,
      ),
  );
  const obstacles = prefetched ?? { busy: new Map(), booked: new Map() };
  return {
    matchRequest: pool.matchRequest,
    candidates: candidatesIn(pool, pool.experts, obstacles, pool.windows),
    experts: new Map(pool.experts.map((e) => [e.id, e])),
  };
}

/**
 * Each expert's hours, from the aggregated rows. Experts with the same hours get the very same
 * object, which candidatesIn uses to compute their working time once.
 */
function availabilityOf(
  candidates: readonly { expert: ExpertRow; hours: string | null; days: string | null }[],
): Map<string, Availability> {
  const shared = new Map<string, Availability>();
  const out = new Map<string, Availability>();
  for (const { expert, hours, days } of candidates) {
    const key = `${hours ?? ''}|${days ?? ''}`;
    let availability = shared.get(key);
    if (!availability) {
      availability = { weekly: parseWeekly(hours ?? ''), overrides: parseOverrides(days ?? '') };
      shared.set(key, availability);
    }
    out.set(expert.id, availability);
  }
  return out;
}

function parseWeekly(text: string): WeeklyHours[] {
  if (text === '') return [];
  return text.split(',').map((row) => {
    const [weekday, start, end] = row.split(' ');
    return { weekday: Number(weekday), start: start ?? '', end: end ?? '' };
  });
}

function parseOverrides(text: string): DateOverride[] {
  if (text === '') return [];
  return text.split(',').map((row): DateOverride => {
    const [date, start, end] = row.split(' ');
    return start === 'closed' || start === undefined || end === undefined
      ? { date: date ?? '', available: false }
      : { date: date ?? '', available: true, start, end };
  });
}

/** Only what lies near a window can block a slot in it, buffers included. */
function near(windows: readonly Interval[], marginMs = MAX_BUFFER_MS): Range[] {
  return windows.map((w) => ({
    start: new Date(w.start - marginMs),
    end: new Date(w.end + marginMs),
  }));
}

/**
 * Rows whose [start, end) overlaps one of the ranges, as the GiST indexes on (expert_id,
 * tstzrange(start, end)) of busy blocks and of active sessions (the EXCLUDE constraint's) can
 * answer it: only the rows near the windows are read, however far ahead the windows lie and
 * however long an event is, where an (expert, start) index reads every earlier row as well.
 */
function rangeOverlapsAny(start: PgColumn, end: PgColumn, ranges: Range[]): SQL | undefined {
  const merged = merge(ranges.map((r) => ({ start: r.start.getTime(), end: r.end.getTime() })));
  const iso = (ms: number) => new Date(ms).toISOString();
  return or(
    ...merged.map(
      (r) =>
        sql`tstzrange(${start}, ${end}) && tstzrange(${iso(r.start)}::timestamptz, ${iso(r.end)}::timestamptz)`,
    ),
  );
}

/**
 * The company record whose visits a slot must not overlap: the request's own once accepted;
 * before that (staff weighing a received application) the record its corporate number would
 * be linked to, if there is one.
 */
export function companyOf(request: RequestRow, corporateNumber: string | null): SQL {
  if (request.companyId) return sql`${request.companyId}::uuid`;
  return sql`(select ${companies.id} from ${companies} where ${companies.corporateNumber} = ${corporateNumber})`;
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
function intervalsOf(start: SQLWrapper, end: SQLWrapper): SQL<[number, number][]> {
  const epochMs = (column: SQLWrapper) => sql`round(date_part('epoch', ${column}) * 1000)`;
  return sql<[number, number][]>`json_agg(json_build_array(${epochMs(start)}, ${epochMs(end)}))`;
}
