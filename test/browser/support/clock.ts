import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./shifted-clock.mjs', import.meta.url));

/**
 * A clock for a test server that the test can move forward: `env` starts the server with it,
 * `advanceTo` makes the server's now the given instant (the real clock runs on from there).
 */
export async function shiftedClock() {
  const dir = await mkdtemp(join(tmpdir(), 'haken-clock-'));
  const file = join(dir, 'offset');
  await writeFile(file, '0');
  return {
    env: { NODE_OPTIONS: `--import=${PRELOAD}`, HAKEN_TEST_CLOCK_FILE: file },
    advanceTo: (instant: number) => writeFile(file, String(instant - Date.now())),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
