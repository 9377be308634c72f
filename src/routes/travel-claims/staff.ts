import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { audit } from '../../db/audit.ts';
import { travelClaims } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { travelApprovalProblem } from '../../domain/travel.ts';
import {
  type TravelClaimAction,
  travelClaimStatuses,
  travelClaimTransition,
} from '../../domain/travel-claim-lifecycle.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv, Deps, Principal } from '../../http/context.ts';
import { ApiError, invalid } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  jsonBody,
  jsonResponse,
  PageQuery,
  problemResponse,
} from '../../http/schemas.ts';
import { enqueue } from '../../notify/enqueue.ts';
import { claimFor, listClaims, presentClaims } from './queries.ts';
import { AdjustInput, ClaimParam, TravelClaimListSchema, TravelClaimSchema } from './schema.ts';

type Claim = z.infer<typeof TravelClaimSchema>;

const listRoute = createRoute({
  method: 'get',
  path: '/v1/travel-claims',
  tags: ['money'],
  summary: 'Travel claims, newest first; `status=submitted` for those to decide (staff)',
  security: bearer('staff'),
  request: {
    query: z.strictObject({
      status: z.enum(travelClaimStatuses).optional(),
      expertId: z.uuid().optional(),
      ...PageQuery,
    }),
  },
  responses: { 200: jsonResponse('A page of claims', TravelClaimListSchema), ...commonErrors },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/travel-claims/{id}',
  tags: ['money'],
  summary: 'One travel claim with its receipts (staff)',
  security: bearer('staff'),
  request: { params: ClaimParam },
  responses: { 200: jsonResponse('The claim', TravelClaimSchema), ...commonErrors },
});

const decided = {
  200: jsonResponse('The claim as decided; its expert is told', TravelClaimSchema),
  ...commonErrors,
  409: problemResponse('invalid-transition: the claim is decided already'),
};

const approveRoute = createRoute({
  method: 'post',
  path: '/v1/travel-claims/{id}/approve',
  tags: ['money'],
  summary: 'Approve a travel claim as claimed (staff)',
  security: bearer('staff'),
  request: { params: ClaimParam },
  responses: decided,
});

const adjustRoute = createRoute({
  method: 'post',
  path: '/v1/travel-claims/{id}/adjust',
  tags: ['money'],
  summary: 'Approve a travel claim at a lower amount, with the reason its expert is told (staff)',
  security: bearer('staff'),
  request: { params: ClaimParam, body: jsonBody(AdjustInput) },
  responses: decided,
});

/** Decides a submitted claim: audited, and its expert told, in one transaction. */
async function decide(
  deps: Deps,
  principal: Principal,
  id: string,
  action: Extract<TravelClaimAction, 'approve' | 'adjust'>,
  decision: (claimedYen: number) => { approvedYen: number; reason: string | null },
): Promise<Claim> {
  return transaction(deps.db, async (tx) => {
    const claim = await claimFor(tx, principal, id, { forUpdate: true });
    const status = travelClaimTransition(action, claim.status);
    if (!status) {
      throw new ApiError('invalid-transition', `The claim is ${claim.status} already`);
    }
    const { approvedYen, reason } = decision(claim.claimedYen);
    const now = deps.clock();
    const [row] = await tx
      .update(travelClaims)
      .set({ status, approvedYen, decisionReason: reason, decidedAt: now, updatedAt: now })
      .where(eq(travelClaims.id, claim.id))
      .returning();
    if (!row) throw new Error('claim vanished under its lock');
    await audit(tx, {
      at: now,
      actor: actorOf(principal),
      action: `travel-claim.${status}`,
      entityType: 'travel-claim',
      entityId: row.id,
      data: { claimedYen: row.claimedYen, approvedYen, reason },
    });
    await enqueue(tx, status === 'adjusted' ? 'travel-claim.adjusted' : 'travel-claim.approved', {
      now,
      claimId: row.id,
    });
    return (await presentClaims(tx, [row]))[0] as Claim;
  });
}

export function registerStaffClaims(app: OpenAPIHono<AppEnv>) {
  app.openapi(listRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    return c.json(await listClaims(c.get('deps').db, principal, c.req.valid('query')), 200);
  });

  app.openapi(getRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db } = c.get('deps');
    const row = await claimFor(db, principal, c.req.valid('param').id);
    return c.json((await presentClaims(db, [row]))[0] as Claim, 200);
  });

  app.openapi(approveRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const body = await decide(
      c.get('deps'),
      principal,
      c.req.valid('param').id,
      'approve',
      (claimed) => ({
        approvedYen: claimed,
        reason: null,
      }),
    );
    return c.json(body, 200);
  });

  app.openapi(adjustRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { approvedYen, reason } = c.req.valid('json');
    const body = await decide(
      c.get('deps'),
      principal,
      c.req.valid('param').id,
      'adjust',
      (claimed) => {
        if (approvedYen === claimed) {
          throw invalid('approvedYen', 'is the amount claimed: approve the claim instead');
        }
        const problem = travelApprovalProblem(claimed, approvedYen, reason);
        if (problem) throw invalid('approvedYen', problem);
        return { approvedYen, reason };
      },
    );
    return c.json(body, 200);
  });
}
