import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type CallOptions, type Reply, STAFF_TOKEN } from './api.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export type ServerProcess = {
  url: string;
  port: number;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** SIGTERM, then wait for the exit; resolves with the exit code (null if it had to be killed). */
  stop: () => Promise<number | null>;
};

export type ServerOptions = {
  /** Environment of the process on top of PATH, HOST, PORT, STAFF_TOKEN and the rate limits (off). */
  env?: Record<string, string>;
  /** How long to wait for GET /health to answer 200. */
  readyTimeoutMs?: number;
};

// Children still running when the test process exits (a crashed suite) are killed with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real Node entry point (`node --import tsx src/node.ts`: config, migrations,
 * serve) as a child process on a free port, and resolves once GET /health answers 200.
 * The environment is built from scratch, so nothing of the test runner's leaks in.
 */
export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: String(port),
      STAFF_TOKEN,
      // Every client of a test is 127.0.0.1: the storms would be throttled at once.
      RATE_LIMIT_APPLY_PER_MINUTE: '0',
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let healthy = false;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!healthy && !gone && Date.now() < deadline) {
    healthy = await fetch(`${url}/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (!healthy) await new Promise((r) => setTimeout(r, 100));
  }
  if (!healthy) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`server on port ${port} did not become healthy:\n${output}`);
  }

  return {
    url,
    port,
    pid: child.pid ?? -1,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Starts `count` servers at once with the same environment. */
export function startServers(count: number, options: ServerOptions = {}) {
  return Promise.all(Array.from({ length: count }, () => startServer(options)));
}

/** The harness's `call` (same options, same Reply) over real HTTP to `baseUrl`. */
export function httpCall(baseUrl: string) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? STAFF_TOKEN : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
}

/** A `call` that sends each request to the next server in turn. */
export function roundRobin(servers: readonly ServerProcess[]) {
  const calls = servers.map((s) => httpCall(s.url));
  let next = 0;
  return (method: string, path: string, options?: CallOptions): Promise<Reply> => {
    const call = calls[next++ % calls.length];
    if (!call) throw new Error('no servers');
    return call(method, path, options);
  };
}
