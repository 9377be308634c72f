import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { replayableSecrets } from '../../auth/replayable-secret.ts';
import { hashSecret } from '../../auth/secrets.ts';
import { audit } from '../../db/audit.ts';
import { tokens } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  IdParam,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
  singleLine,
} from '../../http/schemas.ts';
import { expertById } from '../experts/queries.ts';

const TokenInput = z
  .discriminatedUnion('role', [
    z.strictObject({ role: z.literal('staff'), label: singleLine(100).optional() }),
    z.strictObject({
      role: z.literal('expert'),
      expertId: z.uuid(),
      label: singleLine(100).optional(),
    }),
  ])
  .openapi('TokenInput');

const IssuedToken = z
  .object({
    id: z.uuid(),
    role: z.enum(['staff', 'expert']),
    expertId: z.uuid().nullable(),
    label: z.string(),
    token: z.string().openapi({ description: 'The bearer secret; shown only in this response' }),
  })
  .openapi('IssuedToken');

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
  summary: 'Revoke a token at once (staff)',
  security: bearer('staff'),
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked' }, ...commonErrors },
});

export function registerTokens(app: OpenAPIHono<AppEnv>) {
  app.openapi(issue, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock, config } = c.get('deps');
    const input = c.req.valid('json');
    const expertId = input.role === 'expert' ? input.expertId : null;
    const prefix = input.role === 'staff' ? 'hks' : 'hke';
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
          .values({ hash: hashSecret(token), role: input.role, expertId, label: input.label ?? '' })
          .returning();
        if (!inserted) throw new Error('token insert returned no row');
        await audit(tx, {
          at: clock(),
          actor,
          action: 'token.issued',
          entityType: 'token',
          entityId: inserted.id,
          data: { role: input.role, expertId },
        });
        const body = { id: inserted.id, role: input.role, expertId, label: inserted.label };
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
      // Company and feed tokens belong to their own flows; only staff and expert tokens are here.
      const [row] = await tx
        .update(tokens)
        .set({ revokedAt: clock() })
        .where(
          and(
            eq(tokens.id, id),
            isNull(tokens.revokedAt),
            inArray(tokens.role, ['staff', 'expert']),
          ),
        )
        .returning({ id: tokens.id });
      if (!row) throw notFound('Token');
      await audit(tx, {
        at: clock(),
        actor: actorOf(principal),
        action: 'token.revoked',
        entityType: 'token',
        entityId: id,
      });
    });
    return c.body(null, 204);
  });
}
