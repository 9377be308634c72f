// Experts at national scale, built with set-based SQL (INSERT … SELECT generate_series): each
// with weekly hours, overrides, one calendar feed of 300 busy blocks over the 90-day horizon,
// and 40 sessions (each of its own company and request), as bench/matches.ts seeds 200.
//
// Two distributions of who the experts are, over the same calendars:
// - national: home prefectures drawn by population (PREFECTURE_WEIGHTS, the 2020 census in
//   100,000s), on-site visits in the home prefecture and, for half, the next code (usually a
//   neighbour); 30 % also visit online; industries drawn over all JSIC divisions by the share
//   of SMEs in each (DIVISION_WEIGHTS, 経済センサス 2016, rounded), manufacturing experts with a
//   middle group; a tenth hold the 全業種 scope tag.
// - worst: bench/matches.ts's experts: three prefectures each and 90 % online, so about 90 %
//   pass the filters of an `either` request.
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/types.ts';
import { fiscalYearOf, tokyoDate, tokyoInstant } from '../../src/domain/time.ts';

export const BUSY_PER_EXPERT = 300;
export const SESSIONS_PER_EXPERT = 40;
const OVERRIDES_PER_EXPERT = 5;
// Above the ~14 seeded sessions a month, as in bench/matches.ts.
const MAX_VISITS_PER_MONTH = 20;

export type Distribution = 'national' | 'worst';

// JIS X 0401 order, 01 北海道 … 47 沖縄県.
export const PREFECTURE_WEIGHTS = [
  52, 12, 12, 23, 10, 11, 18, 29, 19, 19, 73, 63, 140, 92, 22, 10, 11, 8, 8, 20, 20, 36, 75, 18, 14,
  26, 88, 55, 13, 9, 6, 7, 19, 28, 13, 7, 10, 13, 7, 51, 8, 13, 17, 11, 11, 16, 15,
];
export const DIVISION_WEIGHTS: Record<string, number> = {
  A: 1,
  B: 1,
  C: 1,
  D: 12,
  E: 12,
  F: 1,
  G: 3,
  H: 2,
  I: 23,
  J: 1,
  K: 9,
  L: 5,
  M: 14,
  N: 10,
  O: 3,
  P: 6,
  Q: 1,
  R: 5,
};

/** A number in [0, 1) drawn from `n` and a salt: the same on every run. */
function draw(n: SQL, salt: string): SQL {
  return sql`(('x' || substr(md5(${n}::text || ${salt}), 1, 8))::bit(32)::bigint / 4294967296.0)`;
}

/** A code of `weights`, drawn by weight with `u` in [0, 1). */
function weighted(codes: readonly string[], weights: readonly number[], u: SQL): SQL {
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  const bounds = weights.map((w) => {
    cumulative += w;
    return cumulative / total;
  });
  const cases = codes.map((code, i) => sql`when ${u} < ${bounds[i]} then ${code}`);
  return sql`(case ${sql.join(cases, sql` `)} else ${codes[codes.length - 1]} end)`;
}

const prefectureCodes = PREFECTURE_WEIGHTS.map((_, i) => String(i + 1).padStart(2, '0'));
const divisions = Object.keys(DIVISION_WEIGHTS);
const TOPICS = [
  'identify',
  'classify',
  'manager',
  'process',
  'training',
  'incident',
  'access',
  'physical',
  'electronic',
  'audit',
  'industry-model',
];

/** SQL for a stable version-4 UUID from a name and counter. */
export function uuidOf(prefix: string, counter: string): SQL {
  return sql.raw(
    `overlay(overlay(md5('${prefix}-' || ${counter}) placing '4' from 13) placing '8' from 17)::uuid`,
  );
}

