import { and, desc, eq, isNull } from 'drizzle-orm';
import { tokens } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import { replayableSecrets } from './replayable-secret.ts';

/** How a company's access token begins (staff `hks_`, experts `hke_`, feeds `hkf_`). */
export const COMPANY_TOKEN_PREFIX = 'hkc';

/**
 * The company's status page, /r/<accessToken>, for the messages the office sends it. Its
 * token's row keeps the secret's nonce beside its hash, as a feed's does, so the link can be
 * written into a message when it is sent, long after the application: the secret itself is in
 * no table, and with FEED_SECRET set no copy of the database gives it. None once the request's
 * tokens are revoked.
 */
export async function companyStatusUrl(
  db: Db,
  config: { feedSecret: string | undefined; publicBaseUrl: string },
  requestId: string,
): Promise<string | undefined> {
  const [live] = await db
    .select({ nonce: tokens.nonce })
    .from(tokens)
    .where(
      and(eq(tokens.requestId, requestId), eq(tokens.role, 'company'), isNull(tokens.revokedAt)),
    )
    .orderBy(desc(tokens.createdAt))
    .limit(1);
  if (!live?.nonce) return undefined;
  const secrets = await replayableSecrets(db, config.feedSecret);
  return `${config.publicBaseUrl}/r/${await secrets.again(COMPANY_TOKEN_PREFIX, live.nonce)}`;
}
