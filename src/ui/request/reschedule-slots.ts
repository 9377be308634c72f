import { eq } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { companies, requests } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { rankMatches } from '../../domain/matching.ts';
import { loadCandidates } from '../../routes/requests/candidates.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import type { Slot } from '../slot-picker.tsx';

/**
 * Where a booked visit can move: a reschedule keeps the expert, so these are that expert's
 * free slots inside the preferred windows, found as the matching does (the same candidates
 * and ranking, for this one expert). GET /v1/requests/:id/slots is no help here: it offers
 * each start with whichever expert ranks best then.
 */
export async function rescheduleSlots(
  q: Queryable,
  session: SessionBody,
  now: Date,
  config: Config,
): Promise<Slot[]> {
  const [request] = await q.select().from(requests).where(eq(requests.id, session.requestId));
  if (!request) return [];
  const [company] = await q
    .select({ corporateNumber: companies.corporateNumber })
    .from(companies)
    .where(eq(companies.id, request.companyId));
  const { matchRequest, candidates, experts } = await loadCandidates(
    q,
    request,
    company?.corporateNumber ?? null,
    now,
    config,
    { expertId: session.expertId },
  );
  const [match] = rankMatches(matchRequest, candidates);
  const expert = experts.get(session.expertId);
  if (!match || !expert) return [];
  return match.slots.map((s) => ({
    start: new Date(s.start).toISOString(),
    end: new Date(s.end).toISOString(),
    format: match.format,
    expert: { id: expert.id, name: expert.name, affiliation: expert.affiliation },
  }));
}
