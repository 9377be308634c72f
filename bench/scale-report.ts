// The utilisation report at 100,000 and 1,000,000 visits over eight fiscal years (1,000 experts
// and 25,000 companies; 10,000 experts and 250,000 companies), over HTTP against a server
// process: JSON and CSV as they are read again and again (kept until a change), and cold,
// each read just after a change to its year, which is what the current year sees while visits
// are booked. Bulk SQL as bench/report.ts seeds, scaled.
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/types.ts';
import { fiscalYearRange } from '../src/domain/time.ts';
import { peakRss } from './scale-matches.ts';
import { freshPostgres } from './support/database.ts';
import { note } from './support/main.ts';
import { STAFF_TOKEN, startApiServer } from './support/server.ts';
import { type Latency, latency, timeSequential } from './support/stats.ts';
import { ms, type Row } from './support/table.ts';

const FIRST_FY = 2018;
const YEARS = 8;
const SAMPLES = 40;
const COLD_SAMPLES = 16;
const LIMIT_MS = 30_000;
const TARGET_P95_MS = 300;

type Size = { visits: number; experts: number; companies: number };
export const REPORT_SIZES: Size[] = [
  { visits: 100_000, experts: 1_000, companies: 25_000 },
  { visits: 1_000_000, experts: 10_000, companies: 250_000 },
];

export type ReportFigures = {
  visits: number;
  json: Latency;
  csv: Latency;
  /** The outcome report (JSON) and a month's payments (JSON), read again and again. */
  outcomes: Latency;
  payments: Latency;
  cold: Latency;
  rss: number;
  load: number;
};

