/**
 * Order statistics. Percentiles use the nearest-rank method (the smallest value with at least
 * p % of the values at or below it), so every reported percentile is an observed value.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Arithmetic mean (NaN for none). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Jain's fairness index (Σx)² / (n·Σx²): 1 when all equal, 1/n when one takes all. */
export function jainIndex(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  let s2 = 0;
  for (const v of values) {
    s += v;
    s2 += v * v;
  }
  return s2 === 0 ? 1 : (s * s) / (values.length * s2);
}
