import type { Config } from '../../config.ts';
import type { Queryable } from '../../db/types.ts';
import {
  type Availability,
  firstSlotInWorkingTime,
  slotsInWorkingTime,
  windowWorkingTime,
} from '../../domain/availability.ts';
import { type Interval, merge } from '../../domain/intervals.ts';
import {
  describeMatch,
  type Eligible,
  eligibleOf,
  mayVisit,
  monthKeys,
  type RankedMatch,
  type Scored,
  scoreEligible,
} from '../../domain/matching.ts';
import { MINUTE_MS } from '../../domain/time.ts';
import { intervalsNear } from './calendars.ts';
import {
  candidatesIn,
  type ExpertRow,
  loadPool,
  MAX_BUFFER_MS,
  NO_HOURS,
  obstaclesNear,
  type Pool,
} from './candidates.ts';

// How matching stays exact while it weighs thousands of experts in a few milliseconds each.
//
// The score needs each eligible expert's first slot (the earliest-slot part compares it with
// the earliest and latest first slot of all of them), never the slots after it. So every
// expert's first slot is found by walking their working time past their busy time, stopping
// at the first start that fits (most experts are free early in the windows), with busy time
// read from memory (calendars.ts): nothing per expert is read from the database unless it
// changed. With every first slot known, every score and so the order is exact. Full slots are
// then worked out only for the experts shown: the first `top` for matches. For the company's
// slots, each start goes to the best-ranked expert free then, so experts are taken in rank
// order, each only around the starts still open that its working hours could offer (busy
// time aside, under its monthly cap); one with none is skipped, as it could take nothing.

export type Wanted = { top: number } | { everySlot: true };

export async function rankRequest(
  q: Queryable,
  request: Pool['request'],
  corporateNumber: string | null,
  now: Date,
  config: Pick<Config, 'minNoticeHours' | 'horizonDays'>,
  wanted: Wanted,
): Promise<{ ranked: RankedMatch[]; experts: Map<string, ExpertRow>; excluded: Pool['excluded'] }> {
  const pool = await loadPool(q, request, corporateNumber, now, config, {});
  const experts = new Map(pool.experts.map((e) => [e.id, e]));
  const ranked = scoreEligible(pool.matchRequest, firstSlots(pool));
  if (!('top' in wanted)) {
    return { ranked: everySlotOwner(pool, ranked, experts), experts, excluded: pool.excluded };
  }
  // The full slots of the experts shown.
  const shown = ranked.slice(0, wanted.top).map(describeMatch);
  const rows = shown.flatMap((m) => experts.get(m.expertId) ?? []);
  const obstacles = obstaclesNear(
    pool,
    rows,
    aroundWorkingTime(pool, rows, pool.windows),
    Math.max(0, ...rows.map((e) => e.travelBufferMinutes)) * MINUTE_MS,
  );
  const slots = new Map(
    eligibleOf(pool.matchRequest, candidatesIn(pool, rows, obstacles, pool.windows)).map((e) => [
      e.candidate.expert.id,
      e.slots,
    ]),
  );
  for (const m of shown) m.slots = slots.get(m.expertId) ?? [];
  return { ranked: shown, experts, excluded: pool.excluded };
}

/**
 * Every expert of the pool who has a slot, with the first one: the slots themselves are left
 * empty, to be worked out for the experts shown. What candidatesIn and eligibleOf would give,
 * cut to the first slot.
 */
function firstSlots(pool: Pool): Eligible[] {
  const duration = pool.request.durationMinutes * MINUTE_MS;
  const ranges = merge(
    pool.windows.map((w) => ({ start: w.start - MAX_BUFFER_MS, end: w.end + MAX_BUFFER_MS })),
  );
  const working = new Map<Availability, Interval[]>();
  const month = monthKeys();
  return pool.experts.flatMap((expert): Eligible[] => {
    const format = mayVisit(pool.matchRequest, expert);
    const calendar = pool.calendars.get(expert.id);
    if (!format || !calendar) return [];
    const availability = pool.availability.get(expert.id) ?? NO_HOURS;
    let hours = working.get(availability);
    if (!hours) {
      hours = merge(windowWorkingTime(availability, pool.windows, pool.bookable));
      working.set(availability, hours);
    }
    const load = pool.load.get(expert.id);
    const months = load?.months ?? {};
    const first = firstSlotInWorkingTime(
      hours,
      [
        ...intervalsNear(calendar.busy, calendar.longest, ranges),
        ...intervalsNear(calendar.booked, calendar.longest, ranges, pool.moving),
      ],
      {
        bufferMinutes: format === 'onsite' ? expert.travelBufferMinutes : 0,
        durationMinutes: pool.request.durationMinutes,
      },
      (start) =>
        (months[month(start)] ?? 0) < expert.maxVisitsPerMonth &&
        !pool.ownVisits.some((v) => v.start < start + duration && start < v.end),
    );
    if (first === undefined) return [];
    const candidate = {
      expert,
      visitsThisFiscalYear: load?.year ?? 0,
      activeVisitsByMonth: months,
      slots: [],
    };
    return [{ candidate, format, slots: [], first }];
  });
}

/**
 * The ranked experts who own a start of the company's slots, in rank order, each with its
 * slots among the starts still open when it was reached: what bestExpertPerSlot needs to give
 * the same answer as over every expert's full slots. An expert is asked only about the starts
 * still open that its working hours could offer, each checked against its busy time, so once
 * the best-ranked have taken most starts, the others cost little.
 */
function everySlotOwner(
  pool: Pool,
  ranked: readonly Scored[],
  experts: Map<string, ExpertRow>,
): RankedMatch[] {
  const taken = new Set<number>();
  const openStarts = couldOffer(pool, taken);
  const duration = pool.request.durationMinutes * MINUTE_MS;
  const owners: RankedMatch[] = [];
  for (const scored of ranked) {
    const id = scored.eligible.candidate.expert.id;
    const expert = experts.get(id);
    const calendar = pool.calendars.get(id);
    if (!expert || !calendar) continue;
    const buffer = scored.eligible.format === 'onsite' ? expert.travelBufferMinutes * MINUTE_MS : 0;
    const free = openStarts(expert).filter((start) => {
      // The visit with its buffer on both sides must miss every busy block and session.
      const around = [{ start: start - buffer, end: start + duration + buffer }];
      return (
        intervalsNear(calendar.busy, calendar.longest, around).length === 0 &&
        intervalsNear(calendar.booked, calendar.longest, around, pool.moving).length === 0
      );
    });
    if (free.length === 0) continue;
    const match = describeMatch(scored);
    match.slots = free.map((start) => ({ start, end: start + duration }));
    owners.push(match);
    for (const start of free) taken.add(start);
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
  const month = monthKeys();
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
    return free.filter((start) => (months[month(start)] ?? 0) < expert.maxVisitsPerMonth);
  };
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
