import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  experts,
  paymentItems,
  payments,
  requests,
  sessions,
  travelClaims,
} from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import type { Attendance } from '../../domain/attendance.ts';
import type { FeeRates } from '../../domain/fees.ts';
import { type MonthSettlement, settleMonth } from '../../domain/payment.ts';
import {
  type FeeWait,
  feeStatus,
  type PaymentItemStatus,
  travelStatus,
} from '../../domain/payment-lifecycle.ts';
import { tokyoMonthKey } from '../../domain/time.ts';
import type { TravelClaimStatus } from '../../domain/travel-claim-lifecycle.ts';

// Where each visit of a period stands with the money: from the rows (the visit, its claim,
// what was paid for it) to each expert's settlement of each month (domain/payment.ts). The
// payments report, the export and the budget read it, so they agree to the yen.

/** A booked or completed visit with what its money needs. */
export type VisitFacts = {
  sessionId: string;
  expertId: string;
  requestId: string;
  companyName: string;
  start: Date;
  end: Date;
  actualStart: Date | null;
  actualEnd: Date | null;
  format: 'onsite' | 'online';
  status: 'confirmed' | 'completed';
  attendance: Attendance;
  attendanceComment: string | null;
  claim: {
    id: string;
    status: TravelClaimStatus;
    claimedYen: number;
    approvedYen: number | null;
  } | null;
  paidFee: { day: string; units: number; amountYen: number } | null;
  paidTravelYen: number | null;
};

const feeItems = alias(paymentItems, 'fee_items');
const travelItems = alias(paymentItems, 'travel_items');

/** The active visits starting in [from, to), with their claims and what was paid for them. */
export async function loadVisitFacts(
  q: Queryable,
  range: { start: Date; end: Date },
): Promise<VisitFacts[]> {
  const rows = await q
    .select({
      session: sessions,
      companyName: requests.companyName,
      claim: {
        id: travelClaims.id,
        status: travelClaims.status,
        claimedYen: travelClaims.claimedYen,
        approvedYen: travelClaims.approvedYen,
      },
      feeItem: { day: feeItems.day, units: feeItems.units, amountYen: feeItems.amountYen },
      travelYen: travelItems.amountYen,
    })
    .from(sessions)
    .innerJoin(requests, eq(requests.id, sessions.requestId))
    .leftJoin(travelClaims, eq(travelClaims.sessionId, sessions.id))
    .leftJoin(feeItems, and(eq(feeItems.sessionId, sessions.id), eq(feeItems.kind, 'fee')))
    .leftJoin(
      travelItems,
      and(eq(travelItems.sessionId, sessions.id), eq(travelItems.kind, 'travel')),
    )
    .where(
      and(
        gte(sessions.start, range.start),
        lt(sessions.start, range.end),
        inArray(sessions.status, ['confirmed', 'completed']),
      ),
    )
    .orderBy(sessions.start, sessions.id);
  return rows.map(({ session, companyName, claim, feeItem, travelYen }) => ({
    sessionId: session.id,
    expertId: session.expertId,
    requestId: session.requestId,
    companyName,
    start: session.start,
    end: session.end,
    actualStart: session.actualStart,
    actualEnd: session.actualEnd,
    format: session.format,
    status: session.status as 'confirmed' | 'completed',
    attendance: session.attendance,
    attendanceComment: session.attendanceComment,
    claim: claim?.id ? claim : null,
    paidFee: feeItem?.day ? feeItem : null,
    paidTravelYen: travelYen,
  }));
}

export type ExpertFacts = { id: string; name: string; feeExempt: boolean; hasBankAccount: boolean };

