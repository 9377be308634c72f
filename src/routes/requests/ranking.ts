import type { Config } from '../../config.ts';
import type { Queryable } from '../../db/types.ts';
import {
  type Availability,
  slotsInWorkingTime,
  windowWorkingTime,
} from '../../domain/availability.ts';
import { isHoliday } from '../../domain/holidays.ts';
import { type Interval, merge } from '../../domain/intervals.ts';
import {
  type Eligible,
  eligibleOf,
  type RankedMatch,
  rankEligible,
} from '../../domain/matching.ts';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  TOKYO_OFFSET_MS,
  tokyoDate,
  tokyoMonthKey,
  tokyoWeekday,
} from '../../domain/time.ts';
import { candidatesIn, type ExpertRow, loadObstacles, loadPool, type Pool } from './candidates.ts';

// How matching stays exact while it reads a fraction of the busy time of thousands of experts.
//
// The score needs each eligible expert's first slot (the earliest-slot part compares it with
// the earliest and latest first slot of all of them), never the slots after it. A first slot
// found in an early part of the windows is the first slot over all of them: slots are on a
// grid counted from the epoch, and cutting the windows short only removes slots that end after
// the cut. So busy time is read in stages: the windows up to their first working day (eight
// hours of weekday office time, 09:00–18:00 JST, holidays aside), then up to their fourth, then
// all of them, each stage only for the experts with no slot yet. Most experts are free on the
// first working day, and only the busy few are read in full. Where the stages are cut only
// decides how much is read, never the answer.
//
// With every first slot known, every score and so the order is exact. Full slots are then read
// only for the experts shown: the first `top` for matches. For the company's slots, each start
// goes to the best-ranked expert free then, so experts are read in rank order, each only around
// the starts still open that its working hours could offer (busy time aside, under its monthly
// cap); one with none is skipped, as it could take nothing. Once the best-ranked have taken
// most starts, the others are read only around the few starts left.
const STAGES_MS = [8 * HOUR_MS, 32 * HOUR_MS];
const OFFICE_HOURS = { start: 9 * HOUR_MS, end: 18 * HOUR_MS };
// Below this many experts one read over all the windows costs less than the round trips of the
// stages, and leaves nothing more to read for the slots.
const STAGED_FROM = 500;
// Experts whose busy time is read together while walking the ranking for the company's slots.
const SLOTS_BATCH = 50;

export type Wanted = { top: number } | { everySlot: true };

/** What a stage read of an expert it found: their slot starts, exact up to the stage's cut. */
type Known = { starts: ReadonlySet<number>; cut: number };

