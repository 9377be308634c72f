import { z } from '@hono/zod-openapi';
import { parseSurvey, resolvedAnswers, SURVEY_COMMENT_MAX } from '../../domain/survey.ts';
import { checkedBy, documented } from '../../http/domain-input.ts';
import { Instant } from '../../http/schemas.ts';

const score = (description: string) =>
  ({ type: 'integer', minimum: 1, maximum: 5, description }) as const;

/** The company's answers; src/domain/survey.ts decides what is valid. */
export const SurveyInput = z
  .strictObject({
    satisfaction: documented(score('Overall satisfaction: 1 very dissatisfied … 5 very satisfied')),
    resolved: documented({
      type: 'string',
      enum: [...resolvedAnswers],
      description: 'Whether the issue the company brought was solved',
    }),
    wantsMore: documented({ type: 'boolean', description: 'Whether it wants further visits' }),
    comment: documented({
      type: 'string',
      maxLength: SURVEY_COMMENT_MAX,
      description: 'Free text; lines end in LF. Optional',
    }),
    expertRating: documented({
      ...score(
        'The expert, 1–5, seen by the programme office only (never by the company or the expert). Optional: null gives none; left out of a change, the rating given before stays (the company cannot read it back)',
      ),
      type: ['integer', 'null'],
    }),
  })
  .transform((input, ctx) => ({
    answers: checkedBy(parseSurvey)(input, ctx),
    ratingGiven: input.expertRating !== undefined,
  }))
  .openapi('SurveyInput');

export const SurveySchema = z
  .object({
    sessionId: z.uuid(),
    open: z.boolean().openapi({
      description:
        'Whether the company can answer or change it now: the visit is completed and the 14 days since the first answer have not run out',
    }),
    editableUntil: Instant.nullable().openapi({
      description: 'When the answers lock: 14 days after they were first sent; null before',
    }),
    submittedAt: Instant.nullable().openapi({ description: 'When it was first sent' }),
    updatedAt: Instant.nullable(),
    answers: z
      .object({
        satisfaction: z.number().int(),
        resolved: z.enum(resolvedAnswers),
        wantsMore: z.boolean(),
        comment: z.string(),
        expertRating: z.number().int().nullable().optional().openapi({
          description: 'Staff only: absent for anyone else',
        }),
      })
      .nullable(),
  })
  .openapi('Survey');

export type SurveyBody = z.infer<typeof SurveySchema>;
