import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, companies, requests, sessions } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { applyReceived, book, corporateNumber, jst } from '../support/booking.ts';
import { accept, application, apply, applyAccepted, createExpert } from '../support/fixtures.ts';
import { ofEvent, ofRequest, outbox } from '../support/notify.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';

// The office reviews every application (審査・派遣決定) before a visit can be booked. The
// harness clock stands at Wed 2026-11-25 09:00 JST; the default preferred window runs from
// Wed 12-02 09:00 to Wed 12-09 09:00 JST, and experts work weekdays 09:00–17:00.

let api: TestApi;
let expertId: string;
beforeAll(async () => {
  api = await testApi();
  expertId = (await createExpert(api, { maxVisitsPerMonth: 100 })).id;
});
afterAll(() => api.close());

async function companyRow(number: string) {
  const [row] = await api.db.select().from(companies).where(eq(companies.corporateNumber, number));
  return row;
}

async function auditOf(entityType: string, entityId: string) {
  return api.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId)))
    .orderBy(asc(auditEvents.id));
}

describe('accepting an application', () => {
  it('links it to a new company record, audits both, and tells the company', async () => {
    const number = corporateNumber();
    const { request } = await applyReceived(api, { corporateNumber: number });
    expect(await companyRow(number)).toBeUndefined();

    const res = await api.call('POST', `/v1/requests/${request.id}/accept`, {
      body: { note: '工場の見学を含めて実施します。\n当日は受付でお名前をお伝えください。' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: request.id,
      status: 'accepted',
      review: {
        at: api.now().toISOString(),
        note: '工場の見学を含めて実施します。\n当日は受付でお名前をお伝えください。',
      },
    });
    const company = await companyRow(number);
    expect(company).toMatchObject({ name: request.company.name, isSme: true });
    expect(res.body.company.id).toBe(company?.id);

    const events = await auditOf('request', request.id);
    expect(events.map((e) => e.action)).toEqual(['request.created', 'request.accepted']);
    expect(events[1]).toMatchObject({ actorRole: 'staff', data: { from: 'received' } });
    const companyEvents = await auditOf('company', company?.id ?? '');
    expect(companyEvents.map((e) => [e.action, e.data])).toEqual([
      ['company.created', expect.objectContaining({ requestId: request.id })],
    ]);
    const told = await outbox(api.db, ofRequest(request.id), ofEvent('request.accepted'));
    expect(told.map((r) => [r.kind, r.recipient])).toEqual([['email', 'yamada@example.jp']]);
  });

  it('brings an existing company record up to date, and audits what changed', async () => {
    const number = corporateNumber();
    const first = await applyAccepted(api, {
      company: { ...application(api).company, corporateNumber: number, name: '旧社名株式会社' },
    });
    const second = await apply(api, {
      company: {
        ...application(api).company,
        corporateNumber: number,
        name: '新社名株式会社',
        employees: 130,
      },
    });
    // Applying alone changes nothing of the record.
    expect((await companyRow(number))?.name).toBe('旧社名株式会社');
    const accepted = await accept(api, second.request.id);
    expect(accepted.company.id).toBe(first.request.company.id);
    const company = await companyRow(number);
    expect(company).toMatchObject({ name: '新社名株式会社', employees: 130 });
    const events = await auditOf('company', company?.id ?? '');
    expect(events.at(-1)).toMatchObject({
      action: 'company.updated',
      actorRole: 'staff',
      data: {
        requestId: second.request.id,
        changes: {
          name: { from: '旧社名株式会社', to: '新社名株式会社' },
          employees: { from: 120, to: 130 },
        },
      },
    });
  });

  it('staff booking a received request accept it and book it in one step', async () => {
    const { request } = await applyReceived(api);
    const res = await book(api, request.id, { expertId, start: jst('2026-12-03', '10:00') });
    expect(res.status, res.text).toBe(201);
    const read = await api.call('GET', `/v1/requests/${request.id}`);
    expect(read.body).toMatchObject({ status: 'scheduled', review: { note: null } });
    expect(read.body.company.id).toBe(res.body.companyId);
    const actions = (await auditOf('request', request.id)).map((e) => e.action);
    expect(actions).toEqual(['request.created', 'request.accepted', 'request.status-changed']);
  });

  it('a failed staff booking of a received request accepts nothing', async () => {
    const number = corporateNumber();
    const { request } = await applyReceived(api, { corporateNumber: number });
    const sunday = await book(api, request.id, { expertId, start: jst('2026-12-06', '10:00') });
    expectProblem(sunday, 422, 'outside-availability');
    const [row] = await api.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row).toMatchObject({ status: 'received', companyId: null, reviewedAt: null });
    expect(await companyRow(number)).toBeUndefined();
    expect(await outbox(api.db, ofRequest(request.id), ofEvent('request.accepted'))).toEqual([]);
  });
});

