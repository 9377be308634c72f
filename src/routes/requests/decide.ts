import { eq } from 'drizzle-orm';
import { type AuditEntry, audit } from '../../db/audit.ts';
import { requests } from '../../db/schema.ts';
import type { Tx } from '../../db/types.ts';
import { type RequestAction, requestTransition } from '../../domain/request-lifecycle.ts';
import { ApiError } from '../../http/errors.ts';
import { enqueue } from '../../notify/enqueue.ts';
import { linkCompany } from './company-record.ts';

type RequestRow = typeof requests.$inferSelect;
type Context = { at: Date; actor: AuditEntry['actor'] };

// The office's decision on an application (審査・派遣決定), for the review routes, a staff
// booking of a received request, and AUTO_ACCEPT. The caller holds the request's row lock.

/** Accepts the request: linked to its company record, audited, the company told. */
export async function acceptRequest(
  tx: Tx,
  request: RequestRow,
  context: Context & { note: string | null },
): Promise<RequestRow> {
  const status = next('accept', request);
  const companyId = await linkCompany(tx, request, context);
  const updated = await decide(tx, request, {
    status,
    companyId,
    reviewNote: context.note,
    at: context.at,
  });
  await audit(tx, {
    at: context.at,
    actor: context.actor,
    action: 'request.accepted',
    entityType: 'request',
    entityId: request.id,
    data: { from: request.status, companyId, note: context.note },
  });
  await enqueue(tx, 'request.accepted', { now: context.at, requestId: request.id });
  return updated;
}

/** Declines the request with a reason, which the company is told. */
export async function declineRequest(
  tx: Tx,
  request: RequestRow,
  context: Context & { reason: string },
): Promise<RequestRow> {
  const status = next('decline', request);
  const updated = await decide(tx, request, {
    status,
    companyId: null,
    reviewNote: context.reason,
    at: context.at,
  });
  await audit(tx, {
    at: context.at,
    actor: context.actor,
    action: 'request.declined',
    entityType: 'request',
    entityId: request.id,
    data: { from: request.status, reason: context.reason },
  });
  await enqueue(tx, 'request.declined', { now: context.at, requestId: request.id });
  return updated;
}

function next(action: RequestAction, request: RequestRow) {
  const status = requestTransition(action, request.status);
  if (!status) {
    throw new ApiError(
      'invalid-transition',
      `A ${request.status} request cannot be ${action === 'accept' ? 'accepted' : 'declined'}; only a received one can`,
    );
  }
  return status;
}

async function decide(
  tx: Tx,
  request: RequestRow,
  change: {
    status: RequestRow['status'];
    companyId: string | null;
    reviewNote: string | null;
    at: Date;
  },
): Promise<RequestRow> {
  const [row] = await tx
    .update(requests)
    .set({
      status: change.status,
      companyId: change.companyId,
      reviewedAt: change.at,
      reviewNote: change.reviewNote,
      updatedAt: change.at,
    })
    .where(eq(requests.id, request.id))
    .returning();
  if (!row) throw new Error('request vanished under its lock');
  return row;
}
