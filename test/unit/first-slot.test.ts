// firstSlotInWorkingTime is what matching ranks every expert by: on random working time, busy
// time, buffers and durations it must give the first of slotsInWorkingTime's slots that the
// caller takes, or none when there is none.
import { describe, expect, it } from 'vitest';
import { firstSlotInWorkingTime, slotsInWorkingTime } from '../../src/domain/availability.ts';
import { type Interval, merge } from '../../src/domain/intervals.ts';
import { MINUTE_MS } from '../../src/domain/time.ts';

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const DAY = 24 * 60 * MINUTE_MS;
const BASE = Date.parse('2026-12-07T00:00:00Z');

describe('firstSlotInWorkingTime', () => {
  it('gives the first slot slotsInWorkingTime gives that is accepted, on 3,000 random cases', () => {
    const next = random(19);
    const minutes = (max: number) => Math.floor(next() * max) * MINUTE_MS;
    let found = 0;
    for (let n = 0; n < 3_000; n++) {
      const working: Interval[] = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, d) => {
        const start = BASE + d * DAY + minutes(12 * 60);
        return { start, end: start + minutes(10 * 60) };
      });
      const obstacle = (): Interval => {
        const start = BASE + minutes(5 * 24 * 60);
        // Some empty ones: they block nothing, as in the database.
        return { start, end: start + (next() < 0.1 ? 0 : minutes(4 * 60)) };
      };
      const busy = Array.from({ length: Math.floor(next() * 12) }, obstacle);
      const sessions = Array.from({ length: Math.floor(next() * 4) }, obstacle);
      const bufferMinutes = [0, 30, 45, 120][Math.floor(next() * 4)] ?? 0;
      const durationMinutes = [60, 90, 120, 180][Math.floor(next() * 4)] ?? 60;
      const refused = new Set<number>();
      const accept = (start: number) => !refused.has(start);
      const all = slotsInWorkingTime(working, {
        busy,
        sessions: sessions.map((s) => ({ ...s, bufferMinutes: 0 })),
        bufferMinutes,
        durationMinutes,
      });
      // The caller refuses some starts (a month at its cap, the company's own visit).
      for (const slot of all) if (next() < 0.3) refused.add(slot.start);
      const expected = all.find((slot) => accept(slot.start))?.start;
      const first = firstSlotInWorkingTime(
        merge(working),
        [...busy, ...sessions],
        { bufferMinutes, durationMinutes },
        accept,
      );
      expect(first, `case ${n}`).toBe(expected);
      if (expected !== undefined) found++;
    }
    // Both answers occur often.
    expect(found).toBeGreaterThan(1_000);
    expect(found).toBeLessThan(2_900);
  });
});
