import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/types.ts';
import { fiscalYearOf, tokyoDate } from '../../src/domain/time.ts';
import type { Reply } from './api.ts';
import { corporateNumber, invariantBreaches, iso } from './booking.ts';
import { rowsOf } from './sql.ts';
import { type Applied, type Call, expertSlots, newExpert, type StormTarget } from './storms.ts';

// A mixed storm: many clients at once applying, accepting and declining applications, booking,
// rescheduling, cancelling and reading against a few experts' few days, so most writes compete
// for the same ranges, rows and quotas, and decisions race bookings on the same requests. Every
// answer is recorded; `stormFindings` then holds the database to them.

const DAY_MS = 86_400_000;

/** A small seeded PRNG (mulberry32): a failing storm can be replayed with its seed. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  return { next, pick };
}

export type World = {
  experts: string[];
  /** Requests anyone may book; applications made during the storm join it. */
  requests: Applied[];
  corporateNumbers: string[];
  /** Contested starts (ms): the first days with free slots, on the half-hour grid. */
  starts: number[];
  fiscalYear: number;
};

const shapes = [
  { format: 'onsite', durationMinutes: 60 },
  { format: 'onsite', durationMinutes: 120 },
  { format: 'online', durationMinutes: 60 },
  { format: 'online', durationMinutes: 120 },
  { format: 'online', durationMinutes: 180 },
] as const;

let applications = 0;

/** An application body of one of `world`'s companies, in the storm's own shapes. */
export function applicationBody(now: number, number: string, shapeIndex: number) {
  applications += 1;
  const shape = shapes[shapeIndex % shapes.length] ?? shapes[0];
  return {
    company: {
      name: `株式会社混戦${number.slice(-4)}`,
      corporateNumber: number,
      industryCode: 'E24',
      prefectureCode: '23',
      employees: 80,
      capitalYen: 30_000_000,
    },
    contact: {
      name: '混戦 太郎',
      email: `storm.contact.${applications}@example.jp`,
      phone: `090-7000-${String(applications % 10_000).padStart(4, '0')}`,
    },
    topics: ['identify', 'access'],
    format: shape.format,
    durationMinutes: shape.durationMinutes,
    preferredWindows: [{ start: iso(now + 4 * DAY_MS), end: iso(now + 45 * DAY_MS) }],
    notes: '',
  };
}

/**
 * Experts, companies (a few requests each, so company quotas and overlaps bite) and the
 * contested starts: those of the first `days` days the servers' own matching offers.
 */
export async function setUpWorld(
  t: StormTarget,
  size: { experts: number; companies: number; requestsPerCompany: number; days: number },
): Promise<World> {
  const experts: string[] = [];
  for (let i = 0; i < size.experts; i++) {
    experts.push(
      await newExpert(t, { travelBufferMinutes: [0, 30, 60][i % 3], maxVisitsPerMonth: 6 }),
    );
  }
  const corporateNumbers = Array.from({ length: size.companies }, () => corporateNumber());
  const requests: Applied[] = [];
  for (const [c, number] of corporateNumbers.entries()) {
    for (let r = 0; r < size.requestsPerCompany; r++) {
      const res = await t.call('POST', '/v1/requests', {
        token: null,
        body: applicationBody(t.now().getTime(), number, c + r),
      });
      if (res.status !== 201) throw new Error(`apply: ${res.status} ${res.text}`);
      // Two in three are accepted before the storm; the rest wait for its decisions.
      if ((c + r) % 3 !== 2) {
        const accepted = await t.call('POST', `/v1/requests/${res.body.request.id}/accept`, {
          body: {},
        });
        if (accepted.status !== 200) throw new Error(`accept: ${accepted.text}`);
      }
      requests.push(appliedOf(res));
    }
  }
  // The slots of a one-hour online visit: every half-hour start of the expert's hours.
  const probe = await t.call('POST', '/v1/requests', {
    token: null,
    body: applicationBody(t.now().getTime(), corporateNumber(), 2),
  });
  const [firstExpert] = experts;
  if (probe.status !== 201 || !firstExpert) throw new Error(`probe: ${probe.text}`);
  const slots = await expertSlots(t, appliedOf(probe).id, firstExpert);
  const days = [...new Set(slots.map((s) => tokyoDate(s.start)))].sort().slice(0, size.days);
  const starts = slots.filter((s) => days.includes(tokyoDate(s.start))).map((s) => s.start);
  const [first] = starts;
  if (first === undefined) throw new Error('no contested starts');
  return { experts, requests, corporateNumbers, starts, fiscalYear: fiscalYearOf(first) };
}

