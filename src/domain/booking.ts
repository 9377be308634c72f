// The rules of a visit's life: which changes are allowed from which state, and the quotas
// a booking must respect. The database enforces overlaps; these decide everything else.

/** The longest visit a request may ask for, and the longest travel buffer an expert may set. */
export const MAX_DURATION_MINUTES = 240;
export const MAX_TRAVEL_BUFFER_MINUTES = 480;

export type SessionStatus = 'confirmed' | 'completed' | 'cancelled' | 'no_show';
export type SessionAction = 'cancel' | 'reschedule' | 'update' | 'report' | 'no-show';

const allowed: Record<SessionAction, readonly SessionStatus[]> = {
  cancel: ['confirmed'],
  reschedule: ['confirmed'],
  update: ['confirmed'],
  report: ['confirmed'],
  'no-show': ['confirmed'],
};

/** Why `action` is not possible on a session in `status` at `now`, or null if it is. */
export function transitionProblem(
  action: SessionAction,
  session: { status: SessionStatus; start: Date },
  now: Date,
): string | null {
  if (!allowed[action].includes(session.status)) {
    return `A ${session.status.replace('_', '-')} session cannot be ${pastTense[action]}`;
  }
  // A report or a no-show describes a visit that has begun; before then it can only be a mistake.
  if ((action === 'report' || action === 'no-show') && now < session.start) {
    return `The visit has not started yet (${session.start.toISOString()})`;
  }
  return null;
}

const pastTense: Record<SessionAction, string> = {
  cancel: 'cancelled',
  reschedule: 'rescheduled',
  update: 'updated',
  report: 'reported',
  'no-show': 'marked as a no-show',
};

export type QuotaUse = {
  /** Active visits of the company in the fiscal year of the new visit (excluding the one moved). */
  companyVisitsInFiscalYear: number;
  companyLimit: number;
  /** Active visits of the expert in the Tokyo month of the new visit (excluding the one moved). */
  expertVisitsInMonth: number;
  expertLimit: number;
};

/** Why one more visit would break a quota (invariant 3), or null if it fits. */
export function quotaProblem(use: QuotaUse): string | null {
  if (use.companyVisitsInFiscalYear >= use.companyLimit) {
    return `The company already has ${use.companyVisitsInFiscalYear} visits this fiscal year (limit ${use.companyLimit})`;
  }
  if (use.expertVisitsInMonth >= use.expertLimit) {
    return `The expert already has ${use.expertVisitsInMonth} visits that month (limit ${use.expertLimit})`;
  }
  return null;
}

/** The range an expert is blocked for: the visit, widened by travel on site. */
export function blockedRange(
  start: Date,
  end: Date,
  format: 'onsite' | 'online',
  bufferMinutes: number,
) {
  const buffer = format === 'onsite' ? bufferMinutes * 60_000 : 0;
  return {
    from: new Date(start.getTime() - buffer),
    to: new Date(end.getTime() + buffer),
    buffer: buffer / 60_000,
  };
}
