import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clip,
  type Interval,
  intersect,
  merge,
  overlaps,
  slotsIn,
  subtract,
  union,
  widen,
} from '../../src/domain/intervals.js';

// Small integer coordinates make overlaps, touches and empty intervals common; with integer
// endpoints, agreeing on every integer point means covering the same set.
const LOW = -10;
const HIGH = 260;
const interval = fc
  .record({ start: fc.integer({ min: 0, max: 200 }), length: fc.integer({ min: 0, max: 50 }) })
  .map(({ start, length }) => ({ start, end: start + length }));
const list = fc.array(interval, { maxLength: 12 });

const covers = (l: readonly Interval[], p: number) => l.some((i) => i.start <= p && p < i.end);

function everyPoint(check: (p: number) => void) {
  for (let p = LOW; p <= HIGH; p++) check(p);
}

function expectNormalised(l: readonly Interval[]) {
  for (const [k, i] of l.entries()) {
    expect(i.start).toBeLessThan(i.end);
    const next = l[k + 1];
    // Strictly less: touching intervals must have been coalesced.
    if (next) expect(i.end).toBeLessThan(next.start);
  }
}

describe('merge', () => {
  it('is sorted, disjoint and covers exactly the input', () => {
    fc.assert(
      fc.property(list, (a) => {
        const m = merge(a);
        expectNormalised(m);
        everyPoint((p) => expect(covers(m, p)).toBe(covers(a, p)));
      }),
    );
  });

  it('coalesces touching intervals and drops empty ones', () => {
    expect(
      merge([
        { start: 5, end: 5 },
        { start: 3, end: 5 },
        { start: 0, end: 3 },
        { start: 9, end: 7 },
      ]),
    ).toEqual([{ start: 0, end: 5 }]);
  });

  it('does not mutate its input', () => {
    const input = [
      { start: 0, end: 2 },
      { start: 1, end: 4 },
    ];
    merge(input);
    expect(input).toEqual([
      { start: 0, end: 2 },
      { start: 1, end: 4 },
    ]);
  });
});

describe('set operations', () => {
  it('union, subtract and intersect agree with point membership', () => {
    fc.assert(
      fc.property(list, list, (a, b) => {
        const u = union(a, b);
        const s = subtract(a, b);
        const x = intersect(a, b);
        for (const out of [u, s, x]) expectNormalised(out);
        everyPoint((p) => {
          expect(covers(u, p)).toBe(covers(a, p) || covers(b, p));
          expect(covers(s, p)).toBe(covers(a, p) && !covers(b, p));
          expect(covers(x, p)).toBe(covers(a, p) && covers(b, p));
        });
      }),
    );
  });

  it('(a − b) ∪ (a ∩ b) restores merge(a)', () => {
    fc.assert(
      fc.property(list, list, (a, b) => {
        expect(union(subtract(a, b), intersect(a, b))).toEqual(merge(a));
      }),
    );
  });

  it('intersect lies inside both operands', () => {
    fc.assert(
      fc.property(list, list, (a, b) => {
        const x = intersect(a, b);
        expect(subtract(x, a)).toEqual([]);
        expect(subtract(x, b)).toEqual([]);
      }),
    );
  });

  it('subtract leaves nothing overlapping what was removed', () => {
    fc.assert(
      fc.property(list, list, (a, b) => {
        for (const i of subtract(a, b)) for (const j of b) expect(overlaps(i, j)).toBe(false);
      }),
    );
  });
});

describe('clip, widen, overlaps', () => {
  it('clip stays within bounds and keeps what was inside', () => {
    fc.assert(
      fc.property(list, interval, (a, bounds) => {
        const c = clip(a, bounds);
        expectNormalised(c);
        for (const i of c) {
          expect(i.start).toBeGreaterThanOrEqual(bounds.start);
          expect(i.end).toBeLessThanOrEqual(bounds.end);
        }
        everyPoint((p) => expect(covers(c, p)).toBe(covers(a, p) && covers([bounds], p)));
      }),
    );
  });

  it('widen extends each side and merges', () => {
    const margin = fc.integer({ min: 0, max: 20 });
    fc.assert(
      fc.property(list, margin, margin, (a, before, after) => {
        const w = widen(a, before, after);
        expectNormalised(w);
        const grown = a
          .filter((i) => i.start < i.end)
          .map((i) => ({ start: i.start - before, end: i.end + after }));
        everyPoint((p) => expect(covers(w, p)).toBe(covers(grown, p)));
      }),
    );
  });

  it('overlaps is symmetric, false for touching or empty intervals, and matches intersect', () => {
    fc.assert(
      fc.property(interval, interval, (a, b) => {
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        expect(overlaps(a, b)).toBe(intersect([a], [b]).length > 0);
      }),
    );
    expect(overlaps({ start: 0, end: 5 }, { start: 5, end: 9 })).toBe(false);
  });
});

describe('slotsIn', () => {
  const duration = fc.integer({ min: 1, max: 40 });
  const step = fc.integer({ min: 1, max: 15 });

  it('yields every on-grid slot inside free time, and nothing else', () => {
    fc.assert(
      fc.property(list, duration, step, (free, d, st) => {
        const slots = slotsIn(free, d, st);
        const m = merge(free);
        const inside = (s: number) => m.some((i) => i.start <= s && s + d <= i.end);
        for (const [k, slot] of slots.entries()) {
          expect(slot.end - slot.start).toBe(d);
          expect(slot.start % st).toBe(0);
          expect(inside(slot.start)).toBe(true);
          const next = slots[k + 1];
          if (next) expect(slot.start).toBeLessThan(next.start);
        }
        const starts = new Set(slots.map((s) => s.start));
        for (let s = LOW; s <= HIGH; s++) {
          if (s % st === 0 && inside(s)) expect(starts.has(s)).toBe(true);
        }
      }),
    );
  });

  it('counts the grid from the epoch, so a 30-minute grid holds before 1970 too', () => {
    const half = 30 * 60_000;
    expect(slotsIn([{ start: -100 * half - 1, end: -97 * half }], 2 * half, half)).toEqual([
      { start: -100 * half, end: -98 * half },
      { start: -99 * half, end: -97 * half },
    ]);
  });

  it('rejects a zero step', () => {
    expect(() => slotsIn([{ start: 0, end: 10 }], 5, 0)).toThrow(RangeError);
  });
});
