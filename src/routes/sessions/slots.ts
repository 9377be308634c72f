import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { transitionProblem } from '../../domain/booking.ts';
import { rankMatches } from '../../domain/matching.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { bearer, commonErrors, IdParam, jsonResponse } from '../../http/schemas.ts';
import { companyOf, loadCandidates } from '../requests/candidates.ts';
import { requestFor } from '../requests/queries.ts';
import { fullFiscalYears, outsideFullYears } from '../requests/quota.ts';
import { SlotListSchema } from '../requests/schema.ts';
import { sessionFor } from './queries.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/slots',
  tags: ['sessions'],
  summary: 'Where a confirmed visit can move: its expert’s free slots (staff, its company)',
  description:
    'The starts the same expert is free for, inside the request’s preferred windows, the visit ' +
    'itself not counted as busy nor toward the expert’s monthly cap: what ' +
    '`POST /v1/sessions/{id}/reschedule` takes from the company. Starts in a fiscal year where ' +
    'the company already has its quota of other visits are left out (`fullFiscalYears`). ' +
    'Empty for a visit that can no longer be moved.',
  security: bearer('staff', 'company'),
  request: { params: IdParam },
  responses: { 200: jsonResponse('Slots in time order', SlotListSchema), ...commonErrors },
});

type SlotList = z.infer<typeof SlotListSchema>;

export function registerSessionSlots(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const { db, clock, config } = c.get('deps');
    const session = await sessionFor(db, principal, c.req.valid('param').id);
    if (transitionProblem('reschedule', session, clock())) {
      return c.json({ slots: [], fullFiscalYears: [] } satisfies SlotList, 200);
    }
    const request = await requestFor(db, principal, session.requestId);
    const { matchRequest, candidates, experts } = await loadCandidates(
      db,
      request,
      request.corporateNumber,
      clock(),
      config,
      { expertId: session.expertId, replacing: session.id },
    );
    const [match] = rankMatches(matchRequest, candidates);
    const expert = experts.get(session.expertId);
    const full = await fullFiscalYears(
      db,
      companyOf(request, request.corporateNumber),
      config.visitsPerCompanyPerFy,
      session.id,
    );
    if (!match || !expert)
      return c.json({ slots: [], fullFiscalYears: full } satisfies SlotList, 200);
    const slots = match.slots
      // Where the visit already is would be no move at all.
      .filter((s) => s.start !== session.start.getTime())
      .map((s) => ({
        start: new Date(s.start).toISOString(),
        end: new Date(s.end).toISOString(),
        format: match.format,
        expert: { id: expert.id, name: expert.name, affiliation: expert.affiliation },
      }));
    return c.json({ slots: outsideFullYears(slots, full), fullFiscalYears: full }, 200);
  });
}
