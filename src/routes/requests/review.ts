import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { transaction } from '../../db/transaction.ts';
import { requestTransition } from '../../domain/request-lifecycle.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  jsonBody,
  jsonResponse,
  multiLine,
  problemResponse,
  singleLine,
} from '../../http/schemas.ts';
import { checkAcceptance } from '../budget/checks.ts';
import { acceptRequest, declineRequest } from './decide.ts';
import { loadRequests, requestFor } from './queries.ts';
import { RequestSchema } from './schema.ts';

const AcceptInput = z
  .strictObject({
    note: multiLine(2000).optional(),
    force: z.boolean().optional().openapi({
      description:
        'Accept even though it passes the fiscal year’s budget (409 over-budget without)',
    }),
  })
  .openapi('Acceptance');
const DeclineInput = z
  .strictObject({ reason: singleLine(1000).min(1, 'is required') })
  .openapi('Declination');

const decision = (path: 'accept' | 'decline', summary: string) =>
  createRoute({
    method: 'post',
    path: `/v1/requests/{id}/${path}`,
    tags: ['requests'],
    summary,
    security: bearer('staff'),
    request: { params: IdParam },
    responses: {
      200: jsonResponse('The request after the decision', RequestSchema),
      ...commonErrors,
      409: problemResponse('invalid-transition: only a received request is decided'),
    },
  });

const acceptRoute = createRoute({
  ...decision(
    'accept',
    'Accept an application (派遣決定): it is linked to its company record and can be booked (staff)',
  ),
  responses: {
    ...decision('accept', '').responses,
    409: problemResponse(
      'invalid-transition: only a received request is decided; over-budget: send force to pass the budget',
    ),
  },
  request: {
    params: IdParam,
    body: { required: false, content: { 'application/json': { schema: AcceptInput } } },
  },
});
const declineRoute = createRoute({
  ...decision('decline', 'Decline an application, with the reason the company is told (staff)'),
  request: { params: IdParam, body: jsonBody(DeclineInput) },
});

export function registerReview(app: OpenAPIHono<AppEnv>) {
  app.openapi(acceptRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const input = c.req.valid('json');
    const note = input?.note || null;
    const body = await transaction(db, async (tx) => {
      const request = await requestFor(tx, principal, c.req.valid('param').id, {
        forUpdate: true,
      });
      if (requestTransition('accept', request.status)) {
        await checkAcceptance(tx, request, input?.force === true);
      }
      const accepted = await acceptRequest(tx, request, {
        at: clock(),
        actor: actorOf(principal),
        note,
      });
      return (await loadRequests(tx, [accepted]))[0];
    });
    return c.json(body as z.infer<typeof RequestSchema>, 200);
  });

  app.openapi(declineRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const { reason } = c.req.valid('json');
    const body = await transaction(db, async (tx) => {
      const request = await requestFor(tx, principal, c.req.valid('param').id, {
        forUpdate: true,
      });
      const declined = await declineRequest(tx, request, {
        at: clock(),
        actor: actorOf(principal),
        reason,
      });
      return (await loadRequests(tx, [declined]))[0];
    });
    return c.json(body as z.infer<typeof RequestSchema>, 200);
  });
}
