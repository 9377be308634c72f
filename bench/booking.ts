// POST /v1/requests/:id/sessions against a server process on Postgres: (1) 100 companies
// racing for one expert's slot, (2) bookings per second on distinct slots with 32 clients,
// beside the bare INSERT into sessions (same table, same constraints, 32 connections), and,
// to show where the time goes, the booking's own statements run as bare transactions.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { fiscalYearOf, fiscalYearRange, tokyoDate, tokyoMonthRange } from '../src/domain/time.ts';
import {
  type Booking,
  DURATION_MINUTES,
  seedBookings,
  sha256,
  workingSlots,
} from './support/bookings.ts';
import { measureCpu } from './support/cpu.ts';
import { freshPostgres } from './support/database.ts';
import { note, runIfMain } from './support/main.ts';
import { startApiServer } from './support/server.ts';
import { pool } from './support/stats.ts';
import { ms, perSecond, type Row, times } from './support/table.ts';

const RACERS = 100;
const CLIENTS = 32;
const EXPERTS = 100;
const WARMUP_BOOKINGS = 200;
// The HTTP runs post every booking seeded for them; the bare SQL runs stop at their count
// or their time limit, whichever comes first.
const BOOKINGS = 2_000;
const WHAT_IF_BOOKINGS = 1_000;
const FLOOR_INSERTS = 10_000;
const FLOOR_LIMIT_MS = 5_000;
const TRANSACTIONS = 3_000;
const TRANSACTIONS_LIMIT_MS = 4_000;
// What-if: the same HTTP run against a server with a pool as wide as the client count
// (DATABASE_POOL_MAX; the default is 10).
const TARGET_RATIO = 0.5;

