import type { TestApi } from './api.ts';
import { application, applyAccepted, createExpert, expert, weekdays9to17 } from './fixtures.ts';
import { allAt, survey } from './outcomes.ts';
import { issueToken } from './tokens.ts';

/** Real ids and tokens for the routes table to aim at. */
export type RouteContext = {
  expertId: string;
  requestId: string;
  /** The company record of the request, which the office accepted. */
  companyId: string;
  tokenId: string;
  companyToken: string;
  expertToken: string;
};

export async function routeContext(api: TestApi): Promise<RouteContext> {
  const applied = await applyAccepted(api);
  const expertId = (await createExpert(api)).id;
  const expertToken = await issueToken(api, { role: 'expert', expertId });
  const spare = await issueToken(api, { role: 'staff' });
  return {
    expertId,
    requestId: applied.request.id,
    companyId: applied.request.company.id,
    tokenId: spare.id,
    companyToken: applied.accessToken,
    expertToken: expertToken.token,
  };
}

export type RouteSpec = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As /openapi.json writes it. */
  path: string;
  /** Whose token the route is for; 'none' is public. */
  as: 'none' | 'staff' | 'expert' | 'company';
  /** The id `{id}` stands for, when the path has one. */
  id?: (ctx: RouteContext) => string;
  /** A body the route accepts. */
  body?: (api: TestApi, ctx: RouteContext) => Record<string, unknown>;
  /** One field given the wrong JSON type, and the path the error must name. */
  wrongType?: { field: string; value: unknown };
  /** A free-text field of the body, for the character-level cases. */
  textField?: string;
  /** A bad query parameter and the path the error must name. */
  badQuery?: { query: string; path: string };
  /** Why the valid body is not sent for real (it would need a session, or the network). */
  notSent?: string;
};

const future = (api: TestApi, days: number) =>
  new Date(api.now().getTime() + days * 24 * 3600_000).toISOString();

