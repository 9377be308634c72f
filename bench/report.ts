// GET /v1/reports/utilisation on eight fiscal years of history: 100,000 sessions (with their
// requests and 25,000 companies) for 200 experts, bulk-inserted into a fresh Postgres
// database. Latency in-process (app.request), beside the bare report statement (the floor).
import { sql } from 'drizzle-orm';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/types.ts';
import { fiscalYearRange } from '../src/domain/time.ts';
import { utilisationReport } from '../src/routes/reports/queries.ts';
import { freshPostgres } from './support/database.ts';
import { note, runIfMain } from './support/main.ts';
import { STAFF_TOKEN } from './support/server.ts';
import { type Latency, timeSequential } from './support/stats.ts';
import { ms, type Row, times } from './support/table.ts';

const SESSIONS = 100_000;
const EXPERTS = 200;
const COMPANIES = 25_000;
const FIRST_FY = 2018;
const YEARS = 8;
const SAMPLES = 50;
const TARGET_P95_MS = 150;
// Sessions a day: 100,000 over eight years is ~34; an expert comes round every 200 sessions
// (some six days) and a company every 25,000, so neither EXCLUDE constraint is touched.
const PER_DAY = 35;

const config = loadConfig({ STAFF_TOKEN });
const auth = { authorization: `Bearer ${STAFF_TOKEN}` };

export async function runReportBench(): Promise<Row[]> {
  note('report: seeding Postgres');
  const database = await freshPostgres('report');
  try {
    await seed(database.db);
    await database.db.execute(sql`analyze`);
    const app = createApp({ db: database.db, config, clock: () => new Date() });
    const years = Array.from({ length: YEARS }, (_, i) => FIRST_FY + i);
    let call = 0;
    const nextYear = () => years[call++ % years.length] as number;

    note('report: bare report statement and availability (floor)');
    const floor = await timeSequential(SAMPLES, () => utilisationReport(database.db, nextYear()));
    note('report: utilisation JSON, in-process');
    const json = await timeSequential(SAMPLES, () =>
      get(app, `/v1/reports/utilisation?fiscalYear=${nextYear()}`),
    );
    note('report: utilisation CSV of companies, in-process');
    const companies = await timeSequential(SAMPLES, () =>
      get(app, `/v1/reports/utilisation?fiscalYear=${nextYear()}&format=csv&breakdown=company`),
    );
    note('report: usage over the eight years, in-process');
    const usage = await timeSequential(SAMPLES, () =>
      get(app, `/v1/reports/usage?from=${FIRST_FY}&to=${FIRST_FY + YEARS - 1}`),
    );
    return [
      { figure: 'report floor p95, Postgres (queries without HTTP)', value: summary(floor) },
      {
        figure: 'report utilisation p95, Postgres, in-process',
        value: summary(json),
        target: `≤ ${TARGET_P95_MS} ms`,
        met: json.p95 <= TARGET_P95_MS,
        ratio: times(json.p95 / floor.p95),
      },
      { figure: 'report utilisation CSV (companies) p95, Postgres', value: summary(companies) },
      { figure: 'report usage (8 years) p95, Postgres', value: summary(usage) },
    ];
  } finally {
    await database.close();
  }
}

function summary(l: Latency): string {
  return `${ms(l.p95)} (p50 ${ms(l.p50)})`;
}

async function get(app: ReturnType<typeof createApp>, path: string) {
  const res = await app.request(path, { headers: auth });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
}

