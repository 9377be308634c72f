import { and, count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, sessions } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import {
  applyAs,
  book,
  bookedVisit,
  corporateNumber,
  jst,
  sessionsOf,
} from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// The harness clock stands at Wed 2026-11-25 09:00 JST (bookable from Sat 11-28 09:00 JST,
// 72 h notice, to 2027-02-23, 90 days); the default preferred window is Wed 2026-12-02 09:00
// to Wed 2026-12-09 09:00 JST. Experts work Mon–Fri 09:00–17:00 JST with a 60-minute travel
// buffer on site. Every refused booking must leave no session behind and the request open.

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

async function expectNothingBooked(requestId: string) {
  expect(await sessionsOf(api.db, requestId)).toHaveLength(0);
  const read = await api.call('GET', `/v1/requests/${requestId}`);
  expect(read.body.status).toBe('accepted');
}

async function bookedEventCount() {
  const [row] = await api.db
    .select({ n: count() })
    .from(auditEvents)
    .where(eq(auditEvents.action, 'session.booked'));
  return row?.n ?? 0;
}

describe('422 outside-availability', () => {
  const refused: Array<[string, Date]> = [
    ['an off-grid start (10:15)', jst('2026-12-03', '10:15')],
    ['a start on the quarter hour (14:45)', jst('2026-12-03', '14:45')],
    ['a national holiday (成人の日, Mon 2027-01-11)', jst('2027-01-11', '10:00')],
    ['a Saturday', jst('2026-12-05', '10:00')],
    ['before working hours (08:00)', jst('2026-12-03', '08:00')],
    ['a visit that would run past 17:00 (16:00 + 120 min)', jst('2026-12-03', '16:00')],
    ['after working hours (17:00)', jst('2026-12-03', '17:00')],
    ['inside the minimum notice (Fri 11-27 10:00, 49 h ahead)', jst('2026-11-27', '10:00')],
    ['in the past', jst('2026-11-20', '10:00')],
    ['beyond the horizon (2027-03-01)', jst('2027-03-01', '10:00')],
  ];

  it.each(refused)('staff booking %s is 422 and writes nothing', async (_, start) => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const before = await bookedEventCount();
    const res = await book(api, request.id, { expertId: expert.id, start });
    expectProblem(res, 422, 'outside-availability');
    await expectNothingBooked(request.id);
    expect(await bookedEventCount()).toBe(before);
  });

  it('the notice is counted from now to the minute: 72 h ahead is bookable, 71.5 h is not', async () => {
    // Fri 2026-11-27 10:00 JST: the bookable range opens Mon 2026-11-30 10:00 JST.
    api.setNow(jst('2026-11-27', '10:00'));
    try {
      const expert = await createExpert(api);
      const { request } = await applyAs(api);
      const early = await book(api, request.id, {
        expertId: expert.id,
        start: jst('2026-11-30', '09:30'),
      });
      expectProblem(early, 422, 'outside-availability');
      const first = await book(api, request.id, {
        expertId: expert.id,
        start: jst('2026-11-30', '10:00'),
      });
      expect(first.status, first.text).toBe(201);
    } finally {
      api.setNow('2026-11-25T00:00:00Z');
    }
  });

  it('the last working day before the horizon is bookable (Mon 2027-02-22)', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const res = await book(api, request.id, {
      expertId: expert.id,
      start: jst('2027-02-22', '15:00'),
    });
    expect(res.status, res.text).toBe(201);
  });

  it('the company may not book outside its preferred windows, where staff may', async () => {
    const expert = await createExpert(api);
    const { request, accessToken } = await applyAs(api);
    const start = jst('2026-12-10', '10:00');
    const res = await book(api, request.id, { expertId: expert.id, start }, { token: accessToken });
    expectProblem(res, 422, 'outside-availability');
    await expectNothingBooked(request.id);
    const staff = await book(api, request.id, { expertId: expert.id, start });
    expect(staff.status, staff.text).toBe(201);
  });

  it('a day the expert closed by an override is 422; an override opening a holiday is bookable', async () => {
    const expert = await createExpert(api);
    const set = await api.call('PUT', `/v1/experts/${expert.id}/availability`, {
      body: {
        weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
        overrides: [
          { date: '2026-12-03', available: false },
          { date: '2027-01-11', start: '10:00', end: '15:00' },
        ],
      },
    });
    expect(set.status, set.text).toBe(200);
    const closed = await applyAs(api);
    const res = await book(api, closed.request.id, {
      expertId: expert.id,
      start: jst('2026-12-03', '10:00'),
    });
    expectProblem(res, 422, 'outside-availability');
    const opened = await applyAs(api);
    const holiday = await book(api, opened.request.id, {
      expertId: expert.id,
      start: jst('2027-01-11', '10:00'),
    });
    expect(holiday.status, holiday.text).toBe(201);
  });

  it('an inactive expert, a conflict of interest, or a prefecture the expert does not visit is 422', async () => {
    const number = corporateNumber();
    const inactive = await createExpert(api);
    const off = await api.call('PATCH', `/v1/experts/${inactive.id}`, { body: { active: false } });
    expect(off.status, off.text).toBe(200);
    const conflicted = await createExpert(api, { conflicts: [number] });
    const elsewhere = await createExpert(api, { prefectures: ['01'] });
    const { request } = await applyAs(api, { corporateNumber: number });
    for (const expertId of [inactive.id, conflicted.id, elsewhere.id]) {
      const res = await book(api, request.id, { expertId, start: jst('2026-12-03', '10:00') });
      expectProblem(res, 422, 'outside-availability');
    }
    await expectNothingBooked(request.id);
  });
});

