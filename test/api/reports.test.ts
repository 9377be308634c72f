import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Availability,
  type DateOverride,
  workingTime,
} from '../../src/domain/availability.ts';
import { fiscalYearRange } from '../../src/domain/time.ts';
import { type Reply, STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { corporateNumber, iso, jst } from '../support/booking.ts';
import { apply, createExpert, weekdays9to17 } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// One small programme, built through the API with the clock moved to each visit, around
// the edges of fiscal years 2020–2022 (Asia/Tokyo): the reports must count it exactly.

const DAY = 24 * 3600_000;
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
// Open on a holiday (憲法記念日), closed one day, short hours another.
const qOverrides = [
  { date: '2021-05-03', start: '10:00', end: '12:00' },
  { date: '2021-06-01', available: false },
  { date: '2021-06-02', start: '13:00', end: '15:00' },
];

let api: TestApi;
const experts: Record<'x' | 'y' | 'q' | 'retired' | 'late', string> = {} as never;
let companyToken: string;
let expertToken: string;

const companyA = {
  name: '株式会社ミカワ精工',
  corporateNumber: corporateNumber(),
  industryCode: 'E24',
  prefectureCode: '23',
  employees: 120,
  capitalYen: 50_000_000,
};
// Quotes and a comma, which CSV must quote (a line break cannot be in a name at all).
const trickyName = '株式会社"サンプル",精密 第二工場';
const companyB = {
  name: trickyName,
  corporateNumber: corporateNumber(),
  industryCode: 'G',
  prefectureCode: '13',
  employees: 500,
  capitalYen: 1_000_000_000,
};
const otherCompany = (name: string) => ({
  name,
  corporateNumber: corporateNumber(),
  industryCode: 'E31',
  prefectureCode: '23',
  employees: 40,
  capitalYen: 10_000_000,
});

type Visit = {
  start: Date;
  minutes: number;
  expert: keyof typeof experts;
  company: Record<string, unknown>;
  format: 'onsite' | 'online';
  topics: string[];
  appliedDaysBefore: number;
  outcome: 'completed' | 'cancelled' | 'no_show' | 'confirmed';
  topicsCovered?: string[];
};

/** Applies at `start − appliedDaysBefore`, staff books `start`, then the visit's outcome. */
async function visit(v: Visit) {
  api.setNow(new Date(v.start.getTime() - v.appliedDaysBefore * DAY));
  const applied = await apply(api, {
    company: v.company,
    format: v.format,
    topics: v.topics,
    durationMinutes: v.minutes,
    preferredWindows: [{ start: iso(v.start), end: iso(v.start.getTime() + v.minutes * 60_000) }],
  });
  companyToken = applied.accessToken;
  const booked = await api.call('POST', `/v1/requests/${applied.request.id}/sessions`, {
    body: { expertId: experts[v.expert], start: iso(v.start) },
  });
  expect(booked.status, booked.text).toBe(201);
  const path = `/v1/sessions/${booked.body.id}`;
  let res: Reply | undefined;
  if (v.outcome === 'completed') {
    api.setNow(new Date(v.start.getTime() + (v.minutes + 60) * 60_000));
    res = await api.call('POST', `${path}/report`, {
      body: {
        topicsCovered: v.topicsCovered ?? v.topics,
        summary: '守るべき情報の洗い出しを実施',
        followUpNeeded: false,
      },
    });
  } else if (v.outcome === 'cancelled') {
    res = await api.call('POST', `${path}/cancel`, { body: { reason: '社内都合' } });
  } else if (v.outcome === 'no_show') {
    api.setNow(new Date(v.start.getTime() + 30 * 60_000));
    res = await api.call('POST', `${path}/no-show`);
  }
  if (res) expect(res.status, res.text).toBe(200);
}

beforeAll(async () => {
  api = await testApi();
  api.setNow('2021-03-01T00:00:00Z');
  for (const [key, fields, weekly, overrides] of [
    ['x', { name: '専門家 X', prefectures: ['23'], travelBufferMinutes: 0 }, allWeek, []],
    ['y', { name: '専門家 Y', prefectures: ['13'], travelBufferMinutes: 60 }, weekdays9to17, []],
    ['q', { name: '専門家 Q', prefectures: [] }, allWeek, qOverrides],
    ['retired', { name: '退任 専門家' }, weekdays9to17, []],
  ] as const) {
    const created = await createExpert(api, { ...fields, maxVisitsPerMonth: 100 });
    const res = await api.call('PUT', `/v1/experts/${created.id}/availability`, {
      body: { weekly, overrides },
    });
    expect(res.status, res.text).toBe(200);
    experts[key] = created.id;
  }
  await api.call('PATCH', `/v1/experts/${experts.retired}`, { body: { active: false } });
  expertToken = (await issueToken(api, { role: 'expert', expertId: experts.x })).token;

  const visits: Visit[] = [
    // FY2020: the last hour of 31 March in Tokyo.
    {
      start: jst('2021-03-31', '23:00'),
      minutes: 60,
      expert: 'x',
      company: otherCompany('前年度工業株式会社'),
      format: 'online',
      topics: ['identify'],
      appliedDaysBefore: 10,
      outcome: 'completed',
    },
    // FY2021 from its first instant (still 31 March in UTC).
    {
      start: jst('2021-04-01', '00:00'),
      minutes: 120,
      expert: 'x',
      company: companyA,
      format: 'onsite',
      topics: ['identify', 'classify', 'access'],
      topicsCovered: ['identify', 'classify'],
      appliedDaysBefore: 10,
      outcome: 'completed',
    },
    {
      start: jst('2021-07-15', '10:00'),
      minutes: 120,
      expert: 'y',
      company: companyB,
      format: 'onsite',
      topics: ['electronic'],
      appliedDaysBefore: 5,
      outcome: 'completed',
    },
    {
      start: jst('2021-09-10', '10:00'),
      minutes: 120,
      expert: 'x',
      company: otherCompany('取消工業株式会社'),
      format: 'online',
      topics: ['identify'],
      appliedDaysBefore: 10,
      outcome: 'cancelled',
    },
    {
      start: jst('2021-10-05', '14:00'),
      minutes: 120,
      expert: 'x',
      company: otherCompany('不在工業株式会社'),
      format: 'online',
      topics: ['identify'],
      appliedDaysBefore: 10,
      outcome: 'no_show',
    },
    {
      start: jst('2021-11-10', '10:00'),
      minutes: 120,
      expert: 'x',
      company: otherCompany('未報告工業株式会社'),
      format: 'online',
      topics: ['identify'],
      appliedDaysBefore: 10,
      outcome: 'confirmed',
    },
    // FY2021 until its last half hour, the visit running past midnight into FY2022.
    {
      start: jst('2022-03-31', '23:30'),
      minutes: 60,
      expert: 'x',
      company: companyA,
      format: 'online',
      topics: ['identify', 'manager'],
      topicsCovered: [],
      appliedDaysBefore: 20,
      outcome: 'completed',
    },
    // FY2022 from its first instant (still 31 March in UTC); a name Excel would run.
    {
      start: jst('2022-04-01', '00:00'),
      minutes: 60,
      expert: 'q',
      company: otherCompany('-1+1 工業株式会社'),
      format: 'online',
      topics: ['identify'],
      appliedDaysBefore: 10,
      outcome: 'completed',
    },
  ];
  for (const v of visits) await visit(v);

  // Registered at noon (JST) on a Monday: that day counts from noon.
  api.setNow(jst('2023-05-01', '12:00'));
  experts.late = (await createExpert(api, { name: '新任 専門家' })).id;
}, 120_000);
afterAll(() => api.close());

const report = async (query: string, options: { token?: string | null } = {}) =>
  api.call('GET', `/v1/reports/utilisation?${query}`, options);

describe('GET /v1/reports/utilisation', () => {
  it('counts completed visits by the Tokyo fiscal year of their start', async () => {
    const res = await report('fiscalYear=2021');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      fiscalYear: 2021,
      label: '令和3年度',
      period: { start: '2021-03-31T15:00:00.000Z', end: '2022-03-31T15:00:00.000Z' },
      visits: 3,
      uniqueCompanies: 2,
      smeVisits: 2,
      smeShare: 0.667,
      scheduled: 1,
      cancelled: 1,
      noShows: 1,
      leadTimeDays: 10,
    });
    const fy2020 = (await report('fiscalYear=2020')).body;
    expect(fy2020).toMatchObject({ visits: 1, label: '令和2年度' });
    expect(fy2020.byMonth.at(-1)).toEqual({ month: '2021-03', visits: 1 });
    const fy2022 = (await report('fiscalYear=2022')).body;
    expect(fy2022).toMatchObject({ visits: 1, label: '令和4年度' });
    expect(fy2022.byMonth[0]).toEqual({ month: '2022-04', visits: 1 });
  });

  it('lists all twelve months from April, zeros included', async () => {
    const { byMonth } = (await report('fiscalYear=2021')).body;
    expect(byMonth.map((m: { month: string }) => m.month)).toEqual([
      '2021-04',
      '2021-05',
      '2021-06',
      '2021-07',
      '2021-08',
      '2021-09',
      '2021-10',
      '2021-11',
      '2021-12',
      '2022-01',
      '2022-02',
      '2022-03',
    ]);
    const visits = Object.fromEntries(
      byMonth.map((m: { month: string; visits: number }) => [m.month, m.visits]),
    );
    expect(visits).toMatchObject({ '2021-04': 1, '2021-07': 1, '2022-03': 1, '2021-09': 0 });
    expect(Object.values(visits).reduce((a: number, b) => a + (b as number), 0)).toBe(3);
  });

  it('breaks visits down by industry division, prefecture, format and topic', async () => {
    const body = (await report('fiscalYear=2021')).body;
    const nonZero = (rows: { visits: number }[]) => rows.filter((r) => r.visits > 0);
    expect(body.byIndustry).toHaveLength(20);
    expect(nonZero(body.byIndustry)).toEqual([
      { code: 'E', name: { ja: '製造業', en: 'Manufacturing' }, visits: 2 },
      { code: 'G', name: { ja: '情報通信業', en: 'Information and Communications' }, visits: 1 },
    ]);
    expect(body.byPrefecture).toHaveLength(47);
    expect(nonZero(body.byPrefecture)).toEqual([
      { code: '13', name: { ja: '東京都', en: 'Tokyo' }, visits: 1 },
      { code: '23', name: { ja: '愛知県', en: 'Aichi' }, visits: 2 },
    ]);
    expect(body.byFormat).toEqual([
      { format: 'onsite', name: { ja: '訪問', en: 'On site' }, visits: 2 },
      { format: 'online', name: { ja: 'オンライン', en: 'Online' }, visits: 1 },
    ]);
    // The report's topics when it names some, else the requested ones; once per topic.
    const topics = Object.fromEntries(
      body.byTopic.map((t: { code: string; visits: number }) => [t.code, t.visits]),
    );
    expect(body.byTopic).toHaveLength(11);
    expect(topics).toEqual({
      identify: 2,
      classify: 1,
      manager: 1,
      process: 0,
      training: 0,
      incident: 0,
      access: 0,
      physical: 0,
      electronic: 1,
      audit: 0,
      'industry-model': 0,
    });
  });

  it('gives each expert visits, booked hours and utilisation of their working time', async () => {
    const { byExpert } = (await report('fiscalYear=2021')).body;
    // The retired expert had no visits, the late one joined after the year: neither is listed.
    expect(byExpert.map((e: { expertId: string }) => e.expertId)).toEqual([
      experts.x,
      experts.y,
      experts.q,
    ]);
    const fy = fiscalYearRange(2021);
    const hoursOf = (
      availability: Availability,
      start = fy.start.getTime(),
      end = fy.end.getTime(),
    ) =>
      workingTime(availability, { start, end }).reduce((sum, i) => sum + i.end - i.start, 0) /
      3600_000;
    // X: two visits (2 h + 1 h) and the confirmed one (2 h); cancelled and no-show not booked.
    const [x, y, q] = byExpert;
    expect(x).toMatchObject({ name: '専門家 X', visits: 2, hours: 5 });
    const xHours = hoursOf({ weekly: allWeek, overrides: [] });
    expect(x.availableHours).toBe(xHours);
    expect(x.utilisation).toBe(Math.round((5 / xHours) * 1000) / 1000);
    expect(y).toMatchObject({ name: '専門家 Y', visits: 1, hours: 2 });
    // 2021-04-01 to 2022-03-31: 261 weekdays, 15 of them holidays, 8 hours each.
    expect(y.availableHours).toBe(246 * 8);
    expect(y.utilisation).toBe(Math.round((2 / (246 * 8)) * 1000) / 1000);
    expect(q).toMatchObject({ visits: 0, hours: 0, utilisation: 0 });
    // 24 hours a day, less the 17 holidays and the two overridden days, plus their 2 + 2 hours.
    expect(q.availableHours).toBe(24 * (365 - 17 - 2) + 4);
    expect(q.availableHours).toBe(
      hoursOf({
        weekly: allWeek,
        overrides: qOverrides.map((o) => ({ available: true, ...o }) as DateOverride),
      }),
    );

    const later = (await report('fiscalYear=2023')).body.byExpert;
    const late = later.find((e: { expertId: string }) => e.expertId === experts.late);
    const fy2023 = fiscalYearRange(2023);
    expect(late.availableHours).toBe(
      hoursOf(
        { weekly: weekdays9to17, overrides: [] },
        jst('2023-05-01', '12:00').getTime(),
        fy2023.end.getTime(),
      ),
    );
  });

  it('answers an empty fiscal year with zeros, and nulls where nothing can be divided', async () => {
    const body = (await report('fiscalYear=2030')).body;
    expect(body).toMatchObject({
      visits: 0,
      uniqueCompanies: 0,
      smeShare: null,
      leadTimeDays: null,
      cancelled: 0,
      noShows: 0,
      label: '令和12年度',
    });
    expect(body.byMonth).toHaveLength(12);
    expect(body.byMonth.every((m: { visits: number }) => m.visits === 0)).toBe(true);
  });

  it('defaults to the fiscal year of the clock', async () => {
    api.setNow('2022-02-01T00:00:00Z');
    expect((await report('')).body.fiscalYear).toBe(2021);
    api.setNow('2022-03-31T15:00:00Z');
    expect((await report('')).body.fiscalYear).toBe(2022);
  });

  it.each([
    ['fiscalYear=1988', 'fiscalYear'],
    ['fiscalYear=2101', 'fiscalYear'],
    ['fiscalYear=twenty', 'fiscalYear'],
    ['fiscalYear=2021.5', 'fiscalYear'],
    ['fiscalYear=2021&breakdown=weekday', 'breakdown'],
    ['fiscalYear=2021&format=xlsx', 'format'],
    ['fiscalYear=2021&year=2021', 'year'],
  ])('refuses %s naming %s', async (query, path) => {
    expectFieldError(await report(query), path);
  });
});

