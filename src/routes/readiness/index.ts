import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { audit } from '../../db/audit.ts';
import { transaction } from '../../db/transaction.ts';
import { readinessProblem } from '../../domain/readiness.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { requestFor } from '../requests/queries.ts';
import { factsOf, presentReadiness, readinessOf, storeReadiness } from './queries.ts';
import { ReadinessInput, ReadinessSchema } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/requests/{id}/readiness',
  tags: ['outcomes'],
  summary: 'Readiness over the nine steps before and after the visits (staff, its company)',
  security: bearer('staff', 'viewer', 'company'),
  request: { params: IdParam },
  responses: {
    200: jsonResponse('Both phases, and which can be answered now', ReadinessSchema),
    ...commonErrors,
  },
});

const putRoute = createRoute({
  method: 'put',
  path: '/v1/requests/{id}/readiness',
  tags: ['outcomes'],
  summary: 'Give one phase of readiness, or change it (staff, its company)',
  description:
    '`before`: from the application until the first visit begins. `after`: once the request is ' +
    'completed, changeable for 14 days from its first answer. Otherwise 409.',
  security: bearer('staff', 'company'),
  request: { params: IdParam, body: jsonBody(ReadinessInput) },
  responses: {
    200: jsonResponse('Both phases, after the change', ReadinessSchema),
    ...commonErrors,
    409: problemResponse('invalid-transition: the phase is not open for this request now'),
  },
});

export function registerReadiness(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'viewer', 'company');
    const { db, clock } = c.get('deps');
    const request = await requestFor(db, principal, c.req.valid('param').id);
    return c.json(presentReadiness(request, await readinessOf(db, request), clock()), 200);
  });

  app.openapi(putRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const { db, clock } = c.get('deps');
    const { phase, levels } = c.req.valid('json');
    const body = await transaction(db, async (tx) => {
      // The request's lock, which a booking takes first too, holds its first visit in place.
      const request = await requestFor(tx, principal, c.req.valid('param').id, {
        forUpdate: true,
      });
      const state = await readinessOf(tx, request);
      const now = clock();
      const facts = factsOf(request, state, phase);
      const problem = readinessProblem(phase, facts, now);
      if (problem) throw new ApiError('invalid-transition', problem);
      await storeReadiness(tx, request.id, phase, levels, now);
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: facts.firstAnsweredAt ? 'readiness.changed' : 'readiness.given',
        entityType: 'request',
        entityId: request.id,
        data: { phase, levels },
      });
      return presentReadiness(request, await readinessOf(tx, request), now);
    });
    return c.json(body, 200);
  });
}