export async function loadExperts(
  q: Queryable,
  ids: readonly string[],
): Promise<Map<string, ExpertFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await q
    .select({
      id: experts.id,
      name: experts.name,
      feeExempt: experts.feeExempt,
      hasBankAccount: sql<boolean>`exists (select 1 from expert_bank_accounts b where b.expert_id = ${experts.id})`,
    })
    .from(experts)
    .where(inArray(experts.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** What earlier exports withheld, by expert and month ('expertId month'). */
export async function loadWithheld(
  q: Queryable,
  months: readonly string[],
): Promise<Map<string, number>> {
  if (months.length === 0) return new Map();
  const rows = await q
    .select({
      expertId: payments.expertId,
      month: payments.month,
      withheld: sql<number>`sum(${payments.withholdingYen})::int`,
    })
    .from(payments)
    .where(inArray(payments.month, [...months]))
    .groupBy(payments.expertId, payments.month);
  return new Map(rows.map((r) => [`${r.expertId} ${r.month}`, Number(r.withheld)]));
}

/** One visit's line in a statement: its fee and travel, each with where it stands. */
export type VisitLine = {
  visit: VisitFacts;
  fee: {
    status: PaymentItemStatus;
    waiting?: FeeWait;
    units: number | null;
    feeYen: number | null;
  };
  travel: { status: PaymentItemStatus; amountYen: number } | null;
};

export type ExpertMonth = {
  expert: ExpertFacts;
  month: string;
  settlement: MonthSettlement;
  lines: VisitLine[];
};

/**
 * Every expert's settlement of every month the visits fall in (the Tokyo month of the visit,
 * which its actual start shares), completed visits only.
 */
export function settle(
  visits: readonly VisitFacts[],
  expertsById: ReadonlyMap<string, ExpertFacts>,
  withheld: ReadonlyMap<string, number>,
  rates: FeeRates,
): ExpertMonth[] {
  const groups = new Map<string, VisitFacts[]>();
  for (const visit of visits) {
    if (visit.status !== 'completed') continue;
    const key = `${visit.expertId} ${tokyoMonthKey(visit.start)}`;
    groups.set(key, [...(groups.get(key) ?? []), visit]);
  }
  return [...groups].map(([key, group]) => {
    const [expertId = '', month = ''] = key.split(' ');
    const expert = expertsById.get(expertId);
    if (!expert) throw new Error(`visit of an unknown expert ${expertId}`);
    const statuses = group.map((visit) => {
      const fee = feeStatus({ ...visit, paid: visit.paidFee !== null });
      const confirmed = visit.attendance === 'confirmed';
      const travel = visit.claim
        ? travelStatus({
            status: visit.claim.status,
            paid: visit.paidTravelYen !== null,
            visitConfirmed: confirmed,
          })
        : null;
      return { visit, fee, travel };
    });
    const settlement = settleMonth(
      month,
      {
        fees: group.flatMap((v) =>
          v.paidFee
            ? [
                {
                  id: v.sessionId,
                  day: v.paidFee.day,
                  units: v.paidFee.units,
                  feeYen: v.paidFee.amountYen,
                },
              ]
            : [],
        ),
        travelYen: group.reduce((sum, v) => sum + (v.paidTravelYen ?? 0), 0),
        withholdingYen: withheld.get(key) ?? 0,
      },
      {
        visits: statuses.flatMap(({ visit, fee }) =>
          fee.status === 'payable' && visit.actualStart && visit.actualEnd
            ? [{ id: visit.sessionId, actualStart: visit.actualStart, actualEnd: visit.actualEnd }]
            : [],
        ),
        travel: statuses.flatMap(({ visit, travel }) =>
          travel === 'payable' && visit.claim
            ? [{ id: visit.sessionId, travelYen: visit.claim.approvedYen ?? 0 }]
            : [],
        ),
      },
      rates,
      expert,
    );
    const dueFees = new Map(settlement.fees.map((f) => [f.id, f]));
    const lines: VisitLine[] = statuses.map(({ visit, fee, travel }) => {
      const due = dueFees.get(visit.sessionId);
      return {
        visit,
        fee: {
          ...fee,
          units: visit.paidFee?.units ?? due?.units ?? null,
          feeYen: visit.paidFee?.amountYen ?? due?.feeYen ?? null,
        },
        travel:
          travel && visit.claim
            ? {
                status: travel,
                amountYen: visit.paidTravelYen ?? visit.claim.approvedYen ?? visit.claim.claimedYen,
              }
            : null,
      };
    });
    return { expert, month, settlement, lines };
  });
}

/** Every expert-month of the visits in `range`, as `settle` gives them. */
export async function settlements(
  q: Queryable,
  range: { start: Date; end: Date },
  rates: FeeRates,
): Promise<{
  visits: VisitFacts[];
  experts: Map<string, ExpertFacts>;
  months: ExpertMonth[];
}> {
  const visits = await loadVisitFacts(q, range);
  const monthKeys = [...new Set(visits.map((v) => tokyoMonthKey(v.start)))];
  const [expertsById, withheld] = await Promise.all([
    loadExperts(q, [...new Set(visits.map((v) => v.expertId))]),
    loadWithheld(q, monthKeys),
  ]);
  return { visits, experts: expertsById, months: settle(visits, expertsById, withheld, rates) };
}
