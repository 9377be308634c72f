import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Database } from '../../src/db/types.ts';
import { freshDatabase } from '../support/database.ts';
import { httpCall, type ServerProcess, startServer } from '../support/server.ts';
import { smokeSuite } from '../support/smoke.ts';
import { startWorker, type WorkerProcess } from '../support/worker.ts';

// The same smoke suite against both ways haken is deployed, each on a Postgres of its own.
describe('Node server', () => {
  let database: Database & { url?: string };
  let server: ServerProcess;
  beforeAll(async () => {
    database = await freshDatabase();
    server = await startServer({ env: { DATABASE_URL: database.url ?? '' } });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
  });

  it('passes the smoke suite', () => smokeSuite(httpCall(server.url)), 60_000);
});

describe('Worker (wrangler dev, workerd, Hyperdrive binding)', () => {
  let database: Database & { url?: string };
  let worker: WorkerProcess;
  beforeAll(async () => {
    database = await freshDatabase();
    worker = await startWorker(database.url ?? '');
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await database?.close();
  });

  it('passes the smoke suite', () => smokeSuite(httpCall(worker.url)), 90_000);
});
