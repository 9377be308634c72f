import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { invariantBreaches, noBreaches, tally } from '../support/booking.ts';
import {
  activeRows,
  companyOverlapStorm,
  companyQuotaStorm,
  expertCapStorm,
  idempotencyStorm,
  overlapStorm,
  rescheduleStorm,
  runStorm,
  type StormTarget,
  sameSlotStorm,
  storedStart,
  together,
} from '../support/storms.ts';

// Real concurrency against real Postgres: every storm is one Promise.all of app.request calls,
// and the harness's pool holds 20 connections, so up to 20 booking transactions really run
// at once and contend for the same rows and ranges. Only Postgres runs these (test/pg/).

const QUOTA = 3;

let api: TestApi;
let t: StormTarget;
const timings: Record<string, number> = {};

beforeAll(async () => {
  api = await testApi({ VISITS_PER_COMPANY_PER_FY: String(QUOTA) });
  t = { call: api.call, fire: api.call, now: api.now };
});
afterAll(async () => {
  console.log(`booking storms in one process (ms): ${JSON.stringify(timings)}`);
  await api.close();
});

function expectNo500(replies: { status: number; text: string }[]) {
  expect(replies.filter((r) => r.status >= 500).map((r) => r.text)).toEqual([]);
}

describe('parallel bookings on one Postgres', () => {
  it('50 companies booking one expert’s one slot: one 201, 49 × 409 slot-taken, one row', async () => {
    const run = await runStorm(sameSlotStorm(t, 50));
    timings.sameSlot50 = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 1, '409 slot-taken': 49 });
    expect(await activeRows(api.db, { experts: [run.expertId] })).toBe(1);
  });

  it('overlapping starts, lengths, formats and buffers: no two visits of the expert overlap', async () => {
    const run = await runStorm(overlapStorm(t, 48));
    timings.overlapping48 = run.ms;
    expectNo500(run.replies);
    const counts = tally(run.replies);
    expect(Object.keys(counts).sort()).toEqual(['201', '409 slot-taken']);
    expect(await activeRows(api.db, { experts: [run.expertId] })).toBe(counts['201']);
    expect(await invariantBreaches(api.db, QUOTA)).toEqual(noBreaches);
  });

  it('one company booking 10 experts at the same time: one 201, 9 × 409 slot-taken', async () => {
    const run = await runStorm(companyOverlapStorm(t, 10));
    timings.companyOverlap10 = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 1, '409 slot-taken': 9 });
    expect(await activeRows(api.db, { companies: [run.companyId] })).toBe(1);
  });

  it('a company at quota − 1 sending 10 bookings at separate times: exactly one 201', async () => {
    const run = await runStorm(companyQuotaStorm(t, 10, QUOTA));
    timings.companyQuota10 = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 1, '409 quota-exceeded': 9 });
    expect(await activeRows(api.db, { companies: [run.companyId] })).toBe(QUOTA);
  });

  it('an expert at maxVisitsPerMonth − 1 booked by 10 companies in that month: exactly one 201', async () => {
    const run = await runStorm(expertCapStorm(t, 10, 3));
    timings.expertCap10 = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 1, '409 quota-exceeded': 9 });
    expect(await activeRows(api.db, { experts: [run.expertId] })).toBe(3);
  });

  it('the same booking 10 times at once with one Idempotency-Key: one session, ten answers of it', async () => {
    const run = await runStorm(idempotencyStorm(t, 10));
    timings.idempotent10 = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '201': 10 });
    expect(new Set(run.replies.map((r) => r.body.id)).size).toBe(1);
    const read = await api.call('GET', `/v1/requests/${run.request.id}`);
    expect(read.body.sessions).toHaveLength(1);
  });

  it('10 visits moved at once onto one free hour: one 200, 9 × 409 slot-taken keeping their slots', async () => {
    const run = await runStorm(rescheduleStorm(t, 10));
    timings.reschedule10 = run.ms;
    expectNo500(run.replies);
    expect(tally(run.replies)).toEqual({ '200': 1, '409 slot-taken': 9 });
    for (const [i, b] of run.booked.entries()) {
      const row = await storedStart(api.db, b.id);
      if (run.replies[i]?.status === 200) {
        expect(row).toEqual({ start: new Date(run.target.start), sequence: 1 });
      } else {
        expect(row).toEqual({ start: new Date(b.start), sequence: 0 });
      }
    }
  });

  it('all storms fired as one, reschedules among the bookings: every outcome holds', async () => {
    const prepared = [
      await sameSlotStorm(t, 20),
      await overlapStorm(t, 24),
      await companyOverlapStorm(t, 8),
      await companyQuotaStorm(t, 8, QUOTA),
      await expertCapStorm(t, 8, 3),
      await rescheduleStorm(t, 8),
    ];
    const { results, ms } = await together(prepared);
    timings.allAtOnce76 = ms;
    const [same, overlap, company, quota, cap, moved] = results.map((r) => r.replies);
    expectNo500(results.flatMap((r) => r.replies));
    expect(tally(same ?? [])).toEqual({ '201': 1, '409 slot-taken': 19 });
    expect(Object.keys(tally(overlap ?? [])).sort()).toEqual(['201', '409 slot-taken']);
    expect(tally(company ?? [])).toEqual({ '201': 1, '409 slot-taken': 7 });
    expect(tally(quota ?? [])).toEqual({ '201': 1, '409 quota-exceeded': 7 });
    expect(tally(cap ?? [])).toEqual({ '201': 1, '409 quota-exceeded': 7 });
    expect(tally(moved ?? [])).toEqual({ '200': 1, '409 slot-taken': 7 });
  });

  it('after all storms, the stored sessions break no invariant', async () => {
    expect(await invariantBreaches(api.db, QUOTA)).toEqual(noBreaches);
  });
});