describe('declining an application', () => {
  it('needs a reason on one line, and tells the company', async () => {
    const { request } = await applyReceived(api);
    const path = `/v1/requests/${request.id}/decline`;
    expectFieldError(await api.call('POST', path, { body: {} }), 'reason');
    expectFieldError(await api.call('POST', path, { body: { reason: '  ' } }), 'reason');
    expectFieldError(
      await api.call('POST', path, { body: { reason: '対象外\n詳細は別途' } }),
      'reason',
    );
    const res = await api.call('POST', path, { body: { reason: '対象となる業種ではないため' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      status: 'declined',
      company: { id: null },
      review: { note: '対象となる業種ではないため' },
    });
    const told = await outbox(api.db, ofRequest(request.id), ofEvent('request.declined'));
    expect(told.map((r) => r.kind)).toEqual(['email']);
    expect((await auditOf('request', request.id)).map((e) => e.action)).toEqual([
      'request.created',
      'request.declined',
    ]);
  });
});

describe('the lifecycle', () => {
  const decide = (id: string, action: 'accept' | 'decline') =>
    api.call('POST', `/v1/requests/${id}/${action}`, {
      body: action === 'decline' ? { reason: '理由' } : {},
    });

  it('decides only a received request; a decision cannot be taken back', async () => {
    const accepted = (await applyAs()).request.id;
    await accept(api, accepted);
    const declined = (await applyAs()).request.id;
    expect((await decide(declined, 'decline')).status).toBe(200);
    for (const [id, action] of [
      [accepted, 'accept'],
      [accepted, 'decline'],
      [declined, 'accept'],
      [declined, 'decline'],
    ] as const) {
      expectProblem(await decide(id, action), 409, 'invalid-transition');
    }
  });

  it('a scheduled, completed or cancelled request cannot be decided', async () => {
    const { request } = await applyAccepted(api, {
      company: { ...application(api).company, corporateNumber: corporateNumber() },
    });
    const booked = await book(api, request.id, { expertId, start: jst('2026-12-04', '10:00') });
    expect(booked.status, booked.text).toBe(201);
    expectProblem(await decide(request.id, 'decline'), 409, 'invalid-transition');
    await api.call('POST', `/v1/requests/${request.id}/cancel`, { body: {} });
    expectProblem(await decide(request.id, 'accept'), 409, 'invalid-transition');
  });

  it('can be withdrawn while received, accepted or scheduled, but not once declined', async () => {
    const received = (await applyAs()).request.id;
    const accepted = (await applyAs()).request.id;
    await accept(api, accepted);
    const declined = (await applyAs()).request.id;
    await decide(declined, 'decline');
    for (const id of [received, accepted]) {
      const res = await api.call('POST', `/v1/requests/${id}/cancel`, { body: {} });
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe('cancelled');
    }
    expectProblem(
      await api.call('POST', `/v1/requests/${declined}/cancel`, { body: {} }),
      409,
      'invalid-transition',
    );
  });

  it('a cancelled or missed visit leaves the request accepted, to be booked again', async () => {
    const { request, accessToken } = await applyAccepted(api, {
      company: { ...application(api).company, corporateNumber: corporateNumber() },
    });
    const first = await book(
      api,
      request.id,
      { expertId, start: jst('2026-12-07', '10:00') },
      { token: accessToken },
    );
    expect(first.status, first.text).toBe(201);
    await api.call('POST', `/v1/sessions/${first.body.id}/cancel`, { token: accessToken });
    const [row] = await api.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row?.status).toBe('accepted');
    const again = await book(
      api,
      request.id,
      { expertId, start: jst('2026-12-07', '13:00') },
      { token: accessToken },
    );
    expect(again.status, again.text).toBe(201);
  });

  /** A fresh company's application, under review. */
  function applyAs() {
    return applyReceived(api);
  }
});

