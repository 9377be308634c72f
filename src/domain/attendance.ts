import { DAY_MS, tokyoDate } from './time.ts';

// Visit proof (従事確認): the times the expert's report gives, and the company's word that the
// visit took place, which makes its fee payable. The company's answer is written once as a table
// of allowed transitions; routes, pages and tests read it from here.
//
//   (not answered) ──agree──▶ confirmed
//         │                      ▲
//         └──dispute──▶ disputed ─┘ agree (the company, or staff for it, once it is settled)
//
// A confirmed visit stays confirmed: its fee may have been paid on that word. A dispute is kept
// as it was said, with its comment, for the office to settle.

export const attendanceStatuses = ['confirmed', 'disputed'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];
/** Null: the company has not answered yet. */
export type Attendance = AttendanceStatus | null;

export type AttendanceAction = 'agree' | 'dispute';

const transitions: Record<AttendanceAction, { from: readonly Attendance[]; to: AttendanceStatus }> =
  {
    agree: { from: [null, 'disputed'], to: 'confirmed' },
    dispute: { from: [null], to: 'disputed' },
  };

/** Where `action` takes a visit's attendance, or null when it is not allowed from there. */
export function attendanceTransition(
  action: AttendanceAction,
  current: Attendance,
): AttendanceStatus | null {
  const rule = transitions[action];
  return rule.from.includes(current) ? rule.to : null;
}

/** Why the visit's attendance cannot be answered now, or null if it can. */
export function attendanceProblem(
  action: AttendanceAction,
  visit: { status: string; attendance: Attendance },
): string | null {
  if (visit.status !== 'completed') {
    return 'Only a completed visit is confirmed: the expert files the visit report first';
  }
  if (attendanceTransition(action, visit.attendance) === null) {
    return visit.attendance === 'confirmed'
      ? 'The visit is confirmed already'
      : 'The visit is disputed already; confirm it once it is settled';
  }
  return null;
}

/**
 * Why the actual times a visit report gives cannot be taken, or null if they can. Fees are paid
 * on them (domain/fees.ts), so they must describe the booked visit: beginning on its Tokyo day
 * (the day, and so the month and the daily cap, it is paid on), at most a day long, and over
 * by the time the report is filed.
 */
export function actualTimesProblem(
  booked: { start: Date },
  actual: { start: Date; end: Date },
  now: Date,
): { field: 'actualStart' | 'actualEnd'; message: string } | null {
  if (tokyoDate(actual.start) !== tokyoDate(booked.start)) {
    return {
      field: 'actualStart',
      message: `must be on the day of the booked visit (${tokyoDate(booked.start)}, Japan time)`,
    };
  }
  if (actual.end <= actual.start)
    return { field: 'actualEnd', message: 'must be after actualStart' };
  if (actual.end.getTime() - actual.start.getTime() > DAY_MS) {
    return { field: 'actualEnd', message: 'must be within 24 hours of actualStart' };
  }
  if (actual.end > now) return { field: 'actualEnd', message: 'must not be in the future' };
  return null;
}
