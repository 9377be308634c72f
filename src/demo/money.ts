// The demo programme's money, through the API on the seeding's clock: each fiscal year's rates
// and budget at its start, the experts' bank accounts, and after each month the office's round:
// companies confirm their visits (or the office does, on a signed confirmation form), experts
// claim travel for on-site visits, the office approves or adjusts the claims, and exports the
// month's payments as a 全銀 file. Nothing here changes a visit, so FY2021 keeps its 82.

import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { experts, requests, sessions } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import { DEFAULT_FEE_RATES } from '../domain/fees.ts';
import { prefecture } from '../domain/prefectures.ts';
import { fiscalYearMonths } from '../domain/report.ts';
import {
  fiscalYearOf,
  fiscalYearRange,
  HOUR_MS,
  tokyoInstant,
  tokyoMonthRange,
} from '../domain/time.ts';
import { Random } from './random.ts';

type Call = <T = unknown>(
  method: string,
  path: string,
  options?: { token?: string | null | undefined; body?: unknown },
) => Promise<T>;

type Queue = { add: (at: number, run: () => Promise<void>) => void };

const SEED = 20220410;

/** The office as its bank knows it in the demo (みずほ 東京営業部 当座), unless configured. */
const DEMO_OFFICE: NonNullable<Config['zengin']> = {
  requesterCode: '0000012345',
  requesterName: 'ｷﾞｼﾞﾕﾂｼﾞﾖｳﾎｳｶﾝﾘ ｾﾝﾓﾝｶﾊｹﾝ ｼﾞﾑｷﾖｸ',
  bankCode: '0001',
  branchCode: '001',
  accountType: 'current',
  accountNumber: '0123456',
};

/** The configuration with the demo office's bank details, where none are configured. */
export function withDemoOffice<C extends Pick<Config, 'zengin'>>(config: C): C {
  return { ...config, zengin: config.zengin ?? DEMO_OFFICE };
}

// Real bank and branch codes of the zengin-code data set, for the experts' accounts.
const BRANCHES = [
  ['0001', '004'],
  ['0005', '002'],
  ['0009', '001'],
  ['0149', '112'],
  ['0017', '104'],
  ['9900', '018'],
] as const;

const RATES = {
  ...DEFAULT_FEE_RATES,
  // 国家公務員の宿泊料（甲地方）に倣う上限、予算上の旅費見込みは一回あたり.
  lodgingCapYen: 10_900,
  travelEstimateYen: 12_000,
};

const ADJUSTMENTS = [
  ['タクシー利用分は、公共交通機関の運賃で精算しました', 0.8],
  ['最も経済的な経路の運賃で精算しました', 0.9],
  ['領収書のない区間を除いて精算しました', 0.85],
] as const;

type Options = {
  queue: Queue;
  call: Call;
  db: Db;
  /** The present: months are settled up to it. */
  now: Date;
  /** The first fiscal year to run (the demo's history year). */
  from: number;
  /** Expert tokens by expert id, as the seeding issued them. */
  expertTokens: ReadonlyMap<string, string>;
  /** Each company's latest application and its access token, as the seeding keeps them. */
  applications: ReadonlyMap<string, { requestId: string; token: string }>;
};

/** Adds the money's steps to the seeding's queue, from fiscal year `from` up to `now`. */
export function scheduleDemoMoney(options: Options): void {
  const rng = new Random(SEED);
  const { queue, now } = options;
  for (let fy = options.from; fy <= fiscalYearOf(now); fy++) {
    const year = fy;
    queue.add(fiscalYearRange(year).start.getTime() + 9 * HOUR_MS, () => openYear(options, year));
    for (const month of fiscalYearMonths(year)) {
      const next = tokyoMonthRange(tokyoMonthRange(tokyoInstant(`${month}-01`)).end).month;
      const day = (d: number, time: string) => tokyoInstant(`${next}-0${d}`, time).getTime();
      queue.add(day(3, '10:00'), () => confirmAndClaim(options, rng, month));
      queue.add(day(6, '14:00'), () => decideClaims(options, rng, month));
      queue.add(day(9, '10:00'), () => exportMonth(options, year, month));
    }
  }
}

/** A fiscal year's rates and budget, and a bank account for every expert still without one. */
async function openYear({ call, db }: Options, fiscalYear: number) {
  await call('PUT', `/v1/fees/${fiscalYear}`, { body: RATES });
  await call('PUT', `/v1/budget/${fiscalYear}`, { body: { amountYen: 3_600_000 } });
  const all = await db
    .select({ id: experts.id, email: experts.email })
    .from(experts)
    .orderBy(asc(experts.email));
  for (const [i, expert] of all.entries()) {
    const known = await call<{ bankCode: string }>(
      'GET',
      `/v1/experts/${expert.id}/bank-account`,
    ).catch(() => null);
    if (known) continue;
    const [bankCode, branchCode] = BRANCHES[i % BRANCHES.length] as (typeof BRANCHES)[number];
    await call('PUT', `/v1/experts/${expert.id}/bank-account`, {
      body: {
        bankCode,
        branchCode,
        accountType: 'ordinary',
        accountNumber: String(1_000_000 + i * 7_919).slice(-7),
        // The romanised name as the bank prints it: SATO KENICHI.
        holderName: (expert.email.split('@')[0] ?? '').replace('.', ' ').toUpperCase(),
      },
    });
  }
}

