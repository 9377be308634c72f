import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, gt, ilike, like, lt, or, type SQL } from 'drizzle-orm';
import { requests } from '../../db/schema.ts';
import { requestStatuses } from '../../domain/request-lifecycle.ts';
import { isIndustryCode, prefecture } from '../../domain/taxonomy.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { bearer, commonErrors, IdParam, jsonResponse, PageQuery } from '../../http/schemas.ts';
import { FiscalYearInput } from '../reports/schema.ts';
import { requestAs } from './masking.ts';
import { loadRequests, requestBodyFor } from './queries.ts';
import { RequestSchema } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/requests/{id}',
  tags: ['requests'],
  summary: 'One request with its sessions (staff, or the company that applied)',
  security: bearer('staff', 'viewer', 'company'),
  request: { params: IdParam },
  responses: { 200: jsonResponse('The request', RequestSchema), ...commonErrors },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/requests',
  tags: ['requests'],
  summary: 'The request queue, newest first (staff)',
  security: bearer('staff', 'viewer'),
  request: {
    query: z.strictObject({
      status: z.enum(requestStatuses).optional(),
      fiscalYear: FiscalYearInput.optional(),
      q: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .openapi({ description: 'Part of the company name, or a whole 法人番号' }),
      prefectureCode: z
        .string()
        .refine((code) => prefecture(code) !== undefined, 'is not a prefecture code 01–47')
        .optional(),
      industry: z
        .string()
        .refine(isIndustryCode, 'is not a JSIC division or middle-group code')
        .optional()
        .openapi({ description: 'A division (E) takes in its middle groups (E24…)' }),
      order: z.enum(['newest', 'oldest']).default('newest'),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(
      'A page of requests, and how many match in all',
      z.object({
        items: z.array(RequestSchema),
        nextCursor: z.string().nullable(),
        total: z.number().int(),
      }),
    ),
    ...commonErrors,
  },
});

export function registerRead(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'viewer', 'company');
    const { db } = c.get('deps');
    const body = await requestBodyFor(db, principal, c.req.valid('param').id);
    return c.json(requestAs(principal.role, body), 200);
  });

  app.openapi(listRoute, async (c) => {
    const { role } = requireRole(c, 'staff', 'viewer');
    const { db } = c.get('deps');
    const query = c.req.valid('query');
    const cursor = decodeCursor(query.cursor);
    const matching = and(
      query.status ? eq(requests.status, query.status) : undefined,
      query.fiscalYear ? eq(requests.fiscalYear, query.fiscalYear) : undefined,
      query.prefectureCode ? eq(requests.prefectureCode, query.prefectureCode) : undefined,
      query.industry ? industryIn(query.industry) : undefined,
      query.q ? search(query.q) : undefined,
    );
    const [after, sort] = query.order === 'newest' ? [lt, desc] : [gt, asc];
    const [rows, [counted]] = await Promise.all([
      db
        .select()
        .from(requests)
        .where(
          and(
            matching,
            cursor
              ? or(
                  after(requests.createdAt, new Date(cursor.at)),
                  and(eq(requests.createdAt, new Date(cursor.at)), after(requests.id, cursor.id)),
                )
              : undefined,
          ),
        )
        .orderBy(sort(requests.createdAt), sort(requests.id))
        .limit(query.limit + 1),
      db.select({ n: count() }).from(requests).where(matching),
    ]);
    const { items, nextCursor } = page(rows, query.limit, (r) => ({
      at: r.createdAt.toISOString(),
      id: r.id,
    }));
    return c.json(
      {
        items: (await loadRequests(db, items)).map((body) => requestAs(role, body)),
        nextCursor,
        total: Number(counted?.n ?? 0),
      },
      200,
    );
  });
}

/** A whole corporate number finds its company; anything else, a part of the name. */
function search(q: string): SQL {
  if (/^\d{13}$/.test(q)) return eq(requests.corporateNumber, q);
  const escaped = q.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return ilike(requests.companyName, `%${escaped}%`);
}

/** A division takes in its middle groups: E matches E and E09–E32. */
function industryIn(code: string): SQL | undefined {
  return code.length === 1
    ? or(eq(requests.industryCode, code), like(requests.industryCode, `${code}__`))
    : eq(requests.industryCode, code);
}