describe('409 slot-taken', () => {
  it('the same expert at the same time for another company', async () => {
    const start = jst('2026-12-03', '10:00');
    const first = await bookedVisit(api, start);
    const { request } = await applyAs(api);
    const res = await book(api, request.id, { expertId: first.expertId, start });
    expectProblem(res, 409, 'slot-taken');
    await expectNothingBooked(request.id);
  });

  it('a partial overlap (11:00 against 10:00–12:00)', async () => {
    const first = await bookedVisit(api, jst('2026-12-03', '10:00'));
    const { request } = await applyAs(api);
    const res = await book(api, request.id, {
      expertId: first.expertId,
      start: jst('2026-12-03', '11:00'),
    });
    expectProblem(res, 409, 'slot-taken');
  });

  it('an online visit inside an on-site visit’s travel buffer (12:00 against 10:00–12:00 + 60)', async () => {
    const first = await bookedVisit(api, jst('2026-12-03', '10:00'));
    const { request } = await applyAs(api, { format: 'online', durationMinutes: 60 });
    const res = await book(api, request.id, {
      expertId: first.expertId,
      start: jst('2026-12-03', '12:00'),
    });
    expectProblem(res, 409, 'slot-taken');
    await expectNothingBooked(request.id);
  });

  it('an on-site visit whose own buffer reaches the other’s (13:00 against 10:00–12:00, both ± 60)', async () => {
    const first = await bookedVisit(api, jst('2026-12-03', '10:00'));
    const { request } = await applyAs(api);
    const res = await book(api, request.id, {
      expertId: first.expertId,
      start: jst('2026-12-03', '13:00'),
    });
    expectProblem(res, 409, 'slot-taken');
  });

  it('an on-site visit whose buffer reaches back into an earlier online visit', async () => {
    const first = await bookedVisit(api, jst('2026-12-03', '09:00'), {
      application: { format: 'online', durationMinutes: 60 },
    });
    const { request } = await applyAs(api);
    // Blocked 09:30–12:30 against the online 09:00–10:00.
    const res = await book(api, request.id, {
      expertId: first.expertId,
      start: jst('2026-12-03', '10:30'),
    });
    expectProblem(res, 409, 'slot-taken');
  });

  it('one company cannot have two visits at once, even with two experts', async () => {
    const number = corporateNumber();
    const first = await bookedVisit(api, jst('2026-12-04', '10:00'), {
      application: { corporateNumber: number },
    });
    const other = await createExpert(api);
    const { request } = await applyAs(api, { corporateNumber: number });
    const res = await book(api, request.id, {
      expertId: other.id,
      start: jst('2026-12-04', '11:00'),
    });
    expectProblem(res, 409, 'slot-taken');
    await expectNothingBooked(request.id);
    expect(first.session.status).toBe('confirmed');
  });

  it('a cancelled visit no longer holds its slot', async () => {
    const start = jst('2026-12-07', '10:00');
    const first = await bookedVisit(api, start);
    const cancel = await api.call('POST', `/v1/sessions/${first.session.id}/cancel`, {
      body: { reason: 'schedule changed' },
    });
    expect(cancel.status, cancel.text).toBe(200);
    const { request } = await applyAs(api);
    const res = await book(api, request.id, { expertId: first.expertId, start });
    expect(res.status, res.text).toBe(201);
  });
});

