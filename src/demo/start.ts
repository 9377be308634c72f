// `npm run demo`: the server on a fresh in-memory embedded database filled with the demo
// programme, and the tokens and curl lines to try it with. Nothing is written to disk, and a
// DATABASE_URL in the environment is ignored, so the demo never touches a real database.

import { serve } from '@hono/node-server';
import { createApp } from '../app.ts';
import { fetchFeedNode } from '../calendar/fetch-node.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import type { Log } from '../http/log.ts';
import { withDemoOffice } from './money.ts';
import { DEMO_HISTORY_FY, seedDemo } from './seed.ts';

const config = withDemoOffice(
  loadConfig({ ...process.env, DATABASE_URL: '', DATA_DIR: 'memory://' }),
);
const database = await openDatabase(config);
await migrate(database);

const started = performance.now();
process.stderr.write('haken demo: seeding the demo programme through the API…\n');
const summary = await seedDemo(
  { db: database.db, config },
  { issueTokens: true, progress: (message) => process.stderr.write(`  ${message}\n`) },
);
const tokens = summary.tokens;
if (!tokens) throw new Error('the demo seeding issued no tokens');
process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

// One short line a request, for a person watching the terminal.
const log: Log = (_level, message, fields = {}) => {
  if (message === 'request') {
    process.stderr.write(`${fields.method} ${fields.route} → ${fields.status} (${fields.ms} ms)\n`);
  }
};
const app = createApp({
  db: database.db,
  config,
  clock: () => new Date(),
  fetchFeed: fetchFeedNode,
  log,
});

const server = serve({ fetch: app.fetch, port: config.port, hostname: process.env.HOST }, () => {
  const base = config.publicBaseUrl;
  const staff = `-H "Authorization: Bearer ${tokens.staff}"`;
  const lines = [
    '',
    `haken demo on ${base}  (in-memory database: it goes when you stop this with Ctrl-C)`,
    `  ${summary.experts} experts, ${summary.companies} companies; FY${DEMO_HISTORY_FY}: ${summary.history.visits} visits; ` +
      `FY${summary.current.fiscalYear}: ${summary.current.visits} visits, ${summary.current.scheduled} booked, ` +
      `${summary.requests.received ?? 0} applications waiting`,
    '',
    `  staff pages    ${base}/staff  (sign in with the staff token)`,
    `  staff token    ${tokens.staff}`,
    `  expert pages   ${tokens.expert.signInUrl}  (${tokens.expert.name}; one-time link, 24 hours)`,
    `  expert token   ${tokens.expert.token}`,
    `  company token  ${tokens.company.token}  (${tokens.company.name})`,
    '',
    `  curl -s ${staff} '${base}/v1/reports/utilisation?fiscalYear=${DEMO_HISTORY_FY}'`,
    `  curl -s ${staff} '${base}/v1/reports/utilisation?fiscalYear=${DEMO_HISTORY_FY}&format=csv&breakdown=prefecture' -o fy${DEMO_HISTORY_FY}-prefecture.csv`,
    `  curl -s ${staff} '${base}/v1/reports/usage?from=2019'`,
    `  curl -s ${staff} '${base}/v1/requests?status=received'`,
    `  curl -s ${staff} '${base}/v1/requests/${tokens.company.requestId}/matches'`,
    `  curl -s -H "Authorization: Bearer ${tokens.expert.token}" '${base}/v1/me/sessions'`,
    `  curl -s -H "Authorization: Bearer ${tokens.company.token}" '${base}/v1/requests/${tokens.company.requestId}/slots'`,
    '',
    `  API documentation: ${base}/docs`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
server.on('error', (error) => {
  process.stderr.write(`haken demo: cannot listen on port ${config.port}: ${error.message}\n`);
  process.exit(1);
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
