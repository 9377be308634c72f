import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import { requests } from '../../db/schema.ts';
import { requestStatuses } from '../../domain/request-lifecycle.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { bearer, commonErrors, IdParam, jsonResponse, PageQuery } from '../../http/schemas.ts';
import { FiscalYearInput } from '../reports/schema.ts';
import { loadRequests, requestBodyFor } from './queries.ts';
import { RequestSchema } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/requests/{id}',
  tags: ['requests'],
  summary: 'One request with its sessions (staff, or the company that applied)',
  security: bearer('staff', 'company'),
  request: { params: IdParam },
  responses: { 200: jsonResponse('The request', RequestSchema), ...commonErrors },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/requests',
  tags: ['requests'],
  summary: 'The request queue, newest first (staff)',
  security: bearer('staff'),
  request: {
    query: z.strictObject({
      status: z.enum(requestStatuses).optional(),
      fiscalYear: FiscalYearInput.optional(),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(
      'A page of requests',
      z.object({ items: z.array(RequestSchema), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

export function registerRead(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const { db } = c.get('deps');
    const body = await requestBodyFor(db, principal, c.req.valid('param').id);
    return c.json(body, 200);
  });

  app.openapi(listRoute, async (c) => {
    requireRole(c, 'staff');
    const { db } = c.get('deps');
    const query = c.req.valid('query');
    const cursor = decodeCursor(query.cursor);
    const filters: (SQL | undefined)[] = [
      query.status ? eq(requests.status, query.status) : undefined,
      query.fiscalYear ? eq(requests.fiscalYear, query.fiscalYear) : undefined,
      cursor
        ? or(
            lt(requests.createdAt, new Date(cursor.at)),
            and(eq(requests.createdAt, new Date(cursor.at)), lt(requests.id, cursor.id)),
          )
        : undefined,
    ];
    const rows = await db
      .select()
      .from(requests)
      .where(and(...filters))
      .orderBy(desc(requests.createdAt), desc(requests.id))
      .limit(query.limit + 1);
    const { items, nextCursor } = page(rows, query.limit, (r) => ({
      at: r.createdAt.toISOString(),
      id: r.id,
    }));
    return c.json({ items: await loadRequests(db, items), nextCursor }, 200);
  });
}
