import { and, count, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import {
  applyAs,
  book,
  bookedVisit,
  corporateNumber,
  iso,
  jst,
  type SessionBody,
  sessionRow,
} from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// The harness clock stands at Wed 2026-11-25 09:00 JST; the default preferred window is
// Wed 2026-12-02 09:00 to Wed 2026-12-09 09:00 JST. Each test books its own expert and company.

const DEFAULT_NOW = '2026-11-25T00:00:00Z';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());
afterEach(() => api.setNow(DEFAULT_NOW));

const report = {
  topicsCovered: ['identify', 'classify'],
  summary: '守る情報の決定と識別について助言した。',
  followUpNeeded: true,
};

/** A booked visit with the tokens of everyone who may act on it. */
async function visit(
  start = jst('2026-12-03', '10:00'),
  options: Parameters<typeof bookedVisit>[2] = {},
) {
  const booked = await bookedVisit(api, start, options);
  const expertToken = (await issueToken(api, { role: 'expert', expertId: booked.expertId })).token;
  const tokens = { staff: undefined, expert: expertToken, company: booked.companyToken };
  return { ...booked, tokens };
}

type Visit = Awaited<ReturnType<typeof visit>>;

function act(
  v: Visit,
  action: 'cancel' | 'report' | 'no-show' | 'reschedule',
  options: { as?: keyof Visit['tokens']; body?: unknown } = {},
) {
  return api.call('POST', `/v1/sessions/${v.session.id}/${action}`, {
    token: v.tokens[options.as ?? 'staff'],
    body: options.body,
  });
}

async function requestStatus(requestId: string) {
  const res = await api.call('GET', `/v1/requests/${requestId}`);
  return res.body.status as string;
}

async function events(sessionId: string, action: string) {
  const [row] = await api.db
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, sessionId), eq(auditEvents.action, action)));
  return row?.n;
}

/** The stored row, reduced to what a refused change must not touch. */
async function snapshot(id: string) {
  const row = await sessionRow(api.db, id);
  return (
    row && {
      status: row.status,
      start: row.start,
      end: row.end,
      blockedFrom: row.blockedFrom,
      blockedTo: row.blockedTo,
      sequence: row.sequence,
      report: row.report,
      cancelReason: row.cancelReason,
    }
  );
}

describe('cancel', () => {
  it.each(['staff', 'expert', 'company'] as const)(
    'by %s: cancelled, sequence + 1, the request is bookable again, the event is audited',
    async (role) => {
      const v = await visit();
      const res = await act(v, 'cancel', { as: role, body: { reason: '日程の都合' } });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({
        id: v.session.id,
        status: 'cancelled',
        sequence: v.session.sequence + 1,
        cancelReason: '日程の都合',
        start: v.session.start,
      });
      expect((await sessionRow(api.db, v.session.id))?.status).toBe('cancelled');
      expect(await requestStatus(v.request.id)).toBe('accepted');
      const audit = await api.call('GET', `/v1/audit?entityType=session&entityId=${v.session.id}`);
      expect(audit.body.items[0]).toMatchObject({
        action: 'session.cancelled',
        actor: { role },
        data: { requestId: v.request.id, sequence: 1 },
      });
    },
  );

  it('needs no body, and the request can then be booked again', async () => {
    const v = await visit();
    const res = await act(v, 'cancel');
    expect(res.status, res.text).toBe(200);
    expect(res.body.cancelReason).toBeNull();
    const again = await book(api, v.request.id, {
      expertId: v.expertId,
      start: jst('2026-12-04', '10:00'),
    });
    expect(again.status, again.text).toBe(201);
    const read = await api.call('GET', `/v1/requests/${v.request.id}`);
    expect(read.body.status).toBe('scheduled');
    expect(read.body.sessions.map((s: SessionBody) => s.status).sort()).toEqual([
      'cancelled',
      'confirmed',
    ]);
  });

  it('another company or another expert cannot cancel it (404), and it stays confirmed', async () => {
    const v = await visit();
    const stranger = await applyAs(api);
    const otherExpert = await createExpert(api);
    const otherToken = (await issueToken(api, { role: 'expert', expertId: otherExpert.id })).token;
    for (const token of [stranger.accessToken, otherToken]) {
      const res = await api.call('POST', `/v1/sessions/${v.session.id}/cancel`, {
        token,
        body: {},
      });
      expectProblem(res, 404, 'not-found');
    }
    expect((await snapshot(v.session.id))?.status).toBe('confirmed');
  });
});

