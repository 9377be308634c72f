import { and, desc, eq, gt, inArray, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Config } from '../../config.ts';
import { certifications, companies, type requests, sessions } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { calendarsOf, calendarVersions, type ExpertCalendar, intervalsNear } from './calendars.ts';
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
export const MAX_BUFFER_MS = 480 * MINUTE_MS;
// How far past the horizon an expert's calendar is read: it serves a week of requests as the
// horizon moves on.
const READ_AHEAD_MS = 7 * 24 * 60 * MINUTE_MS;

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
  /** The experts' busy time and load, each covering the windows and the buffers around them. */
  calendars: ReadonlyMap<string, ExpertCalendar>;
  /** The blocked range of the visit being moved, which blocks nothing. */
  moving: Interval | undefined;
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
): Promise<Pool> {
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
    calendars: new Map(),
    moving: undefined,
  };
  if (windows.length === 0) return pool;

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
    const [seen, versions, moved, followUp, companyVisits, certified] = await Promise.all([
      checked ? directory.changes : changesSeen(q),
      calendarVersions(q),
      options.replacing
        ? q
            .select({
              expertId: sessions.expertId,
              start: sessions.start,
              blockedFrom: sessions.blockedFrom,
              blockedTo: sessions.blockedTo,
            })
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
    return { directory, experts, versions, moved, followUp, companyVisits, certified };
  };
  const last = lastDirectory(q);
  const result =
    (last && (await round(last, false))) ?? (await round(await readDirectory(q), true));
  if (!result) throw new Error('unreachable: a directory read in this round is current');
  const { directory, versions, moved, followUp, companyVisits } = result;
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
  // Only what lies near a window can block a slot in it, buffers included.
  pool.calendars = await calendarsOf(
    q,
    pool.experts.map((e) => e.id),
    versions,
    { start: span.start - MAX_BUFFER_MS, end: span.end + MAX_BUFFER_MS },
    calendarReach(bookable),
  );
  const inFy = { start: fy.start.slice(0, 7), end: fy.end.slice(0, 7) };
  const nearMonths = { start: months.start.slice(0, 7), end: months.end.slice(0, 7) };
  for (const [expertId, calendar] of pool.calendars) {
    if (calendar.months.length === 0) continue;
    let year = 0;
    const counted: Record<string, number> = {};
    for (const [month, visits] of calendar.months) {
      if (month >= inFy.start && month < inFy.end) year += visits;
      if (month >= nearMonths.start && month < nearMonths.end) counted[month] = visits;
    }
    pool.load.set(expertId, { year, months: counted });
  }
  // The visit being moved counts toward neither the cap nor the load.
  for (const visit of moved) {
    const load = pool.load.get(visit.expertId);
    const month = tokyoMonthKey(visit.start);
    if (load?.months[month]) load.months[month] -= 1;
    if (load && visit.start >= fyRange.start && visit.start < fyRange.end) load.year -= 1;
  }
  const [movedVisit] = moved;
  pool.moving = movedVisit && {
    start: movedVisit.blockedFrom.getTime(),
    end: movedVisit.blockedTo.getTime(),
  };
  pool.ownVisits = companyVisits.map((v) => ({ start: v.start.getTime(), end: v.end.getTime() }));
  return pool;
}

/** What is read of an expert's calendar: the bookable range and the buffers around it. */
function calendarReach(bookable: Interval): Interval {
  return {
    start: bookable.start - MAX_BUFFER_MS,
    end: bookable.end + MAX_BUFFER_MS + READ_AHEAD_MS,
  };
}

/**
 * Reads every active expert's calendar into memory, as matching would on its first request
 * for them, a thousand experts at a time: a server does this as it starts, so that its first
 * requests find them there.
 */
export async function warmCalendars(
  q: Queryable,
  now: Date,
  config: Pick<Config, 'minNoticeHours' | 'horizonDays'>,
): Promise<{ experts: number; seconds: number }> {
  const started = performance.now();
  const directory = lastDirectory(q) ?? (await readDirectory(q));
  const ids = directory.experts.filter((e) => e.active).map((e) => e.id);
  const versions = await calendarVersions(q);
  const reach = calendarReach(bookableRange(now, config));
  for (let i = 0; i < ids.length; i += 1_000) {
    await calendarsOf(q, ids.slice(i, i + 1_000), versions, reach, reach);
  }
  return { experts: ids.length, seconds: Math.round(performance.now() - started) / 1000 };
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
export function obstaclesNear(
  pool: Pool,
  experts: readonly ExpertRow[],
  windows: readonly Interval[],
  marginMs: number,
): Obstacles {
  const ranges = merge(windows.map((w) => ({ start: w.start - marginMs, end: w.end + marginMs })));
  const busy = new Map<string, Interval[]>();
  const booked = new Map<string, Interval[]>();
  for (const expert of experts) {
    const calendar = pool.calendars.get(expert.id);
    if (!calendar) continue;
    busy.set(expert.id, intervalsNear(calendar.busy, calendar.longest, ranges));
    booked.set(expert.id, intervalsNear(calendar.booked, calendar.longest, ranges, pool.moving));
  }
  return { busy, booked };
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

export const NO_HOURS: Availability = { weekly: [], overrides: [] };

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
  const pool = await loadPool(q, request, corporateNumber, now, config, options);
  const obstacles = obstaclesNear(pool, pool.experts, pool.windows, MAX_BUFFER_MS);
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
