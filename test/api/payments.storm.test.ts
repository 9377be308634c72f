import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { engine } from '../support/database.ts';
import {
  claim,
  confirm,
  exportMonth,
  OFFICE_ENV,
  payee,
  report,
  visitOn,
} from '../support/money.ts';
import { rowsOf } from '../support/sql.ts';

// A month exported many times at once: on Postgres the exports really run side by side (each
// its own connection from the pool); the year's rates lock makes them take turns, so one
// pays and the rest hand back its export. On PGlite they run one after another.

const PARALLEL = 8;

let api: TestApi;
beforeAll(async () => {
  api = await testApi(OFFICE_ENV);
  const plan: [string, string, string, 'onsite' | 'online'][] = [
    ['2026-12-01', '10:00', '12:00', 'onsite'],
    ['2026-12-02', '13:00', '16:30', 'online'],
    ['2026-12-03', '09:00', '11:00', 'onsite'],
    ['2026-12-04', '10:00', '14:00', 'online'],
  ];
  const booked = [];
  for (const [i, [date, from, to, format]] of plan.entries()) {
    const expert = await payee(api, { name: `嵐 ${i}` });
    booked.push({ expert, visit: await visitOn(api, expert.id, date, from, to, format) });
  }
  api.setNow('2026-12-10T01:00:00Z');
  for (const { expert, visit } of booked) {
    await report(api, visit);
    await confirm(api, visit);
    if (visit.session.format === 'onsite') {
      const filed = await claim(api, expert.token, visit, 3_080);
      expect((await api.call('POST', `/v1/travel-claims/${filed.id}/approve`)).status).toBe(200);
    }
  }
}, 120_000);
afterAll(() => api.close());

const count = async (table: string) =>
  Number(
    (await rowsOf<{ n: number }>(api.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]?.n,
  );

describe(`exporting a month ${PARALLEL} times at once (${engine})`, () => {
  it('pays once, and every caller gets the same export and the same file', async () => {
    const replies = await Promise.all(
      Array.from({ length: PARALLEL }, () => exportMonth(api, 2026, 12)),
    );
    const statuses = replies.map((r) => r.status);
    const answers = replies.map((r) => r.text).join('\n');
    expect(
      statuses.filter((s) => s === 201),
      answers,
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s === 200),
      answers,
    ).toHaveLength(PARALLEL - 1);
    const ids = new Set(replies.map((r) => r.body.id));
    const hashes = new Set(replies.map((r) => r.body.sha256));
    expect(ids.size).toBe(1);
    expect(hashes.size).toBe(1);

    expect(await count('payment_exports')).toBe(1);
    expect(await count('payments')).toBe(4);
    // Four fees and two travel claims, each paid once.
    expect(await count('payment_items')).toBe(6);
    const [{ paid } = { paid: 0 }] = await rowsOf<{ paid: number }>(
      api.db,
      sql`select count(*)::int as paid from audit_events where action = 'payments.exported'`,
    );
    expect(paid).toBe(1);

    const files = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const res = await api.app.request(
          '/v1/reports/payments?fiscalYear=2026&month=12&format=zengin',
          { headers: { authorization: 'Bearer test-staff-token-0123456789' } },
        );
        return Buffer.from(await res.arrayBuffer());
      }),
    );
    const [first, ...others] = files;
    for (const other of others) expect(other.equals(first as Buffer)).toBe(true);
  });
});
