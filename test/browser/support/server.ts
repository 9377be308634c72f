import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { migrate } from '../../../src/db/migrate.ts';
import { openPglite } from '../../../src/db/pglite.ts';
import type { Database } from '../../../src/db/types.ts';
import { seedDemo } from '../../../src/demo/seed.ts';
import { freshPostgres } from '../../support/database.ts';
import { type ServerProcess, startServer } from '../../support/server.ts';

export type Engine = 'pglite' | 'postgres';

/** The engines the browser suites run on: the embedded one always, Postgres when given. */
export const engines: Engine[] = process.env.TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

/**
 * The real server process on 127.0.0.1 with a database of its own: embedded in a temporary
 * DATA_DIR, or a fresh Postgres database; with `demo`, the demo programme (FY2021: 82 visits)
 * is seeded into it first.
 */
export async function pageServer(options: {
  demo: boolean;
  engine?: Engine;
  env?: Record<string, string>;
  /** Data of the suite's own, written before the server starts (a visit in the past, say). */
  seed?: (database: Database) => Promise<void>;
}): Promise<ServerProcess> {
  const engine = options.engine ?? 'pglite';
  const seed = async (database: Database) => {
    if (options.demo) await seedDemo({ db: database.db, config: loadConfig({}) });
    await options.seed?.(database);
  };
  if (engine === 'postgres') {
    const database = await freshPostgres();
    await seed(database);
    const server = await startServer({
      env: { DATABASE_URL: database.url, ...options.env },
      readyTimeoutMs: 60_000,
    });
    return {
      ...server,
      stop: async () => {
        const code = await server.stop();
        await database.close();
        return code;
      },
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'haken-browser-'));
  const database = await openPglite(dataDir);
  await migrate(database);
  await seed(database);
  await database.close();
  const server = await startServer({
    env: { DATA_DIR: dataDir, ...options.env },
    readyTimeoutMs: 60_000,
  });
  return {
    ...server,
    stop: async () => {
      const code = await server.stop();
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
