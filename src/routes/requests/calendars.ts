import { inArray, sql } from 'drizzle-orm';
import { rowsOf } from '../../db/rows.ts';
import { expertCalendarVersions } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import type { Interval } from '../../domain/intervals.ts';

// Each expert's busy time as this process last read it, for every request that matches them.
//
// At national scale a request weighs thousands of experts, and reading their busy blocks and
// sessions near its windows took most of its time, though they seldom change between two
// requests. Every change to them bumps the expert's row in expert_calendar_versions in its own
// transaction (migration 0010), so a calendar read at the version a request sees is current
// for that request, and only the experts whose version moved are read again. A server reads
// every calendar over the whole bookable horizon as it starts (warmCalendars), so requests
// with any windows find them there.

/** One expert's busy time and load, as read at `version`. */
export type ExpertCalendar = {
  version: number;
  /** What was read: every interval overlapping [from, to). */
  from: number;
  to: number;
  /** Busy blocks as start, end pairs (epoch ms), in start order. */
  busy: Float64Array;
  /** Active sessions' blocked ranges (their buffers included), in start order. */
  booked: Float64Array;
  /** The longest interval of either: none ending after `x` starts before `x − longest`. */
  longest: number;
  /** Active sessions starting in each Tokyo month ('YYYY-MM'), every month. */
  months: readonly (readonly [string, number])[];
};

type Cache = {
  calendars: Map<string, ExpertCalendar>;
  intervals: number;
  /** Every expert's version as last read, and each bucket's sum of versions then. */
  versions: Map<string, number>;
  sums: Map<number, string>;
};

// One per database handle, as the directory is: a process may hold several (tests).
const caches = new WeakMap<object, Cache>();
// About 64 MB of intervals; beyond it the calendars read longest ago are dropped.
const CAPACITY = 4_000_000;
// Experts whose calendars one statement reads.
const CHUNK = 1_000;

function cacheOf(q: Queryable): Cache {
  let cache = caches.get(q);
  if (!cache) {
    cache = { calendars: new Map(), intervals: 0, versions: new Map(), sums: new Map() };
    caches.set(q, cache);
  }
  return cache;
}

/**
 * Every expert's version now (0 for one whose busy time never changed). Versions only grow,
 * so a bucket whose sum is what it was holds the versions last read of it; only the others are
 * read again. The sums are read first, so the versions read after them are at least as new.
 */
export async function calendarVersions(q: Queryable): Promise<ReadonlyMap<string, number>> {
  const cache = cacheOf(q);
  const v = expertCalendarVersions;
  const sums = await q
    .select({ bucket: v.bucket, sum: sql<string>`sum(${v.version})::text` })
    .from(v)
    .groupBy(v.bucket);
  const moved = sums.filter((s) => cache.sums.get(s.bucket) !== s.sum);
  if (moved.length === 0) return cache.versions;
  const rows = await q
    .select({ expertId: v.expertId, version: v.version })
    .from(v)
    .where(
      inArray(
        v.bucket,
        moved.map((s) => s.bucket),
      ),
    );
  // Set together, after the last await: what another request set meanwhile is replaced by a
  // pair just as consistent.
  for (const row of rows) cache.versions.set(row.expertId, row.version);
  for (const s of moved) cache.sums.set(s.bucket, s.sum);
  return cache.versions;
}

/**
 * The calendars of these experts, each covering `need`: kept ones where their version is the
 * one in `versions`. One kept but changed or too short is read again over `reach` (a span
 * around `need`: what this process keeps serves later requests); one never read here, over
 * `need` only, since a process that serves one request (a Worker) would throw the rest away.
 */
export async function calendarsOf(
  q: Queryable,
  expertIds: readonly string[],
  versions: ReadonlyMap<string, number>,
  need: Interval,
  reach: Interval,
): Promise<Map<string, ExpertCalendar>> {
  const cache = cacheOf(q);
  const out = new Map<string, ExpertCalendar>();
  const absent: string[] = [];
  const outdated: string[] = [];
  for (const id of expertIds) {
    const kept = cache.calendars.get(id);
    if (!kept) absent.push(id);
    else if (
      kept.version === (versions.get(id) ?? 0) &&
      kept.from <= need.start &&
      kept.to >= need.end
    ) {
      out.set(id, kept);
    } else outdated.push(id);
  }
  const reads: Promise<[string, ExpertCalendar][]>[] = [];
  for (const [ids, range] of [
    [absent, need],
    [outdated, reach],
  ] as const) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      reads.push(readCalendars(q, ids.slice(i, i + CHUNK), range));
    }
  }
  for (const [id, calendar] of (await Promise.all(reads)).flat()) {
    out.set(id, calendar);
    keep(cache, id, calendar);
  }
  return out;
}

