import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle } from 'drizzle-orm/pglite';
import * as schema from './schema.ts';
import type { Database, Db } from './types.ts';

/** The embedded database: Postgres in WASM, in `dataDir` or in memory for `memory://`. */
export async function openPglite(dataDir: string): Promise<Database> {
  const client = await PGlite.create(dataDir, { extensions: { btree_gist } });
  const db = drizzle({ client, schema }) as unknown as Db;
  return { db, kind: 'pglite', close: () => client.close() };
}
