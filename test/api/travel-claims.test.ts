import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/notify/email.ts';
import type { EmailPayload } from '../../src/notify/payload.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { jst } from '../support/booking.ts';
import { payee, report, type Visit, visitOn } from '../support/money.ts';
import { ofEvent, outbox } from '../support/notify.ts';
import { expectFieldError, expectProblem, fieldPaths } from '../support/problems.ts';

// Travel (旅費) an expert claims for an on-site visit, and the office's decision on it. FY2026
// pays a daily allowance of up to ¥2,600 and lodging up to ¥10,900.

let api: TestApi;
let sato: Awaited<ReturnType<typeof payee>>;
let tanaka: Awaited<ReturnType<typeof payee>>;
const visits: Record<string, Visit> = {};

const rates = {
  hourlyRateYen: 5_150,
  unitMinutes: 30,
  dailyCapYen: 30_900,
  withholdingBp: 1_021,
  withholdingAboveBp: 2_042,
  withholdingThresholdYen: 1_000_000,
  withholdTravel: false,
  dailyAllowanceYen: 2_600,
  lodgingCapYen: 10_900,
  travelEstimateYen: 0,
};

beforeAll(async () => {
  api = await testApi();
  expect((await api.call('PUT', '/v1/fees/2026', { body: rates })).status).toBe(200);
  sato = await payee(api, { name: '佐藤 花子' });
  tanaka = await payee(api, { name: '田中 一郎' });
  visits.morning = await visitOn(api, sato.id, '2026-12-01', '09:00', '11:00');
  visits.afternoon = await visitOn(api, sato.id, '2026-12-01', '14:00', '16:00');
  visits.online = await visitOn(api, sato.id, '2026-12-02', '10:00', '12:00', 'online');
  visits.later = await visitOn(api, sato.id, '2026-12-22', '10:00', '12:00');
  visits.other = await visitOn(api, sato.id, '2026-12-03', '10:00', '12:00');
  visits.tanaka = await visitOn(api, tanaka.id, '2026-12-03', '10:00', '12:00');
  api.setNow(jst('2026-12-04', '09:00'));
  for (const key of ['morning', 'afternoon', 'online', 'other', 'tanaka']) {
    await report(api, visits[key] as Visit);
  }
}, 120_000);
afterAll(() => api.close());

const legs = [
  { from: '東京駅', to: '名古屋駅', mode: 'train', amountYen: 11_300 },
  { from: '名古屋駅', to: '株式会社テスト金属', mode: 'taxi', amountYen: 2_180 },
];

const file = (visit: Visit, body: object = {}, token = sato.token) =>
  api.call('POST', '/v1/me/travel-claims', {
    token,
    body: { sessionId: visit.session.id, legs, ...body },
  });

