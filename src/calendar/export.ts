import ical, {
  type ICalCalendar,
  ICalCalendarMethod,
  ICalEvent,
  type ICalEventData,
  ICalEventStatus,
  ICalEventTransparency,
} from 'ical-generator';
import { foldLines } from './fold.ts';

export type CalendarSession = {
  id: string;
  sequence: number;
  status: 'confirmed' | 'completed' | 'cancelled' | 'no_show';
  start: Date;
  end: Date;
  updatedAt: Date;
  format: 'onsite' | 'online';
  companyName: string;
  /** Japanese name, e.g. 愛知県. */
  prefectureName: string;
  /** Where an on-site visit goes, as the company gave it; the prefecture when not given. */
  address: string | null;
  /** An online visit's meeting URL, once staff or the expert set one. */
  meetingUrl: string | null;
  /** Japanese topic names. */
  topicNames: readonly string[];
  expertName: string;
  requestId: string;
};

export type SessionsCalendarInput = {
  /** Shown by clients as the calendar's name (NAME and X-WR-CALNAME). */
  name: string;
  sessions: readonly CalendarSession[];
  /** How often subscribers should re-fetch (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
  refreshMinutes?: number;
  organizer?: CalendarOrganizer;
  /** How a visit becomes its VEVENT (`sessionVEvent` unless given; a feed passes a memo). */
  render?: (session: CalendarSession) => string;
};

/**
 * The programme office as the events' ORGANIZER. iTIP (RFC 5546) requires one in every
 * METHOD:PUBLISH event, and strict consumers such as libical reject events without it.
 */
export type CalendarOrganizer = { name: string; email: string };

const PROD_ID = '//haken//expert dispatch//JA';
const SUMMARY_PREFIX = '技術情報管理 専門家派遣';

// Clients that ignore STATUS:CANCELLED (some subscribed-calendar importers) still show
// the event, so the title says it too.
const STATUS_LABEL: Record<CalendarSession['status'], string> = {
  confirmed: '',
  completed: '',
  cancelled: '【中止】',
  no_show: '【不在】',
};

export function sessionUid(id: string): string {
  return `${id}@haken`;
}

export function sessionsCalendar(input: SessionsCalendarInput): string {
  const calendar = newCalendar();
  // ical-generator writes NAME / X-WR-CALNAME verbatim, so TEXT escaping is ours to do.
  calendar.name(escapeText(input.name));
  calendar.ttl((input.refreshMinutes ?? 60) * 60);
  const render = input.render ?? ((session) => sessionVEvent(session, input.organizer));
  return serialize(calendar, input.sessions.map(render));
}

export function sessionEventFile(
  session: CalendarSession,
  options: { organizer?: CalendarOrganizer } = {},
): string {
  return serialize(newCalendar(), [sessionVEvent(session, options.organizer)]);
}

/**
 * One visit as the VEVENT a calendar holds for it: folded, each line ending in CRLF.
 * ical-generator writes it; the lines are folded by fold.ts, which cuts where ical-generator
 * would have cut the whole calendar, at a fraction of the cost.
 */
export function sessionVEvent(session: CalendarSession, organizer?: CalendarOrganizer): string {
  return foldLines(new ICalEvent(sessionEvent(session, organizer), eventCalendar).toString());
}

// No calendar time zone on purpose: with one set, ical-generator formats JS Dates in the
// server's local zone. Every instant is written in UTC instead.
function newCalendar(): ICalCalendar {
  return ical({ prodId: PROD_ID, method: ICalCalendarMethod.PUBLISH });
}

// The calendar each event is written for; events are never added to it.
const eventCalendar = newCalendar();

// RFC 5545 §3.4 wants at least one component in a calendar, and an expert's feed may have
// no visit yet: a VTIMEZONE for the programme's zone keeps even an empty feed valid.
const TOKYO_ZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Asia/Tokyo',
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  'TZOFFSETFROM:+0900',
  'TZOFFSETTO:+0900',
  'TZNAME:JST',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/**
 * The calendar's properties as ical-generator writes them, around the events written apart:
 * the same text as `calendar.toString()` with the events in it. RFC 5545 ends every content
 * line, the last one too, with CRLF; ical-generator omits the final one.
 */
function serialize(calendar: ICalCalendar, vevents: readonly string[]): string {
  const components = vevents.length > 0 ? vevents.join('') : `${TOKYO_ZONE}\r\n`;
  return calendar.toString().replace(/END:VCALENDAR$/, `${components}END:VCALENDAR\r\n`);
}

function sessionEvent(session: CalendarSession, organizer?: CalendarOrganizer): ICalEventData {
  const active = session.status === 'confirmed' || session.status === 'completed';
  return {
    id: sessionUid(session.id),
    sequence: session.sequence,
    stamp: session.updatedAt,
    lastModified: session.updatedAt,
    start: session.start,
    end: session.end,
    summary: `${STATUS_LABEL[session.status]}${SUMMARY_PREFIX}: ${session.companyName}${topicsLabel(session.topicNames)}`,
    location: placeOf(session),
    ...(session.format === 'online' && session.meetingUrl ? { url: session.meetingUrl } : {}),
    description: describe(session),
    organizer: organizer ?? null,
    status: active ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    // A cancelled visit that a client keeps showing must not block the expert's time.
    transparency: active ? ICalEventTransparency.OPAQUE : ICalEventTransparency.TRANSPARENT,
  };
}

/** The first topics in the title, so a calendar's month view says what the visit is about. */
function topicsLabel(names: readonly string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, 2).join('、');
  return `（${shown}${names.length > 2 ? ` ほか${names.length - 2}件` : ''}）`;
}

function placeOf(session: CalendarSession): string {
  if (session.format === 'online') return session.meetingUrl ?? 'オンライン';
  return session.address ?? session.prefectureName;
}

function describe(session: CalendarSession): string {
  return [
    `相談テーマ: ${session.topicNames.length > 0 ? session.topicNames.join('、') : '未定'}`,
    `専門家: ${session.expertName}`,
    `形式: ${session.format === 'onsite' ? `訪問（${session.address ?? session.prefectureName}）` : 'オンライン'}`,
    ...(session.format === 'online' && session.meetingUrl
      ? [`会議URL: ${session.meetingUrl}`]
      : []),
    `申込ID: ${session.requestId}`,
  ].join('\n');
}

function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}
