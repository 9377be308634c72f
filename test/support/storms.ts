import { and, count, eq, inArray } from 'drizzle-orm';
import { sessions } from '../../src/db/schema.ts';
import type { Db } from '../../src/db/types.ts';
import { fiscalYearOf, tokyoDate, tokyoMonthKey } from '../../src/domain/time.ts';
import type { CallOptions, Reply } from './api.ts';
import { corporateNumber, iso } from './booking.ts';
import { expert, weekdays9to17 } from './fixtures.ts';

// Booking storms: many bookings of contested slots fired at once, through one app in-process
// (app.request) or spread over several server processes (HTTP). Setup goes through the API
// too, and slots are taken from GET /v1/requests/:id/matches, so they are slots the server
// itself considers free whatever its clock says. Each `…Storm` function does the setup and
// returns the storm's requests unsent (`jobs`); `runStorm` fires one, `together` several as one.

export type Call = (method: string, path: string, options?: CallOptions) => Promise<Reply>;

export type StormTarget = {
  /** For setup: experts, applications, the slots to aim at. */
  call: Call;
  /** For the storm itself; may spread requests over several servers. */
  fire: Call;
  /** The server's clock, to place preferred windows inside its bookable range. */
  now: () => Date;
};

export type Slot = { start: number; end: number };
export type StormResult = { replies: Reply[]; ms: number };
export type Applied = { id: string; token: string; companyId: string };

const DAY_MS = 86_400_000;

export async function newExpert(t: StormTarget, overrides: Record<string, unknown> = {}) {
  const created = await t.call('POST', '/v1/experts', { body: expert(overrides) });
  if (created.status !== 201) throw new Error(`expert: ${created.status} ${created.text}`);
  const id = created.body.id as string;
  const hours = await t.call('PUT', `/v1/experts/${id}/availability`, {
    body: { weekly: weekdays9to17, overrides: [] },
  });
  if (hours.status !== 200) throw new Error(`availability: ${hours.status} ${hours.text}`);
  return id;
}

export type RequestShape = {
  corporateNumber?: string;
  format?: 'onsite' | 'online';
  durationMinutes?: number;
};

/**
 * An accepted application whose preferred window spans 4 to 45 days from the server's now.
 */
