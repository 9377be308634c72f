import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Queryable } from '../../db/types.ts';
import { certificationConflictReason } from '../../domain/certification.ts';
import { bestExpertPerSlot, type Conflict, type MatchFactor } from '../../domain/matching.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv, Deps, Principal } from '../../http/context.ts';
import { bearer, commonErrors, IdParam, Instant, jsonResponse } from '../../http/schemas.ts';
import { companyOf, type ExpertRow, type Pool } from './candidates.ts';
import { mustBeAccepted } from './not-accepted.ts';
import { requestFor } from './queries.ts';
import { fullFiscalYears, outsideFullYears } from './quota.ts';
import { rankRequest, type Wanted } from './ranking.ts';
import { SlotListSchema } from './schema.ts';

const Slot = z.object({ start: Instant, end: Instant });
const ExpertSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  affiliation: z.string(),
  industries: z.array(z.string()),
  tags: z.array(z.string()),
  topics: z.array(z.string()),
  prefectures: z.array(z.string()),
  online: z.boolean(),
  languages: z.array(z.string()),
});

const points = z.number().openapi({ description: 'What this factor adds to the score' });
const Factor = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('industry'),
      fit: z.enum(['group', 'division', 'scope']),
      code: z.string().openapi({ description: 'The JSIC group or division, or the scope tag' }),
      points,
    }),
    z.object({
      kind: z.literal('topics'),
      covered: z.number().int(),
      requested: z.number().int(),
      points,
    }),
    z.object({
      kind: z.literal('format'),
      format: z.enum(['onsite', 'online']),
      prefectureCode: z.string().nullable(),
      points,
    }),
    z.object({ kind: z.literal('continuity'), points }),
    z.object({ kind: z.literal('load'), visits: z.number().int(), points }),
    z.object({ kind: z.literal('earliest'), start: Instant, points }),
  ])
  .openapi('MatchFactor', {
    description: 'One part of the score as data, for a page to word in its own language',
  });

const Match = z
  .object({
    expert: ExpertSummary,
    format: z.enum(['onsite', 'online']),
    score: z.number(),
    reasons: z.array(z.string()),
    factors: z.array(Factor),
    slots: z.array(Slot),
  })
  .openapi('Match');

const Excluded = z
  .object({
    expert: z.object({ id: z.uuid(), name: z.string(), affiliation: z.string() }),
    conflict: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('listed') }),
      z.object({
        kind: z.literal('certification'),
        bodyId: z.string(),
        status: z.enum(['auditing', 'certified']),
      }),
    ]),
    reason: z.string(),
  })
  .openapi('ExcludedExpert', {
    description:
      'An expert who could serve the request but may not visit the company: a conflict of ' +
      'interest they declared, or the accredited body they audit for certified the company ' +
      'or is auditing it',
  });

const matchesRoute = createRoute({
  method: 'get',
  path: '/v1/requests/{id}/matches',
  tags: ['matching'],
  summary: 'Experts ranked for a request, with score, reasons and free slots (staff)',
  security: bearer('staff'),
  request: {
    params: IdParam,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(200).default(20),
      slotsPerExpert: z.coerce.number().int().min(1).max(500).default(20),
    }),
  },
  responses: {
    200: jsonResponse(
      'Ranked matches, best first; the experts a conflict of interest keeps away',
      z.object({
        matches: z.array(Match),
        excluded: z.array(Excluded),
        fullFiscalYears: SlotListSchema.shape.fullFiscalYears,
      }),
    ),
    ...commonErrors,
  },
});

const slotsRoute = createRoute({
  method: 'get',
  path: '/v1/requests/{id}/slots',
  tags: ['matching'],
  summary: 'Bookable slots, each with the best-ranked expert free then (staff, the company)',
  security: bearer('staff', 'company'),
  request: { params: IdParam },
  responses: {
    200: jsonResponse('Slots in time order', SlotListSchema),
    ...commonErrors,
  },
});

const iso = (ms: number) => new Date(ms).toISOString();

async function rank(q: Queryable, principal: Principal, id: string, deps: Deps, wanted: Wanted) {
  const request = await requestFor(q, principal, id);
  // Staff weigh experts before deciding; a company sees slots once the office has accepted.
  if (principal.role === 'company') mustBeAccepted(request);
  // A withdrawn or visited request has nothing left to book. A scheduled one keeps its
  // matches, for staff weighing another expert; moving the visit itself (same expert) picks
  // from GET /v1/sessions/:id/slots.
  if (
    request.status === 'cancelled' ||
    request.status === 'completed' ||
    request.status === 'declined'
  ) {
    return { request, ranked: [], experts: new Map<string, ExpertRow>(), excluded: [] };
  }
  const ranking = await rankRequest(
    q,
    request,
    request.corporateNumber,
    deps.clock(),
    deps.config,
    wanted,
  );
  return { request, ...ranking };
}

/** The fiscal years the request's company has no visit left in. */
const fullYears = (q: Queryable, request: Pool['request'], deps: Deps) =>
  fullFiscalYears(
    q,
    companyOf(request, request.corporateNumber),
    deps.config.visitsPerCompanyPerFy,
  );

const factorBody = (f: MatchFactor) => (f.kind === 'earliest' ? { ...f, start: iso(f.start) } : f);

// In the words the API's reasons use: Japanese, as the office reads them.
const conflictReason = (conflict: Conflict) =>
  conflict.kind === 'listed'
    ? '利益相反: 専門家が申告した企業'
    : certificationConflictReason(conflict);

export function registerMatches(app: OpenAPIHono<AppEnv>) {
  app.openapi(matchesRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const deps = c.get('deps');
    const { limit, slotsPerExpert } = c.req.valid('query');
    const { request, ranked, experts, excluded } = await rank(
      deps.db,
      principal,
      c.req.valid('param').id,
      deps,
      { top: limit },
    );
    const matches = ranked.flatMap((m) => {
      const e = experts.get(m.expertId);
      if (!e) return [];
      return [
        {
          expert: {
            id: e.id,
            name: e.name,
            affiliation: e.affiliation,
            industries: e.industries,
            tags: e.tags,
            topics: e.topics,
            prefectures: e.prefectures,
            online: e.online,
            languages: e.languages,
          },
          format: m.format,
          score: m.score,
          reasons: m.reasons,
          factors: m.factors.map(factorBody),
          slots: m.slots
            .slice(0, slotsPerExpert)
            .map((s) => ({ start: iso(s.start), end: iso(s.end) })),
        },
      ];
    });
    return c.json(
      {
        matches,
        excluded: excluded.map(({ expert, conflict }) => ({
          expert: { id: expert.id, name: expert.name, affiliation: expert.affiliation },
          conflict,
          reason: conflictReason(conflict),
        })),
        fullFiscalYears: await fullYears(deps.db, request, deps),
      },
      200,
    );
  });

  app.openapi(slotsRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const deps = c.get('deps');
    const { request, ranked, experts } = await rank(
      deps.db,
      principal,
      c.req.valid('param').id,
      deps,
      { everySlot: true },
    );
    const slots = bestExpertPerSlot(ranked).flatMap((s) => {
      const e = experts.get(s.expertId);
      return e
        ? [
            {
              start: iso(s.start),
              end: iso(s.end),
              format: s.format,
              expert: { id: e.id, name: e.name, affiliation: e.affiliation },
            },
          ]
        : [];
    });
    const full = await fullYears(deps.db, request, deps);
    return c.json({ slots: outsideFullYears(slots, full), fullFiscalYears: full }, 200);
  });
}
