import { and, asc, desc, eq, inArray, lt, ne, or, sql } from 'drizzle-orm';
import {
  experts,
  paymentItems,
  requests,
  sessions,
  travelClaims,
  travelReceipts,
} from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { tokyoDate } from '../../domain/time.ts';
import type { Principal } from '../../http/context.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { notFound } from '../../http/errors.ts';
import type { TravelClaimBody } from './schema.ts';

export type ClaimRow = typeof travelClaims.$inferSelect;

/** The claim if `principal` may see it: staff any, an expert their own; else 404. */
export async function claimFor(
  q: Queryable,
  principal: Principal,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ClaimRow> {
  const query = q.select().from(travelClaims).where(eq(travelClaims.id, id));
  const [row] = await (options.forUpdate ? query.for('no key update') : query);
  if (!row || principal.role === 'company') throw notFound('Travel claim');
  if (principal.role === 'expert' && row.expertId !== principal.expertId) {
    throw notFound('Travel claim');
  }
  return row;
}

/** Claims as the API shows them, with their visit, expert, receipts and whether paid. */
export async function presentClaims(q: Queryable, rows: ClaimRow[]): Promise<TravelClaimBody[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const sessionIds = rows.map((r) => r.sessionId);
  const [visits, receipts, paid] = await Promise.all([
    q
      .select({
        id: sessions.id,
        requestId: sessions.requestId,
        start: sessions.start,
        end: sessions.end,
        companyName: requests.companyName,
        prefectureCode: requests.prefectureCode,
        expertName: experts.name,
      })
      .from(sessions)
      .innerJoin(requests, eq(requests.id, sessions.requestId))
      .innerJoin(experts, eq(experts.id, sessions.expertId))
      .where(inArray(sessions.id, sessionIds)),
    q
      .select({
        id: travelReceipts.id,
        claimId: travelReceipts.claimId,
        filename: travelReceipts.filename,
        contentType: travelReceipts.contentType,
        sizeBytes: travelReceipts.sizeBytes,
        sha256: travelReceipts.sha256,
        createdAt: travelReceipts.createdAt,
      })
      .from(travelReceipts)
      .where(inArray(travelReceipts.claimId, ids))
      .orderBy(asc(travelReceipts.createdAt), asc(travelReceipts.id)),
    q
      .select({ sessionId: paymentItems.sessionId })
      .from(paymentItems)
      .where(and(inArray(paymentItems.sessionId, sessionIds), eq(paymentItems.kind, 'travel'))),
  ]);
  const visitOf = new Map(visits.map((v) => [v.id, v]));
  const paidSessions = new Set(paid.map((p) => p.sessionId));
  return rows.map((row) => {
    const visit = visitOf.get(row.sessionId);
    if (!visit) throw new Error('travel claim without its visit');
    return {
      id: row.id,
      sessionId: row.sessionId,
      expert: { id: row.expertId, name: visit.expertName },
      visit: {
        requestId: visit.requestId,
        companyName: visit.companyName,
        prefectureCode: visit.prefectureCode,
        start: visit.start.toISOString(),
        end: visit.end.toISOString(),
      },
      legs: row.legs,
      allowanceYen: row.allowanceYen,
      lodgingYen: row.lodgingYen,
      claimedYen: row.claimedYen,
      status: row.status,
      approvedYen: row.approvedYen,
      decisionReason: row.decisionReason,
      decidedAt: row.decidedAt?.toISOString() ?? null,
      paid: paidSessions.has(row.sessionId),
      receipts: receipts
        .filter((r) => r.claimId === row.id)
        .map(({ claimId: _, createdAt, ...r }) => ({ ...r, createdAt: createdAt.toISOString() })),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  });
}

/**
 * The daily allowance the expert's other claims hold for visits on the same Tokyo day as
 * `visitStart` (one day, one allowance).
 */
export async function allowanceClaimedThatDay(
  q: Queryable,
  expertId: string,
  visitStart: Date,
  exceptClaimId: string | null,
): Promise<number> {
  const day = tokyoDate(visitStart);
  const [row] = await q
    .select({ total: sql<number>`coalesce(sum(${travelClaims.allowanceYen}), 0)::int` })
    .from(travelClaims)
    .innerJoin(sessions, eq(sessions.id, travelClaims.sessionId))
    .where(
      and(
        eq(travelClaims.expertId, expertId),
        sql`(${sessions.start} at time zone 'Asia/Tokyo')::date = ${day}::date`,
        exceptClaimId ? ne(travelClaims.id, exceptClaimId) : undefined,
      ),
    );
  return Number(row?.total ?? 0);
}

/** Claims newest first, an expert's own or (staff) filtered; keyset pages. */
export async function listClaims(
  db: Queryable,
  principal: Principal,
  query: {
    limit: number;
    cursor?: string;
    status?: (typeof travelClaims.$inferSelect)['status'];
    expertId?: string;
  },
) {
  const cursor = decodeCursor(query.cursor);
  const expertId = principal.role === 'expert' ? principal.expertId : query.expertId;
  const rows = await db
    .select()
    .from(travelClaims)
    .where(
      and(
        expertId ? eq(travelClaims.expertId, expertId) : undefined,
        query.status ? eq(travelClaims.status, query.status) : undefined,
        cursor
          ? or(
              lt(travelClaims.createdAt, new Date(cursor.at)),
              and(eq(travelClaims.createdAt, new Date(cursor.at)), lt(travelClaims.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(travelClaims.createdAt), desc(travelClaims.id))
    .limit(query.limit + 1);
  const { items, nextCursor } = page(rows, query.limit, (r) => ({
    at: r.createdAt.toISOString(),
    id: r.id,
  }));
  return { items: await presentClaims(db, items), nextCursor };
}
