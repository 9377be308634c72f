import type { Attendance } from './attendance.ts';
import { decidedClaimStatuses, type TravelClaimStatus } from './travel-claim-lifecycle.ts';

// What the office pays for a visit comes in two items, each with its own life, written once as
// a table of allowed transitions:
//
//   fee:     waiting ──the company confirms the completed visit──▶ payable ──export──▶ paid
//   travel:  waiting ──staff approve or adjust the claim, and the ──▶ payable ──export──▶ paid
//                      visit is confirmed as for its fee
//
// An item is paid by the export of its visit's month that first finds it payable; a paid
// item's amount is frozen, and the database refuses to pay it again (payment_items' key).

export const paymentItemKinds = ['fee', 'travel'] as const;
export type PaymentItemKind = (typeof paymentItemKinds)[number];

export const paymentItemStatuses = ['waiting', 'payable', 'paid'] as const;
export type PaymentItemStatus = (typeof paymentItemStatuses)[number];

// An item becomes payable by facts elsewhere (feeStatus, travelStatus read them); exporting is
// the one step taken on the item itself.
export type PaymentItemAction = 'export';

const transitions: Record<
  PaymentItemAction,
  { from: readonly PaymentItemStatus[]; to: PaymentItemStatus }
> = {
  export: { from: ['payable'], to: 'paid' },
};

export function paymentItemTransition(
  action: PaymentItemAction,
  status: PaymentItemStatus,
): PaymentItemStatus | null {
  const rule = transitions[action];
  return rule.from.includes(status) ? rule.to : null;
}

/** Why a fee is not payable yet, as the staff pages say it. */
export type FeeWait = 'not-completed' | 'awaiting-confirmation' | 'disputed';

/** The fee's status: payable once the visit is completed and its attendance confirmed. */
export function feeStatus(visit: { status: string; attendance: Attendance; paid: boolean }): {
  status: PaymentItemStatus;
  waiting?: FeeWait;
} {
  if (visit.paid) return { status: 'paid' };
  if (visit.status !== 'completed') return { status: 'waiting', waiting: 'not-completed' };
  if (visit.attendance === 'disputed') return { status: 'waiting', waiting: 'disputed' };
  if (visit.attendance !== 'confirmed') {
    return { status: 'waiting', waiting: 'awaiting-confirmation' };
  }
  return { status: 'payable' };
}

/**
 * The travel's status: payable once staff have approved or adjusted the claim and the visit is
 * confirmed (only a visit that took place is paid for, travel included).
 */
export function travelStatus(claim: {
  status: TravelClaimStatus;
  paid: boolean;
  visitConfirmed: boolean;
}): PaymentItemStatus {
  if (claim.paid) return 'paid';
  return decidedClaimStatuses.includes(claim.status) && claim.visitConfirmed
    ? 'payable'
    : 'waiting';
}
