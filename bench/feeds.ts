// Calendar feeds (issue 5). Outgoing: the subscription feed of an expert with 2,000 sessions
// over the feed's window (a year back to the horizon), a full GET and a conditional GET
// answered 304, in-process (app.request) and over HTTP against a server process, on Postgres.
// A full GET of an unchanged feed is what polling clients (Google Calendar sends no
// validators) mostly ask for; a full GET after a change renders the calendar again.
// Incoming: a synthetic 10,000-event feed with 500 recurring series (test/fixtures/feeds/
// generate.ts) served by a local HTTP server and imported with POST /v1/me/calendar-feeds/:id/
// sync, in-process and in a server process: seconds and memory, beside the parse alone.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import postgres from 'postgres';
import { createApp } from '../src/app.ts';
import { fetchFeedNode } from '../src/calendar/fetch-node.ts';
import { busyBlocks } from '../src/calendar/import.ts';
import { loadConfig } from '../src/config.ts';
import { DAY_MS, HOUR_MS } from '../src/domain/time.ts';
import { generateFeed } from '../test/fixtures/feeds/generate.ts';
import { sha256 } from './support/bookings.ts';
import { type BenchPostgres, freshPostgres } from './support/database.ts';
import { note, runIfMain } from './support/main.ts';
import { STAFF_TOKEN, startApiServer } from './support/server.ts';
import { type Latency, latency, timeSequential } from './support/stats.ts';
import { ms, type Row, times } from './support/table.ts';

const SESSIONS = 2_000;
// Other experts' sessions in the same table, so the feed query has to pick its expert's out.
const OTHER_SESSIONS = 2_000;
const OTHER_EXPERTS = 10;
const COMPANIES = 200;
const SPACING_HOURS = 5; // 2-hour visits ± 1-hour buffer: never overlapping for an expert
const FULL_SAMPLES = 30;
const FULL_WARMUP = 3;
const NOT_MODIFIED_SAMPLES = 300;
const IMPORT_RUNS = 5;
const TARGET_FULL_MS = 40;
const TARGET_NOT_MODIFIED_MS = 3;
const TARGET_IMPORT_S = 2;
const MB = 1024 * 1024;

const config = loadConfig({ STAFF_TOKEN, FEED_ALLOW_PRIVATE: 'true' });

/** CPU milliseconds this process spent per call of `timeSequential`'s work (warm-up included). */
async function timedWithCpu(n: number, work: () => Promise<unknown>, warmup = Math.min(10, n)) {
  const cpu = process.cpuUsage();
  const latency = await timeSequential(n, work, warmup);
  const used = process.cpuUsage(cpu);
  return { ...latency, cpuMs: (used.user + used.system) / 1000 / (n + warmup) };
}

export async function runFeedsBench(): Promise<Row[]> {
  const loadBefore = loadavg()[0] ?? 0;
  note('feeds: seeding Postgres');
  const database = await freshPostgres('feeds');
  try {
    const seeded = await seed(database);
    const rows = await outgoing(database, seeded);
    rows.push(...(await incoming(database)));
    // Wall-clock figures stretch with the machine's load; the CPU figures much less so.
    rows.push({
      figure: 'feeds: 1-minute load average before / after',
      value: `${loadBefore.toFixed(1)} / ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} CPUs`,
    });
    return rows;
  } finally {
    await database.close();
  }
}

type Seeded = { expertId: string; expertToken: string; events: number };

/**
 * One expert with SESSIONS visits every SPACING_HOURS from 360 days back (so all of them
 * fall inside the feed's window), a tenth cancelled, a seventh rescheduled twice, the past
 * ones completed; and OTHER_SESSIONS of other experts. Bulk SQL, the same row shapes the API
 * writes.
 */
