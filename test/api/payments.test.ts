import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import {
  claim,
  confirm,
  exportMonth,
  OFFICE_ENV,
  payee,
  report,
  type Visit,
  visitOn,
} from '../support/money.ts';
import { expectProblem } from '../support/problems.ts';
import { rowsOf } from '../support/sql.ts';
import { parseZenginFile } from '../support/zengin.ts';

// December 2026 (FY2026) paid as PRODUCT.md's worked examples at ¥5,150 an hour:
// - 阿部: actual 2 h 00 → ¥10,300, withheld ¥1,051, plus travel ¥4,320 at cost (not withheld);
// - 井上: actual 2 h 50 → 5 units = ¥12,875, withheld ¥1,314;
// - 上田: two visits of 3 h 30 on one day → ¥36,050 capped to ¥30,900, withheld ¥3,154, the
//   morning one confirmed only after the afternoon one was paid;
// - 江藤: fee-exempt, travel ¥2,640 only.

let api: TestApi;
const experts: Record<string, Awaited<ReturnType<typeof payee>>> = {};
const visits: Record<string, Visit> = {};

beforeAll(async () => {
  api = await testApi(OFFICE_ENV);
  experts.abe = await payee(api, { name: '阿部 一郎', holderName: 'アベ イチロウ' });
  experts.inoue = await payee(api, { name: '井上 二郎', holderName: 'イノウエ ジロウ' });
  experts.ueda = await payee(api, { name: '上田 三郎', holderName: 'ウエダ サブロウ' });
  experts.eto = await payee(api, {
    name: '江藤 四郎',
    holderName: 'エトウ シロウ',
    feeExempt: true,
  });
  visits.abe = await visitOn(api, experts.abe.id, '2026-12-01', '10:00', '12:00');
  visits.inoue = await visitOn(api, experts.inoue.id, '2026-12-02', '10:00', '13:00', 'online');
  visits.uedaAm = await visitOn(api, experts.ueda.id, '2026-12-03', '09:00', '12:30', 'online');
  visits.uedaPm = await visitOn(api, experts.ueda.id, '2026-12-03', '14:00', '17:30', 'online');
  visits.eto = await visitOn(api, experts.eto.id, '2026-12-04', '10:00', '12:00');

  api.setNow('2026-12-10T01:00:00Z'); // Thursday 10:00 in Tokyo
  await report(api, visits.abe);
  await report(api, visits.inoue, { date: '2026-12-02', from: '10:00', to: '12:50' });
  await report(api, visits.uedaAm);
  await report(api, visits.uedaPm);
  await report(api, visits.eto);
  for (const key of ['abe', 'inoue', 'uedaPm', 'eto']) await confirm(api, visits[key] as Visit);

  for (const [key, yen] of [
    ['abe', 4_320],
    ['eto', 2_640],
  ] as const) {
    const filed = await claim(api, experts[key]?.token as string, visits[key] as Visit, yen);
    expect((await api.call('POST', `/v1/travel-claims/${filed.id}/approve`)).status).toBe(200);
  }
}, 120_000);
afterAll(() => api.close());

const december = '/v1/reports/payments?fiscalYear=2026&month=12';
const paidItems = async () =>
  Number(
    (await rowsOf<{ n: number }>(api.db, sql`select count(*)::int as n from payment_items`))[0]?.n,
  );

