import { and, eq, gt, gte, inArray, lt, lte, ne, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { EXCLUSION_VIOLATION, sqlState } from '../../db/errors.ts';
import {
  busyBlocks,
  companies,
  dateOverrides,
  experts,
  requests,
  sessions,
  weeklyHours,
} from '../../db/schema.ts';
import type { Queryable, Tx } from '../../db/types.ts';
import { availableSlots, bookableRange } from '../../domain/availability.ts';
import { blockedRange, quotaProblem } from '../../domain/booking.ts';
import { clip } from '../../domain/intervals.ts';
import { visitFormat } from '../../domain/matching.ts';
import {
  fiscalYearOf,
  fiscalYearRange,
  MINUTE_MS,
  tokyoDate,
  tokyoMonthRange,
} from '../../domain/time.ts';
import type { Principal } from '../../http/context.ts';
import { ApiError, notFound } from '../../http/errors.ts';
import { availabilityFromRows } from '../experts/queries.ts';

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

type ExpertRow = typeof experts.$inferSelect;
export type Parties = { corporateNumber: string | null; expert: ExpertRow };

/**
 * Locks the company of `requestId` and then the expert, the order every booking and
 * reschedule takes them in, so concurrent ones cannot deadlock. Both statements go out
 * together: one round trip, executed in order. Call it right after locking the request.
 */
export async function lockParties(tx: Tx, requestId: string, expertId: string): Promise<Parties> {
  const [[company], [expert]] = await Promise.all([
    tx
      .select({ corporateNumber: companies.corporateNumber })
      .from(companies)
      .where(
        eq(
          companies.id,
          tx.select({ id: requests.companyId }).from(requests).where(eq(requests.id, requestId)),
        ),
      )
      .for('update'),
    tx.select().from(experts).where(eq(experts.id, expertId)).for('update'),
  ]);
  if (!expert)
    throw new ApiError('validation-failed', 'expertId: no such expert', [
      { path: 'expertId', message: 'no such expert' },
    ]);
  return { corporateNumber: company?.corporateNumber ?? null, expert };
}

/**
 * Checks the slot against the expert's availability and the quotas, with the parties locked,
 * and returns what to store. Everything it reads goes out in one round trip, and only what
 * the slot's own time needs: its days' hours, busy blocks near it, two counts. Overlaps with
 * other visits are left to the EXCLUDE constraints.
 */
export async function prepareSlot(
  tx: Tx,
  request: RequestRow,
  { corporateNumber, expert }: Parties,
  start: Date,
  context: { now: Date; config: Config; anyTime: boolean; replacing?: string },
) {
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

  const slot = {
    start: start.getTime(),
    end: start.getTime() + request.durationMinutes * MINUTE_MS,
  };
  const bufferMinutes = format === 'onsite' ? expert.travelBufferMinutes : 0;
  const near = {
    start: new Date(slot.start - bufferMinutes * MINUTE_MS),
    end: new Date(slot.end + bufferMinutes * MINUTE_MS),
  };
  const fy = fiscalYearRange(fiscalYearOf(slot.start));
  const month = tokyoMonthRange(slot.start);
  const notReplaced = context.replacing ? ne(sessions.id, context.replacing) : undefined;
  const active = inArray(sessions.status, [...ACTIVE]);
  const [weekly, overrides, busy, [companyUse], [expertUse]] = await Promise.all([
    tx.select().from(weeklyHours).where(eq(weeklyHours.expertId, expert.id)),
    tx
      .select()
      .from(dateOverrides)
      .where(
        and(
          eq(dateOverrides.expertId, expert.id),
          gte(dateOverrides.date, tokyoDate(near.start)),
          lte(dateOverrides.date, tokyoDate(near.end)),
        ),
      ),
    tx
      .select({ start: busyBlocks.start, end: busyBlocks.end })
      .from(busyBlocks)
      .where(
        and(
          eq(busyBlocks.expertId, expert.id),
          lt(busyBlocks.start, near.end),
          gt(busyBlocks.end, near.start),
        ),
      ),
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(sessions)
      .where(
        and(
          eq(sessions.companyId, request.companyId),
          active,
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
          active,
          gte(sessions.start, month.start),
          lt(sessions.start, month.end),
          notReplaced,
        ),
      ),
  ]);

  const bookable = bookableRange(context.now, context.config);
  const windows = context.anyTime
    ? [bookable]
    : request.preferredWindows.map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end) }));
  const free = availableSlots({
    availability: availabilityFromRows([expert.id], weekly, overrides).get(expert.id) ?? {
      weekly: [],
      overrides: [],
    },
    busy: busy.map((b) => ({ start: b.start.getTime(), end: b.end.getTime() })),
    sessions: [],
    range: bookable,
    bufferMinutes,
    durationMinutes: request.durationMinutes,
    // The slots on the 30-minute grid are the same whatever the windows' extent, so only
    // the part of the windows under this slot need be walked.
    windows: clip(windows, slot),
  });
  if (!free.some((s) => s.start === slot.start)) {
    throw new ApiError(
      'outside-availability',
      context.anyTime
        ? 'The expert is not available then (hours, holidays, own calendar, notice or horizon; starts are on the half hour)'
        : 'Not a free slot of this expert inside the preferred windows (see GET /v1/requests/{id}/slots)',
    );
  }

  const problem = quotaProblem({
    companyVisitsInFiscalYear: Number(companyUse?.n ?? 0),
    companyLimit: context.config.visitsPerCompanyPerFy,
    expertVisitsInMonth: Number(expertUse?.n ?? 0),
    expertLimit: expert.maxVisitsPerMonth,
  });
  if (problem) throw new ApiError('quota-exceeded', problem);

  const end = new Date(slot.end);
  const blocked = blockedRange(start, end, format, expert.travelBufferMinutes);
  return {
    expertId: expert.id,
    start,
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