async function seed(database: BenchPostgres): Promise<Seeded> {
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const now = Date.now();
  const first = new Date(Math.floor((now - 360 * DAY_MS) / HOUR_MS) * HOUR_MS);
  const expertToken = `hke_bench_feeds_${sha256(String(now)).slice(0, 32)}`;
  try {
    await sql`
      insert into experts (id, name, email, industries, topics, prefectures, online,
                           max_visits_per_month, travel_buffer_minutes)
      select md5('feeds-expert-' || n)::uuid, 'ベンチ 専門家' || n, 'expert' || n || '@bench.example',
             '{E24}', '{identify,classify}', '{13,23}', true, 1000, 60
      from generate_series(0, ${OTHER_EXPERTS}) as n`;
    await sql`
      insert into companies (id, name, industry_code, prefecture_code, employees, capital_yen, is_sme)
      select md5('feeds-company-' || n)::uuid, 'ベンチ株式会社 第' || n || '工場', 'E24',
             lpad(((n % 47) + 1)::text, 2, '0'), 50, 10000000, true
      from generate_series(0, ${COMPANIES - 1}) as n`;
    // Visit n: expert 0 for n < SESSIONS, then the other experts in turn (each visit of one
    // of them OTHER_EXPERTS × SPACING_HOURS after the last); company n mod COMPANIES.
    await sql`
      create temporary table bench_visits as
      select n,
             md5('feeds-request-' || n)::uuid as request_id,
             md5('feeds-company-' || (n % ${COMPANIES}))::uuid as company_id,
             md5('feeds-expert-' || case when n < ${SESSIONS} then 0
                                         else 1 + n % ${OTHER_EXPERTS} end)::uuid as expert_id,
             ${first}::timestamptz
               + case when n < ${SESSIONS}
                      then make_interval(hours => ${SPACING_HOURS} * n)
                      -- Half a spacing later: the company's visits never meet.
                      else make_interval(hours => ${SPACING_HOURS} * (n - ${SESSIONS}),
                                         mins => ${SPACING_HOURS * 30}) end as start_at,
             case when n % 3 = 0 then 'online' else 'onsite' end as format
      from generate_series(0, ${SESSIONS + OTHER_SESSIONS - 1}) as n`;
    await sql`
      insert into requests (id, company_id, company_name, industry_code, prefecture_code,
                            employees, capital_yen, is_sme, contact_name, contact_email, topics,
                            format, duration_minutes, preferred_windows, status, fiscal_year,
                            created_at, updated_at)
      select v.request_id, v.company_id, c.name, 'E24', c.prefecture_code, 50, 10000000, true,
             'ベンチ 太郎', 'contact@bench.example', '{identify,classify,access}', v.format, 120,
             jsonb_build_array(jsonb_build_object(
               'start', to_char(v.start_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'end', to_char(v.start_at at time zone 'UTC' + interval '4 hours',
                              'YYYY-MM-DD"T"HH24:MI:SS"Z"'))),
             case when v.n % 10 = 0 then 'accepted'
                  when v.start_at < now() then 'completed' else 'scheduled' end,
             2026, v.start_at - interval '30 days', v.start_at - interval '30 days'
      from bench_visits v join companies c on c.id = v.company_id`;
    await sql`
      insert into sessions (request_id, expert_id, company_id, start_at, end_at, format,
                            travel_buffer_minutes, blocked_from, blocked_to, status, sequence,
                            cancel_reason, created_at, updated_at)
      select v.request_id, v.expert_id, v.company_id, v.start_at, v.start_at + interval '2 hours',
             v.format, b.minutes,
             v.start_at - make_interval(mins => b.minutes),
             v.start_at + interval '2 hours' + make_interval(mins => b.minutes),
             case when v.n % 10 = 0 then 'cancelled'
                  when v.start_at < now() then 'completed' else 'confirmed' end,
             case when v.n % 10 = 0 then 1 when v.n % 7 = 0 then 2 else 0 end,
             case when v.n % 10 = 0 then '先方の都合' end,
             v.start_at - interval '30 days',
             least(v.start_at - interval '7 days', now() - interval '1 hour')
      from bench_visits v
      cross join lateral (select case when v.format = 'onsite' then 60 else 0 end as minutes) b`;
    await sql`
      insert into tokens (hash, role, expert_id, label)
      values (${sha256(expertToken)}, 'expert', md5('feeds-expert-0')::uuid, 'bench')`;
    await sql`analyze`;
    const [row] = await sql<{ id: string; n: number }[]>`
      select md5('feeds-expert-0')::uuid as id, count(*)::int as n from sessions
      where expert_id = md5('feeds-expert-0')::uuid`;
    if (!row || row.n !== SESSIONS) throw new Error(`seeded ${row?.n} sessions`);
    return { expertId: row.id, expertToken, events: row.n };
  } finally {
    await sql.end();
  }
}

