import type { Db } from './db/types.ts';
import { forgetExpiredKeys } from './http/idempotency.ts';
import { forgetStaleFlashes } from './ui/flash.ts';

/** The hourly tidy-up (Node's interval, a Workers cron): expired idempotency keys and flashes. */
export async function housekeeping(db: Db, now: Date) {
  const [keys, flashes] = await Promise.all([
    forgetExpiredKeys(db, now),
    forgetStaleFlashes(db, now),
  ]);
  return { keys: keys.forgotten, flashes: flashes.forgotten };
}
