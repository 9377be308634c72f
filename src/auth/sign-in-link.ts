import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { audit } from '../db/audit.ts';
import { tokens } from '../db/schema.ts';
import type { Db, Queryable } from '../db/types.ts';
import { HOUR_MS } from '../domain/time.ts';
import { replayableSecrets } from './replayable-secret.ts';
import { hashSecret, newSecret } from './secrets.ts';
import type { WebSessionSubject } from './web-session.ts';

// One-time sign-in links: an expert's (staff invite them, or they ask for one by email) and,
// on a service with no staff token yet, the first staff member's. The link's secret is
// HMAC(key, nonce) (src/auth/replayable-secret.ts), so its email can be written when sent while
// the table keeps only the nonce and the hash; it works once, for 24 hours.

export const SIGN_IN_LINK_MS = 24 * HOUR_MS;
const PREFIX = 'hki';

export type SignInLink = { tokenId: string; expiresAt: Date };

/** Issues a link for `expertId` (null: staff), in the caller's transaction. */
export async function issueSignInLink(
  q: Queryable,
  expertId: string | null,
  context: { now: Date; secrets: Awaited<ReturnType<typeof replayableSecrets>>; label: string },
): Promise<SignInLink & { secret: string }> {
  const { secret, nonce } = await context.secrets.fresh(PREFIX);
  const expiresAt = new Date(context.now.getTime() + SIGN_IN_LINK_MS);
  const [row] = await q
    .insert(tokens)
    .values({
      hash: hashSecret(secret),
      role: 'sign-in',
      expertId,
      nonce,
      label: context.label,
      createdAt: context.now,
      expiresAt,
    })
    .returning({ id: tokens.id });
  if (!row) throw new Error('sign-in link insert returned no row');
  return { tokenId: row.id, expiresAt, secret };
}

/** Where a link's secret signs in: the expert workspace, or the staff one. */
export function signInPath(expertId: string | null, secret: string): string {
  return `${expertId ? '/expert' : '/staff'}/sign-in/${secret}`;
}

/**
 * The URL of a link not yet used nor expired, for its email as it is sent; undefined once it
 * is of no use.
 */
export async function liveSignInUrl(
  db: Db,
  config: { feedSecret: string | undefined; publicBaseUrl: string },
  tokenId: string,
  now: Date,
): Promise<string | undefined> {
  const [row] = await db
    .select({ nonce: tokens.nonce, expertId: tokens.expertId })
    .from(tokens)
    .where(and(eq(tokens.id, tokenId), ...live(now)));
  if (!row?.nonce) return undefined;
  const secrets = await replayableSecrets(db, config.feedSecret);
  return `${config.publicBaseUrl}${signInPath(row.expertId, await secrets.again(PREFIX, row.nonce))}`;
}

/**
 * Uses a link up (two browsers following it at once: one wins) and says whom to sign in: the
 * expert, or for a staff link a new staff token the session will rest on (revoking it, as any
 * token, ends the session). Null for an unknown, used or expired link.
 */
export async function redeemSignInLink(
  db: Db,
  secret: string,
  now: Date,
): Promise<WebSessionSubject | null> {
  if (!secret.startsWith(`${PREFIX}_`)) return null;
  return db.transaction(async (tx) => {
    const [used] = await tx
      .update(tokens)
      .set({ revokedAt: now, lastUsedAt: now })
      .where(and(eq(tokens.hash, hashSecret(secret)), ...live(now)))
      .returning({ id: tokens.id, expertId: tokens.expertId });
    if (!used) return null;
    if (used.expertId) return { role: 'expert', expertId: used.expertId };
    // The session's own token: a random secret nobody is shown, since the browser holds only
    // its session cookie.
    const [issued] = await tx
      .insert(tokens)
      .values({
        hash: hashSecret(newSecret('hks')),
        role: 'staff',
        label: 'signed in with a one-time link',
        createdAt: now,
      })
      .returning({ id: tokens.id });
    if (!issued) throw new Error('staff token insert returned no row');
    await audit(tx, {
      at: now,
      actor: { role: 'sign-in-link', id: used.id },
      action: 'token.issued',
      entityType: 'token',
      entityId: issued.id,
      data: { role: 'staff' },
    });
    return { role: 'staff', tokenId: issued.id };
  });
}

/** Whether a staff member can sign in at all: a bootstrap token, or a live staff token. */
export async function hasStaffAccess(db: Db, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: tokens.id })
    .from(tokens)
    .where(
      and(
        eq(tokens.role, 'staff'),
        isNull(tokens.revokedAt),
        sql`(${tokens.expiresAt} is null or ${tokens.expiresAt} > ${now.toISOString()})`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

function live(now: Date) {
  return [eq(tokens.role, 'sign-in'), isNull(tokens.revokedAt), gt(tokens.expiresAt, now)];
}

/**
 * On a service nobody can sign in to as staff yet (no STAFF_TOKEN, no live staff token): a
 * fresh one-time staff sign-in link, the earlier unused ones revoked, for the server to print
 * when it starts. Null when staff can sign in already.
 */
export async function firstStaffLink(
  db: Db,
  config: { staffToken: string | undefined; feedSecret: string | undefined; publicBaseUrl: string },
  now: Date,
): Promise<string | null> {
  if (config.staffToken || (await hasStaffAccess(db, now))) return null;
  const secrets = await replayableSecrets(db, config.feedSecret);
  return db.transaction(async (tx) => {
    await tx
      .update(tokens)
      .set({ revokedAt: now })
      .where(and(isNull(tokens.expertId), ...live(now)));
    const link = await issueSignInLink(tx, null, { now, secrets, label: 'first start' });
    return `${config.publicBaseUrl}${signInPath(null, link.secret)}`;
  });
}

/** The expert's newest link still of use, for staff to pass on after an invitation. */
export async function latestSignInUrl(
  db: Db,
  config: { feedSecret: string | undefined; publicBaseUrl: string },
  expertId: string,
  now: Date,
): Promise<string | undefined> {
  const [row] = await db
    .select({ id: tokens.id })
    .from(tokens)
    .where(and(eq(tokens.expertId, expertId), ...live(now)))
    .orderBy(desc(tokens.createdAt))
    .limit(1);
  return row ? liveSignInUrl(db, config, row.id, now) : undefined;
}
