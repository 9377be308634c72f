import { z } from '@hono/zod-openapi';
import { parseReadinessLevels, readinessPhases } from '../../domain/readiness.ts';
import { stepCodes } from '../../domain/topics.ts';
import { checkedBy } from '../../http/domain-input.ts';
import { Instant } from '../../http/schemas.ts';

const levelsDoc = {
  type: 'object' as const,
  description:
    'A level for each of the nine steps: 0 未着手 (not started), 1 検討中 (under consideration), 2 一部実施 (partly in place), 3 実施済 (in place)',
  properties: Object.fromEntries(
    stepCodes.map((step) => [step, { type: 'integer' as const, minimum: 0, maximum: 3 }]),
  ),
  required: [...stepCodes],
  additionalProperties: false,
};

/** Levels for all nine steps; src/domain/readiness.ts decides what is valid. */
export const ReadinessLevelsInput = z
  .unknown()
  .transform(checkedBy(parseReadinessLevels))
  .openapi(levelsDoc);

export const ReadinessInput = z
  .strictObject({ phase: z.enum(readinessPhases), levels: ReadinessLevelsInput })
  .openapi('ReadinessInput');

const Levels = z.object(
  Object.fromEntries(stepCodes.map((step) => [step, z.number().int()])) as Record<
    (typeof stepCodes)[number],
    z.ZodNumber
  >,
);

const Answer = z.object({
  levels: Levels,
  answeredAt: Instant.openapi({ description: 'When this phase was first answered' }),
  updatedAt: Instant,
});

export const ReadinessSchema = z
  .object({
    requestId: z.uuid(),
    before: Answer.nullable(),
    after: Answer.nullable(),
    open: z.object({ before: z.boolean(), after: z.boolean() }).openapi({
      description: 'Which phases can be answered (or changed) now',
    }),
    editableUntil: z.object({ after: Instant.nullable() }).openapi({
      description: 'When the answer after the visits locks: 14 days after it was first given',
    }),
  })
  .openapi('Readiness');

export type ReadinessBody = z.infer<typeof ReadinessSchema>;