export async function rankRequest(
  q: Queryable,
  request: Pool['request'],
  corporateNumber: string | null,
  now: Date,
  config: Pick<Config, 'minNoticeHours' | 'horizonDays'>,
  wanted: Wanted,
  /** Pools of at least this many experts are read in stages (tests stage the smallest). */
  stagedFrom = STAGED_FROM,
): Promise<{ ranked: RankedMatch[]; experts: Map<string, ExpertRow>; excluded: Pool['excluded'] }> {
  const stages = (windows: Interval[]) => [
    ...STAGES_MS.map((ms) => {
      const cut = afterOfficeTime(windows, ms);
      return { windows: before(windows, cut), cut };
    }),
    { windows, cut: Number.POSITIVE_INFINITY },
  ];
  // A small pool is read whole in the round trip that reads it; a large one in stages.
  const { pool, prefetched } = await loadPool(
    q,
    request,
    corporateNumber,
    now,
    config,
    {},
    async (experts, windows) =>
      experts.length < stagedFrom
        ? loadObstacles(
            q,
            experts.map((e) => e.id),
            windows,
            Math.max(0, ...experts.map((e) => e.travelBufferMinutes)) * MINUTE_MS,
            {},
          )
        : undefined,
  );
  const experts = new Map(pool.experts.map((e) => [e.id, e]));
  const read = (rows: readonly ExpertRow[], windows: Interval[]) =>
    loadObstacles(
      q,
      rows.map((e) => e.id),
      aroundWorkingTime(pool, rows, windows),
      Math.max(0, ...rows.map((e) => e.travelBufferMinutes)) * MINUTE_MS,
      {},
    );

  const found: Eligible[] = [];
  const complete = new Set<string>();
  const known = new Map<string, Known>();
  let remaining = pool.experts;
  const plan =
    pool.experts.length < stagedFrom
      ? [{ windows: pool.windows, cut: Number.POSITIVE_INFINITY }]
      : stages(pool.windows);
  for (const [i, { windows, cut }] of plan.entries()) {
    if (remaining.length === 0) break;
    // A stage no wider than the last reads nothing new.
    if (i > 0 && covers(plan[i - 1]?.windows ?? [], windows)) continue;
    const obstacles = (i === 0 && prefetched) || (await read(remaining, windows));
    const whole = covers(windows, pool.windows);
    const eligible = eligibleOf(
      pool.matchRequest,
      candidatesIn(pool, remaining, obstacles, windows),
    );
    const seen = new Set<string>();
    for (const e of eligible) {
      found.push(e);
      seen.add(e.candidate.expert.id);
      if (whole) complete.add(e.candidate.expert.id);
      else known.set(e.candidate.expert.id, { starts: new Set(e.slots.map((s) => s.start)), cut });
    }
    remaining = whole ? [] : remaining.filter((e) => !seen.has(e.id));
  }

  const ranked = rankEligible(pool.matchRequest, found);
  // The slots of these experts inside `windows`, read afresh unless read in full already.
  const slotsIn = async (matches: RankedMatch[], windows: Interval[]) => {
    const partial = matches.filter((m) => !complete.has(m.expertId));
    if (partial.length === 0) return;
    const rows = partial.flatMap((m) => experts.get(m.expertId) ?? []);
    const obstacles = await read(rows, windows);
    const slots = new Map(
      eligibleOf(pool.matchRequest, candidatesIn(pool, rows, obstacles, windows)).map((e) => [
        e.candidate.expert.id,
        e.slots,
      ]),
    );
    for (const m of partial) m.slots = slots.get(m.expertId) ?? [];
  };

  if ('top' in wanted) {
    const shown = ranked.slice(0, wanted.top);
    await slotsIn(shown, pool.windows);
    return { ranked: shown, experts, excluded: pool.excluded };
  }
  const owners = await everySlotOwner(pool, ranked, experts, known, slotsIn);
  return { ranked: owners, experts, excluded: pool.excluded };
}

/**
 * The ranked experts who own a start of the company's slots, in rank order, each with its
 * slots among the starts still open when it was read: what bestExpertPerSlot needs to give the
 * same answer as over every expert's full slots. Experts are read in batches that double, each
 * only inside the slots of the starts its members could still take, so once the best-ranked
 * have taken most starts, the rest are read only around the few starts left.
 */
async function everySlotOwner(
  pool: Pool,
  ranked: RankedMatch[],
  experts: Map<string, ExpertRow>,
  known: ReadonlyMap<string, Known>,
  slotsIn: (matches: RankedMatch[], windows: Interval[]) => Promise<void>,
): Promise<RankedMatch[]> {
  const taken = new Set<number>();
  const openStarts = couldOffer(pool, taken);
  const duration = pool.request.durationMinutes * MINUTE_MS;
  const owners: RankedMatch[] = [];
  let next = 0;
  let size = SLOTS_BATCH;
  while (next < ranked.length) {
    const batch: { match: RankedMatch; settled: number[] }[] = [];
    const unread: RankedMatch[] = [];
    const toRead = new Set<RankedMatch>();
    const starts = new Set<number>();
    while (next < ranked.length && batch.length < size) {
      const match = ranked[next++] as RankedMatch;
      const expert = experts.get(match.expertId);
      if (!expert) continue;
      // Starts ending before the cut of the stage that found the expert are settled by what
      // that stage read: a slot there is one over all the windows, and no slot there is none.
      const stage = known.get(match.expertId);
      const settled: number[] = [];
      const open: number[] = [];
      for (const start of openStarts(expert)) {
        if (stage && start + duration <= stage.cut) {
          if (stage.starts.has(start)) settled.push(start);
        } else open.push(start);
      }
      if (settled.length === 0 && open.length === 0) continue;
      batch.push({ match, settled });
      if (open.length > 0) {
        unread.push(match);
        toRead.add(match);
      }
      for (const start of open) starts.add(start);
    }
    if (batch.length === 0) break;
    // A start is a slot inside these windows exactly when it is one inside all of them.
    await slotsIn(unread, merge([...starts].map((start) => ({ start, end: start + duration }))));
    for (const { match, settled } of batch) {
      if (!toRead.has(match)) match.slots = [];
      const read = new Set(match.slots.map((slot) => slot.start));
      match.slots = [
        ...match.slots,
        ...settled
          .filter((start) => !read.has(start))
          .map((start) => ({ start, end: start + duration })),
      ].sort((a, b) => a.start - b.start);
      owners.push(match);
      for (const slot of match.slots) taken.add(slot.start);
    }
    size *= 2;
  }
  return owners;
}

