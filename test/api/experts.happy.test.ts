import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateOverrides, experts, weeklyHours } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { expert } from '../support/fixtures.ts';
import { issueToken } from '../support/tokens.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

async function create(body: Record<string, unknown>) {
  const res = await api.call('POST', '/v1/experts', { body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

describe('POST /v1/experts', () => {
  it('creates an expert with defaults for what is left out', async () => {
    const body = await create({ name: '鈴木 一郎', email: 'suzuki@example.jp' });
    expect(body).toMatchObject({
      name: '鈴木 一郎',
      email: 'suzuki@example.jp',
      affiliation: '',
      industries: [],
      tags: [],
      topics: [],
      prefectures: [],
      online: true,
      languages: ['ja'],
      maxVisitsPerMonth: 8,
      travelBufferMinutes: 60,
      conflicts: [],
      active: true,
      availability: { weekly: [], overrides: [] },
    });
    const [row] = await api.db.select().from(experts).where(eq(experts.id, body.id));
    expect(row).toMatchObject({ name: '鈴木 一郎', languages: ['ja'], active: true });
  });

  it('stores every field given', async () => {
    const input = expert({
      industries: ['E', 'E29'],
      tags: ['die-mould'],
      conflicts: ['4011001098993'],
      online: false,
      travelBufferMinutes: 0,
      maxVisitsPerMonth: 0,
    });
    const body = await create(input);
    expect(body).toMatchObject(input);
    const [row] = await api.db.select().from(experts).where(eq(experts.id, body.id));
    expect(row).toMatchObject({
      industries: ['E', 'E29'],
      conflicts: ['4011001098993'],
      online: false,
      travelBufferMinutes: 0,
    });
  });
});

describe('GET and PATCH /v1/experts/:id', () => {
  it('reads an expert back as created', async () => {
    const created = await create(expert());
    const res = await api.call('GET', `/v1/experts/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
  });

  it('changes only the fields given; active:false retires the expert', async () => {
    const created = await create(expert());
    api.setNow('2026-11-26T00:00:00Z');
    const res = await api.call('PATCH', `/v1/experts/${created.id}`, {
      body: { active: false, maxVisitsPerMonth: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...created,
      active: false,
      maxVisitsPerMonth: 3,
      updatedAt: '2026-11-26T00:00:00.000Z',
    });
    const [row] = await api.db.select().from(experts).where(eq(experts.id, created.id));
    expect(row).toMatchObject({ active: false, maxVisitsPerMonth: 3, name: created.name });
    const inactive = await api.call('GET', '/v1/experts?active=false');
    expect(inactive.body.items.map((e: { id: string }) => e.id)).toContain(created.id);
    const active = await api.call('GET', '/v1/experts?active=true');
    expect(active.body.items.map((e: { id: string }) => e.id)).not.toContain(created.id);
  });
});

describe('GET /v1/experts', () => {
  let list: TestApi;
  const ids: string[] = [];
  beforeAll(async () => {
    list = await testApi();
    for (let i = 0; i < 5; i++) {
      // Two pairs share a createdAt, so the cursor must break ties by id.
      if (i % 2 === 0) list.setNow(new Date(list.now().getTime() + 60_000));
      const res = await list.call('POST', '/v1/experts', { body: expert({ name: `専門家 ${i}` }) });
      ids.push(res.body.id);
    }
  });
  afterAll(() => list.close());

  it('pages in registration order, 2, 2, 1, without repeats', async () => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await list.call('GET', `/v1/experts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(new Set(pages.flat()).size).toBe(5);
    expect([...pages.flat()].sort()).toEqual([...ids].sort());
    expect(pages[2]).toEqual([ids[4]]);
  });
});

describe('PUT /v1/experts/:id/availability', () => {
  it('replaces weekly hours and overrides, stored and read back as HH:MM', async () => {
    const created = await create(expert());
    const availability = {
      weekly: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '13:00', end: '17:30' },
        { weekday: 7, start: '10:00', end: '24:00' },
      ],
      overrides: [
        { date: '2026-12-24', available: false },
        { date: '2026-12-26', start: '10:00', end: '15:00' },
      ],
    };
    const res = await api.call('PUT', `/v1/experts/${created.id}/availability`, {
      body: availability,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.availability).toEqual({
      weekly: availability.weekly,
      overrides: [
        { date: '2026-12-24', available: false },
        { date: '2026-12-26', available: true, start: '10:00', end: '15:00' },
      ],
    });
    const weekly = await api.db
      .select()
      .from(weeklyHours)
      .where(eq(weeklyHours.expertId, created.id))
      .orderBy(asc(weeklyHours.weekday), asc(weeklyHours.start));
    expect(weekly.map((w) => [w.weekday, w.start.slice(0, 5), w.end.slice(0, 5)])).toEqual([
      [1, '09:00', '12:00'],
      [1, '13:00', '17:30'],
      [7, '10:00', '24:00'],
    ]);
    const overrides = await api.db
      .select()
      .from(dateOverrides)
      .where(eq(dateOverrides.expertId, created.id));
    expect(overrides).toHaveLength(2);

    const read = await api.call('GET', `/v1/experts/${created.id}`);
    expect(read.body.availability).toEqual(res.body.availability);
  });

  it('replaces rather than adds: a second PUT leaves only its own rows', async () => {
    const created = await create(expert());
    const path = `/v1/experts/${created.id}/availability`;
    await api.call('PUT', path, {
      body: { weekly: [{ weekday: 2, start: '09:00', end: '17:00' }], overrides: [] },
    });
    const res = await api.call('PUT', path, {
      body: { weekly: [{ weekday: 3, start: '10:00', end: '11:00' }] },
    });
    expect(res.body.availability).toEqual({
      weekly: [{ weekday: 3, start: '10:00', end: '11:00' }],
      overrides: [],
    });
    const rows = await api.db
      .select()
      .from(weeklyHours)
      .where(eq(weeklyHours.expertId, created.id));
    expect(rows.map((r) => r.weekday)).toEqual([3]);
  });

  it('accepts touching rows on one weekday', async () => {
    const created = await create(expert());
    const res = await api.call('PUT', `/v1/experts/${created.id}/availability`, {
      body: {
        weekly: [
          { weekday: 4, start: '09:00', end: '12:00' },
          { weekday: 4, start: '12:00', end: '17:00' },
        ],
      },
    });
    expect(res.status).toBe(200);
  });
});

describe('the expert’s own routes', () => {
  it('GET /v1/me and PUT /v1/me/availability act on the token’s expert only', async () => {
    const own = await create(expert({ name: '本人' }));
    const other = await create(expert({ name: '他人' }));
    const { token } = await issueToken(api, { role: 'expert', expertId: own.id });

    const me = await api.call('GET', '/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: own.id, name: '本人' });

    const weekly = [{ weekday: 5, start: '13:00', end: '16:00' }];
    const put = await api.call('PUT', '/v1/me/availability', { token, body: { weekly } });
    expect(put.status).toBe(200);
    expect(put.body.availability.weekly).toEqual(weekly);

    const rows = await api.db.select().from(weeklyHours).where(eq(weeklyHours.expertId, own.id));
    expect(rows).toHaveLength(1);
    const untouched = await api.db
      .select()
      .from(weeklyHours)
      .where(eq(weeklyHours.expertId, other.id));
    expect(untouched).toHaveLength(0);
  });
});
