import { drizzle } from 'drizzle-orm/postgres-js';
import postgres, { type TransactionSql } from 'postgres';
import { isUnavailable, sqlState } from './errors.ts';
import * as schema from './schema.ts';
import type { Database, Db } from './types.ts';

export type PostgresOptions = {
  max?: number;
  fetchTypes?: boolean;
  /**
   * Send queries as named prepared statements (default). drizzle asks postgres.js for unnamed
   * ones (drizzle-orm#6096), and postgres.js describes an unnamed statement with parameters
   * before it runs it: two round trips each, and nothing pipelines behind it. A named one is
   * described once per connection, then costs one round trip and pipelines. Off for a client
   * that lives for one request (Workers), where nothing would be reused.
   */
  namedStatements?: boolean;
  /** Called with each statement's SQL as it is sent, in order (query logs; tests read it). */
  onQuery?: (query: string) => void;
};

/** Postgres through postgres.js; used by the Node server with DATABASE_URL and by Workers. */
export function openPostgres(url: string, options: PostgresOptions = {}): Database {
  const named = options.namedStatements ?? true;
  const client = postgres(url, {
    max: options.max ?? 10,
    fetch_types: options.fetchTypes ?? true,
    onnotice: () => {},
    // A stopped database must fail requests quickly (503), not hang them: a connection
    // attempt gives up after 5 s, and a closed connection is retried after at most half a
    // second (postgres.js backs off up to 20 s by default, and every request waiting for a
    // connection waits that long too).
    connect_timeout: 5,
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5),
    connection: {
      // Prepared statements keep the plans unnamed ones get: planned for their parameters each
      // time, never a generic plan that suits one range of dates and not another.
      ...(named && { plan_cache_mode: 'force_custom_plan' }),
      // Matching's per-expert subqueries add up, over thousands of experts, to a cost past
      // jit_above_cost, and compiling them took longer (~150 ms) than running them (~20 ms).
      jit: 'off',
    },
    ...(options.onQuery && { debug: (_: number, query: string) => options.onQuery?.(query) }),
  });
  const db = drizzle({ client: withSafeTransactions(client, named), schema }) as unknown as Db;
  return { db, kind: 'postgres', url, close: () => client.end({ timeout: 5 }) };
}

type Client = ReturnType<typeof postgres>;

/**
 * postgres.js 3.4 crashes the whole process when something is written to a connection whose
 * socket has closed (porsager/postgres#1154, #1208; fixes not released): its `begin` writes
 * ROLLBACK after the transaction's callback fails, and a callback whose connection closed
 * while it was between queries writes its next query. Both happen whenever the database goes
 * away under open transactions (a restart, a failover), so here `begin` is wrapped: once the
 * connection is lost, the transaction's queries fail without touching it, and a callback that
 * failed for that reason is left unsettled, so postgres.js never writes its ROLLBACK (Postgres
 * rolls back a transaction whose connection is gone by itself). The caller gets the connection
 * error at once, which the API answers as 503.
 */
function withSafeTransactions(client: Client, named: boolean): Client {
  const begin = async <T>(work: (tx: TransactionSql) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      let started = false;
      try {
        return await beginOnce(client, named, (tx) => {
          started = true;
          return work(tx);
        });
      } catch (error) {
        // A connection the server ended replays that goodbye (57P01) to the first query it
        // sends once reconnected (postgres.js keeps the error across the reconnect). That
        // query was our BEGIN, so nothing ran: safe to begin once more.
        if (started || attempt > 1 || sqlState(error) !== ADMIN_SHUTDOWN) throw error;
      }
    }
  };
  const unsafe = prepared(client.unsafe.bind(client), named);
  return new Proxy(client, {
    get: (target, property) =>
      property === 'begin' ? begin : property === 'unsafe' ? unsafe : Reflect.get(target, property),
  });
}

const ADMIN_SHUTDOWN = '57P01';

/** `unsafe` with drizzle's `prepare: false` replaced by `named`. */
function prepared<F extends (query: string, params?: never, options?: object) => unknown>(
  unsafe: F,
  named: boolean,
): F {
  return ((query: string, params?: never, options?: object) =>
    unsafe(query, params, { ...options, prepare: named })) as F;
}

function beginOnce<T>(
  client: Client,
  named: boolean,
  work: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  let lost: unknown;
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const guarded = (tx: TransactionSql) =>
    new Proxy(tx, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        if (property !== 'unsafe' || typeof value !== 'function') return value;
        const unsafe = prepared(value.bind(target), named);
        return (...args: Parameters<typeof unsafe>) => {
          if (lost !== undefined) throw lost;
          return unsafe(...args);
        };
      },
    });
  const began = client.begin(async (tx) => {
    try {
      return await work(guarded(tx));
    } catch (error) {
      if (lost === undefined && !isUnavailable(error)) throw error;
      lost ??= error;
      fail(lost);
      return new Promise<never>(() => {});
    }
  }) as Promise<T>;
  // postgres.js rejects `begin` as soon as the connection closes, even between queries.
  began.catch((error) => {
    if (isUnavailable(error)) lost ??= error;
  });
  return Promise.race([began, failed]);
}