describe('the December report before export', () => {
  it('gives each expert confirmed visits, billable hours, fee, travel, withholding and net', async () => {
    const res = await api.call('GET', december);
    expect(res.status, res.text).toBe(200);
    const byName = Object.fromEntries(res.body.experts.map((e: { name: string }) => [e.name, e]));
    expect(byName['阿部 一郎']).toMatchObject({
      confirmedVisits: 1,
      billableHours: 2,
      feeYen: 10_300,
      travelYen: 4_320,
      withholdingYen: 1_051,
      netYen: 9_249 + 4_320,
      paidNetYen: 0,
      dueNetYen: 13_569,
    });
    expect(byName['井上 二郎']).toMatchObject({
      billableHours: 2.5,
      feeYen: 12_875,
      withholdingYen: 1_314,
      netYen: 11_561,
    });
    // Only the afternoon visit is confirmed: it is paid in full, the morning one waits.
    expect(byName['上田 三郎']).toMatchObject({ confirmedVisits: 1, feeYen: 18_025 });
    expect(
      byName['上田 三郎'].visits.map((v: { fee: { status: string } }) => v.fee.status),
    ).toEqual(['waiting', 'payable']);
    expect(byName['江藤 四郎']).toMatchObject({
      feeExempt: true,
      billableHours: 2,
      feeYen: 0,
      travelYen: 2_640,
      withholdingYen: 0,
      netYen: 2_640,
    });
    expect(res.body.waiting).toEqual({ awaitingConfirmation: 1, disputed: 0, undecidedClaims: 0 });
    expect(res.body.exports).toEqual([]);
  });

  it('comes as CSV with a BOM and Japanese headers', async () => {
    const res = await api.app.request(`${december}&format=csv`, {
      headers: { authorization: 'Bearer test-staff-token-0123456789' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="haken-payments-2026-12\.csv"/,
    );
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    const [head, ...rows] = text.split('\r\n');
    expect(head?.startsWith('\uFEFF支払月,専門家ID,専門家,')).toBe(true);
    expect(head).toContain('源泉徴収税額(円),差引支払額(円)');
    expect(rows).toContainEqual(
      expect.stringMatching(
        /^2026-12,[0-9a-f-]{36},阿部 一郎,,○,1,2,10300,4320,1051,13569,0,13569$/,
      ),
    );
  });

  it('has no 全銀 file before the month is exported', async () => {
    expectProblem(await api.call('GET', `${december}&format=zengin`), 404, 'not-found');
  });
});

describe('exporting December', () => {
  let first: { id: string; sha256: string; sequence: number };
  let bytes: Buffer;

  beforeAll(async () => {
    const res = await exportMonth(api, 2026, 12);
    expect(res.status, res.text).toBe(201);
    first = res.body;
    const file = await api.app.request(`${december}&format=zengin`, {
      headers: { authorization: 'Bearer test-staff-token-0123456789' },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/plain; charset=Shift_JIS');
    bytes = Buffer.from(await file.arrayBuffer());
  });

  it('writes a 全銀 総合振込 file that reads back field by field', () => {
    const [header, ...rest] = parseZenginFile(bytes, 'crlf');
    const end = rest.pop();
    const trailer = rest.pop();
    const data = rest;
    expect(header).toEqual({
      データ区分: '1',
      種別コード: '21',
      コード区分: '0',
      依頼人コード: '1234567890',
      依頼人名: 'ｷﾞｼﾞﾕﾂｼﾞﾖｳﾎｳｶﾝﾘ ｾﾝﾓﾝｶﾊｹﾝ ｼﾞﾑｷﾖｸ'.padEnd(40),
      // Exported Thursday 12-10: the second bank business day after is Monday 12-14.
      取組日: '1214',
      仕向銀行番号: '0001',
      仕向銀行名: 'ﾐｽﾞﾎ'.padEnd(15),
      仕向支店番号: '001',
      仕向支店名: 'ﾄｳｷﾖｳ'.padEnd(15),
      預金種目: '2',
      口座番号: '1234567',
      ダミー: ' '.repeat(17),
    });
    // One transfer per expert with a net to pay, by name (上 井 江 阿 in code-point order),
    // each their net in yen.
    expect(data.map((d) => [d.受取人名?.trimEnd(), Number(d.振込金額)])).toEqual([
      ['ｳｴﾀﾞ ｻﾌﾞﾛｳ', 18_025 - 1_840],
      ['ｲﾉｳｴ ｼﾞﾛｳ', 11_561],
      ['ｴﾄｳ ｼﾛｳ', 2_640],
      ['ｱﾍﾞ ｲﾁﾛｳ', 13_569],
    ]);
    for (const d of data) {
      expect(d).toMatchObject({
        データ区分: '2',
        被仕向銀行番号: '0005',
        被仕向銀行名: 'ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ'.padEnd(15),
        被仕向支店番号: '103',
        被仕向支店名: 'ﾁﾖﾀﾞ'.padEnd(15),
        預金種目: '1',
        新規コード: '0',
        振込指定区分: '7',
      });
      expect(d.口座番号).toMatch(/^[0-9]{7}$/);
    }
    expect(trailer).toEqual({
      データ区分: '8',
      合計件数: '000004',
      合計金額: String(data.reduce((s, d) => s + Number(d.振込金額), 0)).padStart(12, '0'),
      ダミー: ' '.repeat(101),
    });
    expect(end).toEqual({ データ区分: '9', ダミー: ' '.repeat(119) });
    expect(iconv.decode(bytes, 'Shift_JIS')).not.toContain('?');
  });

  it('marks the visits paid, audited, and says so in the report', async () => {
    const res = await api.call('GET', december);
    const abe = res.body.experts.find((e: { name: string }) => e.name === '阿部 一郎');
    expect(abe).toMatchObject({ paidNetYen: 13_569, dueNetYen: 0 });
    expect(abe.visits[0].fee).toMatchObject({ status: 'paid', feeYen: 10_300 });
    expect(abe.visits[0].travel).toMatchObject({ status: 'paid', amountYen: 4_320 });
    expect(res.body.exports).toEqual([
      expect.objectContaining({ id: first.id, sequence: 1, transfers: 4, sha256: first.sha256 }),
    ]);
    const audit = await api.call('GET', `/v1/audit?entityType=payment-export&entityId=${first.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'payments.exported',
    ]);
  });

  it('gives the same file again and pays nothing twice', async () => {
    const before = await paidItems();
    const again = await exportMonth(api, 2026, 12);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(first);
    expect(await paidItems()).toBe(before);
    const file = await api.app.request(`${december}&format=zengin`, {
      headers: { authorization: 'Bearer test-staff-token-0123456789' },
    });
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('freezes the fiscal year’s rates', async () => {
    const rates = (await api.call('GET', '/v1/fees/2026')).body;
    expect(rates).toMatchObject({ frozen: true, hourlyRateYen: 5_150 });
    const {
      fiscalYear: _,
      label: __,
      isDefault: ___,
      frozen: ____,
      updatedAt: _____,
      ...body
    } = rates;
    expectProblem(
      await api.call('PUT', '/v1/fees/2026', { body: { ...body, hourlyRateYen: 6_000 } }),
      409,
      'rates-frozen',
    );
  });

  it('pays a visit confirmed later from what its day’s cap has left, in a second export', async () => {
    await confirm(api, visits.uedaAm as Visit);
    const res = await exportMonth(api, 2026, 12);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ sequence: 2, transfers: 1, totalYen: 12_875 - 1_314 });

    const report = (await api.call('GET', december)).body;
    const ueda = report.experts.find((e: { name: string }) => e.name === '上田 三郎');
    // The afternoon visit keeps the ¥18,025 it was paid; the morning one gets ¥12,875.
    expect(ueda.visits.map((v: { fee: { feeYen: number } }) => v.fee.feeYen)).toEqual([
      12_875, 18_025,
    ]);
    expect(ueda).toMatchObject({
      feeYen: 30_900,
      withholdingYen: 3_154,
      netYen: 30_900 - 3_154,
      paidNetYen: 30_900 - 3_154,
      dueNetYen: 0,
    });

    const second = await api.app.request(`${december}&format=zengin&export=2`, {
      headers: { authorization: 'Bearer test-staff-token-0123456789' },
    });
    const records = parseZenginFile(Buffer.from(await second.arrayBuffer()), 'crlf');
    expect(records.map((r) => r.データ区分)).toEqual(['1', '2', '8', '9']);
    expect(Number(records[1]?.振込金額)).toBe(11_561);
    const firstAgain = await api.app.request(`${december}&format=zengin&export=1`, {
      headers: { authorization: 'Bearer test-staff-token-0123456789' },
    });
    expect(Buffer.from(await firstAgain.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('what an export refuses', () => {
  it('a month with nothing payable: 409 nothing-to-pay', async () => {
    expectProblem(await exportMonth(api, 2026, 11), 409, 'nothing-to-pay');
  });

  it('a transfer date that is no bank day, or past: 400 naming transferDate', async () => {
    const expert = await payee(api);
    const v = await visitOn(api, expert.id, '2026-12-14', '10:00', '12:00', 'online');
    api.setNow('2027-01-12T01:00:00Z');
    await report(api, v);
    await confirm(api, v);
    for (const date of ['2027-01-16', '2027-01-11']) {
      const res = await exportMonth(api, 2026, 12, date);
      expect(res.status, date).toBe(400);
      expect(res.body.errors[0].path).toBe('transferDate');
    }
    const ok = await exportMonth(api, 2026, 12, '2027-01-15');
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.transferDate).toBe('2027-01-15');
  });

  it('an expert to be paid without a bank account: 409 naming them, and nothing is paid', async () => {
    const expert = await payee(api, { name: '口座 未登録', bankAccount: false });
    const v = await visitOn(api, expert.id, '2027-01-20', '10:00', '12:00', 'online');
    api.setNow('2027-02-01T01:00:00Z');
    await report(api, v);
    await confirm(api, v);
    const before = await paidItems();
    const res = await exportMonth(api, 2026, 1);
    expectProblem(res, 409, 'bank-account-missing');
    expect(res.body.errors).toEqual([
      { path: `experts.${expert.id}`, message: '口座 未登録 has no bank account' },
    ]);
    expect(await paidItems()).toBe(before);
  });
});

describe('without the office’s bank details', () => {
  it('answers 501 not-available rather than pay without a file', async () => {
    const bare = await testApi();
    try {
      const expert = await payee(bare);
      const v = await visitOn(bare, expert.id, '2026-12-01', '10:00', '12:00', 'online');
      bare.setNow('2026-12-10T01:00:00Z');
      await report(bare, v);
      await confirm(bare, v);
      const res = await exportMonth(bare, 2026, 12);
      expectProblem(res, 501, 'not-available');
      expect(res.body.detail).toMatch(/ZENGIN_REQUESTER_CODE/);
      expect(
        (await bare.call('GET', '/v1/reports/payments?fiscalYear=2026&month=12')).body.exports,
      ).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
