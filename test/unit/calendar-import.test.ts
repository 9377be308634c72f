import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { type BusyBlock, busyBlocks, FeedParseError } from '../../src/calendar/import.ts';
import { generateFeed } from '../fixtures/feeds/generate.ts';

const MARCH_2026 = {
  start: Date.parse('2026-03-01T00:00:00Z'),
  end: Date.parse('2026-04-01T00:00:00Z'),
};

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/feeds/${name}.ics`, import.meta.url), 'utf8');

/** Blocks as "start/end" in ISO UTC, seconds precision, for readable expectations. */
const spans = (blocks: readonly BusyBlock[]) =>
  blocks.map(({ start, end }) => `${iso(start)}/${iso(end)}`);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A feed of the given VEVENT bodies (lines without BEGIN/END), UID and DTSTAMP added. */
function feed(...events: string[][]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//haken//test//EN'];
  events.forEach((body, i) => {
    lines.push('BEGIN:VEVENT', `UID:event-${i}@test`, 'DTSTAMP:20260101T000000Z', ...body);
    lines.push('END:VEVENT');
  });
  return [...lines, 'END:VCALENDAR', ''].join('\r\n');
}

describe('busyBlocks on a Google Calendar feed', () => {
  const result = busyBlocks(fixture('google'), MARCH_2026);

  it('expands the weekly series (begun a year earlier) with its EXDATE and moved instance, the daily series without its cancelled instance, all-day and UTC events, and skips free and cancelled ones', () => {
    expect(spans(result.blocks)).toEqual([
      '2026-03-01T00:00:00Z/2026-03-01T01:00:00Z', // 08:00–10:00 JST on 1 March, clipped
      '2026-03-02T00:30:00Z/2026-03-02T00:45:00Z', // daily 09:30 JST, COUNT=5
      '2026-03-02T01:00:00Z/2026-03-02T02:00:00Z', // weekly Monday 10:00 JST
      '2026-03-03T00:30:00Z/2026-03-03T00:45:00Z',
      '2026-03-05T00:30:00Z/2026-03-05T00:45:00Z', // 4 March cancelled by its override
      '2026-03-06T00:30:00Z/2026-03-06T00:45:00Z',
      '2026-03-09T01:00:00Z/2026-03-09T02:00:00Z',
      '2026-03-12T02:00:00Z/2026-03-12T03:30:00Z', // a UTC event
      '2026-03-19T15:00:00Z/2026-03-20T15:00:00Z', // all day on 20 March, JST; 16 March excluded
      '2026-03-24T05:00:00Z/2026-03-24T06:00:00Z', // 23 March's instance moved to Tuesday 14:00
      '2026-03-24T15:00:00Z/2026-03-26T15:00:00Z', // all day 25–26 March
      '2026-03-30T01:00:00Z/2026-03-30T02:00:00Z',
    ]);
    expect(result.eventCount).toBe(12);
    expect(result.invalidEvents).toBe(0);
  });

  it('reads the same blocks from LF line endings', () => {
    const lf = fixture('google').replace(/\r\n/g, '\n');
    expect(busyBlocks(lf, MARCH_2026)).toEqual(result);
  });
});

describe('busyBlocks on an Outlook / Exchange feed', () => {
  const result = busyBlocks(fixture('outlook'), MARCH_2026);

  it('maps Windows zone names, with or without a VTIMEZONE, honours a custom VTIMEZONE, and treats BUSYSTATUS:FREE as free', () => {
    expect(spans(result.blocks)).toEqual([
      '2026-03-04T06:00:00Z/2026-03-04T07:00:00Z', // weekly Wednesday 15:00 Tokyo Standard Time
      '2026-03-05T04:00:00Z/2026-03-05T05:30:00Z', // 13:00–14:30 Tokyo Standard Time
      '2026-03-05T17:00:00Z/2026-03-05T18:00:00Z', // 09:00 Pacific Standard Time (PST, UTC−8)
      '2026-03-06T01:00:00Z/2026-03-06T02:00:00Z', // tentative is busy
      '2026-03-10T16:00:00Z/2026-03-10T17:00:00Z', // 09:00 Pacific, now daylight time (UTC−7)
      '2026-03-11T06:00:00Z/2026-03-11T07:00:00Z', // 18 March excluded
      '2026-03-15T15:00:00Z/2026-03-16T15:00:00Z', // out of office all day on 16 March
      '2026-03-25T06:00:00Z/2026-03-25T07:00:00Z',
      '2026-03-27T09:00:00Z/2026-03-27T10:00:00Z', // custom zone at UTC+1
      '2026-03-30T08:00:00Z/2026-03-30T09:00:00Z', // custom zone after its DST start: UTC+2
      '2026-03-30T15:00:00Z/2026-03-31T15:00:00Z', // all day on 31 March
    ]);
    expect(result.eventCount).toBe(11);
  });
});

describe('busyBlocks on an Apple iCloud feed', () => {
  const ics = fixture('icloud');

  it('is folded, CRLF-terminated input', () => {
    expect(ics).toMatch(/\r\n [^\r\n]/);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it('keeps wall-clock times across the DST change, expands RDATE (dates and periods), and reads DURATION, floating times and all-day dates without DTEND', () => {
    expect(spans(busyBlocks(ics, MARCH_2026).blocks)).toEqual([
      '2026-03-02T17:00:00Z/2026-03-02T18:00:00Z', // 09:00 PST
      '2026-03-04T22:00:00Z/2026-03-04T23:00:00Z', // 14:00 PST
      '2026-03-07T20:00:00Z/2026-03-08T19:00:00Z', // noon to noon: P1D is 23 hours here
      '2026-03-08T10:30:00Z/2026-03-08T11:00:00Z', // 02:30 does not exist: read as 03:30 PDT
      '2026-03-09T16:00:00Z/2026-03-09T17:00:00Z', // 09:00 PDT
      '2026-03-11T21:00:00Z/2026-03-11T22:00:00Z', // RDATE 14:00 PDT
      '2026-03-16T16:00:00Z/2026-03-16T17:00:00Z',
      '2026-03-18T23:00:00Z/2026-03-19T00:00:00Z', // RDATE 16:00 PDT
      '2026-03-20T01:00:00Z/2026-03-20T02:00:00Z', // floating 10:00, read in Asia/Tokyo
      '2026-03-22T15:00:00Z/2026-03-23T15:00:00Z', // all day on 23 March, JST
      '2026-03-26T16:00:00Z/2026-03-26T17:00:00Z',
      '2026-03-27T17:00:00Z/2026-03-27T19:00:00Z', // RDATE period
    ]);
  });
});

describe('busyBlocks, details', () => {
  it('clips to the range and drops what lies outside it or has no length', () => {
    const ics = feed(
      ['DTSTART:20260331T230000Z', 'DTEND:20260401T010000Z'],
      ['DTSTART:20260401T000000Z', 'DTEND:20260401T010000Z'],
      ['DTSTART:20260228T230000Z', 'DTEND:20260301T000000Z'],
      ['DTSTART:20260310T000000Z'],
      ['DTSTART:20260311T000000Z', 'DTEND:20260311T000000Z'],
    );
    expect(spans(busyBlocks(ics, MARCH_2026).blocks)).toEqual([
      '2026-03-31T23:00:00Z/2026-04-01T00:00:00Z',
    ]);
  });

  it('returns overlapping blocks as they are, sorted by start', () => {
    const ics = feed(
      ['DTSTART:20260302T030000Z', 'DTEND:20260302T040000Z'],
      ['DTSTART:20260302T010000Z', 'DTEND:20260302T050000Z'],
      ['DTSTART:20260302T010000Z', 'DTEND:20260302T020000Z'],
    );
    expect(spans(busyBlocks(ics, MARCH_2026).blocks)).toEqual([
      '2026-03-02T01:00:00Z/2026-03-02T02:00:00Z',
      '2026-03-02T01:00:00Z/2026-03-02T05:00:00Z',
      '2026-03-02T03:00:00Z/2026-03-02T04:00:00Z',
    ]);
  });

  it('resolves IANA names without a VTIMEZONE, vendor-prefixed names, and reads unknown zones as Asia/Tokyo', () => {
    const ics = feed(
      ['DTSTART;TZID=Europe/London:20260302T090000', 'DURATION:PT1H'],
      ['DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20260310T090000', 'DURATION:PT1H'],
      ['DTSTART;TZID=Mars/Olympus_Mons:20260311T090000', 'DURATION:PT1H'],
    );
    expect(spans(busyBlocks(ics, MARCH_2026).blocks)).toEqual([
      '2026-03-02T09:00:00Z/2026-03-02T10:00:00Z',
      '2026-03-10T13:00:00Z/2026-03-10T14:00:00Z',
      '2026-03-11T00:00:00Z/2026-03-11T01:00:00Z',
    ]);
  });

  it('takes the first of two wall-clock times that occur twice (DST ends)', () => {
    const ics = feed(['DTSTART;TZID=America/New_York:20261101T013000', 'DURATION:PT30M']);
    const november = {
      start: Date.parse('2026-11-01T00:00:00Z'),
      end: Date.parse('2026-11-02T00:00:00Z'),
    };
    expect(spans(busyBlocks(ics, november).blocks)).toEqual([
      '2026-11-01T05:30:00Z/2026-11-01T06:00:00Z',
    ]);
  });

  it('applies an override even when the instance it moves lies outside the range', () => {
    const ics = feed([
      'DTSTART:20260220T010000Z',
      'DTEND:20260220T020000Z',
      'RRULE:FREQ=DAILY;COUNT=3',
    ]).replace(
      'END:VCALENDAR',
      [
        'BEGIN:VEVENT',
        'UID:event-0@test',
        'DTSTAMP:20260101T000000Z',
        'RECURRENCE-ID:20260221T010000Z',
        'DTSTART:20260305T010000Z',
        'DTEND:20260305T020000Z',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
    expect(spans(busyBlocks(ics, MARCH_2026).blocks)).toEqual([
      '2026-03-05T01:00:00Z/2026-03-05T02:00:00Z',
    ]);
  });

  it('reads every VCALENDAR of a concatenated feed', () => {
    const one = feed(['DTSTART:20260302T010000Z', 'DTEND:20260302T020000Z']);
    const two = feed(['DTSTART:20260303T010000Z', 'DTEND:20260303T020000Z']);
    expect(busyBlocks(one + two, MARCH_2026).eventCount).toBe(2);
  });

  it('skips an unreadable event, counts it, and keeps the others', () => {
    const ics = feed(['SUMMARY:no start'], ['DTSTART:20260302T010000Z', 'DTEND:20260302T020000Z']);
    expect(busyBlocks(ics, MARCH_2026)).toMatchObject({ eventCount: 1, invalidEvents: 1 });
  });

  it('does not leave its time zones registered with ical.js', () => {
    busyBlocks(fixture('outlook'), MARCH_2026);
    expect(ICAL.TimezoneService.has('Pacific Standard Time')).toBe(false);
    expect(ICAL.TimezoneService.has('Customized Time Zone')).toBe(false);
  });
});

describe('busyBlocks on a large feed', () => {
  it('reads a synthetic 10,000-event feed with 500 series over 90 days within its budgets', () => {
    const from = new Date('2026-04-01T00:00:00Z');
    const horizon = { start: from.getTime(), end: from.getTime() + 90 * 86_400_000 };
    const result = busyBlocks(generateFeed({ from }), horizon);
    expect(result.invalidEvents).toBe(0);
    expect(result.eventCount).toBeGreaterThan(5_000);
    expect(
      result.blocks.every(({ start, end }) => start >= horizon.start && end <= horizon.end),
    ).toBe(true);
  });
});

describe('busyBlocks matches a full ical.js expansion', () => {
  // Long-running rules start near the range rather than at DTSTART; this checks that
  // shortcut against ical.js iterating from DTSTART, in a zone with DST.
  const newYork = [
    'BEGIN:VTIMEZONE',
    'TZID:America/New_York',
    'BEGIN:DAYLIGHT',
    'TZOFFSETFROM:-0500',
    'TZOFFSETTO:-0400',
    'DTSTART:20070311T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
    'END:DAYLIGHT',
    'BEGIN:STANDARD',
    'TZOFFSETFROM:-0400',
    'TZOFFSETTO:-0500',
    'DTSTART:20071104T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
    'END:STANDARD',
    'END:VTIMEZONE',
  ];
  const spring = {
    start: Date.parse('2026-03-01T00:00:00Z'),
    end: Date.parse('2026-06-01T00:00:00Z'),
  };
  const rules = [
    'FREQ=DAILY',
    'FREQ=DAILY;INTERVAL=3',
    'FREQ=DAILY;BYMONTH=3,5;BYDAY=SU',
    'FREQ=WEEKLY;BYDAY=MO,WE,FR',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU',
    'FREQ=WEEKLY;INTERVAL=3',
    'FREQ=HOURLY;INTERVAL=7;BYHOUR=9,10,11,12,13,14,15,16',
    'FREQ=MONTHLY',
    'FREQ=MONTHLY;BYDAY=2TU',
    'FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR',
    'FREQ=MONTHLY;BYMONTHDAY=15,-1',
    'FREQ=MONTHLY;INTERVAL=5;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1',
    'FREQ=YEARLY',
    'FREQ=YEARLY;BYMONTH=3,4;BYDAY=-1SU',
    'FREQ=YEARLY;INTERVAL=2;BYMONTH=5;BYMONTHDAY=1,20',
    'FREQ=YEARLY;BYWEEKNO=12,20;BYDAY=MO',
    'FREQ=WEEKLY;COUNT=400',
  ];
  const starts = ['20190131T103000', '20200229T120000', '20230715T234500', '20260220T080000'];

  for (const rule of rules) {
    for (const start of starts) {
      it(`${rule} from ${start}`, () => {
        const ics = [
          'BEGIN:VCALENDAR',
          'VERSION:2.0',
          'PRODID:-//haken//test//EN',
          ...newYork,
          'BEGIN:VEVENT',
          'UID:series@test',
          'DTSTAMP:20260101T000000Z',
          `DTSTART;TZID=America/New_York:${start}`,
          'DURATION:PT50M',
          `RRULE:${rule}`,
          'END:VEVENT',
          'END:VCALENDAR',
          '',
        ].join('\r\n');
        expect(spans(busyBlocks(ics, spring).blocks)).toEqual(spans(fullExpansion(ics, spring)));
      });
    }
  }
});

/** Every instance from DTSTART on, as ical.js itself expands them, clipped to the range. */
function fullExpansion(ics: string, range: { start: number; end: number }): BusyBlock[] {
  const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent') ?? undefined);
  const length = event.duration.toSeconds() * 1000;
  const blocks: BusyBlock[] = [];
  const iterator = event.iterator();
  for (let time = iterator.next(); time; time = iterator.next()) {
    const start = time.toUnixTime() * 1000;
    if (start >= range.end) break;
    const block = { start: Math.max(start, range.start), end: Math.min(start + length, range.end) };
    if (block.end > block.start) blocks.push(block);
  }
  return blocks;
}

describe('busyBlocks on hostile or broken input', () => {
  it.each([
    ['empty', ''],
    ['plain text', 'garbage'],
    ['an HTML login page', '<!DOCTYPE html><html><body>Sign in</body></html>'],
    ['JSON', '{"error":"not found"}'],
    ['a broken content line', 'BEGIN:VCALENDAR\r\nthis is no content line\r\nEND:VCALENDAR\r\n'],
    ['an unterminated calendar', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n'],
  ])('rejects %s with a FeedParseError', (_, ics) => {
    expect(() => busyBlocks(ics, MARCH_2026)).toThrow(FeedParseError);
  });

  it('says what is wrong in its own words, never quoting the feed', () => {
    expect(() => busyBlocks('<!DOCTYPE html><html>secret page', MARCH_2026)).toThrow(
      /^not an iCalendar feed: it does not begin with BEGIN:VCALENDAR$/,
    );
    const broken = 'BEGIN:VCALENDAR\r\nthis is no content line secret\r\nEND:VCALENDAR\r\n';
    expect(() => busyBlocks(broken, MARCH_2026)).toThrow(
      /^malformed iCalendar: the file could not be parsed$/,
    );
  });

  it('stops a rule that no date satisfies', () => {
    const ics = feed(['DTSTART:20260101T000000Z', 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30']);
    expect(() => busyBlocks(ics, MARCH_2026)).toThrow(/too costly to expand/);
  });

  it('stops a COUNT rule that would iterate for ages before the range', () => {
    const ics = feed([
      'DTSTART:20000101T000000Z',
      'DURATION:PT1S',
      'RRULE:FREQ=MINUTELY;COUNT=99999999',
    ]);
    expect(() => busyBlocks(ics, MARCH_2026)).toThrow(/too costly to expand/);
  });

  it('caps the number of occurrences', () => {
    const ics = feed([
      'DTSTART:20260301T000000Z',
      'DURATION:PT1S',
      'RRULE:FREQ=SECONDLY;INTERVAL=10',
    ]);
    expect(() => busyBlocks(ics, MARCH_2026)).toThrow(/more than 50000 busy occurrences/);
  });

  it('fast-forwards an endless series begun long ago instead of iterating from its start', () => {
    const ics = feed([
      'DTSTART:19000101T010000Z',
      'DURATION:PT1M',
      'RRULE:FREQ=MINUTELY;INTERVAL=1440',
    ]);
    expect(busyBlocks(ics, MARCH_2026).eventCount).toBe(31);
  });

  it('survives a yearly rule that never matches', () => {
    const ics = feed([
      'DTSTART:20260302T010000Z',
      'DURATION:PT1H',
      'RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1MO;BYMONTHDAY=15,16,17,18,19,20,21',
    ]);
    expect(busyBlocks(ics, MARCH_2026).eventCount).toBe(1);
  });

  it('charges the years ical.js scans for a yearly rule from an ancient start', () => {
    const ancient = ['DTSTART:00010101T000000Z', 'RRULE:FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6'];
    const ics = feed(...Array.from({ length: 60 }, () => ancient));
    expect(() => busyBlocks(ics, MARCH_2026)).toThrow(/too costly to expand/);
  });

  it('ignores a VTIMEZONE too costly to expand and reads its times as Asia/Tokyo', () => {
    const ics = feed(['DTSTART;TZID=Evil:20260302T100000', 'DURATION:PT1H']).replace(
      'BEGIN:VEVENT',
      [
        'BEGIN:VTIMEZONE',
        'TZID:Evil',
        'BEGIN:DAYLIGHT',
        'DTSTART:16010101T000000',
        'TZOFFSETFROM:+0000',
        'TZOFFSETTO:+0100',
        'RRULE:FREQ=SECONDLY',
        'END:DAYLIGHT',
        'END:VTIMEZONE',
        'BEGIN:VEVENT',
      ].join('\r\n'),
    );
    expect(spans(busyBlocks(ics, MARCH_2026).blocks)).toEqual([
      '2026-03-02T01:00:00Z/2026-03-02T02:00:00Z',
    ]);
  });

  it('passes over dates in absurd years', () => {
    const ics = feed(
      ['DTSTART:99991231T000000Z', 'DURATION:PT1H'],
      [
        'DTSTART;TZID=Asia/Tokyo:20260302T100000',
        'DURATION:PT1H',
        'RDATE;TZID=Asia/Tokyo:99990101T000000',
      ],
    );
    expect(busyBlocks(ics, MARCH_2026)).toMatchObject({ eventCount: 1, invalidEvents: 0 });
  });
});
