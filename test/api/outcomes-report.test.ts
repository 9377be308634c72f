import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificationOutcome } from '../../src/domain/certification.ts';
import { type ReadinessLevels, summariseReadiness } from '../../src/domain/readiness.ts';
import { summariseSurveys } from '../../src/domain/survey.ts';
import { type Reply, STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { book, corporateNumber, jst } from '../support/booking.ts';
import { accept, apply, createExpert } from '../support/fixtures.ts';
import { allAt, completeVisit, levels, survey } from '../support/outcomes.ts';

// The outcome report of FY2026 over a small programme whose figures are worked out by hand
// below, and again through the domain's own summaries of the same answers. The clock starts
// at Wed 2026-11-25 09:00 JST.
//
//   company  division  visits (FY2026)        survey              before (1st req.)  after (latest)     certified
//   A        E (E24)   12-02 (A1), 12-14 (A2)  A1: 5 yes wants     A1: 1,0,0,…,0 = 1  A2: 3,2,…,2,3 = 20  —
//   B        G (G39)   12-03                   3 partly            2 × 9 = 18         3,3,3,1,…,1 = 15   jqa 2027-01-15 (43 days)
//   C        E (E24)   12-04                   4 no                —                  1 × 9 = 9          jqa 2026-06-01 (before), jaco auditing
//   D        G (G39)   12-07                   —                   —                  —                  jicqa 2027-03-01 (84 days)
//   F        E         12-08, cancelled        —
//   X        E         2027-04-05 (FY2027)     5 yes               (another year: counts nowhere here)
//
// FY2026: 4 companies, 5 visits; 3 surveys: rate 3/5 = 0.6, satisfied 2/3 = 0.667, resolved
// 1/3 = 0.333 (partly 1, no 1), wants more 1. Readiness before (A, B): identify (1+2)/2 = 1.5,
// the other steps (0+2)/2 = 1; after (A, B, C): identify (3+3+1)/3 = 2.33, classify and
// manager (2+3+1)/3 = 2, process … physical (2+1+1)/3 = 1.33, electronic (3+1+1)/3 = 1.67;
// compared A and B, rose A only (1 → 20; B 18 → 15). Certified after a visit: B and D, median
// (43 + 84) / 2 = 63.5 days. By division: E = A and C, G = B and D.

let api: TestApi;
let report: Reply;
/** Records a certificate for company A after its visits: a late change to FY2026. */
let certifyLate: () => Promise<void>;
const answers: {
  satisfaction: 1 | 2 | 3 | 4 | 5;
  resolved: 'yes' | 'partly' | 'no';
  wantsMore: boolean;
}[] = [];

type Company = { number: string; industryCode: string };
type Applied = { requestId: string; token: string; session: { id: string; start: string } };

beforeAll(async () => {
  api = await testApi();
  const expertId = (await createExpert(api, { maxVisitsPerMonth: 100 })).id;
  const companyOf = (industryCode: string): Company => ({
    number: corporateNumber(),
    industryCode,
  });
  const [A, B, C, D, F, X] = ['E24', 'G39', 'E24', 'G39', 'E24', 'E24'].map(companyOf) as [
    Company,
    Company,
    Company,
    Company,
    Company,
    Company,
  ];

  async function visit(
    company: Company,
    start: Date,
    readiness?: ReadinessLevels,
  ): Promise<Applied> {
    const applied = await apply(api, {
      company: {
        name: `株式会社成果${company.number.slice(-4)}`,
        corporateNumber: company.number,
        industryCode: company.industryCode,
        prefectureCode: '23',
        employees: 50,
        capitalYen: 20_000_000,
      },
      ...(readiness ? { readiness } : {}),
    });
    await accept(api, applied.request.id);
    const booked = await book(api, applied.request.id, { expertId, start });
    if (booked.status !== 201) throw new Error(booked.text);
    return { requestId: applied.request.id, token: applied.accessToken, session: booked.body };
  }
  const answer = async (applied: Applied, body: ReturnType<typeof survey>) => {
    const res = await api.call('POST', `/v1/sessions/${applied.session.id}/survey`, {
      token: applied.token,
      body,
    });
    if (res.status !== 201) throw new Error(res.text);
    answers.push(body as (typeof answers)[number]);
  };
  const after = async (applied: Applied, given: ReadinessLevels) => {
    const res = await api.call('PUT', `/v1/requests/${applied.requestId}/readiness`, {
      token: applied.token,
      body: { phase: 'after', levels: given },
    });
    if (res.status !== 200) throw new Error(res.text);
  };

  const a1 = await visit(A, jst('2026-12-02', '10:00'), levels(1, 0, 0, 0, 0, 0, 0, 0, 0));
  const b = await visit(B, jst('2026-12-03', '10:00'));
  const c = await visit(C, jst('2026-12-04', '10:00'));
  const d = await visit(D, jst('2026-12-07', '10:00'));
  const f = await visit(F, jst('2026-12-08', '10:00'));
  // B gives its baseline after applying, before its visit.
  await api.call('PUT', `/v1/requests/${b.requestId}/readiness`, {
    token: b.token,
    body: { phase: 'before', levels: allAt(2) },
  });
  await api.call('POST', `/v1/sessions/${f.session.id}/cancel`, { body: { reason: '都合' } });

  await completeVisit(api, a1.session);
  await answer(a1, survey({ satisfaction: 5, resolved: 'yes', wantsMore: true }));
  await after(a1, levels(2, 1, 1, 1, 1, 1, 1, 1, 1));
  await completeVisit(api, b.session);
  await answer(b, survey({ satisfaction: 3, resolved: 'partly', wantsMore: false }));
  await after(b, levels(3, 3, 3, 1, 1, 1, 1, 1, 1));
  await completeVisit(api, c.session);
  await answer(c, survey({ satisfaction: 4, resolved: 'no', wantsMore: false }));
  await after(c, allAt(1));
  await completeVisit(api, d.session);

  // A applies again; its second visit's answer after is its latest.
  const a2 = await visit(A, jst('2026-12-14', '10:00'), allAt(3));
  await completeVisit(api, a2.session);
  await after(a2, levels(3, 2, 2, 2, 2, 2, 2, 2, 3));

  api.setNow(jst('2027-03-10', '12:00'));
  const companyIdOf = async (applied: Applied) =>
    (await api.call('GET', `/v1/requests/${applied.requestId}`)).body.company.id as string;
  const certify = async (applied: Applied, body: Record<string, string>) => {
    const res = await api.call(
      'POST',
      `/v1/companies/${await companyIdOf(applied)}/certifications`,
      {
        body,
      },
    );
    if (res.status !== 201) throw new Error(res.text);
  };
  await certify(b, { date: '2027-01-15', bodyId: 'jqa' });
  await certify(d, { date: '2027-03-01', bodyId: 'jicqa' });
  await certify(c, { date: '2026-06-01', bodyId: 'jqa' });
  await certify(c, { date: '2027-02-01', bodyId: 'jaco', status: 'auditing' });
  certifyLate = () => certify(a1, { date: '2027-03-05', bodyId: 'jqa' });

  const x = await visit(X, jst('2027-04-05', '10:00'), allAt(0));
  await completeVisit(api, x.session);
  await api.call('POST', `/v1/sessions/${x.session.id}/survey`, { token: x.token, body: survey() });
  await after(x, allAt(3));

  report = await api.call('GET', '/v1/reports/outcomes?fiscalYear=2026');
}, 120_000);
afterAll(() => api.close());

const steps = (
  identify: number,
  classify: number,
  manager: number,
  rest: number,
  electronic: number,
) => levels(identify, classify, manager, rest, rest, rest, rest, rest, electronic);

describe('the outcome report of FY2026', () => {
  it('counts the companies served and their visits', () => {
    expect(report.status, report.text).toBe(200);
    expect(report.body).toMatchObject({
      fiscalYear: 2026,
      label: '令和8年度',
      period: { start: '2026-03-31T15:00:00.000Z', end: '2027-03-31T15:00:00.000Z' },
      companiesServed: 4,
      visits: 5,
    });
  });

  it('gives the survey figures worked out by hand', () => {
    expect(report.body.surveys).toEqual({
      responses: 3,
      responseRate: 0.6,
      satisfied: 2,
      satisfiedShare: 0.667,
      resolved: { yes: 1, partly: 1, no: 1 },
      resolvedShare: 0.333,
      wantsMore: 1,
    });
    expect(report.body.surveys).toEqual(summariseSurveys(answers.slice(0, 3), 5));
  });

  it('gives the readiness figures worked out by hand', () => {
    expect(report.body.readiness).toEqual({
      before: { answered: 2, mean: steps(1.5, 1, 1, 1, 1) },
      after: { answered: 3, mean: steps(2.33, 2, 2, 1.33, 1.67) },
      compared: 2,
      rose: 1,
    });
    expect(report.body.readiness).toEqual(
      summariseReadiness([
        { before: levels(1, 0, 0, 0, 0, 0, 0, 0, 0), after: levels(3, 2, 2, 2, 2, 2, 2, 2, 3) },
        { before: allAt(2), after: levels(3, 3, 3, 1, 1, 1, 1, 1, 1) },
        { before: null, after: allAt(1) },
        { before: null, after: null },
      ]),
    );
  });

  it('counts certifications after a visit, and the median days to them', () => {
    expect(report.body.certification).toEqual({
      certifiedAfterVisit: 2,
      medianDaysToCertification: 63.5,
    });
    expect(report.body.certification).toEqual(
      certificationOutcome([
        { firstVisitOn: '2026-12-02', certifiedOn: [] },
        { firstVisitOn: '2026-12-03', certifiedOn: ['2027-01-15'] },
        { firstVisitOn: '2026-12-04', certifiedOn: ['2026-06-01'] },
        { firstVisitOn: '2026-12-07', certifiedOn: ['2027-03-01'] },
      ]),
    );
  });

  it('breaks it down by industry division, every division listed', () => {
    const byCode = Object.fromEntries(
      report.body.byIndustry.map((row: { code: string }) => [row.code, row]),
    );
    expect(report.body.byIndustry).toHaveLength(20);
    expect(byCode.E).toMatchObject({
      name: { ja: '製造業', en: 'Manufacturing' },
      companiesServed: 2,
      visits: 3,
      surveys: { responses: 2, responseRate: 0.667, satisfiedShare: 1, resolvedShare: 0.5 },
      readiness: { compared: 1, rose: 1, before: { answered: 1 }, after: { answered: 2 } },
      certification: { certifiedAfterVisit: 0, medianDaysToCertification: null },
    });
    expect(byCode.G).toMatchObject({
      companiesServed: 2,
      visits: 2,
      surveys: { responses: 1, responseRate: 0.5, satisfiedShare: 0, resolvedShare: 0 },
      readiness: { compared: 1, rose: 0 },
      certification: { certifiedAfterVisit: 2, medianDaysToCertification: 63.5 },
    });
    expect(byCode.A).toMatchObject({
      companiesServed: 0,
      visits: 0,
      surveys: { responses: 0, responseRate: null, satisfiedShare: null },
      readiness: { before: { answered: 0, mean: null }, compared: 0 },
      certification: { certifiedAfterVisit: 0, medianDaysToCertification: null },
    });
  });

  it('counts the next year’s visit there, and nothing of FY2026', async () => {
    const next = await api.call('GET', '/v1/reports/outcomes?fiscalYear=2027');
    expect(next.body).toMatchObject({
      companiesServed: 1,
      visits: 1,
      surveys: { responses: 1, responseRate: 1 },
      readiness: { compared: 1, rose: 1 },
      certification: { certifiedAfterVisit: 0 },
    });
    const empty = await api.call('GET', '/v1/reports/outcomes?fiscalYear=2019');
    expect(empty.body).toMatchObject({
      companiesServed: 0,
      visits: 0,
      surveys: { responses: 0, responseRate: null },
      readiness: { before: { answered: 0, mean: null }, compared: 0, rose: 0 },
      certification: { certifiedAfterVisit: 0, medianDaysToCertification: null },
    });
  });
});

describe('the outcome report as CSV', () => {
  const csv = (breakdown: string) =>
    api.call('GET', `/v1/reports/outcomes?fiscalYear=2026&format=csv&breakdown=${breakdown}`);

  it('gives the summary for Excel: BOM, CRLF, Japanese headings, percentages', async () => {
    const res = await csv('summary');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toContain('haken-outcomes-2026-summary.csv');
    const raw = await api.app.request('/v1/reports/outcomes?fiscalYear=2026&format=csv', {
      headers: { authorization: `Bearer ${STAFF_TOKEN}` },
    });
    const bytes = new Uint8Array(await raw.arrayBuffer());
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toMatch(
      /^\uFEFF項目,値\r\n/,
    );
    const lines = res.text.trim().split('\r\n');
    expect(lines).toContain('派遣先企業数,4');
    expect(lines).toContain('アンケート回答率(%),60');
    expect(lines).toContain('満足（4・5）の割合(%),66.7');
    expect(lines).toContain('準備度が向上した企業数,1');
    expect(lines).toContain('初回派遣から認証までの日数（中央値）,63.5');
  });

  it('gives the step means and the divisions', async () => {
    const steps = (await csv('readiness')).text.trim().split('\r\n');
    expect(steps[1]).toBe('identify,守る情報の決定,1.5,2.33');
    const divisions = (await csv('industry')).text.trim().split('\r\n');
    expect(divisions).toContain('G,情報通信業,2,2,1,50,0,0,1,0,2,63.5');
  });

  it('refuses an unknown table', async () => {
    expect((await csv('everything')).status).toBe(400);
  });
});

describe('the outcome report, kept until it changes', () => {
  it('is served again while nothing changes, and sees a later certificate at once', async () => {
    const again = await api.call('GET', '/v1/reports/outcomes?fiscalYear=2026');
    expect(again.body).toEqual(report.body);
    await certifyLate();
    const after = await api.call('GET', '/v1/reports/outcomes?fiscalYear=2026');
    // A's first visit was 2026-12-02: 93 days to 2027-03-05; the median of 43, 84 and 93.
    expect(after.body.certification).toEqual({
      certifiedAfterVisit: 3,
      medianDaysToCertification: 84,
    });
  });
});
