import type { SessionStatus } from './booking.ts';
import type { FieldProblem, Parsed } from './field-problem.ts';
import { ratio } from './report.ts';
import { characterCount, isMultiLineText } from './text.ts';
import { DAY_MS } from './time.ts';

// The company's survey after a completed visit: one per visit, its answers the programme's
// evidence of whether the visits helped.

export const scores = [1, 2, 3, 4, 5] as const;
/** A five-point answer: satisfaction, or the private rating of the expert. */
export type Score = (typeof scores)[number];

export const resolvedAnswers = ['yes', 'partly', 'no'] as const;
export type Resolved = (typeof resolvedAnswers)[number];

export const SURVEY_COMMENT_MAX = 2000;
export const SURVEY_EDIT_DAYS = 14;

export type SurveyAnswers = {
  satisfaction: Score;
  resolved: Resolved;
  wantsMore: boolean;
  /** Free text, multi-line (LF only); '' when left blank. */
  comment: string;
  /** Seen by staff only, never by the expert; null when the company chose not to rate. */
  expertRating: Score | null;
};

export function isScore(value: unknown): value is Score {
  return (scores as readonly unknown[]).includes(value);
}

const scoreMessage = 'must be an integer from 1 to 5';

/**
 * The answers, or what is wrong with them. Satisfaction, resolved and wantsMore are required:
 * they are the report's figures. The comment and the expert rating are optional: a company may
 * rather not judge a person, and a forced rating says nothing.
 */
export function parseSurvey(input: unknown): Parsed<SurveyAnswers> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '', message: 'must be an object' }] };
  }
  const answers = input as Record<string, unknown>;
  const { satisfaction, resolved, wantsMore } = answers;
  const comment = answers.comment ?? '';
  const expertRating = answers.expertRating ?? null;
  const problems: FieldProblem[] = [];
  if (!isScore(satisfaction)) problems.push({ path: 'satisfaction', message: scoreMessage });
  if (!(resolvedAnswers as readonly unknown[]).includes(resolved)) {
    problems.push({ path: 'resolved', message: `must be one of ${resolvedAnswers.join(', ')}` });
  }
  if (typeof wantsMore !== 'boolean') {
    problems.push({ path: 'wantsMore', message: 'must be true or false' });
  }
  if (typeof comment !== 'string') {
    problems.push({ path: 'comment', message: 'must be text' });
  } else if (characterCount(comment) > SURVEY_COMMENT_MAX) {
    problems.push({
      path: 'comment',
      message: `must be at most ${SURVEY_COMMENT_MAX} characters`,
    });
  } else if (!isMultiLineText(comment)) {
    problems.push({
      path: 'comment',
      message: 'must not contain control characters (line breaks are LF only)',
    });
  }
  if (expertRating !== null && !isScore(expertRating)) {
    problems.push({ path: 'expertRating', message: `${scoreMessage}, or null` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      satisfaction: satisfaction as Score,
      resolved: resolved as Resolved,
      wantsMore: wantsMore as boolean,
      comment: comment as string,
      expertRating: expertRating as Score | null,
    },
  };
}

/**
 * The instant the survey stops taking changes: SURVEY_EDIT_DAYS × 24 h after it was first sent
 * (Asia/Tokyo has no DST, so that is also the same wall-clock time 14 days later). Later
 * changes would move figures already reported.
 */
export function surveyEditableUntil(firstSubmittedAt: Date | number): Date {
  return new Date(new Date(firstSubmittedAt).getTime() + SURVEY_EDIT_DAYS * DAY_MS);
}

/** Locked from surveyEditableUntil on; a survey never sent is not locked. */
export function surveyLocked(firstSubmittedAt: Date | number | null, now: Date | number): boolean {
  if (firstSubmittedAt === null) return false;
  return new Date(now).getTime() >= surveyEditableUntil(firstSubmittedAt).getTime();
}

/**
 * Why the company cannot send (or change) the survey of a visit now, or null if it can: only a
 * completed visit is surveyed, and only until the survey locks.
 */
export function surveyProblem(
  visit: { status: SessionStatus; surveyFirstSubmittedAt: Date | null },
  now: Date,
): string | null {
  if (visit.status !== 'completed') {
    return `Only a completed visit has a survey (this one is ${visit.status.replace('_', '-')})`;
  }
  if (visit.surveyFirstSubmittedAt && surveyLocked(visit.surveyFirstSubmittedAt, now)) {
    const until = surveyEditableUntil(visit.surveyFirstSubmittedAt).toISOString();
    return `The survey could be changed for ${SURVEY_EDIT_DAYS} days, until ${until}`;
  }
  return null;
}

/** 「満足」 in the report: 4 (満足) or 5 (大変満足) on the five-point scale. */
export const SATISFIED_FROM = 4;

export function isSatisfied(satisfaction: Score): boolean {
  return satisfaction >= SATISFIED_FROM;
}

export type SurveySummary = {
  responses: number;
  /** Surveys answered ÷ completed visits (one survey per visit); null with no visits. */
  responseRate: number | null;
  satisfied: number;
  satisfiedShare: number | null;
  resolved: Record<Resolved, number>;
  /** `yes` only ÷ responses: "partly" is not resolved, and is reported beside it. */
  resolvedShare: number | null;
  wantsMore: number;
};

/** What the report counts of the surveys; the database counts them at scale. */
export type SurveyCounts = Pick<
  SurveySummary,
  'responses' | 'satisfied' | 'resolved' | 'wantsMore'
>;

/** The survey figures of the outcome report from their counts; shares to three decimals. */
export function surveySummary(counts: SurveyCounts, completedVisits: number): SurveySummary {
  return {
    ...counts,
    responseRate: ratio(counts.responses, completedVisits),
    satisfiedShare: ratio(counts.satisfied, counts.responses),
    resolvedShare: ratio(counts.resolved.yes, counts.responses),
  };
}

/** The survey figures of the outcome report; shares are over responses, to three decimals. */
export function summariseSurveys(
  answers: readonly Pick<SurveyAnswers, 'satisfaction' | 'resolved' | 'wantsMore'>[],
  completedVisits: number,
): SurveySummary {
  const resolved = { yes: 0, partly: 0, no: 0 };
  for (const a of answers) resolved[a.resolved] += 1;
  return surveySummary(
    {
      responses: answers.length,
      satisfied: answers.filter((a) => isSatisfied(a.satisfaction)).length,
      resolved,
      wantsMore: answers.filter((a) => a.wantsMore).length,
    },
    completedVisits,
  );
}
