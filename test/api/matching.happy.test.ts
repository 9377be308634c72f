import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { createExpert, weekdays9to17 } from '../support/fixtures.ts';
import {
  applyAs,
  book,
  days,
  everyHalfHour,
  jst,
  matchesFor,
  matchOf,
  newCorporateNumber,
  retireEveryExpert,
  setAvailability,
  slotsFor,
  startsOf,
  tokyo,
} from '../support/matching.ts';

// At this clock the bookable window opens 2026-11-13 09:00 JST; 2026-11-18 is a Wednesday.
const NOW = '2026-11-10T00:00:00Z';
const WEDNESDAY = days('2026-11-18', '2026-11-19');

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  api.setNow(NOW);
  await retireEveryExpert(api);
});

const ids = (matches: { expert: { id: string } }[]) => matches.map((m) => m.expert.id);

describe('hard filters', () => {
  it('on site needs the company’s prefecture; online needs `online`', async () => {
    // The company is in 愛知県 (23).
    const remoteOnline = await createExpert(api, { prefectures: ['13'], online: true });
    const remoteOffline = await createExpert(api, { prefectures: ['13'], online: false });
    const localOffline = await createExpert(api, { prefectures: ['23'], online: false });

    const formats = async (format: string) => {
      const { request } = await applyAs(api, { format, preferredWindows: [WEDNESDAY] });
      const matches = await matchesFor(api, request.id);
      return Object.fromEntries(matches.map((m) => [m.expert.id, m.format]));
    };

    expect(await formats('onsite')).toEqual({ [localOffline.id]: 'onsite' });
    expect(await formats('online')).toEqual({ [remoteOnline.id]: 'online' });
    expect(await formats('either')).toEqual({
      [localOffline.id]: 'onsite',
      [remoteOnline.id]: 'online',
    });
    expect(Object.keys(await formats('either'))).not.toContain(remoteOffline.id);
  });

  it('`either` states how each expert would come in the reasons', async () => {
    const local = await createExpert(api, { prefectures: ['23'] });
    const remote = await createExpert(api, { prefectures: ['13'], online: true });
    const { request } = await applyAs(api, { format: 'either', preferredWindows: [WEDNESDAY] });
    const matches = await matchesFor(api, request.id);

    expect(matchOf(matches, local.id)?.reasons).toContain('on site in 愛知県');
    expect(matchOf(matches, remote.id)?.reasons).toContain('online');
    expect(matchOf(matches, remote.id)?.reasons).not.toContain('on site in 愛知県');
  });

  it('leaves out an expert with the company’s corporate number among their conflicts', async () => {
    const corporateNumber = newCorporateNumber();
    const conflicted = await createExpert(api, { conflicts: [corporateNumber] });
    const clear = await createExpert(api);

    const { request } = await applyAs(api, {
      company: { corporateNumber },
      preferredWindows: [WEDNESDAY],
    });
    expect(ids(await matchesFor(api, request.id))).toEqual([clear.id]);
    const slots = await slotsFor(api, request.id);
    expect(slots.map((s) => s.expert.id)).not.toContain(conflicted.id);

    // Another company, and a sole proprietor without a number, may have the expert.
    const other = await applyAs(api, { preferredWindows: [WEDNESDAY] });
    expect(ids(await matchesFor(api, other.request.id))).toContain(conflicted.id);
    const sole = await applyAs(api, {
      company: { corporateNumber: undefined },
      preferredWindows: [WEDNESDAY],
    });
    expect(sole.request.company.corporateNumber).toBeNull();
    expect(ids(await matchesFor(api, sole.request.id))).toContain(conflicted.id);
  });

  it('inactive experts disappear from matches and slots, and come back when reactivated', async () => {
    const retiring = await createExpert(api, { name: '引退予定' });
    const staying = await createExpert(api, { name: '現役' });
    const { request } = await applyAs(api, { preferredWindows: [WEDNESDAY] });
    expect(ids(await matchesFor(api, request.id)).sort()).toEqual([retiring.id, staying.id].sort());

    const patch = await api.call('PATCH', `/v1/experts/${retiring.id}`, {
      body: { active: false },
    });
    expect(patch.status, patch.text).toBe(200);
    expect(ids(await matchesFor(api, request.id))).toEqual([staying.id]);
    const slots = await slotsFor(api, request.id);
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s.expert.id === staying.id)).toBe(true);

    await api.call('PATCH', `/v1/experts/${retiring.id}`, { body: { active: true } });
    expect(ids(await matchesFor(api, request.id))).toContain(retiring.id);
  });

  it('an expert without a free slot in the windows is not offered', async () => {
    const weekendsOnly = await createExpert(api);
    await setAvailability(api, weekendsOnly.id, {
      weekly: [6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
    });
    const weekdays = await createExpert(api);
    const { request } = await applyAs(api, { preferredWindows: [WEDNESDAY] });

    expect(ids(await matchesFor(api, request.id))).toEqual([weekdays.id]);
  });
});

