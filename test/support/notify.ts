import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { notifications } from '../../src/db/schema.ts';
import type { Db } from '../../src/db/types.ts';
import type { LogEntry } from '../../src/http/log.ts';
import { type DispatchDeps, drain } from '../../src/notify/dispatcher.ts';
import { smtpMailer } from '../../src/notify/smtp.ts';
import { nodeWebhookTransport } from '../../src/notify/webhook-transport-node.ts';
import type { TestApi } from './api.ts';

export type ReceivedMail = {
  envelope: { from: string; to: string[] };
  raw: string;
  mail: ParsedMail;
};

/**
 * A real SMTP server on loopback (smtp-server), keeping every message it accepts, parsed with
 * mailparser. `refuse` can turn a message away in DATA with an SMTP reply code.
 */
export async function smtpSink(
  options: { refuse?: (recipients: string[]) => { code: number; message: string } | null } = {},
) {
  const received: ReceivedMail[] = [];
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: STARTTLS would offer smtp-server's self-signed certificate.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address);
        const refusal = options.refuse?.(to);
        if (refusal) {
          refused += 1;
          return callback(
            Object.assign(new Error(refusal.message), { responseCode: refusal.code }),
          );
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        simpleParser(raw).then(
          (mail) => {
            received.push({ envelope: { from, to }, raw: raw.toString('utf8'), mail });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused: () => refused,
    /** Messages sent to `address`. */
    to: (address: string) => received.filter((m) => m.envelope.to.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpSink = Awaited<ReturnType<typeof smtpSink>>;

export type Delivery = {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: IncomingHttpHeaders;
  status: number;
  /** Whether another delivery of the same webhook-id was in progress when this one arrived. */
  overlapped: boolean;
};

/**
 * A webhook consumer on 127.0.0.1 (node:http). `answer` decides each delivery's status (and
 * an optional delay before it); every delivery is recorded with whether it overlapped another
 * one of the same webhook-id.
 */
export async function webhookReceiver(
  answer: (delivery: {
    id: string;
    nth: number;
  }) => { status: number; delayMs?: number } | number = () => 200,
) {
  const deliveries: Delivery[] = [];
  const inFlight = new Map<string, number>();
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      const nth = (seen.get(id) ?? 0) + 1;
      seen.set(id, nth);
      const overlapped = (inFlight.get(id) ?? 0) > 0;
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      const decided = answer({ id, nth });
      const { status, delayMs = 0 } = typeof decided === 'number' ? { status: decided } : decided;
      setTimeout(() => {
        inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
        deliveries.push({
          id,
          timestamp: String(req.headers['webhook-timestamp'] ?? ''),
          signature: String(req.headers['webhook-signature'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          headers: req.headers,
          status,
          overlapped,
        });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      }, delayMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/haken`,
    deliveries,
    accepted: () => deliveries.filter((d) => d.status >= 200 && d.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof webhookReceiver>>;

/**
 * Verifies a delivery as a Standard Webhooks consumer does, with nothing of the service's
 * code: HMAC-SHA256 keyed with the secret's base64 bytes over `id.timestamp.body`, compared
 * in constant time against each `v1,` signature, and a timestamp within `toleranceSeconds`.
 */
export function verifies(
  secret: string,
  delivery: Pick<Delivery, 'id' | 'timestamp' | 'signature' | 'body'>,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(delivery.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return false;
  }
  if (!secret.startsWith('whsec_')) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${delivery.id}.${delivery.timestamp}.${delivery.body}`)
    .digest();
  return delivery.signature.split(' ').some((part) => {
    const [version, value] = part.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export type CapturedLog = { level: string; message: string; fields: LogEntry };

/** Dispatcher dependencies on the harness's database and clock, with its log captured. */
export function dispatcher(
  api: TestApi,
  options: { smtpUrl?: string | null; allowPrivate?: boolean; webhookTimeoutMs?: number } = {},
) {
  const logs: CapturedLog[] = [];
  const deps: DispatchDeps = {
    db: api.db,
    config: {
      ...api.config,
      feedAllowPrivate: options.allowPrivate ?? api.config.feedAllowPrivate,
    },
    clock: api.now,
    mailer: options.smtpUrl ? smtpMailer(options.smtpUrl) : null,
    webhookTransport: nodeWebhookTransport,
    log: (level, message, fields = {}) => logs.push({ level, message, fields }),
    ...(options.webhookTimeoutMs ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}),
  };
  return { deps, logs, drain: () => drain(deps) };
}

export type Outbox = typeof notifications.$inferSelect;

/** Outbox rows matching `where`, oldest first. */
export function outbox(db: Db, ...where: (SQL | undefined)[]): Promise<Outbox[]> {
  return db
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(asc(notifications.createdAt), asc(notifications.id));
}

export const ofRequest = (id: string) => eq(notifications.requestId, id);
export const ofSession = (id: string) => eq(notifications.sessionId, id);
export const ofEvent = (event: Outbox['event']) => eq(notifications.event, event);
export const ofKind = (kind: Outbox['kind']) => eq(notifications.kind, kind);
