import { and, eq, lt, sql } from 'drizzle-orm';
import { hashSecret } from '../auth/secrets.ts';
import { idempotencyKeys } from '../db/schema.ts';
import { transaction } from '../db/transaction.ts';
import type { Db, Tx } from '../db/types.ts';
import { HOUR_MS } from '../domain/time.ts';
import { ApiError, invalid } from './errors.ts';

export type Outcome<T> = { status: 201 | 200; body: T; replayed: boolean };

/**
 * A key's scope: the route and who calls it, so one caller's key never answers another's
 * request. (An application has no caller yet; its route alone is its scope.)
 */
export function callerScope(route: string, actor: { role: string; id: string | null }): string {
  return `${route} by ${actor.role}:${actor.id ?? 'bootstrap'}`;
}

/** How long a key is honoured: a client retrying after a day means a new attempt. */
export const IDEMPOTENCY_KEY_HOURS = 24;

/**
 * Runs a creating `work` in one transaction, at most once per Idempotency-Key. The key row is
 * inserted first in the same transaction: a concurrent twin waits on its unique index and then
 * replays the committed answer; a failed attempt rolls back and leaves the key free to retry.
 * An answer holding a secret the service keeps only hashed is stored as `stored` instead (the
 * secret's nonce, say), and `replayed` turns that back into the answer, in the replay's
 * transaction.
 */
export async function idempotent<T, S = T>(
  db: Db,
  input: { key: string | undefined; scope: string; body: unknown; now: Date },
  work: (tx: Tx) => Promise<{ status: 201 | 200; body: T; stored?: S }>,
  replayed: (tx: Tx, stored: S) => Promise<T> = async (_, stored) => stored as unknown as T,
): Promise<Outcome<T>> {
  if (input.key === undefined) {
    const { status, body } = await transaction(db, work);
    return { status, body, replayed: false };
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(input.key)) {
    throw invalid('Idempotency-Key', 'must be 1–255 visible ASCII characters');
  }
  const key = input.key;
  const requestHash = hashSecret(JSON.stringify(input.body ?? null));
  return transaction(db, async (tx) => {
    // An expired key is claimed afresh, whether or not housekeeping has deleted it yet.
    const fresh = { requestHash, status: 0, body: {}, createdAt: input.now };
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({ scope: input.scope, key, ...fresh })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.key],
        set: fresh,
        where: lt(idempotencyKeys.createdAt, expiredBefore(input.now)),
      })
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const first = await replay<S>(tx, input.scope, key, requestHash);
      return { status: first.status, body: await replayed(tx, first.body), replayed: true };
    }
    const result = await work(tx);
    const stored = result.stored ?? result.body;
    await tx
      .update(idempotencyKeys)
      .set({ status: result.status, body: sql`${JSON.stringify(stored)}::jsonb` })
      .where(and(eq(idempotencyKeys.scope, input.scope), eq(idempotencyKeys.key, key)));
    return { status: result.status, body: result.body, replayed: false };
  });
}

async function replay<S>(tx: Tx, scope: string, key: string, requestHash: string) {
  const [row] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  if (!row || row.status === 0) {
    throw new ApiError('idempotency-in-progress', 'Retry once the first request has finished');
  }
  if (row.requestHash !== requestHash) {
    throw new ApiError(
      'idempotency-key-reused',
      'This Idempotency-Key was used with a different body',
    );
  }
  return { status: row.status as 201 | 200, body: row.body as S };
}

/** Deletes the keys no longer honoured; returns how many. */
export async function forgetExpiredKeys(db: Db, now: Date): Promise<{ forgotten: number }> {
  const gone = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, expiredBefore(now)))
    .returning({ key: idempotencyKeys.key });
  return { forgotten: gone.length };
}

function expiredBefore(now: Date): Date {
  return new Date(now.getTime() - IDEMPOTENCY_KEY_HOURS * HOUR_MS);
}
