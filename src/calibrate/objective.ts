/**
 * The calibration's objective and its posterior: how far a point's simulated statistics are from
 * the targets, and what the closest points of a prior sample say about each parameter
 * (docs/calibration.md, with the formulas).
 */
import { mean, quantile } from '../experiment/stats.ts';

/**
 * The distance between simulated statistics and the targets, each error in units of the target's
 * own uncertainty: ρ = sqrt(Σ_j ((sim_j − target_j) / scale_j)²). Infinity when any statistic is
 * missing (NaN), so that a point without a value is never the closest.
 */
export function distance(sim: readonly number[], targets: readonly number[], scales: readonly number[]): number {
  let ss = 0;
  for (let j = 0; j < targets.length; j++) {
    const z = (sim[j]! - targets[j]!) / scales[j]!;
    if (!Number.isFinite(z)) return Infinity;
    ss += z * z;
  }
  return Math.sqrt(ss);
}

/** Each target's statistic averaged over replicates: stats[r][j] is target j in replicate r. */
export function replicateMeans(stats: readonly (readonly number[])[], targets: number): number[] {
  return Array.from({ length: targets }, (_, j) => mean(stats.map((row) => row[j]!)));
}

/** How many of n sampled points the rejection step keeps: the closest fraction `accept`, at least one. */
export function acceptedCount(n: number, accept: number): number {
  return Math.max(1, Math.min(n, Math.ceil(accept * n - 1e-9)));
}

/**
 * The indices of the accepted points: the `count` smallest finite distances, ties broken by the
 * order of the sample so that the result never depends on the order runs finished in.
 */
export function acceptClosest(distances: readonly number[], count: number): number[] {
  return distances
    .map((d, i) => ({ d, i }))
    .filter((x) => Number.isFinite(x.d))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, count)
    .map((x) => x.i);
}

/** A parameter's posterior summary on the unit scale of its prior: median and the 5% and 95% quantiles. */
export interface UnitSummary {
  median: number;
  lo: number;
  hi: number;
}

/**
 * Quantiles of the accepted points' coordinates on the unit scale (uniform prior: [0, 1] is the
 * prior range, on a log scale for a log-scale parameter), so that a log-scale parameter's interval
 * is interpolated geometrically once mapped back.
 */
export function unitSummary(unit: readonly (readonly number[])[], accepted: readonly number[], j: number): UnitSummary {
  const xs = accepted.map((i) => unit[i]![j]!);
  return { median: quantile(xs, 0.5), lo: quantile(xs, 0.05), hi: quantile(xs, 0.95) };
}
