import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';

// Over real HTTP on loopback, one keep-alive connection: a body over the limit is refused
// with 413, and the client's next requests on that connection still work. (The Node adapter
// gives up draining an unread body after 500 ms; the refusal now closes the connection, and
// the client opens a fresh one.)

let api: TestApi;
let server: ReturnType<typeof serve>;
let port = 0;
beforeAll(async () => {
  api = await testApi();
  server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await api.close();
});

type Sent = { status: number; type: string; connection: string; body: string };

function send(
  agent: Agent,
  method: string,
  path: string,
  body?: { bytes: Buffer; type: string; chunked: boolean },
) {
  return new Promise<Sent>((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (body) {
      headers['content-type'] = body.type;
      headers['sec-fetch-site'] = 'same-origin';
      if (!body.chunked) headers['content-length'] = String(body.bytes.length);
    }
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          connection: String(res.headers.connection ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    if (body) req.write(body.bytes);
    req.end();
  });
}

describe.each([
  ['its Content-Length', false],
  ['a chunked stream cut off', true],
])('a 300 KB body refused by %s', (_, chunked) => {
  it('the API answers 413 problem+json, and the next three requests on the connection work', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await api.db.select().from(requests);
      const bytes = Buffer.from(JSON.stringify({ notes: 'あ'.repeat(100_000) }));
      const refused = await send(agent, 'POST', '/v1/requests', {
        bytes,
        type: 'application/json',
        chunked,
      });
      expect(refused.status).toBe(413);
      expect(refused.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(refused.body).code).toBe('payload-too-large');
      expect(refused.connection).toBe('close');
      for (let i = 0; i < 3; i++) {
        const next = await send(agent, 'GET', '/health');
        expect(next.status).toBe(200);
      }
      expect(await api.db.select().from(requests)).toHaveLength(before.length);
    } finally {
      agent.destroy();
    }
  });

  it('a page form answers 413 as a page, and the next three requests work', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const bytes = Buffer.from(`notes=${'a'.repeat(300 * 1024)}`);
      const refused = await send(agent, 'POST', '/apply', {
        bytes,
        type: 'application/x-www-form-urlencoded',
        chunked,
      });
      expect(refused.status).toBe(413);
      expect(refused.type).toMatch(/^text\/html/);
      for (let i = 0; i < 3; i++) {
        const next = await send(agent, 'GET', '/apply');
        expect(next.status).toBe(200);
      }
    } finally {
      agent.destroy();
    }
  });
});
