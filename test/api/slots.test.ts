import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { sessions } from '../../src/db/schema.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { application, createExpert, weekdays9to17 } from '../support/fixtures.ts';
import {
  addBusyBlock,
  applyAs,
  book,
  days,
  everyHalfHour,
  expertToken,
  jst,
  type Match,
  matchesFor,
  matchOf,
  newCorporateNumber,
  retireEveryExpert,
  type SlotOffer,
  setAvailability,
  slotsFor,
  startsOf,
  tokyo,
} from '../support/matching.ts';
import { expectProblem } from '../support/problems.ts';

// The calendar of these tests: 2026-11-23 (Mon) is 勤労感謝の日; 2026-11-18 is a Wednesday.
// At the default clock below the bookable window opens 2026-11-13 09:00 JST.
const NOW = '2026-11-10T00:00:00Z';
const HALF_HOUR_MS = 30 * 60_000;

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  api.setNow(NOW);
  await retireEveryExpert(api);
});

describe('holidays and date overrides', () => {
  it('closes a national holiday, and an override opens exactly its hours that day', async () => {
    const { id } = await createExpert(api);
    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [days('2026-11-23', '2026-11-25'), days('2026-11-30', '2026-12-01')],
    });

    // Monday 23rd is closed as a holiday; Monday 30th shows Mondays are otherwise open.
    const weekdaysOnly = [
      ...everyHalfHour('2026-11-24', '09:00', '15:00'),
      ...everyHalfHour('2026-11-30', '09:00', '15:00'),
    ];
    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toEqual(weekdaysOnly);

    await setAvailability(api, id, {
      weekly: weekdays9to17,
      overrides: [{ date: '2026-11-23', start: '10:00', end: '15:00' }],
    });
    const slots = startsOf(matchOf(await matchesFor(api, request.id), id));
    expect(slots).toEqual([...everyHalfHour('2026-11-23', '10:00', '13:00'), ...weekdaysOnly]);
  });

  it('an override replaces the weekly hours of its date; available:false closes it', async () => {
    const { id } = await createExpert(api);
    await setAvailability(api, id, {
      weekly: weekdays9to17,
      overrides: [
        { date: '2026-11-18', start: '13:00', end: '15:00' },
        { date: '2026-11-19', available: false },
        { date: '2026-11-21', start: '10:00', end: '12:00' },
      ],
    });
    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [days('2026-11-18', '2026-11-23')],
    });

    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toEqual([
      '2026-11-18 13:00',
      ...everyHalfHour('2026-11-20', '09:00', '15:00'),
      '2026-11-21 10:00',
    ]);
  });

  it('several override rows of one date add up', async () => {
    const { id } = await createExpert(api);
    await setAvailability(api, id, {
      weekly: weekdays9to17,
      overrides: [
        { date: '2026-11-18', start: '09:00', end: '11:00' },
        { date: '2026-11-18', start: '14:00', end: '16:30' },
      ],
    });
    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [days('2026-11-18', '2026-11-19')],
    });

    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toEqual([
      '2026-11-18 09:00',
      '2026-11-18 14:00',
      '2026-11-18 14:30',
    ]);
  });
});

describe('weekly hours', () => {
  it('are read by the Tokyo weekday, Monday = 1 … Sunday = 7, even before 09:00 JST', async () => {
    const { id } = await createExpert(api);
    // Monday 06:00 JST is still Sunday in UTC.
    await setAvailability(api, id, {
      weekly: [
        { weekday: 7, start: '10:00', end: '13:00' },
        { weekday: 1, start: '06:00', end: '08:30' },
      ],
    });
    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [days('2026-11-28', '2026-12-01')],
    });

    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toEqual([
      '2026-11-29 10:00',
      '2026-11-29 10:30',
      '2026-11-29 11:00',
      '2026-11-30 06:00',
      '2026-11-30 06:30',
    ]);
  });
});

