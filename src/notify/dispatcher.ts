import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { companyStatusUrl } from '../auth/company-link.ts';
import { liveSignInUrl } from '../auth/sign-in-link.ts';
import type { Config } from '../config.ts';
import { notifications, sessions, webhooks } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import { MINUTE_MS } from '../domain/time.ts';
import type { Log } from '../http/log.ts';
import { organizer } from '../routes/sessions/calendar-rows.ts';
import { startEvery } from '../schedule.ts';
import { messageId, type RenderedEmail, renderEmail, renderSignInEmail } from './email.ts';
import type {
  EmailEvent,
  EmailPayload,
  NotificationKind,
  SignInEmailPayload,
  WebhookPayload,
} from './payload.ts';
import { signature, webhookSecret } from './webhook-secret.ts';
import { postWebhook, type WebhookTransport } from './webhook-transport.ts';

// Drains the outbox. A batch is claimed in a short transaction (FOR UPDATE SKIP LOCKED, then a
// lease: next_attempt_at moves past the send), sent outside any transaction, and settled one
// row at a time: sent, retried later (exponential backoff with jitter), or dead after
// NOTIFY_MAX_ATTEMPTS. Any number of dispatchers can drain one database side by side: a row
// is held by one of them at a time. A crash between sending and settling sends the message
// again once its lease runs out, with the same Message-ID / webhook-id, so receivers can
// tell it is the same message.

export type OutgoingEmail = RenderedEmail & {
  messageId: string;
  from: { name: string; address: string };
  date: Date;
};

export type Mailer = { send: (message: OutgoingEmail) => Promise<void>; close: () => void };

export type DispatchDeps = {
  db: Db;
  config: Pick<
    Config,
    | 'notifyMaxAttempts'
    | 'feedAllowPrivate'
    | 'feedSecret'
    | 'officeEmail'
    | 'officePhone'
    | 'publicBaseUrl'
  >;
  clock: () => Date;
  /** Null when email is off (no SMTP_URL; Workers): email rows are left pending. */
  mailer: Mailer | null;
  webhookTransport: WebhookTransport;
  /** Default 10 s. */
  webhookTimeoutMs?: number;
  /** Ids, events and error codes only: never addresses, names, URLs or bodies. */
  log: Log;
  /** In [0, 1), for the backoff's jitter. */
  random?: () => number;
};

export type DrainOptions = {
  /** Which rows to send; by default webhooks, and email when there is a mailer. */
  kinds?: NotificationKind[];
  batchSize?: number;
  /** How long a claimed row is held before another dispatcher may take it again. */
  leaseMs?: number;
  /** Stop after this many rows; the next drain goes on. */
  maxRows?: number;
};

export type DrainResult = { sent: number; retried: number; dead: number; skipped: number };

type Row = typeof notifications.$inferSelect;
type Outcome = { status: 'sent' } | { status: 'failed' | 'skipped'; error: string };

const BATCH_SIZE = 20;
const LEASE_MS = 5 * MINUTE_MS;
const MAX_ROWS = 500;
const FIRST_RETRY_MS = MINUTE_MS;
const MAX_RETRY_MS = 12 * 60 * MINUTE_MS;

/**
 * How long to wait after failed attempt `attempt` (1-based): 1 min, 4, 16, 64 min, 4.3 h,
 * then 12 h, each cut by up to half at random ("equal jitter") so retries of many rows that
 * failed together spread out. With 8 attempts a message is given up after about a day.
 */
export function retryDelayMs(attempt: number, random: number): number {
  const full = Math.min(FIRST_RETRY_MS * 4 ** (attempt - 1), MAX_RETRY_MS);
  return Math.round(full / 2 + (full / 2) * random);
}

/** Sends every due row it can claim, batch after batch, until none is left (or `maxRows`). */
export async function drain(deps: DispatchDeps, options: DrainOptions = {}): Promise<DrainResult> {
  const kinds = options.kinds ?? (deps.mailer ? ['email', 'webhook'] : ['webhook']);
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const maxRows = options.maxRows ?? MAX_ROWS;
  const result: DrainResult = { sent: 0, retried: 0, dead: 0, skipped: 0 };
  for (let done = 0; done < maxRows; ) {
    const claimed = await claim(deps, kinds, Math.min(batchSize, maxRows - done), options);
    await Promise.all(
      claimed.map(async (row) => {
        result[await settle(deps, row, await send(deps, row))] += 1;
      }),
    );
    done += claimed.length;
    if (claimed.length < batchSize) break;
  }
  return result;
}

