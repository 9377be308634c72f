import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { applyAs, book, iso, jst, sessionRow, sessionsOf } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';

// The harness clock stands at Wed 2026-11-25 09:00 JST; the default preferred window runs
// from Wed 2026-12-02 09:00 to Wed 2026-12-09 09:00 JST, inside the bookable range
// (72 h notice, 90 days horizon). Every test uses its own expert and company.

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

async function bookedEvents(sessionId: string) {
  const [row] = await api.db
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'session.booked'), eq(auditEvents.entityId, sessionId)));
  return row?.n;
}

describe('booking a visit', () => {
  it('staff books: 201 with the visit, the request becomes scheduled, session.booked is audited', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const start = jst('2026-12-02', '10:00');
    const res = await book(api, request.id, { expertId: expert.id, start });

    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      requestId: request.id,
      expertId: expert.id,
      companyId: request.company.id,
      start: iso(start),
      end: iso(jst('2026-12-02', '12:00')),
      format: 'onsite',
      travelBufferMinutes: 60,
      status: 'confirmed',
      sequence: 0,
      cancelReason: null,
      report: null,
    });

    const read = await api.call('GET', `/v1/requests/${request.id}`);
    expect(read.body.status).toBe('scheduled');
    expect(read.body.sessions.map((s: { id: string }) => s.id)).toEqual([res.body.id]);

    // On site the expert is blocked for the travel buffer on both sides.
    const row = await sessionRow(api.db, res.body.id);
    expect(row?.blockedFrom).toEqual(jst('2026-12-02', '09:00'));
    expect(row?.blockedTo).toEqual(jst('2026-12-02', '13:00'));

    const events = await api.call('GET', `/v1/audit?entityType=session&entityId=${res.body.id}`);
    expect(events.status).toBe(200);
    expect(events.body.items).toHaveLength(1);
    expect(events.body.items[0]).toMatchObject({
      action: 'session.booked',
      actor: { role: 'staff' },
      entityType: 'session',
      entityId: res.body.id,
      data: { requestId: request.id, expertId: expert.id, start: iso(start), format: 'onsite' },
    });
  });

  it('the company books its own request inside its preferred windows', async () => {
    const expert = await createExpert(api);
    const { request, accessToken } = await applyAs(api);
    const start = jst('2026-12-04', '13:30');
    const res = await book(api, request.id, { expertId: expert.id, start }, { token: accessToken });

    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      requestId: request.id,
      start: iso(start),
      status: 'confirmed',
    });
    const own = await api.call('GET', `/v1/requests/${request.id}`, { token: accessToken });
    expect(own.body.status).toBe('scheduled');
    const events = await api.call('GET', `/v1/audit?entityType=session&entityId=${res.body.id}`);
    expect(events.body.items[0]).toMatchObject({
      action: 'session.booked',
      actor: { role: 'company', id: request.id },
    });
  });

  it('the company can book a slot that GET /v1/requests/:id/slots offers it', async () => {
    await createExpert(api);
    const { request, accessToken } = await applyAs(api);
    const slots = await api.call('GET', `/v1/requests/${request.id}/slots`, {
      token: accessToken,
    });
    expect(slots.status).toBe(200);
    const [slot] = slots.body.slots;
    expect(slot).toBeDefined();
    const res = await book(
      api,
      request.id,
      { expertId: slot.expert.id, start: slot.start },
      { token: accessToken },
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ start: slot.start, end: slot.end, expertId: slot.expert.id });
  });

  it('staff may book anywhere bookable, outside the preferred windows too', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    // Thursday 2026-12-17, a week after the company's windows close.
    const start = jst('2026-12-17', '15:00');
    const res = await book(api, request.id, { expertId: expert.id, start });
    expect(res.status, res.text).toBe(201);
    expect(res.body.start).toBe(iso(start));
    expect(res.body.end).toBe(iso(jst('2026-12-17', '17:00')));
  });

  it('accepts a start with any offset and answers in UTC', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const res = await api.call('POST', `/v1/requests/${request.id}/sessions`, {
      body: { expertId: expert.id, start: '2026-12-03T10:00:00+09:00' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.start).toBe('2026-12-03T01:00:00.000Z');
  });

  it('an online visit blocks the expert for the visit only, with no travel buffer', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api, { format: 'online', durationMinutes: 60 });
    const start = jst('2026-12-03', '09:00');
    const res = await book(api, request.id, { expertId: expert.id, start });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ format: 'online', travelBufferMinutes: 0 });
    const row = await sessionRow(api.db, res.body.id);
    expect(row?.blockedFrom).toEqual(start);
    expect(row?.blockedTo).toEqual(jst('2026-12-03', '10:00'));
  });

  it('visits of one expert may touch: on site 10–12 (blocked 9–13), then on site 14–16 (blocked 13–17)', async () => {
    const expert = await createExpert(api);
    const first = await applyAs(api);
    const second = await applyAs(api);
    const a = await book(api, first.request.id, {
      expertId: expert.id,
      start: jst('2026-12-07', '10:00'),
    });
    const b = await book(api, second.request.id, {
      expertId: expert.id,
      start: jst('2026-12-07', '14:00'),
    });
    expect([a.status, b.status]).toEqual([201, 201]);
  });

  it('an online visit may start right where an on-site visit’s travel buffer ends', async () => {
    const expert = await createExpert(api);
    const onsite = await applyAs(api);
    const online = await applyAs(api, { format: 'online', durationMinutes: 60 });
    const a = await book(api, onsite.request.id, {
      expertId: expert.id,
      start: jst('2026-12-08', '10:00'),
    });
    const b = await book(api, online.request.id, {
      expertId: expert.id,
      start: jst('2026-12-08', '13:00'),
    });
    expect([a.status, b.status]).toEqual([201, 201]);
  });

  it('a company may hold visits with different experts at different times', async () => {
    const [x, y] = [await createExpert(api), await createExpert(api)];
    const first = await applyAs(api, { corporateNumber: '4011001098993' });
    const second = await applyAs(api, { corporateNumber: '4011001098993' });
    expect(second.request.company.id).toBe(first.request.company.id);
    const a = await book(api, first.request.id, {
      expertId: x.id,
      start: jst('2026-12-03', '10:00'),
    });
    const b = await book(api, second.request.id, {
      expertId: y.id,
      start: jst('2026-12-03', '12:00'),
    });
    expect([a.status, b.status]).toEqual([201, 201]);
  });
});

describe('Idempotency-Key on booking', () => {
  it('the same key and body again replays the first answer: same session, one row, one event', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const body = { expertId: expert.id, start: jst('2026-12-04', '10:00') };
    const first = await book(api, request.id, body, { key: 'book-replay-1' });
    const second = await book(api, request.id, body, { key: 'book-replay-1' });

    expect(first.status, first.text).toBe(201);
    expect(second.status, second.text).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await sessionsOf(api.db, request.id)).toHaveLength(1);
    expect(await bookedEvents(first.body.id)).toBe(1);
  });

  it('a replay by the company with its own key works the same', async () => {
    const expert = await createExpert(api);
    const { request, accessToken } = await applyAs(api);
    const body = { expertId: expert.id, start: jst('2026-12-04', '14:00') };
    const options = { token: accessToken, key: 'company-key-1' };
    const first = await book(api, request.id, body, options);
    const second = await book(api, request.id, body, options);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).toBe(first.body.id);
    expect(await sessionsOf(api.db, request.id)).toHaveLength(1);
  });
});