export async function runScaleReport(sizes = REPORT_SIZES): Promise<ReportFigures[]> {
  const figures: ReportFigures[] = [];
  for (const size of sizes) {
    const database = await freshPostgres('scale_report');
    try {
      note(`scale: seeding ${size.visits.toLocaleString('en')} sessions`);
      const t = performance.now();
      await seed(database.db, size);
      await database.db.execute(sql`analyze`);
      note(`scale: seeded in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      const server = await startApiServer({ databaseUrl: database.url });
      try {
        const years = Array.from({ length: YEARS }, (_, i) => FIRST_FY + i);
        let call = 0;
        const nextYear = () => years[call++ % years.length] as number;
        const get = async (path: string) => {
          const res = await fetch(`${server.url}${path}`, {
            headers: { authorization: `Bearer ${STAFF_TOKEN}` },
          });
          const body = await res.text();
          if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
        };
        const load = loadavg()[0] ?? 0;
        note(`scale: report JSON at ${size.visits} visits`);
        const json = await timeSequential(
          SAMPLES,
          () => get(`/v1/reports/utilisation?fiscalYear=${nextYear()}`),
          YEARS,
          LIMIT_MS,
        );
        note(`scale: report CSV at ${size.visits} visits`);
        const csv = await timeSequential(
          SAMPLES,
          () => get(`/v1/reports/utilisation?fiscalYear=${nextYear()}&format=csv&breakdown=expert`),
          YEARS,
          LIMIT_MS,
        );
        note(`scale: outcome report JSON at ${size.visits} visits`);
        const outcomes = await timeSequential(
          SAMPLES,
          () => get(`/v1/reports/outcomes?fiscalYear=${nextYear()}`),
          YEARS,
          LIMIT_MS,
        );
        note(`scale: payments report JSON at ${size.visits} visits`);
        // December of each year, read again and again as the office reads the month it pays;
        // the first read of each (the warm-up) computes it.
        const payments = await timeSequential(
          SAMPLES,
          () => get(`/v1/reports/payments?fiscalYear=${nextYear()}&month=12`),
          YEARS,
          LIMIT_MS,
        );
        note(`scale: report JSON after a change, at ${size.visits} visits`);
        // Each read follows a change to one of its year's visits (a visit report filed late);
        // only the read is timed.
        const coldSamples: number[] = [];
        const coldStarted = performance.now();
        while (
          coldSamples.length < COLD_SAMPLES &&
          (coldSamples.length < 8 || performance.now() - coldStarted < LIMIT_MS)
        ) {
          const fy = nextYear();
          const { start } = fiscalYearRange(fy);
          await database.db.execute(sql`
            update sessions set status = case status when 'completed' then 'no_show' else 'completed' end
             where id = (select id from sessions where start_at >= ${start.toISOString()}::timestamptz
                           and status in ('completed', 'no_show') order by start_at limit 1)`);
          const t0 = performance.now();
          await get(`/v1/reports/utilisation?fiscalYear=${fy}`);
          coldSamples.push(performance.now() - t0);
        }
        const cold = latency(coldSamples);
        figures.push({
          visits: size.visits,
          json,
          csv,
          outcomes,
          payments,
          cold,
          rss: 0,
          load: (load + (loadavg()[0] ?? 0)) / 2,
        });
        const last = figures[figures.length - 1];
        if (last) last.rss = await peakRss(server.pid);
      } finally {
        await server.stop();
      }
    } finally {
      await database.close();
    }
  }
  return figures;
}

export function reportRows(figures: ReportFigures[]): Row[] {
  return figures.flatMap((f) => {
    const label = `${f.visits.toLocaleString('en')} visits`;
    const met = (l: Latency) =>
      f.visits >= 1_000_000 ? { target: `≤ ${TARGET_P95_MS} ms`, met: l.p95 <= TARGET_P95_MS } : {};
    return [
      {
        figure: `report JSON p95, ${label}`,
        value: `${ms(f.json.p95)} (p50 ${ms(f.json.p50)}, n ${f.json.n}, load ${f.load.toFixed(1)})`,
        ...met(f.json),
      },
      {
        figure: `report CSV p95, ${label}`,
        value: `${ms(f.csv.p95)} (p50 ${ms(f.csv.p50)}, n ${f.csv.n})`,
        ...met(f.csv),
      },
      {
        figure: `outcome report JSON p95, ${label}`,
        value: `${ms(f.outcomes.p95)} (p50 ${ms(f.outcomes.p50)}, n ${f.outcomes.n})`,
        ...met(f.outcomes),
      },
      {
        figure: `payments report JSON p95 (one month), ${label}`,
        value: `${ms(f.payments.p95)} (p50 ${ms(f.payments.p50)}, n ${f.payments.n})`,
        ...met(f.payments),
      },
      {
        figure: `report JSON p95 just after a change, ${label}`,
        value: `${ms(f.cold.p95)} (p50 ${ms(f.cold.p50)}, n ${f.cold.n})`,
      },
      { figure: `server peak RSS, ${label}`, value: `${f.rss.toFixed(0)} MiB` },
    ];
  });
}

/** bench/report.ts's seed, scaled: experts, companies, requests and sessions, set-based. */
async function seed(db: Db, size: Size) {
  const perDay = Math.ceil(size.visits / (YEARS * 365));
  const first = fiscalYearRange(FIRST_FY).start.toISOString();
  const expertId = sql.raw(`md5('expert-' || i)::uuid`);
  await db.execute(sql`
    insert into experts (id, name, email, industries, tags, topics, prefectures, online,
                         max_visits_per_month, travel_buffer_minutes, created_at)
    select ${expertId}, 'ベンチ専門家 ' || i, 'expert' || i || '@bench.example',
      array['E' || lpad((9 + i % 24)::text, 2, '0')], '{}'::text[], '{identify,classify}',
      array[lpad((1 + i % 47)::text, 2, '0')], true, 20, 60, ${first}::timestamptz - interval '30 days'
    from generate_series(0, ${size.experts - 1}) as i`);
  await db.execute(sql`
    insert into expert_weekly_hours (expert_id, weekday, start_time, end_time)
    select ${expertId}, d, '09:00', '17:00'
    from generate_series(0, ${size.experts - 1}) as i, generate_series(1, 5) as d`);
  await db.execute(sql`
    insert into expert_date_overrides (expert_id, date, start_time, end_time)
    select ${expertId}, date '2018-04-02' + k * 73 + i % 5, null, null
    from generate_series(0, ${size.experts - 1}) as i, generate_series(0, 39) as k`);
  await db.execute(sql`
    insert into companies (id, corporate_number, name, industry_code, prefecture_code, employees,
                           capital_yen, is_sme)
    select md5('company-' || c)::uuid, null, 'ベンチ工業株式会社' || c,
      (array['E24', 'E26', 'E28', 'E31', 'E29', 'G', 'I', 'D', 'L', 'H'])[1 + c % 10],
      lpad((1 + (c * 7) % 47)::text, 2, '0'), 20 + c % 400, 10000000 * (1 + c % 50), c % 10 <> 0
    from generate_series(0, ${size.companies - 1}) as c`);
  await db.execute(sql`
    create unlogged table bench_plan as
    select n, n % ${size.experts} as i, n % ${size.companies} as c,
      ${first}::timestamptz + make_interval(days => n / ${perDay}, hours => 9 + (n % ${perDay}) % 7) as s,
      case when n % 100 < 85 then 'completed' when n % 100 < 92 then 'cancelled'
           when n % 100 < 95 then 'no_show' else 'confirmed' end as status,
      case when n % 3 = 0 then 'online' else 'onsite' end as format
    from generate_series(0, ${size.visits - 1}) as n`);
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
}
