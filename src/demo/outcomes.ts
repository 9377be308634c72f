// The outcomes of the demo programme, given through the API once its visits have been made
// (seed.ts): companies answer the survey of most visits and their readiness before and after,
// and a handful of the FY2021 companies are certified in FY2022. Each answer is sent with the
// clock at the moment it would have been given, so the 14-day windows and the phase rules
// apply as they did for the visits. Drawn from a seeded PRNG, like the rest of the demo.

import { and, asc, eq } from 'drizzle-orm';
import { createApp } from '../app.ts';
import { COMPANY_TOKEN_PREFIX } from '../auth/company-link.ts';
import { replayableSecrets } from '../auth/replayable-secret.ts';
import type { Config } from '../config.ts';
import { companies, experts, requests, sessions, tokens } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import type { CertificationBodyId } from '../domain/certification.ts';
import {
  MAX_READINESS_LEVEL,
  type ReadinessLevel,
  type ReadinessLevels,
} from '../domain/readiness.ts';
import type { Resolved, Score } from '../domain/survey.ts';
import {
  addDays,
  DAY_MS,
  fiscalYearRange,
  HOUR_MS,
  type LocalDate,
  tokyoDate,
  tokyoInstant,
} from '../domain/time.ts';
import { type StepCode, stepCodes } from '../domain/topics.ts';
import { Random } from './random.ts';

const CERTIFIED_FY = 2022;
const HISTORY_FY = 2021;
const CERTIFIED_COMPANIES = 6;
const JQA_AUDITOR = 'saito.kumi@example.jp';

const comments = [
  '管理規程の雛形をいただき、社内の検討が一気に進みました。',
  '守るべき情報の洗い出し方が具体的で分かりやすかったです。',
  '現場の実情に合わせた助言をいただけて助かりました。',
  '認証取得までの道筋が見えました。引き続きお願いしたいです。',
  '時間が足りず、アクセス権の話まで進めなかったのが残念でした。',
  '専門用語が多く、社内に説明するのに苦労しました。',
  '取引先への説明資料づくりにも役立ちました。',
  '',
  '',
  '',
];

type Visit = {
  sessionId: string;
  requestId: string;
  companyId: string;
  companyKey: string;
  corporateNumber: string | null;
  industryCode: string;
  appliedAt: number;
  start: number;
  end: number;
  topics: string[];
  followUpNeeded: boolean;
  nonce: string;
};

type Step = { at: number; order: number; run: () => Promise<void> };

