import type { Config } from '../config.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Database } from './types.ts';

/** Postgres when DATABASE_URL is set, otherwise the embedded PGlite database in DATA_DIR. */
export function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'databasePoolMax' | 'dataDir'>,
): Promise<Database> {
  if (config.databaseUrl) {
    return Promise.resolve(openPostgres(config.databaseUrl, { max: config.databasePoolMax }));
  }
  return openPglite(config.dataDir);
}