function appliedOf(res: Reply): Applied {
  return {
    id: res.body.request.id,
    token: res.body.accessToken,
    companyId: res.body.request.company.id,
  };
}

export type Op =
  | 'apply'
  | 'accept'
  | 'decline'
  | 'book'
  | 'reschedule'
  | 'cancel'
  | 'withdraw'
  | 'report'
  | 'read';

/** One answered (or failed) operation of the storm. */
export type Attempt = {
  op: Op;
  /** The HTTP status, or 0 when no answer came (a server killed, a connection dropped). */
  status: number;
  code?: string;
  requestId?: string;
  expertId?: string;
  sessionId?: string;
  start?: number;
  ms: number;
};

const mix: [Op, number][] = [
  ['apply', 8],
  ['accept', 8],
  ['decline', 3],
  ['book', 38],
  ['reschedule', 15],
  ['cancel', 10],
  ['withdraw', 2],
  ['report', 8],
  ['read', 8],
];

export type StormOptions = {
  /** Sends one request; spreads them over the servers. */
  fire: Call;
  now: () => Date;
  operations: number;
  clients: number;
  seed: number;
  /** Called after each answered operation with the count so far (to stop things mid-storm). */
  progress?: (done: number) => void;
  /** Give up on one request after this long (a hang is an answer of 0). */
  timeoutMs?: number;
};

/**
 * Runs `operations` operations from `clients` concurrent clients, each picking its next
 * operation and target at random (seeded) from what the storm knows so far.
 */