async function outgoing(database: BenchPostgres, seeded: Seeded): Promise<Row[]> {
  const app = createApp({ db: database.db, config, clock: () => new Date() });
  const auth = { authorization: `Bearer ${seeded.expertToken}` };
  const feed = await app.request('/v1/me/feed', { headers: auth });
  if (feed.status !== 200) throw new Error(`GET /v1/me/feed: ${feed.status} ${await feed.text()}`);
  const path = new URL(((await feed.json()) as { url: string }).url).pathname;

  const first = await app.request(path);
  const body = await first.text();
  const etag = first.headers.get('etag');
  const events = body.split('BEGIN:VEVENT').length - 1;
  if (first.status !== 200 || !etag || events !== seeded.events) {
    throw new Error(`${path}: ${first.status}, ${events} events, ETag ${etag}`);
  }
  // The validators of the feed as it stands (the "after a change" runs move them on).
  const conditional = async () => ({
    'if-none-match': (await app.request(path)).headers.get('etag') ?? '',
  });
  const expect = (status: number) => (res: { status: number }) => {
    if (res.status !== status) throw new Error(`${path}: ${res.status}, expected ${status}`);
  };

  // Each sample of "after a change" first touches one visit, untimed, so its GET renders anew.
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  let touches = 0;
  const touch = async () => {
    touches++;
    await sql`
      update sessions set updated_at = now(), sequence = sequence + 1
      where id = (select id from sessions where expert_id = ${seeded.expertId}
                  order by start_at offset ${touches % SESSIONS} limit 1)`;
  };
  const afterChange = (get: () => Response | Promise<Response>) =>
    timeAfter(FULL_SAMPLES, touch, async () => {
      const res = await get();
      expect(200)(res);
      await res.text();
    });

  note('feeds: outgoing in-process');
  const inFull = await timedWithCpu(
    FULL_SAMPLES,
    async () => {
      const res = await app.request(path);
      expect(200)(res);
      await res.text();
    },
    FULL_WARMUP,
  );
  const inHeaders = await conditional();
  const inNotModified = await timedWithCpu(NOT_MODIFIED_SAMPLES, async () => {
    const res = await app.request(path, { headers: inHeaders });
    expect(304)(res);
    await res.arrayBuffer();
  });
  const inChanged = await afterChange(() => app.request(path));

  note('feeds: outgoing over HTTP (server process on Postgres)');
  const server = await startApiServer({
    databaseUrl: database.url,
    env: { FEED_SYNC_MINUTES: '10000' },
  });
  let httpFull: Latency;
  let httpChanged: Latency;
  let httpNotModified: Latency;
  try {
    const url = `${server.url}${path}`;
    httpFull = await timeSequential(
      FULL_SAMPLES,
      async () => {
        const res = await fetch(url);
        expect(200)(res);
        await res.text();
      },
      FULL_WARMUP,
    );
    const httpHeaders = await conditional();
    httpNotModified = await timeSequential(NOT_MODIFIED_SAMPLES, async () => {
      const res = await fetch(url, { headers: httpHeaders });
      expect(304)(res);
      await res.arrayBuffer();
    });
    httpChanged = await afterChange(() => fetch(url));
  } finally {
    await server.stop();
    await sql.end();
  }

  const size = `${(Buffer.byteLength(body) / MB).toFixed(2)} MB, ${events} VEVENTs`;
  return [
    { figure: `feeds outgoing: the feed of ${SESSIONS} sessions`, value: size },
    {
      figure: 'feeds outgoing full GET after a change p50, in-process',
      value: summary(inChanged),
      target: `≤ ${TARGET_FULL_MS} ms`,
      met: inChanged.p50 <= TARGET_FULL_MS,
    },
    {
      figure: 'feeds outgoing full GET p50, in-process',
      value: `${summary(inFull)}, CPU ${ms(inFull.cpuMs)}/req`,
      target: `≤ ${TARGET_FULL_MS} ms`,
      met: inFull.p50 <= TARGET_FULL_MS,
    },
    {
      figure: 'feeds outgoing 304 p50, in-process',
      value: `${summary(inNotModified)}, CPU ${ms(inNotModified.cpuMs)}/req`,
      target: `≤ ${TARGET_NOT_MODIFIED_MS} ms`,
      met: inNotModified.p50 <= TARGET_NOT_MODIFIED_MS,
    },
    {
      figure: 'feeds outgoing full GET after a change p50, HTTP',
      value: summary(httpChanged),
      target: `≤ ${TARGET_FULL_MS} ms`,
      met: httpChanged.p50 <= TARGET_FULL_MS,
    },
    {
      figure: 'feeds outgoing full GET p50, HTTP',
      value: summary(httpFull),
      target: `≤ ${TARGET_FULL_MS} ms`,
      met: httpFull.p50 <= TARGET_FULL_MS,
    },
    {
      figure: 'feeds outgoing 304 p50, HTTP',
      value: summary(httpNotModified),
      target: `≤ ${TARGET_NOT_MODIFIED_MS} ms`,
      met: httpNotModified.p50 <= TARGET_NOT_MODIFIED_MS,
    },
  ];
}

