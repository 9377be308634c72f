import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Availability,
  availableSlots,
  bookableRange,
  type ExistingSession,
  freeTime,
  type SlotsInput,
  validateAvailability,
  workingTime,
} from '../../src/domain/availability.js';
import { isHoliday } from '../../src/domain/holidays.js';
import { clip, type Interval, overlaps, subtract, widen } from '../../src/domain/intervals.js';
import { tokyoDatesOverlapping, tokyoInstant, tokyoWeekday } from '../../src/domain/time.js';

// Instants are written with an explicit +09:00 so that the tests do not trust the code under
// test (or the process TZ) to know where Tokyo is.
const jst = (date: string, time: string) => Date.parse(`${date}T${time}:00+09:00`);
const at = (date: string, start: string, end: string): Interval => ({
  start: jst(date, start),
  end: jst(date, end),
});
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

const weekdays9to17: Availability = {
  weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
  overrides: [],
};

function slots(overrides: Partial<SlotsInput> & Pick<SlotsInput, 'windows'>): Interval[] {
  return availableSlots({
    availability: weekdays9to17,
    busy: [],
    sessions: [],
    range: { start: jst('2026-11-01', '00:00'), end: jst('2027-03-01', '00:00') },
    bufferMinutes: 0,
    durationMinutes: 60,
    ...overrides,
  });
}

describe('bookableRange', () => {
  it('runs from now + minimum notice to now + horizon', () => {
    const now = new Date('2026-11-21T01:15:00Z');
    expect(bookableRange(now, { minNoticeHours: 72, horizonDays: 90 })).toEqual({
      start: Date.parse('2026-11-24T01:15:00Z'),
      end: Date.parse('2027-02-19T01:15:00Z'),
    });
  });
});

describe('workingTime', () => {
  it('reads weekly hours on the Tokyo wall clock (Monday 09:00–17:00 JST = 00:00–08:00Z)', () => {
    const monday: Availability = {
      weekly: [{ weekday: 1, start: '09:00', end: '17:00' }],
      overrides: [],
    };
    const week = {
      start: Date.parse('2026-11-15T00:00:00Z'),
      end: Date.parse('2026-11-22T00:00:00Z'),
    };
    expect(workingTime(monday, week).map((i) => [iso(i.start), iso(i.end)])).toEqual([
      ['2026-11-16T00:00:00.000Z', '2026-11-16T08:00:00.000Z'],
    ]);
  });

  it('closes national holidays: nothing on 勤労感謝の日 2026-11-23', () => {
    const week = { start: jst('2026-11-23', '00:00'), end: jst('2026-11-25', '00:00') };
    expect(workingTime(weekdays9to17, week)).toEqual([at('2026-11-24', '09:00', '17:00')]);
  });

  it('opens a holiday with an override', () => {
    const availability = {
      ...weekdays9to17,
      overrides: [{ date: '2026-11-23', available: true as const, start: '10:00', end: '12:00' }],
    };
    const day = { start: jst('2026-11-23', '00:00'), end: jst('2026-11-24', '00:00') };
    expect(workingTime(availability, day)).toEqual([at('2026-11-23', '10:00', '12:00')]);
  });

  it("lets an override replace the day's weekly hours rather than add to them", () => {
    const availability: Availability = {
      ...weekdays9to17,
      overrides: [
        { date: '2026-11-24', available: true, start: '13:00', end: '15:00' },
        { date: '2026-11-24', available: true, start: '18:00', end: '20:00' },
        { date: '2026-11-25', available: false },
      ],
    };
    const days = { start: jst('2026-11-24', '00:00'), end: jst('2026-11-27', '00:00') };
    expect(workingTime(availability, days)).toEqual([
      at('2026-11-24', '13:00', '15:00'),
      at('2026-11-24', '18:00', '20:00'),
      at('2026-11-26', '09:00', '17:00'),
    ]);
  });

  it('clips to the range and allows hours until 24:00', () => {
    const late: Availability = {
      weekly: [{ weekday: 2, start: '20:00', end: '24:00' }],
      overrides: [],
    };
    const range = { start: jst('2026-11-24', '21:00'), end: jst('2026-11-26', '00:00') };
    expect(workingTime(late, range)).toEqual([
      { start: jst('2026-11-24', '21:00'), end: jst('2026-11-25', '00:00') },
    ]);
  });
});

