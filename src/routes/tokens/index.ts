import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm';
import { endExpertAccess } from '../../auth/expert-access.ts';
import { replayableSecrets } from '../../auth/replayable-secret.ts';
import { hashSecret } from '../../auth/secrets.ts';
import { TOKEN_PREFIXES } from '../../auth/token-prefixes.ts';
import { audit } from '../../db/audit.ts';
import { tokens } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { invalid, notFound } from '../../http/errors.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  IdParam,
  Instant,
  InstantInput,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
  PageQuery,
  singleLine,
} from '../../http/schemas.ts';
import { expertById } from '../experts/queries.ts';

const Expiry = {
  label: singleLine(100).optional(),
  expiresAt: InstantInput.optional().openapi({
    description: 'When the token stops working; never, when absent',
  }),
};

// A token says what it is at a glance (in a log, a password manager): hks, hkv, hke.
const TokenInput = z
  .discriminatedUnion('role', [
    z.strictObject({ role: z.literal('staff'), ...Expiry }),
    z.strictObject({ role: z.literal('viewer'), ...Expiry }).openapi({
      description:
        'Read-only, for the ministry: reports, requests, visits, experts; contacts masked',
    }),
    z.strictObject({ role: z.literal('expert'), expertId: z.uuid(), ...Expiry }),
  ])
  .openapi('TokenInput');

const TokenInfo = z
  .object({
    id: z.uuid(),
    role: z.enum(['staff', 'viewer', 'expert', 'company']),
    expertId: z.uuid().nullable(),
    requestId: z.uuid().nullable(),
    label: z.string(),
    createdAt: Instant,
    lastUsedAt: Instant.nullable().openapi({ description: 'To the minute' }),
    expiresAt: Instant.nullable(),
  })
  .openapi('Token');

const IssuedToken = z
  .object({
    id: z.uuid(),
    role: z.enum(['staff', 'viewer', 'expert']),
    expertId: z.uuid().nullable(),
    label: z.string(),
    expiresAt: Instant.nullable(),
    token: z.string().openapi({ description: 'The bearer secret; shown only in this response' }),
  })
  .openapi('IssuedToken');

const list = createRoute({
  method: 'get',
  path: '/v1/tokens',
  tags: ['tokens'],
  summary: 'Live tokens, newest first, without their secrets (staff)',
  security: bearer('staff'),
  request: {
    query: z.strictObject({
      role: z.enum(['staff', 'viewer', 'expert', 'company']).optional(),
      expertId: z.uuid().optional(),
      ...PageQuery,
    }),
  },
  responses: {
    200: jsonResponse(
      'A page of live tokens',
      z.object({ items: z.array(TokenInfo), nextCursor: z.string().nullable() }),
    ),
    ...commonErrors,
  },
});

const issue = createRoute({
  method: 'post',
  path: '/v1/tokens',
  tags: ['tokens'],
  summary: 'Issue a staff or expert token; the secret is shown once (staff)',
  security: bearer('staff'),
  request: {
    body: jsonBody(TokenInput),
    headers: IdempotencyHeader,
  },
  responses: {
    201: jsonResponse('The token', IssuedToken),
    ...commonErrors,
    ...idempotencyErrors,
  },
});

const revoke = createRoute({
  method: 'delete',
  path: '/v1/tokens/{id}',
  tags: ['tokens'],
  summary:
    'Revoke a token at once; revoking an expert’s also replaces-by-nothing their feed URL (staff)',
  description:
    'The expert’s subscription feed URL stops working with it: a new one is issued by ' +
    '`GET /v1/me/feed` (expert) or `POST /v1/experts/{id}/feed/rotate` (staff).',
  security: bearer('staff'),
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked' }, ...commonErrors },
});

