import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { bookedVisit, jst } from '../support/booking.ts';
import { browserOf } from '../support/pages.ts';
import { expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// The ministry's officials read the programme with a `viewer` token: reports, requests,
// visits and experts, never a company's contact person, and change nothing. The harness
// clock stands at 2026-11-25 09:00 JST.

let api: TestApi;
let viewer: string;
let visit: Awaited<ReturnType<typeof bookedVisit>>;
beforeAll(async () => {
  api = await testApi();
  visit = await bookedVisit(api, jst('2026-12-03', '10:00'));
  viewer = (await issueToken(api, { role: 'viewer' })).token;
});
afterAll(() => api.close());

const CONTACT = { name: '山田 太郎', email: 'yamada@example.jp', phone: '052-123-4567' };

describe('the API as a viewer', () => {
  it('reads requests with the contact masked, where staff read it whole', async () => {
    const asStaff = await api.call('GET', `/v1/requests/${visit.request.id}`);
    expect(asStaff.body.contact).toMatchObject({ email: CONTACT.email });
    const one = await api.call('GET', `/v1/requests/${visit.request.id}`, { token: viewer });
    expect(one.status).toBe(200);
    expect(one.body.contact).toEqual({ name: '***', nameKana: null, email: '***', phone: '***' });
    expect(one.body.company.name).toBe(asStaff.body.company.name);
    expect(one.body.sessions).toHaveLength(1);

    const list = await api.call('GET', '/v1/requests?limit=100', { token: viewer });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(CONTACT.email);
    expect(list.text).not.toContain(CONTACT.name);
    expect(
      list.body.items.every((r: { contact: { email: string } }) => r.contact.email === '***'),
    ).toBe(true);
  });

  it('reads an expert’s visits with the company’s contact masked', async () => {
    const res = await api.call('GET', `/v1/experts/${visit.expertId}/sessions`, { token: viewer });
    expect(res.status).toBe(200);
    expect(res.body.items[0].visit.contact).toEqual({ name: '***', email: '***', phone: '***' });
    expect(res.text).not.toContain(CONTACT.email);
  });

  it('reads the reports', async () => {
    for (const path of [
      '/v1/reports/utilisation?fiscalYear=2026',
      '/v1/reports/usage?from=2025&to=2026',
      '/v1/reports/outcomes?fiscalYear=2026',
    ]) {
      expect((await api.call('GET', path, { token: viewer })).status, path).toBe(200);
    }
  });

  it('changes nothing and reads nothing only the office reads', async () => {
    const refused = [
      await api.call('POST', `/v1/requests/${visit.request.id}/accept`, {
        token: viewer,
        body: {},
      }),
      await api.call('POST', `/v1/sessions/${visit.session.id}/cancel`, {
        token: viewer,
        body: {},
      }),
      await api.call('GET', `/v1/requests/${visit.request.id}/matches`, { token: viewer }),
      await api.call('GET', '/v1/audit', { token: viewer }),
      await api.call('GET', '/v1/notifications', { token: viewer }),
      await api.call('POST', '/v1/tokens', { token: viewer, body: { role: 'viewer' } }),
    ];
    for (const res of refused) expectProblem(res, 403, 'forbidden');
    const session = await api.call('GET', `/v1/sessions/${visit.session.id}`);
    expect(session.body.status).toBe('confirmed');
  });
});

describe('the pages as a viewer', () => {
  it('signs in on /staff and reads the queue, a request and the reports, with no button', async () => {
    const browser = browserOf(api);
    const signedIn = await browser.submit('/staff/sign-in', { token: viewer });
    expect(signedIn.location).toBe('/staff');
    expect(signedIn.status).toBe(200);

    const request = await browser.get(`/staff/requests/${visit.request.id}`);
    expect(request.status).toBe(200);
    expect(request.html).toContain(visit.request.company.name);
    expect(request.html).not.toContain(CONTACT.email);
    expect(request.html).not.toContain(CONTACT.name);
    // No form that changes anything: only the sign-out form, and no action links.
    const forms = request.html.match(/<form[^>]*method="post"[^>]*>/g) ?? [];
    expect(forms).toEqual(['<form method="post" action="/staff/sign-out">']);
    expect(request.html).not.toMatch(/\/(cancel|reschedule|report|no-show|withdraw|access-token)"/);

    const experts = await browser.get('/staff/experts');
    expect(experts.html).not.toContain('/staff/experts/new');
    const expert = await browser.get(`/staff/experts/${visit.expertId}`);
    expect(expert.status).toBe(200);
    expect(expert.html.match(/<form[^>]*method="post"[^>]*>/g)).toEqual([
      '<form method="post" action="/staff/sign-out">',
    ]);

    const reports = await browser.get('/staff/reports?fiscalYear=2026');
    expect(reports.status).toBe(200);
    expect(reports.html).not.toContain('/staff/fees');
    // The navigation leads only where a viewer may go: no notifications, no money pages.
    const nav = /<nav aria-label="サイト内メニュー">.*?<\/nav>/s.exec(reports.html)?.[0] ?? '';
    expect(nav.match(/href="[^"]+"/g)).toEqual([
      'href="/staff"',
      'href="/staff/experts"',
      'href="/staff/reports"',
    ]);
  });

  it('is refused a page that changes things, and a form posted anyway', async () => {
    const browser = browserOf(api);
    await browser.submit('/staff/sign-in', { token: viewer });
    const csrf = /name="csrf" value="([^"]+)"/.exec((await browser.get('/staff')).html)?.[1] ?? '';
    for (const path of [
      '/staff/experts/new',
      '/staff/notifications',
      '/staff/payments',
      '/staff/travel-claims',
      '/staff/fees',
      '/staff/payments/export?fiscalYear=2026&month=12',
      `/staff/requests/${visit.request.id}/withdraw`,
    ]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(403);
      expect(page.html).toContain('閲覧専用のアカウント');
    }
    const posted = await browser.post(`/staff/requests/${visit.request.id}/accept`, { csrf });
    expect(posted.status).toBe(403);
  });
});
