import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { applyReceived, jst } from '../support/booking.ts';
import { application, createExpert } from '../support/fixtures.ts';
import {
  claim,
  confirm,
  exportMonth,
  OFFICE_ENV,
  payee,
  report,
  visitOn,
} from '../support/money.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';

// Rates per fiscal year and the budget they are spent against. The harness clock stands in
// FY2026 (2026-11-25); the visits are in December.

const DEFAULTS = {
  hourlyRateYen: 5_150,
  unitMinutes: 30,
  dailyCapYen: 30_900,
  withholdingBp: 1_021,
  withholdingAboveBp: 2_042,
  withholdingThresholdYen: 1_000_000,
  withholdTravel: false,
  dailyAllowanceYen: 0,
  lodgingCapYen: 0,
  travelEstimateYen: 0,
};

let api: TestApi;
beforeAll(async () => {
  api = await testApi(OFFICE_ENV);
}, 120_000);
afterAll(() => api.close());

describe('rates per fiscal year', () => {
  it('are PRODUCT.md’s defaults until set', async () => {
    const res = await api.call('GET', '/v1/fees/2021');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      fiscalYear: 2021,
      label: '令和3年度',
      ...DEFAULTS,
      isDefault: true,
      frozen: false,
      updatedAt: null,
    });
  });

  it('are set by staff, audited with what they were', async () => {
    const rates = {
      ...DEFAULTS,
      dailyAllowanceYen: 2_600,
      lodgingCapYen: 10_900,
      travelEstimateYen: 6_000,
    };
    const res = await api.call('PUT', '/v1/fees/2026', { body: rates });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ...rates, isDefault: false, frozen: false });
    expect((await api.call('GET', '/v1/fees/2026')).body).toMatchObject(rates);
    const audit = await api.call('GET', '/v1/audit?entityType=fee-rates&entityId=2026');
    expect(audit.body.items[0]).toMatchObject({
      action: 'fees.updated',
      data: { before: DEFAULTS, after: rates },
    });
  });

  it('refuse what no rate can be, naming the field', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ unitMinutes: 0 }, 'unitMinutes'],
      [{ withholdingBp: 10_001 }, 'withholdingBp'],
      [{ hourlyRateYen: 5_150.5 }, 'hourlyRateYen'],
      [{ dailyCapYen: -1 }, 'dailyCapYen'],
      [{ withholdTravel: 'no' }, 'withholdTravel'],
    ];
    for (const [change, field] of bad) {
      expectFieldError(
        await api.call('PUT', '/v1/fees/2025', { body: { ...DEFAULTS, ...change } }),
        field,
      );
    }
    expect((await api.call('GET', '/v1/fees/2025')).body.isDefault).toBe(true);
  });

  it('take a fiscal year the service reports on', async () => {
    expectFieldError(await api.call('GET', '/v1/fees/1988'), 'fiscalYear');
    expectFieldError(await api.call('GET', '/v1/fees/twenty'), 'fiscalYear');
  });
});

