import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dateOverrides, weeklyHours } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { createExpert, weekdays9to17 } from '../support/fixtures.ts';
import {
  applyAs,
  days,
  expertToken,
  matchesFor,
  matchOf,
  retireEveryExpert,
  startsOf,
} from '../support/matching.ts';
import { expectFieldError, expectProblem, fieldPaths } from '../support/problems.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());
beforeEach(() => {
  // Wednesday 2026-11-25 09:00 JST.
  api.setNow('2026-11-25T00:00:00Z');
});

/** The stored availability of one expert, as [weekday, start, end] and [date, start, end]. */
async function stored(expertId: string) {
  const weekly = await api.db
    .select()
    .from(weeklyHours)
    .where(eq(weeklyHours.expertId, expertId))
    .orderBy(asc(weeklyHours.weekday), asc(weeklyHours.start));
  const overrides = await api.db
    .select()
    .from(dateOverrides)
    .where(eq(dateOverrides.expertId, expertId))
    .orderBy(asc(dateOverrides.date), asc(dateOverrides.start));
  return {
    weekly: weekly.map((w) => [w.weekday, w.start.slice(0, 5), w.end.slice(0, 5)]),
    overrides: overrides.map((o) => [
      o.date,
      o.start?.slice(0, 5) ?? null,
      o.end?.slice(0, 5) ?? null,
    ]),
  };
}

const monToFri = [
  [1, '09:00', '17:00'],
  [2, '09:00', '17:00'],
  [3, '09:00', '17:00'],
  [4, '09:00', '17:00'],
  [5, '09:00', '17:00'],
];