describe('report', () => {
  it.each(['expert', 'staff'] as const)(
    'by %s once the visit has started: completed, report stored, request completed',
    async (role) => {
      const v = await visit();
      api.setNow(jst('2026-12-03', '12:30'));
      const res = await act(v, 'report', { as: role, body: report });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ status: 'completed', sequence: 1, report });
      const row = await sessionRow(api.db, v.session.id);
      expect(row?.report).toEqual(report);
      expect(await requestStatus(v.request.id)).toBe('completed');
      expect(await events(v.session.id, 'session.completed')).toBe(1);
    },
  );

  it('is possible from the start of the visit on, not a millisecond before', async () => {
    const start = jst('2026-12-03', '10:00');
    const v = await visit(start);
    api.setNow(new Date(start.getTime() - 1));
    expectProblem(
      await act(v, 'report', { as: 'expert', body: report }),
      409,
      'invalid-transition',
    );
    api.setNow(start);
    const res = await act(v, 'report', { as: 'expert', body: report });
    expect(res.status, res.text).toBe(200);
  });

  it('the company cannot file it (403); another expert gets 404', async () => {
    const v = await visit();
    api.setNow(jst('2026-12-03', '12:30'));
    expectProblem(await act(v, 'report', { as: 'company', body: report }), 403, 'forbidden');
    const other = await createExpert(api);
    const otherToken = (await issueToken(api, { role: 'expert', expertId: other.id })).token;
    const res = await api.call('POST', `/v1/sessions/${v.session.id}/report`, {
      token: otherToken,
      body: report,
    });
    expectProblem(res, 404, 'not-found');
    expect((await snapshot(v.session.id))?.status).toBe('confirmed');
  });

  it('an unknown topic or an empty summary is 400 and changes nothing', async () => {
    const v = await visit();
    api.setNow(jst('2026-12-03', '12:30'));
    expectFieldError(
      await act(v, 'report', { body: { ...report, topicsCovered: ['gardening'] } }),
      'topicsCovered.0',
    );
    expectFieldError(await act(v, 'report', { body: { ...report, summary: ' ' } }), 'summary');
    expect((await snapshot(v.session.id))?.sequence).toBe(0);
  });
});

describe('no-show', () => {
  it('by the expert after the start: no_show, sequence + 1, the request is open again', async () => {
    const v = await visit();
    api.setNow(jst('2026-12-03', '11:00'));
    const res = await act(v, 'no-show', { as: 'expert' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'no_show', sequence: 1 });
    expect(await requestStatus(v.request.id)).toBe('accepted');
    expect(await events(v.session.id, 'session.no-show')).toBe(1);
  });

  it('before the start is 409 invalid-transition; the company may not mark it (403)', async () => {
    const v = await visit();
    expectProblem(await act(v, 'no-show', { as: 'expert' }), 409, 'invalid-transition');
    api.setNow(jst('2026-12-03', '11:00'));
    expectProblem(await act(v, 'no-show', { as: 'company' }), 403, 'forbidden');
    expect((await snapshot(v.session.id))?.status).toBe('confirmed');
  });
});

describe('illegal transitions are 409 invalid-transition and change nothing', () => {
  async function cancelled() {
    const v = await visit();
    expect((await act(v, 'cancel', { body: { reason: 'x' } })).status).toBe(200);
    return v;
  }
  async function completed() {
    const v = await visit();
    api.setNow(jst('2026-12-03', '12:30'));
    expect((await act(v, 'report', { as: 'expert', body: report })).status).toBe(200);
    return v;
  }
  async function noShow() {
    const v = await visit();
    api.setNow(jst('2026-12-03', '12:30'));
    expect((await act(v, 'no-show', { as: 'expert' })).status).toBe(200);
    return v;
  }
  const reschedule = { start: iso(jst('2026-12-04', '10:00')) };

  const cases: Array<[string, () => Promise<Visit>, Parameters<typeof act>[1], unknown]> = [
    ['report a cancelled visit', cancelled, 'report', report],
    ['cancel a cancelled visit', cancelled, 'cancel', {}],
    ['reschedule a cancelled visit', cancelled, 'reschedule', reschedule],
    ['mark a cancelled visit as a no-show', cancelled, 'no-show', undefined],
    ['cancel a completed visit', completed, 'cancel', {}],
    ['reschedule a completed visit', completed, 'reschedule', reschedule],
    ['report a completed visit again', completed, 'report', report],
    ['mark a completed visit as a no-show', completed, 'no-show', undefined],
    ['cancel a no-show', noShow, 'cancel', {}],
    ['report a no-show', noShow, 'report', report],
  ];

  it.each(cases)('%s', async (_, make, action, body) => {
    const v = await make();
    const before = await snapshot(v.session.id);
    const res = await act(v, action, { body });
    expectProblem(res, 409, 'invalid-transition');
    expect(await snapshot(v.session.id)).toEqual(before);
  });

  it('report before the visit has started', async () => {
    const v = await visit();
    const before = await snapshot(v.session.id);
    expectProblem(
      await act(v, 'report', { as: 'expert', body: report }),
      409,
      'invalid-transition',
    );
    expect(await snapshot(v.session.id)).toEqual(before);
    expect(await requestStatus(v.request.id)).toBe('scheduled');
  });
});

