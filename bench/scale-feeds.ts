// The scheduled sync of 10,000 experts' calendars by four API processes on one Postgres, from
// feeds served on loopback by eight hosts (127.0.0.1–8): 60 % answer 304 to the stored ETag,
// 25 % have changed (a new 40-event calendar with recurring series each time), 10 % are slow
// (3 s before they answer) and 5 % fail (500). Every feed is due at once, the worst moment of
// an interval. How long until all are synced, how often each was fetched (once is right), the
// most fetches one host had at once, and the servers' peak memory.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { generateFeed } from '../test/fixtures/feeds/generate.ts';
import { peakRss } from './scale-matches.ts';
import { freshPostgres } from './support/database.ts';
import { note } from './support/main.ts';
import { uuidOf } from './support/population.ts';
import { type ServerProcess, startApiServer } from './support/server.ts';
import type { Row } from './support/table.ts';

const FEEDS = 10_000;
const HOSTS = 8;
const PROCESSES = 4;
const SLOW_MS = 3_000;
const INTERVAL_MINUTES = 15;
const POLL_MS = 1_000;

export type FeedFigures = {
  feeds: number;
  seconds: number | null;
  fetchedTwice: number;
  neverFetched: number;
  mostPerHost: number;
  errors: number;
  rss: number[];
  load: number;
};

export async function runScaleFeeds(): Promise<FeedFigures> {
  const hosts = await startHosts();
  const database = await freshPostgres('scale_feeds');
  const servers: ServerProcess[] = [];
  try {
    note(`scale: seeding ${FEEDS.toLocaleString('en')} experts with a feed each`);
    const range = sql`generate_series(0, ${FEEDS - 1}) as i`;
    await database.db.execute(sql`
      insert into experts (id, name, email) select ${uuidOf('expert', 'i')}, 'ベンチ専門家 ' || i,
        'expert' || i || '@bench.example' from ${range}`);
    // Synced successfully a minute ago with ETag "1", and due now.
    const urls = hosts.map((h) => `http://127.0.0.${h.index + 1}:${h.port}`);
    await database.db.execute(sql`
      insert into calendar_feeds (id, expert_id, url, etag, last_synced_at, last_success_at, next_sync_at)
      select ${uuidOf('feed', 'i')}, ${uuidOf('expert', 'i')},
        (${`{${urls.join(',')}}`}::text[])[1 + i % ${HOSTS}] || '/feed/' || i || '.ics',
        '"1"', now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 second'
      from ${range}`);
    const load = loadavg()[0] ?? 0;
    const started = Date.now();
    note(`scale: ${PROCESSES} server processes syncing`);
    for (let p = 0; p < PROCESSES; p++) {
      servers.push(
        await startApiServer({
          databaseUrl: database.url,
          env: { FEED_ALLOW_PRIVATE: 'true', FEED_SYNC_MINUTES: String(INTERVAL_MINUTES) },
        }),
      );
    }
    let seconds: number | null = null;
    const deadline = started + INTERVAL_MINUTES * 60_000;
    while (Date.now() < deadline) {
      const [row] = (await database.db.execute(sql`
        select count(*)::int as left from calendar_feeds
         where last_synced_at < ${new Date(started).toISOString()}::timestamptz`)) as unknown as {
        left: number;
      }[];
      if (row?.left === 0) {
        seconds = (Date.now() - started) / 1000;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const rss = await Promise.all(servers.map((s) => peakRss(s.pid)));
    const fetches = hosts.flatMap((h) => [...h.fetches.values()]);
    return {
      feeds: FEEDS,
      seconds,
      fetchedTwice: fetches.filter((n) => n > 1).length,
      neverFetched: FEEDS - fetches.length,
      mostPerHost: Math.max(...hosts.map((h) => h.most)),
      errors: hosts.reduce((sum, h) => sum + h.errors, 0),
      rss,
      load: (load + (loadavg()[0] ?? 0)) / 2,
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await database.close();
    await Promise.all(hosts.map((h) => new Promise((resolve) => h.server.close(resolve))));
  }
}

export function feedRows(f: FeedFigures): Row[] {
  const interval = INTERVAL_MINUTES * 60;
  return [
    {
      figure: `feed sync: ${f.feeds.toLocaleString('en')} feeds, ${PROCESSES} processes, all due at once`,
      value:
        f.seconds === null
          ? `not done in ${INTERVAL_MINUTES} min (load ${f.load.toFixed(1)})`
          : `${f.seconds.toFixed(0)} s (load ${f.load.toFixed(1)})`,
      target: `≤ ${interval} s`,
      met: f.seconds !== null && f.seconds <= interval,
    },
    {
      figure: '  feeds fetched twice / never in the interval',
      value: `${f.fetchedTwice} / ${f.neverFetched}`,
      target: '0 / 0',
      met: f.fetchedTwice === 0 && f.neverFetched === 0,
    },
    {
      figure: '  most fetches of one host at once (4 a process)',
      value: String(f.mostPerHost),
      target: `≤ ${4 * PROCESSES}`,
      met: f.mostPerHost <= 4 * PROCESSES,
    },
    {
      figure: '  server peak RSS while syncing',
      value: f.rss.map((r) => `${r.toFixed(0)} MiB`).join(', '),
    },
  ];
}

type Host = {
  index: number;
  port: number;
  server: Server;
  fetches: Map<string, number>;
  inFlight: number;
  most: number;
  errors: number;
};

/** Eight loopback calendar hosts, each on its own address. */
async function startHosts(): Promise<Host[]> {
  const bodies = new Map<number, string>();
  const bodyOf = (n: number) => {
    let body = bodies.get(n);
    if (!body) {
      body = generateFeed({ events: 40, series: 5, seed: n, from: new Date() });
      bodies.set(n, body);
    }
    return body;
  };
  return Promise.all(
    Array.from({ length: HOSTS }, async (_, index) => {
      const host: Host = {
        index,
        port: 0,
        server: createServer(),
        fetches: new Map(),
        inFlight: 0,
        most: 0,
        errors: 0,
      };
      host.server.on('request', async (req, res) => {
        host.inFlight++;
        host.most = Math.max(host.most, host.inFlight);
        const n = Number(/\/feed\/(\d+)\.ics/.exec(req.url ?? '')?.[1] ?? -1);
        host.fetches.set(String(n), (host.fetches.get(String(n)) ?? 0) + 1);
        const kind = n % 20;
        if (kind >= 17 && kind < 19) await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
        host.inFlight--;
        if (kind === 19) {
          host.errors++;
          res.writeHead(500).end('calendar host error');
        } else if (kind >= 12 && kind < 17) {
          res
            .writeHead(200, { 'content-type': 'text/calendar', etag: `"v${Date.now()}"` })
            .end(bodyOf(n % 500));
        } else if (req.headers['if-none-match'] === '"1"') {
          res.writeHead(304, { etag: '"1"' }).end();
        } else {
          res.writeHead(200, { 'content-type': 'text/calendar', etag: '"1"' }).end(bodyOf(n % 500));
        }
      });
      host.server.listen(0, `127.0.0.${index + 1}`);
      await new Promise((resolve) => host.server.once('listening', resolve));
      host.port = (host.server.address() as AddressInfo).port;
      return host;
    }),
  );
}
