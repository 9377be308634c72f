import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { migrate } from '../../../src/db/migrate.ts';
import { openPglite } from '../../../src/db/pglite.ts';
import { seedDemo } from '../../../src/demo/seed.ts';
import { type ServerProcess, startServer } from '../../support/server.ts';

/**
 * The real server process on 127.0.0.1 with its own embedded database in a temporary
 * DATA_DIR; with `demo`, the demo programme (FY2021: 82 visits) is seeded into it first.
 */
export async function pageServer(options: { demo: boolean }): Promise<ServerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'haken-browser-'));
  if (options.demo) {
    const database = await openPglite(dataDir);
    await migrate(database);
    await seedDemo({ db: database.db, config: loadConfig({}) });
    await database.close();
  }
  const server = await startServer({ env: { DATA_DIR: dataDir }, readyTimeoutMs: 60_000 });
  return {
    ...server,
    stop: async () => {
      const code = await server.stop();
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