describe('monthly cap (maxVisitsPerMonth)', () => {
  it('an expert at the cap gets no slots that month but keeps those of the next', async () => {
    const { id } = await createExpert(api, { maxVisitsPerMonth: 2 });
    const spanning = await applyAs(api, {
      preferredWindows: [days('2026-11-30', '2026-12-02')],
    });
    const november = everyHalfHour('2026-11-30', '09:00', '15:00');
    const december = everyHalfHour('2026-12-01', '09:00', '15:00');

    // Each visit is for another company: the company quota (3 a fiscal year) stays out of it.
    const first = await applyAs(api, { preferredWindows: [days('2026-11-16', '2026-11-17')] });
    await book(api, first.request.id, id, jst('2026-11-16', '10:00'));
    expect(startsOf(matchOf(await matchesFor(api, spanning.request.id), id))).toEqual([
      ...november,
      ...december,
    ]);

    const second = await applyAs(api, { preferredWindows: [days('2026-11-17', '2026-11-18')] });
    await book(api, second.request.id, id, jst('2026-11-17', '10:00'));
    expect(startsOf(matchOf(await matchesFor(api, spanning.request.id), id))).toEqual(december);
    const slots = await slotsFor(api, spanning.request.id);
    expect(slots.map((s) => tokyo(s.start))).toEqual(december);

    // With November as the only month asked for, the expert is not offered at all.
    const november30 = await applyAs(api, { preferredWindows: [days('2026-11-30', '2026-12-01')] });
    expect(matchOf(await matchesFor(api, november30.request.id), id)).toBeUndefined();
  });

  it('an expert with a cap of 0 is never offered', async () => {
    const none = await createExpert(api, { maxVisitsPerMonth: 0 });
    const some = await createExpert(api, { maxVisitsPerMonth: 1 });
    const { request } = await applyAs(api, { preferredWindows: [WEDNESDAY] });

    expect(ids(await matchesFor(api, request.id))).toEqual([some.id]);
    expect(none.maxVisitsPerMonth).toBe(0);
  });

  it('counts months in Asia/Tokyo: slots on 1 December before 09:00 JST are December’s', async () => {
    const { id } = await createExpert(api, { maxVisitsPerMonth: 1 });
    // 00:00–03:00 JST on 1 December is still 30 November in UTC.
    await setAvailability(api, id, {
      weekly: weekdays9to17,
      overrides: [{ date: '2026-12-01', start: '00:00', end: '03:00' }],
    });
    const first = await applyAs(api, { preferredWindows: [days('2026-11-16', '2026-11-17')] });
    await book(api, first.request.id, id, jst('2026-11-16', '10:00'));

    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [days('2026-11-30', '2026-12-02')],
    });
    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toEqual([
      '2026-12-01 00:00',
      '2026-12-01 00:30',
      '2026-12-01 01:00',
    ]);
  });

  it('counts a visit at 00:00 JST on 1 December in December, not November', async () => {
    const { id } = await createExpert(api, { maxVisitsPerMonth: 1 });
    await setAvailability(api, id, {
      weekly: weekdays9to17,
      overrides: [{ date: '2026-12-01', start: '00:00', end: '03:00' }],
    });
    const first = await applyAs(api, {
      format: 'online',
      preferredWindows: [days('2026-12-01', '2026-12-02')],
    });
    await book(api, first.request.id, id, jst('2026-12-01', '00:00'));

    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [days('2026-11-30', '2026-12-02')],
    });
    // November still has room; December is full.
    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toEqual(
      everyHalfHour('2026-11-30', '09:00', '15:00'),
    );
  });
});