export function registerTokens(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const query = c.req.valid('query');
    const cursor = decodeCursor(query.cursor);
    const now = clock();
    const rows = await db
      .select()
      .from(tokens)
      .where(
        and(
          inArray(
            tokens.role,
            query.role ? [query.role] : ['staff', 'viewer', 'expert', 'company'],
          ),
          query.expertId ? eq(tokens.expertId, query.expertId) : undefined,
          isNull(tokens.revokedAt),
          or(isNull(tokens.expiresAt), gt(tokens.expiresAt, now)),
          cursor
            ? or(
                lt(tokens.createdAt, new Date(cursor.at)),
                and(eq(tokens.createdAt, new Date(cursor.at)), lt(tokens.id, cursor.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(tokens.createdAt), desc(tokens.id))
      .limit(query.limit + 1);
    const { items, nextCursor } = page(rows, query.limit, (r) => ({
      at: r.createdAt.toISOString(),
      id: r.id,
    }));
    return c.json(
      {
        items: items.map((t) => ({
          id: t.id,
          role: t.role as 'staff' | 'viewer' | 'expert' | 'company',
          expertId: t.expertId,
          requestId: t.requestId,
          label: t.label,
          createdAt: t.createdAt.toISOString(),
          lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
          expiresAt: t.expiresAt?.toISOString() ?? null,
        })),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(issue, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock, config } = c.get('deps');
    const input = c.req.valid('json');
    const expertId = input.role === 'expert' ? input.expertId : null;
    if (input.expiresAt && input.expiresAt <= clock()) {
      throw invalid('expiresAt', 'must be in the future');
    }
    const expiresAt = input.expiresAt ?? null;
    const prefix = TOKEN_PREFIXES[input.role];
    const actor = actorOf(principal);
    const secrets = await replayableSecrets(db, config.feedSecret);
    const { secret: token, nonce } = await secrets.fresh(prefix);
    const outcome = await idempotent(
      db,
      {
        key: c.req.header('idempotency-key'),
        scope: callerScope('POST /v1/tokens', actor),
        body: input,
        now: clock(),
      },
      async (tx) => {
        if (expertId) await expertById(tx, expertId);
        const [inserted] = await tx
          .insert(tokens)
          .values({
            hash: hashSecret(token),
            role: input.role,
            expertId,
            label: input.label ?? '',
            expiresAt,
            createdAt: clock(),
          })
          .returning();
        if (!inserted) throw new Error('token insert returned no row');
        await audit(tx, {
          at: clock(),
          actor,
          action: 'token.issued',
          entityType: 'token',
          entityId: inserted.id,
          data: { role: input.role, expertId, expiresAt: expiresAt?.toISOString() ?? null },
        });
        const body = {
          id: inserted.id,
          role: input.role,
          expertId,
          label: inserted.label,
          expiresAt: expiresAt?.toISOString() ?? null,
        };
        return { status: 201, body: { ...body, token }, stored: { ...body, nonce } };
      },
      async (_, { nonce: first, ...body }) => ({
        ...body,
        token: await secrets.again(prefix, first),
      }),
    );
    return c.json(outcome.body, 201);
  });

  app.openapi(revoke, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const { id } = c.req.valid('param');
    await transaction(db, async (tx) => {
      // Company and feed tokens belong to their own flows; staff, viewer and expert ones are here.
      const now = clock();
      const [row] = await tx
        .update(tokens)
        .set({ revokedAt: now })
        .where(
          and(
            eq(tokens.id, id),
            isNull(tokens.revokedAt),
            inArray(tokens.role, ['staff', 'viewer', 'expert']),
          ),
        )
        .returning({ id: tokens.id, expertId: tokens.expertId });
      if (!row) throw notFound('Token');
      const actor = actorOf(principal);
      await audit(tx, {
        at: now,
        actor,
        action: 'token.revoked',
        entityType: 'token',
        entityId: id,
      });
      if (row.expertId) await endExpertAccess(tx, row.expertId, 'feed', { at: now, actor });
    });
    return c.body(null, 204);
  });
}
