import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokens } from '../../src/db/schema.ts';
import type { FetchFeed } from '../../src/feeds/sync.ts';
import { type Reply, STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { applyAs, applyReceived, book, jst } from '../support/booking.ts';
import { application, createExpert, expert, weekdays9to17 } from '../support/fixtures.ts';
import { OFFICE_ENV } from '../support/money.ts';
import { allAt, survey } from '../support/outcomes.ts';
import { routes } from '../support/routes.ts';
import { rowsOf } from '../support/sql.ts';
import { issueToken } from '../support/tokens.ts';

// Every route × every kind of caller → the status it must get. Two tenants, A and B, each a
// company (its request and access token) and an expert (their token), with a booked visit
// and an imported calendar; every route's target belongs to B. No token, an unknown one or a
// revoked one: 401. A role the route is not for: 403. The other tenant (A) on B's resource:
// 404, as for an unknown id. B itself and staff: 2xx. Bodies are valid, so the 2xx can happen;
// that the token is judged before the body is a test of its own below. Nothing A is answered
// may name anything of B's.

const emptyCalendar: FetchFeed = async () => ({
  status: 'ok',
  body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//matrix//EN\r\nEND:VCALENDAR\r\n',
  etag: null,
  lastModified: null,
});

type Who =
  | 'none'
  | 'bad'
  | 'revoked'
  | 'companyA'
  | 'expertA'
  | 'companyB'
  | 'expertB'
  | 'staff'
  | 'viewer';
type Role = 'staff' | 'viewer' | 'expert' | 'company';
const WHO: Who[] = [
  'none',
  'bad',
  'revoked',
  'companyA',
  'expertA',
  'companyB',
  'expertB',
  'staff',
  'viewer',
];
const roleOf = (who: Who): Role | null =>
  who === 'staff' || who === 'viewer'
    ? who
    : who.startsWith('company')
      ? 'company'
      : who.startsWith('expert')
        ? 'expert'
        : null;

type Tenant = {
  label: string;
  requestId: string;
  /** Null while the application is under review: it has no company record yet. */
  companyId: string | null;
  corporateNumber: string;
  companyToken: string;
  expertId: string;
  expertToken: string;
  sessionId: string | null;
  sessionStart: Date;
  calendarFeedId: string;
  contactEmail: string;
  expertEmail: string;
};

type Target = { path: string; body?: unknown; at?: Date; headers?: Record<string, string> };

type Spec = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Who may use it: roles, or anyone. */
  allow: Role[] | 'anyone';
  /** The target is B's own: tenant A gets 404 there. */
  owned?: boolean;
  /** A 2xx uses the target up: each allowed caller gets a fresh tenant B. */
  consumes?: boolean;
  /** The fresh tenant must have no visit yet (to book one). */
  unbooked?: boolean;
  /** The fresh tenant's application is still under review (to decide it). */
  received?: boolean;
  /** The fresh tenant's visit is online (to give it a meeting URL). */
  online?: boolean;
  /** The fresh tenant's visit has taken place and been reported (to survey it). */
  completed?: boolean;
  /** Staff may get any answer but 401/403/5xx (the 2xx needs state this suite cannot make). */
  staffMayFail?: string;
  target: (b: Tenant) => Target | Promise<Target>;
};

let api: TestApi;
let A: Tenant;
let B: Tenant;
/** Every tenant B made, fresh ones included: what A must never see. */
const tenantsB: Tenant[] = [];
const revoked: Record<Role, string> = { staff: '', viewer: '', expert: '', company: '' };
/** The ministry's read-only token. */
let viewerToken = '';
let webhookId: string;
let serial = 0;