/** Every route of the API; the bad-input suite checks this against /openapi.json. */
export const routes: RouteSpec[] = [
  { method: 'GET', path: '/health', as: 'none' },
  { method: 'GET', path: '/openapi.json', as: 'none' },
  { method: 'GET', path: '/docs', as: 'none' },
  { method: 'GET', path: '/v1/taxonomy', as: 'none' },
  {
    method: 'POST',
    path: '/v1/requests',
    as: 'none',
    body: (api) => application(api),
    wrongType: { field: 'durationMinutes', value: '120' },
    textField: 'notes',
  },
  {
    method: 'GET',
    path: '/v1/requests',
    as: 'staff',
    badQuery: { query: 'limit=-1', path: 'limit' },
  },
  { method: 'GET', path: '/v1/requests/{id}', as: 'staff', id: (ctx) => ctx.requestId },
  {
    method: 'POST',
    path: '/v1/requests/{id}/access-token',
    as: 'staff',
    id: (ctx) => ctx.requestId,
  },
  {
    method: 'POST',
    path: '/v1/requests/{id}/accept',
    as: 'staff',
    id: (ctx) => ctx.requestId,
    body: () => ({ note: '工場で実施します。' }),
    wrongType: { field: 'note', value: 7 },
    textField: 'note',
    notSent: 'the request is accepted already; the review suite decides requests',
  },
  {
    method: 'POST',
    path: '/v1/requests/{id}/decline',
    as: 'staff',
    id: (ctx) => ctx.requestId,
    body: () => ({ reason: '対象外の業種のため' }),
    wrongType: { field: 'reason', value: ['a'] },
    textField: 'reason',
    notSent: 'the request is accepted already; the review suite decides requests',
  },
  {
    method: 'POST',
    path: '/v1/requests/{id}/cancel',
    as: 'company',
    id: (ctx) => ctx.requestId,
    body: () => ({ reason: 'no longer needed' }),
    wrongType: { field: 'reason', value: 42 },
    textField: 'reason',
  },
  {
    method: 'GET',
    path: '/v1/requests/{id}/matches',
    as: 'staff',
    id: (ctx) => ctx.requestId,
    badQuery: { query: 'slotsPerExpert=0', path: 'slotsPerExpert' },
  },
  { method: 'GET', path: '/v1/requests/{id}/slots', as: 'company', id: (ctx) => ctx.requestId },
  {
    method: 'POST',
    path: '/v1/requests/{id}/sessions',
    as: 'staff',
    id: (ctx) => ctx.requestId,
    body: (api, ctx) => ({ expertId: ctx.expertId, start: future(api, 8) }),
    wrongType: { field: 'start', value: 1_800_000_000 },
    notSent: 'booking is covered by the booking suites',
  },
  { method: 'GET', path: '/v1/sessions/{id}', as: 'staff' },
  { method: 'GET', path: '/v1/sessions/{id}/calendar.ics', as: 'staff' },
  { method: 'GET', path: '/v1/sessions/{id}/slots', as: 'staff' },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/cancel',
    as: 'staff',
    body: () => ({ reason: 'weather' }),
    wrongType: { field: 'reason', value: false },
    textField: 'reason',
    notSent: 'needs a session',
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/reschedule',
    as: 'staff',
    body: (api) => ({ start: future(api, 9) }),
    wrongType: { field: 'start', value: { at: 'tomorrow' } },
    notSent: 'needs a session',
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/report',
    as: 'staff',
    body: () => ({ topicsCovered: ['identify'], summary: '実施', followUpNeeded: false }),
    wrongType: { field: 'followUpNeeded', value: 'no' },
    textField: 'summary',
    notSent: 'needs a session',
  },
  { method: 'POST', path: '/v1/sessions/{id}/no-show', as: 'staff' },
  { method: 'GET', path: '/v1/sessions/{id}/survey', as: 'company' },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/survey',
    as: 'company',
    body: () => survey(),
    wrongType: { field: 'satisfaction', value: '5' },
    textField: 'comment',
    notSent: 'needs a completed visit; the survey suite answers surveys',
  },
  {
    method: 'GET',
    path: '/v1/requests/{id}/readiness',
    as: 'company',
    id: (ctx) => ctx.requestId,
  },
  {
    method: 'PUT',
    path: '/v1/requests/{id}/readiness',
    as: 'company',
    id: (ctx) => ctx.requestId,
    body: () => ({ phase: 'before', levels: allAt(1) }),
    wrongType: { field: 'phase', value: 1 },
    notSent: 'the cancel route’s case withdraws the request; the readiness suite gives readiness',
  },
  { method: 'GET', path: '/v1/companies/{id}', as: 'staff', id: (ctx) => ctx.companyId },
  {
    method: 'POST',
    path: '/v1/companies/{id}/certifications',
    as: 'staff',
    id: (ctx) => ctx.companyId,
    body: () => ({ date: '2026-10-01', bodyId: 'jqa', number: 'TIM-0001' }),
    wrongType: { field: 'status', value: true },
    textField: 'number',
  },
  {
    method: 'PUT',
    path: '/v1/sessions/{id}/meeting-url',
    as: 'staff',
    body: () => ({ url: 'https://meet.example.jp/abc' }),
    wrongType: { field: 'url', value: 7 },
    notSent: 'needs a session',
  },
  {
    method: 'GET',
    path: '/v1/me/sessions',
    as: 'expert',
    badQuery: { query: 'from=yesterday', path: 'from' },
  },
  {
    method: 'GET',
    path: '/v1/experts/{id}/sessions',
    as: 'staff',
    id: (ctx) => ctx.expertId,
    badQuery: { query: 'order=sideways', path: 'order' },
  },
  {
    method: 'POST',
    path: '/v1/experts',
    as: 'staff',
    body: () => expert(),
    wrongType: { field: 'maxVisitsPerMonth', value: '8' },
    textField: 'name',
  },
  {
    method: 'GET',
    path: '/v1/experts',
    as: 'staff',
    badQuery: { query: 'limit=many', path: 'limit' },
  },
  { method: 'GET', path: '/v1/experts/{id}', as: 'staff', id: (ctx) => ctx.expertId },
  {
    method: 'PATCH',
    path: '/v1/experts/{id}',
    as: 'staff',
    id: (ctx) => ctx.expertId,
    body: () => ({ affiliation: '新所属' }),
    wrongType: { field: 'active', value: 'false' },
    textField: 'affiliation',
  },
  {
    method: 'PUT',
    path: '/v1/experts/{id}/availability',
    as: 'staff',
    id: (ctx) => ctx.expertId,
    body: () => ({ weekly: weekdays9to17, overrides: [] }),
    wrongType: { field: 'weekly', value: { monday: '09:00-17:00' } },
  },
  {
    method: 'POST',
    path: '/v1/tokens',
    as: 'staff',
    body: (_, ctx) => ({ role: 'expert', expertId: ctx.expertId }),
    wrongType: { field: 'label', value: ['a'] },
    textField: 'label',
  },
  {
    method: 'GET',
    path: '/v1/tokens',
    as: 'staff',
    badQuery: { query: 'role=feed', path: 'role' },
  },
  { method: 'DELETE', path: '/v1/tokens/{id}', as: 'staff', id: (ctx) => ctx.tokenId },
  {
    method: 'POST',
    path: '/v1/experts/{id}/invitations',
    as: 'staff',
    id: (ctx) => ctx.expertId,
  },
  {
    method: 'POST',
    path: '/v1/sign-in-links',
    as: 'none',
    body: () => ({ email: 'sato@example.jp' }),
    wrongType: { field: 'email', value: 42 },
  },
  {
    method: 'POST',
    path: '/v1/experts/{id}/feed/rotate',
    as: 'staff',
    id: (ctx) => ctx.expertId,
  },
  { method: 'GET', path: '/v1/me', as: 'expert' },
  {
    method: 'PUT',
    path: '/v1/me/availability',
    as: 'expert',
    body: () => ({ weekly: weekdays9to17 }),
    wrongType: { field: 'overrides', value: 'none' },
  },
  { method: 'GET', path: '/v1/me/feed', as: 'expert' },
  { method: 'POST', path: '/v1/me/feed/rotate', as: 'expert' },
  { method: 'GET', path: '/feeds/{file}', as: 'none' },
  {
    method: 'POST',
    path: '/v1/me/calendar-feeds',
    as: 'expert',
    body: () => ({ url: 'https://calendar.example.jp/private/basic.ics' }),
    wrongType: { field: 'url', value: ['https://calendar.example.jp/a.ics'] },
    notSent: 'it would fetch the URL',
  },
  { method: 'GET', path: '/v1/me/calendar-feeds', as: 'expert' },
  { method: 'POST', path: '/v1/me/calendar-feeds/{id}/sync', as: 'expert' },
  { method: 'DELETE', path: '/v1/me/calendar-feeds/{id}', as: 'expert' },
  {
    method: 'GET',
    path: '/v1/reports/utilisation',
    as: 'staff',
    badQuery: { query: 'fiscalYear=1988', path: 'fiscalYear' },
  },
  {
    method: 'GET',
    path: '/v1/reports/usage',
    as: 'staff',
    badQuery: { query: 'to=twenty', path: 'to' },
  },
  {
    method: 'GET',
    path: '/v1/reports/outcomes',
    as: 'staff',
    badQuery: { query: 'breakdown=everything', path: 'breakdown' },
  },
  {
    method: 'GET',
    path: '/v1/audit',
    as: 'staff',
    badQuery: { query: 'entityType=everything', path: 'entityType' },
  },
  {
    method: 'POST',
    path: '/v1/webhooks',
    as: 'staff',
    body: () => ({ url: 'https://crm.example.jp/hooks/haken', events: ['session.booked'] }),
    wrongType: { field: 'events', value: 'session.booked' },
    textField: 'description',
  },
  { method: 'GET', path: '/v1/webhooks', as: 'staff' },
  { method: 'DELETE', path: '/v1/webhooks/{id}', as: 'staff' },
  { method: 'POST', path: '/v1/webhooks/{id}/rotate-secret', as: 'staff' },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}/deliveries',
    as: 'staff',
    badQuery: { query: 'status=lost', path: 'status' },
  },
  { method: 'POST', path: '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', as: 'staff' },
  { method: 'POST', path: '/v1/notifications/{id}/redeliver', as: 'staff' },
  {
    method: 'GET',
    path: '/v1/notifications',
    as: 'staff',
    badQuery: { query: 'kind=pigeon', path: 'kind' },
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/attendance',
    as: 'staff',
    body: () => ({ agree: true, comment: '電話で先方に実施を確認' }),
    wrongType: { field: 'agree', value: 'yes' },
    textField: 'comment',
    notSent: 'needs a completed visit; the attendance suite confirms visits',
  },
  { method: 'GET', path: '/v1/fees/{fiscalYear}', as: 'staff', id: () => '2026' },
  {
    method: 'PUT',
    path: '/v1/fees/{fiscalYear}',
    as: 'staff',
    id: () => '2027',
    body: () => ({
      hourlyRateYen: 5_150,
      unitMinutes: 30,
      dailyCapYen: 30_900,
      withholdingBp: 1_021,
      withholdingAboveBp: 2_042,
      withholdingThresholdYen: 1_000_000,
      withholdTravel: false,
      dailyAllowanceYen: 2_600,
      lodgingCapYen: 10_900,
      travelEstimateYen: 6_000,
    }),
    wrongType: { field: 'unitMinutes', value: '30' },
  },
  { method: 'GET', path: '/v1/budget/{fiscalYear}', as: 'staff', id: () => '2026' },
  {
    method: 'PUT',
    path: '/v1/budget/{fiscalYear}',
    as: 'staff',
    id: () => '2027',
    body: () => ({ amountYen: 50_000_000, intakeClosesOn: '2028-01-31' }),
    wrongType: { field: 'amountYen', value: '50000000' },
  },
  { method: 'GET', path: '/v1/intake', as: 'none' },
  { method: 'GET', path: '/v1/experts/{id}/bank-account', as: 'staff', id: (ctx) => ctx.expertId },
  {
    method: 'PUT',
    path: '/v1/experts/{id}/bank-account',
    as: 'staff',
    id: (ctx) => ctx.expertId,
    body: () => bankAccount,
    wrongType: { field: 'accountType', value: 1 },
    textField: 'holderName',
  },
  { method: 'GET', path: '/v1/me/bank-account', as: 'expert' },
  {
    method: 'PUT',
    path: '/v1/me/bank-account',
    as: 'expert',
    body: () => bankAccount,
    wrongType: { field: 'accountNumber', value: 1234567 },
    textField: 'holderName',
  },
  {
    method: 'POST',
    path: '/v1/me/travel-claims',
    as: 'expert',
    body: () => ({ sessionId: crypto.randomUUID(), legs: [travelLeg], allowanceYen: 0 }),
    wrongType: { field: 'allowanceYen', value: '0' },
    notSent: 'needs a completed on-site visit; the travel-claims suite files claims',
  },
  {
    method: 'GET',
    path: '/v1/me/travel-claims',
    as: 'expert',
    badQuery: { query: 'limit=0', path: 'limit' },
  },
  { method: 'GET', path: '/v1/me/travel-claims/{id}', as: 'expert' },
  {
    method: 'PUT',
    path: '/v1/me/travel-claims/{id}',
    as: 'expert',
    body: () => ({ legs: [travelLeg], lodgingYen: 0 }),
    wrongType: { field: 'lodgingYen', value: null },
    notSent: 'needs a claim',
  },
  { method: 'POST', path: '/v1/me/travel-claims/{id}/receipts', as: 'expert' },
  { method: 'GET', path: '/v1/me/travel-claims/{id}/receipts/{receiptId}', as: 'expert' },
  { method: 'DELETE', path: '/v1/me/travel-claims/{id}/receipts/{receiptId}', as: 'expert' },
  {
    method: 'GET',
    path: '/v1/travel-claims',
    as: 'staff',
    badQuery: { query: 'status=lost', path: 'status' },
  },
  { method: 'GET', path: '/v1/travel-claims/{id}', as: 'staff' },
  { method: 'POST', path: '/v1/travel-claims/{id}/approve', as: 'staff' },
  {
    method: 'POST',
    path: '/v1/travel-claims/{id}/adjust',
    as: 'staff',
    body: () => ({ approvedYen: 10_000, reason: '経路の差額' }),
    wrongType: { field: 'approvedYen', value: '10000' },
    textField: 'reason',
    notSent: 'needs a claim',
  },
  { method: 'GET', path: '/v1/travel-claims/{id}/receipts/{receiptId}', as: 'staff' },
  {
    method: 'GET',
    path: '/v1/reports/payments',
    as: 'staff',
    badQuery: { query: 'fiscalYear=2026&month=13', path: 'month' },
  },
  {
    method: 'POST',
    path: '/v1/payments/exports',
    as: 'staff',
    body: () => ({ fiscalYear: 2026, month: 12 }),
    wrongType: { field: 'month', value: '12' },
    notSent: 'nothing is payable here (409 nothing-to-pay); the payments suites export',
  },
];

const bankAccount = {
  bankCode: '0005',
  branchCode: '103',
  accountType: 'ordinary',
  accountNumber: '1234567',
  holderName: 'ヤマダ タロウ',
};
const travelLeg = { from: '東京駅', to: '名古屋駅', mode: 'train', amountYen: 11_300 };

/**
 * The URL of a route, its first `{…}` replaced by `id`, else the route's own id, else a UUID;
 * any further `{…}` (a delivery of a webhook) by a UUID nothing has.
 */
export function urlOf(spec: RouteSpec, ctx: RouteContext, id?: string): string {
  return spec.path
    .replace(/\{\w+\}/, id ?? spec.id?.(ctx) ?? crypto.randomUUID())
    .replace(/\{\w+\}/g, () => crypto.randomUUID());
}

/** The token to call a route with (undefined: the harness's staff token; null: none). */
export function tokenOf(spec: RouteSpec, ctx: RouteContext): string | null | undefined {
  if (spec.as === 'none') return null;
  if (spec.as === 'expert') return ctx.expertToken;
  if (spec.as === 'company') return ctx.companyToken;
  return undefined;
}