/** Experts, companies, requests and sessions by INSERT … SELECT generate_series. */
async function seed(db: Db) {
  const started = performance.now();
  const first = fiscalYearRange(FIRST_FY).start.toISOString();
  const expertId = sql.raw(`md5('expert-' || i)::uuid`);
  await db.execute(sql`
    insert into experts (id, name, email, industries, tags, topics, prefectures, online,
                         max_visits_per_month, travel_buffer_minutes, created_at)
    select ${expertId}, 'ベンチ専門家 ' || i, 'expert' || i || '@bench.example',
      array['E' || lpad((9 + i % 24)::text, 2, '0')], '{}'::text[], '{identify,classify}',
      array[lpad((1 + i % 47)::text, 2, '0')], true, 20, 60, ${first}::timestamptz - interval '30 days'
    from generate_series(0, ${EXPERTS - 1}) as i`);
  await db.execute(sql`
    insert into expert_weekly_hours (expert_id, weekday, start_time, end_time)
    select ${expertId}, d, '09:00', '17:00'
    from generate_series(0, ${EXPERTS - 1}) as i, generate_series(1, 5) as d`);
  await db.execute(sql`
    insert into expert_date_overrides (expert_id, date, start_time, end_time)
    select ${expertId}, date '2018-04-02' + k * 73 + i % 5, null, null
    from generate_series(0, ${EXPERTS - 1}) as i, generate_series(0, 39) as k`);
  await db.execute(sql`
    insert into companies (id, corporate_number, name, industry_code, prefecture_code, employees,
                           capital_yen, is_sme)
    select md5('company-' || c)::uuid, null, 'ベンチ工業株式会社' || c,
      (array['E24', 'E26', 'E28', 'E31', 'E29', 'G', 'I', 'D', 'L', 'H'])[1 + c % 10],
      lpad((1 + (c * 7) % 47)::text, 2, '0'), 20 + c % 400, 10000000 * (1 + c % 50), c % 10 <> 0
    from generate_series(0, ${COMPANIES - 1}) as c`);
  // The session and request of number n: its day, its hour in working time, its outcome.
  await db.execute(sql`
    create temporary table bench_plan as
    select n, n % ${EXPERTS} as i, n % ${COMPANIES} as c,
      ${first}::timestamptz + make_interval(days => n / ${PER_DAY}, hours => 9 + (n % ${PER_DAY}) % 7) as s,
      case when n % 100 < 85 then 'completed' when n % 100 < 92 then 'cancelled'
           when n % 100 < 95 then 'no_show' else 'confirmed' end as status,
      case when n % 3 = 0 then 'online' else 'onsite' end as format
    from generate_series(0, ${SESSIONS - 1}) as n`);
  await db.execute(sql`
    insert into requests (id, company_id, company_name, industry_code, prefecture_code, employees,
                          capital_yen, is_sme, contact_name, contact_email, topics, format,
                          duration_minutes, preferred_windows, status, fiscal_year, created_at,
                          updated_at)
    select md5('request-' || p.n)::uuid, co.id, co.name, co.industry_code, co.prefecture_code,
      co.employees, co.capital_yen, co.is_sme, 'ベンチ 太郎', 'contact@bench.example',
      (array['{identify,classify}', '{identify,access,electronic}', '{manager,process,training}',
             '{classify,physical}'])[1 + p.n % 4]::text[],
      p.format, 120, '[]'::jsonb,
      case p.status when 'completed' then 'completed' when 'confirmed' then 'scheduled'
                    else 'cancelled' end,
      extract(year from p.s at time zone 'UTC' + interval '9 hours' - interval '3 months')::int,
      p.s - make_interval(days => 7 + p.n % 50), p.s
    from bench_plan p join companies co on co.id = md5('company-' || p.c)::uuid`);
  await db.execute(sql`
    insert into sessions (request_id, expert_id, company_id, start_at, end_at, format,
                          travel_buffer_minutes, blocked_from, blocked_to, status, report,
                          created_at, updated_at)
    select md5('request-' || p.n)::uuid, md5('expert-' || p.i)::uuid, md5('company-' || p.c)::uuid,
      p.s, p.s + interval '2 hours', p.format, b, p.s - make_interval(mins => b),
      p.s + interval '2 hours' + make_interval(mins => b), p.status,
      case when p.status = 'completed' and p.n % 2 = 0 then jsonb_build_object(
        'topicsCovered', jsonb_build_array('identify', 'training'), 'summary', 'ベンチ',
        'followUpNeeded', false) end,
      p.s - interval '5 days', p.s
    from (select *, case when format = 'onsite' then 60 else 0 end as b from bench_plan) as p`);
  await db.execute(sql`drop table bench_plan`);
  note(
    `report: seeded ${SESSIONS} sessions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

runIfMain(import.meta.url, runReportBench);
