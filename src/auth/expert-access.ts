import { and, eq, inArray, isNull } from 'drizzle-orm';
import { type AuditEntry, audit } from '../db/audit.ts';
import { tokens, webSessions } from '../db/schema.ts';
import type { Tx } from '../db/types.ts';

type Context = { at: Date; actor: AuditEntry['actor'] };

/**
 * Ends what an expert can reach the service with: with `tokens`, their bearer tokens and
 * browser sign-ins too (deactivating the expert); always their subscription feed, whose URL is
 * a secret of its own that would otherwise go on serving their visits. Audited on the expert.
 */
export async function endExpertAccess(
  tx: Tx,
  expertId: string,
  scope: 'feed' | 'everything',
  context: Context,
): Promise<void> {
  const roles = scope === 'everything' ? (['expert', 'feed'] as const) : (['feed'] as const);
  const revoked = await tx
    .update(tokens)
    .set({ revokedAt: context.at })
    .where(
      and(
        eq(tokens.expertId, expertId),
        inArray(tokens.role, [...roles]),
        isNull(tokens.revokedAt),
      ),
    )
    .returning({ id: tokens.id, role: tokens.role });
  const ended =
    scope === 'everything'
      ? await tx
          .update(webSessions)
          .set({ endedAt: context.at })
          .where(and(eq(webSessions.expertId, expertId), isNull(webSessions.endedAt)))
          .returning({ id: webSessions.id })
      : [];
  if (revoked.length === 0 && ended.length === 0) return;
  await audit(tx, {
    at: context.at,
    actor: context.actor,
    action: 'expert.access-ended',
    entityType: 'expert',
    entityId: expertId,
    data: {
      tokens: revoked.filter((t) => t.role === 'expert').length,
      feeds: revoked.filter((t) => t.role === 'feed').length,
      webSessions: ended.length,
    },
  });
}
