import type { FieldProblem, Parsed } from './field-problem.ts';
import type { Localized } from './localized.ts';
import { round } from './report.ts';
import type { RequestStatus } from './request-lifecycle.ts';
import { SURVEY_EDIT_DAYS, surveyEditableUntil, surveyLocked } from './survey.ts';
import { type StepCode, stepCodes } from './topics.ts';

// How far a company has come on each of METI's nine steps, as the company itself answers:
// once at application (`before`, optional) and once after the request's last visit (`after`).

export const readinessLevels = [0, 1, 2, 3] as const;
export type ReadinessLevel = (typeof readinessLevels)[number];
export const MAX_READINESS_LEVEL = 3;
/** The highest total: every step in place. */
export const MAX_READINESS_TOTAL = MAX_READINESS_LEVEL * stepCodes.length;

export const readinessLevelNames: Record<ReadinessLevel, Localized> = {
  0: { ja: '未着手', en: 'Not started' },
  1: { ja: '検討中', en: 'Under consideration' },
  2: { ja: '一部実施', en: 'Partly in place' },
  3: { ja: '実施済', en: 'In place' },
};

export const readinessPhases = ['before', 'after'] as const;
export type ReadinessPhase = (typeof readinessPhases)[number];

/** One answer: a level for every one of the nine steps. */
export type ReadinessLevels = Readonly<Record<StepCode, ReadinessLevel>>;

/** A value 0–3 per step that may be fractional: a mean over companies, or one company's levels. */
export type StepValues = Readonly<Record<StepCode, number>>;

/** Where a company stood before its visits and after them; either may be unanswered. */
export type ReadinessPair = { before: ReadinessLevels | null; after: ReadinessLevels | null };

export function isReadinessLevel(value: unknown): value is ReadinessLevel {
  return (readinessLevels as readonly unknown[]).includes(value);
}

const levelMessage = `must be an integer from 0 to ${MAX_READINESS_LEVEL}`;

/**
 * An answer must give all nine steps. A partial answer is refused rather than read: a missing
 * step could mean "not started" or "not asked", the totals that decide whether readiness rose
 * would compare different sets of steps, and each step's mean would be over a different set of
 * companies. A company that has done nothing on a step answers 0 (未着手).
 */
