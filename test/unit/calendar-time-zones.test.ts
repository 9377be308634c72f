import { describe, expect, it } from 'vitest';
import { ianaZoneName } from '../../src/calendar/time-zones.ts';
import { WINDOWS_ZONES } from '../../src/calendar/windows-zones.ts';

describe('ianaZoneName', () => {
  it.each([
    ['Asia/Tokyo', 'Asia/Tokyo'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['W. Europe Standard Time', 'Europe/Berlin'],
    [' Korea Standard Time ', 'Asia/Seoul'],
    ['/mozilla.org/20050126_1/America/New_York', 'America/New_York'],
    ['/citadel.org/20190914_1/Asia/Tokyo', 'Asia/Tokyo'],
  ])('reads %j as %s', (tzid, iana) => {
    expect(ianaZoneName(tzid)).toBe(iana);
  });

  it.each(['Customized Time Zone', 'Mars/Olympus_Mons', '', '(UTC+09:00) Osaka, Sapporo, Tokyo'])(
    'knows no zone called %j',
    (tzid) => {
      expect(ianaZoneName(tzid)).toBeNull();
    },
  );

  it('maps every Windows zone to a zone this runtime knows', () => {
    const unknown = Object.entries(WINDOWS_ZONES).filter(([, iana]) => ianaZoneName(iana) !== iana);
    expect(unknown).toEqual([]);
  });
});
