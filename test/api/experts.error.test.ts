import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateOverrides, experts, weeklyHours } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { createExpert, expert, weekdays9to17 } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let api: TestApi;
let expertId: string;
beforeAll(async () => {
  api = await testApi();
  expertId = (await createExpert(api)).id;
});
afterAll(() => api.close());

async function expertCount() {
  const [row] = await api.db.select({ n: count() }).from(experts);
  return row?.n;
}

describe('POST /v1/experts rejects bad fields, naming them, and writes nothing', () => {
  it.each([
    ['a bad prefecture', { prefectures: ['13', '48'] }, 'prefectures.1'],
    ['a bad topic', { topics: ['identify', 'sales'] }, 'topics.1'],
    ['a bad industry', { industries: ['E99'] }, 'industries.0'],
    ['a negative maxVisitsPerMonth', { maxVisitsPerMonth: -1 }, 'maxVisitsPerMonth'],
    ['a fractional maxVisitsPerMonth', { maxVisitsPerMonth: 1.5 }, 'maxVisitsPerMonth'],
    ['a travel buffer over 8 hours', { travelBufferMinutes: 481 }, 'travelBufferMinutes'],
    ['an unknown field', { rank: 'senior' }, 'rank'],
    ['a bad email', { email: 'sato' }, 'email'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a bad conflict number', { conflicts: ['7000012050003'] }, 'conflicts.0'],
    ['a repeated topic', { topics: ['access', 'access'] }, 'topics'],
    ['a bad tag', { tags: ['Die Mould'] }, 'tags.0'],
    ['online as a string', { online: 'yes' }, 'online'],
  ])('%s → %s', async (_, override, path) => {
    const before = await expertCount();
    const res = await api.call('POST', '/v1/experts', { body: expert(override) });
    expectFieldError(res, path);
    expect(await expertCount()).toBe(before);
  });
});

describe('PATCH /v1/experts/:id rejects bad input and leaves the expert as it was', () => {
  it.each([
    ['a bad prefecture', { prefectures: ['00'] }, 'prefectures.0'],
    ['a negative maxVisitsPerMonth', { maxVisitsPerMonth: -5 }, 'maxVisitsPerMonth'],
    ['an unknown field', { id: UNKNOWN }, 'id'],
    ['active as a string', { active: 'false' }, 'active'],
  ])('%s → %s', async (_, body, path) => {
    expectFieldError(await api.call('PATCH', `/v1/experts/${expertId}`, { body }), path);
    const [row] = await api.db.select().from(experts).where(eq(experts.id, expertId));
    expect(row).toMatchObject({ id: expertId, active: true, maxVisitsPerMonth: 8 });
  });

  it('an empty patch is 400', async () => {
    const res = await api.call('PATCH', `/v1/experts/${expertId}`, { body: {} });
    expectProblem(res, 400, 'validation-failed');
  });
});

describe('unknown and malformed ids', () => {
  it.each([
    ['GET', `/v1/experts/${UNKNOWN}`, undefined],
    ['PATCH', `/v1/experts/${UNKNOWN}`, { active: false }],
    ['PUT', `/v1/experts/${UNKNOWN}/availability`, { weekly: weekdays9to17 }],
  ])('%s %s is 404', async (method, path, body) => {
    expectProblem(await api.call(method, path, { body }), 404, 'not-found');
  });

  it.each([
    ['GET', '/v1/experts/42', undefined],
    ['PATCH', '/v1/experts/not-a-uuid', { active: false }],
    ['PUT', '/v1/experts/zzz/availability', { weekly: weekdays9to17 }],
  ])('%s %s is 400 naming id', async (method, path, body) => {
    expectFieldError(await api.call(method, path, { body }), 'id');
  });

  it('a garbage cursor is 400 naming cursor', async () => {
    expectFieldError(await api.call('GET', '/v1/experts?cursor=%%%'), 'cursor');
    expectFieldError(await api.call('GET', '/v1/experts?cursor=bm9wZQ'), 'cursor');
  });

  it('a bad active filter is 400 naming active', async () => {
    expectFieldError(await api.call('GET', '/v1/experts?active=yes'), 'active');
  });
});

describe('PUT /v1/experts/:id/availability rejects bad hours and keeps the old ones', () => {
  const put = (body: unknown) => api.call('PUT', `/v1/experts/${expertId}/availability`, { body });

  async function storedRows() {
    const weekly = await api.db
      .select()
      .from(weeklyHours)
      .where(eq(weeklyHours.expertId, expertId));
    const overrides = await api.db
      .select()
      .from(dateOverrides)
      .where(eq(dateOverrides.expertId, expertId));
    return { weekly: weekly.length, overrides: overrides.length };
  }

  it.each([
    [
      'overlapping rows on one weekday',
      {
        weekly: [
          { weekday: 2, start: '09:00', end: '12:00' },
          { weekday: 2, start: '11:59', end: '15:00' },
        ],
      },
      'weekly.1',
    ],
    ['start after end', { weekly: [{ weekday: 1, start: '17:00', end: '09:00' }] }, 'weekly.0.end'],
    [
      'start equal to end',
      { weekly: [{ weekday: 1, start: '09:00', end: '09:00' }] },
      'weekly.0.end',
    ],
    ['weekday 0', { weekly: [{ weekday: 0, start: '09:00', end: '17:00' }] }, 'weekly.0.weekday'],
    ['weekday 8', { weekly: [{ weekday: 8, start: '09:00', end: '17:00' }] }, 'weekly.0.weekday'],
    ['a time of 25:00', { weekly: [{ weekday: 1, start: '09:00', end: '25:00' }] }, 'weekly.0.end'],
    [
      'a time without minutes',
      { weekly: [{ weekday: 1, start: '9', end: '17:00' }] },
      'weekly.0.start',
    ],
    [
      'an impossible date',
      { weekly: [], overrides: [{ date: '2026-02-30', available: false }] },
      'overrides.0.date',
    ],
    [
      'a date in another format',
      { weekly: [], overrides: [{ date: '2026/12/24', available: false }] },
      'overrides.0.date',
    ],
    [
      'an override with start after end',
      { weekly: [], overrides: [{ date: '2026-12-24', start: '15:00', end: '10:00' }] },
      'overrides.0.end',
    ],
    [
      'a date both closed and open',
      {
        weekly: [],
        overrides: [
          { date: '2026-12-24', available: false },
          { date: '2026-12-24', start: '10:00', end: '12:00' },
        ],
      },
      'overrides.1',
    ],
    [
      'an unknown field in a weekly row',
      { weekly: [{ weekday: 1, start: '09:00', end: '17:00', tz: 'UTC' }] },
      'weekly.0.tz',
    ],
    ['weekly missing', { overrides: [] }, 'weekly'],
  ])('%s → %s', async (_, body, path) => {
    const before = await storedRows();
    expect(before.weekly).toBe(5);
    expectFieldError(await put(body), path);
    expect(await storedRows()).toEqual(before);
  });
});
