import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, lt } from 'drizzle-orm';
import { auditEvents } from '../../db/schema.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { bearer, commonErrors, Instant, jsonResponse, PageQuery } from '../../http/schemas.ts';

const AuditEvent = z
  .object({
    id: z.number().int(),
    at: Instant,
    actor: z.object({ role: z.string(), id: z.string().nullable() }),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEvent');

const route = createRoute({
  method: 'get',
  path: '/v1/audit',
  tags: ['audit'],
  summary: 'Audit events, newest first, optionally of one entity (staff)',
  security: bearer('staff'),
  request: {
    query: z.strictObject({
      entityType: z
        .enum(['request', 'session', 'expert', 'company', 'token', 'calendar-feed', 'webhook'])
        .optional(),
      entityId: z.string().max(100).optional(),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(
      'A page of audit events',
      z.object({ items: z.array(AuditEvent), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

export function registerAudit(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    requireRole(c, 'staff');
    const { db } = c.get('deps');
    const query = c.req.valid('query');
    const cursor = decodeCursor(query.cursor, /^[0-9]{1,18}$/);
    const rows = await db
      .select()
      .from(auditEvents)
      .where(
        and(
          query.entityType ? eq(auditEvents.entityType, query.entityType) : undefined,
          query.entityId ? eq(auditEvents.entityId, query.entityId) : undefined,
          cursor ? lt(auditEvents.id, Number(cursor.id)) : undefined,
        ),
      )
      .orderBy(desc(auditEvents.id))
      .limit(query.limit + 1);
    const { items, nextCursor } = page(rows, query.limit, (r) => ({
      at: r.at.toISOString(),
      id: String(r.id),
    }));
    return c.json(
      {
        items: items.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor: { role: r.actorRole, id: r.actorId },
          action: r.action,
          entityType: r.entityType,
          entityId: r.entityId,
          data: r.data as Record<string, unknown>,
        })),
        nextCursor,
      },
      200,
    );
  });
}
