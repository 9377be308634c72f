import { and, eq, isNull } from 'drizzle-orm';
import { hashSecret } from '../../auth/secrets.ts';
import { tokens } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';

const TOKEN = /^[A-Za-z0-9._~+=-]{1,200}$/;

/**
 * Which request a status link's token belongs to. Only the lookup: every call the page then
 * makes sends the token as the bearer, and the API authorises it as it would any client.
 */
export async function requestIdOfToken(q: Queryable, token: string): Promise<string | null> {
  if (!TOKEN.test(token)) return null;
  const [row] = await q
    .select({ requestId: tokens.requestId })
    .from(tokens)
    .where(
      and(eq(tokens.hash, hashSecret(token)), eq(tokens.role, 'company'), isNull(tokens.revokedAt)),
    )
    .limit(1);
  return row?.requestId ?? null;
}
