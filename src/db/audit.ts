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

/** Records a state change; call it inside the transaction that makes the change. */
export async function audit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.insert(auditEvents).values({
    actorRole: entry.actor.role,
    actorId: entry.actor.id,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    data: entry.data ?? {},
    at: entry.at,
  });
}
