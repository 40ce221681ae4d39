/**
 * The Gini coefficient of non-negative values (negative ones count as 0): 0 when all are equal, near
 * 1 when one holds everything. G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n over the sorted
 * values, i from 1; null when the sum is 0.
 */
export function gini(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  const x = Float64Array.from(values, (v) => (v > 0 ? v : 0)).sort();
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    sum += x[i]!;
    weighted += (i + 1) * x[i]!;
  }
  return sum > 0 ? (2 * weighted) / (n * sum) - (n + 1) / n : null;
}
