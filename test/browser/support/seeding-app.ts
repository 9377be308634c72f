import { createApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/types.ts';
import { STAFF_TOKEN } from '../../support/api.ts';

/**
 * The app in-process over a suite's database before its server starts, on a clock the seed
 * moves (`clock.now`): visits are booked in the past this way, as the API would have taken
 * them then. `call` sends JSON as staff (or with `token`; '' for none) and throws on an error.
 */
export function seedingApp(database: Database, env: Record<string, string>, startAt: number) {
  const clock = { now: startAt, date: () => new Date(clock.now) };
  const app = createApp({
    db: database.db,
    config: loadConfig({ STAFF_TOKEN, ...env }),
    clock: clock.date,
  });
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token = STAFF_TOKEN,
  ): Promise<any> => {
    const res = await app.request(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  return { call, clock };
}
