import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq, gte, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { hashSecret } from '../../auth/secrets.ts';
import { sessionsCalendar, sessionVEvent } from '../../calendar/export.ts';
import { audit } from '../../db/audit.ts';
import { experts, sessions, tokens } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import type { Db, Queryable } from '../../db/types.ts';
import { DAY_MS } from '../../domain/time.ts';
import { feedKey, feedSecret } from '../../feeds/feed-token.ts';
import { RenderedFeeds } from '../../feeds/rendered-feeds.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv, Deps } from '../../http/context.ts';
import { ApiError, notFound } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  Instant,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { expertById } from '../experts/queries.ts';
import { calendarSessions, organizer } from '../sessions/calendar-rows.ts';

const REFRESH_MINUTES = 60;
const FeedUrl = z.object({ url: z.string().url(), createdAt: Instant }).openapi('FeedUrl');

const getRoute = createRoute({
  method: 'get',
  path: '/v1/me/feed',
  tags: ['feeds'],
  summary:
    'Your secret iCalendar subscription URL (expert: your visits; staff: the whole programme)',
  security: bearer('expert', 'staff'),
  responses: { 200: jsonResponse('The subscription URL', FeedUrl), ...commonErrors },
});

const rotateRoute = createRoute({
  method: 'post',
  path: '/v1/me/feed/rotate',
  tags: ['feeds'],
  summary: 'Replace the subscription URL; the old one is 404 at once',
  security: bearer('expert', 'staff'),
  responses: { 200: jsonResponse('The new subscription URL', FeedUrl), ...commonErrors },
});

const expertRotateRoute = createRoute({
  method: 'post',
  path: '/v1/experts/{id}/feed/rotate',
  tags: ['feeds'],
  summary: 'Replace an expert’s subscription URL, for staff to pass on; the old one is 404 at once',
  security: bearer('staff'),
  request: { params: IdParam },
  responses: {
    200: jsonResponse('The new subscription URL', FeedUrl),
    ...commonErrors,
    409: problemResponse('The expert is inactive'),
  },
});

const feedRoute = createRoute({
  method: 'get',
  path: '/feeds/{file}',
  tags: ['feeds'],
  summary: 'The iCalendar feed behind a subscription URL (whoever holds the URL)',
  request: {
    params: z.object({ file: z.string().openapi({ example: 'hkf_….ics' }) }),
    headers: z.object({
      'if-none-match': z.string().optional(),
      'if-modified-since': z.string().optional(),
    }),
  },
  responses: {
    200: { description: 'text/calendar', content: { 'text/calendar': { schema: z.string() } } },
    304: { description: 'Not modified since the ETag / Last-Modified the client holds' },
    404: { description: 'Unknown or rotated feed URL' },
  },
});

type Owner = { expertId: string | null };

function ownerOf(c: Context<AppEnv>): Owner {
  const principal = requireRole(c, 'expert', 'staff');
  return { expertId: principal.role === 'expert' ? principal.expertId : null };
}

const ownerIs = (owner: Owner) =>
  and(
    eq(tokens.role, 'feed'),
    isNull(tokens.revokedAt),
    owner.expertId ? eq(tokens.expertId, owner.expertId) : isNull(tokens.expertId),
  );

async function urlOf(deps: Deps, nonce: string) {
  const secret = await feedSecret(await feedKey(deps.db, deps.config.feedSecret), nonce);
  return `${deps.config.publicBaseUrl}/feeds/${secret}.ics`;
}

