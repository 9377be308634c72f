import { arrayOverlaps, eq } from 'drizzle-orm';
import {
  experts,
  notifications,
  requests,
  sessions,
  travelClaims,
  webhooks,
} from '../db/schema.ts';
import type { Tx } from '../db/types.ts';
import { HOUR_MS } from '../domain/time.ts';
import { calendarSession } from '../routes/sessions/calendar-rows.ts';
import { presentSession } from '../routes/sessions/present.ts';
import type {
  ClaimEvent,
  EmailPayload,
  NotificationEvent,
  RequestEvent,
  SessionEvent,
  SignInEmailPayload,
  StoredCalendarSession,
  WebhookPayload,
} from './payload.ts';

/** How long before a confirmed visit its reminder goes out. */
export const REMINDER_LEAD_MS = 48 * HOUR_MS;

type NotificationRow = typeof notifications.$inferInsert;
type RequestRow = typeof requests.$inferSelect;
type SessionRow = typeof sessions.$inferSelect;
type ExpertRow = typeof experts.$inferSelect;

export type RequestContext = { now: Date; requestId: string };
export type SessionContext = {
  now: Date;
  sessionId: string;
  /** The visit before the change; a reschedule's messages name its old time. */
  previous?: { start: Date; end: Date };
  /** Where what the office must settle goes (a disputed visit): OFFICE_EMAIL. */
  officeEmail?: string;
};
export type ClaimContext = { now: Date; claimId: string };

/**
 * Writes the messages about a change into the outbox, inside the change's own transaction:
 * they exist exactly when the change commits. Emails go to the company's contact and, once
 * there is a visit, to its expert; webhooks to every endpoint subscribed to the event. Booking
 * and rescheduling also queue the visit's reminder, due 48 hours before it starts (the
 * dispatcher drops a reminder whose visit has changed since). A disputed visit is the office's
 * to settle, and a travel claim's decision its expert's to hear.
 */
export async function enqueue(tx: Tx, event: RequestEvent, context: RequestContext): Promise<void>;
export async function enqueue(tx: Tx, event: SessionEvent, context: SessionContext): Promise<void>;
export async function enqueue(tx: Tx, event: ClaimEvent, context: ClaimContext): Promise<void>;
export async function enqueue(
  tx: Tx,
  event: NotificationEvent,
  context: RequestContext | SessionContext | ClaimContext,
): Promise<void> {
  const rows =
    'requestId' in context
      ? await requestMessages(tx, event as RequestEvent, context)
      : 'claimId' in context
        ? await claimMessages(tx, event as ClaimEvent, context)
        : await loadSessionMessages(tx, event as SessionEvent, context);
  if (rows.length > 0) await tx.insert(notifications).values(rows);
}

async function requestMessages(
  tx: Tx,
  event: RequestEvent,
  context: RequestContext,
): Promise<NotificationRow[]> {
  const [[request], endpoints] = await Promise.all([
    tx.select().from(requests).where(eq(requests.id, context.requestId)),
    subscribers(tx, [event]),
  ]);
  if (!request) throw new Error('notification about a missing request');
  const subject = { requestId: request.id, sessionId: null };
  const email: EmailPayload = {
    audience: 'company',
    name: request.contactName,
    request: requestSummary(request),
    ...(event !== 'request.received' && { review: { note: request.reviewNote } }),
  };
  const data = {
    request: {
      id: request.id,
      status: request.status,
      companyId: request.companyId,
      review: request.reviewedAt
        ? { at: request.reviewedAt.toISOString(), note: request.reviewNote }
        : null,
      companyName: request.companyName,
      industryCode: request.industryCode,
      prefectureCode: request.prefectureCode,
      topics: request.topics,
      format: request.format,
      durationMinutes: request.durationMinutes,
      fiscalYear: request.fiscalYear,
      createdAt: request.createdAt.toISOString(),
    },
  };
  return [
    emailRow(event, subject, request.contactEmail, email, context.now),
    ...webhookRows(endpoints, event, subject, data, context.now),
  ];
}

async function loadSessionMessages(
  tx: Tx,
  event: SessionEvent,
  context: SessionContext,
): Promise<NotificationRow[]> {
  const [[row], endpoints] = await Promise.all([
    tx
      .select({ session: sessions, request: requests, expert: experts })
      .from(sessions)
      .innerJoin(requests, eq(requests.id, sessions.requestId))
      .innerJoin(experts, eq(experts.id, sessions.expertId))
      .where(eq(sessions.id, context.sessionId)),
    subscribers(tx, [event, 'session.reminder']),
  ]);
  if (!row) throw new Error('notification about a missing session');
  return sessionMessages(event, row, endpoints, context);
}

/**
 * The outbox rows about a session event, from the rows in hand and the endpoints subscribed
 * to the event and to reminders (`subscribers`): for a change that holds them already and
 * sends the rows with its own writes.
 */
