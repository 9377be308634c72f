import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { bookedVisit, jst } from '../support/booking.ts';
import { freshDatabase } from '../support/database.ts';

// A booking sends its locks and its quota counts in one pipeline, and the counts are right
// only if Postgres runs them after the locks are granted (invariant 3): they must leave in
// that order. The storm tests catch a count overtaking a lock when it happens to matter; this
// reads the order off the connection itself, every time.

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let api: TestApi;
const sent: string[] = [];

beforeAll(async () => {
  fresh = await freshDatabase();
  if (!fresh.url) throw new Error('this suite runs on Postgres');
  const traced = openPostgres(fresh.url, { max: 1, onQuery: (query) => sent.push(query) });
  api = await testApi({}, { database: traced });
});
afterAll(async () => {
  await api.close();
  await fresh.close();
});

/** The statements of the transaction that inserted a session, from BEGIN to COMMIT. */
function bookingTransaction(): string[] {
  const insert = sent.findLastIndex((q) => q.startsWith('insert into "sessions"'));
  const begin = sent.slice(0, insert).findLastIndex((q) => /^begin/i.test(q));
  const commit = sent.findIndex((q, i) => i > insert && /^commit/i.test(q));
  return sent.slice(begin, commit + 1);
}

describe('the order a booking’s statements leave in', () => {
  it('locks request, company and expert before it counts visits, all before it writes', async () => {
    await bookedVisit(api, jst('2026-12-03', '10:00'));
    const tx = bookingTransaction();
    const at = (pattern: RegExp) => {
      const index = tx.findIndex((q) => pattern.test(q));
      expect(index, String(pattern)).toBeGreaterThan(0);
      return index;
    };
    const locks = [
      at(/from "requests" where .* for no key update/),
      at(/from "companies" where .* for no key update/),
      at(/from "experts" where .* for no key update/),
    ];
    const counts = [at(/count\(\*\).*"company_id" = \(select/), at(/count\(\*\).*"expert_id" = /)];
    const insert = at(/^insert into "sessions"/);
    expect(locks).toEqual([...locks].sort((a, b) => a - b));
    expect(Math.max(...locks)).toBeLessThan(Math.min(...counts));
    expect(Math.max(...counts)).toBeLessThan(insert);
    expect(tx.at(-1)).toMatch(/^commit/i);
  });
});
