import { and, gte, lt, type SQL, sql } from 'drizzle-orm';
import { dateOverrides, weeklyHours } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import type { Availability } from '../../domain/availability.ts';
import {
  fiscalYearMonths,
  holidaysBetween,
  ratio,
  round,
  workingMinutes,
} from '../../domain/report.ts';
import { industryDivisions, prefectures, topics } from '../../domain/taxonomy.ts';
import { fiscalYearLabel, fiscalYearRange, tokyoDate } from '../../domain/time.ts';
import { ApiError } from '../../http/errors.ts';
import { availabilityFromRows } from '../experts/queries.ts';
import { cachedReport } from './cache.ts';
import type { UsageReport, UtilisationReport } from './schema.ts';

// Reports aggregate in Postgres: one statement reads the fiscal year's sessions once (a range
// scan of sessions_start_idx joined to their requests) and returns every count as one JSON
// document, so the work is the same on PGlite (one connection) and on Postgres. Months are
// Tokyo months by shifting the UTC wall clock nine hours (Tokyo has no DST), which depends on
// no time-zone data in either engine.

type Counts = Record<string, number>;
type ReportDocument = {
  totals: {
    visits: number;
    uniqueCompanies: number;
    smeVisits: number;
    scheduled: number;
    cancelled: number;
    noShows: number;
    leadTimeDays: number | null;
  };
  byMonth: Counts;
  byIndustry: Counts;
  byPrefecture: Counts;
  byFormat: Counts;
  byTopic: Counts;
  experts: { id: string; name: string; createdAt: number; visits: number; minutes: number }[];
};

const tokyoMonth = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC' + interval '9 hours', 'YYYY-MM')`;

/** Counts keyed by `key` over the completed visits, as a JSON object. */
const countsBy = (key: SQL) =>
  sql`(select coalesce(json_object_agg(k, n), '{}') from (
        select ${key} as k, count(*)::int as n from visits group by 1) as t)`;

/**
 * The utilisation report of fiscal year `fy` (see PRODUCT.md, Reports): a visit is a completed
 * session, counted in the fiscal year of its start in Asia/Tokyo. Kept until it changes.
 */
export function utilisationReport(q: Queryable, fy: number): Promise<UtilisationReport> {
  return cachedReport(q, 'utilisation', fy, (tx) => computeUtilisation(tx, fy));
}