/** Experts `from` … `to` − 1 with their hours, calendars and sessions. */
export async function seedExperts(db: Db, from: number, to: number): Promise<void> {
  const now = Date.now();
  const today = tokyoDate(now);
  const midnight = tokyoInstant(today).toISOString();
  const fy = fiscalYearOf(now);
  const expertId = uuidOf('expert', 'i');
  const range = sql`generate_series(${from}::int, ${to - 1}::int) as i`;
  await db.execute(sql`
    insert into experts (id, name, email, affiliation, industries, tags, topics, prefectures,
                         online, languages, max_visits_per_month, travel_buffer_minutes)
    select ${expertId}, 'ベンチ専門家 ' || i, 'expert' || i || '@bench.example', 'bench',
      '{}', '{}', '{}', '{}', true, '{ja}', ${MAX_VISITS_PER_MONTH}, 30 + (i % 4) * 30
    from ${range}`);
  await db.execute(sql`
    insert into expert_weekly_hours (expert_id, weekday, start_time, end_time)
    select ${expertId}, d, '09:00', '17:00' from ${range}, generate_series(1, 5) as d`);
  await db.execute(sql`
    insert into expert_date_overrides (expert_id, date, start_time, end_time)
    select ${expertId}, ${today}::date + (3 + k * 17 + i % 11),
      case when k % 2 = 0 then null else '10:00'::time end,
      case when k % 2 = 0 then null else '15:00'::time end
    from ${range}, generate_series(0, ${OVERRIDES_PER_EXPERT - 1}) as k`);
  await db.execute(sql`
    insert into calendar_feeds (id, expert_id, url, event_count, last_synced_at, last_success_at)
    select ${uuidOf('feed', 'i')}, ${expertId}, 'http://127.0.0.1:9/bench-' || i || '.ics',
      ${BUSY_PER_EXPERT}, now(), now()
    from ${range}`);
  await db.execute(sql`
    insert into busy_blocks (feed_id, expert_id, start_at, end_at)
    select ${uuidOf('feed', 'i')}, ${expertId}, s, s + make_interval(mins => 30 + ((i + j) % 3) * 30)
    from (
      select i, j, ${midnight}::timestamptz
        + make_interval(days => (j * 90) / ${BUSY_PER_EXPERT}, mins => 540 + ((j * 37 + i * 13) % 15) * 30) as s
      from ${range}, generate_series(0, ${BUSY_PER_EXPERT - 1}) as j
    ) as b`);
  const perExpert = SESSIONS_PER_EXPERT;
  const sessionRange = sql`generate_series(${from * perExpert}::int, ${to * perExpert - 1}::int) as n`;
  await db.execute(sql`
    insert into companies (id, name, industry_code, prefecture_code, employees, capital_yen, is_sme)
    select ${uuidOf('company', 'n')}, 'ベンチ株式会社' || n, 'E' || lpad((9 + n % 24)::text, 2, '0'),
      lpad((1 + n % 47)::text, 2, '0'), 50, 10000000, true
    from ${sessionRange}`);
  await db.execute(sql`
    insert into requests (id, company_id, company_name, industry_code, prefecture_code, employees,
                          capital_yen, is_sme, contact_name, contact_email, topics, format,
                          duration_minutes, preferred_windows, status, fiscal_year)
    select ${uuidOf('request', 'n')}, ${uuidOf('company', 'n')}, 'ベンチ株式会社' || n,
      'E' || lpad((9 + n % 24)::text, 2, '0'), lpad((1 + n % 47)::text, 2, '0'), 50, 10000000, true,
      'ベンチ 太郎', 'contact' || n || '@bench.example', '{identify}', 'either', 120, '[]'::jsonb,
      'scheduled', ${fy}
    from ${sessionRange}`);
  await db.execute(sql`
    insert into sessions (request_id, expert_id, company_id, start_at, end_at, format,
                          travel_buffer_minutes, blocked_from, blocked_to, status)
    select ${uuidOf('request', 'n')}, ${expertId}, ${uuidOf('company', 'n')}, s,
      s + interval '2 hours', f, b, s - make_interval(mins => b),
      s + interval '2 hours' + make_interval(mins => b), 'confirmed'
    from (
      select i, i * ${perExpert} + k as n,
        ${midnight}::timestamptz + make_interval(days => 1 + (k * 88) / ${perExpert},
                                                 mins => 540 + ((i + k) % 6) * 60) as s,
        case when (i + k) % 4 = 0 then 'onsite' else 'online' end as f,
        case when (i + k) % 4 = 0 then 60 else 0 end as b
      from ${range}, generate_series(0, ${perExpert - 1}) as k
    ) as x`);
}

