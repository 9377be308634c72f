import { mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { firstStaffLink } from './auth/sign-in-link.ts';
import { fetchFeedNode } from './calendar/fetch-node.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { HOUR_MS, MINUTE_MS } from './domain/time.ts';
import { syncDueFeeds } from './feeds/sync.ts';
import { housekeeping } from './housekeeping.ts';
import { jsonLog } from './http/log.ts';
import { socketAddress } from './http/socket-address.ts';
import { startDispatcher } from './notify/dispatcher.ts';
import { smtpMailer } from './notify/smtp.ts';
import { nodeWebhookTransport } from './notify/webhook-transport-node.ts';
import { warmCalendars } from './routes/requests/candidates.ts';
import { startEvery } from './schedule.ts';

const SHUTDOWN_GRACE_MS = 10_000;

const config = loadConfig(process.env);
if (!config.databaseUrl && !config.dataDir.startsWith('memory://')) {
  mkdirSync(config.dataDir, { recursive: true });
}
const database = await openDatabase(config);
await migrate(database);

const deps = { db: database.db, config, clock: () => new Date(), fetchFeed: fetchFeedNode };
const app = createApp({ ...deps, log: jsonLog, clientAddress: socketAddress });
const server = serve(
  { fetch: app.fetch, port: config.port, hostname: process.env.HOST },
  (info) => {
    jsonLog('info', 'listening', {
      port: info.port,
      database: database.kind === 'postgres' ? 'postgres' : `pglite:${config.dataDir}`,
    });
  },
);

// Matching keeps the experts' busy time in memory (src/routes/requests/calendars.ts): it is
// read now, in the background, so that the first requests do not wait for it.
warmCalendars(database.db, deps.clock(), config).then(
  (read) => jsonLog('info', 'calendars read', read),
  (error: unknown) => jsonLog('error', 'calendars not read', { error: String(error) }),
);

// The first minute: on a service nobody can sign in to as staff yet, a one-time link to do so.
// Printed to the terminal only (never logged as JSON): it is a credential for its 24 hours.
const firstLink = await firstStaffLink(database.db, config, deps.clock());
if (firstLink) {
  process.stdout.write(
    `\nNo staff token exists yet. Sign in as staff within 24 hours, once, at:\n  ${firstLink}\n` +
      'Then issue tokens there, or with: npm run cli -- token create --role staff\n\n',
  );
}

// Each feed is due FEED_SYNC_MINUTES after its last fetch; looking every minute spreads the
// fetches over the interval instead of all at once, whatever the number of processes.
const feedSync = startEvery(
  Math.min(config.feedSyncMinutes, 1) * MINUTE_MS,
  'feed sync',
  async () => {
    const result = await syncDueFeeds(deps);
    return result.synced + result.failed > 0 ? result : null;
  },
  jsonLog,
);
const tidying = startEvery(
  HOUR_MS,
  'housekeeping',
  () => housekeeping(deps.db, deps.clock()),
  jsonLog,
);
// Without SMTP_URL email is off: its outbox rows are kept, pending, and webhooks still go out.
const dispatcher = startDispatcher(
  {
    ...deps,
    mailer: config.smtpUrl ? smtpMailer(config.smtpUrl) : null,
    webhookTransport: nodeWebhookTransport,
    log: jsonLog,
  },
  config.notifyIntervalSeconds * 1000,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  jsonLog('info', 'shutting down', { signal });
  // Stop accepting, let in-flight requests finish (bounded), then close the database.
  const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
  force.unref();
  await feedSync.stop();
  await tidying.stop();
  await dispatcher.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