async function computeUtilisation(q: Queryable, fy: number): Promise<UtilisationReport> {
  const period = fiscalYearRange(fy);
  const statement = rows<{ doc: string }>(
    q,
    sql`with fy_sessions as materialized (
        select s.expert_id, s.company_id, s.status, s.format, s.start_at, s.end_at,
               s.report -> 'topicsCovered' as covered,
               r.industry_code, r.prefecture_code, r.is_sme, r.topics, r.created_at as applied_at
          from sessions s
          join requests r on r.id = s.request_id
         where s.start_at >= ${period.start.toISOString()}::timestamptz
           and s.start_at < ${period.end.toISOString()}::timestamptz
      ),
      visits as (select * from fy_sessions where status = 'completed'),
      by_expert as (
        select expert_id,
               count(*) filter (where status = 'completed')::int as visits,
               coalesce(extract(epoch from sum(end_at - start_at)
                 filter (where status in ('confirmed', 'completed'))) / 60, 0)::float8 as minutes
          from fy_sessions group by expert_id
      )
      select json_build_object(
        'totals', (select json_build_object(
            'visits', count(*) filter (where status = 'completed'),
            'uniqueCompanies', count(distinct company_id) filter (where status = 'completed'),
            'smeVisits', count(*) filter (where status = 'completed' and is_sme),
            'scheduled', count(*) filter (where status = 'confirmed'),
            'cancelled', count(*) filter (where status = 'cancelled'),
            'noShows', count(*) filter (where status = 'no_show'),
            'leadTimeDays', extract(epoch from percentile_cont(0.5) within group (
                order by start_at - applied_at) filter (where status = 'completed'))::float8 / 86400)
          from fy_sessions),
        'byMonth', ${countsBy(tokyoMonth(sql`start_at`))},
        'byIndustry', ${countsBy(sql`left(industry_code, 1)`)},
        'byPrefecture', ${countsBy(sql`prefecture_code`)},
        'byFormat', ${countsBy(sql`format`)},
        'byTopic', (select coalesce(json_object_agg(k, n), '{}') from (
            select covered_topic.topic as k, count(*)::int as n
              from visits
              cross join lateral jsonb_array_elements_text(
                case when jsonb_typeof(covered) = 'array' and jsonb_array_length(covered) > 0
                     then covered else to_jsonb(topics) end) as covered_topic(topic)
             group by 1) as t),
        'experts', (select coalesce(json_agg(json_build_object(
              'id', e.id, 'name', e.name,
              'createdAt', extract(epoch from e.created_at) * 1000,
              'visits', coalesce(b.visits, 0), 'minutes', coalesce(b.minutes, 0))), '[]')
            from experts e
            left join by_expert b on b.expert_id = e.id
           where b.expert_id is not null
              or (e.active and e.created_at < ${period.end.toISOString()}::timestamptz))
      )::text as doc`,
  );
  // Working hours are small tables; on Postgres they load while the statement runs.
  const [[row], weekly, overrides] = await Promise.all([
    statement,
    q.select().from(weeklyHours),
    q
      .select()
      .from(dateOverrides)
      .where(
        and(
          gte(dateOverrides.date, tokyoDate(period.start)),
          lt(dateOverrides.date, tokyoDate(period.end)),
        ),
      ),
  ]);
  // The statement always yields one row. None means the connection broke under it (seen when
  // Postgres restarts): say so, rather than fail on a half-read answer.
  if (!row) throw new ApiError('database-unavailable', 'The report could not be read; try again');
  const doc = JSON.parse(row.doc) as ReportDocument;
  const { totals } = doc;

  const named = <T extends { code: string; name: { ja: string; en: string } }>(
    list: readonly T[],
    counts: Counts,
  ) => list.map((item) => ({ code: item.code, name: item.name, visits: counts[item.code] ?? 0 }));

  return {
    fiscalYear: fy,
    label: fiscalYearLabel(fy),
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    visits: totals.visits,
    uniqueCompanies: totals.uniqueCompanies,
    smeVisits: totals.smeVisits,
    smeShare: ratio(totals.smeVisits, totals.visits),
    scheduled: totals.scheduled,
    cancelled: totals.cancelled,
    noShows: totals.noShows,
    leadTimeDays: totals.leadTimeDays === null ? null : round(totals.leadTimeDays, 1),
    byMonth: fiscalYearMonths(fy).map((month) => ({ month, visits: doc.byMonth[month] ?? 0 })),
    byIndustry: named(industryDivisions, doc.byIndustry),
    byPrefecture: named(prefectures, doc.byPrefecture),
    byExpert: expertUtilisation(
      doc.experts,
      availabilityFromRows(
        doc.experts.map((e) => e.id),
        weekly,
        overrides,
      ),
      period,
    ),
    byTopic: named(topics, doc.byTopic),
    byFormat: (['onsite', 'online'] as const).map((format) => ({
      format,
      name: formatNames[format],
      visits: doc.byFormat[format] ?? 0,
    })),
  };
}

const formatNames = {
  onsite: { ja: '訪問', en: 'On site' },
  online: { ja: 'オンライン', en: 'Online' },
} as const;

/**
 * Booked hours ÷ available hours. Available hours are the expert's working time (weekly
 * hours and date overrides, minus holidays: workingTime) over the fiscal year from the moment
 * they were registered; imported calendar busy time is left out, since it is only kept for
 * the booking horizon.
 */
