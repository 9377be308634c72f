import { z } from '@hono/zod-openapi';
import { resolvedAnswers } from '../../../domain/survey.ts';
import { stepCodes } from '../../../domain/topics.ts';
import { Instant } from '../../../http/schemas.ts';

const count = z.number().int();
const share = (description: string) => z.number().nullable().openapi({ description });

const StepMeans = z
  .object(
    Object.fromEntries(stepCodes.map((step) => [step, z.number()])) as Record<
      (typeof stepCodes)[number],
      z.ZodNumber
    >,
  )
  .nullable()
  .openapi({ description: 'Each step’s mean level (0–3), two decimals; null with no answers' });

const Surveys = z.object({
  responses: count.openapi({ description: 'Surveys answered, of the year’s visits' }),
  responseRate: share('responses ÷ visits'),
  satisfied: count.openapi({ description: 'Satisfaction 4 or 5' }),
  satisfiedShare: share('satisfied ÷ responses'),
  resolved: z.object(
    Object.fromEntries(resolvedAnswers.map((a) => [a, count])) as Record<
      (typeof resolvedAnswers)[number],
      typeof count
    >,
  ),
  resolvedShare: share('resolved `yes` ÷ responses (`partly` is counted beside it)'),
  wantsMore: count,
});

const Readiness = z.object({
  before: z.object({ answered: count, mean: StepMeans }),
  after: z.object({ answered: count, mean: StepMeans }),
  compared: count.openapi({ description: 'Companies with both answers' }),
  rose: count.openapi({ description: 'Of those, companies whose total rose' }),
});

const Certification = z.object({
  certifiedAfterVisit: count.openapi({
    description: 'Companies served whose certificate is dated after their first visit of the year',
  }),
  medianDaysToCertification: z.number().nullable().openapi({
    description: 'Median calendar days from that visit to the certificate',
  }),
});

const Localized = z.object({ ja: z.string(), en: z.string() });

export const OutcomeSchema = z
  .object({
    fiscalYear: count,
    label: z.string().openapi({ example: '令和3年度' }),
    period: z.object({ start: Instant, end: Instant }),
    companiesServed: count.openapi({ description: 'Companies with a completed visit in the year' }),
    visits: count.openapi({ description: 'Completed visits starting in the year' }),
    surveys: Surveys,
    readiness: Readiness,
    certification: Certification,
    byIndustry: z.array(
      z.object({
        code: z.string(),
        name: Localized,
        companiesServed: count,
        visits: count,
        surveys: Surveys,
        readiness: Readiness,
        certification: Certification,
      }),
    ),
  })
  .openapi('OutcomeReport');

export type OutcomeReport = z.infer<typeof OutcomeSchema>;
export type OutcomeFigures = Omit<OutcomeReport, 'fiscalYear' | 'label' | 'period' | 'byIndustry'>;

export const outcomeTables = ['summary', 'readiness', 'industry'] as const;
export type OutcomeTable = (typeof outcomeTables)[number];
