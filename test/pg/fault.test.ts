import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import type { Database } from '../../src/db/types.ts';
import { STAFF_TOKEN } from '../support/api.ts';
import { iso } from '../support/booking.ts';
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
import { type PrivatePostgres, postgresBin, privatePostgres } from '../support/private-postgres.ts';
import { httpCall, roundRobin, type ServerProcess, startServer } from '../support/server.ts';
import { expertSlots } from '../support/storms.ts';

// Faults, on a Postgres cluster of this file's own (the machine's main one serves the other
// suites): the database stopped in the middle of a run and started again, and a server
// process killed with SIGKILL in the middle of a storm. Meanwhile the API must answer 503
// problem+json quickly, never hang or crash, come back by itself, and leave nothing
// half-written: after either fault every session has its audit event, every change its
// sequence, and every request the status its sessions imply.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const QUOTA = 3;
/** No answer may take longer than this while the database is down (connect_timeout is 5 s). */
const ANSWER_WITHIN_MS = 10_000;
const serverEnv = (url: string) => ({
  DATABASE_URL: url,
  VISITS_PER_COMPANY_PER_FY: String(QUOTA),
  FEED_SYNC_MINUTES: '1440',
});

let pg: PrivatePostgres;
let database: Database;

beforeAll(async () => {
  pg = await privatePostgres();
  database = openPostgres(pg.url, { max: 4 });
  await migrate(database);
});
afterAll(async () => {
  await database?.close();
  await pg?.destroy();
});

/** Only answers a database outage may give: a normal one, or 503 database-unavailable. */
function unexpected(attempts: readonly Attempt[]) {
  return attempts.filter(
    (a) =>
      a.status === 0 ||
      (a.status >= 500 && !(a.status === 503 && a.code === 'database-unavailable')) ||
      a.ms > ANSWER_WITHIN_MS,
  );
}

async function timed(call: Promise<Response>) {
  const started = performance.now();
  const res = await call;
  return { res, ms: performance.now() - started, text: await res.text() };
}