function expertUtilisation(
  experts: ReportDocument['experts'],
  availability: Map<string, Availability>,
  period: { start: Date; end: Date },
): UtilisationReport['byExpert'] {
  const holidays = holidaysBetween(tokyoDate(period.start), tokyoDate(period.end.getTime() - 1));
  return experts
    .map((e) => {
      const range = {
        start: Math.max(period.start.getTime(), e.createdAt),
        end: period.end.getTime(),
      };
      const rules = availability.get(e.id) ?? { weekly: [], overrides: [] };
      const availableHours = workingMinutes(rules, range, holidays) / 60;
      const hours = e.minutes / 60;
      return {
        expertId: e.id,
        name: e.name,
        visits: e.visits,
        hours: round(hours, 2),
        availableHours: round(availableHours, 2),
        utilisation: ratio(hours, availableHours),
      };
    })
    .sort(
      (a, b) =>
        b.visits - a.visits ||
        b.hours - a.hours ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
        (a.expertId < b.expertId ? -1 : 1),
    );
}

/** Visits per fiscal year from `from` to `to`, years without visits included. */
export async function usageReport(q: Queryable, from: number, to: number): Promise<UsageReport> {
  // Tokyo wall time minus three months falls in the calendar year the fiscal year is named by.
  const counted = await rows<{ fy: number; visits: number }>(
    q,
    sql`select extract(year from start_at at time zone 'UTC' + interval '9 hours'
                                 - interval '3 months')::int as fy,
               count(*)::int as visits
          from sessions
         where status = 'completed'
           and start_at >= ${fiscalYearRange(from).start.toISOString()}::timestamptz
           and start_at < ${fiscalYearRange(to).end.toISOString()}::timestamptz
         group by 1`,
  );
  const byYear = new Map(counted.map((r) => [Number(r.fy), Number(r.visits)]));
  const years = Array.from({ length: to - from + 1 }, (_, i) => from + i).map((fiscalYear) => ({
    fiscalYear,
    label: fiscalYearLabel(fiscalYear),
    visits: byYear.get(fiscalYear) ?? 0,
  }));
  return { from, to, years };
}

export type CompanyVisits = {
  corporateNumber: string | null;
  name: string;
  industryCode: string;
  prefectureCode: string;
  isSme: boolean;
  visits: number;
  firstVisit: string;
};

/**
 * The companies visited in fiscal year `fy` (派遣先一覧), as each declared itself on its latest
 * application of that year, in the order of their first visit. Kept until it changes.
 */
export function companyVisits(q: Queryable, fy: number): Promise<CompanyVisits[]> {
  return cachedReport(q, 'company-visits', fy, (tx) => computeCompanyVisits(tx, fy));
}

async function computeCompanyVisits(q: Queryable, fy: number): Promise<CompanyVisits[]> {
  const period = fiscalYearRange(fy);
  const list = await rows<Omit<CompanyVisits, 'firstVisit'> & { firstVisit: number }>(
    q,
    sql`select c.corporate_number as "corporateNumber", v.*
          from (select s.company_id,
                       (array_agg(r.company_name order by r.created_at desc))[1] as name,
                       (array_agg(r.industry_code order by r.created_at desc))[1] as "industryCode",
                       (array_agg(r.prefecture_code order by r.created_at desc))[1] as "prefectureCode",
                       (array_agg(r.is_sme order by r.created_at desc))[1] as "isSme",
                       count(*)::int as visits,
                       extract(epoch from min(s.start_at))::float8 * 1000 as "firstVisit"
                  from sessions s
                  join requests r on r.id = s.request_id
                 where s.status = 'completed'
                   and s.start_at >= ${period.start.toISOString()}::timestamptz
                   and s.start_at < ${period.end.toISOString()}::timestamptz
                 group by s.company_id) as v
          join companies c on c.id = v.company_id
         order by v."firstVisit", v.name, c.corporate_number, v.company_id`,
  );
  return list.map((r) => ({
    corporateNumber: r.corporateNumber,
    name: r.name,
    industryCode: r.industryCode,
    prefectureCode: r.prefectureCode,
    isSme: r.isSme,
    visits: Number(r.visits),
    firstVisit: tokyoDate(Number(r.firstVisit)),
  }));
}

// PGlite answers a raw query with {rows}, postgres.js with the rows themselves.
async function rows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result: unknown = await q.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