/** Seeds the outcomes of every completed visit in the database, up to `now`. */
export async function seedOutcomes(
  deps: { db: Db; config: Config },
  options: { now: Date; seed: number },
): Promise<void> {
  const rng = new Random(options.seed ^ 0x0c0ffee);
  let clock = options.now.getTime();
  const staffToken = `demo-outcomes-${crypto.randomUUID()}`;
  const app = createApp({
    db: deps.db,
    config: { ...deps.config, staffToken },
    clock: () => new Date(clock),
  });
  const call = async (method: string, path: string, body: unknown, token = staffToken) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok)
      throw new Error(`demo: ${method} ${path} answered ${res.status}: ${await res.text()}`);
  };

  const visits = await completedVisits(deps.db);
  const secrets = await replayableSecrets(deps.db, deps.config.feedSecret);
  const steps: Step[] = [];
  const at = (instant: number, run: () => Promise<void>) =>
    steps.push({ at: Math.round(instant), order: steps.length, run });

  // Where each company stands, moved forward by each of its visits in turn.
  const standing = new Map<string, ReadinessLevels>();
  const firstVisit = new Map<string, Visit>();
  const rose = new Set<string>();
  for (const visit of visits) {
    const token = await secrets.again(COMPANY_TOKEN_PREFIX, visit.nonce);
    const readiness = `/v1/requests/${visit.requestId}/readiness`;
    const first = !standing.has(visit.companyKey);
    const before = standing.get(visit.companyKey) ?? baseline(rng);
    if (first) firstVisit.set(visit.companyKey, visit);
    if (rng.chance(first ? 0.85 : 0.5)) {
      const given = visit.appliedAt + rng.int(1, 36) * HOUR_MS;
      at(Math.min(given, visit.start - HOUR_MS), () =>
        call('PUT', readiness, { phase: 'before', levels: before }, token),
      );
    }
    const after = improved(rng, before, visit.topics);
    standing.set(visit.companyKey, after);
    if (rng.chance(0.82)) {
      const answers = surveyAnswers(rng, visit.followUpNeeded);
      at(visit.end + rng.int(1, 9) * DAY_MS + rng.int(0, 8) * HOUR_MS, () =>
        call('POST', `/v1/sessions/${visit.sessionId}/survey`, answers, token),
      );
    }
    if (rng.chance(0.72)) {
      if (sum(after) > sum(before)) rose.add(visit.companyKey);
      at(visit.end + rng.int(2, 12) * DAY_MS + rng.int(0, 8) * HOUR_MS, () =>
        call('PUT', readiness, { phase: 'after', levels: after }, token),
      );
    }
  }

  // Certificates in FY2022 for companies first visited in FY2021, most of them ones whose
  // readiness rose; an audit under way for one company of the current year.
  const history = fiscalYearRange(HISTORY_FY);
  const candidates = [...firstVisit.values()].filter(
    (v) =>
      v.corporateNumber && v.start >= history.start.getTime() && v.start < history.end.getTime(),
  );
  const ranked = [
    ...candidates.filter((v) => rose.has(v.companyKey)),
    ...candidates.filter((v) => !rose.has(v.companyKey)),
  ];
  // A stream of their own: which FY2021 companies are certified does not depend on how much of
  // the current year has been played before.
  const bodies = new Random(options.seed ^ 0x5eed);
  const certified = bodies.sample(ranked.slice(0, CERTIFIED_COMPANIES * 2), CERTIFIED_COMPANIES);
  const year = fiscalYearRange(CERTIFIED_FY);
  for (const [i, visit] of certified.entries()) {
    const earliest = Math.max(visit.start + bodies.int(120, 300) * DAY_MS, year.start.getTime());
    const date = tokyoDate(Math.min(earliest, year.end.getTime() - DAY_MS));
    const bodyId = bodyFor(bodies, visit.industryCode);
    const number = `TIM-${date.slice(2, 4)}${String(i + 1).padStart(3, '0')}`;
    at(tokyoInstant(addDays(date, bodies.int(1, 10)), '10:00').getTime(), () =>
      call('POST', `/v1/companies/${visit.companyId}/certifications`, { date, bodyId, number }),
    );
  }
  const current = [...firstVisit.values()].filter(
    (v) => v.corporateNumber && v.start >= fiscalYearRange(CERTIFIED_FY + 1).start.getTime(),
  );
  const audited = current.at(-1);
  if (audited) {
    const now = options.now.getTime();
    const date: LocalDate = tokyoDate(Math.min(audited.end + 30 * DAY_MS, now));
    at(Math.min(tokyoInstant(date, '17:00').getTime(), now), () =>
      call('POST', `/v1/companies/${audited.companyId}/certifications`, {
        date,
        bodyId: bodyFor(bodies, audited.industryCode),
        status: 'auditing',
      }),
    );
  }

  // An expert who audits for JQA as well, from FY2022: matching keeps them away from the
  // companies it certifies.
  const [auditor] = await deps.db
    .select({ id: experts.id })
    .from(experts)
    .where(eq(experts.email, JQA_AUDITOR));
  if (auditor) {
    at(year.start.getTime(), () =>
      call('PATCH', `/v1/experts/${auditor.id}`, { certificationBodyId: 'jqa' }),
    );
  }

  for (const step of steps.sort((a, b) => a.at - b.at || a.order - b.order)) {
    if (step.at > options.now.getTime()) continue;
    clock = step.at;
    await step.run();
  }
}

