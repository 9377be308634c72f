import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { audit } from '../../db/audit.ts';
import { travelClaims } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import type { Tx } from '../../db/types.ts';
import { fiscalYearOf } from '../../domain/time.ts';
import {
  type TravelClaim,
  travelClaimNotAllowed,
  travelClaimProblems,
  travelClaimTotalYen,
} from '../../domain/travel.ts';
import { travelClaimTransition } from '../../domain/travel-claim-lifecycle.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
  PageQuery,
  problemResponse,
} from '../../http/schemas.ts';
import { expertById } from '../experts/queries.ts';
import { ratesOf } from '../fees/queries.ts';
import { sessionFor } from '../sessions/queries.ts';
import { allowanceClaimedThatDay, claimFor, listClaims, presentClaims } from './queries.ts';
import {
  ClaimParam,
  TravelClaimEdit,
  TravelClaimInput,
  TravelClaimListSchema,
  TravelClaimSchema,
} from './schema.ts';

type SessionRow = Awaited<ReturnType<typeof sessionFor>>;

const claimRoute = createRoute({
  method: 'post',
  path: '/v1/me/travel-claims',
  tags: ['me'],
  summary: 'Claim travel (旅費) for one of your completed on-site visits (expert)',
  security: bearer('expert'),
  request: { body: jsonBody(TravelClaimInput), headers: IdempotencyHeader },
  responses: {
    201: jsonResponse('The claim, submitted for the office to decide', TravelClaimSchema),
    ...commonErrors,
    ...idempotencyErrors,
    409: problemResponse(
      'invalid-transition: not an on-site visit, not completed, or claimed already',
    ),
  },
});

const editRoute = createRoute({
  method: 'put',
  path: '/v1/me/travel-claims/{id}',
  tags: ['me'],
  summary: 'Change your claim until the office decides it (expert)',
  security: bearer('expert'),
  request: { params: ClaimParam, body: jsonBody(TravelClaimEdit) },
  responses: {
    200: jsonResponse('The claim', TravelClaimSchema),
    ...commonErrors,
    409: problemResponse('invalid-transition: the office has decided it'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/me/travel-claims',
  tags: ['me'],
  summary: 'Your travel claims, newest first (expert)',
  security: bearer('expert'),
  request: { query: z.strictObject(PageQuery) },
  responses: { 200: jsonResponse('A page of claims', TravelClaimListSchema), ...commonErrors },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/me/travel-claims/{id}',
  tags: ['me'],
  summary: 'One of your travel claims (expert)',
  security: bearer('expert'),
  request: { params: ClaimParam },
  responses: { 200: jsonResponse('The claim', TravelClaimSchema), ...commonErrors },
});

/** 400 naming each field that breaks the year's rules for the visit's claim. */
async function checkClaim(tx: Tx, session: SessionRow, claim: TravelClaim, claimId: string | null) {
  const rates = await ratesOf(tx, fiscalYearOf(session.start));
  const already = await allowanceClaimedThatDay(tx, session.expertId, session.start, claimId);
  const problems = travelClaimProblems(claim, rates, already);
  if (problems.length > 0) {
    throw new ApiError(
      'validation-failed',
      problems.map((p) => `${p.field}: ${p.message}`).join('; '),
      problems.map((p) => ({ path: p.field, message: p.message })),
    );
  }
}

export function registerExpertClaims(app: OpenAPIHono<AppEnv>) {
  app.openapi(claimRoute, async (c) => {
    const principal = requireRole(c, 'expert');
    const { db, clock } = c.get('deps');
    const input = c.req.valid('json');
    const actor = actorOf(principal);
    const outcome = await idempotent(
      db,
      {
        key: c.req.header('idempotency-key'),
        scope: callerScope('POST /v1/me/travel-claims', actor),
        body: input,
        now: clock(),
      },
      async (tx) => {
        // The expert's lock: their claims of one day share one allowance.
        await expertById(tx, principal.expertId, true);
        const session = await sessionFor(tx, principal, input.sessionId, { forUpdate: true });
        const notAllowed = travelClaimNotAllowed(session);
        if (notAllowed) throw new ApiError('invalid-transition', notAllowed);
        const [existing] = await tx
          .select({ id: travelClaims.id })
          .from(travelClaims)
          .where(eq(travelClaims.sessionId, session.id));
        if (existing) {
          throw new ApiError(
            'invalid-transition',
            `This visit has a claim already: change it with PUT /v1/me/travel-claims/${existing.id}`,
          );
        }
        const claim = {
          legs: input.legs,
          allowanceYen: input.allowanceYen,
          lodgingYen: input.lodgingYen,
        };
        await checkClaim(tx, session, claim, null);
        const now = clock();
        const [row] = await tx
          .insert(travelClaims)
          .values({
            sessionId: session.id,
            expertId: principal.expertId,
            ...claim,
            claimedYen: travelClaimTotalYen(claim),
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!row) throw new Error('claim insert returned no row');
        await audit(tx, {
          at: now,
          actor,
          action: 'travel-claim.submitted',
          entityType: 'travel-claim',
          entityId: row.id,
          data: { sessionId: session.id, claimedYen: row.claimedYen },
        });
        const [body] = await presentClaims(tx, [row]);
        return { status: 201, body: body as z.infer<typeof TravelClaimSchema> };
      },
    );
    return c.json(outcome.body, 201);
  });

  app.openapi(editRoute, async (c) => {
    const principal = requireRole(c, 'expert');
    const { db, clock } = c.get('deps');
    const input = c.req.valid('json');
    const body = await transaction(db, async (tx) => {
      await expertById(tx, principal.expertId, true);
      const current = await claimFor(tx, principal, c.req.valid('param').id, { forUpdate: true });
      if (!travelClaimTransition('edit', current.status)) {
        throw new ApiError(
          'invalid-transition',
          `The office has ${current.status} this claim: it can no longer be changed`,
        );
      }
      const session = await sessionFor(tx, principal, current.sessionId);
      await checkClaim(tx, session, input, current.id);
      const now = clock();
      const [row] = await tx
        .update(travelClaims)
        .set({ ...input, claimedYen: travelClaimTotalYen(input), updatedAt: now })
        .where(eq(travelClaims.id, current.id))
        .returning();
      if (!row) throw new Error('claim vanished under its lock');
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: 'travel-claim.changed',
        entityType: 'travel-claim',
        entityId: row.id,
        data: { from: current.claimedYen, to: row.claimedYen },
      });
      return (await presentClaims(tx, [row]))[0];
    });
    return c.json(body as z.infer<typeof TravelClaimSchema>, 200);
  });

  app.openapi(listRoute, async (c) => {
    const principal = requireRole(c, 'expert');
    const { db } = c.get('deps');
    const query = c.req.valid('query');
    return c.json(await listClaims(db, principal, query), 200);
  });

  app.openapi(getRoute, async (c) => {
    const principal = requireRole(c, 'expert');
    const { db } = c.get('deps');
    const row = await claimFor(db, principal, c.req.valid('param').id);
    return c.json((await presentClaims(db, [row]))[0] as z.infer<typeof TravelClaimSchema>, 200);
  });
}
