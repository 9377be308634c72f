import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { audit } from '../../db/audit.ts';
import { requests, sessions } from '../../db/schema.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import { idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  InstantInput,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { enqueue } from '../../notify/enqueue.ts';
import { requestFor } from '../requests/queries.ts';
import { presentSession } from './present.ts';
import { claimingSlot, prepareSlot } from './queries.ts';
import { SessionSchema } from './schema.ts';

const BookingInput = z.strictObject({ expertId: z.uuid(), start: InstantInput }).openapi('Booking');

const route = createRoute({
  method: 'post',
  path: '/v1/requests/{id}/sessions',
  tags: ['sessions'],
  summary:
    'Book a visit: the expert at a start time (staff, or the company within its preferred windows)',
  security: bearer,
  request: {
    params: IdParam,
    body: jsonBody(BookingInput),
    headers: z.object({ 'idempotency-key': z.string().optional() }),
  },
  responses: {
    201: jsonResponse('The booked visit', SessionSchema),
    ...commonErrors,
    409: problemResponse('slot-taken, quota-exceeded, or the request is not open for booking'),
    422: problemResponse('outside-availability, or an Idempotency-Key reused with another body'),
  },
});

export function registerBook(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const { db, clock, config } = c.get('deps');
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    // Access is settled before any replay, and the key is scoped to the caller, so a replayed
    // answer only ever goes to someone who may see it.
    await requestFor(db, principal, id);
    const actor = actorOf(principal);
    const outcome = await idempotent(
      db,
      {
        key: c.req.header('idempotency-key'),
        scope: `POST /v1/requests/${id}/sessions by ${actor.role}:${actor.id ?? 'bootstrap'}`,
        body: input,
      },
      async (tx) => {
        const request = await requestFor(tx, principal, id, { forUpdate: true });
        if (request.status !== 'received') {
          throw new ApiError(
            'invalid-transition',
            request.status === 'scheduled'
              ? 'The request already has a visit; reschedule or cancel that one'
              : `A ${request.status} request cannot be booked`,
          );
        }
        const now = clock();
        const slot = await prepareSlot(tx, request, input, {
          now,
          config,
          anyTime: principal.role === 'staff',
        });
        const [row] = await claimingSlot(() =>
          tx
            .insert(sessions)
            .values({
              ...slot,
              requestId: id,
              companyId: request.companyId,
              createdAt: now,
              updatedAt: now,
            })
            .returning(),
        );
        if (!row) throw new Error('session insert returned no row');
        await tx
          .update(requests)
          .set({ status: 'scheduled', updatedAt: now })
          .where(eq(requests.id, id));
        await audit(tx, {
          actor,
          action: 'session.booked',
          entityType: 'session',
          entityId: row.id,
          data: {
            requestId: id,
            expertId: row.expertId,
            start: row.start.toISOString(),
            format: row.format,
          },
        });
        await enqueue(tx, 'session.booked', { now, sessionId: row.id });
        return { status: 201 as const, body: presentSession(row) };
      },
    );
    return c.json(outcome.body, 201);
  });
}
