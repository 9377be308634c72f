import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { STAFF_TOKEN } from './api.ts';
import { freePort } from './server.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export type WorkerProcess = { url: string; output: () => string; stop: () => Promise<void> };

/**
 * Runs the Worker locally with `wrangler dev` (workerd from npm), its Hyperdrive binding
 * pointed at `databaseUrl`, offline, and resolves once GET /health answers 200. Its Cron
 * Triggers are fired by `runCron`.
 */
export async function startWorker(
  databaseUrl: string,
  readyTimeoutMs = 90_000,
): Promise<WorkerProcess> {
  const port = await freePort();
  const inspector = await freePort();
  // Hyperdrive's local connection string must carry a password, any one under trust auth.
  const local = new URL(databaseUrl);
  local.password ||= 'postgres';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      'node_modules/wrangler/bin/wrangler.js',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
      // Serves GET /__scheduled?cron=…, which runs the scheduled handler as a trigger would.
      '--test-scheduled',
      '--var',
      `STAFF_TOKEN:${STAFF_TOKEN}`,
      '--var',
      'FEED_ALLOW_PRIVATE:true',
      '--var',
      `PUBLIC_BASE_URL:http://127.0.0.1:${port}`,
    ],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        CI: 'true',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: local.toString(),
        WRANGLER_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: local.toString(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let healthy = false;
  while (!healthy && child.exitCode === null && Date.now() < deadline) {
    healthy = await fetch(`${url}/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (!healthy) await new Promise((r) => setTimeout(r, 250));
  }
  if (!healthy) {
    child.kill('SIGKILL');
    throw new Error(`wrangler dev did not become healthy:\n${output}`);
  }
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Fires the Worker's scheduled handler for `cron`, as that Cron Trigger would. */
export async function runCron(worker: WorkerProcess, cron: string): Promise<void> {
  const res = await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent(cron)}`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/__scheduled ${cron}: ${res.status} ${text}`);
}
