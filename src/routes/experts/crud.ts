import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, eq, gt, or } from 'drizzle-orm';
import { endExpertAccess } from '../../auth/expert-access.ts';
import { audit } from '../../db/audit.ts';
import { experts } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  IdParam,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
  PageQuery,
} from '../../http/schemas.ts';
import { expertById, loadExperts } from './queries.ts';
import { ExpertInput, ExpertPatch, ExpertSchema } from './schema.ts';

const createExpert = createRoute({
  method: 'post',
  path: '/v1/experts',
  tags: ['experts'],
  summary: 'Register an expert (staff)',
  security: bearer('staff'),
  request: {
    body: jsonBody(ExpertInput),
    headers: IdempotencyHeader,
  },
  responses: {
    201: jsonResponse('The new expert', ExpertSchema),
    ...commonErrors,
    ...idempotencyErrors,
  },
});

const listExperts = createRoute({
  method: 'get',
  path: '/v1/experts',
  tags: ['experts'],
  summary: 'Experts in the order they were registered (staff)',
  security: bearer('staff', 'viewer'),
  request: {
    query: z.strictObject({
      active: z.enum(['true', 'false']).optional(),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(
      'A page of experts',
      z.object({ items: z.array(ExpertSchema), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

const getExpert = createRoute({
  method: 'get',
  path: '/v1/experts/{id}',
  tags: ['experts'],
  summary: 'One expert with availability (staff)',
  security: bearer('staff', 'viewer'),
  request: { params: IdParam },
  responses: { 200: jsonResponse('The expert', ExpertSchema), ...commonErrors },
});

const patchExpert = createRoute({
  method: 'patch',
  path: '/v1/experts/{id}',
  tags: ['experts'],
  summary: 'Change an expert’s fields; `active: false` retires them from matching (staff)',
  security: bearer('staff'),
  request: { params: IdParam, body: jsonBody(ExpertPatch) },
  responses: { 200: jsonResponse('The expert', ExpertSchema), ...commonErrors },
});

type Expert = z.infer<typeof ExpertSchema>;

export function registerExpertCrud(app: OpenAPIHono<AppEnv>) {
  app.openapi(createExpert, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const input = c.req.valid('json');
    const actor = actorOf(principal);
    const outcome = await idempotent(
      db,
      {
        key: c.req.header('idempotency-key'),
        scope: callerScope('POST /v1/experts', actor),
        body: input,
        now: clock(),
      },
      async (tx) => {
        const now = clock();
        const [row] = await tx
          .insert(experts)
          .values({ ...input, createdAt: now, updatedAt: now })
          .returning();
        if (!row) throw new Error('expert insert returned no row');
        await audit(tx, {
          at: now,
          actor,
          action: 'expert.created',
          entityType: 'expert',
          entityId: row.id,
        });
        const [body] = await loadExperts(tx, [row]);
        return { status: 201, body: body as Expert };
      },
    );
    return c.json(outcome.body, 201);
  });

  app.openapi(listExperts, async (c) => {
    requireRole(c, 'staff', 'viewer');
    const { db } = c.get('deps');
    const query = c.req.valid('query');
    const cursor = decodeCursor(query.cursor);
    const rows = await db
      .select()
      .from(experts)
      .where(
        and(
          query.active ? eq(experts.active, query.active === 'true') : undefined,
          cursor
            ? or(
                gt(experts.createdAt, new Date(cursor.at)),
                and(eq(experts.createdAt, new Date(cursor.at)), gt(experts.id, cursor.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(experts.createdAt), asc(experts.id))
      .limit(query.limit + 1);
    const { items, nextCursor } = page(rows, query.limit, (r) => ({
      at: r.createdAt.toISOString(),
      id: r.id,
    }));
    return c.json({ items: await loadExperts(db, items), nextCursor }, 200);
  });

  app.openapi(getExpert, async (c) => {
    requireRole(c, 'staff', 'viewer');
    const { db } = c.get('deps');
    const [body] = await loadExperts(db, [await expertById(db, c.req.valid('param').id)]);
    return c.json(body as Expert, 200);
  });

  app.openapi(patchExpert, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    const [body] = await transaction(db, async (tx) => {
      const now = clock();
      await expertById(tx, id, true);
      const [row] = await tx
        .update(experts)
        .set({ ...patch, updatedAt: now })
        .where(eq(experts.id, id))
        .returning();
      if (!row) throw new Error('expert vanished under its lock');
      const actor = actorOf(principal);
      await audit(tx, {
        at: now,
        actor,
        action: 'expert.updated',
        entityType: 'expert',
        entityId: id,
        data: { fields: Object.keys(patch) },
      });
      // A retired expert keeps no way in: tokens, feed URL and browser sign-ins end with them.
      if (patch.active === false) {
        await endExpertAccess(tx, id, 'everything', { at: now, actor });
      }
      return loadExperts(tx, [row]);
    });
    return c.json(body as Expert, 200);
  });
}
