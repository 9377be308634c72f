import { type SQL, sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/rows.ts';
import type { Queryable } from '../../../db/types.ts';
import { meansOfSums, type StepValues } from '../../../domain/readiness.ts';
import { SATISFIED_FROM, surveySummary } from '../../../domain/survey.ts';
import { industryDivisions } from '../../../domain/taxonomy.ts';
import { fiscalYearLabel, fiscalYearRange } from '../../../domain/time.ts';
import { stepCodes } from '../../../domain/topics.ts';
import { ApiError } from '../../../http/errors.ts';
import { cachedReport } from '../cache.ts';
import type { OutcomeFigures, OutcomeReport } from './schema.ts';

// The outcome report in one statement, aggregated in Postgres: one range scan of the fiscal
// year's completed sessions (sessions_start_idx), then the surveys, readiness and
// certifications of what it found by their keys, reduced to one row per company and those to
// one row for the year and one per industry division (GROUPING SETS). The rules are the
// domain's, written here as SQL over counts:
//   - a visit is a completed session, counted in the fiscal year of its start;
//   - satisfied is satisfaction ≥ SATISFIED_FROM, resolved is `yes` (domain/survey.ts);
//   - a company's readiness is companyReadiness over its requests visited in the year: the
//     first one's `before`, the latest `after` given; it rose when its total did
//     (domain/readiness.ts);
//   - certified after a visit: a certificate dated after the company's first visit of the
//     year (its Tokyo date), days counted to the first such (domain/certification.ts);
//   - a company's division is that of its latest request visited in the year, and its
//     visits, surveys and readiness are counted there.

// The nine steps are columns of the same names in the readiness table; each phase's are
// carried as b_<step> and a_<step> once taken from it.
const list = (parts: SQL[]) => sql.join(parts, sql`, `);
const phaseColumns = (alias: string, prefix: string) =>
  list(stepCodes.map((code) => sql.raw(`${alias}."${code}" as ${prefix}_${code}`)));
const columnsOf = (alias: string, prefix: string) =>
  list(stepCodes.map((code) => sql.raw(`${alias}.${prefix}_${code}`)));
const totalOf = (alias: string, prefix: string) =>
  sql`(${sql.join(
    stepCodes.map((code) => sql.raw(`${alias}.${prefix}_${code}`)),
    sql` + `,
  )})`;
const phaseSums = (prefix: string) =>
  list(
    stepCodes.map((code) =>
      sql.raw(`coalesce(sum(${prefix}_${code}), 0)::int as ${prefix}_${code}`),
    ),
  );

type Sums = Record<`${'b' | 'a'}_${(typeof stepCodes)[number]}`, number>;
type Row = Sums & {
  division: string | null;
  is_total: number;
  companies: number;
  visits: number;
  responses: number;
  satisfied: number;
  resolved_yes: number;
  resolved_partly: number;
  resolved_no: number;
  wants_more: number;
  before_answered: number;
  after_answered: number;
  compared: number;
  rose: number;
  certified: number;
  median_days: number | null;
};

export function outcomeReport(q: Queryable, fy: number): Promise<OutcomeReport> {
  return cachedReport(q, 'outcomes', fy, (tx) => computeOutcomes(tx, fy));
}

async function computeOutcomes(q: Queryable, fy: number): Promise<OutcomeReport> {
  const period = fiscalYearRange(fy);
  const found = await rowsOf<Row>(
    q,
    sql`with visits as materialized (
        select s.id as session_id, s.company_id, s.request_id, s.start_at,
               r.created_at as applied_at, r.industry_code
          from sessions s
          join requests r on r.id = s.request_id
         where s.status = 'completed'
           and s.start_at >= ${period.start.toISOString()}::timestamptz
           and s.start_at < ${period.end.toISOString()}::timestamptz
      ),
      served as (
        select company_id,
               left((array_agg(industry_code order by applied_at desc, request_id desc))[1], 1)
                 as division,
               count(*)::int as visits,
               ((min(start_at) at time zone 'UTC') + interval '9 hours')::date as first_visit_on
          from visits group by company_id
      ),
      served_requests as (select distinct company_id, request_id, applied_at from visits),
      baseline as (
        select distinct on (sr.company_id) sr.company_id, ${phaseColumns('b', 'b')}
          from served_requests sr
          left join readiness b on b.request_id = sr.request_id and b.phase = 'before'
         order by sr.company_id, sr.applied_at, sr.request_id
      ),
      latest_after as (
        select distinct on (sr.company_id) sr.company_id, ${phaseColumns('a', 'a')}
          from served_requests sr
          join readiness a on a.request_id = sr.request_id and a.phase = 'after'
         order by sr.company_id, sr.applied_at desc, sr.request_id desc
      ),
      answers as (
        select v.company_id,
               count(*)::int as responses,
               count(*) filter (where sv.satisfaction >= ${SATISFIED_FROM})::int as satisfied,
               count(*) filter (where sv.resolved = 'yes')::int as resolved_yes,
               count(*) filter (where sv.resolved = 'partly')::int as resolved_partly,
               count(*) filter (where sv.resolved = 'no')::int as resolved_no,
               count(*) filter (where sv.wants_more)::int as wants_more
          from visits v
          join surveys sv on sv.session_id = v.session_id
         group by v.company_id
      ),
      certified as (
        select s.company_id, min(c.date) - s.first_visit_on as days
          from served s
          join certifications c on c.company_id = s.company_id
           and c.status = 'certified' and c.date > s.first_visit_on
         group by s.company_id, s.first_visit_on
      ),
      per_company as (
        select s.division, s.visits,
               coalesce(a.responses, 0) as responses, coalesce(a.satisfied, 0) as satisfied,
               coalesce(a.resolved_yes, 0) as resolved_yes,
               coalesce(a.resolved_partly, 0) as resolved_partly,
               coalesce(a.resolved_no, 0) as resolved_no,
               coalesce(a.wants_more, 0) as wants_more,
               ${columnsOf('b', 'b')}, ${columnsOf('l', 'a')},
               ${totalOf('b', 'b')} as before_total, ${totalOf('l', 'a')} as after_total,
               c.days
          from served s
          left join answers a on a.company_id = s.company_id
          left join baseline b on b.company_id = s.company_id
          left join latest_after l on l.company_id = s.company_id
          left join certified c on c.company_id = s.company_id
      )
      select division, grouping(division) as is_total,
             count(*)::int as companies,
             coalesce(sum(visits), 0)::int as visits,
             coalesce(sum(responses), 0)::int as responses,
             coalesce(sum(satisfied), 0)::int as satisfied,
             coalesce(sum(resolved_yes), 0)::int as resolved_yes,
             coalesce(sum(resolved_partly), 0)::int as resolved_partly,
             coalesce(sum(resolved_no), 0)::int as resolved_no,
             coalesce(sum(wants_more), 0)::int as wants_more,
             count(before_total)::int as before_answered,
             ${phaseSums('b')},
             count(after_total)::int as after_answered,
             ${phaseSums('a')},
             count(*) filter (where before_total is not null and after_total is not null)::int
               as compared,
             count(*) filter (where after_total > before_total)::int as rose,
             count(days)::int as certified,
             percentile_cont(0.5) within group (order by days)::float8 as median_days
        from per_company
       group by grouping sets ((), (division))`,
  );
  const total = found.find((r) => Number(r.is_total) === 1);
  // The statement always yields the year's row; none means the connection broke under it.
  if (!total) throw new ApiError('database-unavailable', 'The report could not be read; try again');
  const byDivision = new Map(
    found.filter((r) => Number(r.is_total) === 0).map((r) => [r.division, r]),
  );
  return {
    fiscalYear: fy,
    label: fiscalYearLabel(fy),
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    ...figures(total),
    byIndustry: industryDivisions.map((d) => {
      const row = byDivision.get(d.code);
      return { code: d.code, name: d.name, ...(row ? figures(row) : nothing) };
    }),
  };
}

const sumsOf = (row: Row, prefix: 'b' | 'a') =>
  Object.fromEntries(
    stepCodes.map((code) => [code, Number(row[`${prefix}_${code}`])]),
  ) as StepValues;

function figures(row: Row): OutcomeFigures {
  const n = (value: number | string | null) => Number(value ?? 0);
  const visits = n(row.visits);
  return {
    companiesServed: n(row.companies),
    visits,
    surveys: surveySummary(
      {
        responses: n(row.responses),
        satisfied: n(row.satisfied),
        resolved: {
          yes: n(row.resolved_yes),
          partly: n(row.resolved_partly),
          no: n(row.resolved_no),
        },
        wantsMore: n(row.wants_more),
      },
      visits,
    ),
    readiness: {
      before: {
        answered: n(row.before_answered),
        mean: meansOfSums(sumsOf(row, 'b'), n(row.before_answered)),
      },
      after: {
        answered: n(row.after_answered),
        mean: meansOfSums(sumsOf(row, 'a'), n(row.after_answered)),
      },
      compared: n(row.compared),
      rose: n(row.rose),
    },
    certification: {
      certifiedAfterVisit: n(row.certified),
      medianDaysToCertification: row.median_days === null ? null : Number(row.median_days),
    },
  };
}

const nothing = figures({
  ...(Object.fromEntries(
    stepCodes.flatMap((code) => [
      [`b_${code}`, 0],
      [`a_${code}`, 0],
    ]),
  ) as Sums),
  division: null,
  is_total: 0,
  companies: 0,
  visits: 0,
  responses: 0,
  satisfied: 0,
  resolved_yes: 0,
  resolved_partly: 0,
  resolved_no: 0,
  wants_more: 0,
  before_answered: 0,
  after_answered: 0,
  compared: 0,
  rose: 0,
  certified: 0,
  median_days: null,
});
