// Matches and the company's slots as experts grow: 200, 2,000 and 10,000 experts (300 busy
// blocks and 40 sessions each), in a national distribution and in the worst case
// (support/population.ts), over HTTP against a server process on Postgres. Each size also
// checks random requests against the oracle (test/support/oracle: the loader and ranking as
// they were before issue 19): same experts, order, scores and slots.
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { eq, sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { requests } from '../src/db/schema.ts';
import type { Db } from '../src/db/types.ts';
import { bestExpertPerSlot, type RankedMatch } from '../src/domain/matching.ts';
import { addDays, tokyoDate, tokyoInstant } from '../src/domain/time.ts';
import { rankRequest } from '../src/routes/requests/ranking.ts';
import { loadCandidates as oracleLoad } from '../test/support/oracle/candidates.ts';
import {
  bestExpertPerSlot as oracleBestExpertPerSlot,
  rankMatches as oracleRank,
} from '../test/support/oracle/matching.ts';
import { freshPostgres } from './support/database.ts';
import { note } from './support/main.ts';
import {
  type Distribution,
  requestsOf,
  seedExperts,
  setDistribution,
} from './support/population.ts';
import { STAFF_TOKEN, startApiServer } from './support/server.ts';
import { type Latency, timeSequential } from './support/stats.ts';
import { ms, type Row } from './support/table.ts';

export const SIZES = [200, 2_000, 10_000];
const REQUESTS = 20;
const SAMPLES = 60;
const LIMIT_MS = 20_000;
const ORACLE_CHECKS = 3;
const TARGETS: Record<Distribution, number> = { national: 100, worst: 250 };
const MATCHES_LIMIT = 20;

const config = loadConfig({ STAFF_TOKEN });
const auth = { authorization: `Bearer ${STAFF_TOKEN}` };

export type SizeFigures = {
  experts: number;
  distribution: Distribution;
  candidates: number;
  matches: Latency;
  slots: Latency;
  exact: string;
  load: number;
};

export async function runScaleMatches(
  sizes = SIZES,
): Promise<{ figures: SizeFigures[]; rss: Map<number, number>; warmUp: Map<number, number> }> {
  const database = await freshPostgres('scale_matches');
  const figures: SizeFigures[] = [];
  const rss = new Map<number, number>();
  const warmUp = new Map<number, number>();
  try {
    let seeded = 0;
    for (const size of sizes) {
      note(`scale: seeding experts ${seeded}…${size - 1}`);
      const t = performance.now();
      await seedExperts(database.db, seeded, size);
      seeded = size;
      await database.db.execute(sql`analyze`);
      note(`scale: seeded ${size} experts in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      const server = await startApiServer({ databaseUrl: database.url });
      try {
        // Steady state: a server reads every expert's calendar as it starts (its figure is
        // printed); requests are timed once it has.
        const t = performance.now();
        await server.logged('calendars read');
        warmUp.set(size, (performance.now() - t) / 1000);
        for (const distribution of ['national', 'worst'] as const) {
          await setDistribution(database.db, distribution);
          await database.db.execute(sql`analyze experts`);
          const ids = await applications(database.db, distribution, size);
          let call = 0;
          const next = () => ids[call++ % ids.length] as string;
          const get = async (path: string) => {
            const res = await fetch(`${server.url}${path}`, { headers: auth });
            const body = await res.text();
            if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
          };
          note(`scale: ${size} experts, ${distribution}: matches over HTTP`);
          const load = loadavg()[0] ?? 0;
          const matches = await timeSequential(
            SAMPLES,
            () => get(`/v1/requests/${next()}/matches`),
            5,
            LIMIT_MS,
          );
          note(`scale: ${size} experts, ${distribution}: slots over HTTP`);
          const slots = await timeSequential(
            SAMPLES,
            () => get(`/v1/requests/${next()}/slots`),
            5,
            LIMIT_MS,
          );
          note(`scale: ${size} experts, ${distribution}: against the oracle`);
          const check = await againstOracle(database.db, ids.slice(0, ORACLE_CHECKS));
          figures.push({
            experts: size,
            distribution,
            candidates: check.candidates,
            matches,
            slots,
            exact: check.exact,
            load: (load + (loadavg()[0] ?? 0)) / 2,
          });
        }
      } finally {
        rss.set(size, await peakRss(server.pid));
        await server.stop();
      }
    }
  } finally {
    await database.close();
  }
  return { figures, rss, warmUp };
}

export function matchRows(figures: SizeFigures[]): Row[] {
  return figures.flatMap((f) => {
    const label = `${f.experts.toLocaleString('en')} experts, ${f.distribution}`;
    const target = f.experts >= 10_000 ? TARGETS[f.distribution] : undefined;
    const met = (l: Latency) =>
      target === undefined ? {} : { target: `≤ ${target} ms`, met: l.p95 <= target };
    return [
      {
        figure: `matches p95, ${label} (${f.candidates} eligible)`,
        value: `${ms(f.matches.p95)} (p50 ${ms(f.matches.p50)}, n ${f.matches.n}, load ${f.load.toFixed(1)})`,
        ...met(f.matches),
      },
      {
        figure: `slots p95, ${label}`,
        value: `${ms(f.slots.p95)} (p50 ${ms(f.slots.p50)}, n ${f.slots.n})`,
        ...met(f.slots),
      },
      { figure: `  same answers as the oracle, ${label}`, value: f.exact },
    ];
  });
}

/**
 * REQUESTS applications of the distribution, each of its own company, with three two-day
 * windows (09:00 to 17:00 the next day, JST) a few days apart, somewhere in the horizon.
 */
async function applications(db: Db, distribution: Distribution, size: number): Promise<string[]> {
  const today = tokyoDate(Date.now());
  const ids: string[] = [];
  for (const [k, r] of requestsOf(distribution, REQUESTS, size).entries()) {
    const offset = 4 + ((k * 37) % 60);
    const window = (day: number) => ({
      start: tokyoInstant(addDays(today, offset + day), '09:00').toISOString(),
      end: tokyoInstant(addDays(today, offset + day + 1), '17:00').toISOString(),
    });
    const [company] = (await db.execute(sql`
      insert into companies (name, industry_code, prefecture_code, employees, capital_yen, is_sme)
      values ('申請株式会社', ${r.industryCode}, ${r.prefectureCode}, 80, 30000000, true)
      returning id`)) as unknown as { id: string }[];
    if (!company) throw new Error('no company');
    const [row] = await db
      .insert(requests)
      .values({
        companyId: company.id,
        companyName: '申請株式会社',
        industryCode: r.industryCode,
        prefectureCode: r.prefectureCode,
        employees: 80,
        capitalYen: 30_000_000,
        isSme: true,
        contactName: '申請 花子',
        contactEmail: 'apply@bench.example',
        topics: r.topics,
        format: r.format,
        durationMinutes: 120,
        preferredWindows: [window(0), window(4), window(8)],
        fiscalYear: 2026,
        status: 'accepted',
      })
      .returning({ id: requests.id });
    if (!row) throw new Error('no request');
    ids.push(row.id);
  }
  return ids;
}

/** Matches (top 20) and the company's slots of each request, beside the oracle's. */
async function againstOracle(db: Db, ids: string[]) {
  let same = 0;
  let candidates = 0;
  for (const id of ids) {
    const [request] = await db.select().from(requests).where(eq(requests.id, id));
    if (!request) throw new Error('no request');
    const now = new Date();
    const oracle = await oracleLoad(db, request, null, now, config);
    const expected = oracleRank(oracle.matchRequest, oracle.candidates);
    candidates += expected.length;
    const top = await rankRequest(db, request, null, now, config, { top: MATCHES_LIMIT });
    const every = await rankRequest(db, request, null, now, config, { everySlot: true });
    const equal =
      JSON.stringify(asOracle(top.ranked)) === JSON.stringify(expected.slice(0, MATCHES_LIMIT)) &&
      JSON.stringify(bestExpertPerSlot(every.ranked)) ===
        JSON.stringify(oracleBestExpertPerSlot(expected));
    if (equal) same++;
  }
  return {
    exact: `${same}/${ids.length} requests${same === ids.length ? '' : '  DIFFERENT'}`,
    candidates: Math.round(candidates / ids.length),
  };
}

/** The oracle predates the factors as data: the rest is compared (its reasons say the same). */
const asOracle = (ranked: RankedMatch[]) => ranked.map(({ factors: _, ...rest }) => rest);

/** The peak resident set of a process (VmHWM), in MiB. */
export async function peakRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}
