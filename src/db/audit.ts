import { auditEvents } from './schema.ts';
import type { Queryable } from './types.ts';

export type AuditEntry = {
  actor: { role: string; id: string | null };
  action: string;
  entityType: string;
  entityId: string;
  data?: Record<string, unknown>;
  /** The service's clock, like every other instant it stores (tests and the demo move it). */
  at: Date;
};

/**
 * Records a state change, or several (one statement); call it inside the transaction that
 * makes the change.
 */
export async function audit(
  q: Queryable,
  ...entries: [AuditEntry, ...AuditEntry[]]
): Promise<void> {
  await q.insert(auditEvents).values(
    entries.map((entry) => ({
      actorRole: entry.actor.role,
      actorId: entry.actor.id,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      data: entry.data ?? {},
      at: entry.at,
    })),
  );
}

/** A request whose status a change to its visit moved (its own history shows it too). */
export function requestStatusChange(
  request: { id: string; status: string },
  to: string,
  context: { at: Date; actor: AuditEntry['actor']; sessionId: string },
): AuditEntry {
  return {
    at: context.at,
    actor: context.actor,
    action: 'request.status-changed',
    entityType: 'request',
    entityId: request.id,
    data: { from: request.status, to, sessionId: context.sessionId },
  };
}
