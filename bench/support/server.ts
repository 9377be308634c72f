import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export const STAFF_TOKEN = 'bench-staff-token-0123456789abcdef';

export type ServerProcess = {
  url: string;
  port: number;
  pid: number;
  /** Resolves once the server logs `message` (or has logged it already). */
  logged: (message: string) => Promise<void>;
  stop: () => Promise<void>;
};

/** A free loopback port (the OS picks it; another process could still take it first). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The real server (`npx tsx src/node.ts`) on loopback: on Postgres with `databaseUrl`, else on
 * the PGlite directory `dataDir`. Resolves once it logs that it listens.
 */
export function startApiServer(
  options: { databaseUrl?: string; dataDir?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  return startProcess('src/node.ts', {
    DATABASE_URL: options.databaseUrl ?? '',
    DATA_DIR: options.dataDir ?? '',
    STAFF_TOKEN,
    ...options.env,
  });
}

/**
 * Runs a TypeScript entry of this repository with tsx (`node --import tsx`, which is what
 * `npx tsx` does, minus the wrapper processes), waiting for a `listening` log line.
 */
export async function startProcess(
  script: string,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const port = await freePort();
  // Its own process group, so a stop reaches anything it spawns too.
  // BENCH_PROFILE=dir: each server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const tail: string[] = [];
  const seen = new Set<string>();
  const waiting = new Map<string, () => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const [, message] of chunk.toString().matchAll(/"message":"([^"]*)"/g)) {
      if (!message) continue;
      seen.add(message);
      waiting.get(message)?.();
    }
  });
  const keep = (chunk: Buffer) => {
    // Drained always (the server logs each request), kept only briefly for error messages.
    tail.push(chunk.toString());
    if (tail.length > 20) tail.shift();
  };
  child.stderr?.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${script} did not start in time`)),
      READY_TIMEOUT_MS,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      kill(child, 'SIGKILL');
      reject(new Error(`${error.message}\n${tail.join('').slice(-2000)}`));
    };
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (chunk.toString().includes('"message":"listening"')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve();
      }
    });
  });
  return {
    port,
    pid: child.pid ?? 0,
    url: `http://127.0.0.1:${port}`,
    logged: (message) =>
      seen.has(message)
        ? Promise.resolve()
        : new Promise((resolve) => waiting.set(message, () => resolve())),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      kill(child, 'SIGTERM');
      const timer = setTimeout(() => kill(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Whatever happens to the bench process, it does not leave servers behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) kill(child, 'SIGKILL');
});

function kill(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
