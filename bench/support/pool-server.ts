// What-if server for the booking bench: src/node.ts's app, but with the Postgres pool size from
// POOL_MAX (the server's is fixed at 10) and, with NAMED_STATEMENTS=1, drizzle's queries sent
// as named prepared statements. drizzle calls postgres.js's `unsafe()` with prepare: false
// (drizzle-orm#6096), so every query with parameters costs two round trips (Parse/Describe,
// wait, Bind/Execute) and none can be pipelined; a named statement costs one once prepared.
import { serve } from '@hono/node-server';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import * as schema from '../../src/db/schema.ts';
import type { Db } from '../../src/db/types.ts';
import { jsonLog } from '../../src/http/log.ts';

const config = loadConfig(process.env);
if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
const client = postgres(config.databaseUrl, {
  max: Number(process.env.POOL_MAX ?? 10),
  onnotice: () => {},
  connect_timeout: 5,
});
const db = drizzle({
  client: process.env.NAMED_STATEMENTS === '1' ? namedStatements(client) : client,
  schema,
}) as unknown as Db;
const app = createApp({ db, config, clock: () => new Date(), log: jsonLog });
serve({ fetch: app.fetch, port: config.port, hostname: process.env.HOST }, () => {
  jsonLog('info', 'listening', { port: config.port });
});

/** The client, and each transaction's client, sending every `unsafe()` query prepared. */
function namedStatements(sql: postgres.Sql): postgres.Sql {
  const unsafe = sql.unsafe.bind(sql);
  sql.unsafe = ((query: string, params?: unknown[], options?: object) =>
    unsafe(query, params as never, { ...options, prepare: true })) as typeof sql.unsafe;
  // A transaction's client has no `begin` (it nests with `savepoint`).
  if (typeof sql.begin !== 'function') return sql;
  const begin = sql.begin.bind(sql) as (...args: unknown[]) => Promise<unknown>;
  sql.begin = ((...args: unknown[]) => {
    const work = args.pop() as (tx: postgres.Sql) => unknown;
    return begin(...args, (tx: postgres.Sql) => work(namedStatements(tx)));
  }) as typeof sql.begin;
  return sql;
}
