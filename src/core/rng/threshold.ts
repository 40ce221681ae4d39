/**
 * Integer arithmetic on random words. A probability p becomes the threshold floor(p * 2^32) and an
 * event happens iff a word is below it, so a Bernoulli draw is one comparison and exactly the same
 * in every implementation (RM-1.md).
 */

export const TWO32 = 4294967296;

/** The threshold for probability p in [0, 1]: floor(p * 2^32); 2^32 for p = 1 (always). */
export function threshold(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
  return Math.floor(p * TWO32);
}

/**
 * floor(b * n / 2^32) for unsigned 32-bit b and n, exact: b*n can exceed 2^53, so b is split into
 * 16-bit halves, each partial product staying below 2^49.
 */
export function mulhi(b: number, n: number): number {
  const hi = b >>> 16;
  const lo = b & 0xffff;
  return Math.floor((hi * n + Math.floor((lo * n) / 65536)) / 65536);
}

/**
 * Integer thresholds for a discrete distribution given by non-negative weights: entry k is
 * floor(P(X <= k) * 2^32) and the last is 2^32, so a word w selects the first k with w < T[k].
 * A zero weight repeats its predecessor's threshold and is never selected.
 */
export function cumulativeThresholds(weights: ArrayLike<number>, from = 0, to = weights.length): Float64Array {
  let sum = 0;
  for (let k = from; k < to; k++) {
    const x = weights[k]!;
    if (!(x >= 0 && Number.isFinite(x))) throw new RangeError(`weights must be finite and >= 0, got ${x}`);
    sum += x;
  }
  if (!(sum > 0)) throw new RangeError('weights must not all be zero');
  const out = new Float64Array(to - from);
  let cum = 0;
  for (let k = from; k < to; k++) {
    cum += weights[k]!;
    out[k - from] = Math.floor((cum / sum) * TWO32);
  }
  out[to - from - 1] = TWO32;
  return out;
}
