import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import {
  type CalendarSession,
  sessionEventFile,
  sessionsCalendar,
  sessionUid,
} from '../../src/calendar/export.ts';
import { calendarVisit } from '../support/calendar.ts';

const session = calendarVisit();

const rescheduled: CalendarSession = {
  ...session,
  id: 'ses_02',
  sequence: 2,
  start: new Date('2026-12-10T05:30:00Z'),
  end: new Date('2026-12-10T07:30:00Z'),
  format: 'online',
};

const cancelled: CalendarSession = { ...session, id: 'ses_03', sequence: 1, status: 'cancelled' };

function events(ics: string): ICAL.Event[] {
  const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  return calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
}

function calendarOf(ics: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(ics) as unknown[]);
}

describe('sessionsCalendar', () => {
  const ics = sessionsCalendar({
    name: '専門家派遣: 山田 太郎',
    sessions: [session, rescheduled, cancelled],
    refreshMinutes: 30,
  });
  const [confirmedEvent, rescheduledEvent, cancelledEvent] = events(ics);

  it('names the calendar, asks subscribers to refresh, and publishes', () => {
    const calendar = calendarOf(ics);
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('専門家派遣: 山田 太郎');
    expect(ics).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT30M\r\n');
    expect(ics).toContain('\r\nX-PUBLISHED-TTL:PT30M\r\n');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//haken//expert dispatch//JA');
  });

  it('refreshes hourly by default', () => {
    expect(sessionsCalendar({ name: 'x', sessions: [] })).toContain(
      '\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n',
    );
  });

  it('gives each session a stable UID and its SEQUENCE', () => {
    expect(confirmedEvent?.uid).toBe('ses_01@haken');
    expect(sessionUid('ses_01')).toBe('ses_01@haken');
    expect(rescheduledEvent?.uid).toBe('ses_02@haken');
    expect(rescheduledEvent?.sequence).toBe(2);
    expect(confirmedEvent?.sequence).toBe(0);
  });

  it('marks active sessions CONFIRMED and keeps cancelled ones as CANCELLED and free', () => {
    expect(confirmedEvent?.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(cancelledEvent?.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelledEvent?.component.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    expect(cancelledEvent?.summary).toBe(
      '【中止】技術情報管理 専門家派遣: 株式会社トヨハシ精機（守る情報の決定、管理者選任）',
    );
  });

  it('writes start and end in UTC', () => {
    expect(ics).toContain('\r\nDTSTART:20261203T010000Z\r\n');
    expect(ics).toContain('\r\nDTEND:20261203T030000Z\r\n');
    expect(confirmedEvent?.startDate.zone.tzid).toBe('UTC');
    expect(confirmedEvent?.startDate.toJSDate().getTime()).toBe(session.start.getTime());
    expect(rescheduledEvent?.endDate.toJSDate().getTime()).toBe(rescheduled.end.getTime());
  });

  it('shows 01:00Z on 3 December 2026 as 10:00 in Tokyo', () => {
    const start = confirmedEvent?.startDate.toJSDate() ?? new Date(Number.NaN);
    const tokyo = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Tokyo',
      dateStyle: 'short',
      timeStyle: 'short',
    });
    expect(tokyo.format(start)).toBe('03/12/2026, 10:00');
  });

  it('stamps events with the session’s last change', () => {
    const stamp = confirmedEvent?.component.getFirstPropertyValue('dtstamp');
    const modified = confirmedEvent?.component.getFirstPropertyValue('last-modified');
    expect(String(stamp)).toBe('2026-11-20T05:06:07Z');
    expect(String(modified)).toBe('2026-11-20T05:06:07Z');
  });

  it('describes the visit in Japanese: company, place, topics, expert, request', () => {
    expect(confirmedEvent?.summary).toBe(
      '技術情報管理 専門家派遣: 株式会社トヨハシ精機（守る情報の決定、管理者選任）',
    );
    expect(confirmedEvent?.location).toBe('愛知県');
    expect(rescheduledEvent?.location).toBe('オンライン');
    expect(confirmedEvent?.description).toBe(
      [
        '相談テーマ: 守る情報の決定、管理者選任',
        '専門家: 山田 太郎',
        '形式: 訪問（愛知県）',
        '申込ID: req_01',
      ].join('\n'),
    );
  });

  it('escapes TEXT in the calendar name and in event text', () => {
    const tricky = sessionsCalendar({
      name: 'a, b; c\\d',
      sessions: [{ ...session, companyName: '株式会社A, B; C' }],
    });
    expect(tricky).toContain('\r\nX-WR-CALNAME:a\\, b\\; c\\\\d\r\n');
    expect(events(tricky)[0]?.summary).toBe(
      '技術情報管理 専門家派遣: 株式会社A, B; C（守る情報の決定、管理者選任）',
    );
  });

  it('uses CRLF throughout, ends with one, and folds lines at 75 octets', () => {
    const long = sessionsCalendar({
      name: 'x',
      sessions: [{ ...session, topicNames: Array(8).fill('ID等設定による電子情報の管理') }],
    });
    expect(long.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const lines = long.split('\r\n');
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    expect(
      Math.max(...lines.map((line) => new TextEncoder().encode(line).length)),
    ).toBeLessThanOrEqual(75);
    expect(lines.some((line) => line.startsWith(' '))).toBe(true);
  });

  it('names an organizer when given one', () => {
    const withOrganizer = sessionsCalendar({
      name: 'x',
      sessions: [session],
      organizer: { name: '専門家派遣事務局', email: 'haken@example.jp' },
    });
    expect(String(events(withOrganizer)[0]?.organizer)).toBe('mailto:haken@example.jp');
  });
});

describe('sessionEventFile', () => {
  const ics = sessionEventFile(session);

  it('holds the one session as a published event', () => {
    const calendar = calendarOf(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(events(ics).map((event) => event.uid)).toEqual(['ses_01@haken']);
    expect(ics).toContain('\r\nDTSTART:20261203T010000Z\r\n');
    expect(ics).not.toContain('X-WR-CALNAME');
  });
});