describe('availableSlots', () => {
  it('offers no slot on 勤労感謝の日 without an override, and offers it with one', () => {
    const windows = [{ start: jst('2026-11-23', '00:00'), end: jst('2026-11-24', '00:00') }];
    expect(slots({ windows })).toEqual([]);
    const availability: Availability = {
      ...weekdays9to17,
      overrides: [{ date: '2026-11-23', available: true, start: '10:00', end: '12:00' }],
    };
    expect(slots({ windows, availability }).map((s) => s.start)).toEqual([
      jst('2026-11-23', '10:00'),
      jst('2026-11-23', '10:30'),
      jst('2026-11-23', '11:00'),
    ]);
  });

  it('starts no slot inside the minimum notice or beyond the horizon', () => {
    const range = bookableRange(jst('2026-11-21', '10:15'), {
      minNoticeHours: 72,
      horizonDays: 90,
    });
    const windows = [{ start: jst('2026-11-01', '00:00'), end: jst('2027-03-31', '00:00') }];
    const offered = slots({ range, windows });
    // 72 h after Saturday 10:15 is Tuesday 10:15; the next half hour is the first start.
    expect(offered[0]).toEqual(at('2026-11-24', '10:30', '11:30'));
    // 90 days on is Friday 2027-02-19 10:15: the last hour that ends by then starts at 09:00.
    expect(offered.at(-1)).toEqual(at('2027-02-19', '09:00', '10:00'));
    for (const s of offered) {
      expect(s.start).toBeGreaterThanOrEqual(range.start);
      expect(s.end).toBeLessThanOrEqual(range.end);
    }
  });

  it('keeps slots inside the preferred windows', () => {
    const windows = [at('2026-11-24', '13:15', '15:00'), at('2026-11-26', '09:00', '10:30')];
    expect(slots({ windows })).toEqual([
      at('2026-11-24', '13:30', '14:30'),
      at('2026-11-24', '14:00', '15:00'),
      at('2026-11-26', '09:00', '10:00'),
      at('2026-11-26', '09:30', '10:30'),
    ]);
  });

  it("blocks an on-site session's travel buffer for a new online visit", () => {
    const windows = [at('2026-11-24', '09:00', '17:00')];
    const sessions: ExistingSession[] = [
      { ...at('2026-11-24', '10:00', '12:00'), bufferMinutes: 60 },
    ];
    const starts = slots({ windows, sessions }).map((s) => s.start);
    expect(starts).not.toContain(jst('2026-11-24', '12:30'));
    expect(starts).not.toContain(jst('2026-11-24', '08:30'));
    expect(starts).toContain(jst('2026-11-24', '13:00'));
  });

  it("blocks a new on-site visit's own buffer next to an online session", () => {
    const windows = [at('2026-11-24', '09:00', '17:00')];
    const sessions: ExistingSession[] = [
      { ...at('2026-11-24', '10:45', '11:45'), bufferMinutes: 0 },
    ];
    const onsite = slots({ windows, sessions, bufferMinutes: 30 }).map((s) => s.start);
    expect(onsite).not.toContain(jst('2026-11-24', '12:00'));
    expect(onsite).toContain(jst('2026-11-24', '12:30'));
    // The same start is fine online, where no travel is needed.
    expect(slots({ windows, sessions }).map((s) => s.start)).toContain(jst('2026-11-24', '12:00'));
  });

  it('blocks imported busy time, widened by the new visit buffer', () => {
    const windows = [at('2026-11-24', '09:00', '17:00')];
    const busy = [at('2026-11-24', '09:00', '15:00')];
    expect(slots({ windows, busy, bufferMinutes: 60 }).map((s) => s.start)).toEqual([
      jst('2026-11-24', '16:00'),
    ]);
  });

  it('gives nothing without preferred windows', () => {
    expect(slots({ windows: [] })).toEqual([]);
  });
});

