// Small numeric helpers for the benchmarks: percentiles (nearest rank), rounding, sleeping.

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an unsorted sample (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : Number.NaN;
  return {
    n,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    min: round(n ? Math.min(...values) : Number.NaN),
    max: round(n ? Math.max(...values) : Number.NaN),
    mean: round(mean),
  };
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const log = (...parts: unknown[]) =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);
