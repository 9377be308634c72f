import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { applyAs, applyReceived, book, corporateNumber, jst } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { browserOf } from '../support/pages.ts';
import { expectProblem } from '../support/problems.ts';

// Who may not visit a company (a conflict of interest), and the quota said up front. The
// harness clock stands at 2026-11-25 09:00 JST; the fixtures' experts work weekdays 9–17, on
// site in Aichi (23), and the applications' window is 2026-12-02 09:00 – 12-09 17:00 JST.

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

type Matches = {
  matches: { expert: { id: string }; factors: { kind: string }[] }[];
  excluded: { expert: { id: string }; conflict: unknown; reason: string }[];
  fullFiscalYears: number[];
};

const matchesOf = async (requestId: string) => {
  const res = await api.call('GET', `/v1/requests/${requestId}/matches?limit=200`);
  expect(res.status, res.text).toBe(200);
  return res.body as Matches;
};

describe('an expert of an accredited body', () => {
  it('is kept from the companies the body is auditing or has certified, and says why', async () => {
    const jqa = await createExpert(api, {
      name: '品質 保子',
      email: 'jqa.auditor@example.jp',
      certificationBodyId: 'jqa',
    });
    const jicqa = await createExpert(api, {
      name: '検査 一郎',
      email: 'jicqa.auditor@example.jp',
      certificationBodyId: 'jicqa',
    });
    const applied = await applyAs(api);
    const before = await matchesOf(applied.request.id);
    expect(before.matches.map((m) => m.expert.id)).toContain(jqa.id);
    expect(before.excluded).toEqual([]);

    const companyId = applied.request.company.id;
    const audit = await api.call('POST', `/v1/companies/${companyId}/certifications`, {
      body: { date: '2026-11-01', bodyId: 'jqa', status: 'auditing' },
    });
    expect(audit.status, audit.text).toBe(201);

    const after = await matchesOf(applied.request.id);
    const listed = after.matches.map((m) => m.expert.id);
    expect(listed).not.toContain(jqa.id);
    expect(listed).toContain(jicqa.id);
    expect(after.excluded).toEqual([
      {
        expert: { id: jqa.id, name: '品質 保子', affiliation: expect.any(String) },
        conflict: { kind: 'certification', bodyId: 'jqa', status: 'auditing' },
        reason: '利益相反: 一般財団法人日本品質保証機構が審査中の企業',
      },
    ]);
    // No slot of theirs is offered to the company, and booking them is refused.
    const slots = await api.call('GET', `/v1/requests/${applied.request.id}/slots`);
    const owners = new Set(slots.body.slots.map((s: { expert: { id: string } }) => s.expert.id));
    expect(owners.has(jqa.id)).toBe(false);
    const refused = await book(api, applied.request.id, {
      expertId: jqa.id,
      start: jst('2026-12-03', '10:00'),
    });
    expectProblem(refused, 422, 'outside-availability');
    expect(refused.body.detail).toContain('conflict of interest');
  });

  it('is kept from a company still under review, found by its corporate number', async () => {
    const jqa = await createExpert(api, {
      name: '審査 花子',
      email: 'jqa.second@example.jp',
      certificationBodyId: 'jqa',
    });
    const number = corporateNumber();
    const first = await applyAs(api, { corporateNumber: number });
    await api.call('POST', `/v1/companies/${first.request.company.id}/certifications`, {
      body: { date: '2026-10-15', bodyId: 'jqa' },
    });
    await api.call('POST', `/v1/requests/${first.request.id}/cancel`, { body: {} });
    const again = await applyReceived(api, { corporateNumber: number });
    const matches = await matchesOf(again.request.id);
    expect(matches.matches.map((m) => m.expert.id)).not.toContain(jqa.id);
    expect(matches.excluded.map((e) => [e.expert.id, e.reason])).toContainEqual([
      jqa.id,
      '利益相反: 一般財団法人日本品質保証機構が認証した企業',
    ]);
  });

  it('lists a declared conflict among the excluded too', async () => {
    const number = corporateNumber();
    const declared = await createExpert(api, {
      name: '申告 次郎',
      email: 'declared@example.jp',
      conflicts: [number],
    });
    const applied = await applyAs(api, { corporateNumber: number });
    const matches = await matchesOf(applied.request.id);
    expect(matches.matches.map((m) => m.expert.id)).not.toContain(declared.id);
    expect(matches.excluded).toContainEqual(
      expect.objectContaining({
        expert: expect.objectContaining({ id: declared.id }),
        conflict: { kind: 'listed' },
      }),
    );
  });
});

describe('the quota, up front', () => {
  it('offers no slot in a fiscal year where the company has no visit left, and says which', async () => {
    const expert = await createExpert(api, { name: '上限 三郎', email: 'quota@example.jp' });
    const number = corporateNumber();
    // VISITS_PER_COMPANY_PER_FY is 3: three visits this fiscal year use it up.
    const visits: { id: string; token: string }[] = [];
    for (const day of ['2026-12-02', '2026-12-03', '2026-12-04']) {
      const applied = await applyAs(api, { corporateNumber: number });
      const res = await book(api, applied.request.id, {
        expertId: expert.id,
        start: jst(day, '13:00'),
      });
      expect(res.status, res.text).toBe(201);
      visits.push({ id: res.body.id, token: applied.accessToken });
    }
    const fourth = await applyAs(api, { corporateNumber: number });
    const slots = await api.call('GET', `/v1/requests/${fourth.request.id}/slots`, {
      token: fourth.accessToken,
    });
    expect(slots.status).toBe(200);
    expect(slots.body).toEqual({ slots: [], fullFiscalYears: [2026] });
    expect((await matchesOf(fourth.request.id)).fullFiscalYears).toEqual([2026]);
    // The status page says so before any slot, and offers none.
    const page = await browserOf(api).get(`/r/${fourth.accessToken}`);
    expect(page.html).toContain(
      'この企業は令和8年度（2026年度）の利用回数の上限（年度3回）に達しているため',
    );
    expect(page.html).not.toContain('name="slot"');
    expect(page.html).not.toContain('伺える専門家が見つかりませんでした');

    // A visit being moved is not counted against the quota: it may move within the year.
    const [visit] = visits;
    const moves = await api.call('GET', `/v1/sessions/${visit?.id}/slots`, { token: visit?.token });
    expect(moves.body.fullFiscalYears).toEqual([]);
    expect(moves.body.slots.length).toBeGreaterThan(0);
  });
});