describe('free time (properties)', () => {
  const base = jst('2026-11-23', '00:00');
  const weekMs = 7 * 24 * 60 * MIN;
  const time = fc.integer({ min: 0, max: 48 }).map((h) => h * 30);
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const weekly = fc.array(
    fc
      .record({ weekday: fc.integer({ min: 1, max: 7 }), a: time, b: time })
      .filter(({ a, b }) => a !== b)
      .map(({ weekday, a, b }) => ({
        weekday,
        start: hhmm(Math.min(a, b)),
        end: hhmm(Math.max(a, b)),
      })),
    { maxLength: 10 },
  );
  // Any minute, not just the grid, so that blocks cut slots at awkward places.
  const block = fc
    .record({
      start: fc.integer({ min: -600, max: 7 * 24 * 60 }),
      length: fc.integer({ min: 1, max: 600 }),
    })
    .map(({ start, length }) => ({
      start: base + start * MIN,
      end: base + (start + length) * MIN,
    }));
  const session = fc
    .record({ block, bufferMinutes: fc.constantFrom(0, 15, 30, 60) })
    .map(({ block, bufferMinutes }) => ({ ...block, bufferMinutes }));
  const range = fc
    .record({ a: fc.integer({ min: 0, max: weekMs }), b: fc.integer({ min: 0, max: weekMs }) })
    .map(({ a, b }) => ({ start: base + Math.min(a, b), end: base + Math.max(a, b) }));
  const input = fc.record({
    availability: weekly.map((w) => ({ weekly: w, overrides: [] })),
    busy: fc.array(block, { maxLength: 8 }),
    sessions: fc.array(session, { maxLength: 5 }),
    range,
    bufferMinutes: fc.constantFrom(0, 30, 60),
  });

  const sessionBlocked = (s: ExistingSession) => ({
    start: s.start - s.bufferMinutes * MIN,
    end: s.end + s.bufferMinutes * MIN,
  });

  it('working time agrees with reading the weekly hours date by date', () => {
    // The week starts on 勤労感謝の日, so the holiday rule is exercised too.
    fc.assert(
      fc.property(input, ({ availability, range }) => {
        const expected = tokyoDatesOverlapping(range.start, range.end).flatMap((date) =>
          isHoliday(date)
            ? []
            : availability.weekly
                .filter((w) => w.weekday === tokyoWeekday(date))
                .map((w) => ({
                  start: tokyoInstant(date, w.start).getTime(),
                  end: tokyoInstant(date, w.end).getTime(),
                })),
        );
        expect(workingTime(availability, range)).toEqual(clip(expected, range));
      }),
    );
  });

  it('never overlaps busy time or blocked ranges, even widened by the buffer', () => {
    fc.assert(
      fc.property(input, (i) => {
        const free = freeTime(i);
        const blocked = widen(
          [...i.busy, ...i.sessions.map(sessionBlocked)],
          i.bufferMinutes * MIN,
          i.bufferMinutes * MIN,
        );
        for (const f of free) for (const b of blocked) expect(overlaps(f, b)).toBe(false);
        expect(subtract(free, workingTime(i.availability, i.range))).toEqual([]);
        for (const f of free) {
          expect(f.start).toBeGreaterThanOrEqual(i.range.start);
          expect(f.end).toBeLessThanOrEqual(i.range.end);
        }
      }),
    );
  });

  it('offers only slots whose blocked range is clear, on the 30-minute grid, inside the windows', () => {
    const windows = fc.array(range, { minLength: 1, maxLength: 3 });
    const duration = fc.constantFrom(60, 90, 120, 240);
    fc.assert(
      fc.property(input, windows, duration, (i, w, durationMinutes) => {
        const buffer = i.bufferMinutes * MIN;
        for (const s of availableSlots({ ...i, windows: w, durationMinutes })) {
          expect(s.end - s.start).toBe(durationMinutes * MIN);
          expect(s.start % (30 * MIN)).toBe(0);
          // Inside the windows taken together: windows that overlap or touch act as one.
          expect(subtract([s], w)).toEqual([]);
          const own = { start: s.start - buffer, end: s.end + buffer };
          for (const b of i.busy) expect(overlaps(own, b)).toBe(false);
          for (const x of i.sessions) expect(overlaps(own, sessionBlocked(x))).toBe(false);
          expect(subtract([s], workingTime(i.availability, i.range))).toEqual([]);
        }
      }),
    );
  });
});

