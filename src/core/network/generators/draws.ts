import { cumulativeThresholds, TWO32 } from '../../rng/threshold.ts';

/**
 * Set-up draws for the network generators. Every word is addressed (node, SETUP, stream, block):
 * what a node draws never depends on any other node, on iteration order or on thread count.
 * Kept local (not the shared samplers) so the generators' streams are fixed by this file alone.
 */

/** The first k in [0, hi - lo) with w < t[lo + k], by binary search (t ascending, t[hi-1] > w). */
export function pick(t: Float64Array, lo: number, hi: number, w: number): number {
  let a = lo, b = hi - 1;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (w < t[mid]!) b = mid;
    else a = mid + 1;
  }
  return a - lo;
}

/**
 * Thresholds of Poisson(lambda) over [lo, lo + length): pick(...) + lo is the draw. Built by the
 * ratio recurrence outward from the mode, using only + * /, so the table is bit-identical in every
 * JavaScript engine (no exp, whose last bit may differ) and works for large lambda without
 * underflow. Tails below 1e-18 of the mode's mass are cut.
 */
export function poissonThresholds(lambda: number): { lo: number; thresholds: Float64Array } {
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new RangeError(`Poisson mean must be finite and >= 0, got ${lambda}`);
  if (lambda === 0) return { lo: 0, thresholds: Float64Array.of(TWO32) };
  const mode = Math.floor(lambda);
  const cut = 1e-18;
  let lo = mode;
  for (let p = 1; lo > 0 && p > cut; ) p *= lo-- / lambda;
  let hi = mode;
  for (let p = 1; p > cut; ) p *= lambda / ++hi;
  // Relative masses p[k] / p[mode], then the cumulative thresholds.
  const weights = new Float64Array(hi - lo + 1);
  weights[mode - lo] = 1;
  for (let k = mode + 1; k <= hi; k++) weights[k - lo] = weights[k - 1 - lo]! * (lambda / k);
  for (let k = mode - 1; k >= lo; k--) weights[k - lo] = weights[k + 1 - lo]! * ((k + 1) / lambda);
  return { lo, thresholds: cumulativeThresholds(weights) };
}
