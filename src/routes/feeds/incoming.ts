import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import { FeedFetchError, feedUrl } from '../../calendar/fetch-feed.ts';
import { audit } from '../../db/audit.ts';
import { calendarFeeds } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import type { Db } from '../../db/types.ts';
import { syncFeed } from '../../feeds/sync.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { invalid, notFound } from '../../http/errors.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  IdParam,
  Instant,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
} from '../../http/schemas.ts';

const MAX_FEEDS_PER_EXPERT = 10;

const FeedInput = z
  .strictObject({
    url: z
      .string()
      .trim()
      .max(2048)
      // Apple and others hand out webcal:// links; they are https underneath.
      .transform((u) => u.replace(/^webcals?:\/\//i, 'https://'))
      .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) or webcal URL' })),
  })
  .openapi('CalendarFeedInput');

const CalendarFeed = z
  .object({
    id: z.uuid(),
    url: z.string(),
    lastSyncedAt: Instant.nullable(),
    lastSuccessAt: Instant.nullable(),
    lastError: z.string().nullable(),
    eventCount: z.number().int(),
    createdAt: Instant,
  })
  .openapi('CalendarFeed');

type FeedRow = typeof calendarFeeds.$inferSelect;

const present = (f: FeedRow): z.infer<typeof CalendarFeed> => ({
  id: f.id,
  url: f.url,
  lastSyncedAt: f.lastSyncedAt?.toISOString() ?? null,
  lastSuccessAt: f.lastSuccessAt?.toISOString() ?? null,
  lastError: f.lastError,
  eventCount: f.eventCount,
  createdAt: f.createdAt.toISOString(),
});

const base = { tags: ['feeds'], security: bearer('expert') };

const createFeed = createRoute({
  ...base,
  method: 'post',
  path: '/v1/me/calendar-feeds',
  summary: 'Import busy time from your own calendar’s secret iCal URL; synced at once (expert)',
  request: {
    body: jsonBody(FeedInput),
    headers: IdempotencyHeader,
  },
  responses: {
    201: jsonResponse('The feed after its first sync (see lastError)', CalendarFeed),
    ...commonErrors,
    ...idempotencyErrors,
  },
});

const listFeeds = createRoute({
  ...base,
  method: 'get',
  path: '/v1/me/calendar-feeds',
  summary: 'Your imported calendars and how their last sync went (expert)',
  responses: {
    200: jsonResponse(
      'Feeds',
      z.object({ items: z.array(CalendarFeed), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

const syncRoute = createRoute({
  ...base,
  method: 'post',
  path: '/v1/me/calendar-feeds/{id}/sync',
  summary: 'Sync one imported calendar now (expert)',
  request: { params: IdParam },
  responses: { 200: jsonResponse('The feed after the sync', CalendarFeed), ...commonErrors },
});

const deleteFeed = createRoute({
  ...base,
  method: 'delete',
  path: '/v1/me/calendar-feeds/{id}',
  summary: 'Stop importing a calendar; its busy blocks go with it (expert)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export function registerIncomingFeeds(app: OpenAPIHono<AppEnv>) {
  app.openapi(createFeed, async (c) => {
    const principal = requireRole(c, 'expert');
    const deps = c.get('deps');
    const { url } = c.req.valid('json');
    // A private address named outright is refused here; a host name resolving to one is
    // refused as the sync connects (and shows as the feed's lastError).
    try {
      feedUrl(url, deps.config.feedAllowPrivate);
    } catch (error) {
      if (error instanceof FeedFetchError) throw invalid('url', error.message);
      throw error;
    }
    const outcome = await idempotent(
      deps.db,
      {
        key: c.req.header('idempotency-key'),
        scope: callerScope('POST /v1/me/calendar-feeds', actorOf(principal)),
        body: { url },
        now: deps.clock(),
      },
      async (tx) => {
        // Serialises an expert's concurrent additions, so the cap holds.
        await tx.execute(
          sql`select pg_advisory_xact_lock(hashtextextended(${`calendar-feeds:${principal.expertId}`}, 0))`,
        );
        const [count] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(calendarFeeds)
          .where(eq(calendarFeeds.expertId, principal.expertId));
        if (Number(count?.n ?? 0) >= MAX_FEEDS_PER_EXPERT) {
          throw invalid('url', `at most ${MAX_FEEDS_PER_EXPERT} calendars can be imported`);
        }
        const [row] = await tx
          .insert(calendarFeeds)
          .values({ expertId: principal.expertId, url, createdAt: deps.clock() })
          .returning();
        if (!row) throw new Error('feed insert returned no row');
        await audit(tx, {
          at: deps.clock(),
          actor: actorOf(principal),
          action: 'calendar-feed.created',
          entityType: 'calendar-feed',
          entityId: row.id,
        });
        return { status: 201, body: present(row) };
      },
      // The feed as it is now: the first answer was given after its first sync.
      async (tx, stored) => {
        const [row] = await tx
          .select()
          .from(calendarFeeds)
          .where(
            and(eq(calendarFeeds.id, stored.id), eq(calendarFeeds.expertId, principal.expertId)),
          );
        return row ? present(row) : stored;
      },
    );
    if (outcome.replayed) return c.json(outcome.body, 201);
    const created = await ownFeed(deps.db, principal.expertId, outcome.body.id);
    const synced = await syncFeed(deps, created);
    return c.json(present(synced ?? created), 201);
  });

  app.openapi(listFeeds, async (c) => {
    const { expertId } = requireRole(c, 'expert');
    const rows = await c
      .get('deps')
      .db.select()
      .from(calendarFeeds)
      .where(eq(calendarFeeds.expertId, expertId))
      .orderBy(asc(calendarFeeds.createdAt));
    // Every list has the same shape; an expert has at most MAX_FEEDS_PER_EXPERT, one page.
    return c.json({ items: rows.map(present), nextCursor: null }, 200);
  });

  app.openapi(syncRoute, async (c) => {
    const { expertId } = requireRole(c, 'expert');
    const deps = c.get('deps');
    const feed = await ownFeed(deps.db, expertId, c.req.valid('param').id);
    const synced = await syncFeed(deps, feed);
    if (!synced) throw notFound('Calendar feed');
    return c.json(present(synced), 200);
  });

  app.openapi(deleteFeed, async (c) => {
    const principal = requireRole(c, 'expert');
    const { db, clock } = c.get('deps');
    const { id } = c.req.valid('param');
    await transaction(db, async (tx) => {
      const [row] = await tx
        .delete(calendarFeeds)
        .where(and(eq(calendarFeeds.id, id), eq(calendarFeeds.expertId, principal.expertId)))
        .returning({ id: calendarFeeds.id });
      if (!row) throw notFound('Calendar feed');
      await audit(tx, {
        at: clock(),
        actor: actorOf(principal),
        action: 'calendar-feed.deleted',
        entityType: 'calendar-feed',
        entityId: id,
      });
    });
    return c.body(null, 204);
  });
}

async function ownFeed(db: Db, expertId: string, id: string): Promise<FeedRow> {
  const [row] = await db
    .select()
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.id, id), eq(calendarFeeds.expertId, expertId)));
  if (!row) throw notFound('Calendar feed');
  return row;
}