describe('claiming travel', () => {
  let morning: { id: string };

  it('files a claim for a completed on-site visit, its total summed and audited', async () => {
    const res = await file(visits.morning as Visit, { allowanceYen: 2_600, lodgingYen: 9_800 });
    expect(res.status, res.text).toBe(201);
    morning = res.body;
    expect(res.body).toMatchObject({
      sessionId: visits.morning?.session.id,
      expert: { id: sato.id, name: '佐藤 花子' },
      legs,
      allowanceYen: 2_600,
      lodgingYen: 9_800,
      claimedYen: 11_300 + 2_180 + 2_600 + 9_800,
      status: 'submitted',
      approvedYen: null,
      paid: false,
      receipts: [],
    });
    const audit = await api.call('GET', `/v1/audit?entityType=travel-claim&entityId=${morning.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'travel-claim.submitted',
      actor: { role: 'expert', id: sato.id },
    });
  });

  it('holds one allowance a day across the expert’s visits of that day', async () => {
    const res = await file(visits.afternoon as Visit, { allowanceYen: 1 });
    expectFieldError(res, 'allowanceYen');
    expect(res.body.errors[0].message).toMatch(/¥2,600 of it already claimed that day/);
    expect((await file(visits.afternoon as Visit)).status).toBe(201);
  });

  it('refuses what the year does not pay, naming each field', async () => {
    const res = await file(visits.other as Visit, {
      legs: [],
      allowanceYen: 2_601,
      lodgingYen: 11_000,
    });
    expectProblem(res, 400, 'validation-failed');
    expect(fieldPaths(res).sort()).toEqual(['allowanceYen', 'legs', 'lodgingYen']);
    expectFieldError(
      await file(visits.other as Visit, { legs: [{ ...legs[0], mode: 'rocket' }] }),
      'legs.0.mode',
    );
    expectFieldError(
      await file(visits.other as Visit, { legs: [{ ...legs[0], from: '東京\n駅' }] }),
      'legs.0.from',
    );
  });

  it('is for on-site visits that took place, one claim each', async () => {
    expectProblem(await file(visits.online as Visit), 409, 'invalid-transition');
    expectProblem(await file(visits.later as Visit), 409, 'invalid-transition');
    expectProblem(await file(visits.morning as Visit), 409, 'invalid-transition');
  });

  it('is the expert’s own visit and claim: another’s is 404', async () => {
    expectProblem(await file(visits.tanaka as Visit), 404, 'not-found');
    expectProblem(
      await api.call('GET', `/v1/me/travel-claims/${morning.id}`, { token: tanaka.token }),
      404,
      'not-found',
    );
    const mine = await api.call('GET', '/v1/me/travel-claims', { token: sato.token });
    // Filed at the same instant (the clock stands still): newest first, then by id.
    expect(mine.body.items.map((c: { sessionId: string }) => c.sessionId).sort()).toEqual(
      [visits.afternoon?.session.id, visits.morning?.session.id].sort(),
    );
    expect(
      (await api.call('GET', '/v1/me/travel-claims', { token: tanaka.token })).body.items,
    ).toEqual([]);
  });

  it('is changed by the expert until the office decides', async () => {
    const res = await api.call('PUT', `/v1/me/travel-claims/${morning.id}`, {
      token: sato.token,
      body: { legs: [legs[0]], allowanceYen: 2_000, lodgingYen: 0 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ claimedYen: 13_300, allowanceYen: 2_000 });
  });
});

describe('the office’s decision', () => {
  let claimId: string;
  beforeAll(async () => {
    const res = await file(visits.other as Visit);
    claimId = res.body.id;
  });

  const mailOf = async (event: 'travel-claim.approved' | 'travel-claim.adjusted') => {
    const rows = (await outbox(api.db, ofEvent(event))).filter((r) => r.kind === 'email');
    const row = rows.at(-1);
    if (!row) throw new Error(`no ${event} email`);
    return {
      recipient: row.recipient,
      text: renderEmail(
        {
          id: row.id,
          event,
          recipient: row.recipient as string,
          payload: row.payload as EmailPayload,
        },
        { name: '事務局', email: 'office@example.jp' },
      ).text,
    };
  };

  it('adjusting needs a reason and a lower amount', async () => {
    const path = `/v1/travel-claims/${claimId}/adjust`;
    expectFieldError(await api.call('POST', path, { body: { approvedYen: 10_000 } }), 'reason');
    expectFieldError(
      await api.call('POST', path, { body: { approvedYen: 99_999, reason: '経路の差' } }),
      'approvedYen',
    );
    expectFieldError(
      await api.call('POST', path, { body: { approvedYen: 13_480, reason: '経路の差' } }),
      'approvedYen',
    );
  });

  it('adjusts a claim with a reason: audited, and the expert told why', async () => {
    const res = await api.call('POST', `/v1/travel-claims/${claimId}/adjust`, {
      body: { approvedYen: 12_980, reason: 'タクシー代は路線バス運賃で精算' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      status: 'adjusted',
      claimedYen: 13_480,
      approvedYen: 12_980,
      decisionReason: 'タクシー代は路線バス運賃で精算',
      decidedAt: api.now().toISOString(),
    });
    const mail = await mailOf('travel-claim.adjusted');
    expect(mail.recipient).toBe((await api.call('GET', `/v1/experts/${sato.id}`)).body.email);
    expect(mail.text).toContain('請求額: 13,480円');
    expect(mail.text).toContain('承認額: 12,980円');
    expect(mail.text).toContain('修正の理由: 「タクシー代は路線バス運賃で精算」');
    const audit = await api.call('GET', `/v1/audit?entityType=travel-claim&entityId=${claimId}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'travel-claim.adjusted',
      actor: { role: 'staff' },
      data: { claimedYen: 13_480, approvedYen: 12_980 },
    });
  });

  it('is final: no second decision, no change by the expert', async () => {
    expectProblem(
      await api.call('POST', `/v1/travel-claims/${claimId}/approve`),
      409,
      'invalid-transition',
    );
    expectProblem(
      await api.call('PUT', `/v1/me/travel-claims/${claimId}`, {
        token: sato.token,
        body: { legs, allowanceYen: 0, lodgingYen: 0 },
      }),
      409,
      'invalid-transition',
    );
  });

  it('approves a claim as claimed, and tells the expert', async () => {
    const tanakaClaim = await file(visits.tanaka as Visit, {}, tanaka.token);
    const res = await api.call('POST', `/v1/travel-claims/${tanakaClaim.body.id}/approve`);
    expect(res.body).toMatchObject({ status: 'approved', approvedYen: 13_480 });
    const mail = await mailOf('travel-claim.approved');
    expect(mail.text).toContain('承認額: 13,480円');
  });

  it('lists claims to decide for staff', async () => {
    const res = await api.call('GET', '/v1/travel-claims?status=submitted');
    expect(res.body.items.map((c: { expert: { name: string } }) => c.expert.name)).toEqual([
      '佐藤 花子',
      '佐藤 花子',
    ]);
    expect(
      (await api.call('GET', `/v1/travel-claims?expertId=${tanaka.id}`)).body.items,
    ).toHaveLength(1);
  });
});

