import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database } from './types.ts';

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));
// Several server processes may start at once against one Postgres; one migrates, the rest wait.
const MIGRATION_LOCK = 727_274_001;

/** Applies drizzle/ migrations (generated and hand-written) to either driver. */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  // The advisory lock is held by one session, so the migrator gets a connection of its own.
  const client = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const db = drizzle({ client });
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    await migratePostgres(db, { migrationsFolder });
    await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
  } finally {
    await client.end();
  }
}