export function parseReadinessLevels(input: unknown): Parsed<ReadinessLevels> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      problems: [
        { path: '', message: `must give a level 0–3 for each of ${stepCodes.join(', ')}` },
      ],
    };
  }
  const record = input as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const step of stepCodes) {
    if (!Object.hasOwn(record, step)) {
      problems.push({ path: step, message: `is required (${levelMessage})` });
    } else if (!isReadinessLevel(record[step])) {
      problems.push({ path: step, message: levelMessage });
    }
  }
  for (const key of Object.keys(record)) {
    if (!(stepCodes as readonly string[]).includes(key)) {
      problems.push({
        path: key,
        message: `is not one of the nine steps (${stepCodes.join(', ')})`,
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const levels = Object.fromEntries(stepCodes.map((step) => [step, record[step]]));
  return { ok: true, value: levels as ReadinessLevels };
}

/** The sum over the nine steps, 0 to MAX_READINESS_TOTAL. */
export function readinessTotal(values: StepValues): number {
  return stepCodes.reduce((sum, step) => sum + values[step], 0);
}

/** Each step's mean over the answers, to two decimals; null when there are none. */
export function meanLevels(answers: readonly ReadinessLevels[]): StepValues | null {
  const sums = stepCodes.map((step) => [
    step,
    answers.reduce((total, levels) => total + levels[step], 0),
  ]);
  return meansOfSums(Object.fromEntries(sums) as StepValues, answers.length);
}

/** meanLevels from each step's sum over `answered` answers, as the database adds them up. */
export function meansOfSums(sums: StepValues, answered: number): StepValues | null {
  if (answered === 0) return null;
  const means = stepCodes.map((step) => [step, round(sums[step] / answered, 2)]);
  return Object.fromEntries(means) as StepValues;
}

/**
 * 「準備度が向上した」: the after-total exceeds the before-total. The total is what such a report
 * means by a company's readiness, and it lets a company that moved several steps forward while
 * marking one down (common once an expert has shown what "in place" takes) still count as
 * having risen. The alternatives undercount or overcount: "no step fell and one rose" drops
 * that company; "any step rose" counts one that fell overall. A company without both answers
 * has not risen, and is left out of the comparison (see summariseReadiness).
 */
export function readinessRose(before: ReadinessLevels, after: ReadinessLevels): boolean {
  return readinessTotal(after) > readinessTotal(before);
}

/**
 * One company's pair from its requests, oldest first: `before` is the first request's own (a
 * later request's "before" was answered after a visit, so it is no baseline); `after` is the
 * latest answered.
 */
export function companyReadiness(requests: readonly ReadinessPair[]): ReadinessPair {
  const after = requests.findLast((r) => r.after !== null)?.after ?? null;
  return { before: requests[0]?.before ?? null, after };
}

export type ReadinessSummary = {
  before: { answered: number; mean: StepValues | null };
  after: { answered: number; mean: StepValues | null };
  /** Companies with both answers: the ones `rose` is counted over. */
  compared: number;
  rose: number;
};

/**
 * What the outcome report says about readiness, over one pair per company (companyReadiness).
 * Each phase's mean is over every company that answered that phase, so an optional `before`
 * left blank does not take a company's `after` out of the report; the two means can then be over
 * different companies, which `answered` makes visible. `rose` is over `compared` only.
 */
export function summariseReadiness(companies: readonly ReadinessPair[]): ReadinessSummary {
  const befores = companies.flatMap((c) => (c.before ? [c.before] : []));
  const afters = companies.flatMap((c) => (c.after ? [c.after] : []));
  const both = companies.flatMap((c) =>
    c.before && c.after ? [{ before: c.before, after: c.after }] : [],
  );
  return {
    before: { answered: befores.length, mean: meanLevels(befores) },
    after: { answered: afters.length, mean: meanLevels(afters) },
    compared: both.length,
    rose: both.filter((c) => readinessRose(c.before, c.after)).length,
  };
}

/** What decides whether a request's readiness can be answered now. */
export type ReadinessFacts = {
  status: RequestStatus;
  /** The start of the request's earliest confirmed or completed visit; null without one. */
  firstVisitStart: Date | null;
  /** When this phase was first answered; null if it never was. */
  firstAnsweredAt: Date | null;
};

/**
 * Why `phase` cannot be answered (or changed) now, or null if it can. `before` is the baseline:
 * open from the application until the request's first visit begins, since what a company says
 * once it has met the expert is no baseline; a declined or withdrawn request has no visits to
 * measure. `after` measures the visits: open once the request is completed (its visit done; a
 * request has one visit), and changeable for SURVEY_EDIT_DAYS from its first answer, as the
 * survey is, so figures already reported do not move. The time rules read `now`, not the
 * request's later history, so an answer given in time stays valid.
 */
export function readinessProblem(
  phase: ReadinessPhase,
  facts: ReadinessFacts,
  now: Date,
): string | null {
  if (phase === 'before') {
    if (facts.status === 'declined' || facts.status === 'cancelled') {
      return `A ${facts.status} request has no visits to measure readiness against`;
    }
    if (facts.firstVisitStart !== null && now >= facts.firstVisitStart) {
      return `The readiness before the visits is taken until the first visit begins (${facts.firstVisitStart.toISOString()})`;
    }
    return null;
  }
  if (facts.status !== 'completed') {
    return `The readiness after the visits is asked once the visit is completed (this request is ${facts.status})`;
  }
  if (facts.firstAnsweredAt && surveyLocked(facts.firstAnsweredAt, now)) {
    const until = surveyEditableUntil(facts.firstAnsweredAt).toISOString();
    return `The readiness after the visits could be changed for ${SURVEY_EDIT_DAYS} days, until ${until}`;
  }
  return null;
}
