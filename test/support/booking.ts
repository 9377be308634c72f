import { eq, sql } from 'drizzle-orm';
import { sessions } from '../../src/db/schema.ts';
import type { Db } from '../../src/db/types.ts';
import { corporateNumberCheckDigit } from '../../src/domain/corporate-number.ts';
import type { Reply, TestApi } from './api.ts';
import { accept, apply, createExpert } from './fixtures.ts';
import { rowsOf } from './sql.ts';

/** An instant given as a Tokyo wall-clock date and time: jst('2026-12-02', '10:00'). */
export function jst(date: string, time: string): Date {
  return new Date(`${date}T${time}:00+09:00`);
}

export const iso = (instant: Date | number) => new Date(instant).toISOString();

let serial = 0;

/**
 * A valid 法人番号, different on every call in this process: a company of its own, so its
 * visits meet neither another test's quota nor its overlap constraint.
 */
export function corporateNumber(): string {
  serial += 1;
  const body = String(500_000_000_000 + serial);
  return `${corporateNumberCheckDigit(body)}${body}`;
}

/** Applies as a company of its own (unless `corporateNumber` is given), with `overrides`. */
export async function applyReceived(
  api: TestApi,
  overrides: Record<string, unknown> & { corporateNumber?: string } = {},
) {
  const { corporateNumber: number = corporateNumber(), ...rest } = overrides;
  return apply(api, {
    ...rest,
    company: {
      name: `株式会社テスト${number.slice(-4)}`,
      corporateNumber: number,
      industryCode: 'E24',
      prefectureCode: '23',
      employees: 120,
      capitalYen: 50_000_000,
    },
  });
}

/** applyReceived, then the office accepts it, so the company can book. */
export async function applyAs(
  api: TestApi,
  overrides: Record<string, unknown> & { corporateNumber?: string } = {},
) {
  const applied = await applyReceived(api, overrides);
  return { ...applied, request: await accept(api, applied.request.id) };
}

export type BookOptions = { token?: string | null; key?: string };

/** POST /v1/requests/:id/sessions as staff unless `token` says otherwise. */
export function book(
  api: TestApi,
  requestId: string,
  body: { expertId: string; start: Date | string },
  options: BookOptions = {},
): Promise<Reply> {
  return api.call('POST', `/v1/requests/${requestId}/sessions`, {
    token: options.token,
    body: { expertId: body.expertId, start: iso(new Date(body.start)) },
    headers: options.key ? { 'idempotency-key': options.key } : {},
  });
}

/** A booked visit: a new expert (unless given), a new company, staff books `start`. */
export async function bookedVisit(
  api: TestApi,
  start: Date,
  options: {
    expertId?: string;
    expert?: Record<string, unknown>;
    application?: Record<string, unknown> & { corporateNumber?: string };
  } = {},
) {
  const expertId = options.expertId ?? (await createExpert(api, options.expert)).id;
  const applied = await applyAs(api, options.application);
  const res = await book(api, applied.request.id, { expertId, start });
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${res.text}`);
  return {
    session: res.body as SessionBody,
    request: applied.request,
    companyToken: applied.accessToken,
    expertId,
  };
}

export type SessionBody = {
  id: string;
  requestId: string;
  expertId: string;
  companyId: string;
  start: string;
  end: string;
  format: 'onsite' | 'online';
  travelBufferMinutes: number;
  status: 'confirmed' | 'completed' | 'cancelled' | 'no_show';
  sequence: number;
  cancelReason: string | null;
  report: { topicsCovered: string[]; summary: string; followUpNeeded: boolean } | null;
};

/** The session's row as stored, or undefined. */
export async function sessionRow(db: Db, id: string) {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
  return row;
}

/** Sessions stored for a request. */
export async function sessionsOf(db: Db, requestId: string) {
  return db.select().from(sessions).where(eq(sessions.requestId, requestId));
}

const ACTIVE = sql.raw(`('confirmed', 'completed')`);

/**
 * Every breach of invariants 1–3 of PRODUCT.md found in the stored sessions, computed in SQL
 * independently of the application: pairs of active sessions of one expert whose blocked
 * ranges overlap, pairs of one company whose visits overlap, companies over the fiscal-year
 * quota, and experts over their monthly cap (months and fiscal years in Asia/Tokyo).
 */
export async function invariantBreaches(db: Db, visitsPerCompanyPerFy: number) {
  const [expertOverlaps, companyOverlaps, companyQuota, expertQuota] = await Promise.all([
    rowsOf(
      db,
      sql`select a.id as a, b.id as b, a.expert_id as expert
          from sessions a join sessions b
            on a.expert_id = b.expert_id and a.id < b.id
           and tstzrange(a.blocked_from, a.blocked_to) && tstzrange(b.blocked_from, b.blocked_to)
          where a.status in ${ACTIVE} and b.status in ${ACTIVE}`,
    ),
    rowsOf(
      db,
      sql`select a.id as a, b.id as b, a.company_id as company
          from sessions a join sessions b
            on a.company_id = b.company_id and a.id < b.id
           and tstzrange(a.start_at, a.end_at) && tstzrange(b.start_at, b.end_at)
          where a.status in ${ACTIVE} and b.status in ${ACTIVE}`,
    ),
    rowsOf(
      db,
      sql`select company_id as company,
                 extract(year from (start_at at time zone 'Asia/Tokyo') - interval '3 months')::int
                   as fiscal_year,
                 count(*)::int as visits
          from sessions where status in ${ACTIVE}
          group by 1, 2 having count(*) > ${visitsPerCompanyPerFy}`,
    ),
    rowsOf(
      db,
      sql`select s.expert_id as expert,
                 to_char(s.start_at at time zone 'Asia/Tokyo', 'YYYY-MM') as month,
                 count(*)::int as visits, max(e.max_visits_per_month) as cap
          from sessions s join experts e on e.id = s.expert_id
          where s.status in ${ACTIVE}
          group by 1, 2 having count(*) > max(e.max_visits_per_month)`,
    ),
  ]);
  return { expertOverlaps, companyOverlaps, companyQuota, expertQuota };
}

export const noBreaches = {
  expertOverlaps: [],
  companyOverlaps: [],
  companyQuota: [],
  expertQuota: [],
};

/** How many replies had each `status code` (e.g. {'201': 1, '409 slot-taken': 49}). */
export function tally(replies: readonly { status: number; body?: unknown }[]) {
  const out: Record<string, number> = {};
  for (const r of replies) {
    const code = (r.body as { code?: string } | undefined)?.code;
    const key = r.status < 300 ? `${r.status}` : `${r.status} ${code ?? '?'}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