describe('validateAvailability', () => {
  const paths = (av: Availability, now?: number) =>
    validateAvailability(av, now).map((i) => i.path);

  it('accepts good availability, touching rows and hours until 24:00', () => {
    expect(
      validateAvailability({
        weekly: [
          { weekday: 1, start: '09:00', end: '12:00' },
          { weekday: 1, start: '12:00', end: '17:00' },
          { weekday: 7, start: '20:00', end: '24:00' },
        ],
        overrides: [
          { date: '2026-11-23', available: true, start: '10:00', end: '12:00' },
          { date: '2026-11-23', available: true, start: '13:00', end: '15:00' },
          { date: '2026-11-24', available: false },
        ],
      }),
    ).toEqual([]);
  });

  it('rejects malformed times, empty hours and bad weekdays', () => {
    expect(
      paths({
        weekly: [
          { weekday: 1, start: '9:00', end: '17:00' },
          { weekday: 2, start: '09:00', end: '24:30' },
          { weekday: 3, start: '12:60', end: '13:00' },
          { weekday: 4, start: '17:00', end: '09:00' },
          { weekday: 5, start: '09:00', end: '09:00' },
          { weekday: 0, start: '09:00', end: '17:00' },
          { weekday: 8, start: '09:00', end: '17:00' },
          { weekday: 1.5, start: '09:00', end: '17:00' },
        ],
        overrides: [],
      }),
    ).toEqual([
      'weekly.0.start',
      'weekly.1.end',
      'weekly.2.start',
      'weekly.3.end',
      'weekly.4.end',
      'weekly.5.weekday',
      'weekly.6.weekday',
      'weekly.7.weekday',
    ]);
  });

  it('rejects overlapping rows on one weekday, and not across weekdays', () => {
    const issues = validateAvailability({
      weekly: [
        { weekday: 1, start: '09:00', end: '17:00' },
        { weekday: 2, start: '09:00', end: '17:00' },
        { weekday: 1, start: '16:30', end: '18:00' },
      ],
      overrides: [],
    });
    expect(issues).toEqual([
      { path: 'weekly.2', message: 'overlaps weekly.0 on the same weekday' },
    ]);
  });

  it('rejects impossible dates, overlapping override rows and closed days with hours', () => {
    expect(
      paths({
        weekly: [],
        overrides: [
          { date: '2026-02-30', available: false },
          { date: '2026-11-24', available: true, start: '09:00', end: '12:00' },
          { date: '2026-11-24', available: true, start: '11:00', end: '13:00' },
          { date: '2026-11-25', available: false },
          { date: '2026-11-25', available: true, start: '09:00', end: '12:00' },
          { date: '2026-11-26', available: false },
          { date: '2026-11-26', available: false },
        ],
      }),
    ).toEqual(['overrides.0.date', 'overrides.6', 'overrides.2', 'overrides.4']);
  });

  it('with now, rejects override dates over a year past or two years ahead', () => {
    const now = jst('2026-11-25', '08:00');
    const on = (date: string): Availability => ({
      weekly: [],
      overrides: [{ date, available: false }],
    });
    expect(paths(on('2025-11-25'), now)).toEqual([]);
    expect(paths(on('2028-11-25'), now)).toEqual([]);
    expect(paths(on('2025-11-24'), now)).toEqual(['overrides.0.date']);
    expect(paths(on('2028-11-26'), now)).toEqual(['overrides.0.date']);
    // Without now there is no range rule.
    expect(paths(on('1999-01-01'))).toEqual([]);
  });
});