describe('ranking', () => {
  it('ranks the exact industry group over the same division over a scope tag over none', async () => {
    const topics = ['identify', 'classify', 'access'];
    const exact = await createExpert(api, { industries: ['E24'], topics, prefectures: ['23'] });
    const division = await createExpert(api, { industries: ['E29'], topics, prefectures: ['23'] });
    const tagged = await createExpert(api, {
      industries: [],
      tags: ['manufacturing'],
      topics,
      prefectures: ['23'],
    });
    const unrelated = await createExpert(api, { industries: ['G'], topics, prefectures: ['23'] });
    const { request } = await applyAs(api, {
      company: { industryCode: 'E24', prefectureCode: '23' },
      topics,
      format: 'onsite',
      preferredWindows: [WEDNESDAY],
    });

    const matches = await matchesFor(api, request.id);
    expect(ids(matches)).toEqual([exact.id, division.id, tagged.id, unrelated.id]);
    const scores = matches.map((m) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(4);

    const [first, second, third, fourth] = matches;
    expect(first?.reasons).toEqual(
      expect.arrayContaining(['同一中分類 E24 金属製品製造業', 'topics 3/3', 'on site in 愛知県']),
    );
    expect(second?.reasons).toEqual(
      expect.arrayContaining(['同一大分類 E 製造業', 'topics 3/3', 'on site in 愛知県']),
    );
    expect(third?.reasons).toContain('対応範囲 製造業');
    expect(fourth?.reasons.some((r) => r.startsWith('同一') || r.startsWith('対応範囲'))).toBe(
      false,
    );
    for (const match of matches) {
      expect(match.format).toBe('onsite');
      expect(startsOf(match)).toEqual(everyHalfHour('2026-11-18', '09:00', '15:00'));
    }
  });

  it('ranks by the share of the requested topics covered', async () => {
    const all = await createExpert(api, { topics: ['identify', 'classify', 'access'] });
    const some = await createExpert(api, { topics: ['identify', 'training'] });
    const { request } = await applyAs(api, {
      topics: ['identify', 'classify', 'access'],
      preferredWindows: [WEDNESDAY],
    });

    const matches = await matchesFor(api, request.id);
    expect(ids(matches)).toEqual([all.id, some.id]);
    expect(matches[0]?.reasons).toContain('topics 3/3');
    expect(matches[1]?.reasons).toContain('topics 1/3');
  });

  it('puts the expert of the earlier request first on a follow-up', async () => {
    const earlier = await createExpert(api, { name: '前回の専門家' });
    const other = await createExpert(api, { name: '別の専門家' });
    const corporateNumber = newCorporateNumber();
    const first = await applyAs(api, {
      company: { corporateNumber },
      preferredWindows: [WEDNESDAY],
    });
    await book(api, first.request.id, earlier.id, jst('2026-11-18', '10:00'));
    const later = days('2026-11-25', '2026-11-26');

    // Without followUpOf the expert who has not visited yet this year comes first.
    const fresh = await applyAs(api, { company: { corporateNumber }, preferredWindows: [later] });
    const plain = await matchesFor(api, fresh.request.id);
    expect(ids(plain)).toEqual([other.id, earlier.id]);
    expect(plain.flatMap((m) => m.reasons)).not.toContain('前回担当 (follow-up)');

    const followUp = await applyAs(api, {
      company: { corporateNumber },
      followUpOf: first.request.id,
      preferredWindows: [later],
    });
    const matches = await matchesFor(api, followUp.request.id);
    expect(ids(matches)).toEqual([earlier.id, other.id]);
    expect(matches[0]?.reasons).toContain('前回担当 (follow-up)');
    expect(matches[0]?.reasons).toContain('1 visit this FY');
    expect(matches[1]?.reasons).not.toContain('前回担当 (follow-up)');
    expect(matches[0]?.score).toBeGreaterThan(matches[1]?.score ?? Number.POSITIVE_INFINITY);
  });

  it('prefers the expert with fewer visits this fiscal year, all else equal', async () => {
    const busy = await createExpert(api);
    const idle = await createExpert(api);
    const visit = await applyAs(api, { preferredWindows: [WEDNESDAY] });
    await book(api, visit.request.id, busy.id, jst('2026-11-18', '10:00'));

    const { request } = await applyAs(api, {
      preferredWindows: [days('2026-11-25', '2026-11-26')],
    });
    const matches = await matchesFor(api, request.id);
    expect(ids(matches)).toEqual([idle.id, busy.id]);
    expect(matches[0]?.reasons).toContain('0 visits this FY');
    expect(matches[1]?.reasons).toContain('1 visit this FY');
    expect(matches[0]?.score).toBeGreaterThan(matches[1]?.score ?? Number.POSITIVE_INFINITY);
  });

  it('prefers the earlier first slot, all else equal', async () => {
    const later = await createExpert(api);
    await setAvailability(api, later.id, {
      weekly: [{ weekday: 3, start: '13:00', end: '17:00' }],
    });
    const earlier = await createExpert(api);
    const { request } = await applyAs(api, { preferredWindows: [WEDNESDAY] });

    const matches = await matchesFor(api, request.id);
    expect(ids(matches)).toEqual([earlier.id, later.id]);
    expect(matches[0]?.reasons).toContain('earliest 2026-11-18 09:00 JST');
    expect(matches[1]?.reasons).toContain('earliest 2026-11-18 13:00 JST');
    expect(matches[0]?.score).toBeGreaterThan(matches[1]?.score ?? Number.POSITIVE_INFINITY);
  });

  it('is deterministic: the same body twice, and identical experts in id order', async () => {
    const twins = [await createExpert(api), await createExpert(api), await createExpert(api)];
    const { request } = await applyAs(api, { preferredWindows: [WEDNESDAY] });

    const first = await api.call('GET', `/v1/requests/${request.id}/matches`);
    const second = await api.call('GET', `/v1/requests/${request.id}/matches`);
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);

    const byId = twins.map((t) => t.id).sort();
    expect(ids(first.body.matches)).toEqual(byId);
    expect(new Set(first.body.matches.map((m: { score: number }) => m.score)).size).toBe(1);
    // The slots name the first-ranked of equals too.
    const slots = await slotsFor(api, request.id);
    expect(new Set(slots.map((s) => s.expert.id))).toEqual(new Set([byId[0]]));
  });
});

describe('query parameters', () => {
  it('limit caps the experts and slotsPerExpert the slots of each, earliest first', async () => {
    const best = await createExpert(api, { industries: ['E24'] });
    await createExpert(api, { industries: ['E29'] });
    const { request } = await applyAs(api, { preferredWindows: [WEDNESDAY] });

    const matches = await matchesFor(api, request.id, 'limit=1&slotsPerExpert=3');
    expect(ids(matches)).toEqual([best.id]);
    expect(startsOf(matches[0])).toEqual([
      '2026-11-18 09:00',
      '2026-11-18 09:30',
      '2026-11-18 10:00',
    ]);
    for (const slot of matches[0]?.slots ?? []) {
      expect(Date.parse(slot.end) - Date.parse(slot.start)).toBe(120 * 60_000);
    }
  });
});