describe('a company books only what the office accepted', () => {
  it('under review: 409 not-accepted for slots and booking, saying it is being reviewed', async () => {
    const { request, accessToken } = await applyReceived(api);
    const slots = await api.call('GET', `/v1/requests/${request.id}/slots`, { token: accessToken });
    expectProblem(slots, 409, 'not-accepted');
    expect(slots.body.detail).toMatch(/still reviewing/);
    const booked = await book(
      api,
      request.id,
      { expertId, start: jst('2026-12-03', '10:00') },
      { token: accessToken },
    );
    expectProblem(booked, 409, 'not-accepted');
    expect(booked.body.detail).toMatch(/still reviewing/);
    expect(await api.db.select().from(sessions).where(eq(sessions.requestId, request.id))).toEqual(
      [],
    );
  });

  it('declined: 409 not-accepted saying so, for the company and for staff', async () => {
    const { request, accessToken } = await applyReceived(api);
    await api.call('POST', `/v1/requests/${request.id}/decline`, { body: { reason: '対象外' } });
    const slots = await api.call('GET', `/v1/requests/${request.id}/slots`, { token: accessToken });
    expectProblem(slots, 409, 'not-accepted');
    expect(slots.body.detail).toMatch(/declined/);
    for (const token of [accessToken, undefined]) {
      const booked = await book(
        api,
        request.id,
        { expertId, start: jst('2026-12-03', '10:00') },
        { token },
      );
      expectProblem(booked, 409, 'not-accepted');
    }
  });

  it('staff still see a received request’s matches and slots, to weigh it', async () => {
    const { request } = await applyReceived(api);
    const matches = await api.call('GET', `/v1/requests/${request.id}/matches`);
    expect(matches.status).toBe(200);
    expect(matches.body.matches.length).toBeGreaterThan(0);
    const slots = await api.call('GET', `/v1/requests/${request.id}/slots`);
    expect(slots.status).toBe(200);
    expect(slots.body.slots.length).toBeGreaterThan(0);
  });
});

describe('the company record is the office’s', () => {
  it('three anonymous applications naming company X leave X’s record and quota untouched', async () => {
    const number = corporateNumber();
    const x = { ...application(api).company, corporateNumber: number, name: '株式会社エックス' };
    const visitor = (await createExpert(api, { email: 'x-visitor@example.jp' })).id;
    const own = await applyAccepted(api, { company: x });
    const before = await companyRow(number);

    const impostors = [];
    for (const name of ['偽装一', '偽装二', '偽装三']) {
      const applied = await apply(api, { company: { ...x, name } });
      impostors.push(applied);
      const slots = await api.call('GET', `/v1/requests/${applied.request.id}/slots`, {
        token: applied.accessToken,
      });
      expectProblem(slots, 409, 'not-accepted');
      const start = jst('2026-12-08', '10:00');
      const booked = await book(
        api,
        applied.request.id,
        { expertId, start },
        { token: applied.accessToken },
      );
      expectProblem(booked, 409, 'not-accepted');
    }
    expect(await companyRow(number)).toEqual(before);
    expect(
      await api.db
        .select()
        .from(sessions)
        .where(eq(sessions.companyId, before?.id ?? '')),
    ).toEqual([]);

    // X itself still has its three visits this fiscal year.
    const days = ['2026-12-02', '2026-12-03', '2026-12-04'];
    let request = own.request;
    for (const [i, day] of days.entries()) {
      if (i > 0) request = (await applyAccepted(api, { company: x })).request;
      const res = await book(api, request.id, { expertId: visitor, start: jst(day, '13:00') });
      expect(res.status, res.text).toBe(201);
    }
    const fourth = (await applyAccepted(api, { company: x })).request;
    expectProblem(
      await book(api, fourth.id, { expertId: visitor, start: jst('2026-12-07', '13:00') }),
      409,
      'quota-exceeded',
    );
    // The impostors' applications are still only applications.
    for (const { request: r } of impostors) {
      const [row] = await api.db.select().from(requests).where(eq(requests.id, r.id));
      expect(row).toMatchObject({ status: 'received', companyId: null });
    }
  });
});