describe('409 invalid-transition', () => {
  it('booking a request that is already scheduled', async () => {
    const first = await bookedVisit(api, jst('2026-12-03', '10:00'));
    const res = await book(api, first.request.id, {
      expertId: first.expertId,
      start: jst('2026-12-04', '10:00'),
    });
    expectProblem(res, 409, 'invalid-transition');
    expect(await sessionsOf(api.db, first.request.id)).toHaveLength(1);
  });

  it('booking a request the company withdrew', async () => {
    const expert = await createExpert(api);
    const { request, accessToken } = await applyAs(api);
    const withdrawn = await api.call('POST', `/v1/requests/${request.id}/cancel`, {
      token: accessToken,
      body: {},
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const res = await book(api, request.id, {
      expertId: expert.id,
      start: jst('2026-12-03', '10:00'),
    });
    expectProblem(res, 409, 'invalid-transition');
    expect(await sessionsOf(api.db, request.id)).toHaveLength(0);
  });
});

describe('Idempotency-Key reused with another body', () => {
  it('is 422 idempotency-key-reused and books nothing more', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const first = await book(
      api,
      request.id,
      { expertId: expert.id, start: jst('2026-12-08', '10:00') },
      { key: 'reused-key' },
    );
    expect(first.status, first.text).toBe(201);
    const second = await book(
      api,
      request.id,
      { expertId: expert.id, start: jst('2026-12-08', '14:00') },
      { key: 'reused-key' },
    );
    expectProblem(second, 422, 'idempotency-key-reused');
    const rows = await sessionsOf(api.db, request.id);
    expect(rows.map((r) => r.id)).toEqual([first.body.id]);
    expect(rows[0]?.start).toEqual(jst('2026-12-08', '10:00'));
  });

  it('a refused booking leaves its key free: the retry with the same key can succeed', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const off = await book(
      api,
      request.id,
      { expertId: expert.id, start: jst('2026-12-08', '10:15') },
      { key: 'retry-key' },
    );
    expectProblem(off, 422, 'outside-availability');
    const ok = await book(
      api,
      request.id,
      { expertId: expert.id, start: jst('2026-12-08', '10:30') },
      { key: 'retry-key' },
    );
    expect(ok.status, ok.text).toBe(201);
  });
});

