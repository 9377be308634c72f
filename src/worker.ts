import type {
  ExecutionContext,
  ExportedHandler,
  Hyperdrive,
  ScheduledController,
} from '@cloudflare/workers-types/index.ts';
import { z } from 'zod';
import { createAppWith } from './app.ts';
import { fetchFeedWeb } from './calendar/fetch-web.ts';
import { type Config, loadConfig } from './config.ts';
import { openPostgres } from './db/postgres.ts';
import { syncDueFeeds } from './feeds/sync.ts';
import { housekeeping } from './housekeeping.ts';
import type { Deps } from './http/context.ts';
import { jsonLog } from './http/log.ts';
import { drain } from './notify/dispatcher.ts';
import { webWebhookTransport } from './notify/webhook-transport.ts';

const envSchema = z
  .object({
    HYPERDRIVE: z.custom<Hyperdrive>(
      (v) => typeof (v as Hyperdrive)?.connectionString === 'string',
      'HYPERDRIVE binding missing',
    ),
  })
  .passthrough();

type Env = z.infer<typeof envSchema>;

let config: Config | undefined;
/** The Cron Trigger (wrangler.toml) that drains webhooks; any other one syncs feeds. */
const NOTIFY_CRON = '* * * * *';
// Cloudflare sets cf-connecting-ip itself at its edge; a client cannot choose it.
const app = createAppWith(
  (c) => (c.env as { deps: Deps }).deps,
  jsonLog,
  (c) => c.req.header('cf-connecting-ip'),
);

/** One postgres.js client per request through Hyperdrive (its pool lives outside the isolate). */
function depsFor(env: Env) {
  const parsed = envSchema.parse(env);
  config ??= loadConfig(
    Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
    ),
  );
  const database = openPostgres(parsed.HYPERDRIVE.connectionString, {
    max: 5,
    fetchTypes: false,
    namedStatements: false,
  });
  const deps: Deps = { db: database.db, config, clock: () => new Date(), fetchFeed: fetchFeedWeb };
  return { deps, close: database.close };
}

export default {
  async fetch(request, env, ctx) {
    const { deps, close } = depsFor(env);
    try {
      return (await app.fetch(request as unknown as Request, { deps }, ctx)) as unknown as Awaited<
        ReturnType<NonNullable<ExportedHandler<Env>['fetch']>>
      >;
    } finally {
      ctx.waitUntil(close());
    }
  },

  // Cron Triggers do what the Node server's intervals do: the every-minute one drains the
  // outbox's webhooks (email needs the Node dispatcher: no SMTP from here), the other keeps
  // imported calendars fresh and forgets expired idempotency keys.
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    const { deps, close } = depsFor(env);
    const work =
      controller.cron === NOTIFY_CRON
        ? drain(
            { ...deps, mailer: null, webhookTransport: webWebhookTransport, log: jsonLog },
            { kinds: ['webhook'] },
          ).then((result) => jsonLog('info', 'notifications drained', result))
        : Promise.all([
            // An invocation may hold six connections open at once, its database client's
            // among them. The trigger fires once per FEED_SYNC_MINUTES (wrangler.toml).
            syncDueFeeds(deps, {
              concurrency: 4,
              perHost: 2,
              dueWithinMs: (deps.config.feedSyncMinutes - 1) * 60_000,
            }).then((result) => jsonLog('info', 'feed sync', result)),
            housekeeping(deps.db, deps.clock()).then((result) =>
              jsonLog('info', 'housekeeping', result),
            ),
          ]);
    ctx.waitUntil(work.finally(close));
  },
} satisfies ExportedHandler<Env>;