/** Gives every expert the profile of `distribution`; their calendars stay as they are. */
export async function setDistribution(db: Db, distribution: Distribution): Promise<void> {
  const i = sql.raw(`(substr(name, length('ベンチ専門家 ') + 1))::int`);
  if (distribution === 'worst') {
    await db.execute(sql`
      update experts set
        industries = case when ${i} % 8 = 7 then array[(array['E', 'D', 'G', 'I', 'L'])[1 + ${i} % 5]]
          else array['E' || lpad((9 + ${i} % 24)::text, 2, '0'),
                     'E' || lpad((9 + (${i} * 7 + 3) % 24)::text, 2, '0')] end,
        tags = case when ${i} % 5 = 0 then array['manufacturing'] else '{}'::text[] end,
        topics = array(select t from unnest(${`{${TOPICS.join(',')}}`}::text[]) with ordinality as u(t, n)
                        where (n + ${i}) % 3 <> 0),
        prefectures = array[lpad((1 + ${i} % 47)::text, 2, '0'),
                            lpad((1 + (${i} * 13 + 5) % 47)::text, 2, '0'),
                            lpad((1 + (${i} * 29 + 11) % 47)::text, 2, '0')],
        online = ${i} % 10 <> 0`);
    return;
  }
  const home = weighted(prefectureCodes, PREFECTURE_WEIGHTS, draw(i, 'home'));
  const division = weighted(divisions, Object.values(DIVISION_WEIGHTS), draw(i, 'division'));
  await db.execute(sql`
    update experts set
      industries = case when d = 'E' then array['E' || lpad((9 + floor(${draw(i, 'group')} * 24))::int::text, 2, '0')]
                        else array[d] end,
      tags = case when ${draw(i, 'tag')} < 0.1 then array['all-industries'] else '{}'::text[] end,
      topics = array(select t from unnest(${`{${TOPICS.join(',')}}`}::text[]) as t
                      where ${draw(sql`${i}::text || t`, 'topic')} < 0.55),
      prefectures = case when ${draw(i, 'neighbour')} < 0.5 and h < '47'
                         then array[h, lpad((h::int + 1)::text, 2, '0')] else array[h] end,
      online = ${draw(i, 'online')} < 0.3
    from (select id as pick_id, ${home} as h, ${division} as d from experts) as p
    where p.pick_id = experts.id`);
}

export type BenchRequest = {
  industryCode: string;
  prefectureCode: string;
  format: 'onsite' | 'online' | 'either';
  topics: string[];
};

/** `count` applications of the distribution, as the companies that would apply. */
export function requestsOf(distribution: Distribution, count: number, seed = 1): BenchRequest[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pickWeighted = (codes: readonly string[], weights: readonly number[]) => {
    const total = weights.reduce((a, b) => a + b, 0);
    let u = next() * total;
    for (const [k, code] of codes.entries()) {
      u -= weights[k] ?? 0;
      if (u < 0) return code;
    }
    return codes[codes.length - 1] as string;
  };
  return Array.from({ length: count }, (): BenchRequest => {
    if (distribution === 'worst') {
      return {
        industryCode: 'E24',
        prefectureCode: '23',
        format: 'either',
        topics: ['identify', 'classify', 'access'],
      };
    }
    const division = pickWeighted(divisions, Object.values(DIVISION_WEIGHTS));
    const roll = next();
    return {
      industryCode:
        division === 'E' ? `E${String(9 + Math.floor(next() * 24)).padStart(2, '0')}` : division,
      prefectureCode: pickWeighted(prefectureCodes, PREFECTURE_WEIGHTS),
      // Half want a visit, a fifth online only, the rest either.
      format: roll < 0.5 ? 'onsite' : roll < 0.7 ? 'online' : 'either',
      topics: TOPICS.filter(() => next() < 0.3),
    };
  });
}