describe('GET /v1/reports/utilisation as CSV', () => {
  /** The raw bytes: Response.text() would silently drop the byte-order mark. */
  async function csv(query: string, headers: Record<string, string> = {}) {
    const res = await api.app.request(`/v1/reports/utilisation?${query}`, {
      headers: { authorization: `Bearer ${STAFF_TOKEN}`, ...headers },
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const isCsv = res.headers.get('content-type')?.startsWith('text/csv');
    return { res, bytes, rows: isCsv ? parseCsv(text) : [] };
  }

  it('is UTF-8 with a BOM, CRLF lines and Japanese headings, as a download', async () => {
    const { res, bytes, rows } = await csv('fiscalYear=2021&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="haken-utilisation-2021-month\.csv"; filename\*=UTF-8''/,
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain('\r\n');
    expect(rows[0]).toEqual(['\uFEFF月', '派遣回数']);
    expect(rows.slice(1)).toHaveLength(12);
    expect(rows[1]).toEqual(['2021-04', '1']);
    expect(rows[12]).toEqual(['2022-03', '1']);
  });

  it('is chosen by Accept: text/csv, and format=json overrides it', async () => {
    const byAccept = await csv('fiscalYear=2021&breakdown=prefecture', { accept: 'text/csv' });
    expect(byAccept.res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(byAccept.rows[0]).toEqual(['\uFEFF都道府県コード', '都道府県', '派遣回数']);
    expect(byAccept.rows).toContainEqual(['23', '愛知県', '2']);
    const json = await csv('fiscalYear=2021&format=json', { accept: 'text/csv' });
    expect(json.res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('quotes company names with commas, quotes and line breaks so they read back whole', async () => {
    const { rows } = await csv('fiscalYear=2021&format=csv&breakdown=company');
    expect(rows[0]).toEqual([
      '\uFEFF法人番号',
      '企業名',
      '業種コード',
      '業種',
      '都道府県',
      '中小企業',
      '派遣回数',
      '初回派遣日',
    ]);
    expect(rows.slice(1)).toEqual([
      [
        companyA.corporateNumber,
        companyA.name,
        'E24',
        '金属製品製造業',
        '愛知県',
        '○',
        '2',
        '2021-04-01',
      ],
      [companyB.corporateNumber, trickyName, 'G', '情報通信業', '東京都', '', '1', '2021-07-15'],
    ]);
  });

  it('keeps a name that starts like a formula from running in Excel', async () => {
    const { rows } = await csv('fiscalYear=2022&format=csv&breakdown=company');
    expect(rows[1]?.[1]).toBe("'-1+1 工業株式会社");
  });

  it('has one table per breakdown', async () => {
    const expert = await csv('fiscalYear=2021&format=csv&breakdown=expert');
    expect(expert.rows[0]).toEqual([
      '\uFEFF専門家ID',
      '専門家',
      '派遣回数',
      '派遣時間（時間）',
      '稼働可能時間（時間）',
      '稼働率（%）',
    ]);
    expect(expert.rows[1]?.slice(0, 4)).toEqual([experts.x, '専門家 X', '2', '5']);
    for (const [breakdown, rows] of [
      ['industry', 20],
      ['topic', 11],
      ['format', 2],
    ] as const) {
      const table = await csv(`fiscalYear=2021&format=csv&breakdown=${breakdown}`);
      expect(table.rows.slice(1), breakdown).toHaveLength(rows);
    }
  });
});

describe('GET /v1/reports/usage', () => {
  it('gives visits per fiscal year, years without visits included', async () => {
    const res = await api.call('GET', '/v1/reports/usage?from=2019&to=2026');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      from: 2019,
      to: 2026,
      years: [
        { fiscalYear: 2019, label: '令和元年度', visits: 0 },
        { fiscalYear: 2020, label: '令和2年度', visits: 1 },
        { fiscalYear: 2021, label: '令和3年度', visits: 3 },
        { fiscalYear: 2022, label: '令和4年度', visits: 1 },
        { fiscalYear: 2023, label: '令和5年度', visits: 0 },
        { fiscalYear: 2024, label: '令和6年度', visits: 0 },
        { fiscalYear: 2025, label: '令和7年度', visits: 0 },
        { fiscalYear: 2026, label: '令和8年度', visits: 0 },
      ],
    });
  });

  it('defaults to FY2018 up to the current fiscal year, and gives CSV', async () => {
    api.setNow('2024-06-01T00:00:00Z');
    const res = await api.call('GET', '/v1/reports/usage');
    expect(res.body.from).toBe(2018);
    expect(res.body.to).toBe(2024);
    expect(res.body.years[0].label).toBe('平成30年度');
    const csv = await api.call('GET', '/v1/reports/usage?from=2020&to=2022&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(parseCsv(csv.text)).toEqual([
      ['年度', '和暦', '派遣回数'],
      ['2020', '令和2年度', '1'],
      ['2021', '令和3年度', '3'],
      ['2022', '令和4年度', '1'],
    ]);
  });

  it.each([
    ['from=2026&to=2019', 'from'],
    ['from=2000&to=2050', 'to'],
    ['from=1988&to=2001', 'from'],
    ['from=2020&to=2200', 'to'],
    ['from=x', 'from'],
  ])('refuses %s naming %s', async (query, path) => {
    expectFieldError(await api.call('GET', `/v1/reports/usage?${query}`), path);
  });

  it('reaches back to 平成元年度 (FY1989), the first year its labels name', async () => {
    const res = await api.call('GET', '/v1/reports/usage?from=1989&to=1991');
    expect(res.status, res.text).toBe(200);
    expect(res.body.years.map((y: { label: string }) => y.label)).toEqual([
      '平成元年度',
      '平成2年度',
      '平成3年度',
    ]);
    const fy1995 = await api.call('GET', '/v1/reports/utilisation?fiscalYear=1995');
    expect(fy1995.body).toMatchObject({ fiscalYear: 1995, label: '平成7年度', visits: 0 });
  });

  it('allows a range of exactly fifty years', async () => {
    const res = await api.call('GET', '/v1/reports/usage?from=2000&to=2049');
    expect(res.status).toBe(200);
    expect(res.body.years).toHaveLength(50);
  });
});

describe('who may read reports', () => {
  const paths = [
    '/v1/reports/utilisation?fiscalYear=2021',
    '/v1/reports/usage',
    '/v1/reports/utilisation?format=csv',
  ];

  it.each(paths)('%s is 401 without a token', async (path) => {
    expectProblem(await api.call('GET', path, { token: null }), 401, 'unauthorized');
  });

  it.each(paths)('%s is 403 for a company', async (path) => {
    expectProblem(await api.call('GET', path, { token: companyToken }), 403, 'forbidden');
  });

  it.each(paths)('%s is 403 for an expert', async (path) => {
    expectProblem(await api.call('GET', path, { token: expertToken }), 403, 'forbidden');
  });

  it('is open to an issued staff token', async () => {
    const staff = await issueToken(api, { role: 'staff' });
    const res = await api.call('GET', paths[0] as string, { token: staff.token });
    expect(res.status).toBe(200);
  });
});

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}
