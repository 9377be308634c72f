// The month's payments report is kept in the report cache (issue 19: a month holds some ten
// thousand visits at national scale). Each change to what it shows must be seen by the very
// next read: attendance, a travel claim filed and decided, the year's rates, a bank account.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import {
  claim,
  confirm,
  OFFICE_ENV,
  payee,
  report,
  type Visit,
  visitOn,
} from '../support/money.ts';
import { rowsOf } from '../support/sql.ts';

let api: TestApi;
let expert: Awaited<ReturnType<typeof payee>>;
let unpaid: Awaited<ReturnType<typeof payee>>;
let visit: Visit;

beforeAll(async () => {
  api = await testApi(OFFICE_ENV);
  expert = await payee(api, { name: '岡田 五郎' });
  unpaid = await payee(api, { name: '加藤 六郎', bankAccount: false });
  visit = await visitOn(api, expert.id, '2026-12-01', '10:00', '12:00');
  const other = await visitOn(api, unpaid.id, '2026-12-02', '10:00', '12:00');
  api.setNow('2026-12-10T01:00:00Z');
  await report(api, visit);
  await report(api, other);
}, 120_000);
afterAll(() => api.close());

const december = '/v1/reports/payments?fiscalYear=2026&month=12';
type Row = { name: string; feeYen: number; travelYen: number; hasBankAccount: boolean };
const read = async () => {
  const res = await api.call('GET', december);
  expect(res.status, res.text).toBe(200);
  const byName = Object.fromEntries(res.body.experts.map((e: Row) => [e.name, e]));
  return { body: res.body, okada: byName['岡田 五郎'] as Row, kato: byName['加藤 六郎'] as Row };
};
const cached = async () =>
  (
    await rowsOf<{ n: number }>(
      api.db,
      sql`select count(*)::int as n from report_cache where kind like 'payments 2026-12@%'`,
    )
  )[0]?.n;

describe('the payments report, kept until what it shows changes', () => {
  it('is kept once read, and the same when read again', async () => {
    const first = await read();
    expect(await cached()).toBe(1);
    expect((await read()).body).toEqual(first.body);
    expect(first.body.waiting.awaitingConfirmation).toBe(2);
  });

  it('sees the company’s confirmation at once', async () => {
    await confirm(api, visit);
    const { body, okada } = await read();
    expect(body.waiting.awaitingConfirmation).toBe(1);
    expect(okada.feeYen).toBeGreaterThan(0);
  });

  it('sees a travel claim filed, then approved', async () => {
    const filed = await claim(api, expert.token, visit, 3_300);
    expect((await read()).body.waiting.undecidedClaims).toBe(1);
    expect((await api.call('POST', `/v1/travel-claims/${filed.id}/approve`)).status).toBe(200);
    const { body, okada } = await read();
    expect(body.waiting.undecidedClaims).toBe(0);
    expect(okada.travelYen).toBe(3_300);
  });

  it('sees the year’s rates change', async () => {
    const before = (await read()).okada.feeYen;
    const {
      fiscalYear: _,
      label: __,
      isDefault: ___,
      frozen: ____,
      updatedAt: _____,
      ...rates
    } = (await api.call('GET', '/v1/fees/2026')).body;
    const res = await api.call('PUT', '/v1/fees/2026', {
      body: { ...rates, hourlyRateYen: rates.hourlyRateYen * 2 },
    });
    expect(res.status, res.text).toBe(200);
    expect((await read()).okada.feeYen).toBe(before * 2);
  });

  it('sees a bank account entered', async () => {
    expect((await read()).kato.hasBankAccount).toBe(false);
    const res = await api.call('PUT', `/v1/experts/${unpaid.id}/bank-account`, {
      body: {
        bankCode: '0005',
        branchCode: '103',
        accountType: 'ordinary',
        accountNumber: '7654321',
        holderName: 'カトウ ロクロウ',
      },
    });
    expect(res.status, res.text).toBe(200);
    expect((await read()).kato.hasBankAccount).toBe(true);
  });
});
