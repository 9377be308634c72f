import { z } from '@hono/zod-openapi';
import {
  notificationEvents,
  notificationKinds,
  notificationStatuses,
  type notifications,
  type webhooks,
} from '../../db/schema.ts';
import { Instant, singleLine } from '../../http/schemas.ts';

export const EventName = z.enum(notificationEvents);

export const WebhookInput = z
  .strictObject({
    url: z
      .string()
      .trim()
      .max(2048)
      .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' })),
    events: z
      .array(EventName)
      .min(1)
      .max(notificationEvents.length)
      .refine((e) => new Set(e).size === e.length, 'must not repeat an event'),
    description: singleLine(200).optional(),
  })
  .openapi('WebhookInput');

export const WebhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(EventName),
    description: z.string(),
    createdAt: Instant,
    previousSecretValidUntil: Instant.nullable().openapi({
      description: 'After a rotation, deliveries are signed with the old secret too until then',
    }),
  })
  .openapi('Webhook');

export const WebhookWithSecret = WebhookSchema.extend({
  secret: z.string().openapi({
    description: 'The signing secret (whsec_…); shown only in this response',
  }),
}).openapi('WebhookWithSecret');

export const Status = z.enum(notificationStatuses);

export const DeliverySchema = z
  .object({
    id: z.uuid().openapi({ description: 'The message id, sent as webhook-id' }),
    event: EventName,
    status: Status,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: Instant.nullable().openapi({ description: 'Pending rows: when next tried' }),
    requestId: z.uuid().nullable(),
    sessionId: z.uuid().nullable(),
    createdAt: Instant,
    sentAt: Instant.nullable(),
  })
  .openapi('WebhookDelivery');

export const NotificationSchema = DeliverySchema.extend({
  kind: z.enum(notificationKinds),
  recipient: z.string().nullable().openapi({ description: 'Email rows: the address' }),
  webhookId: z.uuid().nullable(),
}).openapi('Notification');

type WebhookRow = typeof webhooks.$inferSelect;
type NotificationRow = typeof notifications.$inferSelect;

export function presentWebhook(row: WebhookRow, now: Date): z.infer<typeof WebhookSchema> {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    previousSecretValidUntil:
      row.previousUntil && row.previousUntil > now ? row.previousUntil.toISOString() : null,
  };
}

/** A row's delivery state; never its payload, which is what the message says. */
export function presentDelivery(row: NotificationRow): z.infer<typeof DeliverySchema> {
  return {
    id: row.id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    requestId: row.requestId,
    sessionId: row.sessionId,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}

export function presentNotification(row: NotificationRow): z.infer<typeof NotificationSchema> {
  return {
    ...presentDelivery(row),
    kind: row.kind,
    recipient: row.recipient,
    webhookId: row.webhookId,
  };
}
