import { asc, eq, inArray, sql } from 'drizzle-orm';
import { requests, sessions } from '../../db/schema.ts';
import { statement } from '../../db/statement.ts';
import type { Queryable } from '../../db/types.ts';
import type { Principal } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { presentSession } from '../sessions/present.ts';
import type { RequestBody } from './schema.ts';

type RequestRow = typeof requests.$inferSelect;
type SessionRow = typeof sessions.$inferSelect;

export function presentRequest(row: RequestRow, sessionRows: SessionRow[]): RequestBody {
  return {
    id: row.id,
    status: row.status,
    company: {
      id: row.companyId,
      name: row.companyName,
      corporateNumber: row.corporateNumber,
      industryCode: row.industryCode,
      prefectureCode: row.prefectureCode,
      employees: row.employees,
      capitalYen: row.capitalYen,
      isSme: row.isSme,
      address: row.companyAddress,
    },
    contact: {
      name: row.contactName,
      nameKana: row.contactNameKana,
      email: row.contactEmail,
      phone: row.contactPhone,
    },
    privacyConsentAt: row.privacyConsentAt?.toISOString() ?? null,
    topics: row.topics,
    format: row.format,
    durationMinutes: row.durationMinutes,
    preferredWindows: row.preferredWindows,
    notes: row.notes,
    followUpOf: row.followUpOf,
    fiscalYear: row.fiscalYear,
    cancelReason: row.cancelReason,
    review: row.reviewedAt ? { at: row.reviewedAt.toISOString(), note: row.reviewNote } : null,
    sessions: sessionRows.map(presentSession),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Requests with their sessions, in one more query whatever the count. */
export async function loadRequests(q: Queryable, rows: RequestRow[]): Promise<RequestBody[]> {
  if (rows.length === 0) return [];
  const sessionRows = await q
    .select()
    .from(sessions)
    .where(
      inArray(
        sessions.requestId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(sessions.start));
  return rows.map((row) =>
    presentRequest(
      row,
      sessionRows.filter((s) => s.requestId === row.id),
    ),
  );
}

/**
 * The request if `principal` may see it: staff any, a company only its own. Anything else is
 * 404, so another tenant's id looks exactly like an unknown one.
 */
export async function requestFor(
  q: Queryable,
  principal: Principal,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<RequestRow> {
  mustBeVisible(principal, id);
  const query = q.select().from(requests).where(eq(requests.id, id));
  const [row] = await (options.forUpdate ? query.for('no key update') : query);
  if (!row) throw notFound('Request');
  return row;
}

const requestById = statement((q) =>
  q
    .select()
    .from(requests)
    .where(eq(requests.id, sql.placeholder('id'))),
);

const sessionsOf = statement((q) =>
  q
    .select()
    .from(sessions)
    .where(eq(sessions.requestId, sql.placeholder('id')))
    .orderBy(asc(sessions.start)),
);

/** One request as the API shows it, read in one round trip (the read path of every poll). */
export async function requestBodyFor(
  q: Queryable,
  principal: Principal,
  id: string,
): Promise<RequestBody> {
  mustBeVisible(principal, id);
  const [[row], sessionRows] = await Promise.all([requestById(q, { id }), sessionsOf(q, { id })]);
  if (!row) throw notFound('Request');
  return presentRequest(row, sessionRows);
}

/** Throws 404 unless `principal` may see request `id` at all (staff, or its company). */
export function mustBeVisible(principal: Principal, id: string): void {
  if (principal.role === 'expert') throw notFound('Request');
  if (principal.role === 'company' && principal.requestId !== id) throw notFound('Request');
}