/** The completed visits of a Tokyo month, in start order, with what the money steps need. */
async function completedVisits(db: Db, month: string) {
  const { start, end } = tokyoMonthRange(tokyoInstant(`${month}-01`));
  return db
    .select({
      id: sessions.id,
      requestId: sessions.requestId,
      expertId: sessions.expertId,
      format: sessions.format,
      attendance: sessions.attendance,
      companyPrefecture: requests.prefectureCode,
      expertPrefectures: experts.prefectures,
      email: experts.email,
    })
    .from(sessions)
    .innerJoin(requests, eq(requests.id, sessions.requestId))
    .innerJoin(experts, eq(experts.id, sessions.expertId))
    .where(
      and(eq(sessions.status, 'completed'), gte(sessions.start, start), lt(sessions.start, end)),
    )
    .orderBy(asc(sessions.start), asc(experts.email));
}

async function confirmAndClaim(options: Options, rng: Random, month: string) {
  const { call, db, expertTokens, applications } = options;
  const tokenOf = new Map([...applications.values()].map((a) => [a.requestId, a.token]));
  for (const visit of await completedVisits(db, month)) {
    if (visit.attendance === null) {
      const token = tokenOf.get(visit.requestId);
      // Most companies answer on their status page; the rest send the signed form by post.
      const byCompany = token !== undefined && rng.chance(0.85);
      await call('POST', `/v1/sessions/${visit.id}/attendance`, {
        token: byCompany ? token : undefined,
        body: byCompany
          ? { agree: true }
          : { agree: true, comment: '従事確認書（企業押印）の提出により確認' },
      });
    }
    if (visit.format !== 'onsite') continue;
    await call('POST', '/v1/me/travel-claims', {
      token: expertTokens.get(visit.expertId),
      body: { sessionId: visit.id, ...travel(rng, visit) },
    });
  }
}

/** The journey from the expert's home prefecture to the company and back, at plausible fares. */
function travel(rng: Random, visit: { companyPrefecture: string; expertPrefectures: string[] }) {
  const home = visit.expertPrefectures[0] ?? visit.companyPrefecture;
  const near = home === visit.companyPrefecture;
  const from = `${prefecture(home)?.name.ja ?? ''}（自宅最寄駅）`;
  const to = `${prefecture(visit.companyPrefecture)?.name.ja ?? ''}（訪問先最寄駅）`;
  const fare = near ? rng.int(4, 30) * 100 : rng.int(60, 280) * 100;
  const legs = [
    { from, to, mode: near ? 'train' : rng.pick(['train', 'train', 'bus']), amountYen: fare },
    { from: to, to: from, mode: 'train', amountYen: fare },
  ];
  if (rng.chance(0.3)) {
    legs.push({ from: to, to: '訪問先', mode: 'taxi', amountYen: rng.int(8, 30) * 100 });
  }
  return { legs, lodgingYen: !near && fare > 15_000 && rng.chance(0.4) ? 9_800 : 0 };
}

async function decideClaims(options: Options, rng: Random, month: string) {
  const { call, db } = options;
  // In the visits' order, not the claims' ids, so the same claims are adjusted on every run.
  const order = new Map((await completedVisits(db, month)).map((v, i) => [v.id, i]));
  const { items } = await call<{
    items: { id: string; sessionId: string; claimedYen: number }[];
  }>('GET', '/v1/travel-claims?status=submitted&limit=100');
  const claims = items
    .filter((c) => order.has(c.sessionId))
    .sort((a, b) => (order.get(a.sessionId) ?? 0) - (order.get(b.sessionId) ?? 0));
  for (const claim of claims) {
    if (rng.chance(0.15)) {
      const [reason, share] = rng.pick(ADJUSTMENTS);
      await call('POST', `/v1/travel-claims/${claim.id}/adjust`, {
        body: { approvedYen: Math.floor((claim.claimedYen * share) / 10) * 10, reason },
      });
    } else {
      await call('POST', `/v1/travel-claims/${claim.id}/approve`);
    }
  }
}

async function exportMonth({ call, db }: Options, fiscalYear: number, month: string) {
  if ((await completedVisits(db, month)).length === 0) return;
  await call('POST', '/v1/payments/exports', {
    body: { fiscalYear, month: Number(month.slice(5)) },
  });
}
