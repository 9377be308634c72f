import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/types.ts';
import type { FetchFeed } from '../../src/feeds/sync.ts';
import type { Log } from '../../src/http/log.ts';
import type { ClientAddress } from '../../src/http/rate-limit.ts';
import { freshDatabase } from './database.ts';

export const STAFF_TOKEN = 'test-staff-token-0123456789';

export type Reply = { status: number; body: any; headers: Headers; text: string };

export type CallOptions = {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
};

export type TestApiOptions = {
  /**
   * How incoming calendar feeds are fetched; createApp's default (the fetch transport, which
   * checks IP literals only) when absent. Feed import tests pass Node's guarded transport.
   */
  fetchFeed?: FetchFeed;
  /** Where the app logs (silent when absent). */
  log?: Log;
  /**
   * Who a request comes from, for the rate limits. Absent, every call is in-process with no
   * address, and in-process calls are never throttled.
   */
  clientAddress?: ClientAddress;
  /** A migrated database to run on instead of a fresh one (closed with the harness). */
  database?: Database;
};

/**
 * A test harness: the real app on a fresh database, a movable clock, and `call` to make HTTP
 * requests through app.request (the same fetch handler a server runs).
 */
export async function testApi(env: Record<string, string> = {}, options: TestApiOptions = {}) {
  const database: Database = options.database ?? (await freshDatabase());
  const config = loadConfig({ STAFF_TOKEN, FEED_ALLOW_PRIVATE: 'true', ...env });
  let now = new Date('2026-11-25T00:00:00Z');
  const app = createApp({
    db: database.db,
    config,
    clock: () => now,
    ...(options.fetchFeed ? { fetchFeed: options.fetchFeed } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.clientAddress ? { clientAddress: options.clientAddress } : {}),
  });

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? STAFF_TOKEN : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  return {
    app,
    db: database.db,
    database,
    config,
    call,
    now: () => now,
    setNow: (instant: Date | string) => {
      now = new Date(instant);
    },
    close: () => database.close(),
  };
}

export type TestApi = Awaited<ReturnType<typeof testApi>>;
