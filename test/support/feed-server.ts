import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A hand-written feed of test/fixtures/feeds (google, outlook, icloud), as served. */
export function fixtureFeed(name: 'google' | 'outlook' | 'icloud'): string {
  return readFileSync(new URL(`../fixtures/feeds/${name}.ics`, import.meta.url), 'utf8');
}

/** What the server does at one path. */
export type FeedRoute =
  /** A calendar, answered 304 to a matching If-None-Match / If-Modified-Since. */
  | {
      kind: 'feed';
      body: string | Buffer;
      etag?: string;
      lastModified?: string;
      contentType?: string;
    }
  /** Any status with a short body. */
  | { kind: 'status'; status: number; body?: string }
  /** `bytes` of iCalendar-looking text, declared as Content-Length or streamed chunked. */
  | { kind: 'huge'; bytes: number; declareLength: boolean }
  /** Takes the request and never answers. */
  | { kind: 'hang' }
  | { kind: 'redirect'; location: string; status?: number };

export type Hit = {
  path: string;
  headers: IncomingHttpHeaders;
  /** The status answered; 0 while (or if never) answered. */
  status: number;
  /** Bytes of body written before the client went away (huge routes). */
  written: number;
};

/**
 * A node:http server on 127.0.0.1 that serves calendar feeds the way the tests set them up,
 * and records every request it gets (`hits`) and every connection that was not HTTP at all
 * (`clientErrors`: a TLS handshake sent to it, say).
 */
export async function startFeedServer() {
  const routes = new Map<string, FeedRoute>();
  const hits: Hit[] = [];
  const sockets = new Set<Socket>();
  let clientErrors = 0;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://feed.test').pathname;
    const hit: Hit = { path, headers: req.headers, status: 0, written: 0 };
    hits.push(hit);
    const answer = (
      status: number,
      headers: Record<string, string> = {},
      body?: string | Buffer,
    ) => {
      hit.status = status;
      res.writeHead(status, headers);
      res.end(body);
    };
    res.on('error', () => {});
    const route = routes.get(path);
    if (!route) return answer(404, { 'content-type': 'text/plain' }, 'not found');
    switch (route.kind) {
      case 'feed': {
        const validators: Record<string, string> = {};
        if (route.etag) validators.etag = route.etag;
        if (route.lastModified) validators['last-modified'] = route.lastModified;
        if (isFresh(req.headers, route)) return answer(304, validators);
        return answer(
          200,
          { 'content-type': route.contentType ?? 'text/calendar; charset=utf-8', ...validators },
          route.body,
        );
      }
      case 'status':
        return answer(route.status, { 'content-type': 'text/plain' }, route.body ?? '');
      case 'redirect':
        return answer(route.status ?? 302, { location: route.location });
      case 'hang':
        return;
      case 'huge':
        hit.status = 200;
        return streamHuge(res, route, hit);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => {
    clientErrors++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    /** http://127.0.0.1:<port><path> */
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    set: (path: string, route: FeedRoute) => {
      routes.set(path, route);
    },
    hits,
    hitsOn: (path: string) => hits.filter((h) => h.path === path),
    clientErrors: () => clientErrors,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FeedServer = Awaited<ReturnType<typeof startFeedServer>>;

function isFresh(
  headers: IncomingHttpHeaders,
  route: { etag?: string; lastModified?: string },
): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return route.etag !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === route.etag);
  }
  const since = Date.parse(headers['if-modified-since'] ?? '');
  return (
    route.lastModified !== undefined &&
    !Number.isNaN(since) &&
    Date.parse(route.lastModified) <= since
  );
}

const EVENT_LINE = `DESCRIPTION:${'x'.repeat(72)}\r\n`;

/** A body that starts like a calendar and goes on for `bytes`, in 64 KB chunks. */
function streamHuge(
  res: ServerResponse,
  route: { bytes: number; declareLength: boolean },
  hit: Hit,
) {
  const head = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//huge//EN\r\nBEGIN:VEVENT\r\n';
  const chunk = Buffer.from(EVENT_LINE.repeat(Math.ceil(65_536 / EVENT_LINE.length)));
  res.writeHead(200, {
    'content-type': 'text/calendar',
    ...(route.declareLength ? { 'content-length': String(route.bytes) } : {}),
  });
  res.write(head);
  hit.written = head.length;
  const pump = () => {
    while (hit.written < route.bytes && !res.destroyed) {
      const piece = chunk.subarray(0, Math.min(chunk.length, route.bytes - hit.written));
      hit.written += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}
