// GET /v1/requests/:id/matches on a realistic load: 200 experts with weekly hours, overrides,
// 300 imported busy blocks and 40 sessions each, and one request with three preferred
// windows over two weeks. Latency in-process and over HTTP, on PGlite and Postgres, beside
// the bare SQL that fetches the same rows (the floor).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { requests } from '../src/db/schema.ts';
import type { Db } from '../src/db/types.ts';
import { availableSlots, bookableRange } from '../src/domain/availability.ts';
import { type MatchCandidate, rankMatches, visitFormat } from '../src/domain/matching.ts';
import {
  addDays,
  DAY_MS,
  fiscalYearOf,
  fiscalYearRange,
  MINUTE_MS,
  tokyoDate,
  tokyoInstant,
  tokyoMonthRange,
} from '../src/domain/time.ts';
import { availabilityFromRows } from '../src/routes/experts/queries.ts';
import { loadCandidates } from '../src/routes/requests/candidates.ts';
import {
  type BenchPostgres,
  freshPglite,
  freshPostgres,
  pgliteToDirectory,
} from './support/database.ts';
import { note, runIfMain } from './support/main.ts';
import { STAFF_TOKEN, startApiServer } from './support/server.ts';
import { type Latency, timeSequential } from './support/stats.ts';
import { ms, type Row, times } from './support/table.ts';

const EXPERTS = 200;
const BUSY_PER_EXPERT = 300;
const SESSIONS_PER_EXPERT = 40;
const OVERRIDES_PER_EXPERT = 5;
const SAMPLES = 100;
// PGlite answers several times slower and has no target: fewer samples keep the run short.
const PGLITE_SAMPLES = 30;
const PHASE_SAMPLES = 30;
// Each measurement stops early past its time limit (after ten samples at least).
const LIMIT_MS = 6_000;
const PHASE_LIMIT_MS = 2_000;
const TARGET_P95_MS = 50;
// A cap above the ~14 seeded sessions a month, so the seeded load does not filter experts out.
const MAX_VISITS_PER_MONTH = 20;

const config = loadConfig({ STAFF_TOKEN });
const auth = { authorization: `Bearer ${STAFF_TOKEN}` };

export async function runMatchesBench(): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push(...(await onPglite()));
  rows.push(...(await onPostgres()));
  return rows;
}

