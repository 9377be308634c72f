import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine, freshPostgres } from '../support/database.ts';
import { FRESH_DATABASE_MS } from '../support/matching.ts';
import { startServer } from '../support/server.ts';

// The first minute: a newcomer runs the server with no STAFF_TOKEN. It prints a one-time
// staff sign-in link; following it signs the browser in; afterwards no link is printed, and the
// CLI issues staff and viewer tokens.

const run = promisify(execFile);
let env: Record<string, string>;
let cleanUp: () => Promise<void>;

beforeAll(async () => {
  if (engine === 'postgres') {
    const database = await freshPostgres();
    env = { DATABASE_URL: database.url };
    cleanUp = database.close;
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'haken-first-'));
    env = { DATA_DIR: dir };
    cleanUp = () => rm(dir, { recursive: true, force: true });
  }
}, FRESH_DATABASE_MS);
afterAll(() => cleanUp());

const LINK =
  /Sign in as staff within 24 hours, once, at:\n {2}(http:\/\/\S+\/staff\/sign-in\/hki_\S+)/;

async function waitFor(output: () => string, pattern: RegExp) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const found = pattern.exec(output());
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${pattern} in:\n${output()}`);
}

describe('the first start', { timeout: 120_000 }, () => {
  it('prints a one-time staff sign-in link that signs a browser in, once', async () => {
    const server = await startServer({ env: { ...env, STAFF_TOKEN: '' }, readyTimeoutMs: 60_000 });
    try {
      const [, link = ''] = await waitFor(server.output, LINK);
      const path = new URL(link).pathname;
      const url = `${server.url}${path}`;
      expect((await fetch(url)).status).toBe(200);
      const signed = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      expect(signed.status).toBe(303);
      expect(signed.headers.get('location')).toBe('/staff');
      const cookie = (signed.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const queue = await fetch(`${server.url}/staff`, { headers: { cookie }, redirect: 'manual' });
      expect(queue.status).toBe(200);
      const again = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      expect(again.status).toBe(404);
      // The link is for the terminal alone: not in the JSON log lines.
      for (const line of server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))) {
        expect(line).not.toContain('hki_');
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('prints no link once staff can sign in, and the CLI issues staff and viewer tokens', async () => {
    const server = await startServer({ env: { ...env, STAFF_TOKEN: '' }, readyTimeoutMs: 60_000 });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(server.output()).not.toContain('/staff/sign-in/hki_');
    } finally {
      await server.stop();
    }
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'token', 'create', '--role', 'staff'],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } },
    );
    const token = stdout.trim().split('\n').at(-1) ?? '';
    expect(token).toMatch(/^hks_[A-Za-z0-9_-]{43}$/);
    const viewer = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'token', 'create', '--role', 'viewer'],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } },
    );
    const viewerToken = viewer.stdout.trim().split('\n').at(-1) ?? '';
    expect(viewerToken).toMatch(/^hkv_[A-Za-z0-9_-]{43}$/);
    const served = await startServer({ env: { ...env, STAFF_TOKEN: '' }, readyTimeoutMs: 60_000 });
    try {
      const res = await fetch(`${served.url}/v1/requests`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      // The viewer reads, and may not change anything.
      const read = await fetch(`${served.url}/v1/requests`, {
        headers: { authorization: `Bearer ${viewerToken}` },
      });
      expect(read.status).toBe(200);
      const issue = await fetch(`${served.url}/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'staff' }),
      });
      expect(issue.status).toBe(403);
    } finally {
      await served.stop();
    }
  });
});
