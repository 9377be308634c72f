import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { experts, tokens, webSessions } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import { HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import type { Principal } from '../http/context.ts';
import { base64url } from './base64url.ts';
import { hashSecret } from './secrets.ts';

// A browser's sign-in, kept on the server: the cookie holds a random secret (no bearer token the
// API would take), the table its hash. A session ends when signed out, 8 hours after it began,
// after an hour unseen, or with what it rests on: the token staff signed in with (revoked or
// expired), the bootstrap STAFF_TOKEN (unset), the expert (deactivated).

export const SESSION_MS = 8 * HOUR_MS;
export const IDLE_MS = 60 * MINUTE_MS;

export type WebSessionSubject =
  | { role: 'staff'; tokenId: string | null }
  | { role: 'viewer'; tokenId: string }
  | { role: 'expert'; expertId: string };

/** Starts a session and returns the secret for the cookie (shown nowhere else). */
export async function startWebSession(
  db: Db,
  subject: WebSessionSubject,
  now: Date,
): Promise<string> {
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  await db.insert(webSessions).values({
    hash: hashSecret(secret),
    role: subject.role,
    tokenId: subject.role === 'expert' ? null : subject.tokenId,
    expertId: subject.role === 'expert' ? subject.expertId : null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_MS),
  });
  return secret;
}

/**
 * The principal of a live session, seen now (which keeps it from idling out); null when the
 * secret is unknown or its session has ended, in one statement.
 */
export async function resolveWebSession(
  db: Db,
  secret: string,
  now: Date,
  options: { bootstrapStaff: boolean },
): Promise<Principal | null> {
  const [row] = await db
    .update(webSessions)
    .set({ lastSeenAt: now })
    .where(
      and(
        eq(webSessions.hash, hashSecret(secret)),
        isNull(webSessions.endedAt),
        gt(webSessions.expiresAt, now),
        gt(webSessions.lastSeenAt, new Date(now.getTime() - IDLE_MS)),
        or(
          isNull(webSessions.tokenId),
          sql`exists (select 1 from ${tokens} where ${tokens.id} = ${webSessions.tokenId}
                and ${tokens.revokedAt} is null
                and (${tokens.expiresAt} is null or ${tokens.expiresAt} > ${now.toISOString()}))`,
        ),
        or(
          isNull(webSessions.expertId),
          sql`exists (select 1 from ${experts} where ${experts.id} = ${webSessions.expertId}
                and ${experts.active})`,
        ),
      ),
    )
    .returning({
      role: webSessions.role,
      tokenId: webSessions.tokenId,
      expertId: webSessions.expertId,
    });
  if (!row) return null;
  if (row.role === 'expert' && row.expertId) {
    return { role: 'expert', tokenId: null, expertId: row.expertId };
  }
  if (row.role === 'staff' && (row.tokenId || options.bootstrapStaff)) {
    return { role: 'staff', tokenId: row.tokenId };
  }
  if (row.role === 'viewer' && row.tokenId) return { role: 'viewer', tokenId: row.tokenId };
  return null;
}

/** Ends the session behind `secret` (signing out); a no-op for an unknown one. */
export async function endWebSession(db: Db, secret: string, now: Date): Promise<void> {
  await db
    .update(webSessions)
    .set({ endedAt: now })
    .where(and(eq(webSessions.hash, hashSecret(secret)), isNull(webSessions.endedAt)));
}
