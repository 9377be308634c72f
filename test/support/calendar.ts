import type { CalendarSession } from '../../src/calendar/export.ts';

/** A confirmed on-site visit in Aichi, as the calendar code receives it. */
export function calendarVisit(overrides: Partial<CalendarSession> = {}): CalendarSession {
  return {
    id: 'ses_01',
    sequence: 0,
    status: 'confirmed',
    start: new Date('2026-12-03T01:00:00Z'),
    end: new Date('2026-12-03T03:00:00Z'),
    updatedAt: new Date('2026-11-20T05:06:07Z'),
    format: 'onsite',
    companyName: '株式会社トヨハシ精機',
    prefectureName: '愛知県',
    address: null,
    meetingUrl: null,
    topicNames: ['守る情報の決定', '管理者選任'],
    expertName: '山田 太郎',
    requestId: 'req_01',
    ...overrides,
  };
}
