import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, desc, eq, gt, gte, lt, or } from 'drizzle-orm';
import { sessionEventFile } from '../../calendar/export.ts';
import { requests, sessions } from '../../db/schema.ts';
import type { Db } from '../../db/types.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  InstantInput,
  jsonResponse,
  PageQuery,
} from '../../http/schemas.ts';
import { expertById } from '../experts/queries.ts';
import { maskedContact } from '../requests/masking.ts';
import { calendarSessions, organizer } from './calendar-rows.ts';
import { presentSession } from './present.ts';
import { sessionFor } from './queries.ts';
import { SessionSchema } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  tags: ['sessions'],
  summary: 'One visit (staff, its expert, its company)',
  security: bearer('staff', 'viewer', 'expert', 'company'),
  request: { params: IdParam },
  responses: { 200: jsonResponse('The session', SessionSchema), ...commonErrors },
});

const icsRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/calendar.ics',
  tags: ['sessions'],
  summary: 'The visit as an iCalendar file to import (staff, its expert, its company)',
  security: bearer('staff', 'expert', 'company'),
  request: { params: IdParam },
  responses: {
    200: {
      description: 'text/calendar with one VEVENT',
      content: { 'text/calendar': { schema: z.string() } },
    },
    ...commonErrors,
  },
});

/** A visit as its expert needs it: where to go, whom to meet, what the company asked. */
const ExpertVisitSchema = SessionSchema.extend({
  visit: z.object({
    companyName: z.string(),
    prefectureCode: z.string(),
    address: z.string().nullable(),
    topics: z.array(z.string()),
    notes: z.string(),
    durationMinutes: z.number().int(),
    contact: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
  }),
}).openapi('ExpertVisit');

const VisitQuery = z.strictObject({
  from: InstantInput.optional(),
  to: InstantInput.optional(),
  status: z.enum(['confirmed', 'completed', 'cancelled', 'no_show']).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  ...PageQuery,
});
type VisitQuery = z.output<typeof VisitQuery>;

const expertVisitsRoute = createRoute({
  method: 'get',
  path: '/v1/experts/{id}/sessions',
  tags: ['experts'],
  summary: 'An expert’s visits with their details, in time order (staff)',
  security: bearer('staff', 'viewer'),
  request: { params: IdParam, query: VisitQuery },
  responses: {
    200: jsonResponse(
      'A page of the expert’s visits',
      z.object({ items: z.array(ExpertVisitSchema), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

const mineRoute = createRoute({
  method: 'get',
  path: '/v1/me/sessions',
  tags: ['me'],
  summary: 'Your visits with what you need to make them, in time order (expert)',
  security: bearer('expert'),
  request: { query: VisitQuery },
  responses: {
    200: jsonResponse(
      'A page of sessions',
      z.object({ items: z.array(ExpertVisitSchema), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

export function registerSessionReads(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'viewer', 'expert', 'company');
    const row = await sessionFor(c.get('deps').db, principal, c.req.valid('param').id);
    return c.json(presentSession(row), 200);
  });

  app.openapi(icsRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'expert', 'company');
    const { db, config } = c.get('deps');
    const row = await sessionFor(db, principal, c.req.valid('param').id);
    const [event] = await calendarSessions(db, eq(sessions.id, row.id));
    if (!event) throw new Error('calendar row missing');
    return c.body(sessionEventFile(event, { organizer: organizer(config) }), 200, {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `attachment; filename="haken-${row.id}.ics"`,
      'Cache-Control': 'private, no-cache',
    });
  });

  app.openapi(mineRoute, async (c) => {
    const { expertId } = requireRole(c, 'expert');
    return c.json(await visitsOf(c.get('deps').db, expertId, c.req.valid('query')), 200);
  });

  app.openapi(expertVisitsRoute, async (c) => {
    const { role } = requireRole(c, 'staff', 'viewer');
    const { db } = c.get('deps');
    const expert = await expertById(db, c.req.valid('param').id);
    const visits = await visitsOf(db, expert.id, c.req.valid('query'));
    if (role !== 'viewer') return c.json(visits, 200);
    const items = visits.items.map((v) => ({
      ...v,
      visit: { ...v.visit, contact: maskedContact(v.visit.contact) },
    }));
    return c.json({ ...visits, items }, 200);
  });
}

/** A page of an expert's visits, each with what the expert needs to make it. */
async function visitsOf(db: Db, expertId: string, query: VisitQuery) {
  const cursor = decodeCursor(query.cursor);
  const [after, sort] = query.order === 'asc' ? [gt, asc] : [lt, desc];
  const rows = await db
    .select({ session: sessions, request: requests })
    .from(sessions)
    .innerJoin(requests, eq(requests.id, sessions.requestId))
    .where(
      and(
        eq(sessions.expertId, expertId),
        query.status ? eq(sessions.status, query.status) : undefined,
        query.from ? gte(sessions.start, query.from) : undefined,
        query.to ? lt(sessions.start, query.to) : undefined,
        cursor
          ? or(
              after(sessions.start, new Date(cursor.at)),
              and(eq(sessions.start, new Date(cursor.at)), after(sessions.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(sort(sessions.start), sort(sessions.id))
    .limit(query.limit + 1);
  const { items, nextCursor } = page(rows, query.limit, (r) => ({
    at: r.session.start.toISOString(),
    id: r.session.id,
  }));
  return {
    items: items.map(({ session, request }) => ({
      ...presentSession(session),
      visit: {
        companyName: request.companyName,
        prefectureCode: request.prefectureCode,
        address: request.companyAddress,
        topics: request.topics,
        notes: request.notes,
        durationMinutes: request.durationMinutes,
        contact: {
          name: request.contactName,
          email: request.contactEmail,
          phone: request.contactPhone,
        },
      },
    })),
    nextCursor,
  };
}
