import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FeedFetchError,
  type FeedTransport,
  type FetchFeedOptions,
  fetchFeed,
  type TransportRequest,
} from '../../src/calendar/fetch-feed.ts';
import { guardedLookup, nodeTransport } from '../../src/calendar/fetch-node.ts';
import { webTransport } from '../../src/calendar/fetch-web.ts';
import { isPrivateAddress } from '../../src/calendar/private-address.ts';

const FEED = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n';

/** A local feed host on 127.0.0.1 (the only address these tests send traffic to). */
class FeedHost {
  readonly requests: IncomingMessage[] = [];
  #server: Server = createServer((request, response) => this.#serve(request, response));
  base = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #serve(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push(request);
    const path = request.url ?? '/';
    if (path === '/feed.ics') {
      if (request.headers['if-none-match'] === '"v1"') {
        response.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      response
        .writeHead(200, {
          'content-type': 'text/calendar; charset=utf-8',
          etag: '"v1"',
          'last-modified': 'Tue, 03 Mar 2026 01:00:00 GMT',
        })
        .end(FEED);
    } else if (path === '/big') {
      // Chunked, no Content-Length: only counting the stream can catch it.
      response.writeHead(200, { 'content-type': 'text/calendar' });
      const chunk = 'X'.repeat(16 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 64 && response.write(chunk)) sent++;
        if (sent < 64) response.once('drain', pump);
        else response.end();
      };
      pump();
    } else if (path === '/big-declared') {
      response.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      response.write('BEGIN:VCALENDAR\r\n');
    } else if (path === '/slow-body') {
      response.writeHead(200, { 'content-type': 'text/calendar' });
      response.write('BEGIN:VCALENDAR\r\n');
    } else if (path.startsWith('/loop/')) {
      const hop = Number(path.slice('/loop/'.length));
      response.writeHead(302, { location: `/loop/${hop + 1}` }).end();
    } else if (path === '/moved') {
      response.writeHead(301, { location: '/feed.ics' }).end();
    } else if (path === '/to-ftp') {
      response.writeHead(302, { location: 'ftp://127.0.0.1/feed.ics' }).end();
    } else if (path === '/hang') {
      // Never answers.
    } else {
      response.writeHead(404).end('not found');
    }
  }
}

const host = new FeedHost();
beforeAll(() => host.start());
afterAll(() => host.stop());

const local: FetchFeedOptions = { allowPrivate: true, timeoutMs: 5_000 };

async function failure(promise: Promise<unknown>): Promise<FeedFetchError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FeedFetchError))
    throw new Error(`expected a FeedFetchError, got ${error}`);
  return error;
}

describe.each([
  ['node:http', nodeTransport],
  ['fetch', webTransport],
])('fetchFeed over %s', (_, transport) => {
  const get = (path: string, options: Partial<FetchFeedOptions> = {}) =>
    fetchFeed(`${host.base}${path}`, { ...local, ...options }, transport);

  it('returns the body and its validators, then not-modified for a conditional GET', async () => {
    const first = await get('/feed.ics');
    expect(first).toEqual({
      status: 'ok',
      body: FEED,
      etag: '"v1"',
      lastModified: 'Tue, 03 Mar 2026 01:00:00 GMT',
    });
    const again = await get('/feed.ics', {
      etag: '"v1"',
      lastModified: 'Tue, 03 Mar 2026 01:00:00 GMT',
    });
    expect(again).toEqual({ status: 'not-modified' });
    const conditional = host.requests.at(-1);
    expect(conditional?.headers['if-none-match']).toBe('"v1"');
    expect(conditional?.headers['if-modified-since']).toBe('Tue, 03 Mar 2026 01:00:00 GMT');
  });

  it('follows a redirect', async () => {
    expect(await get('/moved')).toMatchObject({ status: 'ok', body: FEED });
  });

  it('stops reading a body past maxBytes', async () => {
    expect((await failure(get('/big', { maxBytes: 64 * 1024 }))).code).toBe('too-large');
  });

  it('refuses a declared Content-Length past maxBytes', async () => {
    expect((await failure(get('/big-declared'))).code).toBe('too-large');
  });

  it('times out on a server that never answers', async () => {
    const error = await failure(get('/hang', { timeoutMs: 300 }));
    expect(error.code).toBe('timeout');
  });

  it('times out on a body that never ends', async () => {
    expect((await failure(get('/slow-body', { timeoutMs: 300 }))).code).toBe('timeout');
  });

  it('gives up after maxRedirects', async () => {
    const before = host.requests.length;
    const error = await failure(get('/loop/0', { maxRedirects: 3 }));
    expect(error.code).toBe('too-many-redirects');
    expect(host.requests.length - before).toBe(4);
  });

  it('refuses a redirect to another scheme', async () => {
    expect((await failure(get('/to-ftp'))).code).toBe('invalid-url');
  });

  it('reports an HTTP error status', async () => {
    const error = await failure(get('/missing.ics'));
    expect(error).toMatchObject({ code: 'http-error', message: expect.stringContaining('404') });
  });

  it('refuses loopback addresses when private ones are not allowed, before connecting', async () => {
    const before = host.requests.length;
    const port = new URL(host.base).port;
    for (const url of [
      `http://127.0.0.1:${port}/feed.ics`,
      `http://localhost:${port}/feed.ics`,
      `http://[::1]:${port}/feed.ics`,
      `http://[::ffff:127.0.0.1]:${port}/feed.ics`,
      `http://2130706433:${port}/feed.ics`,
    ]) {
      const error = await failure(fetchFeed(url, { allowPrivate: false }, transport));
      expect(error.code, url).toBe('forbidden-address');
    }
    expect(host.requests.length).toBe(before);
  });
});

