import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres } from '../../src/db/postgres.ts';
import { notifications } from '../../src/db/schema.ts';
import type { Database } from '../../src/db/types.ts';
import { type DispatchDeps, type DrainResult, drain } from '../../src/notify/dispatcher.ts';
import { nodeWebhookTransport } from '../../src/notify/webhook-transport-node.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { applyAs } from '../support/booking.ts';
import {
  type CapturedLog,
  type Delivery,
  ofKind,
  ofRequest,
  outbox,
  smtpSink,
  verifies,
  webhookReceiver,
} from '../support/notify.ts';
import { roundRobin, type ServerProcess, startServer } from '../support/server.ts';
import { newRequest, type StormTarget } from '../support/storms.ts';

// "Several server processes can run the dispatcher side by side": the outbox is drained by
// dispatchers on connections of their own to one Postgres, first two in this process at
// once, then two real server processes (src/node.ts). The receiver records every delivery
// and whether it overlapped another one of the same webhook-id: each message must be
// accepted exactly once, and no row may be in two dispatchers' hands at once.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let api: TestApi;
let url: string;

beforeAll(async () => {
  api = await testApi();
  if (api.database.kind !== 'postgres') throw new Error('these dispatchers need Postgres');
  url = api.database.url;
});
afterAll(() => api?.close());

/** Each webhook-id's accepted deliveries, and every delivery that overlapped another. */
function audit(deliveries: readonly Delivery[]) {
  const accepted = new Map<string, number>();
  for (const d of deliveries) {
    if (d.status < 300) accepted.set(d.id, (accepted.get(d.id) ?? 0) + 1);
  }
  return {
    accepted,
    twice: [...accepted].filter(([, n]) => n > 1),
    overlapped: deliveries.filter((d) => d.overlapped).map((d) => d.id),
  };
}

describe('two dispatchers in one process, each on its own connections', () => {
  const MESSAGES = 60;
  let now = new Date('2026-11-25T00:00:00Z');
  const pools: Database[] = [];

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  function dispatcherOn(db: Database, logs: CapturedLog[]): DispatchDeps {
    return {
      db: db.db,
      config: api.config,
      clock: () => now,
      mailer: null,
      webhookTransport: nodeWebhookTransport,
      log: (level, message, fields = {}) => logs.push({ level, message, fields }),
    };
  }

  it('deliver every message once, never one row twice at a time, retries included', async () => {
    // Every fourth message is refused on its first delivery, so the retries race too.
    const refuseOnce = new Set<string>();
    const receiver = await webhookReceiver(({ id, nth }) => ({
      status: nth === 1 && refuseOnce.has(id) ? 500 : 200,
      delayMs: 15,
    }));
    try {
      const registered = await api.call('POST', '/v1/webhooks', {
        body: { url: receiver.url, events: ['request.received'] },
      });
      expect(registered.status, registered.text).toBe(201);
      for (let i = 0; i < MESSAGES; i++) await applyAs(api);
      const rows = await outbox(api.db, eq(notifications.webhookId, registered.body.id));
      expect(rows).toHaveLength(MESSAGES);
      for (const [i, row] of rows.entries()) if (i % 4 === 0) refuseOnce.add(row.id);

      const logs: CapturedLog[] = [];
      for (let i = 0; i < 2; i++) pools.push(openPostgres(url, { max: 4 }));
      const [a, b] = pools.map((p) => dispatcherOn(p, logs)) as [DispatchDeps, DispatchDeps];
      const both = () => Promise.all([drain(a, { batchSize: 5 }), drain(b, { batchSize: 5 })]);

      const first = await both();
      const failedFirst = refuseOnce.size;
      const sum = (results: DrainResult[], key: keyof DrainResult) =>
        results.reduce((n, r) => n + r[key], 0);
      expect(sum(first, 'sent')).toBe(MESSAGES - failedFirst);
      expect(sum(first, 'retried')).toBe(failedFirst);
      // Both took part: SKIP LOCKED handed them different rows rather than making one wait.
      expect(first[0]?.sent).toBeGreaterThan(0);
      expect(first[1]?.sent).toBeGreaterThan(0);

      now = new Date(now.getTime() + 2 * 60_000);
      const second = await both();
      expect(sum(second, 'sent')).toBe(failedFirst);

      const { accepted, twice, overlapped } = audit(receiver.deliveries);
      expect(twice).toEqual([]);
      expect(overlapped).toEqual([]);
      expect([...accepted.keys()].sort()).toEqual(rows.map((r) => r.id).sort());
      expect(receiver.deliveries).toHaveLength(MESSAGES + failedFirst);
      const secret = registered.body.secret as string;
      for (const d of receiver.deliveries) {
        expect(verifies(secret, d, Number(d.timestamp))).toBe(true);
      }
      const settled = await outbox(api.db, eq(notifications.webhookId, registered.body.id));
      expect(settled.every((r) => r.status === 'sent')).toBe(true);
      expect(settled.filter((r) => r.attempts === 2)).toHaveLength(failedFirst);

      // Only ids and codes were logged.
      const text = JSON.stringify(logs);
      expect(text).not.toContain('@');
      expect(text).not.toContain('127.0.0.1');
      expect(await api.call('DELETE', `/v1/webhooks/${registered.body.id}`)).toMatchObject({
        status: 204,
      });
    } finally {
      await receiver.close();
    }
  });
});

