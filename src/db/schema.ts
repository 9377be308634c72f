import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
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
import { certificationBodyIds, certificationStatuses } from '../domain/certification.ts';
import { readinessPhases } from '../domain/readiness.ts';
import { requestStatuses } from '../domain/request-lifecycle.ts';
import { resolvedAnswers } from '../domain/survey.ts';
import { stepCodes } from '../domain/topics.ts';

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
    report: jsonb('report').$type<{
      topicsCovered: string[];
      summary: string;
      followUpNeeded: boolean;
    }>(),
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
  ],
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
    createdAt: createdAt(),
  },
  (t) => [index('calendar_feeds_expert_idx').on(t.expertId)],
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
    index('busy_blocks_feed_idx').on(t.feedId),
    check('busy_blocks_start_before_end', sql`${t.start} < ${t.end}`),
  ],
);

export const tokenRoles = ['staff', 'expert', 'company', 'feed'] as const;

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
    // Feed tokens only: the secret is HMAC(feed key, nonce), so the subscription URL can be
    // shown again while the table holds no secret (see src/feeds/feed-token.ts).
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
      sql`(${t.role} = 'staff' and ${t.expertId} is null and ${t.requestId} is null)
        or (${t.role} = 'expert' and ${t.expertId} is not null and ${t.requestId} is null)
        or (${t.role} = 'feed' and ${t.requestId} is null and ${t.nonce} is not null)
        or (${t.role} = 'company' and ${t.requestId} is not null and ${t.expertId} is null)`,
    ),
  ],
);

export const webSessionRoles = ['staff', 'expert'] as const;

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
      sql`(${t.role} = 'staff' and ${t.expertId} is null)
        or (${t.role} = 'expert' and ${t.expertId} is not null and ${t.tokenId} is null)`,
    ),
  ],
);

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
  'session.booked',
  'session.rescheduled',
  'session.cancelled',
  'session.completed',
  'session.no-show',
  'session.reminder',
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