describe('PUT /v1/me/availability', () => {
  it('replaces the weekly hours and overrides of the token’s expert only', async () => {
    const own = await createExpert(api, { name: '本人' });
    const other = await createExpert(api, { name: '他人' });
    const token = await expertToken(api, own.id);

    const res = await api.call('PUT', '/v1/me/availability', {
      token,
      body: {
        weekly: [
          { weekday: 2, start: '09:00', end: '12:00' },
          { weekday: 2, start: '13:00', end: '18:30' },
          { weekday: 6, start: '10:00', end: '24:00' },
        ],
        overrides: [
          { date: '2026-12-24', available: false },
          { date: '2026-12-26', start: '10:00', end: '15:00' },
        ],
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(own.id);
    expect(res.body.availability.overrides).toEqual([
      { date: '2026-12-24', available: false },
      { date: '2026-12-26', available: true, start: '10:00', end: '15:00' },
    ]);

    expect(await stored(own.id)).toEqual({
      weekly: [
        [2, '09:00', '12:00'],
        [2, '13:00', '18:30'],
        [6, '10:00', '24:00'],
      ],
      overrides: [
        ['2026-12-24', null, null],
        ['2026-12-26', '10:00', '15:00'],
      ],
    });
    expect(await stored(other.id)).toEqual({ weekly: monToFri, overrides: [] });

    const me = await api.call('GET', '/v1/me', { token });
    expect(me.body.availability).toEqual(res.body.availability);
  });

  it('takes effect on the slots offered at once', async () => {
    await retireEveryExpert(api);
    const { id } = await createExpert(api);
    const { request } = await applyAs(api, {
      format: 'online',
      // Wednesday 2 December, Asia/Tokyo.
      preferredWindows: [days('2026-12-02', '2026-12-03')],
    });
    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toHaveLength(13);

    const res = await api.call('PUT', '/v1/me/availability', {
      token: await expertToken(api, id),
      body: { weekly: [{ weekday: 3, start: '15:00', end: '17:30' }] },
    });
    expect(res.status, res.text).toBe(200);
    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toEqual([
      '2026-12-02 15:00',
      '2026-12-02 15:30',
    ]);
  });

  it('an empty weekly list with no overrides leaves the expert unbookable', async () => {
    const { id } = await createExpert(api);
    const res = await api.call('PUT', '/v1/me/availability', {
      token: await expertToken(api, id),
      body: { weekly: [] },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.availability).toEqual({ weekly: [], overrides: [] });
    expect(await stored(id)).toEqual({ weekly: [], overrides: [] });
  });
});

describe('PUT /v1/me/availability rejects bad hours with 400 and changes nothing', () => {
  let expertId: string;
  let token: string;
  beforeAll(async () => {
    expertId = (await createExpert(api)).id;
    token = await expertToken(api, expertId);
  });

  const row = (start: string, end: string, weekday = 1) => ({ weekday, start, end });

  it.each([
    ['an hour without a leading zero', { weekly: [row('9:00', '17:00')] }, 'weekly.0.start'],
    ['hour 25', { weekly: [row('09:00', '25:00')] }, 'weekly.0.end'],
    ['minute 60', { weekly: [row('09:60', '17:00')] }, 'weekly.0.start'],
    ['24:30', { weekly: [row('09:00', '24:30')] }, 'weekly.0.end'],
    ['seconds', { weekly: [row('09:00:00', '17:00')] }, 'weekly.0.start'],
    ['start after end', { weekly: [weekdays9to17[0], row('17:00', '09:00', 2)] }, 'weekly.1.end'],
    ['start equal to end', { weekly: [row('12:00', '12:00')] }, 'weekly.0.end'],
    [
      'overlapping rows on a weekday',
      { weekly: [row('09:00', '12:00', 3), row('13:00', '17:00', 3), row('11:00', '14:00', 3)] },
      'weekly.2',
    ],
    ['weekday 0', { weekly: [row('09:00', '17:00', 0)] }, 'weekly.0.weekday'],
    [
      'an override more than two years ahead',
      { weekly: weekdays9to17, overrides: [{ date: '2028-11-26', available: false }] },
      'overrides.0.date',
    ],
    [
      'an override more than a year ago',
      { weekly: weekdays9to17, overrides: [{ date: '2025-11-24', available: false }] },
      'overrides.0.date',
    ],
    [
      'an override with hours out of order',
      { weekly: weekdays9to17, overrides: [{ date: '2026-12-26', start: '15:00', end: '10:00' }] },
      'overrides.0.end',
    ],
    [
      'overlapping override rows on a date',
      {
        weekly: weekdays9to17,
        overrides: [
          { date: '2026-12-26', start: '10:00', end: '12:00' },
          { date: '2026-12-26', start: '11:30', end: '15:00' },
        ],
      },
      'overrides.1',
    ],
    [
      'a date closed twice',
      {
        weekly: weekdays9to17,
        overrides: [
          { date: '2026-12-26', available: false },
          { date: '2026-12-26', available: false },
        ],
      },
      'overrides.1',
    ],
  ])('%s → %s', async (_, body, path) => {
    const before = await stored(expertId);
    expect(before.weekly).toEqual(monToFri);
    expectFieldError(await api.call('PUT', '/v1/me/availability', { token, body }), path);
    expect(await stored(expertId)).toEqual(before);
  });

  it('names every bad field at once', async () => {
    const res = await api.call('PUT', '/v1/me/availability', {
      token,
      body: {
        weekly: [row('9:00', '17:00'), row('10:00', '25:00', 2)],
        overrides: [{ date: '2030-01-01', available: false }],
      },
    });
    expectProblem(res, 400, 'validation-failed');
    expect(fieldPaths(res)).toEqual(
      expect.arrayContaining(['weekly.0.start', 'weekly.1.end', 'overrides.0.date']),
    );
  });
});

describe('override dates are bounded by today in Asia/Tokyo', () => {
  it('accepts exactly two years ahead and one year back, not a day more', async () => {
    // 2026-11-24 15:30 UTC is already 2026-11-25 in Tokyo.
    api.setNow('2026-11-24T15:30:00Z');
    const { id } = await createExpert(api);
    const token = await expertToken(api, id);
    const put = (date: string) =>
      api.call('PUT', '/v1/me/availability', {
        token,
        body: { weekly: weekdays9to17, overrides: [{ date, available: false }] },
      });

    expect((await put('2028-11-25')).status).toBe(200);
    expect((await put('2025-11-25')).status).toBe(200);
    expectFieldError(await put('2028-11-26'), 'overrides.0.date');
    expectFieldError(await put('2025-11-24'), 'overrides.0.date');
    expect(await stored(id)).toEqual({
      weekly: monToFri,
      overrides: [['2025-11-25', null, null]],
    });
  });
});

describe('who may replace availability', () => {
  it('PUT /v1/me/availability is for experts: staff and companies get 403, no token 401', async () => {
    const { id } = await createExpert(api);
    const { accessToken } = await applyAs(api);
    const body = { weekly: weekdays9to17 };

    expectProblem(await api.call('PUT', '/v1/me/availability', { body }), 403, 'forbidden');
    expectProblem(
      await api.call('PUT', '/v1/me/availability', { token: accessToken, body }),
      403,
      'forbidden',
    );
    expectProblem(
      await api.call('PUT', '/v1/me/availability', { token: null, body }),
      401,
      'unauthorized',
    );
    expect(await stored(id)).toEqual({ weekly: monToFri, overrides: [] });
  });

  it('PUT /v1/experts/:id/availability is for staff: an expert gets 403, even for itself', async () => {
    const { id } = await createExpert(api);
    const res = await api.call('PUT', `/v1/experts/${id}/availability`, {
      token: await expertToken(api, id),
      body: { weekly: [] },
    });
    expectProblem(res, 403, 'forbidden');
    expect(await stored(id)).toEqual({ weekly: monToFri, overrides: [] });
  });

  it('a revoked expert token can no longer change availability', async () => {
    const { id } = await createExpert(api);
    const issued = await api.call('POST', '/v1/tokens', { body: { role: 'expert', expertId: id } });
    expect(issued.status).toBe(201);
    const revoke = await api.call('DELETE', `/v1/tokens/${issued.body.id}`);
    expect(revoke.status).toBeLessThan(300);

    const res = await api.call('PUT', '/v1/me/availability', {
      token: issued.body.token,
      body: { weekly: [] },
    });
    expectProblem(res, 401, 'unauthorized');
    expect(await stored(id)).toEqual({ weekly: monToFri, overrides: [] });
  });
});
