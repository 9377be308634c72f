import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import { migrate } from '../../src/db/migrate.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import * as schema from '../../src/db/schema.ts';
import type { Database, Db } from '../../src/db/types.ts';

export const adminUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

export type BenchPostgres = Database & { kind: 'postgres'; url: string; name: string };

// Databases not yet dropped, so a run stopped at its time limit still cleans up after itself.
const live = new Map<string, () => Promise<void>>();

/** Drops every bench database still open (for a run that stops early). */
export async function dropAll(): Promise<void> {
  await Promise.allSettled([...live.values()].map((close) => close()));
}

/** A new, migrated database on the bench Postgres server; `close` drops it again. */
export async function freshPostgres(label: string, max = 10): Promise<BenchPostgres> {
  const name = `haken_bench_${label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  await admin((sql) => sql.unsafe(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max });
  const close = async () => {
    live.delete(name);
    await database.close();
    await admin((sql) => sql.unsafe(`drop database if exists ${name} with (force)`));
  };
  live.set(name, close);
  await migrate(database);
  return { ...database, kind: 'postgres', url: url.toString(), name, close };
}

async function admin(work: (sql: postgres.Sql) => Promise<unknown>) {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await work(sql);
  } finally {
    await sql.end();
  }
}

export type BenchPglite = Database & { kind: 'pglite'; client: PGlite };

/**
 * A migrated PGlite, in memory unless `dataDir` is given (as src/db/pglite.ts opens it), with
 * the client kept so the bench can dump it into a directory for a server process.
 */
export async function freshPglite(
  dataDir = 'memory://',
  loadDataDir?: Blob | File,
): Promise<BenchPglite> {
  const client = await PGlite.create(dataDir, {
    extensions: { btree_gist },
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  const db = drizzle({ client, schema }) as unknown as Db;
  const database: BenchPglite = { db, kind: 'pglite', client, close: () => client.close() };
  await migrate(database);
  return database;
}

/** Copies an in-memory PGlite into `dataDir`, where a server process can open it. */
export async function pgliteToDirectory(source: BenchPglite, dataDir: string): Promise<void> {
  const tarball = await source.client.dumpDataDir('none');
  const copy = await PGlite.create(dataDir, { extensions: { btree_gist }, loadDataDir: tarball });
  await copy.close();
}
