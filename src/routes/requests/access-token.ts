import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { COMPANY_TOKEN_PREFIX } from '../../auth/company-link.ts';
import { replayableSecrets } from '../../auth/replayable-secret.ts';
import { hashSecret } from '../../auth/secrets.ts';
import { audit } from '../../db/audit.ts';
import { tokens } from '../../db/schema.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  IdParam,
  idempotencyErrors,
  jsonResponse,
} from '../../http/schemas.ts';
import { requestFor } from './queries.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/requests/{id}/access-token',
  tags: ['requests'],
  summary: 'A new access token for the company; its old ones stop working (staff)',
  description:
    'For a company that lost its link, or whose link went where it should not: every live ' +
    'token of the request is revoked and a new one is shown once, for staff to pass on.',
  security: bearer('staff'),
  request: { params: IdParam, headers: IdempotencyHeader },
  responses: {
    201: jsonResponse(
      'The new token (shown once)',
      z.object({ requestId: z.uuid(), accessToken: z.string() }),
    ),
    ...commonErrors,
    ...idempotencyErrors,
  },
});

export function registerAccessToken(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock, config } = c.get('deps');
    const { id } = c.req.valid('param');
    const actor = actorOf(principal);
    const secrets = await replayableSecrets(db, config.feedSecret);
    const { secret: accessToken, nonce } = await secrets.fresh(COMPANY_TOKEN_PREFIX);
    const outcome = await idempotent(
      db,
      {
        key: c.req.header('idempotency-key'),
        scope: callerScope(`POST /v1/requests/${id}/access-token`, actor),
        body: null,
        now: clock(),
      },
      async (tx) => {
        await requestFor(tx, principal, id, { forUpdate: true });
        const now = clock();
        const revoked = await tx
          .update(tokens)
          .set({ revokedAt: now })
          .where(and(eq(tokens.requestId, id), isNull(tokens.revokedAt)))
          .returning({ id: tokens.id });
        await tx.insert(tokens).values({
          hash: hashSecret(accessToken),
          role: 'company',
          requestId: id,
          label: 'reissued by staff',
          nonce,
        });
        await audit(tx, {
          at: now,
          actor,
          action: 'request.access-token-reissued',
          entityType: 'request',
          entityId: id,
          data: { revoked: revoked.length },
        });
        return {
          status: 201,
          body: { requestId: id, accessToken },
          stored: { requestId: id, nonce },
        };
      },
      async (_, stored) => ({
        requestId: stored.requestId,
        accessToken: await secrets.again(COMPANY_TOKEN_PREFIX, stored.nonce),
      }),
    );
    return c.json(outcome.body, 201);
  });
}
