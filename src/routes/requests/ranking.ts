import type { Config } from '../../config.ts';
import type { Queryable } from '../../db/types.ts';
import { slotsInWorkingTime, windowWorkingTime } from '../../domain/availability.ts';
import type { Interval } from '../../domain/intervals.ts';
import {
  type Eligible,
  eligibleOf,
  type RankedMatch,
  rankEligible,
} from '../../domain/matching.ts';
import { DAY_MS, tokyoMonthKey } from '../../domain/time.ts';
import { candidatesIn, type ExpertRow, loadObstacles, loadPool, type Pool } from './candidates.ts';

// How matching stays exact while it reads a fraction of the busy time of thousands of experts.
//
// The score needs each eligible expert's first slot (the earliest-slot part compares it with
// the earliest and latest first slot of all of them), never the slots after it. A first slot
// found in an early part of the windows is the first slot over all of them: slots are on a
// grid counted from the epoch, and cutting the windows short only removes slots that end after
// the cut. So busy time is read in stages, for the first day of the windows, then the first
// four days, then all of them, each stage only for the experts with no slot yet; most experts
// are free on the first day, and only the busy few are read in full.
//
// With every first slot known, every score and so the order is exact. Full slots are then read
// only for the experts shown: the first `top` for matches. For the company's slots, each start
// goes to the best-ranked expert free then, so experts are read in rank order and one is
// skipped when none of the starts its working hours could offer (busy time aside, under its
// monthly cap) is still without an expert: it could add nothing. Once every start any
// remaining expert could offer is taken, nobody else is read.
const STAGES_MS = [DAY_MS, 4 * DAY_MS];
// Experts whose busy time is read together while walking the ranking for the company's slots.
const SLOTS_BATCH = 50;

export type Wanted = { top: number } | { everySlot: true };

export async function rankRequest(
  q: Queryable,
  request: Pool['request'],
  corporateNumber: string | null,
  now: Date,
  config: Pick<Config, 'minNoticeHours' | 'horizonDays'>,
  wanted: Wanted,
): Promise<{ ranked: RankedMatch[]; experts: Map<string, ExpertRow> }> {
  const stages = (windows: Interval[]) => {
    const start = windows[0]?.start ?? 0;
    return [...STAGES_MS.map((ms) => before(windows, start + ms)), windows];
  };
  const first = await loadPool(q, request, corporateNumber, now, config, {}, (windows) => {
    const [stage = []] = stages(windows);
    return stage;
  });
  const { pool } = first;
  const experts = new Map(pool.experts.map((e) => [e.id, e]));

  const found: Eligible[] = [];
  const complete = new Set<string>();
  let remaining = pool.experts;
  let obstacles = first.obstacles;
  const plan = stages(pool.windows);
  for (const [i, windows] of plan.entries()) {
    if (remaining.length === 0) break;
    if (i > 0) {
      // A stage no wider than the last reads nothing new.
      if (covers(plan[i - 1] ?? [], windows)) continue;
      obstacles = await loadObstacles(q, { ids: remaining.map((e) => e.id) }, windows, {});
    }
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
    }
    remaining = whole ? [] : remaining.filter((e) => !seen.has(e.id));
  }

  const ranked = rankEligible(pool.matchRequest, found);
  const full = async (matches: RankedMatch[]) => {
    const partial = matches.filter((m) => !complete.has(m.expertId));
    if (partial.length === 0) return;
    const rows = partial.flatMap((m) => experts.get(m.expertId) ?? []);
    const read = await loadObstacles(q, { ids: rows.map((e) => e.id) }, pool.windows, {});
    const slots = new Map(
      eligibleOf(pool.matchRequest, candidatesIn(pool, rows, read, pool.windows)).map((e) => [
        e.candidate.expert.id,
        e.slots,
      ]),
    );
    for (const m of partial) {
      m.slots = slots.get(m.expertId) ?? [];
      complete.add(m.expertId);
    }
  };

  if ('top' in wanted) {
    const shown = ranked.slice(0, wanted.top);
    await full(shown);
    return { ranked: shown, experts };
  }
  return { ranked: await everySlotOwner(pool, ranked, experts, full), experts };
}

/**
 * The ranked experts who own at least one start of the company's slots, in rank order, with
 * their full slots: what bestExpertPerSlot needs to give the same answer as over all of them.
 */
async function everySlotOwner(
  pool: Pool,
  ranked: RankedMatch[],
  experts: Map<string, ExpertRow>,
  full: (matches: RankedMatch[]) => Promise<void>,
): Promise<RankedMatch[]> {
  const taken = new Set<number>();
  const couldAdd = couldOfferFree(pool, taken);
  const owners: RankedMatch[] = [];
  let next = 0;
  while (next < ranked.length) {
    const batch: RankedMatch[] = [];
    while (next < ranked.length && batch.length < SLOTS_BATCH) {
      const match = ranked[next++] as RankedMatch;
      const expert = experts.get(match.expertId);
      if (expert && couldAdd(expert)) batch.push(match);
    }
    if (batch.length === 0) break;
    await full(batch);
    for (const match of batch) {
      owners.push(match);
      for (const slot of match.slots) taken.add(slot.start);
    }
  }
  return owners;
}

/**
 * Whether an expert's working hours (busy time aside, under the monthly cap, clear of the
 * company's own visits) hold a start that is not yet `taken`: their real slots are a subset of
 * these. Starts are worked out once per set of hours.
 */
function couldOfferFree(pool: Pool, taken: ReadonlySet<number>): (expert: ExpertRow) => boolean {
  const starts = new Map<unknown, number[]>();
  return (expert) => {
    const availability = pool.availability.get(expert.id);
    if (!availability) return false;
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
      starts.set(availability, open);
    }
    // Starts taken stay taken: dropping them keeps the next look short.
    const free = open.filter((start) => !taken.has(start));
    starts.set(availability, free);
    const months = pool.load.get(expert.id)?.months ?? {};
    return free.some((start) => (months[tokyoMonthKey(start)] ?? 0) < expert.maxVisitsPerMonth);
  };
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
