import { and, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { EXCLUSION_VIOLATION, sqlState } from '../../db/errors.ts';
import { companies, experts, type requests, sessions } from '../../db/schema.ts';
import type { Queryable, Tx } from '../../db/types.ts';
import { blockedRange, quotaProblem } from '../../domain/booking.ts';
import { visitFormat } from '../../domain/matching.ts';
import { fiscalYearOf, fiscalYearRange, tokyoMonthRange } from '../../domain/time.ts';
import type { Principal } from '../../http/context.ts';
import { ApiError, notFound } from '../../http/errors.ts';
import { loadCandidates } from '../requests/candidates.ts';

type SessionRow = typeof sessions.$inferSelect;
type RequestRow = typeof requests.$inferSelect;

const ACTIVE = ['confirmed', 'completed'] as const;

/**
 * The session if `principal` may see it: staff any, an expert their own, a company those of
 * its request. Anything else is 404, like an unknown id.
 */
export async function sessionFor(
  q: Queryable,
  principal: Principal,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SessionRow> {
  const query = q.select().from(sessions).where(eq(sessions.id, id));
  const [row] = await (options.forUpdate ? query.for('update') : query);
  if (
    !row ||
    (principal.role === 'expert' && row.expertId !== principal.expertId) ||
    (principal.role === 'company' && row.requestId !== principal.requestId)
  ) {
    throw notFound('Session');
  }
  return row;
}

export type SlotChoice = { expertId: string; start: Date };

/**
 * Takes the locks a booking needs, in one fixed order (company, then expert) so concurrent
 * bookings cannot deadlock, checks the slot against the expert's availability and the
 * quotas, and returns what to store. Overlaps are left to the EXCLUDE constraints.
 */
export async function prepareSlot(
  tx: Tx,
  request: RequestRow,
  choice: SlotChoice,
  context: { now: Date; config: Config; anyTime: boolean; replacing?: string },
) {
  const [company] = await tx
    .select({ corporateNumber: companies.corporateNumber })
    .from(companies)
    .where(eq(companies.id, request.companyId))
    .for('update');
  const [expert] = await tx
    .select()
    .from(experts)
    .where(eq(experts.id, choice.expertId))
    .for('update');
  if (!expert)
    throw new ApiError('validation-failed', 'expertId: no such expert', [
      { path: 'expertId', message: 'no such expert' },
    ]);
  const corporateNumber = company?.corporateNumber ?? null;

  const format = visitFormat(
    { format: request.format, company: { prefectureCode: request.prefectureCode } },
    expert,
  );
  if (!expert.active || !format) {
    throw new ApiError(
      'outside-availability',
      'This expert cannot visit this request (inactive, or not in this format and prefecture)',
    );
  }
  if (corporateNumber && expert.conflicts.includes(corporateNumber)) {
    throw new ApiError(
      'outside-availability',
      'This expert has a conflict of interest with the company',
    );
  }
  const { candidates } = await loadCandidates(
    tx,
    request,
    corporateNumber,
    context.now,
    context.config,
    {
      expertId: expert.id,
      anyTime: context.anyTime,
      ignoreBookings: true,
    },
  );
  const start = choice.start.getTime();
  const slot = candidates[0]?.slots.find((s) => s.start === start);
  if (!slot) {
    throw new ApiError(
      'outside-availability',
      context.anyTime
        ? 'The expert is not available then (hours, holidays, own calendar, notice or horizon; starts are on the half hour)'
        : 'Not a free slot of this expert inside the preferred windows (see GET /v1/requests/{id}/slots)',
    );
  }

  const fy = fiscalYearRange(fiscalYearOf(start));
  const month = tokyoMonthRange(start);
  const notReplaced = context.replacing ? ne(sessions.id, context.replacing) : undefined;
  const [[companyUse], [expertUse]] = await Promise.all([
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(sessions)
      .where(
        and(
          eq(sessions.companyId, request.companyId),
          inArray(sessions.status, [...ACTIVE]),
          gte(sessions.start, fy.start),
          lt(sessions.start, fy.end),
          notReplaced,
        ),
      ),
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(sessions)
      .where(
        and(
          eq(sessions.expertId, expert.id),
          inArray(sessions.status, [...ACTIVE]),
          gte(sessions.start, month.start),
          lt(sessions.start, month.end),
          notReplaced,
        ),
      ),
  ]);
  const problem = quotaProblem({
    companyVisitsInFiscalYear: Number(companyUse?.n ?? 0),
    companyLimit: context.config.visitsPerCompanyPerFy,
    expertVisitsInMonth: Number(expertUse?.n ?? 0),
    expertLimit: expert.maxVisitsPerMonth,
  });
  if (problem) throw new ApiError('quota-exceeded', problem);

  const end = new Date(slot.end);
  const blocked = blockedRange(choice.start, end, format, expert.travelBufferMinutes);
  return {
    expertId: expert.id,
    start: choice.start,
    end,
    format,
    travelBufferMinutes: blocked.buffer,
    blockedFrom: blocked.from,
    blockedTo: blocked.to,
  };
}

/** Runs a write that may collide with another visit; the constraint's verdict becomes a 409. */
export async function claimingSlot<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (sqlState(error) === EXCLUSION_VIOLATION) {
      throw new ApiError(
        'slot-taken',
        'The expert or the company already has a visit at that time',
      );
    }
    throw error;
  }
}