describe('reschedule', () => {
  it('to a free slot: new times and blocked range, sequence + 1, audited, old slot freed', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    const to = jst('2026-12-07', '13:00');
    const res = await act(v, 'reschedule', { body: { start: iso(to) } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: v.session.id,
      status: 'confirmed',
      start: iso(to),
      end: iso(jst('2026-12-07', '15:00')),
      sequence: 1,
    });
    const row = await sessionRow(api.db, v.session.id);
    expect(row?.blockedFrom).toEqual(jst('2026-12-07', '12:00'));
    expect(row?.blockedTo).toEqual(jst('2026-12-07', '16:00'));
    expect(await requestStatus(v.request.id)).toBe('scheduled');
    const audit = await api.call('GET', `/v1/audit?entityType=session&entityId=${v.session.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'session.rescheduled',
      data: { sequence: 1, to: iso(to) },
    });

    const other = await applyAs(api);
    const old = await book(api, other.request.id, {
      expertId: v.expertId,
      start: jst('2026-12-03', '10:00'),
    });
    expect(old.status, old.text).toBe(201);
  });

  it('by the company inside its windows; outside them is 422 and changes nothing', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    const inside = await act(v, 'reschedule', {
      as: 'company',
      body: { start: iso(jst('2026-12-04', '14:00')) },
    });
    expect(inside.status, inside.text).toBe(200);
    const before = await snapshot(v.session.id);
    const outside = await act(v, 'reschedule', {
      as: 'company',
      body: { start: iso(jst('2026-12-10', '10:00')) },
    });
    expectProblem(outside, 422, 'outside-availability');
    expect(await snapshot(v.session.id)).toEqual(before);
  });

  it('the expert may not reschedule (403)', async () => {
    const v = await visit();
    const res = await act(v, 'reschedule', {
      as: 'expert',
      body: { start: iso(jst('2026-12-04', '10:00')) },
    });
    expectProblem(res, 403, 'forbidden');
  });

  it('onto a slot another visit holds is 409 slot-taken; the visit keeps its old slot', async () => {
    const taken = await visit(jst('2026-12-03', '10:00'));
    const v = await visit(jst('2026-12-04', '10:00'), { expertId: taken.expertId });
    const before = await snapshot(v.session.id);
    for (const start of ['10:00', '10:30', '12:30', '13:00']) {
      const res = await act(v, 'reschedule', { body: { start: iso(jst('2026-12-03', start)) } });
      expectProblem(res, 409, 'slot-taken');
    }
    expect(await snapshot(v.session.id)).toEqual(before);
    expect(await events(v.session.id, 'session.rescheduled')).toBe(0);
    const read = await api.call('GET', `/v1/sessions/${v.session.id}`);
    expect(read.body).toMatchObject({ start: v.session.start, end: v.session.end, sequence: 0 });
  });

  it('onto a time the same company has a visit with another expert is 409 slot-taken', async () => {
    const number = corporateNumber();
    const first = await visit(jst('2026-12-03', '10:00'), {
      application: { corporateNumber: number },
    });
    const second = await visit(jst('2026-12-04', '10:00'), {
      application: { corporateNumber: number },
    });
    const before = await snapshot(second.session.id);
    const res = await act(second, 'reschedule', {
      body: { start: iso(jst('2026-12-03', '11:00')) },
    });
    expectProblem(res, 409, 'slot-taken');
    expect(await snapshot(second.session.id)).toEqual(before);
    expect((await snapshot(first.session.id))?.sequence).toBe(0);
  });

  it('may overlap its own old time (30 minutes later)', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    const res = await act(v, 'reschedule', { body: { start: iso(jst('2026-12-03', '10:30')) } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.end).toBe(iso(jst('2026-12-03', '12:30')));
  });

  it('does not count the moved visit against the quotas', async () => {
    const v = await visit(jst('2026-12-03', '10:00'), { expert: { maxVisitsPerMonth: 1 } });
    const res = await act(v, 'reschedule', { body: { start: iso(jst('2026-12-08', '10:00')) } });
    expect(res.status, res.text).toBe(200);
  });

  it('into a month where the expert is at the cap is 409 quota-exceeded and changes nothing', async () => {
    const december = await visit(jst('2026-12-03', '10:00'), { expert: { maxVisitsPerMonth: 1 } });
    await visit(jst('2027-01-05', '10:00'), { expertId: december.expertId });
    const before = await snapshot(december.session.id);
    const res = await act(december, 'reschedule', {
      body: { start: iso(jst('2027-01-07', '10:00')) },
    });
    expectProblem(res, 409, 'quota-exceeded');
    expect(await snapshot(december.session.id)).toEqual(before);
  });

  it('to an off-grid start or a holiday is 422 and changes nothing', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    const before = await snapshot(v.session.id);
    for (const start of [jst('2026-12-04', '10:15'), jst('2027-01-11', '10:00')]) {
      expectProblem(
        await act(v, 'reschedule', { body: { start: iso(start) } }),
        422,
        'outside-availability',
      );
    }
    expect(await snapshot(v.session.id)).toEqual(before);
  });
});

describe('reading a visit', () => {
  it('GET /v1/sessions/:id for staff, its expert and its company; 404 for others', async () => {
    const v = await visit();
    for (const role of ['staff', 'expert', 'company'] as const) {
      const res = await api.call('GET', `/v1/sessions/${v.session.id}`, { token: v.tokens[role] });
      expect(res.status, `${role}: ${res.text}`).toBe(200);
      expect(res.body).toEqual(v.session);
    }
    const stranger = await applyAs(api);
    const otherExpert = await createExpert(api);
    const otherToken = (await issueToken(api, { role: 'expert', expertId: otherExpert.id })).token;
    for (const token of [stranger.accessToken, otherToken]) {
      expectProblem(
        await api.call('GET', `/v1/sessions/${v.session.id}`, { token }),
        404,
        'not-found',
      );
    }
    expectProblem(
      await api.call('GET', '/v1/sessions/00000000-0000-4000-8000-000000000000'),
      404,
      'not-found',
    );
    expectProblem(
      await api.call('GET', `/v1/sessions/${v.session.id}`, { token: null }),
      401,
      'unauthorized',
    );
  });

  it('GET /v1/me/sessions lists only the expert’s own visits, in time order', async () => {
    const later = await visit(jst('2026-12-08', '10:00'));
    const earlier = await visit(jst('2026-12-03', '10:00'), { expertId: later.expertId });
    const someoneElse = await visit(jst('2026-12-03', '10:00'));
    const mine = await api.call('GET', '/v1/me/sessions', { token: later.tokens.expert });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.items.map((s: SessionBody) => s.id)).toEqual([
      earlier.session.id,
      later.session.id,
    ]);
    const theirs = await api.call('GET', '/v1/me/sessions', { token: someoneElse.tokens.expert });
    expect(theirs.body.items.map((s: SessionBody) => s.id)).toEqual([someoneElse.session.id]);
    expectProblem(await api.call('GET', '/v1/me/sessions'), 403, 'forbidden');
    expectProblem(
      await api.call('GET', '/v1/me/sessions', { token: later.tokens.company }),
      403,
      'forbidden',
    );
  });
});

describe('GET /v1/sessions/:id/calendar.ics', () => {
  function event(text: string) {
    const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
    const vevents = calendar.getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(1);
    const vevent = vevents[0] as ICAL.Component;
    const dtstart = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
    const dtend = vevent.getFirstPropertyValue('dtend') as ICAL.Time;
    return {
      method: calendar.getFirstPropertyValue('method'),
      uid: vevent.getFirstPropertyValue('uid'),
      sequence: vevent.getFirstPropertyValue('sequence'),
      status: vevent.getFirstPropertyValue('status'),
      start: dtstart.toJSDate().toISOString(),
      end: dtend.toJSDate().toISOString(),
    };
  }

  async function ics(v: Visit, as: keyof Visit['tokens'] = 'staff') {
    const res = await api.call('GET', `/v1/sessions/${v.session.id}/calendar.ics`, {
      token: v.tokens[as],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    return event(res.text);
  }

  it('one VEVENT with UID <id>@haken, the sequence, and CONFIRMED then CANCELLED', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    for (const role of ['staff', 'expert', 'company'] as const) {
      expect(await ics(v, role)).toEqual({
        method: 'PUBLISH',
        uid: `${v.session.id}@haken`,
        sequence: 0,
        status: 'CONFIRMED',
        start: v.session.start,
        end: v.session.end,
      });
    }
    expect((await act(v, 'cancel', { body: { reason: '中止' } })).status).toBe(200);
    expect(await ics(v, 'company')).toMatchObject({
      uid: `${v.session.id}@haken`,
      sequence: 1,
      status: 'CANCELLED',
    });
  });

  it('follows a reschedule with the new times and a higher SEQUENCE', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    const to = jst('2026-12-04', '13:30');
    expect((await act(v, 'reschedule', { body: { start: iso(to) } })).status).toBe(200);
    expect(await ics(v, 'expert')).toMatchObject({
      sequence: 1,
      status: 'CONFIRMED',
      start: iso(to),
      end: iso(jst('2026-12-04', '15:30')),
    });
  });

  it('is 404 for another company', async () => {
    const v = await visit();
    const stranger = await applyAs(api);
    const res = await api.call('GET', `/v1/sessions/${v.session.id}/calendar.ics`, {
      token: stranger.accessToken,
    });
    expectProblem(res, 404, 'not-found');
  });
});

describe('GET /v1/sessions/:id/slots: where a visit can move', () => {
  const slotsOf = (v: Visit, as: keyof Visit['tokens'] = 'company') =>
    api.call('GET', `/v1/sessions/${v.session.id}/slots`, { token: v.tokens[as] });

  it('its own expert’s free starts in the windows, its own time left out and overlaps offered', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    // Another company holds the expert on Friday morning.
    await visit(jst('2026-12-04', '10:00'), { expertId: v.expertId });
    const res = await slotsOf(v);
    expect(res.status, res.text).toBe(200);
    const starts: string[] = res.body.slots.map((s: { start: string }) => s.start);
    expect(new Set(res.body.slots.map((s: { expert: { id: string } }) => s.expert.id))).toEqual(
      new Set([v.expertId]),
    );
    expect(starts).not.toContain(v.session.start);
    // Half an hour later overlaps the visit where it is now: it can still move there.
    expect(starts).toContain(iso(jst('2026-12-03', '10:30')));
    // Friday 10:00 is the other company's, and with the 60-minute travel buffer so is 12:30.
    expect(starts).not.toContain(iso(jst('2026-12-04', '10:00')));
    expect(starts).not.toContain(iso(jst('2026-12-04', '12:30')));
    expect(starts).toContain(iso(jst('2026-12-04', '14:00')));
    // Only inside the request's preferred window (Wed 12-02 09:00 to Wed 12-09 09:00 JST).
    expect(starts.every((s) => s >= iso(jst('2026-12-02', '09:00')))).toBe(true);
    expect(starts.every((s) => s < iso(jst('2026-12-09', '09:00')))).toBe(true);
    expect(starts).toEqual([...starts].sort());
  });

  it('the visit being moved does not count toward its expert’s monthly cap', async () => {
    const v = await visit(jst('2026-12-03', '10:00'), { expert: { maxVisitsPerMonth: 1 } });
    const starts = ((await slotsOf(v)).body.slots as { start: string }[]).map((s) => s.start);
    expect(starts).toContain(iso(jst('2026-12-07', '10:00')));
  });

  it('every start offered is one the company can reschedule to', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    await visit(jst('2026-12-04', '13:00'), { expertId: v.expertId });
    const { slots } = (await slotsOf(v)).body as { slots: { start: string; end: string }[] };
    for (const slot of [slots[0], slots[Math.floor(slots.length / 2)], slots.at(-1)]) {
      if (!slot) throw new Error('no slot offered');
      const moved = await act(v, 'reschedule', { as: 'company', body: { start: slot.start } });
      expect(moved.status, moved.text).toBe(200);
      expect(moved.body).toMatchObject({ start: slot.start, end: slot.end });
    }
  });

  it('staff see the same; the expert may not ask (403), another company gets 404', async () => {
    const v = await visit();
    const other = await visit();
    const staff = await slotsOf(v, 'staff');
    expect(staff.body).toEqual((await slotsOf(v)).body);
    expectProblem(await slotsOf(v, 'expert'), 403, 'forbidden');
    const foreign = await api.call('GET', `/v1/sessions/${v.session.id}/slots`, {
      token: other.companyToken,
    });
    expectProblem(foreign, 404, 'not-found');
  });

  it('a cancelled visit has nowhere to move', async () => {
    const v = await visit();
    expect((await act(v, 'cancel')).status).toBe(200);
    const res = await slotsOf(v);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ slots: [], fullFiscalYears: [] });
  });
});
