// The life of a request (申込), written once as a table of allowed transitions; routes, pages
// and tests read it from here.
//
//   received ──accept──▶ accepted ──book──▶ scheduled ──visit completed──▶ completed
//      │                    ▲                   │
//      ├──decline──▶ declined                   └──visit cancelled or missed──▶ accepted
//      └──────────── cancel (from received, accepted or scheduled) ──▶ cancelled
//
// The office reviews every application (審査・派遣決定) before a visit can be booked: a company
// books only an accepted request; staff booking a received one accept it in the same step.

export const requestStatuses = [
  'received',
  'accepted',
  'declined',
  'scheduled',
  'completed',
  'cancelled',
] as const;
export type RequestStatus = (typeof requestStatuses)[number];

export type RequestAction =
  | 'accept'
  | 'decline'
  | 'book'
  | 'cancel'
  | 'visit-completed'
  | 'visit-dropped';

const transitions: Record<RequestAction, { from: readonly RequestStatus[]; to: RequestStatus }> = {
  accept: { from: ['received'], to: 'accepted' },
  decline: { from: ['received'], to: 'declined' },
  book: { from: ['accepted'], to: 'scheduled' },
  cancel: { from: ['received', 'accepted', 'scheduled'], to: 'cancelled' },
  'visit-completed': { from: ['scheduled'], to: 'completed' },
  // A cancelled or missed visit leaves the request accepted, so it can be booked again.
  'visit-dropped': { from: ['scheduled'], to: 'accepted' },
};

/** Where `action` takes a request in `status`, or null when it is not allowed from there. */
export function requestTransition(
  action: RequestAction,
  status: RequestStatus,
): RequestStatus | null {
  const rule = transitions[action];
  return rule.from.includes(status) ? rule.to : null;
}

/** The statuses `action` is allowed from. */
export function allowedFrom(action: RequestAction): readonly RequestStatus[] {
  return transitions[action].from;
}

/** Statuses of a request the office has taken on: it is linked to its company record. */
export const acceptedStatuses: readonly RequestStatus[] = ['accepted', 'scheduled', 'completed'];

/** A request still waiting for something to happen (a decision, a booking or its visit). */
export const openStatuses: readonly RequestStatus[] = ['received', 'accepted', 'scheduled'];