/**
 * The starts an expert's working hours hold (busy time aside, under the monthly cap, clear of
 * the company's own visits) that are not yet `taken`: the expert's real slots among the open
 * starts are a subset of these. Starts are worked out once per set of hours.
 */
function couldOffer(pool: Pool, taken: ReadonlySet<number>): (expert: ExpertRow) => number[] {
  const starts = new Map<Availability, number[]>();
  return (expert) => {
    const availability = pool.availability.get(expert.id);
    if (!availability) return [];
    let open = starts.get(availability);
    if (!open) {
      const working = windowWorkingTime(availability, pool.windows, pool.bookable);
      open = slotsInWorkingTime(working, {
        busy: [],
        sessions: [],
        bufferMinutes: 0,
        durationMinutes: pool.request.durationMinutes,
      })
        .filter((slot) => !pool.ownVisits.some((v) => v.start < slot.end && slot.start < v.end))
        .map((slot) => slot.start);
    }
    // Starts taken stay taken: dropping them keeps the next look short.
    const free = open.filter((start) => !taken.has(start));
    starts.set(availability, free);
    const months = pool.load.get(expert.id)?.months ?? {};
    return free.filter((start) => (months[tokyoMonthKey(start)] ?? 0) < expert.maxVisitsPerMonth);
  };
}

/** The instant by which the windows hold `amount` of weekday office time (∞ if they never do). */
function afterOfficeTime(windows: readonly Interval[], amount: number): number {
  let held = 0;
  for (const w of merge(windows)) {
    const firstMidnight =
      Math.floor((w.start + TOKYO_OFFSET_MS) / DAY_MS) * DAY_MS - TOKYO_OFFSET_MS;
    for (let midnight = firstMidnight; midnight < w.end; midnight += DAY_MS) {
      const date = tokyoDate(midnight);
      if (tokyoWeekday(date) > 5 || isHoliday(date)) continue;
      const from = Math.max(w.start, midnight + OFFICE_HOURS.start);
      const to = Math.min(w.end, midnight + OFFICE_HOURS.end);
      if (to <= from) continue;
      if (held + (to - from) >= amount) return from + (amount - held);
      held += to - from;
    }
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * The part of the windows where any of these experts works. Only busy time near it can block
 * one of their slots (within the widest buffer among them), so the rest need not be read: a
 * window over a weekend costs nothing for experts who work on weekdays.
 */
function aroundWorkingTime(
  pool: Pool,
  rows: readonly ExpertRow[],
  windows: readonly Interval[],
): Interval[] {
  const hours = new Set(rows.map((e) => pool.availability.get(e.id)));
  return merge(
    [...hours].flatMap((availability) =>
      availability ? windowWorkingTime(availability, windows, pool.bookable) : [],
    ),
  );
}

/** The windows cut off at `cut`. */
function before(windows: readonly Interval[], cut: number): Interval[] {
  return windows.flatMap((w) =>
    w.start < cut ? [{ start: w.start, end: Math.min(w.end, cut) }] : [],
  );
}

/** Whether `a` reaches as far as `b` (both cut from the same windows). */
function covers(a: readonly Interval[], b: readonly Interval[]): boolean {
  return a.length === b.length && a.every((w, i) => w.end >= (b[i]?.end ?? 0));
}
