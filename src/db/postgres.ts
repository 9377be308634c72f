import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';
import type { Database, Db } from './types.ts';

export type PostgresOptions = { max?: number; fetchTypes?: boolean };

/** Postgres through postgres.js; used by the Node server with DATABASE_URL and by Workers. */
export function openPostgres(url: string, options: PostgresOptions = {}): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    fetch_types: options.fetchTypes ?? true,
    onnotice: () => {},
    // A stopped database must fail requests quickly (503), not hang them.
    connect_timeout: 5,
  });
  const db = drizzle({ client, schema }) as unknown as Db;
  return { db, kind: 'postgres', url, close: () => client.end({ timeout: 5 }) };
}