describe('who may book', () => {
  it('no token is 401, an expert token is 403, another company’s token is 404', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const other = await applyAs(api);
    const expertToken = await issueToken(api, { role: 'expert', expertId: expert.id });
    const body = { expertId: expert.id, start: jst('2026-12-03', '10:00') };
    expectProblem(await book(api, request.id, body, { token: null }), 401, 'unauthorized');
    expectProblem(
      await book(api, request.id, body, { token: expertToken.token }),
      403,
      'forbidden',
    );
    expectProblem(
      await book(api, request.id, body, { token: other.accessToken }),
      404,
      'not-found',
    );
    await expectNothingBooked(request.id);
  });

  it('another company replaying the owner’s Idempotency-Key and body gets 404, not the visit', async () => {
    const expert = await createExpert(api);
    const owner = await applyAs(api);
    const stranger = await applyAs(api);
    const body = { expertId: expert.id, start: jst('2026-12-03', '10:00') };
    const first = await book(api, owner.request.id, body, {
      token: owner.accessToken,
      key: 'guessable-key',
    });
    expect(first.status, first.text).toBe(201);
    // Without a key the stranger gets 404; a key must not turn that into the owner's answer.
    const replay = await book(api, owner.request.id, body, {
      token: stranger.accessToken,
      key: 'guessable-key',
    });
    expectProblem(replay, 404, 'not-found');
  });

  it.each([
    ['a day the month does not have', '2026-12-32T10:00:00+09:00'],
    ['30 February', '2027-02-30T10:00:00+09:00'],
    ['31 November', '2026-11-31T10:00:00+09:00'],
    ['hour 24', '2026-12-03T24:00:00+09:00'],
    ['minute 60', '2026-12-03T10:60:00+09:00'],
    ['second 60', '2026-12-03T10:00:60+09:00'],
    ['an offset of +24:00', '2026-12-03T10:00:00+24:00'],
    ['year 0, which Postgres does not have', '0000-06-01T10:00:00+09:00'],
    ['year 0 once in UTC', '0001-01-01T00:00:00+00:01'],
    ['year 10000 once in UTC', '9999-12-31T23:30:00-09:00'],
  ])('a start on %s is 400 naming start, not a visit on another day', async (_, start) => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const res = await api.call('POST', `/v1/requests/${request.id}/sessions`, {
      body: { expertId: expert.id, start },
    });
    expectFieldError(res, 'start');
    await expectNothingBooked(request.id);
  });

  it.each([
    ['without seconds', '2026-12-03T10:00+09:00'],
    ['in lower case', '2026-12-03t01:00:00z'],
    ['with nine fractional digits and -00:00', '2026-12-03T01:00:00.000000000-00:00'],
    ['in another offset', '2026-12-02T20:00:00-05:00'],
  ])('a start written %s is the same instant, booked', async (_, start) => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const res = await api.call('POST', `/v1/requests/${request.id}/sessions`, {
      body: { expertId: expert.id, start },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.start).toBe('2026-12-03T01:00:00.000Z');
  });

  it('an unknown request is 404; an unknown expert or a malformed body is 400', async () => {
    const expert = await createExpert(api);
    const { request } = await applyAs(api);
    const start = jst('2026-12-03', '10:00');
    expectProblem(
      await book(api, '00000000-0000-4000-8000-000000000000', { expertId: expert.id, start }),
      404,
      'not-found',
    );
    expectFieldError(
      await book(api, request.id, { expertId: '00000000-0000-4000-8000-000000000000', start }),
      'expertId',
    );
    const bad = await api.call('POST', `/v1/requests/${request.id}/sessions`, {
      body: { expertId: 'nope', start: 'tomorrow' },
    });
    expectProblem(bad, 400, 'validation-failed');
    await expectNothingBooked(request.id);
  });

  it('the request is judged before the expert: unknown is 404, scheduled is 409, whoever is named', async () => {
    const nobody = {
      expertId: '00000000-0000-4000-8000-000000000000',
      start: jst('2026-12-04', '10:00'),
    };
    expectProblem(
      await book(api, '00000000-0000-4000-8000-000000000001', nobody),
      404,
      'not-found',
    );
    const first = await bookedVisit(api, jst('2026-12-03', '10:00'));
    expectProblem(await book(api, first.request.id, nobody), 409, 'invalid-transition');
  });
});

describe('409 quota-exceeded: the expert’s maxVisitsPerMonth', () => {
  it('refuses a visit over the monthly cap, counts only active visits, and resets next month', async () => {
    const expert = await createExpert(api, { maxVisitsPerMonth: 1 });
    const first = await bookedVisit(api, jst('2026-12-03', '10:00'), { expertId: expert.id });
    const { request } = await applyAs(api);
    const over = await book(api, request.id, {
      expertId: expert.id,
      start: jst('2026-12-08', '10:00'),
    });
    expectProblem(over, 409, 'quota-exceeded');
    await expectNothingBooked(request.id);

    // January (JST) is a new month; staff may book there, outside the preferred windows.
    const january = await book(api, request.id, {
      expertId: expert.id,
      start: jst('2027-01-05', '10:00'),
    });
    expect(january.status, january.text).toBe(201);

    // A cancelled visit no longer counts against December.
    await api.call('POST', `/v1/sessions/${first.session.id}/cancel`, { body: {} });
    const again = await applyAs(api);
    const ok = await book(api, again.request.id, {
      expertId: expert.id,
      start: jst('2026-12-08', '10:00'),
    });
    expect(ok.status, ok.text).toBe(201);
  });

  it('the month is the Tokyo month: 2027-01-01 00:30 JST is January, not December', async () => {
    // Open New Year's Day at night by override, so a visit can start 2026-12-31T15:30Z.
    const expert = await createExpert(api, { maxVisitsPerMonth: 1, online: true });
    await api.call('PUT', `/v1/experts/${expert.id}/availability`, {
      body: {
        weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
        overrides: [{ date: '2027-01-01', start: '00:00', end: '03:00' }],
      },
    });
    await bookedVisit(api, jst('2026-12-03', '10:00'), { expertId: expert.id });
    const { request } = await applyAs(api, { format: 'online', durationMinutes: 60 });
    const res = await book(api, request.id, {
      expertId: expert.id,
      start: jst('2027-01-01', '00:30'),
    });
    expect(res.status, res.text).toBe(201);
  });

  it('a cap of 0 refuses every visit', async () => {
    const expert = await createExpert(api, { maxVisitsPerMonth: 0 });
    const { request } = await applyAs(api);
    const res = await book(api, request.id, {
      expertId: expert.id,
      start: jst('2026-12-03', '10:00'),
    });
    expectProblem(res, 409, 'quota-exceeded');
  });
});

