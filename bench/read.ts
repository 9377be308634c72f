// The HTTP read path: GET /v1/requests/:id with a company token, autocannon for 10 s over
// 10 connections against the server process, beside a bare Hono route running one SQL query
// for the same row and token (the floor).
import autocannon, { type Result } from 'autocannon';
import postgres from 'postgres';
import { seedBookings, workingSlots } from './support/bookings.ts';
import { freshPostgres } from './support/database.ts';
import { note, runIfMain } from './support/main.ts';
import { type ServerProcess, startApiServer, startProcess } from './support/server.ts';
import { ms, perSecond, type Row, times } from './support/table.ts';

const DURATION_S = 10;
const CONNECTIONS = 10;
const REQUESTS = 1_000;

export async function runReadBench(): Promise<Row[]> {
  note('read: seeding Postgres');
  const database = await freshPostgres('read');
  const client = postgres(database.url, { max: 4, onnotice: () => {} });
  try {
    // A table of a realistic size; the bench reads one request of it.
    const slots = workingSlots(Date.now());
    const bookings = await seedBookings(
      client,
      'read',
      50,
      Array.from({ length: REQUESTS }, (_, n) => slots[n % slots.length]),
    );
    await client`analyze`;
    const target = bookings[REQUESTS >> 1];
    if (!target) throw new Error('no request to read');
    const path = `/v1/requests/${target.requestId}`;
    const headers = { authorization: `Bearer ${target.token}` };

    const load = async (server: ServerProcess) => {
      const check = await fetch(`${server.url}${path}`, { headers });
      if (check.status !== 200) throw new Error(`${path}: ${check.status} ${await check.text()}`);
      await check.arrayBuffer();
      // A short warm-up, then the measured run.
      await autocannon({
        url: `${server.url}${path}`,
        headers,
        connections: CONNECTIONS,
        duration: 1,
      });
      return autocannon({
        url: `${server.url}${path}`,
        headers,
        connections: CONNECTIONS,
        duration: DURATION_S,
      });
    };

    note('read: floor (bare Hono route, one query)');
    const floorServer = await startProcess('bench/support/floor-server.ts', {
      DATABASE_URL: database.url,
    });
    let floor: Result;
    try {
      floor = await load(floorServer);
    } finally {
      await floorServer.stop();
    }
    note('read: API server');
    const server = await startApiServer({ databaseUrl: database.url });
    let api: Result;
    try {
      api = await load(server);
    } finally {
      await server.stop();
    }
    for (const [name, r] of [
      ['floor', floor],
      ['api', api],
    ] as const) {
      note(
        `read: ${name} ${r.requests.total} requests, ${r['2xx']} 2xx, ${r.non2xx} non-2xx, ` +
          `${r.errors} errors, latency p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms`,
      );
    }
    const ok = (r: Result) => r.errors === 0 && r.non2xx === 0;
    return [
      {
        figure: `read floor: bare Hono + 1 query, ${CONNECTIONS} conns`,
        value: `${perSecond(floor.requests.average)}, p99 ${ms(floor.latency.p99)}`,
      },
      {
        figure: `read GET /v1/requests/:id, ${CONNECTIONS} conns`,
        value: `${perSecond(api.requests.average)}, p99 ${ms(api.latency.p99)}`,
        target: 'all 2xx (no target set)',
        met: ok(api) && ok(floor),
        ratio: times(api.requests.average / floor.requests.average),
      },
    ];
  } finally {
    await client.end();
    await database.close();
  }
}

runIfMain(import.meta.url, runReadBench);