export function sessionMessages(
  event: SessionEvent,
  { session, request, expert }: { session: SessionRow; request: RequestRow; expert: ExpertRow },
  endpoints: Map<NotificationEvent, string[]>,
  context: { now: Date; previous?: { start: Date; end: Date }; officeEmail?: string },
): NotificationRow[] {
  // The same event the feeds and calendar.ics serve: same UID, SEQUENCE and content.
  const calendar = calendarSession({
    ...session,
    companyName: request.companyName,
    prefectureCode: request.prefectureCode,
    companyAddress: request.companyAddress,
    topics: request.topics,
    expertName: expert.name,
  });
  const stored: StoredCalendarSession = {
    ...calendar,
    start: calendar.start.toISOString(),
    end: calendar.end.toISOString(),
    updatedAt: calendar.updatedAt.toISOString(),
  };
  const previous = event === 'session.rescheduled' &&
    context.previous && {
      start: context.previous.start.toISOString(),
      end: context.previous.end.toISOString(),
    };
  const visit = {
    event: stored,
    cancelReason: session.cancelReason,
    ...(previous && { previous }),
  };
  const summary = requestSummary(request);
  const data = { session: presentSession(session), ...(previous && { previous }) };
  const subject = { requestId: request.id, sessionId: session.id };

  if (event === 'session.attendance-disputed') {
    if (!context.officeEmail) throw new Error('a disputed visit is told to the office');
    return [
      emailRow(
        event,
        subject,
        context.officeEmail,
        {
          audience: 'office',
          name: request.companyName,
          request: summary,
          visit,
          attendance: { comment: session.attendanceComment },
        },
        context.now,
      ),
      ...webhookRows(endpoints, event, subject, data, context.now),
    ];
  }

  const messages = (e: SessionEvent, due: Date) => [
    emailRow(
      e,
      subject,
      request.contactEmail,
      { audience: 'company', name: request.contactName, request: summary, visit },
      context.now,
      due,
    ),
    emailRow(
      e,
      subject,
      expert.email,
      { audience: 'expert', name: expert.name, request: summary, visit },
      context.now,
      due,
    ),
    ...webhookRows(endpoints, e, subject, data, context.now, due),
  ];

  const rows = messages(event, context.now);
  const remindAt = new Date(session.start.getTime() - REMINDER_LEAD_MS);
  // A change of time or details supersedes the reminder queued before it (its sequence moved
  // on), so each queues its own.
  const remind =
    (event === 'session.booked' ||
      event === 'session.rescheduled' ||
      event === 'session.updated') &&
    session.status === 'confirmed' &&
    remindAt > context.now;
  if (remind) rows.push(...messages('session.reminder', remindAt));
  return rows;
}

async function claimMessages(
  tx: Tx,
  event: ClaimEvent,
  context: ClaimContext,
): Promise<NotificationRow[]> {
  const [[row], endpoints] = await Promise.all([
    tx
      .select({ claim: travelClaims, session: sessions, request: requests, expert: experts })
      .from(travelClaims)
      .innerJoin(sessions, eq(sessions.id, travelClaims.sessionId))
      .innerJoin(requests, eq(requests.id, sessions.requestId))
      .innerJoin(experts, eq(experts.id, travelClaims.expertId))
      .where(eq(travelClaims.id, context.claimId)),
    subscribers(tx, [event]),
  ]);
  if (!row) throw new Error('notification about a missing travel claim');
  const { claim, session, request, expert } = row;
  const decision = {
    id: claim.id,
    visitStart: session.start.toISOString(),
    visitEnd: session.end.toISOString(),
    claimedYen: claim.claimedYen,
    approvedYen: claim.approvedYen ?? claim.claimedYen,
    reason: claim.decisionReason,
  };
  const subject = { requestId: request.id, sessionId: session.id };
  const data = {
    claim: {
      ...decision,
      sessionId: session.id,
      expertId: expert.id,
      status: claim.status,
      decidedAt: claim.decidedAt?.toISOString() ?? null,
    },
  };
  return [
    emailRow(
      event,
      subject,
      expert.email,
      { audience: 'expert', name: expert.name, request: requestSummary(request), claim: decision },
      context.now,
    ),
    ...webhookRows(endpoints, event, subject, data, context.now),
  ];
}

function requestSummary(request: RequestRow): EmailPayload['request'] {
  return {
    id: request.id,
    companyName: request.companyName,
    prefectureCode: request.prefectureCode,
    topics: request.topics,
    format: request.format,
    durationMinutes: request.durationMinutes,
  };
}

type Subject = { requestId: string; sessionId: string | null };

function emailRow(
  event: NotificationEvent,
  subject: Subject,
  recipient: string,
  payload: EmailPayload,
  now: Date,
  due = now,
): NotificationRow {
  return {
    kind: 'email',
    event,
    ...subject,
    recipient,
    payload,
    createdAt: now,
    nextAttemptAt: due,
  };
}

/** The webhook endpoints subscribed to each of `events`, in one query. */
export async function subscribers(
  tx: Tx,
  events: NotificationEvent[],
): Promise<Map<NotificationEvent, string[]>> {
  const rows = await tx
    .select({ id: webhooks.id, events: webhooks.events })
    .from(webhooks)
    .where(arrayOverlaps(webhooks.events, events));
  return new Map(events.map((e) => [e, rows.filter((r) => r.events.includes(e)).map((r) => r.id)]));
}

function webhookRows(
  endpoints: Map<NotificationEvent, string[]>,
  event: NotificationEvent,
  subject: Subject,
  data: Record<string, unknown>,
  now: Date,
  due = now,
): NotificationRow[] {
  // A reminder happens when it is due, not when it was queued.
  const payload: WebhookPayload = { type: event, timestamp: due.toISOString(), data };
  return (endpoints.get(event) ?? []).map((webhookId) => ({
    kind: 'webhook' as const,
    event,
    ...subject,
    webhookId,
    payload,
    createdAt: now,
    nextAttemptAt: due,
  }));
}

/** An expert's one-time sign-in link, to their address; the link is written when it is sent. */
export async function enqueueSignInLink(
  tx: Tx,
  expert: { name: string; email: string },
  link: { tokenId: string; expiresAt: Date },
  now: Date,
): Promise<void> {
  const payload: SignInEmailPayload = {
    audience: 'expert',
    name: expert.name,
    signIn: { tokenId: link.tokenId, expiresAt: link.expiresAt.toISOString() },
  };
  await tx.insert(notifications).values({
    kind: 'email',
    event: 'expert.sign-in-link',
    recipient: expert.email,
    payload,
    createdAt: now,
    nextAttemptAt: now,
  });
}
