import { isRetryable } from './errors.ts';
import type { Db, Tx } from './types.ts';

const MAX_ATTEMPTS = 5;

/**
 * Runs `work` in a transaction, retrying serialization failures and deadlocks a bounded
 * number of times, so a client sees a real conflict (409) and never a transient 500.
 */
export async function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
    }
  }
}
