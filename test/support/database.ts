import postgres from 'postgres';
import { migrate } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import type { Database } from '../../src/db/types.ts';

/** Which engine this test project runs on (see vitest.config.ts). */
export const engine = process.env.HAKEN_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new database on
 * the TEST_DATABASE_URL server, dropped again by `close`.
 */
export async function freshDatabase(): Promise<Database & { url?: string }> {
  if (engine === 'pglite') {
    const database = await openPglite('memory://');
    await migrate(database);
    return database;
  }
  return freshPostgres();
}

/** A new, migrated database on the TEST_DATABASE_URL server, dropped again by `close`. */
export async function freshPostgres(): Promise<Database & { url: string }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('a Postgres test database needs TEST_DATABASE_URL');
  const name = `haken_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 20 });
  await migrate(database);
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