/** Issues a new feed token for `owner`, revoking the live one: both in one transaction. */
async function issueFeed(
  deps: Deps,
  owner: Owner,
  actor: ReturnType<typeof actorOf>,
  rotate: boolean,
) {
  const key = await feedKey(deps.db, deps.config.feedSecret);
  return transaction(deps.db, async (tx) => {
    // Two first GETs (or rotations) at once must not both insert a live feed token.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`feed:${owner.expertId ?? 'programme'}`}, 0))`,
    );
    const now = deps.clock();
    if (!rotate) {
      const [live] = await tx.select().from(tokens).where(ownerIs(owner)).limit(1);
      if (live?.nonce) return { nonce: live.nonce, createdAt: live.createdAt };
    }
    await tx.update(tokens).set({ revokedAt: now }).where(ownerIs(owner));
    const nonce = crypto.randomUUID();
    const [row] = await tx
      .insert(tokens)
      .values({
        role: 'feed',
        expertId: owner.expertId,
        nonce,
        hash: hashSecret(await feedSecret(key, nonce)),
        label: owner.expertId ? 'expert feed' : 'programme feed',
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error('feed token insert returned no row');
    await audit(tx, {
      at: now,
      actor,
      action: rotate ? 'feed.rotated' : 'feed.created',
      entityType: 'token',
      entityId: row.id,
    });
    return { nonce, createdAt: row.createdAt };
  });
}

export function registerOutgoingFeed(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const deps = c.get('deps');
    const feed = await issueFeed(deps, ownerOf(c), actorOf(c.get('principal')), false);
    return c.json(
      { url: await urlOf(deps, feed.nonce), createdAt: feed.createdAt.toISOString() },
      200,
    );
  });

  app.openapi(rotateRoute, async (c) => {
    const deps = c.get('deps');
    const feed = await issueFeed(deps, ownerOf(c), actorOf(c.get('principal')), true);
    return c.json(
      { url: await urlOf(deps, feed.nonce), createdAt: feed.createdAt.toISOString() },
      200,
    );
  });

  app.openapi(expertRotateRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const deps = c.get('deps');
    const expert = await expertById(deps.db, c.req.valid('param').id);
    if (!expert.active) {
      throw new ApiError('invalid-transition', 'An inactive expert has no feed to rotate');
    }
    const feed = await issueFeed(deps, { expertId: expert.id }, actorOf(principal), true);
    return c.json(
      { url: await urlOf(deps, feed.nonce), createdAt: feed.createdAt.toISOString() },
      200,
    );
  });

  // Per app, so apps on different databases (tests) never share a body.
  const rendered = new RenderedFeeds();

  app.openapi(feedRoute, async (c) => {
    const { db, clock, config } = c.get('deps');
    const match = /^(hkf_[A-Za-z0-9_-]{43})\.ics$/.exec(c.req.valid('param').file);
    const [token] = match?.[1]
      ? await db
          .select({ expertId: tokens.expertId })
          .from(tokens)
          .where(
            and(
              eq(tokens.hash, hashSecret(match[1])),
              eq(tokens.role, 'feed'),
              isNull(tokens.revokedAt),
            ),
          )
      : [];
    if (!token) {
      // An unknown feed URL counts toward the client's failed credentials (rate-limit.ts).
      c.set('credentialRefused', true);
      throw notFound('Feed');
    }

    const now = clock().getTime();
    const inFeed = and(
      token.expertId ? eq(sessions.expertId, token.expertId) : undefined,
      gte(sessions.start, new Date(now - 365 * DAY_MS)),
      lt(sessions.start, new Date(now + config.horizonDays * DAY_MS)),
    );
    const version = await feedVersion(db, inFeed, token.expertId);
    const etag = `W/"${version.tag}"`;
    const headers = {
      ETag: etag,
      'Last-Modified': version.changed.toUTCString(),
      'Cache-Control': 'private, max-age=0, must-revalidate',
    };
    if (notModified(c.req.valid('header'), etag, version.changed))
      return c.body(null, 304, headers);

    const owner = token.expertId ?? 'programme';
    const office = organizer(config);
    let body = rendered.get(owner, version.tag);
    if (body === undefined) {
      body = sessionsCalendar({
        name: version.expertName
          ? `専門家派遣 訪問予定: ${version.expertName}`
          : '専門家派遣 訪問予定（全体）',
        sessions: await calendarSessions(db, inFeed),
        refreshMinutes: REFRESH_MINUTES,
        render: (session) => rendered.vevent(session, (s) => sessionVEvent(s, office)),
      });
      rendered.set(owner, version.tag, body);
    }
    return c.body(body, 200, { ...headers, 'Content-Type': 'text/calendar; charset=utf-8' });
  });
}

/**
 * What a subscribed client already has, answered by one aggregate instead of the calendar:
 * every change bumps a session's sequence and updated_at (to the millisecond), a session
 * leaving the window changes the count, and a renamed expert changes the events' text.
 */
async function feedVersion(db: Db | Queryable, inFeed: SQL | undefined, expertId: string | null) {
  const ofExperts = expertId ? sql`where ${experts.id} = ${expertId}` : sql``;
  const [agg] = await db
    .select({
      count: sql<number>`count(*)::int`,
      sequences: sql<number>`coalesce(sum(${sessions.sequence}), 0)::bigint`,
      changed: sql<string | null>`max(${sessions.updatedAt})`,
      expertName: sql<string | null>`(select max(${experts.name}) from ${experts} ${ofExperts})`,
      expertsChanged: sql<
        string | null
      >`(select max(${experts.updatedAt}) from ${experts} ${ofExperts})`,
    })
    .from(sessions)
    .where(inFeed);
  const sessionsChanged = agg?.changed ? new Date(agg.changed).getTime() : 0;
  const expertsChanged = agg?.expertsChanged ? new Date(agg.expertsChanged).getTime() : 0;
  const latest = Math.max(sessionsChanged, expertsChanged);
  return {
    tag: `${agg?.count ?? 0}-${agg?.sequences ?? 0}-${sessionsChanged}-${expertsChanged}`,
    // HTTP dates have whole seconds; round up so If-Modified-Since compares cleanly.
    changed: new Date(Math.ceil(latest / 1000) * 1000),
    expertName: expertId ? (agg?.expertName ?? null) : null,
  };
}

function notModified(
  headers: { 'if-none-match'?: string; 'if-modified-since'?: string },
  etag: string,
  changed: Date,
) {
  if (headers['if-none-match'] !== undefined) {
    return headers['if-none-match'].split(',').some((t) => t.trim() === etag || t.trim() === '*');
  }
  const since = headers['if-modified-since']
    ? Date.parse(headers['if-modified-since'])
    : Number.NaN;
  return !Number.isNaN(since) && changed.getTime() <= since;
}
