import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import { type AuditEntry, audit } from '../../db/audit.ts';
import { notificationKinds, notifications, webhooks } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import type { Db, Queryable } from '../../db/types.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { ApiError, notFound } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  jsonResponse,
  PageQuery,
  problemResponse,
} from '../../http/schemas.ts';
import {
  DeliverySchema,
  NotificationSchema,
  presentDelivery,
  presentNotification,
  Status,
} from './schema.ts';

// What the outbox did, for staff: the state of each message, never what it says (payloads
// hold contacts' names and addresses).

const DeliveryParams = IdParam.extend({
  deliveryId: z
    .uuid({ message: 'must be a UUID' })
    .openapi({ param: { name: 'deliveryId', in: 'path' } }),
});

const listDeliveries = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  tags: ['webhooks'],
  summary: 'The deliveries to one endpoint, newest first (staff)',
  security: bearer('staff'),
  request: { params: IdParam, query: z.strictObject({ status: Status.optional(), ...PageQuery }) },
  responses: {
    200: jsonResponse(
      'A page of deliveries',
      z.object({ items: z.array(DeliverySchema), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

const redeliver = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
  tags: ['webhooks'],
  summary: 'Send a delivery again, with the same webhook-id and a fresh round of attempts (staff)',
  security: bearer('staff'),
  request: { params: DeliveryParams },
  responses: {
    202: jsonResponse('The delivery, pending again', DeliverySchema),
    ...commonErrors,
    409: problemResponse('The delivery is still pending'),
  },
});

const redeliverNotification = createRoute({
  method: 'post',
  path: '/v1/notifications/{id}/redeliver',
  tags: ['notifications'],
  summary: 'Send an email or webhook again, with the same id and a fresh round of attempts (staff)',
  security: bearer('staff'),
  request: { params: IdParam },
  responses: {
    202: jsonResponse('The notification, pending again', NotificationSchema),
    ...commonErrors,
    409: problemResponse('The notification is still pending'),
  },
});

const listNotifications = createRoute({
  method: 'get',
  path: '/v1/notifications',
  tags: ['notifications'],
  summary: 'Outbox rows, newest first, e.g. ?status=dead for what was given up on (staff)',
  security: bearer('staff'),
  request: {
    query: z.strictObject({
      status: Status.optional(),
      kind: z.enum(notificationKinds).optional(),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(
      'A page of notifications',
      z.object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

export function registerDeliveries(app: OpenAPIHono<AppEnv>) {
  app.openapi(listDeliveries, async (c) => {
    requireRole(c, 'staff');
    const { db } = c.get('deps');
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const [endpoint] = await db
      .select({ id: webhooks.id })
      .from(webhooks)
      .where(eq(webhooks.id, id));
    if (!endpoint) throw notFound('Webhook');
    const { items, nextCursor } = await newestFirst(
      db,
      and(
        eq(notifications.webhookId, id),
        query.status ? eq(notifications.status, query.status) : undefined,
      ),
      query,
    );
    return c.json({ items: items.map(presentDelivery), nextCursor }, 200);
  });

  app.openapi(redeliver, async (c) => {
    const principal = requireRole(c, 'staff');
    const { id, deliveryId } = c.req.valid('param');
    const row = await sendAgain(
      c.get('deps'),
      and(eq(notifications.id, deliveryId), eq(notifications.webhookId, id)),
      {
        actor: actorOf(principal),
        action: 'webhook.redelivered',
        entityType: 'webhook',
        entityId: id,
        data: { deliveryId },
      },
      'Delivery',
    );
    return c.json(presentDelivery(row), 202);
  });

  app.openapi(redeliverNotification, async (c) => {
    const principal = requireRole(c, 'staff');
    const { id } = c.req.valid('param');
    const row = await sendAgain(
      c.get('deps'),
      eq(notifications.id, id),
      {
        actor: actorOf(principal),
        action: 'notification.redelivered',
        entityType: 'notification',
        entityId: id,
        data: {},
      },
      'Notification',
    );
    return c.json(presentNotification(row), 202);
  });

  app.openapi(listNotifications, async (c) => {
    requireRole(c, 'staff');
    const { db } = c.get('deps');
    const query = c.req.valid('query');
    const { items, nextCursor } = await newestFirst(
      db,
      and(
        query.status ? eq(notifications.status, query.status) : undefined,
        query.kind ? eq(notifications.kind, query.kind) : undefined,
      ),
      query,
    );
    return c.json({ items: items.map(presentNotification), nextCursor }, 200);
  });
}

/**
 * Makes a settled outbox row (sent, dead, skipped) due again with a fresh round of attempts,
 * audited. A pending row may be in a dispatcher's hands right now: making it due again could
 * have two dispatchers send it at once, so it is refused (409).
 */
async function sendAgain(
  deps: { db: Db; clock: () => Date },
  which: SQL | undefined,
  event: Omit<AuditEntry, 'at'>,
  what: string,
) {
  return transaction(deps.db, async (tx) => {
    const [updated] = await tx
      .update(notifications)
      .set({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: deps.clock(),
        lastError: null,
        sentAt: null,
      })
      .where(and(which, inArray(notifications.status, ['sent', 'dead', 'skipped'])))
      .returning();
    if (!updated) {
      const [existing] = await tx.select({ id: notifications.id }).from(notifications).where(which);
      if (!existing) throw notFound(what);
      throw new ApiError('invalid-transition', `The ${what.toLowerCase()} is still pending`);
    }
    await audit(tx, { ...event, at: deps.clock() });
    return updated;
  });
}

async function newestFirst(
  q: Queryable,
  filter: SQL | undefined,
  query: { limit: number; cursor?: string | undefined },
) {
  const cursor = decodeCursor(query.cursor);
  const rows = await q
    .select()
    .from(notifications)
    .where(
      and(
        filter,
        cursor
          ? or(
              lt(notifications.createdAt, new Date(cursor.at)),
              and(
                eq(notifications.createdAt, new Date(cursor.at)),
                lt(notifications.id, cursor.id),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(query.limit + 1);
  return page(rows, query.limit, (r) => ({ at: r.createdAt.toISOString(), id: r.id }));
}