describe('two server processes on one Postgres', () => {
  const MESSAGES = 60;
  let servers: ServerProcess[] = [];
  let t: StormTarget;

  beforeAll(async () => {
    servers = await Promise.all(
      ['UTC', 'Asia/Tokyo'].map((TZ) =>
        startServer({
          env: {
            DATABASE_URL: url,
            FEED_ALLOW_PRIVATE: 'true',
            FEED_SYNC_MINUTES: '1440',
            NOTIFY_INTERVAL_SECONDS: '1',
            RATE_LIMIT_APPLY_PER_MINUTE: '1000',
            TZ,
          },
        }),
      ),
    );
    t = { call: roundRobin(servers), fire: roundRobin(servers), now: () => new Date() };
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('their dispatchers deliver each message exactly once between them', async () => {
    // A slow receiver keeps each drain busy long enough for the other server's to overlap it.
    const receiver = await webhookReceiver(() => ({ status: 200, delayMs: 300 }));
    try {
      const registered = await t.call('POST', '/v1/webhooks', {
        body: { url: receiver.url, events: ['request.received'] },
      });
      expect(registered.status, registered.text).toBe(201);
      // All at once, so both servers find a full outbox on their next tick.
      await Promise.all(Array.from({ length: MESSAGES }, () => newRequest(t)));

      // The servers' dispatchers run on their own intervals: wait for the receiver to have
      // them all (bounded), rather than for any amount of time.
      const deadline = Date.now() + 60_000;
      while (audit(receiver.deliveries).accepted.size < MESSAGES && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const rows = await outbox(api.db, eq(notifications.webhookId, registered.body.id));
      expect(rows).toHaveLength(MESSAGES);
      const { accepted, twice, overlapped } = audit(receiver.deliveries);
      expect(accepted.size).toBe(MESSAGES);
      expect(twice).toEqual([]);
      expect(overlapped).toEqual([]);
      expect(receiver.deliveries).toHaveLength(MESSAGES);
      for (const d of receiver.deliveries) {
        expect(verifies(registered.body.secret, d, Math.floor(Date.now() / 1000))).toBe(true);
      }
      const settle = Date.now() + 10_000;
      let settled = rows;
      while (settled.some((r) => r.status !== 'sent') && Date.now() < settle) {
        await new Promise((r) => setTimeout(r, 100));
        settled = await outbox(api.db, eq(notifications.webhookId, registered.body.id));
      }
      expect(settled.map((r) => [r.status, r.attempts])).toEqual(rows.map(() => ['sent', 1]));
    } finally {
      await receiver.close();
    }
  });

  it('log no personal data, and stop cleanly', async () => {
    const codes = await Promise.all(servers.map((s) => s.stop()));
    expect(codes).toEqual([0, 0]);
    const output = servers.map((s) => s.output()).join('\n');
    const sent = servers.map((s) => s.output().split('"notification sent"').length - 1);
    console.log(`webhook deliveries per server process: ${JSON.stringify(sent)}`);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(MESSAGES);
    expect(output).not.toContain('storm@example.jp');
    expect(output).not.toContain('whsec_');
    expect(output).not.toContain('/hooks/haken');
  });
});

describe('a server process with SMTP_URL', () => {
  it('sends the email kept pending while email was off, and new email, each once', async () => {
    const sink = await smtpSink();
    const pending = await outbox(api.db, ofKind('email'));
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
    const server = await startServer({
      env: {
        DATABASE_URL: url,
        SMTP_URL: sink.url,
        NOTIFY_INTERVAL_SECONDS: '1',
        FEED_SYNC_MINUTES: '1440',
        RATE_LIMIT_APPLY_PER_MINUTE: '1000',
      },
    });
    try {
      const t: StormTarget = {
        call: roundRobin([server]),
        fire: roundRobin([server]),
        now: () => new Date(),
      };
      const applied = await newRequest(t);
      // Its emails (received, then accepted), not the webhook rows the endpoint registered
      // above also gets.
      const fresh = await outbox(api.db, ofRequest(applied.id), ofKind('email'));
      expect(fresh.map((r) => r.event).sort()).toEqual(['request.accepted', 'request.received']);
      const messageId = (r?: { id: string }) => `<${r?.id}@haken.invalid>`;
      const due = [...pending, ...fresh].map(messageId).sort();
      // In a parallel run another file's dispatcher may still send to a port this sink has
      // since been given: only this database's messages count.
      const ours = () =>
        sink.received.map((m) => m.mail.messageId ?? '').filter((id) => due.includes(id));
      const deadline = Date.now() + 60_000;
      while (new Set(ours()).size < due.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // Every one arrived, none twice, and the outbox says so.
      expect(ours().sort()).toEqual(due);
      const settle = Date.now() + 10_000;
      let emails = await outbox(api.db, ofKind('email'));
      while (emails.some((r) => r.status !== 'sent') && Date.now() < settle) {
        await new Promise((r) => setTimeout(r, 100));
        emails = await outbox(api.db, ofKind('email'));
      }
      expect(emails.map(messageId).sort()).toEqual(due);
      expect(emails.every((r) => r.status === 'sent')).toBe(true);
      expect(await server.stop()).toBe(0);
      expect(server.output()).not.toContain('storm@example.jp');
    } finally {
      await server.stop();
      await sink.close();
    }
  });
});
