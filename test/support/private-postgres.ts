import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server.ts';

// A Postgres cluster of a test's own, on its own port and socket directory, that the test may
// stop and start at will: the machine's main cluster is shared by the other suites and must
// never go down under them. initdb refuses to run as root, so as root the cluster belongs to
// the `postgres` user and its commands run through runuser.

const run = promisify(execFile);
const ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory, if any. */
export function postgresBin(): string | undefined {
  if (!existsSync(ROOT)) return undefined;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(ROOT, versions[0], 'bin') : undefined;
}

export type PrivatePostgres = {
  url: string;
  port: number;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start: () => Promise<void>;
  /** `pg_ctl stop -m fast`: open sessions are ended, their transactions rolled back. */
  stop: () => Promise<void>;
  /** Stops it (immediately) and deletes its files. */
  destroy: () => Promise<void>;
};

const asRoot = process.getuid?.() === 0;
const clusters = new Set<{ bin: string; data: string }>();
process.once('exit', () => {
  for (const c of clusters) {
    try {
      execFileSync(...command(c.bin, 'pg_ctl', ['-D', c.data, '-m', 'immediate', 'stop']), {
        stdio: 'ignore',
      });
    } catch {
      // already stopped
    }
  }
});

function command(bin: string, tool: string, args: string[]): [string, string[]] {
  const path = join(bin, tool);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

/** A new cluster, started, with trust auth on 127.0.0.1 and a free port. */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error(`no Postgres server under ${ROOT}`);
  const dir = mkdtempSync(join(tmpdir(), 'haken-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await run(
    ...command(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8']),
  );
  const cluster = { bin, data };
  clusters.add(cluster);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await run(
      ...command(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']),
    );
  };
  const stop = async () => {
    await run(...command(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']));
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy: async () => {
      await run(...command(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])).catch(() => {});
      clusters.delete(cluster);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
