import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STAFF_TOKEN } from '../support/api.ts';
import { freshDatabase } from '../support/database.ts';
import {
  type Attempt,
  mixedStorm,
  noFindings,
  outcomes,
  setUpWorld,
  stormFindings,
  target,
  type World,
} from '../support/mixed-storm.ts';
import { roundRobin, type ServerProcess, startServers } from '../support/server.ts';
import { rowsOf } from '../support/sql.ts';

// The storm of issues 9 and 16: four real server processes on one Postgres, 2,000 mixed
// operations (apply, accept, decline, book, reschedule, cancel, withdraw, the utilisation
// report, reads) from 32 clients at once, aimed at four experts' first few days so most writes
// collide, and decisions race bookings of the same requests. Afterwards the database is held to
// every answer: invariants, audit events, one row per 201, none per 409, no visit of a request
// the office did not accept, every decision audited once.
// The servers use the real clock, so a visit report (which needs a visit that has begun)
// cannot be filed here; the report in the mix is GET /v1/reports/utilisation.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const QUOTA = 3;
const OPERATIONS = Number(process.env.STORM_OPERATIONS ?? 2000);
const CLIENTS = 32;
const SEED = Number(process.env.STORM_SEED ?? 9);

let database: Awaited<ReturnType<typeof freshDatabase>>;
let servers: ServerProcess[] = [];
let world: World;
let attempts: Attempt[] = [];
let stormMs = 0;

beforeAll(async () => {
  database = await freshDatabase();
  if (!database.url) throw new Error('the storm needs Postgres');
  servers = await startServers(4, {
    env: {
      DATABASE_URL: database.url,
      VISITS_PER_COMPANY_PER_FY: String(QUOTA),
      FEED_SYNC_MINUTES: '1440',
    },
  });
  world = await setUpWorld(target(roundRobin(servers)), {
    experts: 4,
    companies: 12,
    requestsPerCompany: 3,
    days: 3,
  });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await database?.close();
});

describe(`${OPERATIONS} mixed operations from ${CLIENTS} clients over 4 server processes`, () => {
  it('every operation is answered, none with a 5xx', async () => {
    const started = performance.now();
    attempts = await mixedStorm(world, {
      fire: roundRobin(servers),
      now: () => new Date(),
      operations: OPERATIONS,
      clients: CLIENTS,
      seed: SEED,
    });
    stormMs = Math.round(performance.now() - started);
    const counts = outcomes(attempts);
    console.log(
      `storm (seed ${SEED}): ${OPERATIONS} operations in ${stormMs} ms ${JSON.stringify(counts)}`,
    );
    expect(attempts).toHaveLength(OPERATIONS);
    expect(attempts.filter((a) => a.status === 0 || a.status >= 500)).toEqual([]);
    // The storm really contended: bookings both won and lost, and moves both did.
    expect(counts['book 201']).toBeGreaterThan(10);
    expect(counts['book 409 slot-taken']).toBeGreaterThan(100);
    expect(counts['reschedule 200']).toBeGreaterThan(5);
    expect(counts['reschedule 409 slot-taken']).toBeGreaterThan(5);
    // Decisions raced: some applications accepted, some declined, some already decided, and
    // companies tried to book what the office had not accepted.
    expect(counts['accept 200']).toBeGreaterThan(0);
    expect(counts['decline 200']).toBeGreaterThan(0);
    expect(counts['accept 409 invalid-transition']).toBeGreaterThan(0);
    expect(counts['book 409 not-accepted']).toBeGreaterThan(0);
  });

  it('the database holds every answer: no overlap, no quota breach, every session audited, 201s stored, 409s not', async () => {
    expect(await stormFindings(database.db, attempts, QUOTA, true)).toEqual(noFindings);
  });

  it('those checks would see a half-written booking: a session stored without its audit event', async () => {
    const [planted] = await rowsOf<{ id: string }>(
      database.db,
      sql`insert into sessions (request_id, expert_id, company_id, start_at, end_at, format,
                                blocked_from, blocked_to, status)
          select request_id, expert_id, company_id, start_at + interval '400 days',
                 end_at + interval '400 days', format, blocked_from + interval '400 days',
                 blocked_to + interval '400 days', 'cancelled'
          from sessions limit 1
          returning id`,
    );
    try {
      const findings = await stormFindings(database.db, attempts, QUOTA, true);
      expect(findings.sessionsWithoutBookedEvent).toEqual([planted?.id]);
      expect(findings.rowWithout201).toEqual([planted?.id]);
    } finally {
      await database.db.execute(sql`delete from sessions where id = ${planted?.id}`);
    }
  });

  it('those checks would see a visit of a request the office never accepted', async () => {
    const [planted] = await rowsOf<{ id: string; request_id: string }>(
      database.db,
      sql`insert into sessions (request_id, expert_id, company_id, start_at, end_at, format,
                                blocked_from, blocked_to, status)
          select r.id, s.expert_id, s.company_id, s.start_at + interval '500 days',
                 s.end_at + interval '500 days', s.format, s.blocked_from + interval '500 days',
                 s.blocked_to + interval '500 days', 'cancelled'
          from requests r, sessions s where r.status in ('received', 'declined') limit 1
          returning id, request_id`,
    );
    try {
      const findings = await stormFindings(database.db, attempts, QUOTA, true);
      expect(findings.sessionsOfUnacceptedRequests).toEqual([
        expect.stringContaining(planted?.request_id ?? 'none'),
      ]);
    } finally {
      await database.db.execute(sql`delete from sessions where id = ${planted?.id}`);
    }
  });

  it('the servers logged no error, and no email, phone number or token', () => {
    const secrets = world.requests.map((r) => r.token);
    for (const server of servers) {
      const output = server.output();
      expect(output).not.toContain('"level":"error"');
      expect(output).not.toMatch(/storm\.contact\.\d+@example\.jp|090-7000-\d{4}/);
      expect(output).not.toContain(STAFF_TOKEN);
      for (const secret of secrets) expect(output.includes(secret)).toBe(false);
    }
  });
});
