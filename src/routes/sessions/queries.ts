import { and, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { EXCLUSION_VIOLATION, sqlState } from '../../db/errors.ts';
import {
  busyBlocks,
  certifications,
  companies,
  dateOverrides,
  experts,
  requests,
  sessions,
  weeklyHours,
} from '../../db/schema.ts';
import { statement } from '../../db/statement.ts';
import { together } from '../../db/together.ts';
import type { Queryable, Tx } from '../../db/types.ts';
import { MAX_DURATION_MINUTES, MAX_TRAVEL_BUFFER_MINUTES } from '../../domain/booking.ts';
import {
  fiscalYearOf,
  fiscalYearRange,
  MINUTE_MS,
  tokyoDate,
  tokyoMonthRange,
} from '../../domain/time.ts';
import type { Principal } from '../../http/context.ts';
import { ApiError, notFound } from '../../http/errors.ts';

type SessionRow = typeof sessions.$inferSelect;
type RequestRow = typeof requests.$inferSelect;

const ACTIVE = ['confirmed', 'completed'] as const;

/**
 * The session if `principal` may see it: staff any, an expert their own, a company those of
 * its request. Anything else is 404, like an unknown id.
 */
export async function sessionFor(
  q: Queryable,
  principal: Principal,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SessionRow> {
  const query = q.select().from(sessions).where(eq(sessions.id, id));
  const [row] = await (options.forUpdate ? query.for('no key update') : query);
  if (
    !row ||
    (principal.role === 'expert' && row.expertId !== principal.expertId) ||
    (principal.role === 'company' && row.requestId !== principal.requestId)
  ) {
    throw notFound('Session');
  }
  return row;
}

export type ExpertRow = typeof experts.$inferSelect;
export type Parties = {
  corporateNumber: string | null;
  /** What accredited bodies have recorded with the company: their experts may not visit. */
  certifications: { bodyId: string; status: 'auditing' | 'certified' }[];
  expert: ExpertRow;
};

/** What a slot's check reads: the expert's hours around it, and the two quota counts. */
export type SlotFacts = {
  weekly: (typeof weeklyHours.$inferSelect)[];
  overrides: (typeof dateOverrides.$inferSelect)[];
  busy: { start: Date; end: Date }[];
  companyVisitsInFiscalYear: number;
  expertVisitsInMonth: number;
};

const placeholder = sql.placeholder;
const counted = and(
  inArray(sessions.status, [...ACTIVE]),
  sql`${sessions.id} is distinct from ${placeholder('replacing')}`,
);
const lockRequest = statement((q) =>
  q
    .select()
    .from(requests)
    .where(eq(requests.id, placeholder('requestId')))
    .for('no key update'),
);
const lockCompany = statement((q) =>
  q
    .select({ corporateNumber: companies.corporateNumber })
    .from(companies)
    .where(
      eq(
        companies.id,
        q
          .select({ id: requests.companyId })
          .from(requests)
          .where(eq(requests.id, placeholder('requestId'))),
      ),
    )
    .for('no key update'),
);
const lockExpert = statement((q) =>
  q
    .select()
    .from(experts)
    .where(eq(experts.id, placeholder('expertId')))
    .for('no key update'),
);
const weeklyOf = statement((q) =>
  q
    .select()
    .from(weeklyHours)
    .where(eq(weeklyHours.expertId, placeholder('expertId'))),
);
const overridesNear = statement((q) =>
  q
    .select()
    .from(dateOverrides)
    .where(
      and(
        eq(dateOverrides.expertId, placeholder('expertId')),
        gte(dateOverrides.date, placeholder('fromDate')),
        lte(dateOverrides.date, placeholder('toDate')),
      ),
    ),
);
const busyNear = statement((q) =>
  q
    .select({ start: busyBlocks.start, end: busyBlocks.end })
    .from(busyBlocks)
    .where(
      and(
        eq(busyBlocks.expertId, placeholder('expertId')),
        lt(busyBlocks.start, placeholder('to')),
        gt(busyBlocks.end, placeholder('from')),
      ),
    ),
);
const companyVisits = statement((q) =>
  q
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(
      and(
        eq(
          sessions.companyId,
          q
            .select({ id: requests.companyId })
            .from(requests)
            .where(eq(requests.id, placeholder('requestId'))),
        ),
        counted,
        gte(sessions.start, placeholder('fyStart')),
        lt(sessions.start, placeholder('fyEnd')),
      ),
    ),
);
const companyCertifications = statement((q) =>
  q
    .select({ bodyId: certifications.bodyId, status: certifications.status })
    .from(certifications)
    .where(
      eq(
        certifications.companyId,
        q
          .select({ id: requests.companyId })
          .from(requests)
          .where(eq(requests.id, placeholder('requestId'))),
      ),
    ),
);
const expertVisits = statement((q) =>
  q
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(
      and(
        eq(sessions.expertId, placeholder('expertId')),
        counted,
        gte(sessions.start, placeholder('monthStart')),
        lt(sessions.start, placeholder('monthEnd')),
      ),
    ),
);

/**
 * Locks the request, its company and the expert, in that order (every booking and
 * reschedule takes them in it, so concurrent ones cannot deadlock), and reads what checking
 * the slot needs. All of it goes out at once, one round trip: Postgres runs pipelined
 * statements one after another, so the counts are taken once the locks are held and see
 * every visit committed before them (invariant 3). The reads cover the longest visit and
 * travel buffer there can be around `start`, since the request and expert are read here too.
 * The locks are FOR NO KEY UPDATE, what an UPDATE of these rows takes: they exclude each
 * other, but not the key-share locks of foreign-key checks (a follow-up request being filed
 * for the request, an outbox row for its visit), which need not wait for a booking.
 */
export async function lockForSlot(
  tx: Tx,
  target: { requestId: string; expertId: string; start: Date; replacing?: string },
): Promise<{
  request: RequestRow | undefined;
  parties: Omit<Parties, 'expert'> & { expert: ExpertRow | undefined };
  facts: SlotFacts;
}> {
  const { requestId, expertId, start } = target;
  const from = new Date(start.getTime() - MAX_TRAVEL_BUFFER_MINUTES * MINUTE_MS);
  const to = new Date(
    start.getTime() + (MAX_DURATION_MINUTES + MAX_TRAVEL_BUFFER_MINUTES) * MINUTE_MS,
  );
  const fy = fiscalYearRange(fiscalYearOf(start.getTime()));
  const month = tokyoMonthRange(start.getTime());
  const iso = (d: Date) => d.toISOString();
  const replacing = target.replacing ?? null;
  const [
    ,
    [request],
    [company],
    [expert],
    weekly,
    overrides,
    busy,
    [companyUse],
    [expertUse],
    certified,
  ] = await together(
    // The connection plans each statement for its parameters (src/db/postgres.ts); these
    // and the booking's writes look rows up by key, where a plan made once does as well,
    // and planning them each time was a third of Postgres' work per booking.
    tx.execute(sql`set local plan_cache_mode = auto`),
    lockRequest(tx, { requestId }),
    lockCompany(tx, { requestId }),
    lockExpert(tx, { expertId }),
    weeklyOf(tx, { expertId }),
    overridesNear(tx, { expertId, fromDate: tokyoDate(from), toDate: tokyoDate(to) }),
    busyNear(tx, { expertId, from: iso(from), to: iso(to) }),
    companyVisits(tx, { requestId, replacing, fyStart: iso(fy.start), fyEnd: iso(fy.end) }),
    expertVisits(tx, {
      expertId,
      replacing,
      monthStart: iso(month.start),
      monthEnd: iso(month.end),
    }),
    companyCertifications(tx, { requestId }),
  );
  return {
    request,
    parties: {
      corporateNumber: company?.corporateNumber ?? null,
      certifications: certified,
      expert,
    },
    facts: {
      weekly,
      overrides,
      busy,
      companyVisitsInFiscalYear: Number(companyUse?.n ?? 0),
      expertVisitsInMonth: Number(expertUse?.n ?? 0),
    },
  };
}

/** Runs a write that may collide with another visit; the constraint's verdict becomes a 409. */
export async function claimingSlot<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (sqlState(error) === EXCLUSION_VIOLATION) {
      throw new ApiError(
        'slot-taken',
        'The expert or the company already has a visit at that time',
      );
    }
    throw error;
  }
}
