import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { busyBlocks, calendarFeeds, notifications } from '../../src/db/schema.ts';
import type { Database } from '../../src/db/types.ts';
import { freshDatabase } from '../support/database.ts';
import { startFeedServer } from '../support/feed-server.ts';
import { expert } from '../support/fixtures.ts';
import { verifies, webhookReceiver } from '../support/notify.ts';
import { httpCall, type ServerProcess, startServer } from '../support/server.ts';
import { smokeSuite } from '../support/smoke.ts';
import { runCron, startWorker, type WorkerProcess } from '../support/worker.ts';

// The same smoke suite against both ways haken is deployed, each on a Postgres of its own.
describe('Node server', () => {
  let database: Database & { url?: string };
  let server: ServerProcess;
  beforeAll(async () => {
    database = await freshDatabase();
    server = await startServer({ env: { DATABASE_URL: database.url ?? '' } });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
  });

  it('passes the smoke suite', async () => {
    await smokeSuite(httpCall(server.url));
  }, 60_000);
});

describe('Worker (wrangler dev, workerd, Hyperdrive binding)', () => {
  let database: Database & { url?: string };
  let worker: WorkerProcess;
  beforeAll(async () => {
    database = await freshDatabase();
    worker = await startWorker(database.url ?? '');
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await database?.close();
  });

  it('passes the smoke suite', async () => {
    await smokeSuite(httpCall(worker.url));
  }, 90_000);

  // wrangler.toml aliases zengin-code and iconv-lite away: bank accounts and 全銀 files are the
  // Node server's, while the payments report is served here as well.
  it('leaves bank accounts to the Node server (501) and serves the payments report', async () => {
    const call = httpCall(worker.url);
    const created = await call('POST', '/v1/experts', {
      body: expert({ email: 'bank@example.jp' }),
    });
    expect(created.status, created.text).toBe(201);
    const account = await call('PUT', `/v1/experts/${created.body.id}/bank-account`, {
      body: {
        bankCode: '0005',
        branchCode: '103',
        accountType: 'ordinary',
        accountNumber: '1234567',
        holderName: 'ヤマダ タロウ',
      },
    });
    expect(account.status, account.text).toBe(501);
    expect(account.body.code).toBe('not-available');
    const report = await call('GET', '/v1/reports/payments?fiscalYear=2026&month=12');
    expect(report.status, report.text).toBe(200);
    expect((await call('GET', '/v1/intake', { token: null })).status).toBe(200);
  }, 60_000);

  // wrangler.toml's two Cron Triggers, fired as Cloudflare would fire them.
  it('sends the outbox’s webhooks every minute and re-reads imported calendars', async () => {
    const call = httpCall(worker.url);
    const receiver = await webhookReceiver();
    const calendars = await startFeedServer();
    try {
      const hook = await call('POST', '/v1/webhooks', {
        body: { url: receiver.url, events: ['session.booked'] },
      });
      expect(hook.status).toBe(201);
      const { sessionId, expertToken } = await smokeSuite(call);
      calendars.set('/busy.ics', { kind: 'feed', body: busyCalendar(1) });
      const feed = await call('POST', '/v1/me/calendar-feeds', {
        token: expertToken,
        body: { url: calendars.url('/busy.ics') },
      });
      expect(feed.status).toBe(201);
      expect(feed.body).toMatchObject({ eventCount: 1, lastError: null });

      await runCron(worker, '* * * * *');
      // The handler hands its work to waitUntil, which goes on after /__scheduled answers.
      await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(1), { timeout: 20_000 });
      const [delivery] = receiver.accepted();
      if (!delivery) throw new Error('nothing delivered');
      expect(verifies(hook.body.secret, delivery, Date.now() / 1000)).toBe(true);
      expect(JSON.parse(delivery.body)).toMatchObject({
        type: 'session.booked',
        data: { session: { id: sessionId } },
      });
      await vi.waitFor(async () => {
        const rows = await database.db
          .select({ status: notifications.status })
          .from(notifications)
          .where(and(eq(notifications.sessionId, sessionId), eq(notifications.kind, 'webhook')));
        expect(rows).toEqual([{ status: 'sent' }]);
      });

      // The calendar changes; a quarter of an hour after the feed was read, the quarter-hourly
      // trigger brings its busy time in.
      calendars.set('/busy.ics', { kind: 'feed', body: busyCalendar(3) });
      await database.db
        .update(calendarFeeds)
        .set({ nextSyncAt: new Date() })
        .where(eq(calendarFeeds.id, feed.body.id));
      await runCron(worker, '*/15 * * * *');
      await vi.waitFor(
        async () => {
          const [row] = await database.db
            .select({ n: sql<number>`count(*)::int` })
            .from(busyBlocks)
            .where(eq(busyBlocks.feedId, feed.body.id));
          expect(row?.n).toBe(3);
        },
        { timeout: 20_000 },
      );
      const listed = await call('GET', '/v1/me/calendar-feeds', { token: expertToken });
      expect(listed.body.items).toMatchObject([{ id: feed.body.id, eventCount: 3 }]);
    } finally {
      await receiver.close();
      await calendars.close();
    }
  }, 120_000);
});

/** A calendar of `events` one-hour busy events on the days after tomorrow, in UTC. */
function busyCalendar(events: number): string {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = Date.UTC(
    new Date().getUTCFullYear(),
    new Date().getUTCMonth(),
    new Date().getUTCDate(),
  );
  const vevents = Array.from({ length: events }, (_, n) => {
    const start = day + (n + 2) * 86_400_000 + 2 * 3_600_000;
    return [
      'BEGIN:VEVENT',
      `UID:busy-${n}@calendar.test`,
      `DTSTAMP:${stamp(day)}`,
      `DTSTART:${stamp(start)}`,
      `DTEND:${stamp(start + 3_600_000)}`,
      'SUMMARY:予定あり',
      'END:VEVENT',
    ];
  });
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//haken tests//EN',
    ...vevents.flat(),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
