import type { Context } from 'hono';
import { formatDateTime } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { readSignedIn, type SignedInEnv } from '../signed-in.ts';

type AuditEvent = {
  id: number;
  at: string;
  actor: { role: string; id: string | null };
  action: string;
  entityType: string;
  entityId: string;
  data: Record<string, unknown>;
};

const SHOWN = 50;

/** The audit events of some entities (a request and its visits), newest first. */
export async function auditOf(
  c: Context<SignedInEnv>,
  entities: { type: 'request' | 'session' | 'expert'; id: string }[],
): Promise<AuditEvent[]> {
  const pages = await Promise.all(
    entities.map((e) =>
      readSignedIn<{ items: AuditEvent[] }>(
        c,
        `/v1/audit?entityType=${e.type}&entityId=${e.id}&limit=${SHOWN}`,
      ),
    ),
  );
  return pages
    .flatMap((p) => p.items)
    .sort((a, b) => b.id - a.id)
    .slice(0, SHOWN);
}

/**
 * What happened, who did it and when: the audit trail as a table. With `linkVisits` (an
 * expert's trail, which spans requests) a visit's event links to its request.
 */
export function AuditTrail({
  t,
  events,
  linkVisits = false,
}: {
  t: Strings;
  events: AuditEvent[];
  linkVisits?: boolean;
}) {
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t.auditTitle}</h2>
      {events.length === 0 ? (
        <p>{t.noAudit}</p>
      ) : (
        <section class="table-wrap" aria-labelledby="audit-title" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.auditWhen}</th>
                <th scope="col">{t.auditWhat}</th>
                <th scope="col">{t.auditWho}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr>
                  <td>{formatDateTime(t, e.at)}</td>
                  <td>
                    {linkVisits && typeof e.data.requestId === 'string' ? (
                      <a href={`/staff/requests/${e.data.requestId}`}>
                        {t.auditActions[e.action] ?? e.action}
                      </a>
                    ) : (
                      (t.auditActions[e.action] ?? e.action)
                    )}
                  </td>
                  <td>{t.auditActors[e.actor.role] ?? e.actor.role}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
