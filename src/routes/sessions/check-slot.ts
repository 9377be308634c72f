import type { Config } from '../../config.ts';
import type { requests } from '../../db/schema.ts';
import { availableSlots, bookableRange } from '../../domain/availability.ts';
import { blockedRange, quotaProblem } from '../../domain/booking.ts';
import { clip } from '../../domain/intervals.ts';
import { conflictOf, visitFormat } from '../../domain/matching.ts';
import { MINUTE_MS } from '../../domain/time.ts';
import { ApiError } from '../../http/errors.ts';
import { availabilityFromRows } from '../experts/queries.ts';
import type { ExpertRow, Parties, SlotFacts } from './queries.ts';

// What a booking and a reschedule decide about their slot, from what lockForSlot read under
// its locks: the domain's rules (src/domain/) in the API's errors.

type RequestRow = typeof requests.$inferSelect;

/** The parties, once the expert asked for is known to exist (checked after the request). */
export function withExpert(
  parties: Omit<Parties, 'expert'> & { expert: ExpertRow | undefined },
): Parties {
  const { expert } = parties;
  if (!expert) {
    throw new ApiError('validation-failed', 'expertId: no such expert', [
      { path: 'expertId', message: 'no such expert' },
    ]);
  }
  return { ...parties, expert };
}

/**
 * Checks the slot against the expert's availability and the quotas, from what lockForSlot
 * read, and returns what to store. Overlaps with other visits are left to the EXCLUDE
 * constraints.
 */
export function checkSlot(
  request: RequestRow,
  { corporateNumber, certifications, expert }: Parties,
  facts: SlotFacts,
  start: Date,
  context: { now: Date; config: Config; anyTime: boolean },
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
  if (conflictOf({ company: { corporateNumber, certifications } }, expert)) {
    throw new ApiError(
      'outside-availability',
      'This expert has a conflict of interest with the company (declared, or the body they audit for certified or is auditing it)',
    );
  }

  const slot = {
    start: start.getTime(),
    end: start.getTime() + request.durationMinutes * MINUTE_MS,
  };
  const bufferMinutes = format === 'onsite' ? expert.travelBufferMinutes : 0;
  const bookable = bookableRange(context.now, context.config);
  const windows = context.anyTime
    ? [bookable]
    : request.preferredWindows.map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end) }));
  const free = availableSlots({
    availability: availabilityFromRows([expert.id], facts.weekly, facts.overrides).get(
      expert.id,
    ) ?? { weekly: [], overrides: [] },
    busy: facts.busy.map((b) => ({ start: b.start.getTime(), end: b.end.getTime() })),
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
    companyVisitsInFiscalYear: facts.companyVisitsInFiscalYear,
    companyLimit: context.config.visitsPerCompanyPerFy,
    expertVisitsInMonth: facts.expertVisitsInMonth,
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