describe('the budget', () => {
  it('has no amount until set, and intake is open', async () => {
    const res = await api.call('GET', '/v1/budget/2027');
    expect(res.body).toMatchObject({
      fiscalYear: 2027,
      amountYen: null,
      remainingYen: null,
      committedYen: 0,
      intake: { open: true, reason: null },
    });
    expect((await api.call('GET', '/v1/intake', { token: null })).body).toEqual({
      fiscalYear: 2026,
      open: true,
      reason: null,
      closesOn: null,
    });
  });

  it('follows a visit from committed to approved to paid', async () => {
    // FY2026 sets aside ¥6,000 travel per on-site visit (above).
    const expert = await payee(api);
    const visit = await visitOn(api, expert.id, '2026-12-01', '10:00', '12:00');
    const figures = async () => (await api.call('GET', '/v1/budget/2026')).body;
    expect(await figures()).toMatchObject({
      committedYen: 10_300 + 6_000,
      approvedYen: 0,
      paidYen: 0,
    });

    api.setNow('2026-12-02T01:00:00Z');
    await report(api, visit, { date: '2026-12-01', from: '10:00', to: '12:30' });
    // Reported but not confirmed: still committed, now at its actual 2 h 30.
    expect(await figures()).toMatchObject({ committedYen: 12_875 + 6_000, approvedYen: 0 });
    await confirm(api, visit);
    expect(await figures()).toMatchObject({ committedYen: 6_000, approvedYen: 12_875 });
    const filed = await claim(api, expert.token, visit, 4_100);
    expect(await figures()).toMatchObject({ committedYen: 4_100, approvedYen: 12_875 });
    await api.call('POST', `/v1/travel-claims/${filed.id}/approve`);
    expect(await figures()).toMatchObject({ committedYen: 0, approvedYen: 16_975, paidYen: 0 });
    expect((await exportMonth(api, 2026, 12)).status).toBe(201);
    expect(await figures()).toMatchObject({ committedYen: 0, approvedYen: 0, paidYen: 16_975 });
    api.setNow('2026-11-25T00:00:00Z');
  });

  it('counts an accepted request still to book at the duration and format it asked for', async () => {
    const before = (await api.call('GET', '/v1/budget/2026')).body.committedYen;
    const applied = await applyReceived(api, { durationMinutes: 180, format: 'either' });
    expect((await api.call('GET', '/v1/budget/2026')).body.committedYen).toBe(before);
    await api.call('POST', `/v1/requests/${applied.request.id}/accept`, { body: {} });
    expect((await api.call('GET', '/v1/budget/2026')).body.committedYen).toBe(
      before + 15_450 + 6_000,
    );
  });

  it('is set by staff, audited, and says what remains', async () => {
    const res = await api.call('PUT', '/v1/budget/2026', {
      body: { amountYen: 1_000_000, intakeClosesOn: '2027-01-31' },
    });
    expect(res.status, res.text).toBe(200);
    const { committedYen, approvedYen, paidYen } = res.body;
    expect(res.body).toMatchObject({
      amountYen: 1_000_000,
      intakeClosesOn: '2027-01-31',
      remainingYen: 1_000_000 - committedYen - approvedYen - paidYen,
      intake: { open: true, reason: null },
    });
    const audit = await api.call('GET', '/v1/audit?entityType=budget&entityId=2026');
    expect(audit.body.items[0]).toMatchObject({
      action: 'budget.set',
      data: { before: null, after: { amountYen: 1_000_000, intakeClosesOn: '2027-01-31' } },
    });
    expectFieldError(
      await api.call('PUT', '/v1/budget/2026', {
        body: { amountYen: 10, intakeClosesOn: '2027-02-30' },
      }),
      'intakeClosesOn',
    );
  });
});

describe('intake', () => {
  it('closes after intakeClosesOn: applications get 409 intake-closed', async () => {
    api.setNow(jst('2027-02-01', '09:00'));
    try {
      const res = await api.call('POST', '/v1/requests', { token: null, body: application(api) });
      expectProblem(res, 409, 'intake-closed');
      expect(res.body.detail).toMatch(/closed on 2027-01-31/);
      expect((await api.call('GET', '/v1/intake', { token: null })).body).toEqual({
        fiscalYear: 2026,
        open: false,
        reason: 'closing-date',
        closesOn: '2027-01-31',
      });
    } finally {
      api.setNow('2026-11-25T00:00:00Z');
    }
  });

  it('closes when an application would pass the budget', async () => {
    const spoken = async () => {
      const b = (await api.call('GET', '/v1/budget/2026')).body;
      return b.committedYen + b.approvedYen + b.paidYen;
    };
    // Room for one more 2-hour online visit (¥10,300) but not an on-site one (+¥6,000).
    await api.call('PUT', '/v1/budget/2026', {
      body: { amountYen: (await spoken()) + 12_000, intakeClosesOn: null },
    });
    const onsite = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api, { format: 'onsite' }),
    });
    expectProblem(onsite, 409, 'intake-closed');
    const online = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api, {
        format: 'online',
        company: { ...application(api).company, corporateNumber: undefined },
      }),
    });
    expect(online.status, online.text).toBe(201);
  });
});

describe('accepting past the budget', () => {
  it('is 409 over-budget, and goes through with force', async () => {
    await api.call('PUT', '/v1/budget/2026', { body: { amountYen: 100_000_000 } });
    const applied = await applyReceived(api);
    const spoken = (await api.call('GET', '/v1/budget/2026')).body;
    await api.call('PUT', '/v1/budget/2026', {
      body: { amountYen: spoken.committedYen + spoken.approvedYen + spoken.paidYen + 1_000 },
    });
    const path = `/v1/requests/${applied.request.id}/accept`;
    const refused = await api.call('POST', path, { body: { note: '予算確認中' } });
    expectProblem(refused, 409, 'over-budget');
    expect(refused.body.detail).toMatch(/force/);
    expect((await api.call('GET', `/v1/requests/${applied.request.id}`)).body.status).toBe(
      'received',
    );
    const forced = await api.call('POST', path, { body: { force: true } });
    expect(forced.status, forced.text).toBe(200);
    expect(forced.body.status).toBe('accepted');
  });

  it('is not checked for a year without a budget', async () => {
    await createExpert(api);
    api.setNow(jst('2027-05-10', '09:00'));
    try {
      const applied = await applyReceived(api);
      const res = await api.call('POST', `/v1/requests/${applied.request.id}/accept`, { body: {} });
      expect(res.status, res.text).toBe(200);
    } finally {
      api.setNow('2026-11-25T00:00:00Z');
    }
  });
});
