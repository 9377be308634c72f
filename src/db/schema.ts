import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { attendanceStatuses } from '../domain/attendance.ts';
import { certificationBodyIds, certificationStatuses } from '../domain/certification.ts';
import { paymentItemKinds } from '../domain/payment-lifecycle.ts';
import { readinessPhases } from '../domain/readiness.ts';
import { requestStatuses } from '../domain/request-lifecycle.ts';
import { resolvedAnswers } from '../domain/survey.ts';
import { stepCodes } from '../domain/topics.ts';
import type { TravelLeg } from '../domain/travel.ts';
import { travelClaimStatuses } from '../domain/travel-claim-lifecycle.ts';
import { ZENGIN_ACCOUNT_TYPES } from '../domain/zengin.ts';

// Instants are timestamptz everywhere; `mode: 'date'` hands JS Dates to the code.
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => instant('created_at').notNull().defaultNow();
const updatedAt = () => instant('updated_at').notNull().defaultNow();
const textArray = (name: string) => text(name).array().notNull().default(sql`'{}'::text[]`);
/** `column in ('a', 'b', …)` over a list of the domain's own codes. */
const oneOf = (column: AnyPgColumn, values: readonly string[]) =>
  sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`;

export const experts = pgTable(
  'experts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    affiliation: text('affiliation').notNull().default(''),
    industries: textArray('industries'),
    tags: textArray('tags'),
    topics: textArray('topics'),
    prefectures: textArray('prefectures'),
    online: boolean('online').notNull().default(true),
    languages: textArray('languages'),
    maxVisitsPerMonth: integer('max_visits_per_month').notNull().default(8),
    travelBufferMinutes: integer('travel_buffer_minutes').notNull().default(60),
    conflicts: textArray('conflicts'),
    // The accredited body the expert audits for, if any: they are not sent to companies that
    // body has certified or is auditing (conflict of interest, domain/certification.ts).
    certificationBodyId: text('certification_body_id'),
    active: boolean('active').notNull().default(true),
    // Publicly paid, or a member of the applying organisation: paid travel, never a fee.
    feeExempt: boolean('fee_exempt').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('experts_max_visits_positive', sql`${t.maxVisitsPerMonth} >= 0`),
    check('experts_buffer_range', sql`${t.travelBufferMinutes} between 0 and 480`),
    check('experts_certification_body_known', oneOf(t.certificationBodyId, certificationBodyIds)),
  ],
);

export const weeklyHours = pgTable(
  'expert_weekly_hours',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    weekday: smallint('weekday').notNull(),
    start: time('start_time').notNull(),
    end: time('end_time').notNull(),
  },
  (t) => [
    index('expert_weekly_hours_expert_idx').on(t.expertId),
    check('weekly_weekday_range', sql`${t.weekday} between 1 and 7`),
    check('weekly_start_before_end', sql`${t.start} < ${t.end}`),
  ],
);

// A date with rows here replaces that date's weekly hours; a row with null times closes it.
export const dateOverrides = pgTable(
  'expert_date_overrides',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    start: time('start_time'),
    end: time('end_time'),
  },
  (t) => [
    index('expert_date_overrides_expert_date_idx').on(t.expertId, t.date),
    check(
      'override_times',
      sql`(${t.start} is null and ${t.end} is null) or (${t.start} is not null and ${t.end} is not null and ${t.start} < ${t.end})`,
    ),
  ],
);

export const companies = pgTable(
  'companies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    corporateNumber: text('corporate_number'),
    name: text('name').notNull(),
    industryCode: text('industry_code').notNull(),
    prefectureCode: text('prefecture_code').notNull(),
    employees: integer('employees').notNull(),
    capitalYen: bigint('capital_yen', { mode: 'number' }).notNull(),
    isSme: boolean('is_sme').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('companies_corporate_number_key').on(t.corporateNumber),
    check('companies_corporate_number_format', sql`${t.corporateNumber} ~ '^[0-9]{13}$'`),
  ],
);

export const visitFormats = ['onsite', 'online', 'either'] as const;

export const requests = pgTable(
  'requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // The shared company record is the office's: an application never writes it, and is linked
    // to it (by corporate number, or a record of its own) only once the office accepts it.
    companyId: uuid('company_id').references(() => companies.id),
    // The company as declared on this application. Matching and reports read these, so a
    // later application cannot rewrite an earlier one, and a FY report keeps the SME status
    // the company had when it applied.
    companyName: text('company_name').notNull(),
    corporateNumber: text('corporate_number'),
    industryCode: text('industry_code').notNull(),
    prefectureCode: text('prefecture_code').notNull(),
    employees: integer('employees').notNull(),
    capitalYen: bigint('capital_yen', { mode: 'number' }).notNull(),
    isSme: boolean('is_sme').notNull(),
    contactName: text('contact_name').notNull(),
    contactEmail: text('contact_email').notNull(),
    contactPhone: text('contact_phone'),
    contactNameKana: text('contact_name_kana'),
    // Where an on-site visit goes (the .ics LOCATION); the prefecture alone when not given.
    companyAddress: text('company_address'),
    // When the applicant agreed to the handling of personal information (the form asks).
    privacyConsentAt: instant('privacy_consent_at'),
    topics: textArray('topics'),
    format: text('format', { enum: visitFormats }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    preferredWindows: jsonb('preferred_windows')
      .$type<{ start: string; end: string }[]>()
      .notNull(),
    notes: text('notes').notNull().default(''),
    followUpOf: uuid('follow_up_of').references((): AnyPgColumn => requests.id),
    status: text('status', { enum: requestStatuses }).notNull().default('received'),
    // The fiscal year the application arrived in, for the staff queue's filter.
    fiscalYear: integer('fiscal_year').notNull(),
    cancelReason: text('cancel_reason'),
    // The office's decision (審査): when, and its note on acceptance or reason for declining.
    reviewedAt: instant('reviewed_at'),
    reviewNote: text('review_note'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('requests_status_created_idx').on(t.status, t.createdAt, t.id),
    index('requests_fiscal_year_created_idx').on(t.fiscalYear, t.createdAt, t.id),
    index('requests_created_idx').on(t.createdAt, t.id),
    index('requests_company_idx').on(t.companyId),
    index('requests_follow_up_idx').on(t.followUpOf),
    index('requests_corporate_number_idx').on(t.corporateNumber),
    check('requests_duration_range', sql`${t.durationMinutes} between 60 and 240`),
    check('requests_status_known', oneOf(t.status, requestStatuses)),
    // Taken on by the office ⇔ linked to the company record; a received one is not yet.
    check(
      'requests_company_linked',
      sql`(${t.status} not in ('accepted', 'scheduled', 'completed') or ${t.companyId} is not null)
        and (${t.status} <> 'received' or ${t.companyId} is null)`,
    ),
  ],
);

export const sessionStatuses = ['confirmed', 'completed', 'cancelled', 'no_show'] as const;

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id),
    companyId: uuid('company_id')
      .notNull()
      .references(() => companies.id),
    start: instant('start_at').notNull(),
    end: instant('end_at').notNull(),
    format: text('format', { enum: ['onsite', 'online'] }).notNull(),
    travelBufferMinutes: integer('travel_buffer_minutes').notNull().default(0),
    // The expert's blocked range: the visit widened by the travel buffer for on-site ones.
    // Stored rather than generated because timestamptz ± interval is not immutable.
    blockedFrom: instant('blocked_from').notNull(),
    blockedTo: instant('blocked_to').notNull(),
    status: text('status', { enum: sessionStatuses }).notNull().default('confirmed'),
    sequence: integer('sequence').notNull().default(0),
    cancelReason: text('cancel_reason'),
    // An online visit's meeting URL, set by staff or the expert.
    meetingUrl: text('meeting_url'),
    report: jsonb('report').$type<{
      topicsCovered: string[];
      summary: string;
      followUpNeeded: boolean;
    }>(),
    // What the visit report says took place: fees are paid on these, not on the booking.
    actualStart: instant('actual_start'),
    actualEnd: instant('actual_end'),
    // 従事確認: null until the company (or staff for it) answers; see domain/attendance.ts.
    attendance: text('attendance', { enum: attendanceStatuses }),
    attendanceComment: text('attendance_comment'),
    attendanceBy: text('attendance_by', { enum: ['company', 'staff'] }),
    attendanceAt: instant('attendance_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('sessions_expert_blocked_idx').on(t.expertId, t.blockedFrom),
    index('sessions_company_start_idx').on(t.companyId, t.start),
    index('sessions_request_idx').on(t.requestId),
    index('sessions_start_idx').on(t.start),
    check('sessions_start_before_end', sql`${t.start} < ${t.end}`),
    check(
      'sessions_blocked_covers_visit',
      sql`${t.blockedFrom} <= ${t.start} and ${t.blockedTo} >= ${t.end}`,
    ),
    check(
      'sessions_actual_times',
      sql`(${t.actualStart} is null and ${t.actualEnd} is null)
        or (${t.actualStart} is not null and ${t.actualEnd} is not null and ${t.actualStart} < ${t.actualEnd})`,
    ),
    // Only a visit that took place is confirmed or disputed, and always by someone.
    check(
      'sessions_attendance',
      sql`${t.attendance} is null
        or (${t.status} = 'completed' and ${t.attendanceBy} is not null and ${t.attendanceAt} is not null)`,
    ),
  ],
);

// Active (confirmed or completed) sessions per expert and Tokyo month (its first day), kept by
// a trigger on sessions in the same transaction as the change (migration 0004). Matching reads
// the monthly cap and the fiscal year's load of thousands of experts from here rather than
// counting their sessions on every request; fiscal years start on a Tokyo month, so a year's
// load is the sum of its twelve months.
export const expertMonthlyVisits = pgTable(
  'expert_monthly_visits',
  {
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    month: date('month', { mode: 'string' }).notNull(),
    visits: integer('visits').notNull(),
  },
  (t) => [primaryKey({ columns: [t.expertId, t.month] })],
);

// How many times each expert's busy time has changed: their busy blocks, their active sessions
// (and so their monthly load). Bumped by triggers in the same transaction as the change
// (migration 0010), so a process's copy of an expert's calendar read at this version is current
// while the version is.
// Experts fall into 256 buckets by the last byte of their id: a process learns which buckets
// changed from one small sum per bucket, and reads the versions of those buckets only.
export const expertCalendarVersions = pgTable(
  'expert_calendar_versions',
  {
    expertId: uuid('expert_id').primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
    bucket: smallint('bucket').notNull().generatedAlwaysAs(sql`get_byte(uuid_send(expert_id), 15)`),
  },
  (t) => [index('expert_calendar_versions_bucket_idx').on(t.bucket)],
);

// One row per statement that changes what a fiscal year's reports show (0: every year, and
// any change to the experts or their hours, which matching keeps a copy of), added by triggers
// in the same transaction (migration 0004). Rows are only ever added, so the number
// of rows a snapshot sees for a year tells whether a report cached at that number is current,
// and adding rows never waits on another transaction, as bumping one counter would.
export const reportChanges = pgTable(
  'report_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    fiscalYear: integer('fiscal_year').notNull(),
  },
  (t) => [index('report_changes_fiscal_year_idx').on(t.fiscalYear)],
);

// A report as last computed, with the number of report_changes rows its snapshot saw.
export const reportCache = pgTable(
  'report_cache',
  {
    kind: text('kind').notNull(),
    fiscalYear: integer('fiscal_year').notNull(),
    changes: bigint('changes', { mode: 'number' }).notNull(),
    body: text('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.fiscalYear] })],
);

export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    etag: text('etag'),
    lastModified: text('last_modified'),
    lastSyncedAt: instant('last_synced_at'),
    lastSuccessAt: instant('last_success_at'),
    lastError: text('last_error'),
    eventCount: integer('event_count').notNull().default(0),
    // When the scheduled sync next fetches the feed: FEED_SYNC_MINUTES after the last fetch,
    // and, while one process is fetching it, the end of that process's lease.
    nextSyncAt: instant('next_sync_at').notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    index('calendar_feeds_expert_idx').on(t.expertId),
    index('calendar_feeds_next_sync_idx').on(t.nextSyncAt),
  ],
);

export const busyBlocks = pgTable(
  'busy_blocks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    feedId: uuid('feed_id')
      .notNull()
      .references(() => calendarFeeds.id, { onDelete: 'cascade' }),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    start: instant('start_at').notNull(),
    end: instant('end_at').notNull(),
  },
  (t) => [
    index('busy_blocks_expert_start_idx').on(t.expertId, t.start, t.end),
    // Matching reads thousands of experts' blocks near a request's windows by range overlap.
    index('busy_blocks_expert_range_idx').using(
      'gist',
      t.expertId,
      sql`tstzrange(${t.start}, ${t.end})`,
    ),
    index('busy_blocks_feed_idx').on(t.feedId),
    check('busy_blocks_start_before_end', sql`${t.start} < ${t.end}`),
  ],
);

// `sign-in`: a one-time sign-in link (an expert's, or with no expert a staff member's), used
// up when followed; `viewer`: read-only access for the ministry's officials.
export const tokenRoles = ['staff', 'viewer', 'expert', 'company', 'feed', 'sign-in'] as const;

// Bearer secrets are kept only as SHA-256 hashes; the plain token is shown once.
export const tokens = pgTable(
  'tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hash: text('hash').notNull(),
    role: text('role', { enum: tokenRoles }).notNull(),
    expertId: uuid('expert_id').references(() => experts.id, { onDelete: 'cascade' }),
    requestId: uuid('request_id').references(() => requests.id, { onDelete: 'cascade' }),
    label: text('label').notNull().default(''),
    // Feed, company and sign-in tokens: the secret is HMAC(key, nonce), so the URL that carries
    // it can be shown or sent again while the table holds no secret (src/feeds/feed-token.ts,
    // src/auth/replayable-secret.ts).
    nonce: text('nonce'),
    createdAt: createdAt(),
    revokedAt: instant('revoked_at'),
    expiresAt: instant('expires_at'),
    // Touched at most once a minute, so a busy token does not write on every request.
    lastUsedAt: instant('last_used_at'),
  },
  (t) => [
    uniqueIndex('tokens_hash_key').on(t.hash),
    // One live subscription feed per expert, and one programme-wide feed (expert null).
    uniqueIndex('tokens_live_feed_key')
      .on(sql`coalesce(${t.expertId}, '00000000-0000-0000-0000-000000000000'::uuid)`)
      .where(sql`${t.role} = 'feed' and ${t.revokedAt} is null`),
    check(
      'tokens_subject',
      sql`(${t.role} in ('staff', 'viewer') and ${t.expertId} is null and ${t.requestId} is null)
        or (${t.role} = 'expert' and ${t.expertId} is not null and ${t.requestId} is null)
        or (${t.role} = 'feed' and ${t.requestId} is null and ${t.nonce} is not null)
        or (${t.role} = 'company' and ${t.requestId} is not null and ${t.expertId} is null)
        or (${t.role} = 'sign-in' and ${t.requestId} is null and ${t.nonce} is not null
            and ${t.expiresAt} is not null)`,
    ),
  ],
);

export const webSessionRoles = ['staff', 'viewer', 'expert'] as const;

/**
 * A browser's sign-in. The cookie holds a random secret whose hash is kept here; the secret is
 * no bearer token, so the API refuses it. A staff session rests on the token it was started
 * with (none for the bootstrap STAFF_TOKEN) and ends with it; an expert's on the expert being
 * active. Every session ends at `expires_at`, or after an hour unseen.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hash: text('hash').notNull(),
    role: text('role', { enum: webSessionRoles }).notNull(),
    tokenId: uuid('token_id').references(() => tokens.id, { onDelete: 'cascade' }),
    expertId: uuid('expert_id').references(() => experts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: instant('last_seen_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    endedAt: instant('ended_at'),
  },
  (t) => [
    uniqueIndex('web_sessions_hash_key').on(t.hash),
    index('web_sessions_token_idx').on(t.tokenId),
    index('web_sessions_expert_idx').on(t.expertId),
    check(
      'web_sessions_subject',
      sql`(${t.role} in ('staff', 'viewer') and ${t.expertId} is null)
        or (${t.role} = 'expert' and ${t.expertId} is not null and ${t.tokenId} is null)`,
    ),
  ],
);

/**
 * What a page's POST hands to the page it redirects to (Post/Redirect/Get): a notice, or the
 * errors and the values of a form to show again. Read once and deleted; the browser holds only
 * the row's random id, in a cookie.
 */
export const pageFlashes = pgTable('page_flashes', {
  id: uuid('id').primaryKey(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: instant('at').notNull().defaultNow(),
    actorRole: text('actor_role').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    data: jsonb('data').notNull().default({}),
  },
  (t) => [index('audit_events_entity_idx').on(t.entityType, t.entityId, t.id)],
);

/** Server-wide values the service generates for itself, such as the feed signing key. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const notificationEvents = [
  'request.received',
  'request.accepted',
  'request.declined',
  'expert.sign-in-link',
  'session.booked',
  'session.rescheduled',
  'session.updated',
  'session.cancelled',
  'session.completed',
  'session.no-show',
  'session.reminder',
  'session.attendance-disputed',
  'travel-claim.approved',
  'travel-claim.adjusted',
] as const;
export const notificationKinds = ['email', 'webhook'] as const;
// `skipped`: not sent on purpose, a reminder of a visit that changed after it was queued.
export const notificationStatuses = ['pending', 'sent', 'dead', 'skipped'] as const;

// Endpoints staff register for webhooks. The signing secret is derived as HMAC(key, nonce),
// like feed URLs (src/notify/webhook-secret.ts), so the table holds no secret.
export const webhooks = pgTable('webhooks', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  events: text('events', { enum: notificationEvents }).array().notNull(),
  description: text('description').notNull().default(''),
  nonce: text('nonce').notNull(),
  // After a rotation the old secret signs too, until `previous_until`, so a consumer can
  // switch secrets without refusing a delivery in between.
  previousNonce: text('previous_nonce'),
  previousUntil: instant('previous_until'),
  createdAt: createdAt(),
});

/**
 * The transactional outbox: a change writes its messages here in its own transaction, and
 * the dispatcher (src/notify/dispatcher.ts) sends them. `id` is the message's stable id
 * (Message-ID, webhook-id), the same on every attempt.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: notificationKinds }).notNull(),
    event: text('event', { enum: notificationEvents }).notNull(),
    requestId: uuid('request_id').references(() => requests.id),
    sessionId: uuid('session_id').references(() => sessions.id),
    /** Email rows: the address. */
    recipient: text('recipient'),
    /** Webhook rows: the endpoint; its deliveries go with it. */
    webhookId: uuid('webhook_id').references(() => webhooks.id, { onDelete: 'cascade' }),
    /** What the message says, as of the change: rendered (email) or sent (webhook) later. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: notificationStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    // When a pending row is due; while a dispatcher holds it, the end of its lease.
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    index('notifications_status_next_attempt_idx').on(t.status, t.nextAttemptAt),
    index('notifications_webhook_created_idx').on(t.webhookId, t.createdAt, t.id),
    index('notifications_session_idx').on(t.sessionId),
    check(
      'notifications_target',
      sql`(${t.kind} = 'email' and ${t.recipient} is not null and ${t.webhookId} is null)
        or (${t.kind} = 'webhook' and ${t.webhookId} is not null and ${t.recipient} is null)`,
    ),
  ],
);

// Fiscal-year money (issue 18). Amounts are integer yen; rates in basis points.

const yen = (name: string) => integer(name).notNull();
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  // postgres.js hands back a Buffer, PGlite a Uint8Array: the code sees a Uint8Array either way.
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

/** A fiscal year's rates (謝金・旅費); a year without a row uses DEFAULT_FEE_RATES. */
export const feeRates = pgTable(
  'fee_rates',
  {
    fiscalYear: integer('fiscal_year').primaryKey(),
    hourlyRateYen: yen('hourly_rate_yen'),
    unitMinutes: integer('unit_minutes').notNull(),
    dailyCapYen: yen('daily_cap_yen'),
    withholdingBp: integer('withholding_bp').notNull(),
    withholdingAboveBp: integer('withholding_above_bp').notNull(),
    withholdingThresholdYen: yen('withholding_threshold_yen'),
    withholdTravel: boolean('withhold_travel').notNull(),
    dailyAllowanceYen: yen('daily_allowance_yen'),
    lodgingCapYen: yen('lodging_cap_yen'),
    travelEstimateYen: yen('travel_estimate_yen'),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('fee_rates_unit_range', sql`${t.unitMinutes} between 1 and 480`),
    check(
      'fee_rates_bp_range',
      sql`${t.withholdingBp} between 0 and 10000 and ${t.withholdingAboveBp} between 0 and 10000`,
    ),
  ],
);

export const budgets = pgTable(
  'budgets',
  {
    fiscalYear: integer('fiscal_year').primaryKey(),
    amountYen: bigint('amount_yen', { mode: 'number' }).notNull(),
    /** The last day applications are taken (Asia/Tokyo); null: until the money runs out. */
    intakeClosesOn: date('intake_closes_on', { mode: 'string' }),
    updatedAt: updatedAt(),
  },
  (t) => [check('budgets_amount_positive', sql`${t.amountYen} >= 0`)],
);

/** Where an expert is paid, checked against zengin-code when entered (domain/bank-account.ts). */
export const expertBankAccounts = pgTable('expert_bank_accounts', {
  expertId: uuid('expert_id')
    .primaryKey()
    .references(() => experts.id, { onDelete: 'cascade' }),
  bankCode: text('bank_code').notNull(),
  branchCode: text('branch_code').notNull(),
  accountType: text('account_type', { enum: ZENGIN_ACCOUNT_TYPES }).notNull(),
  /** 7 digits, as the 全銀 file writes it. */
  accountNumber: text('account_number').notNull(),
  /** Half-width katakana, as the bank prints it. */
  holderName: text('holder_name').notNull(),
  /** The names in kanji when it was entered, to show people; the file takes zengin-code's kana. */
  bankName: text('bank_name').notNull(),
  branchName: text('branch_name').notNull(),
  updatedAt: updatedAt(),
});

export const travelClaims = pgTable(
  'travel_claims',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id),
    legs: jsonb('legs').$type<TravelLeg[]>().notNull(),
    allowanceYen: yen('allowance_yen'),
    lodgingYen: yen('lodging_yen'),
    claimedYen: yen('claimed_yen'),
    status: text('status', { enum: travelClaimStatuses }).notNull().default('submitted'),
    approvedYen: integer('approved_yen'),
    decisionReason: text('decision_reason'),
    decidedAt: instant('decided_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One claim per visit.
    uniqueIndex('travel_claims_session_key').on(t.sessionId),
    index('travel_claims_expert_idx').on(t.expertId, t.createdAt, t.id),
    index('travel_claims_status_idx').on(t.status, t.createdAt, t.id),
    check(
      'travel_claims_amounts',
      sql`${t.allowanceYen} >= 0 and ${t.lodgingYen} >= 0 and ${t.claimedYen} >= 0`,
    ),
    check(
      'travel_claims_decision',
      sql`(${t.status} = 'submitted' and ${t.approvedYen} is null and ${t.decidedAt} is null)
        or (${t.status} = 'approved' and ${t.approvedYen} = ${t.claimedYen} and ${t.decidedAt} is not null)
        or (${t.status} = 'adjusted' and ${t.approvedYen} between 0 and ${t.claimedYen}
            and ${t.decisionReason} is not null and ${t.decidedAt} is not null)`,
    ),
  ],
);

export const travelReceipts = pgTable(
  'travel_receipts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => travelClaims.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('travel_receipts_claim_idx').on(t.claimId),
    check(
      'travel_receipts_size',
      sql`${t.sizeBytes} between 1 and ${sql.raw(String(5 * 1024 * 1024))}`,
    ),
  ],
);

/**
 * One export of a month's payments: the 全銀 file as it was handed out, kept byte for byte so
 * asking again gives the same file. A month is exported again only for what became payable
 * since (a late confirmation, a claim decided later): `sequence` counts them.
 */
export const paymentExports = pgTable(
  'payment_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fiscalYear: integer('fiscal_year').notNull(),
    /** 'YYYY-MM', the Tokyo month of the visits paid. */
    month: text('month').notNull(),
    sequence: integer('sequence').notNull(),
    transferDate: date('transfer_date', { mode: 'string' }).notNull(),
    transfers: integer('transfers').notNull(),
    totalYen: bigint('total_yen', { mode: 'number' }).notNull(),
    /** Null when nothing was to be transferred (fee-exempt experts' online visits). */
    file: bytea('file'),
    fileSha256: text('file_sha256'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('payment_exports_month_sequence_key').on(t.month, t.sequence)],
);

/** What one export pays one expert for one month. */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    exportId: uuid('export_id')
      .notNull()
      .references(() => paymentExports.id),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id),
    month: text('month').notNull(),
    units: integer('units').notNull(),
    feeYen: yen('fee_yen'),
    travelYen: yen('travel_yen'),
    withholdingYen: yen('withholding_yen'),
    netYen: yen('net_yen'),
  },
  (t) => [
    uniqueIndex('payments_export_expert_key').on(t.exportId, t.expertId),
    index('payments_expert_month_idx').on(t.expertId, t.month),
  ],
);

/**
 * A visit's fee or its travel, as paid: the amount is frozen here. The key is the visit and
 * the kind, so the database itself refuses to pay either twice.
 */
export const paymentItems = pgTable(
  'payment_items',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id),
    kind: text('kind', { enum: paymentItemKinds }).notNull(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    /** The Tokyo day the fee counted on, for the daily cap of a visit paid later that day. */
    day: date('day', { mode: 'string' }).notNull(),
    units: integer('units').notNull(),
    amountYen: yen('amount_yen'),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.kind] }),
    index('payment_items_payment_idx').on(t.paymentId),
  ],
);

/** The company's survey of one completed visit (domain/survey.ts): one per visit. */
export const surveys = pgTable(
  'surveys',
  {
    sessionId: uuid('session_id')
      .primaryKey()
      .references(() => sessions.id),
    satisfaction: smallint('satisfaction').notNull(),
    resolved: text('resolved', { enum: resolvedAnswers }).notNull(),
    wantsMore: boolean('wants_more').notNull(),
    comment: text('comment').notNull().default(''),
    // Staff only: never shown to the company that gave it, nor to the expert.
    expertRating: smallint('expert_rating'),
    // The 14 days in which the answers can change run from here.
    firstSubmittedAt: instant('first_submitted_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    check('surveys_satisfaction_range', sql`${t.satisfaction} between 1 and 5`),
    check('surveys_resolved_known', oneOf(t.resolved, resolvedAnswers)),
    check('surveys_expert_rating_range', sql`${t.expertRating} between 1 and 5`),
  ],
);

const level = (step: string) => smallint(step).notNull();

/**
 * A request's readiness over the nine steps (domain/readiness.ts): `before` (at application,
 * or until its first visit begins) and `after` (once its visit is completed). One column per
 * step, so the outcome report averages them in the database.
 */
export const readiness = pgTable(
  'readiness',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    phase: text('phase', { enum: readinessPhases }).notNull(),
    identify: level('identify'),
    classify: level('classify'),
    manager: level('manager'),
    process: level('process'),
    training: level('training'),
    incident: level('incident'),
    access: level('access'),
    physical: level('physical'),
    electronic: level('electronic'),
    firstAnsweredAt: instant('first_answered_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.requestId, t.phase] }),
    check('readiness_phase_known', oneOf(t.phase, readinessPhases)),
    ...stepCodes.map((step) => check(`readiness_${step}_range`, sql`${t[step]} between 0 and 3`)),
  ],
);

/**
 * What an accredited body has done with a company (domain/certification.ts): `auditing` from
 * the day its audit began, `certified` on the date of the certificate. Either makes the body's
 * experts conflicted with the company; only `certified` counts as an outcome.
 */
export const certifications = pgTable(
  'certifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => companies.id),
    bodyId: text('body_id').notNull(),
    status: text('status', { enum: certificationStatuses }).notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    number: text('number'),
    createdAt: createdAt(),
  },
  (t) => [
    index('certifications_company_idx').on(t.companyId, t.date),
    check('certifications_body_known', oneOf(t.bodyId, certificationBodyIds)),
    check('certifications_status_known', oneOf(t.status, certificationStatuses)),
  ],
);
