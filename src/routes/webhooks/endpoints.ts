import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { asc, count, eq } from 'drizzle-orm';
import { audit } from '../../db/audit.ts';
import { webhooks } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import type { Db } from '../../db/types.ts';
import { HOUR_MS } from '../../domain/time.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { invalid, notFound } from '../../http/errors.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  IdParam,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
} from '../../http/schemas.ts';
import { newNonce, webhookSecret } from '../../notify/webhook-secret.ts';
import { WebhookError, webhookUrl } from '../../notify/webhook-transport.ts';
import { presentWebhook, WebhookInput, WebhookSchema, WebhookWithSecret } from './schema.ts';

const MAX_WEBHOOKS = 20;
/** How long the secret before a rotation keeps signing deliveries alongside the new one. */
const ROTATION_GRACE_MS = 24 * HOUR_MS;

const base = { tags: ['webhooks'], security: bearer('staff') };

const createWebhook = createRoute({
  ...base,
  method: 'post',
  path: '/v1/webhooks',
  summary: 'Register an endpoint for events; the signing secret is shown once (staff)',
  request: {
    body: jsonBody(WebhookInput),
    headers: IdempotencyHeader,
  },
  responses: {
    201: jsonResponse('The endpoint and its signing secret', WebhookWithSecret),
    ...commonErrors,
    ...idempotencyErrors,
  },
});

const listWebhooks = createRoute({
  ...base,
  method: 'get',
  path: '/v1/webhooks',
  summary: 'Registered endpoints, oldest first (staff)',
  responses: {
    200: jsonResponse(
      'Endpoints',
      z.object({ items: z.array(WebhookSchema), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

const deleteWebhook = createRoute({
  ...base,
  method: 'delete',
  path: '/v1/webhooks/{id}',
  summary: 'Remove an endpoint; its pending deliveries are dropped with it (staff)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

const rotateSecret = createRoute({
  ...base,
  method: 'post',
  path: '/v1/webhooks/{id}/rotate-secret',
  summary:
    'Replace the signing secret; the old one also signs for 24 hours, the new one is shown once (staff)',
  request: { params: IdParam },
  responses: {
    200: jsonResponse('The endpoint and its new secret', WebhookWithSecret),
    ...commonErrors,
  },
});

export function registerWebhookEndpoints(app: OpenAPIHono<AppEnv>) {
  app.openapi(createWebhook, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, config, clock } = c.get('deps');
    const input = c.req.valid('json');
    try {
      webhookUrl(input.url, config.feedAllowPrivate);
    } catch (error) {
      if (error instanceof WebhookError) throw invalid('url', error.message);
      throw error;
    }
    const actor = actorOf(principal);
    const outcome = await idempotent(
      db,
      {
        key: c.req.header('idempotency-key'),
        scope: callerScope('POST /v1/webhooks', actor),
        body: input,
        now: clock(),
      },
      async (tx) => {
        const [existing] = await tx.select({ n: count() }).from(webhooks);
        if ((existing?.n ?? 0) >= MAX_WEBHOOKS) {
          throw invalid('url', `at most ${MAX_WEBHOOKS} endpoints can be registered`);
        }
        const now = clock();
        const [row] = await tx
          .insert(webhooks)
          .values({
            url: input.url,
            events: input.events,
            description: input.description ?? '',
            nonce: newNonce(),
            createdAt: now,
          })
          .returning();
        if (!row) throw new Error('webhook insert returned no row');
        await audit(tx, {
          at: now,
          actor,
          action: 'webhook.created',
          entityType: 'webhook',
          entityId: row.id,
          data: { events: input.events },
        });
        return { status: 201 as const, body: presentWebhook(row, now) };
      },
    );
    // The secret is derived, not stored, so a replayed answer can carry it again.
    return c.json(await withSecret(db, config.feedSecret, outcome.body), 201);
  });

  app.openapi(listWebhooks, async (c) => {
    requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const rows = await db
      .select()
      .from(webhooks)
      .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
    const now = clock();
    return c.json({ items: rows.map((r) => presentWebhook(r, now)), nextCursor: null }, 200);
  });

  app.openapi(deleteWebhook, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const { id } = c.req.valid('param');
    await transaction(db, async (tx) => {
      const [row] = await tx
        .delete(webhooks)
        .where(eq(webhooks.id, id))
        .returning({ id: webhooks.id });
      if (!row) throw notFound('Webhook');
      await audit(tx, {
        at: clock(),
        actor: actorOf(principal),
        action: 'webhook.deleted',
        entityType: 'webhook',
        entityId: id,
      });
    });
    return c.body(null, 204);
  });

  app.openapi(rotateSecret, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, config, clock } = c.get('deps');
    const { id } = c.req.valid('param');
    const now = clock();
    const row = await transaction(db, async (tx) => {
      const [current] = await tx.select().from(webhooks).where(eq(webhooks.id, id)).for('update');
      if (!current) throw notFound('Webhook');
      const [rotated] = await tx
        .update(webhooks)
        .set({
          nonce: newNonce(),
          previousNonce: current.nonce,
          previousUntil: new Date(now.getTime() + ROTATION_GRACE_MS),
        })
        .where(eq(webhooks.id, id))
        .returning();
      if (!rotated) throw new Error('webhook vanished under its lock');
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: 'webhook.secret-rotated',
        entityType: 'webhook',
        entityId: id,
      });
      return rotated;
    });
    return c.json(await withSecret(db, config.feedSecret, presentWebhook(row, now)), 200);
  });
}

async function withSecret(
  db: Db,
  configured: string | undefined,
  webhook: z.infer<typeof WebhookSchema>,
) {
  const [row] = await db
    .select({ nonce: webhooks.nonce })
    .from(webhooks)
    .where(eq(webhooks.id, webhook.id));
  if (!row) throw notFound('Webhook');
  return { ...webhook, secret: await webhookSecret(db, configured, row.nonce) };
}
