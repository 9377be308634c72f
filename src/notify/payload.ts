import type { CalendarSession } from '../calendar/export.ts';
import type { notificationEvents, notificationKinds, notificationStatuses } from '../db/schema.ts';

// What an outbox row carries. It is written in the transaction of the change, so a message
// says what was true when the change committed, however late it is sent.

export type NotificationEvent = (typeof notificationEvents)[number];
export type NotificationKind = (typeof notificationKinds)[number];
export type NotificationStatus = (typeof notificationStatuses)[number];
export type RequestEvent = Extract<NotificationEvent, `request.${string}`>;
export type SessionEvent = Extract<NotificationEvent, `session.${string}`>;
export type ClaimEvent = Extract<NotificationEvent, `travel-claim.${string}`>;
/** Events whose emails are written from an EmailPayload: all but sign-in links. */
export type EmailEvent = RequestEvent | SessionEvent | ClaimEvent;

/** A CalendarSession as JSON: its instants as RFC 3339 strings. */
export type StoredCalendarSession = Omit<CalendarSession, 'start' | 'end' | 'updatedAt'> & {
  start: string;
  end: string;
  updatedAt: string;
};

export type EmailPayload = {
  /** `office`: the programme office's own address (OFFICE_EMAIL), for what staff must settle. */
  audience: 'company' | 'expert' | 'office';
  /** The recipient's name, for the salutation. */
  name: string;
  request: {
    id: string;
    companyName: string;
    prefectureCode: string;
    topics: string[];
    format: 'onsite' | 'online' | 'either';
    durationMinutes: number;
  };
  /** The office's decision: its note on accepting, or its reason for declining. */
  review?: { note: string | null };
  /** Session events: the visit as the calendar feeds show it after the change. */
  visit?: {
    event: StoredCalendarSession;
    /** Rescheduled: where the visit was before. */
    previous?: { start: string; end: string };
    cancelReason: string | null;
  };
  /** A disputed visit: what the company said. */
  attendance?: { comment: string | null };
  /** A travel claim's decision, for its expert. */
  claim?: {
    id: string;
    visitStart: string;
    visitEnd: string;
    claimedYen: number;
    approvedYen: number;
    reason: string | null;
  };
};

/**
 * A sign-in link's email: whom it greets, and which link (the URL itself is derived when the
 * message is sent, and only while the link is unused and unexpired).
 */
export type SignInEmailPayload = {
  audience: 'expert' | 'staff';
  name: string;
  signIn: { tokenId: string; expiresAt: string };
};

/** A webhook row's payload is the body it is sent with (Standard Webhooks' shape). */
export type WebhookPayload = {
  type: NotificationEvent;
  timestamp: string;
  data: Record<string, unknown>;
};

export function reviveCalendarSession(stored: StoredCalendarSession): CalendarSession {
  return {
    ...stored,
    start: new Date(stored.start),
    end: new Date(stored.end),
    updatedAt: new Date(stored.updatedAt),
  };
}