async function tenant(
  label: string,
  options: { booked?: boolean; received?: boolean; online?: boolean; completed?: boolean } = {},
): Promise<Tenant> {
  serial += 1;
  const expertEmail = `expert.${label}.${serial}@example.jp`;
  const expertId = (
    await createExpert(api, { email: expertEmail, name: `専門家 ${label}${serial}` })
  ).id;
  const expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
  const contactEmail = `contact.${label}.${serial}@example.jp`;
  const applied = await (options.received ? applyReceived : applyAs)(api, {
    contact: { name: `担当 ${label}${serial}`, email: contactEmail, phone: '052-000-0000' },
    ...(options.online ? { format: 'online' } : {}),
  });
  const sessionStart = jst('2026-12-02', '10:00');
  let sessionId: string | null = null;
  if (options.booked !== false && !options.received) {
    const booked = await book(api, applied.request.id, { expertId, start: sessionStart });
    if (booked.status !== 201) throw new Error(`booking: ${booked.text}`);
    sessionId = booked.body.id;
    if (options.completed) {
      const now = api.now();
      api.setNow(new Date(sessionStart.getTime() + 2 * 3600_000));
      const report = await api.call('POST', `/v1/sessions/${sessionId}/report`, {
        body: { topicsCovered: ['identify'], summary: '実施', followUpNeeded: false },
      });
      api.setNow(now);
      if (report.status !== 200) throw new Error(`report: ${report.text}`);
    }
  }
  const feed = await api.call('POST', '/v1/me/calendar-feeds', {
    token: expertToken,
    body: { url: `https://calendar.example.jp/${label}/${serial}.ics` },
  });
  if (feed.status !== 201) throw new Error(`calendar feed: ${feed.text}`);
  const made: Tenant = {
    label,
    requestId: applied.request.id,
    companyId: applied.request.company.id,
    corporateNumber: applied.request.company.corporateNumber,
    companyToken: applied.accessToken,
    expertId,
    expertToken,
    sessionId,
    sessionStart,
    calendarFeedId: feed.body.id,
    contactEmail,
    expertEmail,
  };
  if (label === 'B') tenantsB.push(made);
  return made;
}

const sessionOf = (b: Tenant) => {
  if (!b.sessionId) throw new Error('tenant without a visit');
  return b.sessionId;
};
const afterStart = (b: Tenant) => new Date(b.sessionStart.getTime() + 2 * 3600_000);

/** A tenant's own visit, reported (its company may then confirm it, its expert claim travel). */
const reported = new Map<Tenant, Promise<string>>();
function completed(b: Tenant): Promise<string> {
  const done =
    reported.get(b) ??
    (async () => {
      const id = sessionOf(b);
      const before = api.now();
      api.setNow(afterStart(b));
      try {
        const res = await api.call('POST', `/v1/sessions/${id}/report`, {
          body: { topicsCovered: ['identify'], summary: '実施', followUpNeeded: false },
        });
        if (res.status !== 200) throw new Error(`report: ${res.text}`);
      } finally {
        api.setNow(before);
      }
      return id;
    })();
  reported.set(b, done);
  return done;
}

const RECEIPT = '%PDF-1.4\n%%EOF\n';
type Money = { claimId: string; receiptId: string };

/**
 * A second visit of the tenant's expert, to a company of its own, reported, with a travel
 * claim and a receipt: what the money routes aim at, leaving the tenant's own visit as it was.
 */
const moneyOfTenant = new Map<Tenant, Promise<Money>>();
function money(b: Tenant): Promise<Money> {
  const made =
    moneyOfTenant.get(b) ??
    (async () => {
      const applied = await applyAs(api);
      const start = jst('2026-12-03', '10:00');
      const booked = await book(api, applied.request.id, { expertId: b.expertId, start });
      if (booked.status !== 201) throw new Error(`money visit: ${booked.text}`);
      const before = api.now();
      api.setNow(new Date(start.getTime() + 2 * 3600_000));
      try {
        await api.call('POST', `/v1/sessions/${booked.body.id}/report`, {
          body: { topicsCovered: ['identify'], summary: '実施', followUpNeeded: false },
        });
        const claim = await api.call('POST', '/v1/me/travel-claims', {
          token: b.expertToken,
          body: {
            sessionId: booked.body.id,
            legs: [{ from: '東京', to: '名古屋', mode: 'train', amountYen: 11_300 }],
          },
        });
        if (claim.status !== 201) throw new Error(`claim: ${claim.text}`);
        const receipt = await api.call('POST', `/v1/me/travel-claims/${claim.body.id}/receipts`, {
          token: b.expertToken,
          body: RECEIPT,
          headers: { 'content-type': 'application/pdf' },
        });
        if (receipt.status !== 201) throw new Error(`receipt: ${receipt.text}`);
        return { claimId: claim.body.id, receiptId: receipt.body.id };
      } finally {
        api.setNow(before);
      }
    })();
  moneyOfTenant.set(b, made);
  return made;
}

const bankAccount = {
  bankCode: '0005',
  branchCode: '103',
  accountType: 'ordinary',
  accountNumber: '1234567',
  holderName: 'センモンカ ビー',
};

async function withBankAccount(...tenants: Tenant[]) {
  for (const t of tenants) {
    const res = await api.call('PUT', `/v1/experts/${t.expertId}/bank-account`, {
      body: bankAccount,
    });
    if (res.status !== 200) throw new Error(`bank account: ${res.text}`);
  }
}

const feeRates = {
  hourlyRateYen: 5_150,
  unitMinutes: 30,
  dailyCapYen: 30_900,
  withholdingBp: 1_021,
  withholdingAboveBp: 2_042,
  withholdingThresholdYen: 1_000_000,
  withholdTravel: false,
  dailyAllowanceYen: 0,
  lodgingCapYen: 0,
  travelEstimateYen: 0,
};

