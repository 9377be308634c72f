import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { audit, requestStatusChange } from '../../db/audit.ts';
import { requests, sessions } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import type { Tx } from '../../db/types.ts';
import { type SessionAction, transitionProblem } from '../../domain/booking.ts';
import { requestTransition } from '../../domain/request-lifecycle.ts';
import { actorOf } from '../../http/auth.ts';
import type { Deps, Principal } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import { enqueue } from '../../notify/enqueue.ts';
import { presentSession } from './present.ts';
import { claimingSlot, sessionFor } from './queries.ts';

type SessionRow = typeof sessions.$inferSelect;
type RequestRow = typeof requests.$inferSelect;
type SessionUpdate = Partial<typeof sessions.$inferInsert>;

/**
 * One change to a visit, in one transaction: lock the request then the session (the order
 * booking uses), check the transition, apply `change`, bump `sequence`, settle the request's
 * status and write the audit event.
 */
export async function changeSession(
  deps: Deps,
  principal: Principal,
  id: string,
  action: SessionAction,
  change: (tx: Tx, session: SessionRow, request: RequestRow) => Promise<SessionUpdate>,
  audited: Record<string, unknown> = {},
) {
  return transaction(deps.db, async (tx) => {
    const seen = await sessionFor(tx, principal, id);
    const [request] = await tx
      .select()
      .from(requests)
      .where(eq(requests.id, seen.requestId))
      .for('no key update');
    const session = await sessionFor(tx, principal, id, { forUpdate: true });
    if (!request) throw new Error('session without its request');
    const now = deps.clock();
    const problem = transitionProblem(action, session, now);
    if (problem) throw new ApiError('invalid-transition', problem);

    const update = await change(tx, session, request);
    // A reschedule's new range meets the EXCLUDE constraints here: a collision is a 409 and
    // the transaction rolls back, so the visit keeps its old slot.
    const [row] = await claimingSlot(() =>
      tx
        .update(sessions)
        .set({ ...update, sequence: sql`${sessions.sequence} + 1`, updatedAt: now })
        .where(eq(sessions.id, id))
        .returning(),
    );
    if (!row) throw new Error('session vanished under its lock');
    const settled = await settleRequest(tx, request, row, now);
    const actor = actorOf(principal);
    await audit(
      tx,
      {
        at: now,
        actor,
        action: `session.${pastAction[action]}`,
        entityType: 'session',
        entityId: id,
        data: { requestId: request.id, sequence: row.sequence, ...audited },
      },
      ...(settled === request.status
        ? []
        : [requestStatusChange(request, settled, { at: now, actor, sessionId: id })]),
    );
    await enqueue(tx, `session.${pastAction[action]}`, { now, sessionId: id, previous: session });
    return presentSession(row);
  });
}

const pastAction = {
  cancel: 'cancelled',
  reschedule: 'rescheduled',
  update: 'updated',
  report: 'completed',
  'no-show': 'no-show',
} as const satisfies Record<SessionAction, string>;

/**
 * A request follows its visit: completed with it; back to `accepted` (bookable again) when its
 * only visit is cancelled or missed, unless the request itself was withdrawn. Returns the
 * request's status after.
 */
async function settleRequest(
  tx: Tx,
  request: RequestRow,
  session: SessionRow,
  now: Date,
): Promise<RequestRow['status']> {
  let status: RequestRow['status'] | null = null;
  if (session.status === 'completed') status = requestTransition('visit-completed', request.status);
  if (session.status === 'cancelled' || session.status === 'no_show') {
    const [other] = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(
        and(
          eq(sessions.requestId, request.id),
          ne(sessions.id, session.id),
          inArray(sessions.status, ['confirmed', 'completed']),
        ),
      )
      .limit(1);
    if (!other) status = requestTransition('visit-dropped', request.status);
  }
  if (!status || status === request.status) return request.status;
  await tx.update(requests).set({ status, updatedAt: now }).where(eq(requests.id, request.id));
  return status;
}