describe('minimum notice', () => {
  it('offers no slot starting before now + 72 h once the clock has moved on', async () => {
    const { id } = await createExpert(api);
    // The window opens exactly at now + 72 h, the earliest an application may ask for.
    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [{ start: jst('2026-11-13', '09:00'), end: jst('2026-11-21') }],
    });
    expect(startsOf(matchOf(await matchesFor(api, request.id), id))[0]).toBe('2026-11-13 09:00');

    // Friday 12:15 JST: notice now ends Monday 12:15 JST, so the next grid start is 12:30.
    api.setNow('2026-11-13T03:15:00Z');
    const cutoff = api.now().getTime() + 72 * 3_600_000;
    const match = matchOf(await matchesFor(api, request.id), id);
    expect(startsOf(match)[0]).toBe('2026-11-16 12:30');
    expect(match?.slots.every((s) => Date.parse(s.start) >= cutoff)).toBe(true);

    const offered = await slotsFor(api, request.id);
    expect(offered.map((s) => tokyo(s.start))[0]).toBe('2026-11-16 12:30');
  });

  it('an expert whose only free time has fallen inside the notice is no longer offered', async () => {
    const { id } = await createExpert(api);
    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [{ start: jst('2026-11-13', '09:00'), end: jst('2026-11-14') }],
    });
    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toHaveLength(13);

    // Notice ends at 15:00 JST: the last start of the day is still bookable, a second later not.
    api.setNow('2026-11-10T06:00:00Z');
    expect(startsOf(matchOf(await matchesFor(api, request.id), id))).toEqual(['2026-11-13 15:00']);
    api.setNow('2026-11-10T06:00:01Z');
    expect(matchOf(await matchesFor(api, request.id), id)).toBeUndefined();
    expect(await slotsFor(api, request.id)).toEqual([]);
  });
});

