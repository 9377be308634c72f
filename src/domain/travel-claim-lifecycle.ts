// The life of a travel claim (旅費請求), written once as a table of allowed transitions.
//
//   submitted ──approve──▶ approved
//       │ ▲
//       │ └─ edit (the expert, until staff decide)
//       └────adjust (less, with a reason)──▶ adjusted
//
// A decision is final: it is what the expert is told and what the payment takes.

export const travelClaimStatuses = ['submitted', 'approved', 'adjusted'] as const;
export type TravelClaimStatus = (typeof travelClaimStatuses)[number];

export type TravelClaimAction = 'edit' | 'approve' | 'adjust';

const transitions: Record<
  TravelClaimAction,
  { from: readonly TravelClaimStatus[]; to: TravelClaimStatus }
> = {
  edit: { from: ['submitted'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  adjust: { from: ['submitted'], to: 'adjusted' },
};

/** Where `action` takes a claim in `status`, or null when it is not allowed from there. */
export function travelClaimTransition(
  action: TravelClaimAction,
  status: TravelClaimStatus,
): TravelClaimStatus | null {
  const rule = transitions[action];
  return rule.from.includes(status) ? rule.to : null;
}

/** Statuses whose amount the office has agreed to pay. */
export const decidedClaimStatuses: readonly TravelClaimStatus[] = ['approved', 'adjusted'];
