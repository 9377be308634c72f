import { and, isNull, type SQL } from 'drizzle-orm';
import { hashSecret, newSecret } from '../../auth/secrets.ts';
import { audit } from '../../db/audit.ts';
import { tokens } from '../../db/schema.ts';
import type { Tx } from '../../db/types.ts';
import { ApiError } from '../../http/errors.ts';

/**
 * A new secret for the live token `which` selects, in place of its old one: what a replayed
 * creation hands out when its first answer carried a token, which is kept only as a hash.
 * The client gets a working token, and each token still has one live secret, whichever
 * answer the client kept.
 */
export async function reissueToken(
  tx: Tx,
  which: SQL | undefined,
  context: { prefix: string; at: Date; actor: { role: string; id: string | null } },
): Promise<string> {
  const token = newSecret(context.prefix);
  const [row] = await tx
    .update(tokens)
    .set({ hash: hashSecret(token) })
    .where(and(which, isNull(tokens.revokedAt)))
    .returning({ id: tokens.id });
  if (!row) {
    throw new ApiError(
      'invalid-transition',
      'The token this Idempotency-Key issued has been revoked since; ask without the key',
    );
  }
  await audit(tx, {
    at: context.at,
    actor: context.actor,
    action: 'token.reissued',
    entityType: 'token',
    entityId: row.id,
  });
  return token;
}