describe.skipIf(!postgresBin())(
  'Postgres stopped in the middle of a run, then started again',
  () => {
    let server: ServerProcess;
    let world: World;
    let before: Attempt[] = [];
    const downAt = 150;

    beforeAll(async () => {
      server = await startServer({ env: serverEnv(pg.url) });
      world = await setUpWorld(target(httpCall(server.url)), {
        experts: 3,
        companies: 6,
        requestsPerCompany: 2,
        days: 2,
      });
    });
    afterAll(() => server?.stop());

    it('while it stops and stays down, every answer is prompt: normal, or 503 database-unavailable', async () => {
      let stopping: Promise<void> | undefined;
      before = await mixedStorm(world, {
        fire: httpCall(server.url),
        now: () => new Date(),
        operations: 400,
        clients: 16,
        seed: 91,
        timeoutMs: ANSWER_WITHIN_MS + 5_000,
        progress: (done) => {
          if (done === downAt) stopping = pg.stop();
        },
      });
      await stopping;
      console.log(`fault: around the stop ${JSON.stringify(outcomes(before))}`);
      expect(unexpected(before)).toEqual([]);
      expect(before.filter((a) => a.status === 503).length).toBeGreaterThan(50);
    });

    it('with the database down: problem+json 503 on every route that needs it, /health 503, within 10 s', async () => {
      const [request] = world.requests;
      const [expertId] = world.experts;
      if (!request || !expertId) throw new Error('no world');
      const probes: [string, string, string | null, unknown?][] = [
        ['GET', '/v1/requests', STAFF_TOKEN],
        ['GET', `/v1/requests/${request.id}`, request.token],
        [
          'POST',
          `/v1/requests/${request.id}/sessions`,
          STAFF_TOKEN,
          { expertId, start: iso(world.starts[0] ?? 0) },
        ],
        ['POST', '/v1/requests', null, { nonsense: true }],
        ['GET', '/v1/me', 'hke_a-token-that-would-need-the-database'],
        ['GET', `/v1/reports/utilisation?fiscalYear=${world.fiscalYear}`, STAFF_TOKEN],
      ];
      for (const [method, path, token, body] of probes) {
        const { res, ms, text } = await timed(
          fetch(`${server.url}${path}`, {
            method,
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
            body: body ? JSON.stringify(body) : undefined,
          }),
        );
        const about = `${method} ${path}: ${res.status} ${text}`;
        // An invalid application is refused before the database is needed.
        if (path === '/v1/requests' && method === 'POST') expect(res.status, about).toBe(400);
        else {
          expect(res.status, about).toBe(503);
          expect(res.headers.get('content-type'), about).toMatch(/^application\/problem\+json/);
          expect(JSON.parse(text), about).toMatchObject({
            status: 503,
            code: 'database-unavailable',
          });
        }
        expect(ms, about).toBeLessThan(ANSWER_WITHIN_MS);
      }
      const health = await timed(fetch(`${server.url}/health`));
      expect(health.res.status).toBe(503);
      expect(JSON.parse(health.text)).toEqual({ status: 'degraded', database: 'unreachable' });
      expect(health.ms).toBeLessThan(ANSWER_WITHIN_MS);
      // What needs no database still works.
      expect((await fetch(`${server.url}/v1/taxonomy`)).status).toBe(200);
    });

    it('once Postgres is back the same process recovers by itself: /health 200, bookings work', async () => {
      await pg.start();
      const deadline = Date.now() + 30_000;
      let health = 0;
      while (health !== 200 && Date.now() < deadline) {
        health = (await fetch(`${server.url}/health`)).status;
        if (health !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(health).toBe(200);

      const call = httpCall(server.url);
      const after = await mixedStorm(world, {
        fire: call,
        now: () => new Date(),
        operations: 200,
        clients: 16,
        seed: 92,
      });
      console.log(`fault: after the restart ${JSON.stringify(outcomes(after))}`);
      expect(after.filter((a) => a.status === 0 || (a.status >= 500 && a.status !== 503))).toEqual(
        [],
      );
      // A pooled connection the stop ended fails the first plain read it sends after the
      // restart (postgres.js replays the server's goodbye, 57P01): at most one 503 per
      // connection of the pool (10), early on, and none once the pool has turned over.
      const unavailable = after.flatMap((a, i) => (a.status === 503 ? [i] : []));
      expect(unavailable.length).toBeLessThanOrEqual(10);
      expect(unavailable.filter((i) => i >= 100)).toEqual([]);
      before.push(...after);

      const fresh = await call('POST', '/v1/requests', {
        token: null,
        body: {
          company: {
            name: '株式会社復旧',
            industryCode: 'E24',
            prefectureCode: '23',
            employees: 10,
            capitalYen: 10_000_000,
          },
          contact: { name: '復旧 一郎', email: 'recovered@example.jp' },
          topics: ['identify'],
          format: 'online',
          durationMinutes: 60,
          preferredWindows: [
            { start: iso(Date.now() + 4 * 86_400_000), end: iso(Date.now() + 45 * 86_400_000) },
          ],
        },
      });
      expect(fresh.status, fresh.text).toBe(201);
      const accepted = await call('POST', `/v1/requests/${fresh.body.request.id}/accept`, {
        body: {},
      });
      expect(accepted.status, accepted.text).toBe(200);
      const expertId = world.experts.at(-1) ?? '';
      const [slot] = await expertSlots(target(call), fresh.body.request.id, expertId);
      const booked = await call('POST', `/v1/requests/${fresh.body.request.id}/sessions`, {
        token: fresh.body.accessToken,
        body: { expertId, start: iso(slot?.start ?? 0) },
      });
      expect(booked.status, booked.text).toBe(201);
      before.push({
        op: 'book',
        status: 201,
        requestId: fresh.body.request.id,
        expertId,
        sessionId: booked.body.id,
        start: slot?.start ?? 0,
        ms: 0,
      });
    });

    it('no half-written booking: invariants, audit events, sequences and request statuses all agree', async () => {
      // A commit whose answer the stop cut off may be stored without its 201: not exact.
      expect(await stormFindings(database.db, before, QUOTA, false)).toEqual(noFindings);
    });

    it('the server neither crashed nor failed unhandled, and logged no personal data', async () => {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      // 503s are logged at level error, and background jobs (notifications) log their failed
      // runs while the database is down; no request may have failed any other way.
      const errors = server
        .output()
        .split('\n')
        .filter(
          (line) =>
            line.includes('"message":"unhandled error"') ||
            (line.includes('"message":"request"') && /"status":5(?!03)/.test(line)),
        );
      expect(errors).toEqual([]);
      expect(server.output()).not.toMatch(/TypeError|@example\.jp|hke_a-token/);
    });
  },
);

describe.skipIf(!postgresBin())(
  'a server process killed with SIGKILL in the middle of a storm',
  () => {
    let servers: ServerProcess[] = [];
    let world: World;
    let attempts: Attempt[] = [];

    beforeAll(async () => {
      servers = await Promise.all([1, 2, 3].map(() => startServer({ env: serverEnv(pg.url) })));
      world = await setUpWorld(target(httpCall(servers[0]?.url ?? '')), {
        experts: 3,
        companies: 8,
        requestsPerCompany: 2,
        days: 2,
      });
    });
    afterAll(() => Promise.all(servers.map((s) => s.stop())));

    it('the others carry on: the killed one’s requests fail, none gets a 5xx', async () => {
      const [victim] = servers;
      if (!victim) throw new Error('no servers');
      attempts = await mixedStorm(world, {
        fire: roundRobin(servers),
        now: () => new Date(),
        operations: 600,
        clients: 24,
        seed: 93,
        timeoutMs: 30_000,
        progress: (done) => {
          if (done === 200) process.kill(victim.pid, 'SIGKILL');
        },
      });
      console.log(`fault: SIGKILL mid-storm ${JSON.stringify(outcomes(attempts))}`);
      expect(attempts.filter((a) => a.status >= 500)).toEqual([]);
      // The killed server's share went unanswered; the others went on booking.
      expect(attempts.filter((a) => a.status === 0).length).toBeGreaterThan(50);
      expect(attempts.slice(300).some((a) => a.op === 'book' && a.status === 201)).toBe(true);
    });

    it('leaves no partial state: invariants, audit events, sequences and request statuses all agree', async () => {
      expect(await stormFindings(database.db, attempts, QUOTA, false)).toEqual(noFindings);
    });

    it('the survivors logged no error', () => {
      for (const server of servers.slice(1))
        expect(server.output()).not.toContain('"level":"error"');
    });
  },
);
