import type { sessions } from '../../db/schema.ts';
import type { SessionBody } from './schema.ts';

type SessionRow = typeof sessions.$inferSelect;

export function presentSession(row: SessionRow): SessionBody {
  return {
    id: row.id,
    requestId: row.requestId,
    expertId: row.expertId,
    companyId: row.companyId,
    start: row.start.toISOString(),
    end: row.end.toISOString(),
    format: row.format,
    travelBufferMinutes: row.travelBufferMinutes,
    status: row.status,
    sequence: row.sequence,
    cancelReason: row.cancelReason,
    meetingUrl: row.meetingUrl,
    report: row.report ?? null,
    actualStart: row.actualStart?.toISOString() ?? null,
    actualEnd: row.actualEnd?.toISOString() ?? null,
    attendance:
      row.attendance && row.attendanceBy && row.attendanceAt
        ? {
            status: row.attendance,
            comment: row.attendanceComment,
            by: row.attendanceBy,
            at: row.attendanceAt.toISOString(),
          }
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