function keep(cache: Cache, id: string, calendar: ExpertCalendar) {
  const size = (c: ExpertCalendar) => (c.busy.length + c.booked.length) / 2;
  const old = cache.calendars.get(id);
  if (old) {
    cache.intervals -= size(old);
    cache.calendars.delete(id);
  }
  cache.calendars.set(id, calendar);
  cache.intervals += size(calendar);
  for (const [oldest, c] of cache.calendars) {
    if (cache.intervals <= CAPACITY || oldest === id) break;
    cache.calendars.delete(oldest);
    cache.intervals -= size(c);
  }
}

/**
 * The calendars of these experts over `range`, with the version they were read at: one
 * statement, so the version and what it counts are of one snapshot. Intervals come as JSON
 * pairs of epoch milliseconds (instants are stored in whole milliseconds: rounding only undoes
 * float8's inexact seconds), which parse far faster than rows of timestamps.
 */
async function readCalendars(
  q: Queryable,
  expertIds: readonly string[],
  range: Interval,
): Promise<[string, ExpertCalendar][]> {
  const from = new Date(range.start).toISOString();
  const to = new Date(range.end).toISOString();
  const window = sql`tstzrange(${from}::timestamptz, ${to}::timestamptz)`;
  const pairs = (start: string, end: string) =>
    sql.raw(
      `json_agg(json_build_array(round(date_part('epoch', ${start}) * 1000), round(date_part('epoch', ${end}) * 1000)) order by ${start})`,
    );
  const rows = await rowsOf<{
    id: string;
    version: string | number;
    busy: [number, number][] | null;
    booked: [number, number][] | null;
    months: string | null;
  }>(
    q,
    sql`
    select e.id,
      coalesce((select version from expert_calendar_versions v where v.expert_id = e.id), 0) as version,
      (select ${pairs('b.start_at', 'b.end_at')} from busy_blocks b
        where b.expert_id = e.id and tstzrange(b.start_at, b.end_at) && ${window}) as busy,
      (select ${pairs('s.blocked_from', 's.blocked_to')} from sessions s
        where s.expert_id = e.id and s.status in ('confirmed', 'completed')
          and tstzrange(s.blocked_from, s.blocked_to) && ${window}) as booked,
      (select string_agg(to_char(m.month, 'YYYY-MM') || ' ' || m.visits, ',' order by m.month)
        from expert_monthly_visits m where m.expert_id = e.id) as months
    from unnest(${`{${expertIds.join(',')}}`}::uuid[]) as e(id)`,
  );
  return rows.map((r) => {
    const busy = packed(r.busy);
    const booked = packed(r.booked);
    return [
      r.id,
      {
        version: Number(r.version),
        from: range.start,
        to: range.end,
        busy,
        booked,
        longest: Math.max(longestOf(busy), longestOf(booked)),
        months: (r.months?.split(',') ?? []).map((entry) => {
          const [month = '', visits] = entry.split(' ');
          return [month, Number(visits)] as const;
        }),
      },
    ];
  });
}

/** Pairs as one typed array; an empty range (a zero-length event) blocks nothing. */
function packed(pairs: [number, number][] | null): Float64Array {
  const kept = (pairs ?? []).filter(([start, end]) => start < end);
  const out = new Float64Array(kept.length * 2);
  for (const [i, [start, end]] of kept.entries()) {
    out[i * 2] = start;
    out[i * 2 + 1] = end;
  }
  return out;
}

function longestOf(pairs: Float64Array): number {
  let longest = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    longest = Math.max(longest, (pairs[i + 1] ?? 0) - (pairs[i] ?? 0));
  }
  return longest;
}

/**
 * The intervals of `pairs` overlapping one of `ranges` (merged, in time order), each once,
 * except `ignored` (the visit being moved).
 */
export function intervalsNear(
  pairs: Float64Array,
  longest: number,
  ranges: readonly Interval[],
  ignored?: Interval,
): Interval[] {
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  if (!first || !last) return [];
  const out: Interval[] = [];
  // None starting earlier than the longest interval before the first range can reach into it.
  for (let k = firstStartFrom(pairs, first.start - longest); k < pairs.length; k += 2) {
    const start = pairs[k] ?? 0;
    if (start >= last.end) break;
    const end = pairs[k + 1] ?? 0;
    if (!ranges.some((r) => start < r.end && end > r.start)) continue;
    if (ignored && start === ignored.start && end === ignored.end) continue;
    out.push({ start, end });
  }
  return out;
}

/** The index (even) of the first pair starting at or after `instant`. */
function firstStartFrom(pairs: Float64Array, instant: number): number {
  let lo = 0;
  let hi = pairs.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((pairs[mid * 2] ?? 0) < instant) lo = mid + 1;
    else hi = mid;
  }
  return lo * 2;
}
