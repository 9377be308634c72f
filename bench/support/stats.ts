/** Nearest-rank percentile of unsorted samples (p in 0–100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export type Latency = { p50: number; p95: number; mean: number; n: number };

export function latency(samples: readonly number[]): Latency {
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), mean, n: samples.length };
}

/**
 * Runs `work` sequentially: `warmup` untimed calls, then `n` timed ones (milliseconds), or as
 * many as fit in `limitMs` (at least a few), so a slow or loaded machine still finishes in time.
 */
export async function timeSequential(
  n: number,
  work: () => Promise<unknown>,
  warmup = Math.min(10, n),
  limitMs = Number.POSITIVE_INFINITY,
): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await work();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < n && (samples.length < 10 || performance.now() - started < limitMs)) {
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  return latency(samples);
}

/**
 * Runs `work(i)` for i in 0…n−1 with at most `concurrency` in flight, starting no new work
 * after `limitMs`; returns the elapsed milliseconds and how many were done.
 */
export async function pool(
  n: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
  limitMs = Number.POSITIVE_INFINITY,
): Promise<{ elapsed: number; done: number }> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n && performance.now() - started < limitMs) {
        await work(next++);
        done++;
      }
    }),
  );
  return { elapsed: performance.now() - started, done };
}