async function claim(
  deps: DispatchDeps,
  kinds: NotificationKind[],
  limit: number,
  options: DrainOptions,
): Promise<Row[]> {
  if (kinds.length === 0 || limit <= 0) return [];
  const now = deps.clock();
  const leaseUntil = new Date(now.getTime() + (options.leaseMs ?? LEASE_MS));
  return deps.db.transaction(async (tx) => {
    // SKIP LOCKED: rows another dispatcher is claiming right now are passed over, not waited
    // for; once its claim commits, their lease keeps them out of this query.
    const due = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(
          eq(notifications.status, 'pending'),
          lte(notifications.nextAttemptAt, now),
          inArray(notifications.kind, kinds),
        ),
      )
      .orderBy(asc(notifications.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(notifications)
      .set({ nextAttemptAt: leaseUntil, attempts: sql`${notifications.attempts} + 1` })
      .where(
        inArray(
          notifications.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

async function send(deps: DispatchDeps, row: Row): Promise<Outcome> {
  try {
    if (row.event === 'session.reminder') {
      const stale = await staleReminder(deps, row);
      if (stale) return { status: 'skipped', error: stale };
    }
    if (row.kind === 'webhook') await sendWebhook(deps, row);
    else if (row.event === 'expert.sign-in-link') {
      const sent = await sendSignInLink(deps, row);
      if (!sent) return { status: 'skipped', error: 'link used or expired' };
    } else await sendEmail(deps, row, row.event);
    return { status: 'sent' };
  } catch (error) {
    return { status: 'failed', error: errorCode(error) };
  }
}

/** Why a reminder must not go out: its visit changed after it was queued, or has begun. */
async function staleReminder(deps: DispatchDeps, row: Row): Promise<string | null> {
  if (!row.sessionId) return 'no session';
  const [session] = await deps.db
    .select({ status: sessions.status, sequence: sessions.sequence, start: sessions.start })
    .from(sessions)
    .where(eq(sessions.id, row.sessionId));
  if (!session) return 'no session';
  const queuedAt =
    row.kind === 'email'
      ? (row.payload as EmailPayload).visit?.event.sequence
      : ((row.payload as WebhookPayload).data.session as { sequence?: number } | undefined)
          ?.sequence;
  if (session.status !== 'confirmed') return `superseded: session ${session.status}`;
  if (session.sequence !== queuedAt) return 'superseded: session changed';
  if (session.start <= deps.clock()) return 'too late: the visit has begun';
  return null;
}

async function sendEmail(deps: DispatchDeps, row: Row, event: EmailEvent) {
  if (!deps.mailer || !row.recipient) throw new DispatchError('email-off');
  const office = organizer(deps.config);
  const payload = row.payload as EmailPayload;
  const statusUrl =
    payload.audience === 'company' && row.requestId
      ? await companyStatusUrl(deps.db, deps.config, row.requestId)
      : undefined;
  const rendered = renderEmail({ id: row.id, event, recipient: row.recipient, payload }, office, {
    statusUrl,
    officePhone: deps.config.officePhone,
  });
  await mail(deps, row, rendered);
}

/** A sign-in link's email, with the link as it is now; false when it is of no use any more. */
async function sendSignInLink(deps: DispatchDeps, row: Row): Promise<boolean> {
  if (!deps.mailer || !row.recipient) throw new DispatchError('email-off');
  const payload = row.payload as SignInEmailPayload;
  const url = await liveSignInUrl(deps.db, deps.config, payload.signIn.tokenId, deps.clock());
  if (!url) return false;
  const rendered = renderSignInEmail(
    { recipient: row.recipient, payload },
    organizer(deps.config),
    { url, officePhone: deps.config.officePhone },
  );
  await mail(deps, row, rendered);
  return true;
}

async function mail(deps: DispatchDeps, row: Row, rendered: RenderedEmail) {
  if (!deps.mailer) throw new DispatchError('email-off');
  const office = organizer(deps.config);
  await deps.mailer.send({
    ...rendered,
    messageId: messageId(row.id, deps.config.officeEmail),
    from: { name: office.name, address: office.email },
    date: deps.clock(),
  });
}

async function sendWebhook(deps: DispatchDeps, row: Row) {
  if (!row.webhookId) throw new DispatchError('no-endpoint');
  const [endpoint] = await deps.db.select().from(webhooks).where(eq(webhooks.id, row.webhookId));
  // Deleted meanwhile: its rows went with it, and this one is no longer there to settle.
  if (!endpoint) throw new DispatchError('endpoint-deleted');
  const now = deps.clock();
  const nonces = [endpoint.nonce];
  if (endpoint.previousNonce && endpoint.previousUntil && endpoint.previousUntil > now) {
    nonces.push(endpoint.previousNonce);
  }
  const payload = row.payload as WebhookPayload;
  const body = JSON.stringify({
    type: payload.type,
    timestamp: payload.timestamp,
    data: payload.data,
  });
  const timestamp = Math.floor(now.getTime() / 1000);
  const signatures = await Promise.all(
    nonces.map(async (nonce) =>
      signature(
        await webhookSecret(deps.db, deps.config.feedSecret, nonce),
        row.id,
        timestamp,
        body,
      ),
    ),
  );
  const status = await postWebhook(
    endpoint.url,
    {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'haken-webhooks/1',
        'webhook-id': row.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatures.join(' '),
      },
      body,
    },
    { allowPrivate: deps.config.feedAllowPrivate, timeoutMs: deps.webhookTimeoutMs },
    deps.webhookTransport,
  );
  if (status < 200 || status > 299) throw new DispatchError(`http ${status}`);
}

/** Records how a claimed row went; a row reclaimed meanwhile (its lease ran out) is left alone. */
async function settle(deps: DispatchDeps, row: Row, outcome: Outcome): Promise<keyof DrainResult> {
  const now = deps.clock();
  const mine = and(
    eq(notifications.id, row.id),
    eq(notifications.status, 'pending'),
    eq(notifications.attempts, row.attempts),
  );
  const fields = { id: row.id, kind: row.kind, event: row.event, attempt: row.attempts };
  if (outcome.status === 'sent') {
    // A success counts even if the lease ran out meanwhile: the message did arrive.
    await deps.db
      .update(notifications)
      .set({ status: 'sent', sentAt: now, lastError: null })
      .where(and(eq(notifications.id, row.id), eq(notifications.status, 'pending')));
    deps.log('info', 'notification sent', fields);
    return 'sent';
  }
  if (outcome.status === 'skipped') {
    await deps.db
      .update(notifications)
      .set({ status: 'skipped', lastError: outcome.error })
      .where(mine);
    deps.log('info', 'notification skipped', { ...fields, reason: outcome.error });
    return 'skipped';
  }
  if (row.attempts >= deps.config.notifyMaxAttempts) {
    await deps.db
      .update(notifications)
      .set({ status: 'dead', lastError: outcome.error })
      .where(mine);
    deps.log('error', 'notification dead', { ...fields, error: outcome.error });
    return 'dead';
  }
  const delay = retryDelayMs(row.attempts, (deps.random ?? Math.random)());
  const retryAt = new Date(now.getTime() + delay);
  await deps.db
    .update(notifications)
    .set({ nextAttemptAt: retryAt, lastError: outcome.error })
    .where(mine);
  deps.log('warn', 'notification failed', {
    ...fields,
    error: outcome.error,
    retryAt: retryAt.toISOString(),
  });
  return 'retried';
}

class DispatchError extends Error {
  override name = 'DispatchError';
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * A short code for what went wrong, stored as last_error and logged. Never the error's
 * message: an SMTP server's reply or a network error can quote an address or a URL.
 */
function errorCode(error: unknown): string {
  if (error instanceof DispatchError) return error.code;
  const e = error as { name?: unknown; code?: unknown; responseCode?: unknown; message?: unknown };
  if (e?.name === 'WebhookError') {
    return e.code === 'network' ? `network ${String(e.message)}` : String(e.code);
  }
  // nodemailer: `code` (ECONNECTION, EENVELOPE, EMESSAGE…) and the server's reply code.
  const code = typeof e?.code === 'string' && /^[A-Z_]{2,32}$/.test(e.code) ? e.code : 'ERROR';
  const reply = typeof e?.responseCode === 'number' ? ` ${e.responseCode}` : '';
  return `smtp ${code}${reply}`;
}

/**
 * The Node server's dispatcher: drains every `intervalMs`, one drain at a time; `stop` waits
 * for the drain in flight and closes the mailer.
 */
export function startDispatcher(deps: DispatchDeps, intervalMs: number) {
  const drains = startEvery(
    intervalMs,
    'notifications drained',
    async () => {
      const result = await drain(deps);
      // It runs every few seconds: a drain with nothing to do says nothing.
      return result.sent + result.retried + result.dead + result.skipped > 0 ? result : null;
    },
    deps.log,
  );
  return {
    stop: async () => {
      await drains.stop();
      deps.mailer?.close();
    },
  };
}
