import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Context } from 'hono';
import { hashSecret } from '../../auth/secrets.ts';
import { tokens } from '../../db/schema.ts';
import type { UiEnv } from '../context.ts';

const TOKEN = /^[A-Za-z0-9._~+=-]{1,200}$/;

/**
 * Which request the status link's token (the `:token` of /r/:token) belongs to. Only the
 * lookup: every call the page then makes sends the token as the bearer, and the API
 * authorises it as it would any client. An unknown link counts as a failed credential, so
 * links cannot be guessed at speed (src/http/rate-limit.ts).
 */
export async function requestIdOfLink(c: Context<UiEnv>): Promise<string | null> {
  const token = c.req.param('token') ?? '';
  const { db, clock } = c.get('deps');
  const [row] = TOKEN.test(token)
    ? await db
        .select({ requestId: tokens.requestId })
        .from(tokens)
        .where(
          and(
            eq(tokens.hash, hashSecret(token)),
            eq(tokens.role, 'company'),
            isNull(tokens.revokedAt),
            or(isNull(tokens.expiresAt), gt(tokens.expiresAt, clock())),
          ),
        )
        .limit(1)
    : [];
  if (!row?.requestId) c.set('credentialRefused', true);
  return row?.requestId ?? null;
}
