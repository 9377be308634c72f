import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { corporateNumber } from '../support/booking.ts';
import { application, apply } from '../support/fixtures.ts';
import { expectFieldError } from '../support/problems.ts';

// The staff queue's search: by company name or 法人番号, by prefecture and industry, oldest or
// newest first, with the number of matches for a page count.

let api: TestApi;
const numbers = { a: corporateNumber(), b: corporateNumber(), c: corporateNumber() };
beforeAll(async () => {
  api = await testApi();
  const company = application(api).company;
  const applyAt = async (minutes: number, overrides: Record<string, unknown>) => {
    api.setNow(new Date(Date.parse('2026-11-25T00:00:00Z') + minutes * 60_000));
    await apply(api, { company: { ...company, ...overrides } });
  };
  await applyAt(0, { name: '東海精密株式会社', corporateNumber: numbers.a, prefectureCode: '23' });
  await applyAt(1, {
    name: '株式会社100%_テスト',
    corporateNumber: numbers.b,
    industryCode: 'I52',
  });
  await applyAt(2, {
    name: '北海精密工業',
    corporateNumber: numbers.c,
    prefectureCode: '01',
    industryCode: 'E',
  });
  api.setNow('2026-11-25T00:00:00Z');
});
afterAll(() => api.close());

const names = async (query: string) => {
  const res = await api.call('GET', `/v1/requests?${query}`);
  expect(res.status, res.text).toBe(200);
  return {
    names: (res.body.items as { company: { name: string } }[]).map((r) => r.company.name),
    total: res.body.total as number,
  };
};

describe('GET /v1/requests search', () => {
  it('finds by part of the company name, or by a whole corporate number', async () => {
    expect(await names(`q=${encodeURIComponent('精密')}`)).toEqual({
      names: ['北海精密工業', '東海精密株式会社'],
      total: 2,
    });
    expect((await names(`q=${numbers.b}`)).names).toEqual(['株式会社100%_テスト']);
    // % and _ are matched as themselves, not as wildcards.
    expect((await names(`q=${encodeURIComponent('%_')}`)).names).toEqual(['株式会社100%_テスト']);
    expect((await names(`q=${encodeURIComponent('_')}`)).total).toBe(1);
  });

  it('filters by prefecture and by industry (a division takes in its groups)', async () => {
    expect((await names('prefectureCode=01')).names).toEqual(['北海精密工業']);
    expect((await names('industry=E')).names).toEqual(['北海精密工業', '東海精密株式会社']);
    expect((await names('industry=E24')).names).toEqual(['東海精密株式会社']);
    expect((await names('industry=I')).names).toEqual(['株式会社100%_テスト']);
  });

  it('sorts oldest first when asked, and counts every match beyond the page', async () => {
    const first = await names('order=oldest&limit=2');
    expect(first).toEqual({ names: ['東海精密株式会社', '株式会社100%_テスト'], total: 3 });
    const res = await api.call('GET', '/v1/requests?order=oldest&limit=2');
    const next = await names(`order=oldest&limit=2&cursor=${res.body.nextCursor}`);
    expect(next).toEqual({ names: ['北海精密工業'], total: 3 });
  });

  it('refuses an unknown prefecture or industry, naming it', async () => {
    expectFieldError(await api.call('GET', '/v1/requests?prefectureCode=48'), 'prefectureCode');
    expectFieldError(await api.call('GET', '/v1/requests?industry=Z'), 'industry');
    expectFieldError(await api.call('GET', '/v1/requests?order=random'), 'order');
  });
});
