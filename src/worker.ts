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
import { syncAllFeeds } from './feeds/sync.ts';
import type { Deps } from './http/context.ts';
import { jsonLog } from './http/log.ts';

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
const app = createAppWith((c) => (c.env as { deps: Deps }).deps, jsonLog);

/** One postgres.js client per request through Hyperdrive (its pool lives outside the isolate). */
function depsFor(env: Env) {
  const parsed = envSchema.parse(env);
  config ??= loadConfig(
    Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
    ),
  );
  const database = openPostgres(parsed.HYPERDRIVE.connectionString, { max: 5, fetchTypes: false });
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

  // The Cron Trigger keeps imported calendars fresh, as the Node server's interval does.
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    const { deps, close } = depsFor(env);
    ctx.waitUntil(
      syncAllFeeds(deps)
        .then((result) => jsonLog('info', 'feeds synced', result))
        .finally(close),
    );
  },
} satisfies ExportedHandler<Env>;
