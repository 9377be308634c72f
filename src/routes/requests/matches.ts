import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Queryable } from '../../db/types.ts';
import { bestExpertPerSlot } from '../../domain/matching.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv, Deps, Principal } from '../../http/context.ts';
import { bearer, commonErrors, IdParam, Instant, jsonResponse } from '../../http/schemas.ts';
import type { ExpertRow } from './candidates.ts';
import { mustBeAccepted } from './not-accepted.ts';
import { requestFor } from './queries.ts';
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

const Match = z
  .object({
    expert: ExpertSummary,
    format: z.enum(['onsite', 'online']),
    score: z.number(),
    reasons: z.array(z.string()),
    slots: z.array(Slot),
  })
  .openapi('Match');

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
    200: jsonResponse('Ranked matches, best first', z.object({ matches: z.array(Match) })),
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
    return { ranked: [], experts: new Map<string, ExpertRow>() };
  }
  return rankRequest(q, request, request.corporateNumber, deps.clock(), deps.config, wanted);
}

export function registerMatches(app: OpenAPIHono<AppEnv>) {
  app.openapi(matchesRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const deps = c.get('deps');
    const { limit, slotsPerExpert } = c.req.valid('query');
    const { ranked, experts } = await rank(deps.db, principal, c.req.valid('param').id, deps, {
      top: limit,
    });
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
          slots: m.slots
            .slice(0, slotsPerExpert)
            .map((s) => ({ start: iso(s.start), end: iso(s.end) })),
        },
      ];
    });
    return c.json({ matches }, 200);
  });

  app.openapi(slotsRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const deps = c.get('deps');
    const { ranked, experts } = await rank(deps.db, principal, c.req.valid('param').id, deps, {
      everySlot: true,
    });
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
    return c.json({ slots }, 200);
  });
}