export async function newRequest(t: StormTarget, shape: RequestShape = {}): Promise<Applied> {
  const number = shape.corporateNumber ?? corporateNumber();
  const now = t.now().getTime();
  const res = await t.call('POST', '/v1/requests', {
    token: null,
    body: {
      company: {
        name: `株式会社嵐${number.slice(-5)}`,
        corporateNumber: number,
        industryCode: 'E24',
        prefectureCode: '23',
        employees: 80,
        capitalYen: 30_000_000,
      },
      contact: { name: '担当 一郎', email: 'storm@example.jp' },
      topics: ['identify', 'access'],
      format: shape.format ?? 'onsite',
      durationMinutes: shape.durationMinutes ?? 120,
      preferredWindows: [{ start: iso(now + 4 * DAY_MS), end: iso(now + 45 * DAY_MS) }],
      notes: '',
    },
  });
  if (res.status !== 201) throw new Error(`apply: ${res.status} ${res.text}`);
  // The office accepts it, so the company may book (and its record exists to count quotas on).
  const accepted = await t.call('POST', `/v1/requests/${res.body.request.id}/accept`, {
    body: {},
  });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${accepted.text}`);
  return {
    id: res.body.request.id,
    token: res.body.accessToken,
    companyId: accepted.body.company.id,
  };
}

export async function newRequests(t: StormTarget, n: number, shape: (i: number) => RequestShape) {
  const out: Applied[] = [];
  for (let i = 0; i < n; i++) out.push(await newRequest(t, shape(i)));
  return out;
}

/** The expert's free slots for this request, as the server's matching computes them. */
export async function expertSlots(t: StormTarget, requestId: string, expertId: string) {
  const res = await t.call('GET', `/v1/requests/${requestId}/matches?limit=200&slotsPerExpert=500`);
  if (res.status !== 200) throw new Error(`matches: ${res.status} ${res.text}`);
  const match = (res.body.matches as { expert: { id: string }; slots: Slot[] }[]).find(
    (m) => m.expert.id === expertId,
  );
  if (!match || match.slots.length === 0) throw new Error(`no slots for expert ${expertId}`);
  return match.slots.map((s) => ({ start: Date.parse(`${s.start}`), end: Date.parse(`${s.end}`) }));
}

/** Slots that do not overlap one another, earliest first. */
export function disjoint(slots: readonly Slot[]): Slot[] {
  const out: Slot[] = [];
  for (const slot of slots) {
    const last = out[out.length - 1];
    if (!last || slot.start >= last.end) out.push(slot);
  }
  return out;
}

/** The first group (by `key`, in time order) holding at least `n` slots. */
export function firstGroupOf(slots: readonly Slot[], n: number, key: (s: Slot) => string) {
  const groups = new Map<string, Slot[]>();
  for (const slot of slots) {
    const k = key(slot);
    groups.set(k, [...(groups.get(k) ?? []), slot]);
  }
  const group = [...groups.values()].find((g) => g.length >= n);
  if (!group) throw new Error(`no group with ${n} slots`);
  return group.slice(0, n);
}

export type Job = () => Promise<Reply>;
/** A storm set up and ready: its requests, not sent yet, and what the checks need. */
export type Prepared = { jobs: Job[] };

/** Fires all `jobs` at once and times them. */
export async function storm(jobs: readonly Job[]): Promise<StormResult> {
  const started = performance.now();
  const replies = await Promise.all(jobs.map((job) => job()));
  return { replies, ms: Math.round(performance.now() - started) };
}

/** Sets up a storm, then fires it: the result carries the replies, the time and the context. */
export async function runStorm<P extends Prepared>(prepared: Promise<P>): Promise<P & StormResult> {
  const ready = await prepared;
  return { ...ready, ...(await storm(ready.jobs)) };
}

/**
 * Fires several prepared storms as one: every request of every storm at once. Each storm
 * gets its own replies back, in order.
 */
export async function together<P extends Prepared>(storms: P[]) {
  const { replies, ms } = await storm(storms.flatMap((s) => s.jobs));
  let offset = 0;
  const results = storms.map((s) => {
    const own = replies.slice(offset, offset + s.jobs.length);
    offset += s.jobs.length;
    return { ...s, replies: own, ms };
  });
  return { results, ms };
}

/** One booking request, ready to fire: as staff, or as the company with its own token. */
export function booking(
  t: StormTarget,
  request: Applied,
  expertId: string,
  start: number,
  options: { asCompany?: boolean; key?: string } = {},
) {
  return () =>
    t.fire('POST', `/v1/requests/${request.id}/sessions`, {
      token: options.asCompany ? request.token : undefined,
      body: { expertId, start: iso(start) },
      headers: options.key ? { 'idempotency-key': options.key } : {},
    });
}

async function bookNow(t: StormTarget, request: Applied, expertId: string, start: number) {
  const res = await booking(t, request, expertId, start)();
  if (res.status !== 201) throw new Error(`pre-booking: ${res.status} ${res.text}`);
  return res.body.id as string;
}

/** Active sessions stored for any of these experts or companies. */
export async function activeRows(db: Db, by: { experts?: string[]; companies?: string[] }) {
  const [row] = await db
    .select({ n: count() })
    .from(sessions)
    .where(
      and(
        inArray(sessions.status, ['confirmed', 'completed']),
        by.experts ? inArray(sessions.expertId, by.experts) : undefined,
        by.companies ? inArray(sessions.companyId, by.companies) : undefined,
      ),
    );
  return row?.n ?? 0;
}

/** `n` companies book one expert's one slot; half as staff, half with their own token. */
export async function sameSlotStorm(t: StormTarget, n: number) {
  const expertId = await newExpert(t);
  const requests = await newRequests(t, n, () => ({}));
  const [first] = requests;
  if (!first) throw new Error('no requests');
  const [slot] = await expertSlots(t, first.id, expertId);
  if (!slot) throw new Error('no slot');
  const jobs = requests.map((r, i) =>
    booking(t, r, expertId, slot.start, { asCompany: i % 2 === 1 }),
  );
  return { jobs, expertId };
}

const shapes: RequestShape[] = [
  { format: 'onsite', durationMinutes: 60 },
  { format: 'onsite', durationMinutes: 120 },
  { format: 'onsite', durationMinutes: 180 },
  { format: 'online', durationMinutes: 60 },
  { format: 'online', durationMinutes: 120 },
  { format: 'online', durationMinutes: 180 },
];

/**
 * `n` companies book one expert (60-minute travel buffer) on one day at starts and lengths
 * that overlap in every way: other start, other length, on site against online, and
 * buffers meeting buffers.
 */
export async function overlapStorm(t: StormTarget, n: number) {
  const expertId = await newExpert(t, { travelBufferMinutes: 60 });
  const requests = await newRequests(t, n, (i) => shapes[i % shapes.length] ?? {});
  const slotsByShape: Slot[][] = [];
  for (const [k] of shapes.entries()) {
    const request = requests[k];
    if (!request) throw new Error('fewer requests than shapes');
    slotsByShape.push(await expertSlots(t, request.id, expertId));
  }
  // The first day on which every shape has a few starts to choose from.
  const days = [...new Set(slotsByShape.flat().map((s) => tokyoDate(s.start)))].sort();
  const day = days.find((d) =>
    slotsByShape.every((slots) => slots.filter((s) => tokyoDate(s.start) === d).length >= 3),
  );
  if (!day) throw new Error('no day with slots of every shape');
  const jobs = requests.map((request, i) => {
    const own = (slotsByShape[i % shapes.length] ?? []).filter((s) => tokyoDate(s.start) === day);
    const slot = own[(i * 5) % own.length];
    if (!slot) throw new Error('no slot that day');
    return booking(t, request, expertId, slot.start);
  });
  return { jobs, expertId, day };
}

/** One company sends `n` bookings with `n` experts at the same time. */
export async function companyOverlapStorm(t: StormTarget, n: number) {
  const number = corporateNumber();
  const experts: string[] = [];
  for (let i = 0; i < n; i++) experts.push(await newExpert(t));
  const requests = await newRequests(t, n, () => ({ corporateNumber: number }));
  const [first] = requests;
  const [firstExpert] = experts;
  if (!first || !firstExpert) throw new Error('empty storm');
  const [slot] = await expertSlots(t, first.id, firstExpert);
  if (!slot) throw new Error('no slot');
  const jobs = requests.map((r, i) => booking(t, r, experts[i] ?? firstExpert, slot.start));
  return { jobs, companyId: first.companyId };
}

/**
 * A company already at `quota − 1` visits in a fiscal year sends `n` bookings with `n`
 * experts at `n` times that overlap neither each other nor its earlier visits.
 */
export async function companyQuotaStorm(t: StormTarget, n: number, quota: number) {
  const number = corporateNumber();
  const total = quota - 1 + n;
  const experts: string[] = [];
  for (let i = 0; i < total; i++) experts.push(await newExpert(t));
  const shape = { corporateNumber: number, format: 'online', durationMinutes: 60 } as const;
  const requests = await newRequests(t, total, () => shape);
  const [first] = requests;
  const [firstExpert] = experts;
  if (!first || !firstExpert) throw new Error('empty storm');
  const times = firstGroupOf(disjoint(await expertSlots(t, first.id, firstExpert)), total, (s) =>
    String(fiscalYearOf(s.start)),
  );
  const at = (i: number) => {
    const slot = times[i];
    const request = requests[i];
    const expertId = experts[i];
    if (!slot || !request || !expertId) throw new Error(`no slot ${i}`);
    return { slot, request, expertId };
  };
  for (let i = 0; i < quota - 1; i++) {
    const { request, expertId, slot } = at(i);
    await bookNow(t, request, expertId, slot.start);
  }
  const jobs = Array.from({ length: n }, (_, j) => {
    const { request, expertId, slot } = at(quota - 1 + j);
    return booking(t, request, expertId, slot.start);
  });
  return { jobs, companyId: first.companyId };
}

/**
 * An expert already at `cap − 1` visits in a Tokyo month gets `n` bookings from `n`
 * companies at `n` times in that month that do not overlap.
 */
export async function expertCapStorm(t: StormTarget, n: number, cap: number) {
  const expertId = await newExpert(t, { maxVisitsPerMonth: cap });
  const total = cap - 1 + n;
  const requests = await newRequests(t, total, () => ({ format: 'online', durationMinutes: 60 }));
  const [first] = requests;
  if (!first) throw new Error('empty storm');
  const times = firstGroupOf(disjoint(await expertSlots(t, first.id, expertId)), total, (s) =>
    tokyoMonthKey(s.start),
  );
  const at = (i: number) => {
    const slot = times[i];
    const request = requests[i];
    if (!slot || !request) throw new Error(`no slot ${i}`);
    return { slot, request };
  };
  for (let i = 0; i < cap - 1; i++) {
    const { request, slot } = at(i);
    await bookNow(t, request, expertId, slot.start);
  }
  const jobs = Array.from({ length: n }, (_, j) => {
    const { request, slot } = at(cap - 1 + j);
    return booking(t, request, expertId, slot.start);
  });
  return { jobs, expertId };
}

/** The same booking `n` times at once with one Idempotency-Key. */
export async function idempotencyStorm(t: StormTarget, n: number) {
  const expertId = await newExpert(t);
  const request = await newRequest(t);
  const [slot] = await expertSlots(t, request.id, expertId);
  if (!slot) throw new Error('no slot');
  const key = `storm-${request.id}`;
  const job = booking(t, request, expertId, slot.start, { key });
  return { jobs: Array.from({ length: n }, () => job), request };
}

/**
 * `n` confirmed visits of one expert, on separate hours, are all moved at once onto one free
 * hour: one may have it, the others must keep their slots.
 */
export async function rescheduleStorm(t: StormTarget, n: number) {
  const expertId = await newExpert(t);
  const requests = await newRequests(t, n, () => ({ format: 'online', durationMinutes: 60 }));
  const [first] = requests;
  if (!first) throw new Error('empty storm');
  const times = disjoint(await expertSlots(t, first.id, expertId));
  const target = times[n];
  if (!target) throw new Error('not enough slots');
  const booked: { id: string; start: number }[] = [];
  for (const [i, request] of requests.entries()) {
    const slot = times[i];
    if (!slot) throw new Error('not enough slots');
    booked.push({ id: await bookNow(t, request, expertId, slot.start), start: slot.start });
  }
  const jobs = booked.map(
    (b) => () =>
      t.fire('POST', `/v1/sessions/${b.id}/reschedule`, { body: { start: iso(target.start) } }),
  );
  return { jobs, booked, target, expertId };
}

/** The stored start and sequence of a session. */
export async function storedStart(db: Db, id: string) {
  const [row] = await db
    .select({ start: sessions.start, sequence: sessions.sequence })
    .from(sessions)
    .where(eq(sessions.id, id));
  return row;
}
