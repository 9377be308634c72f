import { sqlState } from '../db/errors.ts';
import type { Log } from '../http/log.ts';
import { type SyncDeps, syncAllFeeds } from './sync.ts';

/**
 * Syncs all incoming feeds every `minutes`, one run at a time: a slow run delays the next
 * rather than overlapping it. The work is I/O, so requests keep being served meanwhile.
 */
export function startFeedSync(deps: SyncDeps, minutes: number, log: Log) {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = syncAllFeeds(deps)
      .then((result) => log('info', 'feeds synced', result))
      // A driver error's message can quote parameters (a feed URL is a secret): name only.
      .catch((error) =>
        log('error', 'feed sync failed', {
          error: error instanceof Error ? error.name : 'unknown',
          sqlState: sqlState(error),
        }),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, minutes * 60_000);
  timer.unref();
  run();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