async function onPglite(): Promise<Row[]> {
  note('matches: seeding PGlite (in memory)');
  const database = await freshPglite();
  const dir = await mkdtemp(join(tmpdir(), 'haken-bench-'));
  try {
    const requestId = await seedAndApply(database.db);
    const path = `/v1/requests/${requestId}/matches`;
    const app = createApp({ db: database.db, config, clock: () => new Date() });
    note('matches: PGlite in-process');
    const inProcess = await timeSequential(
      PGLITE_SAMPLES,
      () => inProcessGet(app, path),
      5,
      LIMIT_MS,
    );

    // The server opens its own copy of the seeded database from a directory.
    await pgliteToDirectory(database, join(dir, 'db'));
    note('matches: PGlite over HTTP');
    const server = await startApiServer({ dataDir: join(dir, 'db') });
    let overHttp: Latency;
    try {
      overHttp = await timeSequential(
        PGLITE_SAMPLES,
        () => httpGet(`${server.url}${path}`),
        5,
        LIMIT_MS,
      );
    } finally {
      await server.stop();
    }
    return [
      latencyRow('matches p95, PGlite, in-process', inProcess),
      latencyRow('matches p95, PGlite, HTTP', overHttp),
    ];
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

async function onPostgres(): Promise<Row[]> {
  note('matches: seeding Postgres');
  const database = await freshPostgres('matches');
  // Unnamed statements, as drizzle sends its queries (see support/pool-server.ts): the same
  // round trips and the same plans (a custom plan for each execution) as the endpoint.
  const floorClient = postgres(database.url, { max: 10, onnotice: () => {}, prepare: false });
  try {
    const requestId = await seedAndApply(database.db);
    await database.db.execute(sql`analyze`);
    const path = `/v1/requests/${requestId}/matches`;
    const app = createApp({ db: database.db, config, clock: () => new Date() });

    note('matches: Postgres floor (bare SQL)');
    const floor = await timeSequential(
      SAMPLES,
      () => floorQueries(floorClient, requestId),
      10,
      LIMIT_MS,
    );
    note('matches: Postgres in-process');
    const inProcess = await timeSequential(SAMPLES, () => inProcessGet(app, path), 10, LIMIT_MS);
    note('matches: Postgres over HTTP');
    const server = await startApiServer({ databaseUrl: database.url });
    let overHttp: Latency;
    try {
      overHttp = await timeSequential(SAMPLES, () => httpGet(`${server.url}${path}`), 10, LIMIT_MS);
    } finally {
      await server.stop();
    }
    note('matches: Postgres phases');
    const phases = await profilePhases(database, floorClient, requestId);

    const ratio = (l: Latency) => times(l.p95 / floor.p95);
    return [
      { figure: 'matches floor p95, Postgres (bare SQL)', value: summary(floor) },
      {
        ...latencyRow('matches p95, Postgres, in-process', inProcess),
        ratio: ratio(inProcess),
      },
      {
        ...latencyRow('matches p95, Postgres, HTTP', overHttp),
        target: `≤ ${TARGET_P95_MS} ms`,
        met: overHttp.p95 <= TARGET_P95_MS,
        ratio: ratio(overHttp),
      },
      ...phases,
    ];
  } finally {
    await floorClient.end();
    await database.close();
  }
}

function latencyRow(figure: string, l: Latency): Row {
  return { figure, value: summary(l) };
}

function summary(l: Latency): string {
  return `${ms(l.p95)} (p50 ${ms(l.p50)}, n ${l.n})`;
}

type App = ReturnType<typeof createApp>;

async function inProcessGet(app: App, path: string) {
  const res = await app.request(path, { headers: auth });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
}

async function httpGet(url: string) {
  const res = await fetch(url, { headers: auth });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body}`);
}

// ---------------------------------------------------------------------------------------
// Seed

/**
 * Bulk-inserts the experts and their load, relative to the real clock as the server sees it,
 * then applies for the request through POST /v1/requests. Returns the request id.
 */
async function seedAndApply(db: Db): Promise<string> {
  const now = Date.now();
  const today = tokyoDate(now);
  const midnight = tokyoInstant(today).toISOString();
  const fy = fiscalYearOf(now);
  const started = performance.now();

  const expertId = uuidOf('expert', 'i');
  // Industries: most experts know two manufacturing groups (E09–E32), some a division only.
  await db.execute(sql`
    insert into experts (id, name, email, affiliation, industries, tags, topics, prefectures,
                         online, languages, max_visits_per_month, travel_buffer_minutes)
    select ${expertId}, 'ベンチ専門家 ' || i, 'expert' || i || '@bench.example', 'bench',
      case when i % 8 = 7 then array[(array['E', 'D', 'G', 'I', 'L'])[1 + i % 5]]
           else array['E' || lpad((9 + i % 24)::text, 2, '0'),
                      'E' || lpad((9 + (i * 7 + 3) % 24)::text, 2, '0')] end,
      case when i % 5 = 0 then array['manufacturing'] else '{}'::text[] end,
      array(select t from unnest(array['identify', 'classify', 'manager', 'process', 'training',
              'incident', 'access', 'physical', 'electronic', 'audit', 'industry-model'])
              with ordinality as u(t, n) where (n + i) % 3 <> 0),
      array[lpad((1 + i % 47)::text, 2, '0'), lpad((1 + (i * 13 + 5) % 47)::text, 2, '0'),
            lpad((1 + (i * 29 + 11) % 47)::text, 2, '0')],
      i % 10 <> 0, '{ja}', ${MAX_VISITS_PER_MONTH}, 30 + (i % 4) * 30
    from generate_series(0, ${EXPERTS - 1}) as i`);
  await db.execute(sql`
    insert into expert_weekly_hours (expert_id, weekday, start_time, end_time)
    select ${expertId}, d, '09:00', '17:00'
    from generate_series(0, ${EXPERTS - 1}) as i, generate_series(1, 5) as d`);
  // Overrides: alternately a closed day and a short day, spread over the horizon.
  await db.execute(sql`
    insert into expert_date_overrides (expert_id, date, start_time, end_time)
    select ${expertId}, ${today}::date + (3 + k * 17 + i % 11),
      case when k % 2 = 0 then null else '10:00'::time end,
      case when k % 2 = 0 then null else '15:00'::time end
    from generate_series(0, ${EXPERTS - 1}) as i, generate_series(0, ${OVERRIDES_PER_EXPERT - 1}) as k`);
  // One imported feed each; the URL is refused at once (private address) should a sync run.
  await db.execute(sql`
    insert into calendar_feeds (id, expert_id, url, event_count, last_synced_at, last_success_at)
    select ${uuidOf('feed', 'i')}, ${expertId}, 'http://127.0.0.1:9/bench-' || i || '.ics',
      ${BUSY_PER_EXPERT}, now(), now()
    from generate_series(0, ${EXPERTS - 1}) as i`);
  // Busy blocks of 30–90 minutes in working hours, ~3 a day over the 90 days.
  await db.execute(sql`
    insert into busy_blocks (feed_id, expert_id, start_at, end_at)
    select ${uuidOf('feed', 'i')}, ${expertId}, s, s + make_interval(mins => 30 + ((i + j) % 3) * 30)
    from (
      select i, j, ${midnight}::timestamptz
        + make_interval(days => (j * 90) / ${BUSY_PER_EXPERT}, mins => 540 + ((j * 37 + i * 13) % 15) * 30) as s
      from generate_series(0, ${EXPERTS - 1}) as i, generate_series(0, ${BUSY_PER_EXPERT - 1}) as j
    ) as b`);
  // 40 sessions per expert, each of its own request and company: at most one a day per expert
  // and one per company, so neither EXCLUDE constraint is touched.
  const perExpert = SESSIONS_PER_EXPERT;
  const total = EXPERTS * perExpert;
  await db.execute(sql`
    insert into companies (id, name, industry_code, prefecture_code, employees, capital_yen, is_sme)
    select ${uuidOf('company', 'n')}, 'ベンチ株式会社' || n, 'E' || lpad((9 + n % 24)::text, 2, '0'),
      lpad((1 + n % 47)::text, 2, '0'), 50, 10000000, true
    from generate_series(0, ${total - 1}) as n`);
  await db.execute(sql`
    insert into requests (id, company_id, company_name, industry_code, prefecture_code, employees,
                          capital_yen, is_sme, contact_name, contact_email, topics, format,
                          duration_minutes, preferred_windows, status, fiscal_year)
    select ${uuidOf('request', 'n')}, ${uuidOf('company', 'n')}, 'ベンチ株式会社' || n,
      'E' || lpad((9 + n % 24)::text, 2, '0'), lpad((1 + n % 47)::text, 2, '0'), 50, 10000000, true,
      'ベンチ 太郎', 'contact' || n || '@bench.example', '{identify}', 'either', 120, '[]'::jsonb,
      'scheduled', ${fy}
    from generate_series(0, ${total - 1}) as n`);
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
      from generate_series(0, ${EXPERTS - 1}) as i, generate_series(0, ${perExpert - 1}) as k
    ) as x`);
  note(`matches: seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Three windows over two weeks, each from 09:00 one day to 17:00 the next (JST).
  const window = (day: number) => ({
    start: tokyoInstant(addDays(today, day), '09:00').toISOString(),
    end: tokyoInstant(addDays(today, day + 1), '17:00').toISOString(),
  });
  const app = createApp({ db, config, clock: () => new Date() });
  const res = await app.request('/v1/requests', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      company: {
        name: '株式会社ベンチ金属',
        corporateNumber: '7000012050002',
        industryCode: 'E24',
        prefectureCode: '23',
        employees: 120,
        capitalYen: 50_000_000,
      },
      contact: { name: '山田 太郎', email: 'yamada@bench.example' },
      topics: ['identify', 'classify', 'access'],
      format: 'either',
      durationMinutes: 120,
      preferredWindows: [window(4), window(8), window(12)],
    }),
  });
  const body = (await res.json()) as { request?: { id: string } };
  if (res.status !== 201 || !body.request) {
    throw new Error(`apply failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.request.id;
}

/** SQL for a stable id from a name, shaped as a version-4 UUID (ids are checked as UUIDs). */
function uuidOf(prefix: string, counter: 'i' | 'n') {
  return sql.raw(
    `overlay(overlay(md5('${prefix}-' || ${counter}) placing '4' from 13) placing '8' from 17)::uuid`,
  );
}

// ---------------------------------------------------------------------------------------
// Floor: the rows loadCandidates reads, by the same queries, straight through postgres.js

const ACTIVE = ['confirmed', 'completed'];
const MAX_BUFFER_MS = 480 * MINUTE_MS;

type RequestRecord = {
  id: string;
  company_id: string;
  preferred_windows: { start: string; end: string }[];
};
/** An expert's intervals as [start, end] pairs of epoch milliseconds. */
type IntervalsRecord = { expert_id: string; intervals: [number, number][] };

/** The instants loadCandidates derives from the request and the clock. */
function ranges(request: { preferred_windows: { start: string; end: string }[] }, now: number) {
  const bookable = bookableRange(now, config);
  const windows = request.preferred_windows.map((w) => ({
    start: Date.parse(w.start),
    end: Date.parse(w.end),
  }));
  const span = {
    start: Math.max(bookable.start, Math.min(...windows.map((w) => w.start))),
    end: Math.min(bookable.end, Math.max(...windows.map((w) => w.end))),
  };
  return {
    bookable,
    windows,
    hull: {
      start: new Date(span.start - MAX_BUFFER_MS),
      end: new Date(span.end + MAX_BUFFER_MS),
    },
    near: windows.map((w) => ({
      start: new Date(Math.max(w.start, span.start) - MAX_BUFFER_MS),
      end: new Date(Math.min(w.end, span.end) + MAX_BUFFER_MS),
    })),
    months: { start: tokyoMonthRange(span.start).start, end: tokyoMonthRange(span.end).end },
    fy: fiscalYearRange(fiscalYearOf(now)),
    overrideDates: {
      start: tokyoDate(span.start - MAX_BUFFER_MS),
      end: tokyoDate(span.end + MAX_BUFFER_MS + DAY_MS),
    },
  };
}

async function floorQueries(client: postgres.Sql, requestId: string) {
  const [request] = await client<(RequestRecord & { corporate_number: string | null })[]>`
    select r.*, c.corporate_number from requests r left join companies c on c.id = r.company_id
    where r.id = ${requestId}`;
  if (!request) throw new Error('no request');
  const r = ranges(request, Date.now());
  const experts = client`select id from experts where active = true`;
  const active = client`expert_id in (${experts}) and status in ${client(ACTIVE)}`;
  // Rows whose [start, end) overlaps a window widened by the largest buffer.
  const near = (start: string, end: string) => client`
    ${client(start)} < ${r.hull.end} and ${client(end)} > ${r.hull.start} and (${r.near
      .map((w) => client`(${client(start)} < ${w.end} and ${client(end)} > ${w.start})`)
      .reduce((any, next) => client`${any} or ${next}`)})`;
  const intervals = (start: string, end: string) =>
    client`json_agg(json_build_array(round(date_part('epoch', ${client(start)}) * 1000),
                                     round(date_part('epoch', ${client(end)}) * 1000)))`;
  return Promise.all([
    client`select * from experts where active = true`,
    client`select expert_id, weekday, start_time, end_time from expert_weekly_hours
             where expert_id in (${experts})`,
    client`select expert_id, date, start_time, end_time from expert_date_overrides
             where expert_id in (${experts})
             and date >= ${r.overrideDates.start} and date < ${r.overrideDates.end}`,
    client<IntervalsRecord[]>`
      select expert_id, ${intervals('start_at', 'end_at')} as intervals from busy_blocks
      where expert_id = any(array(${experts})) and ${near('start_at', 'end_at')}
      group by expert_id`,
    client<IntervalsRecord[]>`
      select expert_id, ${intervals('blocked_from', 'blocked_to')} as intervals from sessions
      where expert_id = any(array(${experts})) and status in ${client(ACTIVE)}
      and ${near('blocked_from', 'blocked_to')} group by expert_id`,
    client`select expert_id, to_char(start_at at time zone 'UTC' + interval '9 hours', 'YYYY-MM'),
             count(*)::int from sessions where ${active}
             and start_at >= ${r.months.start} and start_at < ${r.months.end} group by expert_id, 2`,
    client`select expert_id, count(*)::int from sessions where ${active}
             and start_at >= ${r.fy.start} and start_at < ${r.fy.end} group by expert_id`,
    client`select start_at, end_at from sessions where company_id = ${request.company_id}
             and status in ${client(ACTIVE)} and ${near('start_at', 'end_at')}`,
  ]);
}

// ---------------------------------------------------------------------------------------
// Where the time goes: the endpoint's parts timed one by one, in-process on Postgres

async function profilePhases(
  database: BenchPostgres,
  client: postgres.Sql,
  requestId: string,
): Promise<Row[]> {
  const db = database.db;
  const [request] = await db.select().from(requests).where(eq(requests.id, requestId));
  if (!request) throw new Error('no request');
  const now = () => new Date();
  const load = () => loadCandidates(db, request, '7000012050002', now(), config);
  const loaded = await load();
  const matchRequest = loaded.matchRequest;

  // The same slot computation as loadCandidates, on rows fetched once beforehand.
  const [, weekly, overrides, busy, booked, , , own] = (await floorQueries(
    client,
    requestId,
  )) as unknown as [
    unknown,
    { expert_id: string; weekday: number; start_time: string; end_time: string }[],
    { expert_id: string; date: Date; start_time: string | null; end_time: string | null }[],
    IntervalsRecord[],
    IntervalsRecord[],
    unknown,
    unknown,
    { start_at: Date; end_at: Date }[],
  ];
  const expertRows = [...loaded.experts.values()];
  const r = ranges({ preferred_windows: request.preferredWindows }, Date.now());
  const computeSlots = () => {
    const availability = availabilityFromRows(
      expertRows.map((e) => e.id),
      weekly.map((w) => ({
        expertId: w.expert_id,
        weekday: w.weekday,
        start: w.start_time,
        end: w.end_time,
      })),
      overrides.map((o) => ({
        expertId: o.expert_id,
        date: o.date.toISOString().slice(0, 10),
        start: o.start_time,
        end: o.end_time,
      })),
    );
    const busyBy = new Map(
      busy.map((b) => [b.expert_id, b.intervals.map(([start, end]) => ({ start, end }))]),
    );
    const bookedBy = new Map(
      booked.map((b) => [
        b.expert_id,
        b.intervals.map(([start, end]) => ({ start, end, bufferMinutes: 0 })),
      ]),
    );
    const ownVisits = own.map((v) => ({ start: +v.start_at, end: +v.end_at }));
    return expertRows.flatMap((expert): MatchCandidate[] => {
      const format = visitFormat(matchRequest, expert);
      if (!format) return [];
      const slots = availableSlots({
        availability: availability.get(expert.id) ?? { weekly: [], overrides: [] },
        busy: busyBy.get(expert.id) ?? [],
        sessions: bookedBy.get(expert.id) ?? [],
        range: r.bookable,
        bufferMinutes: format === 'onsite' ? expert.travelBufferMinutes : 0,
        durationMinutes: request.durationMinutes,
        windows: r.windows,
      }).filter((slot) => !ownVisits.some((v) => slot.start < v.end && v.start < slot.end));
      return [{ expert, visitsThisFiscalYear: 0, activeVisitsByMonth: {}, slots }];
    });
  };
  const candidates = computeSlots();
  const ranked = rankMatches(matchRequest, loaded.candidates);
  const app = createApp({ db, config, clock: now });
  const body = await (
    await app.request(`/v1/requests/${requestId}/matches`, { headers: auth })
  ).text();
  const parsed = JSON.parse(body) as unknown;

  // Named prepared statements save a round trip a query (drizzle sends unnamed ones).
  const named = postgres(database.url, { max: 10, onnotice: () => {} });
  const time = (work: () => Promise<unknown>) =>
    timeSequential(PHASE_SAMPLES, work, 3, PHASE_LIMIT_MS);
  const phases: [string, Latency][] = [
    ['loadCandidates (drizzle queries + slots)', await time(load)],
    ['  slot computation alone (200 experts)', await time(async () => computeSlots())],
    ['  bare SQL of the same rows (floor)', await time(() => floorQueries(client, requestId))],
    ['  bare SQL, named statements', await time(() => floorQueries(named, requestId))],
    ['rankMatches', await time(async () => rankMatches(matchRequest, candidates))],
    ['JSON.stringify of the response', await time(async () => JSON.stringify(parsed))],
  ];
  await named.end();
  note(
    `matches: ${loaded.candidates.length} candidates, ${ranked.length} ranked, ` +
      `response ${(body.length / 1024).toFixed(1)} KiB`,
  );
  return phases.map(([name, l]) => ({
    figure: `  phase: ${name}`,
    value: `p50 ${ms(l.p50)}`,
  }));
}

runIfMain(import.meta.url, runMatchesBench);