/** `n` timed calls of `work`, each after an untimed `prepare`. */
async function timeAfter(n: number, prepare: () => Promise<unknown>, work: () => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    await prepare();
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  return latency(samples);
}

type MemorySample = { rss: number; heapUsed: number };

/** The largest rss and heapUsed seen while `work` runs (sampled every few ms between turns). */
async function peakMemory<T>(work: () => Promise<T>) {
  const before = process.memoryUsage();
  const peak: MemorySample = { rss: before.rss, heapUsed: before.heapUsed };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  };
  const timer = setInterval(sample, 2);
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    const result = await work();
    sample();
    const used = process.cpuUsage(cpu);
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      rss: peak.rss - before.rss,
      heapUsed: peak.heapUsed - before.heapUsed,
    };
  } finally {
    clearInterval(timer);
  }
}

async function incoming(database: BenchPostgres): Promise<Row[]> {
  const ics = generateFeed({ from: new Date() });
  const feedServer = await serveFeed(ics);
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const experts = [1, 2].map((n) => ({
      token: `hke_bench_import_${n}_${sha256(ics).slice(0, 24)}`,
      n,
    }));
    await sql`
      insert into tokens (hash, role, expert_id, label)
      select hash, 'expert', md5('feeds-expert-' || n)::uuid, 'bench'
      from unnest(${experts.map((e) => sha256(e.token))}::text[], ${experts.map((e) => e.n)}::int[])
        as t(hash, n)`;
    const [inProcessToken, serverToken] = experts.map((e) => e.token) as [string, string];

    note('feeds: import, parse only (the floor)');
    const now = Date.now();
    const range = { start: now - DAY_MS, end: now + (config.horizonDays + 1) * DAY_MS };
    const parse = await peakMemory(async () => busyBlocks(ics, range));
    const parseRuns = [parse.seconds];
    for (let i = 1; i < IMPORT_RUNS; i++) {
      const t = performance.now();
      busyBlocks(ics, range);
      parseRuns.push((performance.now() - t) / 1000);
    }

    note('feeds: import in-process');
    const app = createApp({
      db: database.db,
      config,
      clock: () => new Date(),
      fetchFeed: fetchFeedNode,
    });
    const call = (token: string, method: string, path: string, body?: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const created = await call(inProcessToken, 'POST', '/v1/me/calendar-feeds', {
      url: feedServer.url,
    });
    const feed = (await created.json()) as { id: string; eventCount: number; lastError: string };
    if (created.status !== 201 || feed.lastError) {
      throw new Error(`import: ${created.status} ${JSON.stringify(feed)}`);
    }
    const runs: { seconds: number; cpuSeconds: number; rss: number; heapUsed: number }[] = [];
    for (let i = 0; i < IMPORT_RUNS; i++) {
      const run = await peakMemory(async () => {
        const res = await call(inProcessToken, 'POST', `/v1/me/calendar-feeds/${feed.id}/sync`);
        const synced = (await res.json()) as { lastError: string | null; eventCount: number };
        if (res.status !== 200 || synced.lastError) {
          throw new Error(`sync: ${res.status} ${JSON.stringify(synced)}`);
        }
      });
      runs.push(run);
    }
    const [blocks] = await sql<{ n: number }[]>`
      select count(*)::int as n from busy_blocks where feed_id = ${feed.id}`;
    // The server process below starts with no feed to sync on its own.
    await call(inProcessToken, 'DELETE', `/v1/me/calendar-feeds/${feed.id}`);

    note('feeds: import in a server process');
    const server = await startApiServer({
      databaseUrl: database.url,
      env: { FEED_ALLOW_PRIVATE: 'true', FEED_SYNC_MINUTES: '10000' },
    });
    let serverRuns: number[] = [];
    let serverMemory = { idle: 0, peak: 0 };
    try {
      const post = async (path: string, body?: unknown) => {
        const res = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${serverToken}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const json = (await res.json()) as { id: string; lastError: string | null };
        if (res.status >= 300 || json.lastError)
          throw new Error(`${path}: ${JSON.stringify(json)}`);
        return json;
      };
      const idle = await procStatus(server.pid);
      const remote = await post('/v1/me/calendar-feeds', { url: feedServer.url });
      serverRuns = [];
      for (let i = 0; i < IMPORT_RUNS; i++) {
        const t = performance.now();
        await post(`/v1/me/calendar-feeds/${remote.id}/sync`);
        serverRuns.push((performance.now() - t) / 1000);
      }
      const after = await procStatus(server.pid);
      serverMemory = { idle: idle.rss, peak: after.peakRss };
    } finally {
      await server.stop();
    }

    const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1] ?? 0;
    const seconds = runs.map((r) => r.seconds);
    const importP50 = p50(seconds);
    const serverP50 = p50(serverRuns);
    const worst = (key: 'rss' | 'heapUsed') => Math.max(...runs.map((r) => r[key]));
    const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
    return [
      {
        figure: 'feeds import: the synthetic feed',
        value: `${(Buffer.byteLength(ics) / MB).toFixed(2)} MB, 10,000 VEVENTs, ${feed.eventCount} busy blocks stored (${blocks?.n})`,
      },
      {
        figure: 'feeds import floor: busyBlocks() parse only, p50',
        value: `${p50(parseRuns).toFixed(2)} s (first ${parseRuns[0]?.toFixed(2)} s, CPU ${parse.cpuSeconds.toFixed(2)} s)`,
      },
      {
        figure: `feeds import: POST …/sync p50 of ${IMPORT_RUNS}, in-process`,
        value: `${importP50.toFixed(2)} s (max ${Math.max(...seconds).toFixed(2)} s), CPU ${p50(runs.map((r) => r.cpuSeconds)).toFixed(2)} s`,
        target: `≤ ${TARGET_IMPORT_S} s`,
        met: importP50 <= TARGET_IMPORT_S,
        ratio: times(importP50 / p50(parseRuns)),
      },
      {
        // Sampled between event-loop turns: the synchronous parse itself is not seen inside.
        figure: 'feeds import: peak memory over the sync, in-process (sampled)',
        value: `rss +${mb(worst('rss'))}, heapUsed +${mb(worst('heapUsed'))}`,
      },
      {
        figure: `feeds import: POST …/sync p50 of ${IMPORT_RUNS}, server process (HTTP)`,
        value: `${serverP50.toFixed(2)} s (max ${Math.max(...serverRuns).toFixed(2)} s)`,
        target: `≤ ${TARGET_IMPORT_S} s`,
        met: serverP50 <= TARGET_IMPORT_S,
      },
      {
        figure: 'feeds import: server process peak RSS (VmHWM)',
        value: `${mb(serverMemory.peak)} (idle ${mb(serverMemory.idle)}, +${mb(serverMemory.peak - serverMemory.idle)})`,
      },
    ];
  } finally {
    await sql.end();
    await feedServer.close();
  }
}

/** The calendar at http://127.0.0.1:<port>/feed.ics, always answered in full (no validators). */
async function serveFeed(ics: string) {
  const body = Buffer.from(ics);
  const server = createServer((_, res) => {
    res.writeHead(200, {
      'content-type': 'text/calendar; charset=utf-8',
      'content-length': String(body.length),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/feed.ics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Resident set size now and at its peak (VmRSS, VmHWM) of a process, in bytes. */
async function procStatus(pid: number): Promise<{ rss: number; peakRss: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

function summary(l: Latency): string {
  return `${ms(l.p50)} (p95 ${ms(l.p95)}, n ${l.n})`;
}

runIfMain(import.meta.url, runFeedsBench);
