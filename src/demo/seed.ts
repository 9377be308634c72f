// A demo programme created through the API itself: the real app in-process on a clock that
// is moved through time, so every visit went through applying, matching, booking (with its
// quotas and EXCLUDE constraints) and a report or a cancellation, as it would have for real.
// The plan is drawn up front from a seeded PRNG; only ids and tokens differ between runs.

import { sql } from 'drizzle-orm';
import { type App, createApp } from '../app.ts';
import type { Config } from '../config.ts';
import { experts, requests } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import { corporateNumberCheckDigit } from '../domain/corporate-number.ts';
import { isHoliday } from '../domain/holidays.ts';
import {
  addDays,
  DAY_MS,
  fiscalYearOf,
  fiscalYearRange,
  HOUR_MS,
  type LocalDate,
  MINUTE_MS,
  tokyoDate,
  tokyoInstant,
  tokyoWeekday,
} from '../domain/time.ts';
import { type TopicCode, topicCodes } from '../domain/topics.ts';
import { utilisationReport } from '../routes/reports/queries.ts';
import {
  applicationNotes,
  cancelReasons,
  companyStems,
  type DemoExpert,
  demoExperts,
  givenNames,
  industryWeights,
  prefectureWeights,
  reportFindings,
  surnames,
} from './catalog.ts';
import { scheduleDemoMoney, withDemoOffice } from './money.ts';
import { seedOutcomes } from './outcomes.ts';
import { Random } from './random.ts';

/** The year PRODUCT.md quotes: 延べ82回 in FY2021 (令和3年度). */
export const DEMO_HISTORY_FY = 2021;
const DEMO_HISTORY_VISITS = 82;
// Completed visits per month of the history year, April to March (they sum to 82).
const HISTORY_MONTHLY = [3, 5, 7, 8, 5, 8, 9, 9, 7, 6, 8, 7];
const HISTORY_CANCELLED = 6;
const HISTORY_NO_SHOWS = 2;
const CURRENT_VISITS_PER_MONTH = 6;
const CURRENT_SCHEDULED = 8;
const CURRENT_RECEIVED = 6;
const DEFAULT_SEED = 20210401;

export type DemoDeps = { db: Db; config: Config };
export type DemoOptions = {
  /** The present: the current fiscal year is filled up to it. Default: the wall clock. */
  now?: Date;
  seed?: number;
  /** Also issue a staff token, an expert token and hand back a company's access token. */
  issueTokens?: boolean;
  progress?: (message: string) => void;
};
export type DemoTokens = {
  staff: string;
  /** The expert's API token, and a one-time link to their pages (valid 24 hours). */
  expert: { id: string; name: string; token: string; signInUrl: string };
  company: { requestId: string; name: string; token: string };
};
export type DemoSummary = {
  experts: number;
  companies: number;
  requests: Record<string, number>;
  sessions: Record<string, number>;
  history: { fiscalYear: number; visits: number };
  current: { fiscalYear: number; visits: number; scheduled: number };
  tokens?: DemoTokens;
};

/** The demo only runs on a database without experts or requests of its own. */
export class DemoRefusedError extends Error {}

type Company = {
  key: string;
  name: string;
  corporateNumber?: string;
  industryCode: string;
  prefectureCode: string;
  employees: number;
  capitalYen: number;
  contact: { name: string; email: string; phone: string };
};
type Outcome = 'completed' | 'cancelled' | 'no_show' | 'scheduled' | 'received';
type Window = { start: number; end: number };
type Plan = {
  company: Company;
  applyAt: number;
  bookAt: number;
  bookedByCompany: boolean;
  windows: Window[];
  format: 'onsite' | 'online' | 'either';
  durationMinutes: number;
  topics: TopicCode[];
  notes: string;
  outcome: Outcome;
  /** Hours after the visit ends that the report is filed. */
  reportDelayHours: number;
  /** Where between booking and the day before the visit a cancellation happens (0–1). */
  cancelAt: number;
  cancelReason: string;
  report: { topicsCovered: TopicCode[]; summary: string; followUpNeeded: boolean };
  /** A history visit must happen: not finding an expert is a bug in the plan. */
  required: boolean;
};