describe('409 quota-exceeded: VISITS_PER_COMPANY_PER_FY', () => {
  let quota: TestApi;
  beforeAll(async () => {
    quota = await testApi({ VISITS_PER_COMPANY_PER_FY: '1' });
  });
  afterAll(() => quota.close());
  afterEach(() => quota.setNow('2026-11-25T00:00:00Z'));

  it('refuses the second active visit of a company in one fiscal year; a cancelled one frees the quota', async () => {
    const number = corporateNumber();
    const first = await bookedVisit(quota, jst('2026-12-03', '10:00'), {
      application: { corporateNumber: number },
    });
    const expert = await createExpert(quota);
    const { request } = await applyAs(quota, { corporateNumber: number });
    const over = await book(quota, request.id, {
      expertId: expert.id,
      start: jst('2026-12-08', '10:00'),
    });
    expectProblem(over, 409, 'quota-exceeded');
    expect(await sessionsOf(quota.db, request.id)).toHaveLength(0);

    // Another company is not affected.
    const other = await applyAs(quota);
    const theirs = await book(quota, other.request.id, {
      expertId: expert.id,
      start: jst('2026-12-08', '10:00'),
    });
    expect(theirs.status, theirs.text).toBe(201);

    const cancel = await quota.call('POST', `/v1/sessions/${first.session.id}/cancel`, {
      body: {},
    });
    expect(cancel.status, cancel.text).toBe(200);
    const ok = await book(quota, request.id, {
      expertId: first.expertId,
      start: jst('2026-12-08', '10:00'),
    });
    expect(ok.status, ok.text).toBe(201);
  });

  it('the quota is per fiscal year: a visit in April 2027 is FY2027', async () => {
    const number = corporateNumber();
    await bookedVisit(quota, jst('2026-12-04', '10:00'), {
      application: { corporateNumber: number },
    });
    quota.setNow('2027-03-15T00:00:00Z');
    const expert = await createExpert(quota);
    const windows = [{ start: jst('2027-03-26', '09:00'), end: jst('2027-04-10', '17:00') }];
    const { request } = await applyAs(quota, {
      corporateNumber: number,
      preferredWindows: windows,
    });
    // Fri 2027-03-26 is still FY2026, which already has its one visit.
    const march = await book(quota, request.id, {
      expertId: expert.id,
      start: jst('2027-03-26', '10:00'),
    });
    expectProblem(march, 409, 'quota-exceeded');
    // Thu 2027-04-01 09:00 JST is the first hour of FY2027.
    const april = await book(quota, request.id, {
      expertId: expert.id,
      start: jst('2027-04-01', '09:00'),
    });
    expect(april.status, april.text).toBe(201);
  });

  it('a company at its quota asking for an overlapping time is refused and keeps one visit', async () => {
    const number = corporateNumber();
    await bookedVisit(quota, jst('2026-12-07', '10:00'), {
      application: { corporateNumber: number },
    });
    const expert = await createExpert(quota);
    const { request } = await applyAs(quota, { corporateNumber: number });
    const res = await book(quota, request.id, {
      expertId: expert.id,
      start: jst('2026-12-07', '10:00'),
    });
    expect(res.status).toBe(409);
    expect(['quota-exceeded', 'slot-taken']).toContain(res.body.code);
    const [row] = await quota.db
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.companyId, request.company.id), eq(sessions.status, 'confirmed')));
    expect(row?.n).toBe(1);
  });
});
