import { sqlState } from './db/errors.ts';
import type { Log, LogEntry } from './http/log.ts';

/**
 * Runs `job` now and every `intervalMs`, one run at a time: a slow run delays the next rather
 * than overlapping it. The jobs are I/O, so requests keep being served meanwhile. Each run
 * logs `name` with the job's result (none when the job returns null), or `name failed`.
 */
export function startEvery(
  intervalMs: number,
  name: string,
  job: () => Promise<LogEntry | null>,
  log: Log,
) {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = job()
      .then((result) => {
        if (result) log('info', name, result);
      })
      // A driver error's message can quote parameters (a feed URL is a secret): name only.
      .catch((error) =>
        log('error', `${name} failed`, {
          error: error instanceof Error ? error.name : 'unknown',
          sqlState: sqlState(error),
        }),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  run();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