/**
 * Seeds the demo programme: ~25 experts, FY2021 with exactly 82 completed visits (and some
 * cancelled and missed ones), and the current fiscal year up to `now` with visits done,
 * visits booked and applications waiting. Refuses a database that has experts or requests.
 */
export async function seedDemo(deps: DemoDeps, options: DemoOptions = {}): Promise<DemoSummary> {
  const now = options.now ?? new Date();
  const progress = options.progress ?? (() => {});
  await refuseUnlessEmpty(deps.db);
  checkConfig(deps.config, now);

  let clock = now.getTime();
  // A staff token known only to this function: the programme office doing the work.
  const staffToken = `demo-seed-${crypto.randomUUID()}`;
  const app = createApp({
    db: deps.db,
    config: withDemoOffice({ ...deps.config, staffToken }),
    clock: () => new Date(clock),
  });
  const call = caller(app, staffToken);
  const rng = new Random(options.seed ?? DEFAULT_SEED);
  const planner = new Planner(rng, deps.config);
  const historyPlans = planner.history();
  const currentPlans = planner.current(now.getTime());

  const queue = new EventQueue();
  const expertIds = new Map<string, string>();
  const expertTokens = new Map<string, string>();
  const expertEmails = new Map<string, string>();
  const historyStart = tokyoInstant(`${DEMO_HISTORY_FY}-02-01`, '09:00').getTime();
  const currentStart = fiscalYearRange(fiscalYearOf(now)).start.getTime() - 20 * DAY_MS;

  for (const [i, expert] of demoExperts.entries()) {
    const at = (expert.joins === 'history' ? historyStart : currentStart) + i * MINUTE_MS;
    queue.add(at, async () => {
      const created = await call<{ id: string }>('POST', '/v1/experts', {
        body: expertBody(expert),
      });
      expertIds.set(expert.email, created.id);
      expertEmails.set(created.id, expert.email);
      await call('PUT', `/v1/experts/${created.id}/availability`, {
        body: {
          weekly: expert.weekly,
          overrides: expert.joins === 'history' ? historyOverrides(i) : [],
        },
      });
      const issued = await call<{ token: string }>('POST', '/v1/tokens', {
        body: { role: 'expert', expertId: created.id, label: 'demo' },
      });
      expertTokens.set(created.id, issued.token);
    });
    const retireAt = fiscalYearRange(DEMO_HISTORY_FY + 2).start.getTime();
    if (expert.retires && retireAt < now.getTime()) {
      queue.add(retireAt, async () => {
        await call('PATCH', `/v1/experts/${expertIds.get(expert.email)}`, {
          body: { active: false },
        });
      });
    }
  }

  type Applied = { requestId: string; token: string; status: Outcome | 'pending' };
  const latestOf = new Map<string, Applied>();
  const received: { requestId: string; name: string; token: string }[] = [];

  const schedule = (plan: Plan) => {
    let applied: Applied | undefined;
    queue.add(plan.applyAt, async () => {
      const previous = latestOf.get(plan.company.key);
      const followUpOf =
        previous?.status === 'completed' && plan.company.corporateNumber
          ? previous.requestId
          : undefined;
      const res = await call<{ request: { id: string }; accessToken: string }>(
        'POST',
        '/v1/requests',
        { token: null, body: applicationBody(plan, followUpOf) },
      );
      applied = { requestId: res.request.id, token: res.accessToken, status: 'pending' };
      latestOf.set(plan.company.key, applied);
      if (plan.outcome === 'received') {
        received.push({
          requestId: res.request.id,
          name: plan.company.name,
          token: res.accessToken,
        });
      }
    });
    if (plan.outcome === 'received') return;
    queue.add(plan.bookAt, async () => {
      if (!applied) throw new Error('booking before applying');
      const { requestId, token } = applied;
      // The office reviews every application before its visit is booked.
      await call('POST', `/v1/requests/${requestId}/accept`, { body: {} });
      const choice = await chooseMatch(call, requestId, expertEmails);
      if (!choice) {
        if (plan.required) {
          throw new Error(
            `demo plan: no expert free for ${plan.company.name} at ${iso(plan.bookAt)}`,
          );
        }
        await call('POST', `/v1/requests/${requestId}/cancel`, {
          body: { reason: '日程の調整がつかなかったため取り下げ' },
        });
        applied.status = 'cancelled';
        return;
      }
      const session = await call<{ id: string; start: string; end: string }>(
        'POST',
        `/v1/requests/${requestId}/sessions`,
        {
          token: plan.bookedByCompany ? token : staffToken,
          body: { expertId: choice.expertId, start: choice.start },
        },
      );
      const start = Date.parse(session.start);
      const end = Date.parse(session.end);
      const path = `/v1/sessions/${session.id}`;
      const expertToken = expertTokens.get(choice.expertId);
      const outcomes: Partial<Record<Outcome, () => void>> = {
        completed: () =>
          queue.add(end + plan.reportDelayHours * HOUR_MS, async () => {
            await call('POST', `${path}/report`, { token: expertToken, body: plan.report });
            if (applied) applied.status = 'completed';
          }),
        no_show: () =>
          queue.add(start + 45 * MINUTE_MS, async () => {
            await call('POST', `${path}/no-show`, { token: expertToken });
            await call('POST', `/v1/requests/${requestId}/cancel`, {
              body: { reason: '当日連絡がつかず、訪問できなかったため取り下げ' },
            });
          }),
        cancelled: () =>
          queue.add(plan.bookAt + (start - DAY_MS - plan.bookAt) * plan.cancelAt, async () => {
            await call('POST', `${path}/cancel`, { token, body: { reason: plan.cancelReason } });
            await call('POST', `/v1/requests/${requestId}/cancel`, {
              token,
              body: { reason: plan.cancelReason },
            });
          }),
      };
      outcomes[plan.outcome]?.();
    });
  };

  for (const plan of [...historyPlans, ...currentPlans]) schedule(plan);
  scheduleDemoMoney({
    queue,
    call,
    db: deps.db,
    now,
    from: DEMO_HISTORY_FY,
    expertTokens,
    applications: latestOf,
  });
  progress(
    `seeding ${demoExperts.length} experts, ${historyPlans.length} applications in FY${DEMO_HISTORY_FY} and ${currentPlans.length} in FY${fiscalYearOf(now)}`,
  );
  await queue.run(now.getTime(), (at) => {
    clock = at;
  });
  clock = now.getTime();
  await seedOutcomes(deps, { now, seed: options.seed ?? DEFAULT_SEED });

  const history = await utilisationReport(deps.db, DEMO_HISTORY_FY);
  if (history.visits !== DEMO_HISTORY_VISITS) {
    throw new Error(
      `demo plan: FY${DEMO_HISTORY_FY} has ${history.visits} visits, not ${DEMO_HISTORY_VISITS}`,
    );
  }
  const current = await utilisationReport(deps.db, fiscalYearOf(now));
  const summary: DemoSummary = {
    ...(await counts(deps.db)),
    history: { fiscalYear: DEMO_HISTORY_FY, visits: history.visits },
    current: {
      fiscalYear: current.fiscalYear,
      visits: current.visits,
      scheduled: current.scheduled,
    },
  };
  if (options.issueTokens) {
    const staff = await call<{ token: string }>('POST', '/v1/tokens', {
      body: { role: 'staff', label: 'demo' },
    });
    const first = demoExperts[0] as DemoExpert;
    const firstId = expertIds.get(first.email) as string;
    const invitation = await call<{ url: string }>('POST', `/v1/experts/${firstId}/invitations`);
    const waiting = received[0];
    if (!waiting) throw new Error('demo plan: no application is waiting');
    summary.tokens = {
      staff: staff.token,
      expert: {
        id: firstId,
        name: first.name,
        token: expertTokens.get(firstId) as string,
        signInUrl: invitation.url,
      },
      company: waiting,
    };
  }
  return summary;
}

