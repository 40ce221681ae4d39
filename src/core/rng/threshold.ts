/**
 * Integer arithmetic on random words. A probability p becomes the threshold floor(p * 2^32) and an
 * event happens iff a word is below it, so a Bernoulli draw is one comparison and exactly the same
 * in every implementation (RM-1.md).
 */

const TWO32 = 4294967296;

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
