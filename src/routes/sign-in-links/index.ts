import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { replayableSecrets } from '../../auth/replayable-secret.ts';
import { issueSignInLink, signInPath } from '../../auth/sign-in-link.ts';
import { audit } from '../../db/audit.ts';
import { experts } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  Instant,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { enqueueSignInLink } from '../../notify/enqueue.ts';
import { expertById } from '../experts/queries.ts';

// An expert signs in to their pages with a one-time link (src/auth/sign-in-link.ts): staff
// invite them, or they ask for one with their address.

const Invitation = z
  .object({
    url: z
      .string()
      .openapi({ description: 'The one-time sign-in link; also emailed to the expert' }),
    expiresAt: Instant,
  })
  .openapi('Invitation');

const inviteRoute = createRoute({
  method: 'post',
  path: '/v1/experts/{id}/invitations',
  tags: ['experts'],
  summary: 'Invite an expert to their pages: a one-time sign-in link, valid 24 h, emailed (staff)',
  security: bearer('staff'),
  request: { params: IdParam },
  responses: {
    201: jsonResponse('The link, shown this once', Invitation),
    ...commonErrors,
    409: problemResponse('The expert is inactive'),
  },
});

const askRoute = createRoute({
  method: 'post',
  path: '/v1/sign-in-links',
  tags: ['experts'],
  summary:
    'Ask for a sign-in link by email (anyone, rate-limited); the answer never says whether the address is known',
  request: { body: jsonBody(z.strictObject({ email: z.email().max(254) })) },
  responses: {
    202: jsonResponse(
      'If an active expert has this address, a link is on its way',
      z.object({ accepted: z.literal(true) }),
    ),
    400: problemResponse('Not an email address'),
    429: problemResponse('Too many requests from this address'),
  },
});

export function registerSignInLinks(app: OpenAPIHono<AppEnv>) {
  app.openapi(inviteRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock, config } = c.get('deps');
    const secrets = await replayableSecrets(db, config.feedSecret);
    const link = await transaction(db, async (tx) => {
      const expert = await expertById(tx, c.req.valid('param').id);
      if (!expert.active) throw new ApiError('invalid-transition', 'The expert is inactive');
      const now = clock();
      const issued = await issueSignInLink(tx, expert.id, { now, secrets, label: 'invitation' });
      await enqueueSignInLink(tx, expert, issued, now);
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: 'expert.invited',
        entityType: 'expert',
        entityId: expert.id,
        data: { expiresAt: issued.expiresAt.toISOString() },
      });
      return issued;
    });
    return c.json(
      {
        url: `${config.publicBaseUrl}${signInPath(c.req.valid('param').id, link.secret)}`,
        expiresAt: link.expiresAt.toISOString(),
      },
      201,
    );
  });

  app.openapi(askRoute, async (c) => {
    const { db, clock, config } = c.get('deps');
    const { email } = c.req.valid('json');
    const secrets = await replayableSecrets(db, config.feedSecret);
    await transaction(db, async (tx) => {
      const now = clock();
      const owners = await tx
        .select()
        .from(experts)
        .where(
          and(sql`lower(${experts.email}) = ${email.toLowerCase()}`, eq(experts.active, true)),
        );
      for (const expert of owners) {
        const issued = await issueSignInLink(tx, expert.id, {
          now,
          secrets,
          label: 'asked by email',
        });
        await enqueueSignInLink(tx, expert, issued, now);
        await audit(tx, {
          at: now,
          actor: { role: 'anonymous', id: null },
          action: 'expert.sign-in-link-sent',
          entityType: 'expert',
          entityId: expert.id,
        });
      }
    });
    return c.json({ accepted: true as const }, 202);
  });
}