async function refuseUnlessEmpty(db: Db) {
  const [anyExpert] = await db.select({ id: experts.id }).from(experts).limit(1);
  const [anyRequest] = await db.select({ id: requests.id }).from(requests).limit(1);
  if (anyExpert || anyRequest) {
    throw new DemoRefusedError(
      'The database already has experts or requests; the demo only seeds an empty one ' +
        '(use a fresh DATA_DIR, e.g. DATA_DIR=./demo-data, or an empty DATABASE_URL)',
    );
  }
}

function checkConfig(config: Config, now: Date) {
  const problems = [
    config.minNoticeHours > 7 * 24 && 'MIN_NOTICE_HOURS at most 168',
    config.horizonDays < 60 && 'HORIZON_DAYS at least 60',
    fiscalYearOf(now) < DEMO_HISTORY_FY + 2 && `a present after FY${DEMO_HISTORY_FY + 1}`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new DemoRefusedError(`The demo plan needs ${problems.join(', ')}`);
  }
}

type Call = <T = unknown>(
  method: string,
  path: string,
  options?: { token?: string | null | undefined; body?: unknown },
) => Promise<T>;

/** Requests through app.request, as a client would; anything but a 2xx stops the seeding. */
function caller(app: App, staffToken: string): Call {
  return async <T>(
    method: string,
    path: string,
    options: { token?: string | null | undefined; body?: unknown } = {},
  ) => {
    const token = options.token === undefined ? staffToken : options.token;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo: ${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

type Match = { expert: { id: string }; score: number; slots: { start: string }[] };

/**
 * What staff would book: the best-scored match's first slot. Ties go to the earlier slot,
 * then to the expert's email, so the choice does not depend on generated ids.
 */
async function chooseMatch(call: Call, requestId: string, emails: Map<string, string>) {
  const { matches } = await call<{ matches: Match[] }>(
    'GET',
    `/v1/requests/${requestId}/matches?limit=200&slotsPerExpert=1`,
  );
  const ranked = matches
    .filter((m) => m.slots[0])
    .map((m) => ({
      expertId: m.expert.id,
      score: m.score,
      start: m.slots[0]?.start as string,
      email: emails.get(m.expert.id) ?? m.expert.id,
    }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        Date.parse(a.start) - Date.parse(b.start) ||
        (a.email < b.email ? -1 : 1),
    );
  return ranked[0] ?? null;
}

/** Timed steps run in time order (ties in the order added), each with the clock at its time. */
class EventQueue {
  private events: { at: number; order: number; run: () => Promise<void> }[] = [];
  private added = 0;

  add(at: number, run: () => Promise<void>) {
    this.events.push({ at: Math.round(at), order: this.added++, run });
  }

  async run(until: number, setClock: (at: number) => void) {
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.events.length; i++) {
        const e = this.events[i];
        const best = this.events[next];
        if (e && (!best || e.at < best.at || (e.at === best.at && e.order < best.order))) next = i;
      }
      const event = this.events[next];
      if (!event || event.at > until) return;
      this.events.splice(next, 1);
      setClock(event.at);
      await event.run();
    }
  }
}

/** Draws the whole programme from the PRNG before anything is sent. */
class Planner {
  private names = new Set<string>();
  private numbers = new Set<string>();
  private serial = 0;
  private historyCompanies: Company[] = [];

  constructor(
    private rng: Random,
    private config: Config,
  ) {}

  history(): Plan[] {
    const rng = this.rng;
    const remaining = [...HISTORY_MONTHLY];
    const takeMonth = (min: number, max: number) => {
      const open = remaining.flatMap((n, m) => (n > 0 && m >= min && m <= max ? [m] : []));
      const month = open.length > 0 ? rng.pick(open) : remaining.findIndex((n) => n > 0);
      remaining[month] = (remaining[month] ?? 0) - 1;
      return month;
    };
    const quota = Math.min(3, this.config.visitsPerCompanyPerFy);
    const groups = quota >= 3 ? [3, 3, ...Array(9).fill(2)] : quota === 2 ? Array(11).fill(2) : [];
    const plans: Plan[] = [];
    const visit = (company: Company, month: number, outcome: Outcome, followUpNeeded: boolean) =>
      plans.push(this.plan(company, this.historyDate(month), outcome, followUpNeeded, true));

    for (const size of groups) {
      const company = this.company(true);
      let month = takeMonth(0, 11 - 3 * (size - 1));
      for (let k = 0; k < size; k++) {
        visit(company, month, 'completed', k < size - 1);
        if (k < size - 1) month = takeMonth(month + 3, 11);
      }
    }
    const singles = remaining.reduce((a, b) => a + b, 0);
    for (let i = 0; i < singles; i++) {
      visit(this.company(i >= 2), takeMonth(0, 11), 'completed', rng.chance(0.2));
    }
    for (let i = 0; i < HISTORY_CANCELLED; i++) {
      visit(this.company(true), rng.int(0, 11), 'cancelled', false);
    }
    for (let i = 0; i < HISTORY_NO_SHOWS; i++) {
      visit(this.company(true), rng.int(1, 10), 'no_show', false);
    }
    return plans;
  }

  current(now: number): Plan[] {
    const rng = this.rng;
    const fy = fiscalYearOf(now);
    const first = fiscalYearRange(fy).start.getTime() + 7 * DAY_MS;
    const last = now - 6 * DAY_MS;
    const quota = this.config.visitsPerCompanyPerFy;
    const used = new Map<string, number>();
    const company = () => {
      for (;;) {
        const returning = rng.chance(0.3) && this.historyCompanies.length > 0;
        const c = returning ? rng.pick(this.historyCompanies) : this.company(true);
        const n = used.get(c.key) ?? 0;
        if (n < quota) {
          used.set(c.key, n + 1);
          return c;
        }
      }
    };
    const plans: Plan[] = [];
    const past =
      last > first ? Math.floor(((last - first) / (30.4 * DAY_MS)) * CURRENT_VISITS_PER_MONTH) : 0;
    for (let i = 0; i < past; i++) {
      const date = this.businessDayNear(tokyoDate(first + rng.next() * (last - first)));
      const outcome = rng.weighted<Outcome>([
        ['completed', 90],
        ['cancelled', 7],
        ['no_show', 3],
      ]);
      plans.push(this.plan(company(), date, outcome, rng.chance(0.2), false));
    }
    for (let i = 0; i < CURRENT_SCHEDULED; i++) {
      const date = this.businessDayNear(tokyoDate(now + rng.int(7, 40) * DAY_MS));
      const applyAt = now - rng.int(4, 14) * DAY_MS;
      const plan = this.plan(company(), date, 'scheduled', false, false);
      plans.push({
        ...plan,
        applyAt,
        bookAt: Math.min(applyAt + rng.int(1, 2) * DAY_MS, now - HOUR_MS),
      });
    }
    for (let i = 0; i < CURRENT_RECEIVED; i++) {
      const date = this.businessDayNear(tokyoDate(now + rng.int(10, 50) * DAY_MS));
      const plan = this.plan(company(), date, 'received', false, false);
      plans.push({ ...plan, applyAt: now - rng.int(2, 120) * HOUR_MS });
    }
    return plans;
  }

  /** A business day (Mon–Fri, not a holiday) between the 3rd and the 22nd of a history month. */
  private historyDate(month: number): LocalDate {
    const year = month < 9 ? DEMO_HISTORY_FY : DEMO_HISTORY_FY + 1;
    const m = ((month + 3) % 12) + 1;
    const day = this.rng.int(3, 20);
    return this.businessDayNear(
      `${year}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    );
  }

  private businessDayNear(date: LocalDate): LocalDate {
    let d = date;
    while (tokyoWeekday(d) > 5 || isHoliday(d)) d = addDays(d, 1);
    return d;
  }

  /**
   * One application for a visit around `date`: three preferred windows on consecutive business
   * days, applied for 12–45 days before, booked one to three days after applying.
   */
  private plan(
    company: Company,
    date: LocalDate,
    outcome: Outcome,
    followUpNeeded: boolean,
    required: boolean,
  ): Plan {
    const rng = this.rng;
    const durationMinutes = rng.weighted([
      [120, 6],
      [90, 2],
      [180, 2],
    ]);
    const from = rng.pick(['09:30', '10:00', '10:30', '13:00', '13:30', '14:00']);
    const windows: Window[] = [];
    for (let d = date; windows.length < 3; d = this.businessDayNear(addDays(d, 1))) {
      windows.push({
        start: tokyoInstant(d, from).getTime(),
        end: tokyoInstant(d, '17:30').getTime(),
      });
    }
    const firstWindow = (windows[0] as Window).start;
    const applyAt = firstWindow - rng.int(12, 45) * DAY_MS + rng.int(0, 16) * 30 * MINUTE_MS;
    const bookAt = applyAt + rng.int(1, 3) * DAY_MS + rng.int(0, 6) * HOUR_MS;
    const topics = this.topics();
    const covered = rng.chance(0.3) ? topics.slice(0, Math.max(1, topics.length - 1)) : topics;
    return {
      company,
      applyAt,
      bookAt,
      bookedByCompany: rng.chance(0.3),
      windows,
      format: rng.weighted([
        ['onsite', 6],
        ['online', 2.5],
        ['either', 1.5],
      ]),
      durationMinutes,
      topics,
      notes: rng.pick(applicationNotes),
      outcome,
      reportDelayHours: rng.int(2, 30),
      cancelAt: rng.next(),
      cancelReason: rng.pick(cancelReasons),
      report: {
        topicsCovered: covered,
        summary: rng.sample(reportFindings, rng.int(2, 3)).join(''),
        followUpNeeded,
      },
      required,
    };
  }

  private topics(): TopicCode[] {
    const rng = this.rng;
    const picked = new Set<TopicCode>([
      rng.weighted<TopicCode>([
        ['identify', 3],
        ['classify', 2],
      ]),
    ]);
    const more = rng.int(1, 3);
    while (picked.size < 1 + more) {
      picked.add(
        rng.weighted<TopicCode>([
          ['classify', 4],
          ['manager', 3],
          ['process', 3],
          ['training', 3],
          ['access', 3],
          ['electronic', 3],
          ['physical', 2],
          ['incident', 2],
          ['audit', 1],
          ['industry-model', 1],
        ]),
      );
    }
    return topicCodes.filter((t) => picked.has(t));
  }

  /** A company of its own; `incorporated: false` is a sole proprietor without a 法人番号. */
  private company(incorporated: boolean): Company {
    const rng = this.rng;
    const [industryCode, , words] = rng.weighted(industryWeights.map((w) => [w, w[1]] as const));
    const prefectureCode = rng.weighted(prefectureWeights);
    const large = incorporated && rng.chance(0.12);
    const employees = large ? rng.int(350, 3000) : rng.int(8, 280);
    const capitalYen = large
      ? rng.int(5, 200) * 100_000_000
      : rng.weighted([
          [10_000_000, 3],
          [20_000_000, 2],
          [30_000_000, 2],
          [50_000_000, 2],
          [90_000_000, 1],
        ]);
    let name = '';
    while (name === '' || this.names.has(name)) {
      const stem = incorporated ? rng.pick(companyStems) : rng.pick(surnames);
      const word = rng.pick(words);
      name = !incorporated
        ? `${stem}${word}`
        : rng.weighted([
            [`株式会社${stem}${word}`, 5],
            [`${stem}${word}株式会社`, 4],
            [`有限会社${stem}${word}`, large ? 0 : 1],
          ]);
    }
    this.names.add(name);
    const contactName = `${rng.pick(surnames)} ${rng.pick(givenNames)}`;
    this.serial += 1;
    const company: Company = {
      key: incorporated ? '' : `sole-${this.serial}`,
      name,
      industryCode,
      prefectureCode,
      employees,
      capitalYen,
      contact: {
        name: contactName,
        email: `contact${String(this.serial).padStart(3, '0')}@example.jp`,
        phone: `0${rng.int(3, 99)}-${rng.int(100, 999)}-${String(rng.int(0, 9999)).padStart(4, '0')}`,
      },
    };
    if (incorporated) {
      let number = '';
      while (number === '' || this.numbers.has(number)) {
        // Registry office (4 digits), entity kind (01 株式会社, 02 有限会社), serial (6 digits).
        const office = String(Number(prefectureCode) * 100 + rng.int(0, 30)).padStart(4, '0');
        const kind = name.startsWith('有限会社') ? '02' : '01';
        const body = `${office}${kind}${String(rng.int(0, 999_999)).padStart(6, '0')}`;
        number = `${corporateNumberCheckDigit(body)}${body}`;
      }
      this.numbers.add(number);
      company.corporateNumber = number;
      company.key = number;
      this.historyCompanies.push(company);
    }
    return company;
  }
}

function expertBody(expert: DemoExpert) {
  return {
    name: expert.name,
    email: expert.email,
    affiliation: expert.affiliation,
    industries: expert.industries,
    tags: expert.tags,
    topics: expert.topics,
    prefectures: expert.prefectures,
    online: expert.online,
    languages: ['ja'],
    maxVisitsPerMonth: expert.maxVisitsPerMonth,
    travelBufferMinutes: expert.travelBufferMinutes,
  };
}

/** Closed days of the history year: a few days around お盆 and the year-end holidays. */
function historyOverrides(i: number) {
  const y = DEMO_HISTORY_FY;
  const summer = i % 2 === 0 ? ['08-10', '08-11', '08-12'] : ['08-16', '08-17', '08-18'];
  const yearEnd = [`${y}-12-29`, `${y}-12-30`, `${y}-12-31`, `${y + 1}-01-03`];
  return [...summer.map((d) => `${y}-${d}`), ...yearEnd].map((date) => ({
    date,
    available: false as const,
  }));
}

function applicationBody(plan: Plan, followUpOf: string | undefined) {
  const { company } = plan;
  return {
    company: {
      name: company.name,
      ...(company.corporateNumber ? { corporateNumber: company.corporateNumber } : {}),
      industryCode: company.industryCode,
      prefectureCode: company.prefectureCode,
      employees: company.employees,
      capitalYen: company.capitalYen,
    },
    contact: company.contact,
    topics: plan.topics,
    format: plan.format,
    durationMinutes: plan.durationMinutes,
    preferredWindows: plan.windows.map((w) => ({ start: iso(w.start), end: iso(w.end) })),
    notes: followUpOf ? '前回の訪問で助言いただいた規程類の整備状況を確認したい。' : plan.notes,
    ...(followUpOf ? { followUpOf } : {}),
  };
}

async function counts(db: Db) {
  const rows = async (query: ReturnType<typeof sql>) => {
    const result: unknown = await db.execute(query);
    return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      k: string;
      n: number;
    }[];
  };
  const group = async (query: ReturnType<typeof sql>) =>
    Object.fromEntries((await rows(query)).map((r) => [r.k, Number(r.n)]));
  const totals = await group(
    sql`select 'experts' as k, count(*)::int as n from experts
        union all select 'companies', count(*)::int from companies`,
  );
  return {
    experts: totals.experts ?? 0,
    companies: totals.companies ?? 0,
    requests: await group(
      sql`select status as k, count(*)::int as n from requests group by 1 order by 1`,
    ),
    sessions: await group(
      sql`select status as k, count(*)::int as n from sessions group by 1 order by 1`,
    ),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
