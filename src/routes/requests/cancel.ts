import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { audit } from '../../db/audit.ts';
import { requests, sessions } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { requestTransition } from '../../domain/request-lifecycle.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { enqueue } from '../../notify/enqueue.ts';
import { loadRequests, requestFor } from './queries.ts';
import { CancelInput, RequestSchema } from './schema.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/requests/{id}/cancel',
  tags: ['requests'],
  summary: 'Withdraw a request; its booked visits are cancelled with it',
  security: bearer('staff', 'company'),
  request: {
    params: IdParam,
    body: { required: false, content: { 'application/json': { schema: CancelInput } } },
  },
  responses: {
    200: jsonResponse('The cancelled request', RequestSchema),
    ...commonErrors,
    409: problemResponse('The request is already completed, declined or cancelled'),
  },
});

export function registerCancel(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const { db, clock } = c.get('deps');
    const { id } = c.req.valid('param');
    const reason = c.req.valid('json')?.reason ?? null;
    const body = await transaction(db, async (tx) => {
      const row = await requestFor(tx, principal, id, { forUpdate: true });
      if (!requestTransition('cancel', row.status)) {
        throw new ApiError('invalid-transition', `A ${row.status} request cannot be cancelled`);
      }
      const now = clock();
      const [updated] = await tx
        .update(requests)
        .set({ status: 'cancelled', cancelReason: reason, updatedAt: now })
        .where(eq(requests.id, id))
        .returning();
      const cancelled = await tx
        .update(sessions)
        .set({
          status: 'cancelled',
          cancelReason: reason ?? 'request withdrawn',
          sequence: sql`${sessions.sequence} + 1`,
          updatedAt: now,
        })
        .where(and(eq(sessions.requestId, id), inArray(sessions.status, ['confirmed'])))
        .returning({ id: sessions.id });
      const actor = actorOf(principal);
      await audit(
        tx,
        {
          at: now,
          actor,
          action: 'request.cancelled',
          entityType: 'request',
          entityId: id,
          data: { from: row.status, reason },
        },
        ...cancelled.map((s) => ({
          at: now,
          actor,
          action: 'session.cancelled',
          entityType: 'session',
          entityId: s.id,
          data: { reason: 'request withdrawn' },
        })),
      );
      for (const s of cancelled) await enqueue(tx, 'session.cancelled', { now, sessionId: s.id });
      if (!updated) throw new Error('request vanished under its lock');
      return (await loadRequests(tx, [updated]))[0];
    });
    return c.json(body as typeof RequestSchema._output, 200);
  });
}