describe('fetchFeed, refusals before any connection', () => {
  const calls: TransportRequest[] = [];
  const spy: FeedTransport = async (request) => {
    calls.push(request);
    throw new Error('the transport must not be reached');
  };

  it.each([
    'http://127.0.0.1/feed.ics',
    'http://localhost/feed.ics',
    'http://calendar.localhost/feed.ics',
    'http://[::1]/feed.ics',
    'http://10.0.0.1/feed.ics',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/feed.ics',
    'http://[fd00::1]/feed.ics',
    'https://100.64.0.1/feed.ics',
    'http://0.0.0.0/feed.ics',
  ])('refuses %s with forbidden-address', async (url) => {
    const error = await failure(fetchFeed(url, { allowPrivate: false }, spy));
    expect(error.code).toBe('forbidden-address');
    expect(calls).toEqual([]);
  });

  it.each([
    'ftp://example.com/feed.ics',
    'file:///etc/passwd',
    'webcal://example.com/feed.ics',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s with invalid-url', async (url) => {
    const error = await failure(fetchFeed(url, { allowPrivate: true }, spy));
    expect(error.code).toBe('invalid-url');
    expect(calls).toEqual([]);
  });

  it('checks every redirect hop: a public host redirecting to 127.0.0.1 is refused', async () => {
    const hops: string[] = [];
    const redirecting: FeedTransport = async ({ url }) => {
      hops.push(url.href);
      return {
        status: 302,
        header: (name) => (name === 'location' ? 'http://127.0.0.1:8787/v1/admin' : null),
        body: (async function* () {})(),
      };
    };
    const error = await failure(
      fetchFeed('https://calendar.example.com/feed.ics', { allowPrivate: false }, redirecting),
    );
    expect(error.code).toBe('forbidden-address');
    expect(hops).toEqual(['https://calendar.example.com/feed.ics']);
  });

  it.each([
    ['ECONNREFUSED', "could not fetch the feed: the feed's server refused the connection"],
    ['ENOTFOUND', 'could not fetch the feed: the host name was not found'],
    ['ECONNRESET', 'could not fetch the feed: the connection was cut off'],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      "could not fetch the feed: the server's certificate was not accepted",
    ],
    ['EWHATEVER', 'could not fetch the feed: the connection failed'],
  ])('maps a transport failure (%s) to network, in plain words only', async (code, message) => {
    const failing: FeedTransport = async () => {
      throw Object.assign(new Error(`connect ${code} 10.20.30.40:443 intranet.corp`), { code });
    };
    const error = await failure(
      fetchFeed('https://calendar.example.com/', { allowPrivate: false }, failing),
    );
    expect(error).toMatchObject({ code: 'network', message });
  });
});

describe('guardedLookup (the DNS check on the address actually connected to)', () => {
  const resolvingTo =
    (...addresses: string[]): Parameters<typeof guardedLookup>[1] =>
    (_, __, callback) =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );

  const lookUp = (allowPrivate: boolean, all: boolean, ...addresses: string[]) =>
    new Promise<{ error: Error | null; address: unknown }>((resolve) =>
      guardedLookup(allowPrivate, resolvingTo(...addresses))(
        'feeds.example.com',
        { all },
        (error, address) => resolve({ error, address }),
      ),
    );

  it('refuses a host any of whose addresses is private', async () => {
    const { error } = await lookUp(false, true, '93.184.216.34', '10.0.0.5');
    expect(error).toBeInstanceOf(FeedFetchError);
    expect((error as FeedFetchError).code).toBe('forbidden-address');
  });

  it('passes public addresses on, in either lookup form', async () => {
    expect(await lookUp(false, true, '93.184.216.34')).toEqual({
      error: null,
      address: [{ address: '93.184.216.34', family: 4 }],
    });
    expect(await lookUp(false, false, '2606:2800:220:1::1')).toEqual({
      error: null,
      address: '2606:2800:220:1::1',
    });
  });

  it('lets private addresses through when allowed', async () => {
    expect((await lookUp(true, false, '127.0.0.1')).error).toBeNull();
  });
});

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '0.1.2.3',
    '255.255.255.255',
    '224.0.0.1',
    '240.0.0.1',
    '192.0.2.1',
    '198.18.0.1',
    '::',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    // IPv4-translated (::ffff:0:0:0/96, RFC 2765): never a public destination.
    '::ffff:0:127.0.0.1',
    '::ffff:0:7f00:1',
    '::ffff:0:a9fe:a9fe',
    '::ffff:0:8.8.8.8',
    '::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:c0a8:0101::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    '2001:db8::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    'not an address',
    '1.2.3',
    '1.2.3.256',
    '1::2::3',
  ])('%s is private', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '192.169.0.1',
    '169.255.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:0808:0808::1',
  ])('%s is public', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});
