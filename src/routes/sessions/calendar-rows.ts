import { inArray } from 'drizzle-orm';
import type { CalendarOrganizer, CalendarSession } from '../../calendar/export.ts';
import type { Config } from '../../config.ts';
import { experts, requests, type sessions } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { prefecture, topics } from '../../domain/taxonomy.ts';

type SessionRow = typeof sessions.$inferSelect;

/** The programme office, ORGANIZER of every event (RFC 5546 wants one in a PUBLISH). */
export function organizer(config: Pick<Config, 'officeEmail'>): CalendarOrganizer {
  return { name: '技術情報管理 専門家派遣事業 事務局', email: config.officeEmail };
}

const topicName = new Map(topics.map((t) => [t.code as string, t.name.ja]));

/** Sessions as calendar events: with their company, place, topics and expert, in two queries. */
export async function calendarSessions(
  q: Queryable,
  rows: SessionRow[],
): Promise<CalendarSession[]> {
  if (rows.length === 0) return [];
  const [requestRows, expertRows] = await Promise.all([
    q
      .select({
        id: requests.id,
        companyName: requests.companyName,
        prefectureCode: requests.prefectureCode,
        topics: requests.topics,
      })
      .from(requests)
      .where(inArray(requests.id, [...new Set(rows.map((r) => r.requestId))])),
    q
      .select({ id: experts.id, name: experts.name })
      .from(experts)
      .where(inArray(experts.id, [...new Set(rows.map((r) => r.expertId))])),
  ]);
  const requestById = new Map(requestRows.map((r) => [r.id, r]));
  const expertById = new Map(expertRows.map((e) => [e.id, e]));
  return rows.map((row) => {
    const request = requestById.get(row.requestId);
    return {
      id: row.id,
      sequence: row.sequence,
      status: row.status,
      start: row.start,
      end: row.end,
      updatedAt: row.updatedAt,
      format: row.format,
      companyName: request?.companyName ?? '',
      prefectureName: prefecture(request?.prefectureCode ?? '')?.name.ja ?? '',
      topicNames: (request?.topics ?? []).map((t) => topicName.get(t) ?? t),
      expertName: expertById.get(row.expertId)?.name ?? '',
      requestId: row.requestId,
    };
  });
}