describe('MIN_NOTICE_HOURS and HORIZON_DAYS', () => {
  let short: TestApi;
  beforeAll(async () => {
    short = await testApi({ MIN_NOTICE_HOURS: '24', HORIZON_DAYS: '20' });
  });
  afterAll(() => short.close());

  it('applies MIN_NOTICE_HOURS to the windows accepted and the slots offered', async () => {
    // Monday 10:00 JST.
    short.setNow('2026-11-16T01:00:00Z');
    const { id } = await createExpert(short);
    const early = await short.call('POST', '/v1/requests', {
      token: null,
      body: oneWindow(short, jst('2026-11-17', '09:59'), jst('2026-11-19')),
    });
    expectProblem(early, 400, 'validation-failed');
    expect(early.body.errors).toContainEqual(
      expect.objectContaining({ path: 'preferredWindows.0.start' }),
    );

    // 24 h notice, not the default 72: Tuesday 10:00 JST is bookable.
    const { request } = await applyAs(short, {
      format: 'online',
      preferredWindows: [{ start: jst('2026-11-17', '10:00'), end: jst('2026-11-19') }],
    });
    expect(startsOf(matchOf(await matchesFor(short, request.id), id))[0]).toBe('2026-11-17 10:00');

    short.setNow('2026-11-16T04:10:00Z');
    expect(startsOf(matchOf(await matchesFor(short, request.id), id))[0]).toBe('2026-11-17 13:30');
  });

  it('applies HORIZON_DAYS to the windows accepted and the slots offered', async () => {
    short.setNow('2026-11-16T01:00:00Z');
    const { id } = await createExpert(short);
    const late = await short.call('POST', '/v1/requests', {
      token: null,
      body: oneWindow(short, jst('2026-12-01', '09:00'), jst('2026-12-06', '10:01')),
    });
    expectProblem(late, 400, 'validation-failed');
    expect(late.body.errors).toContainEqual(
      expect.objectContaining({ path: 'preferredWindows.0.end' }),
    );

    // The horizon ends Sunday 2026-12-06 10:00 JST; a request saved under it keeps its windows
    // when the server is later started with a shorter horizon, and slots stop there.
    const { request } = await applyAs(short, {
      format: 'online',
      preferredWindows: [days('2026-12-02', '2026-12-05')],
    });
    const shorter = createApp({
      db: short.db,
      config: loadConfig({ STAFF_TOKEN, HORIZON_DAYS: '17' }),
      clock: () => short.now(),
    });
    const res = await shorter.request(`/v1/requests/${request.id}/matches?slotsPerExpert=500`, {
      headers: { authorization: `Bearer ${STAFF_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const { matches } = (await res.json()) as { matches: Match[] };
    // Now + 17 days is Thursday 2026-12-03 10:00 JST: a 2 h visit at 09:00 that day would end
    // past it, so only Wednesday remains; under the 20 days the request was made with, all three.
    expect(startsOf(matchOf(matches, id))).toEqual(everyHalfHour('2026-12-02', '09:00', '15:00'));
    expect(startsOf(matchOf(await matchesFor(short, request.id), id))).toEqual([
      ...everyHalfHour('2026-12-02', '09:00', '15:00'),
      ...everyHalfHour('2026-12-03', '09:00', '15:00'),
      ...everyHalfHour('2026-12-04', '09:00', '15:00'),
    ]);
  });
});

/** An application body with one preferred window, for applications expected to be refused. */
function oneWindow(target: TestApi, start: string, end: string) {
  return application(target, { format: 'online', preferredWindows: [{ start, end }] });
}

describe('travel buffers', () => {
  it('blocks an on-site visit ± the travel buffer for on-site, and only the visit for online', async () => {
    const { id } = await createExpert(api, { travelBufferMinutes: 60 });
    const day = days('2026-11-18', '2026-11-19');
    const first = await applyAs(api, { format: 'onsite', preferredWindows: [day] });
    const session = await book(api, first.request.id, id, jst('2026-11-18', '10:00'));
    expect(session.format).toBe('onsite');

    const [row] = await api.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(row && tokyo(row.blockedFrom.toISOString())).toBe('2026-11-18 09:00');
    expect(row && tokyo(row.blockedTo.toISOString())).toBe('2026-11-18 13:00');

    // Another on-site visit blocks [s − 1 h, s + 3 h), which must clear [09:00, 13:00).
    const onsite = await applyAs(api, { format: 'onsite', preferredWindows: [day] });
    expect(startsOf(matchOf(await matchesFor(api, onsite.request.id), id))).toEqual(
      everyHalfHour('2026-11-18', '14:00', '15:00'),
    );

    // An online visit needs no buffer of its own: it may start when the blocked range ends.
    const online = await applyAs(api, { format: 'online', preferredWindows: [day] });
    expect(startsOf(matchOf(await matchesFor(api, online.request.id), id))).toEqual(
      everyHalfHour('2026-11-18', '13:00', '15:00'),
    );
  });

  it('never offers the company a slot overlapping its own visit, with any expert', async () => {
    const booked = await createExpert(api);
    const other = await createExpert(api);
    const corporateNumber = newCorporateNumber();
    const first = await applyAs(api, {
      company: { corporateNumber },
      preferredWindows: [days('2026-11-18', '2026-11-19')],
    });
    await book(api, first.request.id, booked.id, jst('2026-11-18', '10:00'));

    // The same company asks again for the same day: [s, s + 2 h) must clear [10:00, 12:00).
    const second = await applyAs(api, {
      company: { corporateNumber },
      format: 'online',
      preferredWindows: [days('2026-11-18', '2026-11-19')],
    });
    const slots = await slotsFor(api, second.request.id, second.accessToken);
    expect(slots.map((s) => tokyo(s.start))).toEqual(everyHalfHour('2026-11-18', '12:00', '15:00'));
    expect(slots[0]?.expert.id).toBe(other.id);
  });

  it('a cancelled visit frees its time again', async () => {
    const { id } = await createExpert(api, { travelBufferMinutes: 60 });
    const day = days('2026-11-18', '2026-11-19');
    const first = await applyAs(api, { format: 'onsite', preferredWindows: [day] });
    const session = await book(api, first.request.id, id, jst('2026-11-18', '10:00'));
    const cancel = await api.call('POST', `/v1/sessions/${session.id}/cancel`, {
      body: { reason: 'company asked to move it' },
    });
    expect(cancel.status, cancel.text).toBe(200);

    const other = await applyAs(api, { format: 'onsite', preferredWindows: [day] });
    expect(startsOf(matchOf(await matchesFor(api, other.request.id), id))).toEqual(
      everyHalfHour('2026-11-18', '09:00', '15:00'),
    );
  });
});

describe('imported busy time', () => {
  it('removes slots overlapping a busy block, widened by the buffer for on-site', async () => {
    const { id } = await createExpert(api, { travelBufferMinutes: 60 });
    await addBusyBlock(api, id, jst('2026-11-19', '12:00'), jst('2026-11-19', '13:00'));
    const day = days('2026-11-19', '2026-11-20');

    const online = await applyAs(api, { format: 'online', preferredWindows: [day] });
    expect(startsOf(matchOf(await matchesFor(api, online.request.id), id))).toEqual([
      ...everyHalfHour('2026-11-19', '09:00', '10:00'),
      ...everyHalfHour('2026-11-19', '13:00', '15:00'),
    ]);

    // On site, [s − 1 h, s + 3 h) must clear [12:00, 13:00): s ≤ 09:00 or s ≥ 14:00.
    const onsite = await applyAs(api, { format: 'onsite', preferredWindows: [day] });
    expect(startsOf(matchOf(await matchesFor(api, onsite.request.id), id))).toEqual([
      '2026-11-19 09:00',
      ...everyHalfHour('2026-11-19', '14:00', '15:00'),
    ]);
  });

  it('a busy block just before the window still blocks an on-site slot through the buffer', async () => {
    const { id } = await createExpert(api, { travelBufferMinutes: 60 });
    await addBusyBlock(api, id, jst('2026-11-19', '08:00'), jst('2026-11-19', '09:30'));
    const window = { start: jst('2026-11-19', '10:00'), end: jst('2026-11-19', '17:00') };

    const online = await applyAs(api, { format: 'online', preferredWindows: [window] });
    expect(startsOf(matchOf(await matchesFor(api, online.request.id), id))[0]).toBe(
      '2026-11-19 10:00',
    );
    const onsite = await applyAs(api, { format: 'onsite', preferredWindows: [window] });
    expect(startsOf(matchOf(await matchesFor(api, onsite.request.id), id))).toEqual(
      everyHalfHour('2026-11-19', '10:30', '15:00'),
    );
  });

  it('a busy block covering the whole window leaves the expert out', async () => {
    const busy = await createExpert(api);
    const free = await createExpert(api);
    await addBusyBlock(api, busy.id, jst('2026-11-19', '08:00'), jst('2026-11-19', '18:00'));
    const { request } = await applyAs(api, {
      format: 'online',
      preferredWindows: [days('2026-11-19', '2026-11-20')],
    });

    const matches = await matchesFor(api, request.id);
    expect(matches.map((m) => m.expert.id)).toEqual([free.id]);
  });
});

describe('GET /v1/requests/:id/slots', () => {
  it('as the company: every slot once, with the best-ranked expert free then', async () => {
    const metal = await createExpert(api, { name: '金属 専門', industries: ['E24'] });
    const electric = await createExpert(api, { name: '電機 専門', industries: ['E29'] });
    await setAvailability(api, electric.id, {
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '13:00', end: '20:00' })),
    });
    const { request, accessToken } = await applyAs(api, {
      format: 'onsite',
      durationMinutes: 90,
      preferredWindows: [
        { start: jst('2026-11-18', '08:00'), end: jst('2026-11-18', '12:30') },
        { start: jst('2026-11-19', '15:00'), end: jst('2026-11-19', '21:00') },
      ],
    });

    const slots = await slotsFor(api, request.id, accessToken);
    expect(slots.map((s) => [tokyo(s.start), tokyo(s.end), s.expert.name])).toEqual([
      ['2026-11-18 09:00', '2026-11-18 10:30', '金属 専門'],
      ['2026-11-18 09:30', '2026-11-18 11:00', '金属 専門'],
      ['2026-11-18 10:00', '2026-11-18 11:30', '金属 専門'],
      ['2026-11-18 10:30', '2026-11-18 12:00', '金属 専門'],
      ['2026-11-18 11:00', '2026-11-18 12:30', '金属 専門'],
      // Both are free at 15:00 and 15:30; the exact-industry expert is named.
      ['2026-11-19 15:00', '2026-11-19 16:30', '金属 専門'],
      ['2026-11-19 15:30', '2026-11-19 17:00', '金属 専門'],
      ['2026-11-19 16:00', '2026-11-19 17:30', '電機 専門'],
      ['2026-11-19 16:30', '2026-11-19 18:00', '電機 専門'],
      ['2026-11-19 17:00', '2026-11-19 18:30', '電機 専門'],
      ['2026-11-19 17:30', '2026-11-19 19:00', '電機 専門'],
      ['2026-11-19 18:00', '2026-11-19 19:30', '電機 専門'],
      ['2026-11-19 18:30', '2026-11-19 20:00', '電機 専門'],
    ]);
    expect(slots[0]).toEqual({
      start: '2026-11-18T00:00:00.000Z',
      end: '2026-11-18T01:30:00.000Z',
      format: 'onsite',
      expert: { id: metal.id, name: '金属 専門', affiliation: '情報管理コンサルティング' },
    });
    expect(slots.at(-1)?.expert.id).toBe(electric.id);

    expect(await slotsFor(api, request.id)).toEqual(slots);
  });

  it('slots are sorted, unique, on the half hour, inside a window and the expert’s hours', async () => {
    const hours = new Map<string, { from: number; to: number }>();
    for (const [name, from, to] of [
      ['朝型', '08:00', '12:00'],
      ['昼型', '11:00', '17:30'],
    ] as const) {
      const { id } = await createExpert(api, { name });
      await setAvailability(api, id, {
        weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: from, end: to })),
      });
      hours.set(id, { from: minutes(from), to: minutes(to) });
    }
    // Ragged window edges, across a weekend and the 2026-11-23 holiday.
    const windows = [
      { start: jst('2026-11-16', '08:10'), end: jst('2026-11-18', '12:20') },
      { start: jst('2026-11-19', '16:45'), end: jst('2026-11-24', '11:00') },
    ];
    const { request, accessToken } = await applyAs(api, {
      format: 'online',
      durationMinutes: 60,
      preferredWindows: windows,
    });

    const slots = await slotsFor(api, request.id, accessToken);
    expect(slots.length).toBeGreaterThan(20);
    const starts = slots.map((s) => Date.parse(s.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(starts).size).toBe(starts.length);
    for (const slot of slots) {
      const [start, end] = [Date.parse(slot.start), Date.parse(slot.end)];
      expect(start % HALF_HOUR_MS, slot.start).toBe(0);
      expect(end - start).toBe(60 * 60_000);
      expect(
        windows.some((w) => Date.parse(w.start) <= start && end <= Date.parse(w.end)),
        slot.start,
      ).toBe(true);
      expect(insideHours(slot, hours.get(slot.expert.id)), tokyo(slot.start)).toBe(true);
    }
    const dates = new Set(slots.map((s) => tokyo(s.start).slice(0, 10)));
    expect([...dates]).toEqual([
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-20',
      '2026-11-24',
    ]);
  });

  it('answers 404 to another company, 403 to an expert and 401 without a token', async () => {
    const { id } = await createExpert(api);
    const mine = await applyAs(api, { format: 'online' });
    const theirs = await applyAs(api, { format: 'online' });

    const other = await api.call('GET', `/v1/requests/${mine.request.id}/slots`, {
      token: theirs.accessToken,
    });
    expectProblem(other, 404, 'not-found');

    const expert = await api.call('GET', `/v1/requests/${mine.request.id}/slots`, {
      token: await expertToken(api, id),
    });
    expectProblem(expert, 403, 'forbidden');

    const anonymous = await api.call('GET', `/v1/requests/${mine.request.id}/slots`, {
      token: null,
    });
    expectProblem(anonymous, 401, 'unauthorized');

    expect(await slotsFor(api, mine.request.id, mine.accessToken)).not.toEqual([]);
  });
});

function minutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Whether a slot lies on one Tokyo weekday (Mon–Fri) within the given hours of that day. */
function insideHours(slot: SlotOffer, hours: { from: number; to: number } | undefined): boolean {
  if (!hours) return false;
  const [startDate, startTime] = tokyo(slot.start).split(' ') as [string, string];
  const [endDate, endTime] = tokyo(slot.end).split(' ') as [string, string];
  const weekday = new Date(`${startDate}T00:00:00Z`).getUTCDay();
  return (
    startDate === endDate &&
    weekday >= 1 &&
    weekday <= 5 &&
    minutes(startTime) >= hours.from &&
    minutes(endTime) <= hours.to
  );
}
