import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { transaction } from '../../db/transaction.ts';
import { type Availability, validateAvailability } from '../../domain/availability.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import { bearer, commonErrors, IdParam, jsonBody, jsonResponse } from '../../http/schemas.ts';
import { expertById, loadExperts, replaceAvailability } from './queries.ts';
import { AvailabilityInput, ExpertSchema } from './schema.ts';

type AvailabilityBody = z.output<typeof AvailabilityInput>;

const staffRoute = createRoute({
  method: 'put',
  path: '/v1/experts/{id}/availability',
  tags: ['experts'],
  summary: 'Replace an expert’s weekly hours (Asia/Tokyo) and date overrides (staff)',
  security: bearer('staff'),
  request: { params: IdParam, body: jsonBody(AvailabilityInput) },
  responses: {
    200: jsonResponse('The expert with the new availability', ExpertSchema),
    ...commonErrors,
  },
});

export const meAvailabilityRoute = createRoute({
  method: 'put',
  path: '/v1/me/availability',
  tags: ['me'],
  summary: 'Replace your own weekly hours (Asia/Tokyo) and date overrides (expert)',
  security: bearer('expert'),
  request: { body: jsonBody(AvailabilityInput) },
  responses: {
    200: jsonResponse('Your profile with the new availability', ExpertSchema),
    ...commonErrors,
  },
});

/** Validates and stores a whole availability for `expertId`, answering with the expert. */
export async function putAvailability(
  c: Context<AppEnv>,
  expertId: string,
  input: AvailabilityBody,
) {
  const { db, clock } = c.get('deps');
  const availability: Availability = {
    weekly: input.weekly,
    overrides: input.overrides.map((o) =>
      'start' in o ? { date: o.date, available: true, start: o.start, end: o.end } : o,
    ),
  };
  const issues = validateAvailability(availability, clock());
  if (issues.length > 0) {
    throw new ApiError(
      'validation-failed',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );
  }
  const actor = actorOf(c.get('principal'));
  const [body] = await transaction(db, async (tx) => {
    await replaceAvailability(tx, expertId, availability, actor, c.get('deps').clock());
    return loadExperts(tx, [await expertById(tx, expertId)]);
  });
  return body as z.infer<typeof ExpertSchema>;
}

export function registerAvailability(app: OpenAPIHono<AppEnv>) {
  app.openapi(staffRoute, async (c) => {
    requireRole(c, 'staff');
    const body = await putAvailability(c, c.req.valid('param').id, c.req.valid('json'));
    return c.json(body, 200);
  });
}