export async function runBookingBench(): Promise<Row[]> {
  note('booking: seeding Postgres');
  const database = await freshPostgres('booking');
  const client = postgres(database.url, { max: CLIENTS, onnotice: () => {} });
  try {
    const slots = workingSlots(Date.now());
    // Each run has its own experts, companies and requests, so the runs never collide.
    const set = (label: string, n: number) =>
      seedBookings(
        client,
        label,
        EXPERTS,
        Array.from({ length: n }, (_, i) => slots[Math.floor(i / EXPERTS)]),
      );
    const racers = await seedBookings(client, 'race', 1, Array(RACERS).fill(slots[0]));
    const http = await set('http', WARMUP_BOOKINGS + BOOKINGS);
    const floorSet = await set('floor', FLOOR_INSERTS);
    const unnamedSet = await set('unnamed', TRANSACTIONS);
    const namedTxSet = await set('tx', TRANSACTIONS);
    const widePoolSet = await set('wide', WARMUP_BOOKINGS + WHAT_IF_BOOKINGS);
    const twoServersSet = await set('two', WARMUP_BOOKINGS + WHAT_IF_BOOKINGS);
    await client`analyze`;

    note('booking: floor (bare INSERT, 32 connections)');
    const floor = await pool(
      FLOOR_INSERTS,
      CLIENTS,
      (n) => bareInsert(client, floorSet[n] as Booking),
      FLOOR_LIMIT_MS,
    );
    const floorRate = runRate(floor);

    note("booking: the booking's statements as bare SQL transactions (32 connections)");
    // Unnamed statements are what the server sent before it prepared them (src/db/postgres.ts).
    const unnamedClient = postgres(database.url, {
      max: CLIENTS,
      onnotice: () => {},
      prepare: false,
    });
    const unnamed = await pool(
      TRANSACTIONS,
      CLIENTS,
      (n) => bareBooking(unnamedClient, unnamedSet[n] as Booking),
      TRANSACTIONS_LIMIT_MS,
    );
    await unnamedClient.end();
    const named = await pool(
      TRANSACTIONS,
      CLIENTS,
      (n) => bareBooking(client, namedTxSet[n] as Booking),
      TRANSACTIONS_LIMIT_MS,
    );

    const server = await startApiServer({ databaseUrl: database.url });
    try {
      note('booking: contention (100 on one slot)');
      const race = await contention(server.url, racers);
      const [{ count: raceRows } = { count: -1 }] = await client<{ count: number }[]>`
        select count(*)::int as count from sessions where expert_id = ${racers[0]?.expertId ?? ''}`;

      note('booking: throughput over HTTP (32 connections)');
      const warm = await postAll(server.url, http.slice(0, WARMUP_BOOKINGS));
      const measured = await measureCpu(server.pid, client, database.name, () =>
        postAll(server.url, http.slice(WARMUP_BOOKINGS)),
      );
      const { elapsed, counts, done } = measured.result;
      const rate = rateOf(measured.result);
      note(
        `booking: warm-up ${describe(warm.counts)}; measured ${describe(counts)} in ${ms(elapsed)}`,
      );
      const perBooking = (seconds: number) => ms((seconds * 1000) / done);
      await server.stop();

      note(`booking: what-if, a ${CLIENTS}-connection pool`);
      const widePool = await whatIf(database.url, widePoolSet, {
        DATABASE_POOL_MAX: String(CLIENTS),
      });
      note('booking: what-if, two server processes');
      const twoServers = await whatIfServers(database.url, twoServersSet, 2);

      return [
        {
          figure: `booking contention: ${RACERS} on one slot, settled in`,
          value: `${ms(race.elapsed)} (${describe(race.counts)}; ${raceRows} row)`,
          target: 'one 201, rest 409',
          met: race.counts[201] === 1 && race.counts[409] === RACERS - 1 && raceRows === 1,
        },
        {
          figure: `booking floor: bare INSERT, ${CLIENTS} connections`,
          value: perSecond(floorRate, 'rows'),
        },
        {
          figure: `booking throughput, HTTP, ${CLIENTS} connections`,
          value: `${perSecond(rate, 'bookings')} (${describe(counts)})`,
          target: `≥ ${TARGET_RATIO} × floor`,
          met: rate / floorRate >= TARGET_RATIO && counts[201] === done,
          ratio: times(rate / floorRate),
        },
        {
          figure: '  phase: CPU per booking: server / postgres / client',
          value: [measured.server, measured.postgres, measured.client].map(perBooking).join(' / '),
        },
        {
          figure: "  phase: the booking's SQL, bare, unnamed statements",
          value: perSecond(runRate(unnamed), 'tx'),
          ratio: times(runRate(unnamed) / floorRate),
        },
        {
          figure: "  phase: the booking's SQL, bare, named statements",
          value: perSecond(runRate(named), 'tx'),
          ratio: times(runRate(named) / floorRate),
        },
        {
          figure: `  what-if: a pool of ${CLIENTS} connections`,
          value: `${perSecond(rateOf(widePool), 'bookings')} (${describe(widePool.counts)})`,
          ratio: times(rateOf(widePool) / floorRate),
        },
        {
          figure: `  what-if: two server processes, ${CLIENTS / 2} connections each`,
          value: `${perSecond(rateOf(twoServers), 'bookings')} (${describe(twoServers.counts)})`,
          ratio: times(rateOf(twoServers) / floorRate),
        },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await client.end();
    await database.close();
  }
}

/** Bookings answered 201 a second. */
const rateOf = (t: Tally) => (t.counts[201] ?? 0) / (t.elapsed / 1000);
/** Work items done a second. */
const runRate = (r: { done: number; elapsed: number }) => r.done / (r.elapsed / 1000);

/** The HTTP run again, against a server started with `env`. */
async function whatIf(
  databaseUrl: string,
  bookings: Booking[],
  env: Record<string, string>,
): Promise<Tally> {
  const server = await startApiServer({ databaseUrl, env });
  try {
    await postAll(server.url, bookings.slice(0, WARMUP_BOOKINGS));
    return await postAll(server.url, bookings.slice(WARMUP_BOOKINGS));
  } finally {
    await server.stop();
  }
}

/**
 * The HTTP run against `n` server processes on one Postgres (the service scales out so), the
 * clients and bookings split evenly between them; one tally of them all.
 */
async function whatIfServers(databaseUrl: string, bookings: Booking[], n: number): Promise<Tally> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => startApiServer({ databaseUrl })),
  );
  try {
    const share = (list: Booking[], i: number) => list.filter((_, k) => k % n === i);
    const warmup = bookings.slice(0, WARMUP_BOOKINGS);
    const measured = bookings.slice(WARMUP_BOOKINGS);
    await Promise.all(servers.map((s, i) => postAll(s.url, share(warmup, i), CLIENTS / n)));
    const started = performance.now();
    const runs = await Promise.all(
      servers.map((s, i) => postAll(s.url, share(measured, i), CLIENTS / n)),
    );
    const counts: Record<number, number> = {};
    for (const run of runs) {
      for (const [status, count] of Object.entries(run.counts)) {
        counts[Number(status)] = (counts[Number(status)] ?? 0) + count;
      }
    }
    const done = runs.reduce((sum, run) => sum + run.done, 0);
    return { elapsed: performance.now() - started, done, counts };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** The floor: one INSERT into sessions, the same constraints checked, nothing else. */
async function bareInsert(client: postgres.Sql, b: Booking): Promise<void> {
  const end = new Date(Date.parse(b.start) + DURATION_MINUTES * 60_000);
  await client`
    insert into sessions (request_id, expert_id, company_id, start_at, end_at, format,
                          travel_buffer_minutes, blocked_from, blocked_to)
    values (${b.requestId}, ${b.expertId}, ${b.companyId}, ${b.start}, ${end}, 'online', 0,
            ${b.start}, ${end})
    returning *`;
}

const ACTIVE = ['confirmed', 'completed'];

/**
 * The statements POST /v1/requests/:id/sessions sends for a company booking, in the same
 * order, grouping and transaction shape, straight through postgres.js: where the time goes
 * that is not SQL (HTTP, validation, drizzle, slot computation) is the difference from the
 * HTTP run. Statements the service sends together (one round trip) are sent together here.
 */
async function bareBooking(client: postgres.Sql, b: Booking): Promise<void> {
  const start = Date.parse(b.start);
  const end = new Date(start + DURATION_MINUTES * 60_000);
  const near = { from: new Date(start - 8 * 3_600_000), to: new Date(start + 12 * 3_600_000) };
  const month = tokyoMonthRange(start);
  const fy = fiscalYearRange(fiscalYearOf(start));
  await client`select id, role, expert_id, request_id from tokens
               where hash = ${sha256(b.token)} and revoked_at is null limit 1`;
  await client.begin(async (tx) => {
    const active = tx`status in ${tx(ACTIVE)} and id is distinct from ${null}`;
    const companyOfRequest = tx`(select company_id from requests where id = ${b.requestId})`;
    await Promise.all([
      tx`set local plan_cache_mode = auto`,
      tx`select * from requests where id = ${b.requestId} for update`,
      tx`select corporate_number from companies where id = ${companyOfRequest} for update`,
      tx`select * from experts where id = ${b.expertId} for update`,
      tx`select * from expert_weekly_hours where expert_id = ${b.expertId}`,
      tx`select * from expert_date_overrides where expert_id = ${b.expertId}
           and date >= ${tokyoDate(near.from)} and date <= ${tokyoDate(near.to)}`,
      tx`select start_at, end_at from busy_blocks where expert_id = ${b.expertId}
           and start_at < ${near.to} and end_at > ${near.from}`,
      tx`select count(*)::int from sessions where company_id = ${companyOfRequest} and ${active}
           and start_at >= ${fy.start} and start_at < ${fy.end}`,
      tx`select count(*)::int from sessions where expert_id = ${b.expertId} and ${active}
           and start_at >= ${month.start} and start_at < ${month.end}`,
      tx`select id, events from webhooks
         where events && ${tx.array(['session.booked', 'session.reminder'])}`,
    ]);
    const sessionId = randomUUID();
    // The company's and the expert's emails, now and as the 48-hour reminder.
    const payload = tx.json({ sessionId, requestId: b.requestId });
    await Promise.all([
      tx`insert into sessions (id, request_id, expert_id, company_id, start_at, end_at, format,
                               travel_buffer_minutes, blocked_from, blocked_to, status, sequence,
                               cancel_reason, report, created_at, updated_at)
         values (${sessionId}, ${b.requestId}, ${b.expertId}, ${b.companyId}, ${b.start}, ${end},
                 'online', 0, ${b.start}, ${end}, 'confirmed', 0, null, null, now(), now())`,
      tx`update requests set status = 'scheduled', updated_at = now() where id = ${b.requestId}`,
      tx`insert into audit_events (actor_role, actor_id, action, entity_type, entity_id, data)
         values ('company', ${b.requestId}, 'session.booked', 'session', ${sessionId},
                 ${tx.json({ requestId: b.requestId, expertId: b.expertId, start: b.start })}),
                ('company', ${b.requestId}, 'request.status-changed', 'request', ${b.requestId},
                 ${tx.json({ from: 'accepted', to: 'scheduled', sessionId })})`,
      tx`
        insert into notifications (kind, event, request_id, session_id, recipient, payload,
                                   next_attempt_at)
        select 'email', e.event, ${b.requestId}, ${sessionId}, e.recipient, ${payload}, now()
        from (values ('session.booked', 'company@bench.example'),
                     ('session.booked', 'expert@bench.example'),
                     ('session.reminder', 'company@bench.example'),
                     ('session.reminder', 'expert@bench.example')) as e(event, recipient)`,
    ]);
  });
}

async function postBooking(base: string, b: Booking): Promise<number> {
  const res = await fetch(`${base}/v1/requests/${b.requestId}/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ expertId: b.expertId, start: b.start }),
  });
  const body = await res.text();
  if (res.status !== 201 && res.status !== 409 && !unexpected.has(res.status)) {
    unexpected.set(res.status, body.slice(0, 300));
    note(`booking: first ${res.status} answer: ${body.slice(0, 300)}`);
  }
  return res.status;
}

const unexpected = new Map<number, string>();

type Tally = { elapsed: number; done: number; counts: Record<number, number> };

/**
 * Posts each of `bookings` once over CLIENTS keep-alive connections. autocannon rather than
 * fetch: the load generator shares the two cores with the server and Postgres, and fetch
 * cost about 2 ms of CPU a booking, as much as Postgres spends on it.
 */
async function postAll(base: string, bookings: Booking[], connections = CLIENTS): Promise<Tally> {
  let next = 0;
  const started = performance.now();
  const result = await autocannon({
    url: base,
    connections,
    amount: bookings.length,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const b = bookings[next++ % bookings.length] as Booking;
          return {
            ...request,
            path: `/v1/requests/${b.requestId}/sessions`,
            headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ expertId: b.expertId, start: b.start }),
          };
        },
        onResponse: (status, body) => {
          if (status !== 201 && status !== 409 && !unexpected.has(status)) {
            unexpected.set(status, body.slice(0, 300));
            note(`booking: first ${status} answer: ${body.slice(0, 300)}`);
          }
        },
      },
    ],
  });
  const counts: Record<number, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
    counts[Number(status)] = count;
  }
  if (result.errors > 0) counts[0] = result.errors;
  return { elapsed: performance.now() - started, done: result.requests.total, counts };
}

/** All racers at once, each over its own connection; time until the last one is answered. */
async function contention(base: string, racers: Booking[]): Promise<Tally> {
  const counts: Record<number, number> = {};
  const started = performance.now();
  await Promise.all(
    racers.map(async (b) => {
      const status = await postBooking(base, b);
      counts[status] = (counts[status] ?? 0) + 1;
    }),
  );
  return { elapsed: performance.now() - started, done: racers.length, counts };
}

function describe(counts: Record<number, number>): string {
  return Object.entries(counts)
    .map(([status, n]) => `${n}×${status}`)
    .join(', ');
}

runIfMain(import.meta.url, runBookingBench);