async function feedFileOf(b: Tenant) {
  const res = await api.call('GET', '/v1/me/feed', { token: b.expertToken });
  return String(res.body.url).split('/').pop();
}

async function webhook() {
  const res = await api.call('POST', '/v1/webhooks', {
    body: { url: 'https://hooks.example.jp/haken', events: ['session.booked'] },
  });
  if (res.status !== 201) throw new Error(`webhook: ${res.text}`);
  return res.body.id as string;
}

const specs: Spec[] = [
  { method: 'GET', path: '/health', allow: 'anyone', target: () => ({ path: '/health' }) },
  {
    method: 'GET',
    path: '/openapi.json',
    allow: 'anyone',
    target: () => ({ path: '/openapi.json' }),
  },
  { method: 'GET', path: '/docs', allow: 'anyone', target: () => ({ path: '/docs' }) },
  {
    method: 'GET',
    path: '/v1/taxonomy',
    allow: 'anyone',
    target: () => ({ path: '/v1/taxonomy' }),
  },
  {
    method: 'POST',
    path: '/v1/requests',
    allow: 'anyone',
    target: () => ({ path: '/v1/requests', body: application(api) }),
  },
  {
    method: 'GET',
    path: '/v1/requests',
    allow: ['staff', 'viewer'],
    target: () => ({ path: '/v1/requests' }),
  },
  {
    method: 'GET',
    path: '/v1/requests/{id}',
    allow: ['staff', 'viewer', 'company'],
    owned: true,
    target: (b) => ({ path: `/v1/requests/${b.requestId}` }),
  },
  {
    method: 'POST',
    path: '/v1/requests/{id}/access-token',
    allow: ['staff'],
    owned: true,
    consumes: true,
    target: (b) => ({ path: `/v1/requests/${b.requestId}/access-token` }),
  },
  {
    method: 'POST',
    path: '/v1/requests/{id}/accept',
    allow: ['staff'],
    owned: true,
    consumes: true,
    received: true,
    target: (b) => ({ path: `/v1/requests/${b.requestId}/accept`, body: { note: 'matrix' } }),
  },
  {
    method: 'POST',
    path: '/v1/requests/{id}/decline',
    allow: ['staff'],
    owned: true,
    consumes: true,
    received: true,
    target: (b) => ({ path: `/v1/requests/${b.requestId}/decline`, body: { reason: 'matrix' } }),
  },
  {
    method: 'POST',
    path: '/v1/requests/{id}/cancel',
    allow: ['staff', 'company'],
    owned: true,
    consumes: true,
    target: (b) => ({ path: `/v1/requests/${b.requestId}/cancel`, body: { reason: 'matrix' } }),
  },
  {
    method: 'GET',
    path: '/v1/requests/{id}/matches',
    allow: ['staff'],
    owned: true,
    target: (b) => ({ path: `/v1/requests/${b.requestId}/matches` }),
  },
  {
    method: 'GET',
    path: '/v1/requests/{id}/slots',
    allow: ['staff', 'company'],
    owned: true,
    target: (b) => ({ path: `/v1/requests/${b.requestId}/slots` }),
  },
  {
    method: 'POST',
    path: '/v1/requests/{id}/sessions',
    allow: ['staff', 'company'],
    owned: true,
    consumes: true,
    unbooked: true,
    target: (b) => ({
      path: `/v1/requests/${b.requestId}/sessions`,
      body: { expertId: b.expertId, start: b.sessionStart.toISOString() },
    }),
  },
  {
    method: 'GET',
    path: '/v1/sessions/{id}',
    allow: ['staff', 'viewer', 'expert', 'company'],
    owned: true,
    target: (b) => ({ path: `/v1/sessions/${sessionOf(b)}` }),
  },
  {
    method: 'GET',
    path: '/v1/sessions/{id}/calendar.ics',
    allow: ['staff', 'expert', 'company'],
    owned: true,
    target: (b) => ({ path: `/v1/sessions/${sessionOf(b)}/calendar.ics` }),
  },
  {
    method: 'GET',
    path: '/v1/sessions/{id}/slots',
    allow: ['staff', 'company'],
    owned: true,
    target: (b) => ({ path: `/v1/sessions/${sessionOf(b)}/slots` }),
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/cancel',
    allow: ['staff', 'expert', 'company'],
    owned: true,
    consumes: true,
    target: (b) => ({ path: `/v1/sessions/${sessionOf(b)}/cancel`, body: { reason: 'matrix' } }),
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/reschedule',
    allow: ['staff', 'company'],
    owned: true,
    consumes: true,
    target: (b) => ({
      path: `/v1/sessions/${sessionOf(b)}/reschedule`,
      body: { start: jst('2026-12-03', '10:00').toISOString() },
    }),
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/report',
    allow: ['staff', 'expert'],
    owned: true,
    consumes: true,
    target: (b) => ({
      path: `/v1/sessions/${sessionOf(b)}/report`,
      body: { topicsCovered: ['identify'], summary: '実施', followUpNeeded: false },
      at: afterStart(b),
    }),
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/no-show',
    allow: ['staff', 'expert'],
    owned: true,
    consumes: true,
    target: (b) => ({ path: `/v1/sessions/${sessionOf(b)}/no-show`, at: afterStart(b) }),
  },
  {
    method: 'PUT',
    path: '/v1/sessions/{id}/meeting-url',
    allow: ['staff', 'expert'],
    owned: true,
    consumes: true,
    online: true,
    target: (b) => ({
      path: `/v1/sessions/${sessionOf(b)}/meeting-url`,
      body: { url: 'https://meet.example.jp/matrix' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/sessions/{id}/survey',
    allow: ['staff', 'viewer', 'company'],
    owned: true,
    target: (b) => ({ path: `/v1/sessions/${sessionOf(b)}/survey` }),
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/survey',
    allow: ['company'],
    owned: true,
    consumes: true,
    completed: true,
    target: (b) => ({
      path: `/v1/sessions/${sessionOf(b)}/survey`,
      body: survey(),
      at: afterStart(b),
    }),
  },
  {
    method: 'GET',
    path: '/v1/requests/{id}/readiness',
    allow: ['staff', 'viewer', 'company'],
    owned: true,
    target: (b) => ({ path: `/v1/requests/${b.requestId}/readiness` }),
  },
  {
    method: 'PUT',
    path: '/v1/requests/{id}/readiness',
    allow: ['staff', 'company'],
    owned: true,
    target: (b) => ({
      path: `/v1/requests/${b.requestId}/readiness`,
      body: { phase: 'before', levels: allAt(2) },
    }),
  },
  {
    method: 'GET',
    path: '/v1/companies/{id}',
    allow: ['staff'],
    target: (b) => ({ path: `/v1/companies/${b.companyId}` }),
  },
  {
    method: 'POST',
    path: '/v1/companies/{id}/certifications',
    allow: ['staff'],
    target: (b) => ({
      path: `/v1/companies/${b.companyId}/certifications`,
      body: { date: '2026-10-01', bodyId: 'jqa' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/reports/outcomes',
    allow: ['staff', 'viewer'],
    target: () => ({ path: '/v1/reports/outcomes?fiscalYear=2026' }),
  },
  {
    method: 'GET',
    path: '/v1/me/sessions',
    allow: ['expert'],
    target: () => ({ path: '/v1/me/sessions' }),
  },
  {
    method: 'POST',
    path: '/v1/experts',
    allow: ['staff'],
    target: () => ({ path: '/v1/experts', body: expert({ email: 'new.expert@example.jp' }) }),
  },
  {
    method: 'GET',
    path: '/v1/experts',
    allow: ['staff', 'viewer'],
    target: () => ({ path: '/v1/experts' }),
  },
  {
    method: 'GET',
    path: '/v1/experts/{id}',
    allow: ['staff', 'viewer'],
    target: (b) => ({ path: `/v1/experts/${b.expertId}` }),
  },
  {
    method: 'GET',
    path: '/v1/experts/{id}/sessions',
    allow: ['staff', 'viewer'],
    target: (b) => ({ path: `/v1/experts/${b.expertId}/sessions` }),
  },
  {
    method: 'PATCH',
    path: '/v1/experts/{id}',
    allow: ['staff'],
    target: (b) => ({ path: `/v1/experts/${b.expertId}`, body: { affiliation: '新所属' } }),
  },
  {
    method: 'PUT',
    path: '/v1/experts/{id}/availability',
    allow: ['staff'],
    target: (b) => ({
      path: `/v1/experts/${b.expertId}/availability`,
      body: { weekly: weekdays9to17, overrides: [] },
    }),
  },
  {
    method: 'POST',
    path: '/v1/tokens',
    allow: ['staff'],
    target: (b) => ({ path: '/v1/tokens', body: { role: 'expert', expertId: b.expertId } }),
  },
  {
    method: 'GET',
    path: '/v1/tokens',
    allow: ['staff'],
    target: () => ({ path: '/v1/tokens' }),
  },
  {
    method: 'POST',
    path: '/v1/experts/{id}/invitations',
    allow: ['staff'],
    target: (b) => ({ path: `/v1/experts/${b.expertId}/invitations` }),
  },
  {
    method: 'POST',
    path: '/v1/sign-in-links',
    allow: 'anyone',
    target: (b) => ({ path: '/v1/sign-in-links', body: { email: b.expertEmail } }),
  },
  {
    method: 'POST',
    path: '/v1/experts/{id}/feed/rotate',
    allow: ['staff'],
    target: (b) => ({ path: `/v1/experts/${b.expertId}/feed/rotate` }),
  },
  {
    method: 'DELETE',
    path: '/v1/tokens/{id}',
    allow: ['staff'],
    consumes: true,
    target: async () => ({ path: `/v1/tokens/${(await issueToken(api, { role: 'staff' })).id}` }),
  },
  { method: 'GET', path: '/v1/me', allow: ['expert'], target: () => ({ path: '/v1/me' }) },
  {
    method: 'PUT',
    path: '/v1/me/availability',
    allow: ['expert'],
    target: () => ({ path: '/v1/me/availability', body: { weekly: weekdays9to17 } }),
  },
  {
    method: 'GET',
    path: '/v1/me/feed',
    allow: ['expert', 'staff'],
    target: () => ({ path: '/v1/me/feed' }),
  },
  {
    method: 'POST',
    path: '/v1/me/feed/rotate',
    allow: ['expert', 'staff'],
    target: () => ({ path: '/v1/me/feed/rotate' }),
  },
  {
    method: 'GET',
    path: '/feeds/{file}',
    allow: 'anyone',
    target: async (b) => ({ path: `/feeds/${await feedFileOf(b)}` }),
  },
  {
    method: 'POST',
    path: '/v1/me/calendar-feeds',
    allow: ['expert'],
    target: () => ({
      path: '/v1/me/calendar-feeds',
      body: { url: 'https://calendar.example.jp/matrix.ics' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/me/calendar-feeds',
    allow: ['expert'],
    target: () => ({ path: '/v1/me/calendar-feeds' }),
  },
  {
    method: 'POST',
    path: '/v1/me/calendar-feeds/{id}/sync',
    allow: ['expert'],
    owned: true,
    target: (b) => ({ path: `/v1/me/calendar-feeds/${b.calendarFeedId}/sync` }),
  },
  {
    method: 'DELETE',
    path: '/v1/me/calendar-feeds/{id}',
    allow: ['expert'],
    owned: true,
    consumes: true,
    target: (b) => ({ path: `/v1/me/calendar-feeds/${b.calendarFeedId}` }),
  },
  {
    method: 'GET',
    path: '/v1/reports/utilisation',
    allow: ['staff', 'viewer'],
    target: () => ({ path: '/v1/reports/utilisation?fiscalYear=2026' }),
  },
  {
    method: 'GET',
    path: '/v1/reports/usage',
    allow: ['staff', 'viewer'],
    target: () => ({ path: '/v1/reports/usage?from=2025&to=2026' }),
  },
  { method: 'GET', path: '/v1/audit', allow: ['staff'], target: () => ({ path: '/v1/audit' }) },
  {
    method: 'POST',
    path: '/v1/webhooks',
    allow: ['staff'],
    target: () => ({
      path: '/v1/webhooks',
      body: { url: 'https://hooks.example.jp/matrix', events: ['session.booked'] },
    }),
  },
  {
    method: 'GET',
    path: '/v1/webhooks',
    allow: ['staff'],
    target: () => ({ path: '/v1/webhooks' }),
  },
  {
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    allow: ['staff'],
    consumes: true,
    target: async () => ({ path: `/v1/webhooks/${await webhook()}` }),
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/rotate-secret',
    allow: ['staff'],
    target: () => ({ path: `/v1/webhooks/${webhookId}/rotate-secret` }),
  },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}/deliveries',
    allow: ['staff'],
    target: () => ({ path: `/v1/webhooks/${webhookId}/deliveries` }),
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    allow: ['staff'],
    staffMayFail: 'a delivery that is not pending needs the dispatcher to have run',
    target: () => ({
      path: `/v1/webhooks/${webhookId}/deliveries/${crypto.randomUUID()}/redeliver`,
    }),
  },
  {
    method: 'POST',
    path: '/v1/notifications/{id}/redeliver',
    allow: ['staff'],
    consumes: true,
    target: async (b) => {
      // A settled row (a redelivery of a pending one is refused): B's receipt, given up on.
      const [row] = await rowsOf<{ id: string }>(
        api.db,
        sql`update notifications set status = 'dead'
            where id = (select id from notifications where request_id = ${b.requestId} limit 1)
            returning id`,
      );
      return { path: `/v1/notifications/${row?.id}/redeliver` };
    },
  },
  {
    method: 'GET',
    path: '/v1/notifications',
    allow: ['staff'],
    target: () => ({ path: '/v1/notifications' }),
  },
  {
    method: 'POST',
    path: '/v1/sessions/{id}/attendance',
    allow: ['staff', 'company'],
    owned: true,
    consumes: true,
    target: async (b) => {
      if (b !== B) await completed(b);
      return {
        path: `/v1/sessions/${sessionOf(b)}/attendance`,
        body: { agree: true, comment: '電話で確認' },
      };
    },
  },
  {
    method: 'GET',
    path: '/v1/fees/{fiscalYear}',
    allow: ['staff', 'expert'],
    target: () => ({ path: '/v1/fees/2026' }),
  },
  {
    method: 'PUT',
    path: '/v1/fees/{fiscalYear}',
    allow: ['staff'],
    target: () => ({ path: '/v1/fees/2027', body: feeRates }),
  },
  {
    method: 'GET',
    path: '/v1/budget/{fiscalYear}',
    allow: ['staff'],
    target: () => ({ path: '/v1/budget/2026' }),
  },
  {
    method: 'PUT',
    path: '/v1/budget/{fiscalYear}',
    allow: ['staff'],
    target: () => ({ path: '/v1/budget/2027', body: { amountYen: 50_000_000 } }),
  },
  { method: 'GET', path: '/v1/intake', allow: 'anyone', target: () => ({ path: '/v1/intake' }) },
  {
    method: 'GET',
    path: '/v1/experts/{id}/bank-account',
    allow: ['staff'],
    target: async (b) => {
      await withBankAccount(b);
      return { path: `/v1/experts/${b.expertId}/bank-account` };
    },
  },
  {
    method: 'PUT',
    path: '/v1/experts/{id}/bank-account',
    allow: ['staff'],
    target: (b) => ({ path: `/v1/experts/${b.expertId}/bank-account`, body: bankAccount }),
  },
  {
    method: 'GET',
    path: '/v1/me/bank-account',
    allow: ['expert'],
    target: async (b) => {
      await withBankAccount(A, b);
      return { path: '/v1/me/bank-account' };
    },
  },
  {
    method: 'PUT',
    path: '/v1/me/bank-account',
    allow: ['expert'],
    target: () => ({ path: '/v1/me/bank-account', body: bankAccount }),
  },
  {
    method: 'POST',
    path: '/v1/me/travel-claims',
    allow: ['expert'],
    owned: true,
    consumes: true,
    target: async (b) => ({
      path: '/v1/me/travel-claims',
      body: {
        sessionId: b === B ? sessionOf(b) : await completed(b),
        legs: [{ from: '東京', to: '名古屋', mode: 'train', amountYen: 11_300 }],
      },
    }),
  },
  {
    method: 'GET',
    path: '/v1/me/travel-claims',
    allow: ['expert'],
    target: () => ({ path: '/v1/me/travel-claims' }),
  },
  {
    method: 'GET',
    path: '/v1/me/travel-claims/{id}',
    allow: ['expert'],
    owned: true,
    target: async (b) => ({ path: `/v1/me/travel-claims/${(await money(b)).claimId}` }),
  },
  {
    method: 'PUT',
    path: '/v1/me/travel-claims/{id}',
    allow: ['expert'],
    owned: true,
    target: async (b) => ({
      path: `/v1/me/travel-claims/${(await money(b)).claimId}`,
      body: { legs: [{ from: '東京', to: '名古屋', mode: 'bus', amountYen: 5_000 }] },
    }),
  },
  {
    method: 'POST',
    path: '/v1/me/travel-claims/{id}/receipts',
    allow: ['expert'],
    owned: true,
    target: async (b) => ({
      path: `/v1/me/travel-claims/${(await money(b)).claimId}/receipts`,
      body: RECEIPT,
      headers: { 'content-type': 'application/pdf' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/me/travel-claims/{id}/receipts/{receiptId}',
    allow: ['expert'],
    owned: true,
    target: async (b) => {
      const { claimId, receiptId } = await money(b);
      return { path: `/v1/me/travel-claims/${claimId}/receipts/${receiptId}` };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/me/travel-claims/{id}/receipts/{receiptId}',
    allow: ['expert'],
    owned: true,
    consumes: true,
    target: async (b) => {
      const { claimId, receiptId } = await money(b);
      return { path: `/v1/me/travel-claims/${claimId}/receipts/${receiptId}` };
    },
  },
  {
    method: 'GET',
    path: '/v1/travel-claims',
    allow: ['staff'],
    target: () => ({ path: '/v1/travel-claims?status=submitted' }),
  },
  {
    method: 'GET',
    path: '/v1/travel-claims/{id}',
    allow: ['staff'],
    target: async (b) => ({ path: `/v1/travel-claims/${(await money(b)).claimId}` }),
  },
  {
    method: 'POST',
    path: '/v1/travel-claims/{id}/approve',
    allow: ['staff'],
    consumes: true,
    target: async (b) => ({ path: `/v1/travel-claims/${(await money(b)).claimId}/approve` }),
  },
  {
    method: 'POST',
    path: '/v1/travel-claims/{id}/adjust',
    allow: ['staff'],
    consumes: true,
    target: async (b) => ({
      path: `/v1/travel-claims/${(await money(b)).claimId}/adjust`,
      body: { approvedYen: 10_000, reason: '経路の差額' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/travel-claims/{id}/receipts/{receiptId}',
    allow: ['staff'],
    target: async (b) => {
      const { claimId, receiptId } = await money(b);
      return { path: `/v1/travel-claims/${claimId}/receipts/${receiptId}` };
    },
  },
  {
    method: 'GET',
    path: '/v1/reports/payments',
    allow: ['staff'],
    target: () => ({ path: '/v1/reports/payments?fiscalYear=2026&month=12' }),
  },
  {
    method: 'POST',
    path: '/v1/payments/exports',
    allow: ['staff'],
    staffMayFail: 'the experts confirmed here have no bank account; the payments suites export',
    target: () => ({ path: '/v1/payments/exports', body: { fiscalYear: 2026, month: 12 } }),
  },
];

beforeAll(async () => {
  api = await testApi(OFFICE_ENV, { fetchFeed: emptyCalendar });
  A = await tenant('A');
  B = await tenant('B');
  webhookId = await webhook();
  // A revoked token of each role. Company tokens have no revoking route: revoke one in SQL.
  viewerToken = (await issueToken(api, { role: 'viewer' })).token;
  const staff = await issueToken(api, { role: 'staff' });
  const viewer = await issueToken(api, { role: 'viewer' });
  const expertB = await issueToken(api, { role: 'expert', expertId: B.expertId });
  for (const issued of [staff, viewer, expertB]) {
    expect((await api.call('DELETE', `/v1/tokens/${issued.id}`)).status).toBe(204);
  }
  const other = await applyAs(api);
  await api.db
    .update(tokens)
    .set({ revokedAt: api.now() })
    .where(eq(tokens.requestId, other.request.id));
  Object.assign(revoked, {
    staff: staff.token,
    viewer: viewer.token,
    expert: expertB.token,
    company: other.accessToken,
  });
}, 120_000);
afterAll(() => api.close());

function expected(spec: Spec, who: Who): number | '2xx' {
  if (who === 'bad' || who === 'revoked') return 401;
  const role = roleOf(who);
  if (spec.allow === 'anyone') return '2xx';
  if (!role) return 401;
  if (!spec.allow.includes(role)) return 403;
  if (spec.owned && who.endsWith('A')) return 404;
  return '2xx';
}

function tokenOf(spec: Spec, who: Who, b: Tenant): string | null {
  switch (who) {
    case 'none':
      return null;
    case 'bad':
      return 'hks_not-a-token-anyone-was-given-0000';
    case 'revoked': {
      const role = spec.allow === 'anyone' ? 'staff' : (spec.allow[0] ?? 'staff');
      return revoked[role];
    }
    case 'companyA':
      return A.companyToken;
    case 'expertA':
      return A.expertToken;
    case 'companyB':
      return b.companyToken;
    case 'expertB':
      return b.expertToken;
    case 'staff':
      return STAFF_TOKEN;
    case 'viewer':
      return viewerToken;
  }
}

async function send(spec: Spec, target: Target, token: string | null): Promise<Reply> {
  const before = api.now();
  if (target.at) api.setNow(target.at);
  try {
    return await api.call(spec.method, target.path, {
      token,
      body: target.body,
      headers: target.headers,
    });
  } finally {
    api.setNow(before);
  }
}

/** B's identifying values: ids, emails, corporate numbers. */
const secretsOfB = () =>
  tenantsB.flatMap((b) =>
    [
      b.requestId,
      b.companyId,
      b.corporateNumber,
      b.expertId,
      b.calendarFeedId,
      b.contactEmail,
      b.expertEmail,
      b.sessionId,
    ].filter((secret): secret is string => secret !== null),
  );

/** The rows of shared B that only B and staff may change. */
async function stateOfB() {
  const [row] = await rowsOf(
    api.db,
    sql`select r.status as request, s.status as session, s.start_at::text as start,
               s.sequence, exists (select 1 from calendar_feeds f
                                    where f.id = ${B.calendarFeedId}) as calendar
        from requests r join sessions s on s.request_id = r.id
        where r.id = ${B.requestId}`,
  );
  return row;
}

const label = (spec: Spec) => `${spec.method} ${spec.path}`;
const matrix: Record<string, Record<Who, number>> = {};
let shared: Awaited<ReturnType<typeof stateOfB>>;

describe('the matrix', () => {
  it('covers every operation in /openapi.json, and the routes table, and nothing else', async () => {
    const doc = (await api.call('GET', '/openapi.json', { token: null })).body;
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(
      ([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const covered = specs.map(label).filter((l) => !['GET /docs', 'GET /openapi.json'].includes(l));
    expect([...covered].sort()).toEqual([...documented].sort());
    for (const route of routes) expect(specs.map(label)).toContain(`${route.method} ${route.path}`);
    shared = await stateOfB();
  });

  it.each(specs.map((s) => [label(s), s] as const))('%s', async (_, spec) => {
    const got = {} as Record<Who, number>;
    const wanted = {} as Record<Who, number | '2xx'>;
    const leaks: string[] = [];
    for (const who of WHO) {
      const want = expected(spec, who);
      wanted[who] = want;
      const fresh = spec.consumes && want === '2xx' && who !== 'expertA' && who !== 'companyA';
      const b = fresh
        ? await tenant('B', {
            booked: !spec.unbooked,
            received: spec.received,
            online: spec.online,
            completed: spec.completed,
          })
        : B;
      const target = await spec.target(b);
      const res = await send(spec, target, tokenOf(spec, who, b));
      got[who] = res.status;
      if (res.status >= 400) {
        expect(res.headers.get('content-type'), `${who}: ${res.text}`).toMatch(
          /^application\/problem\+json/,
        );
      }
      // Tenant A is told nothing of B: not an id, not an email (a feed URL is B's own secret).
      if (who.endsWith('A') && spec.path !== '/feeds/{file}') {
        for (const secret of secretsOfB())
          if (res.text.includes(secret)) leaks.push(`${who}: ${secret}`);
      }
      // A viewer reads the programme, never a company's contact person.
      if (who === 'viewer') {
        for (const contact of [A.contactEmail, B.contactEmail, b.contactEmail])
          if (res.text.includes(contact)) leaks.push(`viewer: ${contact}`);
      }
      // B's resource is 404 to A exactly as an unknown id is.
      if (want === 404 && spec.path.includes('{id}')) {
        const unknown = await send(
          spec,
          { ...target, path: target.path.replace(/[0-9a-f-]{36}/, crypto.randomUUID()) },
          tokenOf(spec, who, b),
        );
        expect(unknown.status).toBe(404);
        expect({ ...res.body, requestId: null }).toEqual({ ...unknown.body, requestId: null });
      }
    }
    matrix[label(spec)] = got;
    const verdict = Object.fromEntries(
      WHO.map((who) => {
        const want = wanted[who];
        const status = got[who];
        const ok = want === '2xx' ? status >= 200 && status < 300 : status === want;
        const staffMayFail =
          who === 'staff' && spec.staffMayFail && status < 500 && ![401, 403].includes(status);
        return [who, ok || staffMayFail ? 'as expected' : `${status}, expected ${want}`];
      }),
    );
    expect(verdict).toEqual(Object.fromEntries(WHO.map((w) => [w, 'as expected'])));
    expect(leaks).toEqual([]);
  });

  it('judges the token before the body: no token 401, another role 403, whatever is sent', async () => {
    const tokens: Record<Role, string> = {
      staff: STAFF_TOKEN,
      viewer: viewerToken,
      expert: B.expertToken,
      company: B.companyToken,
    };
    const refused: string[] = [];
    for (const spec of specs) {
      if (spec.allow === 'anyone' || spec.method === 'GET' || spec.method === 'DELETE') continue;
      const { path } = await spec.target(B);
      const others = (Object.keys(tokens) as Role[]).filter((r) => !spec.allow.includes(r));
      for (const [who, token] of [
        ['none', null],
        ...others.map((role) => [role, tokens[role]] as const),
      ] as const) {
        const res = await api.call(spec.method, path, { token, body: { notAField: [1, 2] } });
        const want = token === null ? 401 : 403;
        if (res.status !== want) refused.push(`${label(spec)} as ${who}: ${res.status}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('left B’s own visit, request and calendars as they were, whatever A tried', async () => {
    expect(await stateOfB()).toEqual(shared);
    console.log(
      `authorisation matrix (${WHO.join(' ')}):\n${Object.entries(matrix)
        .map(([route, row]) => `${route.padEnd(56)} ${WHO.map((w) => row[w]).join(' ')}`)
        .join('\n')}`,
    );
  });
});
