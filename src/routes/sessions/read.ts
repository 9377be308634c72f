import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, eq, gt, gte, lt, or } from 'drizzle-orm';
import { sessionEventFile } from '../../calendar/export.ts';
import { sessions } from '../../db/schema.ts';
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
import { calendarSessions, organizer } from './calendar-rows.ts';
import { presentSession } from './present.ts';
import { sessionFor } from './queries.ts';
import { SessionSchema } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  tags: ['sessions'],
  summary: 'One visit (staff, its expert, its company)',
  security: bearer('staff', 'expert', 'company'),
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

const mineRoute = createRoute({
  method: 'get',
  path: '/v1/me/sessions',
  tags: ['me'],
  summary: 'Your visits in time order (expert)',
  security: bearer('expert'),
  request: {
    query: z.strictObject({
      from: InstantInput.optional(),
      to: InstantInput.optional(),
      status: z.enum(['confirmed', 'completed', 'cancelled', 'no_show']).optional(),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(
      'A page of sessions',
      z.object({ items: z.array(SessionSchema), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

export function registerSessionReads(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'expert', 'company');
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
    const { db } = c.get('deps');
    const query = c.req.valid('query');
    const cursor = decodeCursor(query.cursor);
    const rows = await db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.expertId, expertId),
          query.status ? eq(sessions.status, query.status) : undefined,
          query.from ? gte(sessions.start, query.from) : undefined,
          query.to ? lt(sessions.start, query.to) : undefined,
          cursor
            ? or(
                gt(sessions.start, new Date(cursor.at)),
                and(eq(sessions.start, new Date(cursor.at)), gt(sessions.id, cursor.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(sessions.start), asc(sessions.id))
      .limit(query.limit + 1);
    const { items, nextCursor } = page(rows, query.limit, (r) => ({
      at: r.start.toISOString(),
      id: r.id,
    }));
    return c.json({ items: items.map(presentSession), nextCursor }, 200);
  });
}