describe('receipts', () => {
  const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  let claimId: string;
  let receiptId: string;

  const upload = (body: Uint8Array<ArrayBuffer>, type: string, token = sato.token, id = claimId) =>
    api.app.request(
      `/v1/me/travel-claims/${id}/receipts?filename=${encodeURIComponent('新幹線 領収書.pdf')}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body,
      },
    );

  beforeAll(async () => {
    claimId = (
      await api.call('GET', '/v1/me/travel-claims', { token: sato.token })
    ).body.items.find(
      (c: { status: string; sessionId: string }) => c.sessionId === visits.afternoon?.session.id,
    ).id;
  });

  it('attaches a PDF, JPEG or PNG to the claim, as sent', async () => {
    const res = await upload(pdf, 'application/pdf');
    expect(res.status, await res.clone().text()).toBe(201);
    const receipt = (await res.json()) as { id: string };
    receiptId = receipt.id;
    expect(receipt).toMatchObject({
      filename: '新幹線 領収書.pdf',
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
    });
    const claimRead = await api.call('GET', `/v1/travel-claims/${claimId}`);
    expect(claimRead.body.receipts).toEqual([receipt]);
  });

  it('refuses a file that is not what it says, another type, or more than 5 MB', async () => {
    const fake = await upload(
      new TextEncoder().encode('<script>alert(1)</script>'),
      'application/pdf',
    );
    expect(fake.status).toBe(400);
    expect((await upload(pdf, 'text/html')).status).toBe(415);
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const tooBig = await upload(big, 'image/png');
    expect(tooBig.status).toBe(413);
    expect((await api.call('GET', `/v1/travel-claims/${claimId}`)).body.receipts).toHaveLength(1);
  });

  it('are served to the expert and staff only, as downloads that never render', async () => {
    for (const [path, token] of [
      [`/v1/me/travel-claims/${claimId}/receipts/${receiptId}`, sato.token],
      [`/v1/travel-claims/${claimId}/receipts/${receiptId}`, STAFF_TOKEN],
    ] as const) {
      const res = await api.app.request(path, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; /);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdf);
    }
    expectProblem(
      await api.call('GET', `/v1/me/travel-claims/${claimId}/receipts/${receiptId}`, {
        token: tanaka.token,
      }),
      404,
      'not-found',
    );
    expectProblem(
      await api.call('GET', `/v1/travel-claims/${claimId}/receipts/${receiptId}`, {
        token: visits.morning?.companyToken,
      }),
      403,
      'forbidden',
    );
  });

  it('are removed by the expert until the claim is decided, then neither added nor removed', async () => {
    const extra = (await (await upload(pdf, 'application/pdf')).json()) as { id: string };
    const removed = await api.call(
      'DELETE',
      `/v1/me/travel-claims/${claimId}/receipts/${extra.id}`,
      {
        token: sato.token,
      },
    );
    expect(removed.status).toBe(204);
    await api.call('POST', `/v1/travel-claims/${claimId}/approve`);
    expect((await upload(pdf, 'application/pdf')).status).toBe(409);
    expectProblem(
      await api.call('DELETE', `/v1/me/travel-claims/${claimId}/receipts/${receiptId}`, {
        token: sato.token,
      }),
      409,
      'invalid-transition',
    );
  });
});
