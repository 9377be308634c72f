import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { audit, requestStatusChange } from '../../db/audit.ts';
import { notifications, requests, sessions } from '../../db/schema.ts';
import { together } from '../../db/together.ts';
import type { Tx } from '../../db/types.ts';
import { requestTransition } from '../../domain/request-lifecycle.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError, notFound } from '../../http/errors.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  IdParam,
  InstantInput,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { sessionMessages, subscribers } from '../../notify/enqueue.ts';
import { acceptRequest } from '../requests/decide.ts';
import { mustBeAccepted } from '../requests/not-accepted.ts';
import { mustBeVisible } from '../requests/queries.ts';
import { checkSlot, withExpert } from './check-slot.ts';
import { presentSession } from './present.ts';
import { claimingSlot, lockForSlot } from './queries.ts';
import { SessionSchema } from './schema.ts';

type SessionRow = typeof sessions.$inferSelect;

const BookingInput = z.strictObject({ expertId: z.uuid(), start: InstantInput }).openapi('Booking');

const route = createRoute({
  method: 'post',
  path: '/v1/requests/{id}/sessions',
  tags: ['sessions'],
  summary:
    'Book a visit: the expert at a start time (staff, or the company within its preferred windows)',
  security: bearer('staff', 'company'),
  request: {
    params: IdParam,
    body: jsonBody(BookingInput),
    headers: IdempotencyHeader,
  },
  responses: {
    201: jsonResponse('The booked visit', SessionSchema),
    ...commonErrors,
    ...idempotencyErrors,
    409: problemResponse(
      'slot-taken, quota-exceeded, the request is not open for booking, or the first request ' +
        'with this Idempotency-Key is still running',
    ),
    422: problemResponse('outside-availability, or an Idempotency-Key reused with another body'),
  },
});

/** Accepts the request if it is still under review (a staff booking decides it). */
async function acceptIfReceived(
  tx: Tx,
  id: string,
  context: { at: Date; actor: ReturnType<typeof actorOf> },
): Promise<void> {
  const [request] = await tx
    .select()
    .from(requests)
    .where(eq(requests.id, id))
    .for('no key update');
  if (request?.status === 'received') await acceptRequest(tx, request, { ...context, note: null });
}

/** An accepted request's company record (the CHECK on requests holds it linked). */
function companyOf(request: { id: string; companyId: string | null }): string {
  if (!request.companyId) throw new Error(`accepted request ${request.id} has no company`);
  return request.companyId;
}

export function registerBook(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const { db, clock, config } = c.get('deps');
    const { id } = c.req.valid('param');
    mustBeVisible(principal, id);
    const input = c.req.valid('json');
    const actor = actorOf(principal);
    // The key is scoped to the caller and the request: only a caller whose first attempt got
    // through (and so may see the request) can ever be replayed an answer.
    const outcome = await idempotent(
      db,
      {
        key: c.req.header('idempotency-key'),
        scope: callerScope(`POST /v1/requests/${id}/sessions`, actor),
        body: input,
        now: clock(),
      },
      async (tx) => {
        // Staff may book an application still under review: they decide it first, locking the
        // request, then its company, as every acceptance does. Deciding after the slot's locks
        // would hold the expert while waiting for the company, against bookings that hold the
        // company while waiting for the expert: a deadlock.
        if (principal.role === 'staff') await acceptIfReceived(tx, id, { at: clock(), actor });
        // Every read goes out in one round trip, every write in the next.
        const [{ request, parties, facts }, endpoints] = await together(
          lockForSlot(tx, { requestId: id, expertId: input.expertId, start: input.start }),
          subscribers(tx, ['session.booked', 'session.reminder']),
        );
        if (!request) throw notFound('Request');
        mustBeAccepted(request);
        if (!requestTransition('book', request.status)) {
          throw new ApiError(
            'invalid-transition',
            request.status === 'scheduled'
              ? 'The request already has a visit; reschedule or cancel that one'
              : `A ${request.status} request cannot be booked`,
          );
        }
        const now = clock();
        const known = withExpert(parties);
        const { expert } = known;
        const slot = checkSlot(request, known, facts, input.start, {
          now,
          config,
          anyTime: principal.role === 'staff',
        });
        // The whole row is written from here, so the messages about it can go out with it.
        const session: SessionRow = {
          ...slot,
          id: crypto.randomUUID(),
          requestId: id,
          companyId: companyOf(request),
          status: 'confirmed',
          sequence: 0,
          cancelReason: null,
          meetingUrl: null,
          report: null,
          actualStart: null,
          actualEnd: null,
          attendance: null,
          attendanceComment: null,
          attendanceBy: null,
          attendanceAt: null,
          createdAt: now,
          updatedAt: now,
        };
        const messages = sessionMessages(
          'session.booked',
          { session, request, expert },
          endpoints,
          { now },
        );
        await together(
          claimingSlot(() => tx.insert(sessions).values(session)),
          tx
            .update(requests)
            .set({ status: 'scheduled', updatedAt: now })
            .where(eq(requests.id, id)),
          audit(
            tx,
            {
              at: now,
              actor,
              action: 'session.booked',
              entityType: 'session',
              entityId: session.id,
              data: {
                requestId: id,
                expertId: slot.expertId,
                start: slot.start.toISOString(),
                format: slot.format,
              },
            },
            requestStatusChange(request, 'scheduled', { at: now, actor, sessionId: session.id }),
          ),
          tx.insert(notifications).values(messages),
        );
        return { status: 201 as const, body: presentSession(session) };
      },
    );
    return c.json(outcome.body, 201);
  });
}