/** Every completed visit with its request, company and the company's access token. */
async function completedVisits(db: Db): Promise<Visit[]> {
  const rows = await db
    .select({
      sessionId: sessions.id,
      requestId: requests.id,
      companyId: companies.id,
      corporateNumber: companies.corporateNumber,
      industryCode: requests.industryCode,
      appliedAt: requests.createdAt,
      start: sessions.start,
      end: sessions.end,
      topics: requests.topics,
      report: sessions.report,
      nonce: tokens.nonce,
    })
    .from(sessions)
    .innerJoin(requests, eq(requests.id, sessions.requestId))
    .innerJoin(companies, eq(companies.id, sessions.companyId))
    .innerJoin(tokens, and(eq(tokens.requestId, requests.id), eq(tokens.role, 'company')))
    .where(eq(sessions.status, 'completed'))
    // Start, then application time: no two of the demo's visits share both.
    .orderBy(asc(sessions.start), asc(requests.createdAt));
  return rows.map((r) => {
    if (!r.nonce) throw new Error('demo: a company token without its nonce');
    return {
      sessionId: r.sessionId,
      requestId: r.requestId,
      companyId: r.companyId,
      // Sole proprietors have no corporate number: each is a company of its own.
      companyKey: r.corporateNumber ?? r.companyId,
      corporateNumber: r.corporateNumber,
      industryCode: r.industryCode,
      appliedAt: r.appliedAt.getTime(),
      start: r.start.getTime(),
      end: r.end.getTime(),
      topics: r.topics,
      followUpNeeded: r.report?.followUpNeeded ?? false,
      nonce: r.nonce,
    };
  });
}

const level = (n: number) => Math.max(0, Math.min(MAX_READINESS_LEVEL, n)) as ReadinessLevel;
const sum = (levels: ReadinessLevels) => stepCodes.reduce((total, s) => total + levels[s], 0);

/** A company before any visit: most steps not started or under consideration. */
function baseline(rng: Random): ReadinessLevels {
  return Object.fromEntries(
    stepCodes.map((step) => [
      step,
      rng.weighted<ReadinessLevel>([
        [0, 4],
        [1, 4],
        [2, 2],
        [3, step === 'physical' ? 2 : 0.5],
      ]),
    ]),
  ) as ReadinessLevels;
}

/**
 * After a visit: the steps it covered move up one or two, others now and then by one; some
 * companies make no headway at all; once in a while one marks a step down, having learnt from
 * the expert what "in place" takes.
 */
function improved(rng: Random, before: ReadinessLevels, topics: readonly string[]) {
  const stalled = rng.chance(0.1);
  const after = Object.fromEntries(
    stepCodes.map((step: StepCode) => {
      const up = stalled ? 0 : stepUp(rng, topics.includes(step));
      return [step, level(before[step] + up)];
    }),
  ) as Record<StepCode, ReadinessLevel>;
  if (rng.chance(0.12)) {
    const step = rng.pick(stepCodes);
    after[step] = level(after[step] - 1);
  }
  return after as ReadinessLevels;
}

/** How far a step moves with a visit: more when the visit covered it. */
function stepUp(rng: Random, covered: boolean): number {
  if (!covered) return rng.chance(0.25) ? 1 : 0;
  return rng.weighted([
    [1, 5],
    [2, 3],
    [0, 2],
  ]);
}

function surveyAnswers(rng: Random, followUpNeeded: boolean) {
  const satisfaction = rng.weighted<Score>([
    [5, 34],
    [4, 42],
    [3, 16],
    [2, 6],
    [1, 2],
  ]);
  const resolved = rng.weighted<Resolved>(
    satisfaction >= 4
      ? [
          ['yes', 55],
          ['partly', 40],
          ['no', 5],
        ]
      : [
          ['yes', 10],
          ['partly', 50],
          ['no', 40],
        ],
  );
  const rated = rng.chance(0.85);
  return {
    satisfaction,
    resolved,
    wantsMore: followUpNeeded || rng.chance(satisfaction >= 4 ? 0.45 : 0.2),
    comment: rng.pick(comments),
    expertRating: rated ? Math.max(1, Math.min(5, satisfaction + rng.int(-1, 1))) : null,
  };
}

/** A body whose scope covers the company: defence for E29–E31, often the manufacturing ones for E. */
function bodyFor(rng: Random, industryCode: string): CertificationBodyId {
  if (['E29', 'E30', 'E31'].includes(industryCode) && rng.chance(0.5)) return 'bsk';
  if (industryCode.startsWith('E')) {
    return rng.weighted<CertificationBodyId>([
      ['kansai-infosec', 3],
      ['jqa', 3],
      ['jicqa', 2],
      ['jdmia', industryCode === 'E26' ? 2 : 0],
    ]);
  }
  return rng.weighted<CertificationBodyId>([
    ['jqa', 3],
    ['jicqa', 2],
    ['jaco', 2],
  ]);
}
