// The test oracle: src/domain/intervals.ts as it stood before the threshold ranking (issue 19), kept verbatim
// but for imports, so the new loader can be compared with today's answers. Do not optimise it.
// Interval algebra over epoch milliseconds. Every list-returning function accepts unsorted,
// overlapping input and returns a sorted list of disjoint, non-empty, non-touching intervals
// (slotsIn excepted: its slots are sorted but overlap when the step is shorter than the
// duration). After the one sort in merge, every pass is a linear sweep, because this runs for
// every expert on every matching request.

/** Half-open [start, end) in epoch milliseconds. */
export type Interval = { start: number; end: number };

export function merge(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((i) => i.start < i.end).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  let last: Interval | undefined;
  for (const { start, end } of sorted) {
    if (last && start <= last.end) {
      if (end > last.end) last.end = end;
    } else {
      // A copy, so that extending it never mutates the caller's objects.
      last = { start, end };
      out.push(last);
    }
  }
  return out;
}

export function union(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return merge([...a, ...b]);
}

export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const from = merge(a);
  const cut = merge(b);
  const out: Interval[] = [];
  let j = 0;
  for (const { start, end } of from) {
    let cursor = start;
    // Cuts ending before this interval cannot touch any later one either.
    while (j < cut.length && (cut[j] as Interval).end <= cursor) j++;
    let k = j;
    while (k < cut.length && (cut[k] as Interval).start < end) {
      const c = cut[k] as Interval;
      if (c.start > cursor) out.push({ start: cursor, end: c.start });
      cursor = Math.max(cursor, c.end);
      k++;
    }
    if (cursor < end) out.push({ start: cursor, end });
  }
  return out;
}

export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = merge(a);
  const y = merge(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const p = x[i] as Interval;
    const q = y[j] as Interval;
    const start = Math.max(p.start, q.start);
    const end = Math.min(p.end, q.end);
    if (start < end) out.push({ start, end });
    if (p.end < q.end) i++;
    else j++;
  }
  return out;
}

export function clip(list: readonly Interval[], bounds: Interval): Interval[] {
  return intersect(list, [bounds]);
}

/**
 * Extends each interval by beforeMs at its start and afterMs at its end, then merges. Empty
 * intervals stay empty: a zero-length calendar event blocks no time, with or without buffers.
 */
export function widen(list: readonly Interval[], beforeMs: number, afterMs: number): Interval[] {
  return merge(
    list
      .filter((i) => i.start < i.end)
      .map((i) => ({ start: i.start - beforeMs, end: i.end + afterMs })),
  );
}

/** Whether the two share an instant; an empty interval overlaps nothing (as in Postgres). */
export function overlaps(a: Interval, b: Interval): boolean {
  return Math.max(a.start, b.start) < Math.min(a.end, b.end);
}

/**
 * Every [s, s + durationMs) that fits inside one free interval, with s a multiple of stepMs
 * counted from the epoch. Since Asia/Tokyo is a whole number of hours from UTC, a grid of
 * 30 minutes from the epoch is also one on the Tokyo wall clock.
 */
export function slotsIn(free: readonly Interval[], durationMs: number, stepMs: number): Interval[] {
  if (!(durationMs > 0) || !(stepMs > 0)) {
    throw new RangeError('slotsIn needs a positive duration and step');
  }
  const out: Interval[] = [];
  for (const { start, end } of merge(free)) {
    for (let s = Math.ceil(start / stepMs) * stepMs; s + durationMs <= end; s += stepMs) {
      out.push({ start: s, end: s + durationMs });
    }
  }
  return out;
}