export async function mixedStorm(world: World, options: StormOptions): Promise<Attempt[]> {
  const rng = random(options.seed);
  const attempts: Attempt[] = [];
  const booked: { id: string; request: Applied }[] = [];
  const weighted = mix.flatMap(([op, weight]) => Array<Op>(weight).fill(op));
  let issued = 0;

  const send = async (method: string, path: string, init: Parameters<Call>[2]) => {
    try {
      return await withTimeout(options.fire(method, path, init), options.timeoutMs ?? 30_000);
    } catch {
      return null;
    }
  };
  const record = (attempt: Omit<Attempt, 'status' | 'code'>, res: Reply | null) => {
    attempts.push({
      ...attempt,
      status: res?.status ?? 0,
      ...(res && res.status >= 400 ? { code: res.body?.code } : {}),
    });
    options.progress?.(attempts.length);
  };

  async function one(op: Op) {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const request = rng.pick(world.requests);
    const asCompany = rng.next() < 0.5;
    switch (op) {
      case 'apply': {
        const number = rng.pick(world.corporateNumbers);
        const body = applicationBody(options.now().getTime(), number, Math.floor(rng.next() * 10));
        const res = await send('POST', '/v1/requests', { token: null, body });
        if (res?.status === 201) world.requests.push(appliedOf(res));
        return record(
          { op, ms: ms(), ...(res?.status === 201 ? { requestId: res.body.request.id } : {}) },
          res,
        );
      }
      case 'accept':
      case 'decline': {
        const res = await send('POST', `/v1/requests/${request.id}/${op}`, {
          body: op === 'decline' ? { reason: 'storm decision' } : {},
        });
        return record({ op, ms: ms(), requestId: request.id }, res);
      }
      case 'book': {
        const expertId = rng.pick(world.experts);
        const start = rng.pick(world.starts);
        const res = await send('POST', `/v1/requests/${request.id}/sessions`, {
          token: asCompany ? request.token : undefined,
          body: { expertId, start: iso(start) },
        });
        if (res?.status === 201) booked.push({ id: res.body.id, request });
        return record(
          {
            op,
            ms: ms(),
            requestId: request.id,
            expertId,
            start,
            ...(res?.status === 201 ? { sessionId: res.body.id } : {}),
          },
          res,
        );
      }
      case 'reschedule':
      case 'cancel': {
        const session = booked.length > 0 ? rng.pick(booked) : undefined;
        if (!session) return one('book');
        const token = asCompany ? session.request.token : undefined;
        const start = rng.pick(world.starts);
        const res =
          op === 'cancel'
            ? await send('POST', `/v1/sessions/${session.id}/cancel`, {
                token,
                body: { reason: 'storm' },
              })
            : await send('POST', `/v1/sessions/${session.id}/reschedule`, {
                token,
                body: { start: iso(start) },
              });
        return record(
          {
            op,
            ms: ms(),
            sessionId: session.id,
            requestId: session.request.id,
            ...(op === 'reschedule' ? { start } : {}),
          },
          res,
        );
      }
      case 'withdraw': {
        const res = await send('POST', `/v1/requests/${request.id}/cancel`, {
          token: asCompany ? request.token : undefined,
          body: { reason: 'storm withdrawal' },
        });
        return record({ op, ms: ms(), requestId: request.id }, res);
      }
      case 'report': {
        const res = await send('GET', `/v1/reports/utilisation?fiscalYear=${world.fiscalYear}`, {});
        return record({ op, ms: ms() }, res);
      }
      case 'read': {
        const res = await send('GET', `/v1/requests/${request.id}`, {
          token: asCompany ? request.token : undefined,
        });
        return record({ op, ms: ms(), requestId: request.id }, res);
      }
    }
  }

  async function client() {
    while (issued < options.operations) {
      issued += 1;
      await one(rng.pick(weighted));
    }
  }
  await Promise.all(Array.from({ length: options.clients }, client));
  return attempts;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** How many attempts of each op ended how ("book 409 slot-taken": 812). */
export function outcomes(attempts: readonly Attempt[]) {
  const out: Record<string, number> = {};
  for (const a of attempts) {
    const key = `${a.op} ${a.status}${a.code ? ` ${a.code}` : ''}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort());
}

/**
 * What the database says against the storm's answers; every list empty means it held.
 * `exact`: every answer arrived (no server died, no connection dropped), so every write is
 * accounted for by exactly one answer. Without it, a write whose answer was lost may exist,
 * but must still be whole.
 */
export async function stormFindings(
  db: Db,
  attempts: readonly Attempt[],
  quota: number,
  exact: boolean,
) {
  const sessions = await rowsOf<{
    id: string;
    request_id: string;
    expert_id: string;
    start: number;
    status: string;
    sequence: number;
  }>(
    db,
    sql`select id, request_id, expert_id, (extract(epoch from start_at) * 1000)::float8 as start,
                 status, sequence from sessions`,
  );
  const events = await rowsOf<{
    id: string;
    action: string;
    entity_id: string;
    data: Record<string, unknown>;
  }>(
    db,
    sql`select id::text, action, entity_id, data from audit_events where entity_type = 'session' order by audit_events.id`,
  );
  const eventsOf = new Map<string, typeof events>();
  for (const e of events) eventsOf.set(e.entity_id, [...(eventsOf.get(e.entity_id) ?? []), e]);

  const created = new Set(
    attempts.filter((a) => a.op === 'book' && a.status === 201).map((a) => a.sessionId),
  );
  const rowIds = new Set(sessions.map((s) => s.id));
  const answered = (op: Op, id: string, status: number) =>
    attempts.filter((a) => a.op === op && a.sessionId === id && a.status === status).length;

  const findings = {
    ...(await invariantBreaches(db, quota)),
    /** A session without the audit event of its booking (a half-written booking). */
    sessionsWithoutBookedEvent: sessions
      .filter((s) => !(eventsOf.get(s.id) ?? []).some((e) => e.action === 'session.booked'))
      .map((s) => s.id),
    /** A session whose sequence is not the number of changes audited for it. */
    sequenceNotAudited: sessions
      .filter(
        (s) =>
          s.sequence !==
          (eventsOf.get(s.id) ?? []).filter((e) => e.action !== 'session.booked').length,
      )
      .map((s) => s.id),
    /** A 201 whose session is not stored. */
    answered201WithoutRow: [...created].filter((id) => id && !rowIds.has(id)),
    /** A 409 whose (request, expert, start) was stored anyway, by no answered 201. */
    answered409WithRow: attempts
      .filter((a) => a.op === 'book' && a.status === 409)
      .filter((a) =>
        sessions.some(
          (s) =>
            s.request_id === a.requestId &&
            s.expert_id === a.expertId &&
            Number(s.start) === a.start &&
            !created.has(s.id),
        ),
      )
      .map((a) => `${a.requestId} ${a.expertId} ${iso(a.start ?? 0)}`),
    /** A stored session no 201 answered for. */
    rowWithout201: exact ? sessions.filter((s) => !created.has(s.id)).map((s) => s.id) : [],
    /** Reschedules answered 200 vs. audited: each 200 wrote one, each 409 none. */
    reschedulesNotMatching: exact
      ? sessions
          .filter(
            (s) =>
              answered('reschedule', s.id, 200) !==
              (eventsOf.get(s.id) ?? []).filter((e) => e.action === 'session.rescheduled').length,
          )
          .map((s) => s.id)
      : [],
    /** A session not where its last audited reschedule put it. */
    startNotLastRescheduled: sessions.flatMap((s) => {
      const moves = (eventsOf.get(s.id) ?? []).filter((e) => e.action === 'session.rescheduled');
      const last = moves.at(-1);
      return last === undefined || Date.parse(String(last.data.to)) === Number(s.start)
        ? []
        : [
            `${s.id} at ${iso(Number(s.start))}, moved to ${moves.map((e) => `${e.data.to} (#${e.id})`).join(', ')}`,
          ];
    }),
    ...(await requestFindings(db, attempts, exact)),
  };
  return findings;
}

/** Requests against their sessions, their decisions and their answers. */
async function requestFindings(db: Db, attempts: readonly Attempt[], exact: boolean) {
  const rows = await rowsOf<{
    id: string;
    status: string;
    linked: boolean;
    sessions: number;
    confirmed: number;
    active: number;
    created: boolean;
    accepted: number;
    declined: number;
  }>(
    db,
    sql`select r.id, r.status, r.company_id is not null as linked,
               count(s.id)::int as sessions,
               count(s.id) filter (where s.status = 'confirmed')::int as confirmed,
               count(s.id) filter (where s.status in ('confirmed', 'completed'))::int as active,
               exists (select 1 from audit_events a
                        where a.entity_type = 'request' and a.entity_id = r.id::text
                          and a.action = 'request.created') as created,
               (select count(*) from audit_events a
                 where a.entity_type = 'request' and a.entity_id = r.id::text
                   and a.action = 'request.accepted')::int as accepted,
               (select count(*) from audit_events a
                 where a.entity_type = 'request' and a.entity_id = r.id::text
                   and a.action = 'request.declined')::int as declined
        from requests r left join sessions s on s.request_id = r.id
        group by r.id, r.status`,
  );
  const ids = new Set(rows.map((r) => r.id));
  const answered = (op: Op, id: string) =>
    attempts.filter((a) => a.op === op && a.requestId === id && a.status === 200).length;
  return {
    /** A visit of a request the office never accepted, or a request with visits yet unlinked. */
    sessionsOfUnacceptedRequests: rows
      .filter((r) => r.sessions > 0 && (r.accepted !== 1 || !r.linked))
      .map((r) => `${r.id} ${r.status} accepted=${r.accepted}`),
    /** A decision that is not audited exactly once, or was decided both ways. */
    decisionsNotAudited: rows
      .filter(
        (r) =>
          r.accepted + r.declined > 1 ||
          (r.status === 'declined' && r.declined !== 1) ||
          (['accepted', 'scheduled', 'completed'].includes(r.status) && r.accepted !== 1) ||
          (r.status === 'received' && r.accepted + r.declined !== 0),
      )
      .map((r) => `${r.id} ${r.status} accepted=${r.accepted} declined=${r.declined}`),
    /** An accept or decline answered 200 that the audit does not show, or the reverse. */
    decisionAnswersNotMatching: exact
      ? rows
          .filter(
            (r) =>
              answered('decline', r.id) !== r.declined ||
              // Staff booking a received request accept it too, and the world accepted some.
              answered('accept', r.id) > r.accepted,
          )
          .map((r) => r.id)
      : [],
    /** An application answered 201 that is not stored. */
    applied201WithoutRow: attempts
      .filter((a) => a.op === 'apply' && a.status === 201 && a.requestId && !ids.has(a.requestId))
      .map((a) => a.requestId),
    requestsWithoutCreatedEvent: rows.filter((r) => !r.created).map((r) => r.id),
    /**
     * `scheduled` means exactly one confirmed visit; `accepted`, none active; `received` and
     * `declined`, no visit at all; `cancelled`, none confirmed.
     */
    requestStatusNotMatchingSessions: rows
      .filter(
        (r) =>
          (r.status === 'scheduled' && r.confirmed !== 1) ||
          (r.status === 'accepted' && r.active !== 0) ||
          ((r.status === 'received' || r.status === 'declined') && r.sessions !== 0) ||
          (r.status === 'cancelled' && r.confirmed !== 0),
      )
      .map((r) => `${r.id} ${r.status} confirmed=${r.confirmed}`),
  };
}

/** `stormFindings` when everything held. */
export const noFindings = {
  expertOverlaps: [],
  companyOverlaps: [],
  companyQuota: [],
  expertQuota: [],
  sessionsWithoutBookedEvent: [],
  sequenceNotAudited: [],
  answered201WithoutRow: [],
  answered409WithRow: [],
  rowWithout201: [],
  reschedulesNotMatching: [],
  startNotLastRescheduled: [],
  sessionsOfUnacceptedRequests: [],
  decisionsNotAudited: [],
  decisionAnswersNotMatching: [],
  applied201WithoutRow: [],
  requestsWithoutCreatedEvent: [],
  requestStatusNotMatchingSessions: [],
};

/** A target whose setup and storm both go through `call`. */
export function target(call: Call): StormTarget {
  return { call, fire: call, now: () => new Date() };
}
