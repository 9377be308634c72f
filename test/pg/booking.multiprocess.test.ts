import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sessions } from '../../src/db/schema.ts';
import { invariantBreaches, noBreaches, tally } from '../support/booking.ts';
import { freshDatabase } from '../support/database.ts';
import { roundRobin, type ServerProcess, startServer } from '../support/server.ts';
import {
  activeRows,
  companyOverlapStorm,
  companyQuotaStorm,
  expertCapStorm,
  idempotencyStorm,
  overlapStorm,
  runStorm,
  type StormTarget,
  sameSlotStorm,
  together,
} from '../support/storms.ts';

// Invariants 1–3 of PRODUCT.md must hold "across any number of API processes": here two and
// then four real server processes (src/node.ts) share one Postgres database, and every storm
// is spread round-robin over them through real HTTP. The servers use the real clock, so the
// storms aim at slots the servers' own matching offers. Each process runs in another TZ: the
// service must not depend on the server's time zone.

// Each test sets its storm up over HTTP before firing it: seconds here, many more on a loaded
// CI machine that runs the other suites alongside four server processes.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const QUOTA = 3;
const EXPERT_CAP = 3;
const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Pacific/Kiritimati'];

let database: Awaited<ReturnType<typeof freshDatabase>>;
let url: string;
/** Rows the storms and their setup created, to compare with the table afterwards. */
let created = 0;
const timings: Record<string, number> = {};

beforeAll(async () => {
  database = await freshDatabase();
  if (!database.url) throw new Error('the multi-process storms need Postgres');
  url = database.url;
});
afterAll(async () => {
  console.log(`booking storms over HTTP (ms): ${JSON.stringify(timings)}`);
  await database?.close();
});

function created201(replies: { status: number }[]) {
  return replies.filter((r) => r.status === 201).length;
}

function expectNo500(replies: { status: number; text: string }[]) {
  expect(replies.filter((r) => r.status >= 500).map((r) => r.text)).toEqual([]);
}

describe.each([2, 4])('%i server processes on one Postgres', (processes) => {
  let servers: ServerProcess[] = [];
  let t: StormTarget;

  beforeAll(async () => {
    servers = await Promise.all(
      Array.from({ length: processes }, (_, i) =>
        startServer({
          env: {
            DATABASE_URL: url,
            VISITS_PER_COMPANY_PER_FY: String(QUOTA),
            MIN_NOTICE_HOURS: '72',
            HORIZON_DAYS: '90',
            FEED_SYNC_MINUTES: '1440',
            TZ: ZONES[i % ZONES.length] ?? 'UTC',
          },
        }),
      ),
    );
    t = { call: roundRobin(servers), fire: roundRobin(servers), now: () => new Date() };
  });
  // A safety net for a failed test; the last test below stops them and checks the exit codes.
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  const label = (name: string) => `${name}@${processes}`;

  it('one slot, 40 companies: one 201, 39 × 409 slot-taken, one row', async () => {
    const run = await runStorm(sameSlotStorm(t, 40));
    timings[label('sameSlot40')] = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 1, '409 slot-taken': 39 });
    expect(await activeRows(database.db, { experts: [run.expertId] })).toBe(1);
    created += 1;
  });

  it('overlapping starts, lengths and buffers on one day: the winners never overlap', async () => {
    const run = await runStorm(overlapStorm(t, 36));
    timings[label('overlapping36')] = run.ms;
    expectNo500(run.replies);
    const counts = tally(run.replies);
    expect(Object.keys(counts).sort()).toEqual(['201', '409 slot-taken']);
    expect(await activeRows(database.db, { experts: [run.expertId] })).toBe(counts['201']);
    created += created201(run.replies);
  });

  it('one company, 10 experts, one time: one 201, 9 × 409 slot-taken', async () => {
    const run = await runStorm(companyOverlapStorm(t, 10));
    timings[label('companyOverlap10')] = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 1, '409 slot-taken': 9 });
    expect(await activeRows(database.db, { companies: [run.companyId] })).toBe(1);
    created += 1;
  });

  it('a company at quota − 1, 10 bookings at separate times: one 201, 9 × 409 quota-exceeded', async () => {
    const run = await runStorm(companyQuotaStorm(t, 10, QUOTA));
    timings[label('companyQuota10')] = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 1, '409 quota-exceeded': 9 });
    expect(await activeRows(database.db, { companies: [run.companyId] })).toBe(QUOTA);
    created += QUOTA;
  });

  it('an expert at maxVisitsPerMonth − 1, 10 companies: one 201, 9 × 409 quota-exceeded', async () => {
    const run = await runStorm(expertCapStorm(t, 10, EXPERT_CAP));
    timings[label('expertCap10')] = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 1, '409 quota-exceeded': 9 });
    expect(await activeRows(database.db, { experts: [run.expertId] })).toBe(EXPERT_CAP);
    created += EXPERT_CAP;
  });

  it('one Idempotency-Key sent 8 times at once to all processes: one session', async () => {
    const run = await runStorm(idempotencyStorm(t, 8));
    timings[label('idempotent8')] = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 8 });
    expect(new Set(run.replies.map((r) => r.body.id)).size).toBe(1);
    created += 1;
  });

  it('all storms fired as one: every outcome holds while the others run', async () => {
    // Set up one after another, then every request of every storm at once.
    const prepared = [
      await sameSlotStorm(t, 20),
      await overlapStorm(t, 24),
      await companyOverlapStorm(t, 8),
      await companyQuotaStorm(t, 8, QUOTA),
      await expertCapStorm(t, 8, EXPERT_CAP),
    ];
    const { results, ms } = await together(prepared);
    timings[label('allAtOnce68')] = ms;
    const [same, overlap, company, quota, cap] = results.map((r) => r.replies);
    expectNo500(results.flatMap((r) => r.replies));
    expect(tally(same ?? [])).toEqual({ '201': 1, '409 slot-taken': 19 });
    expect(Object.keys(tally(overlap ?? [])).sort()).toEqual(['201', '409 slot-taken']);
    expect(tally(company ?? [])).toEqual({ '201': 1, '409 slot-taken': 7 });
    expect(tally(quota ?? [])).toEqual({ '201': 1, '409 quota-exceeded': 7 });
    expect(tally(cap ?? [])).toEqual({ '201': 1, '409 quota-exceeded': 7 });
    created += 1 + created201(overlap ?? []) + 1 + QUOTA + EXPERT_CAP;
  });

  it('the stored sessions: no overlaps per expert or company, no quota breach, one row per 201', async () => {
    expect(await invariantBreaches(database.db, QUOTA)).toEqual(noBreaches);
    const [row] = await database.db.select({ n: count() }).from(sessions);
    expect(row?.n).toBe(created);
  });

  it('every process shuts down cleanly on SIGTERM (exit 0), having logged no error', async () => {
    const codes = await Promise.all(servers.map((s) => s.stop()));
    expect(codes).toEqual(servers.map(() => 0));
    for (const server of servers) expect(server.output()).not.toContain('"level":"error"');
  });
});
