import { asc, eq, type SQL } from 'drizzle-orm';
import type { CalendarOrganizer, CalendarSession } from '../../calendar/export.ts';
import type { Config } from '../../config.ts';
import { experts, requests, sessions } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { prefecture, topics } from '../../domain/taxonomy.ts';

type SessionRow = typeof sessions.$inferSelect;
type RequestRow = typeof requests.$inferSelect;

/** The programme office, ORGANIZER of every event (RFC 5546 wants one in a PUBLISH). */
export function organizer(config: Pick<Config, 'officeEmail'>): CalendarOrganizer {
  return { name: '技術情報管理 専門家派遣事業 事務局', email: config.officeEmail };
}

const topicName = new Map(topics.map((t) => [t.code as string, t.name.ja]));

type CalendarSource = Pick<
  SessionRow,
  | 'id'
  | 'sequence'
  | 'status'
  | 'start'
  | 'end'
  | 'updatedAt'
  | 'format'
  | 'requestId'
  | 'meetingUrl'
> &
  Pick<RequestRow, 'companyName' | 'prefectureCode' | 'companyAddress' | 'topics'> & {
    expertName: string;
  };

/** A session as a calendar event: with its company, place, topics and expert. */
export function calendarSession(source: CalendarSource): CalendarSession {
  return {
    id: source.id,
    sequence: source.sequence,
    status: source.status,
    start: source.start,
    end: source.end,
    updatedAt: source.updatedAt,
    format: source.format,
    companyName: source.companyName,
    prefectureName: prefecture(source.prefectureCode)?.name.ja ?? '',
    address: source.companyAddress,
    meetingUrl: source.meetingUrl,
    topicNames: source.topics.map((t) => topicName.get(t) ?? t),
    expertName: source.expertName,
    requestId: source.requestId,
  };
}

/** The sessions `where` selects, as calendar events in start order, in one query. */
export async function calendarSessions(q: Queryable, where: SQL | undefined) {
  const rows = await q
    .select({
      id: sessions.id,
      sequence: sessions.sequence,
      status: sessions.status,
      start: sessions.start,
      end: sessions.end,
      updatedAt: sessions.updatedAt,
      format: sessions.format,
      requestId: sessions.requestId,
      meetingUrl: sessions.meetingUrl,
      companyName: requests.companyName,
      prefectureCode: requests.prefectureCode,
      companyAddress: requests.companyAddress,
      topics: requests.topics,
      expertName: experts.name,
    })
    .from(sessions)
    .innerJoin(requests, eq(requests.id, sessions.requestId))
    .innerJoin(experts, eq(experts.id, sessions.expertId))
    .where(where)
    .orderBy(asc(sessions.start), asc(sessions.id));
  return rows.map(calendarSession);
}
