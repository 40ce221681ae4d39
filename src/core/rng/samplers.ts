/**
 * Samplers: distributions drawn from a WordSource (RM-1.md, "Randomness").
 *
 * Every sampler is a pure function of the words it reads, read in a fixed order, so a draw at a
 * given address is the same on every thread count and in every run. Integer results use integer
 * arithmetic only (exact everywhere). Continuous and rejection samplers use IEEE doubles in a fixed
 * operation order; they are bit-identical across runs on one JavaScript engine, and across engines
 * except where Math.log/exp/sqrt-based results differ in the last ulp (a rejection decision could
 * flip with probability ~1e-16 per draw).
 *
 * Words consumed per call (useful for common random numbers):
 * - boundedInt: 1, plus 1 per rejection (probability (2^32 mod n) / 2^32 < n / 2^32).
 * - uniform01, uniformOpen, normal, lognormal: exactly 2.
 * - poisson (lambda < 10), binomial (n*min(p,1-p) < 10): 2, plus 2 on a rounding restart (~1e-16).
 * - poisson, binomial otherwise: 4 per trial; about 1.1 to 1.3 trials on average.
 * - shuffle: one boundedInt per element but the last; sampleK: min(k, n-1) boundedInt.
 */

import { mulhi, threshold, TWO32 } from './threshold.ts';
import type { WordSource } from './words.ts';

const TWO26 = 67108864;
const TWO_M53 = 1 / 9007199254740992;
const HALF_LOG_2PI = 0.9189385332046728; // 0.5 * ln(2*pi)

/** A mutable array-like: number[], typed arrays, or any object indexed by 0..length-1. */
export interface Indexable<T> {
  readonly length: number;
  [index: number]: T;
}

// ------------------------------------------------------------------------------------------------
// Integers and uniforms

/**
 * An exactly uniform integer in [0, n), for integer 1 <= n <= 2^32.
 *
 * Lemire (2019), "Fast random integer generation in an interval": the high half of the 64-bit
 * product word*n is the result, and a word whose low half falls below (2^32 - n) mod n is rejected,
 * which removes the bias of plain multiply-shift. The low half is Math.imul (exact mod 2^32) and the
 * high half mulhi (exact), so no product ever passes through an inexact double.
 */
export function boundedInt(src: WordSource, n: number): number {
  if (!(n >= 1 && n <= TWO32 && Number.isInteger(n))) {
    throw new RangeError(`boundedInt: n must be an integer in [1, 2^32], got ${n}`);
  }
  if (n === TWO32) return src.next();
  let x = src.next();
  let lo = Math.imul(x, n) >>> 0;
  if (lo < n) {
    const t = (TWO32 - n) % n; // 2^32 mod n, computed without leaving the exact range of a double
    while (lo < t) {
      x = src.next();
      lo = Math.imul(x, n) >>> 0;
    }
  }
  // Below 2^21 the product is under 2^53 and a plain multiply is exact.
  return n <= 0x200000 ? Math.floor((x * n) / TWO32) : mulhi(x, n);
}

/**
 * A uniform double in [0, 1) on the grid k / 2^53, from two words (the first gives the high 27
 * bits). The standard 53-bit construction (Matsumoto & Nishimura's genrand_res53).
 */
export function uniform01(src: WordSource): number {
  const a = src.next() >>> 5;
  const b = src.next() >>> 6;
  return (a * TWO26 + b) * TWO_M53;
}

/**
 * A uniform double in (0, 1) on the grid (2k + 1) / 2^53, k in [0, 2^52), from two words (26 bits
 * each). Never 0 or 1, so log() and inverse CDFs are finite. The grid is symmetric about 1/2 and
 * 1 - u is exact, so complementing both words gives exactly 1 - u (antithetic draws).
 */
export function uniformOpen(src: WordSource): number {
  const a = src.next() >>> 6;
  const b = src.next() >>> 6;
  return (2 * (a * TWO26 + b) + 1) * TWO_M53;
}

/**
 * A Bernoulli trial on one word: true iff word < T, with T = threshold(p) = floor(p * 2^32). This is
 * the project's one definition of a probability (RM-1.md); T = 2^32 is always true, T = 0 never.
 */
export function bernoulli(word: number, T: number): boolean {
  return word < T;
}

/** bernoulli(src.next(), threshold(p)): one word. Prefer precomputed thresholds in hot loops. */
export function bernoulliP(src: WordSource, p: number): boolean {
  return src.next() < threshold(p);
}

/**
 * The category of one word against ascending cumulative thresholds: the first i with
 * word < thresholds[i], or thresholds.length if none (the implicit last category). This is how
 * RM-1 assigns classes from CLASS_T. Linear scan: for a handful of categories; use AliasTable for
 * many.
 */
export function categoricalWord(word: number, thresholds: ArrayLike<number>): number {
  let i = 0;
  while (i < thresholds.length && word >= thresholds[i]!) i++;
  return i;
}

/** categoricalWord(src.next(), thresholds): one word. */
export function categorical(src: WordSource, thresholds: ArrayLike<number>): number {
  return categoricalWord(src.next(), thresholds);
}

// ------------------------------------------------------------------------------------------------
// Normal and lognormal

/**
 * The standard normal quantile, Wichura (1988), Algorithm AS 241, PPND16: rational approximations
 * with relative error about 1e-16 over (0, 1). Exactly antisymmetric when p - 0.5 and 1 - p are
 * exact (true on the grid of uniformOpen). Returns -Infinity at 0, +Infinity at 1, NaN outside.
 * The coefficients are AS 241's, written as the shortest decimals that round to the same doubles.
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301227 * r + 33430.57558358813) * r + 67265.7709270087) * r +
          45921.95393154987) * r + 13731.69376550946) * r + 1971.5909503065513) * r +
          133.14166789178438) * r + 3.3871328727963665)) /
      (((((((5226.495278852854 * r + 28729.085735721943) * r + 39307.89580009271) * r +
        21213.794301586597) * r + 5394.196021424751) * r + 687.1870074920579) * r +
        42.31333070160091) * r + 1)
    );
  }
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((0.0007745450142783414 * r + 0.022723844989269184) * r + 0.2417807251774506) * r +
        1.2704582524523684) * r + 3.6478483247632045) * r + 5.769497221460691) * r +
        4.630337846156546) * r + 1.4234371107496835) /
      (((((((1.0507500716444169e-9 * r + 0.0005475938084995345) * r + 0.015198666563616457) * r +
        0.14810397642748008) * r + 0.6897673349851) * r + 1.6763848301838038) * r +
        2.053191626637759) * r + 1);
  } else {
    r -= 5;
    x =
      (((((((2.0103343992922881e-7 * r + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) * r + 0.29656057182850487) * r + 1.7848265399172913) * r +
        5.463784911164114) * r + 6.657904643501103) /
      (((((((2.0442631033899397e-15 * r + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) * r + 0.014875361290850615) * r + 0.1369298809227358) * r +
        0.599832206555888) * r + 1);
  }
  return q < 0 ? -x : x;
}

/**
 * A normal variate by inversion of one uniformOpen (exactly two words), so that draws stay
 * monotone in their words and paired across scenarios (common random numbers); |z| <= 8.21.
 */
export function normal(src: WordSource, mean = 0, sd = 1): number {
  return mean + sd * normalQuantile(uniformOpen(src));
}

/** exp(normal(mu, sigma)): exactly two words. */
export function lognormal(src: WordSource, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normalQuantile(uniformOpen(src)));
}

// ------------------------------------------------------------------------------------------------
// Log-densities for the rejection steps, after Loader (2000), "Fast and accurate computation of
// binomial probabilities": written as Stirling remainders plus a deviance term, so no two large
// logarithms are subtracted and the acceptance test stays accurate for lambda or n up to 2^52.

/** ln(k!) for k < 16, from the exact factorials (all below 2^53). */
const LOG_FACT_SMALL = (() => {
  const t = new Float64Array(16);
  let f = 1;
  for (let k = 1; k < 16; k++) {
    f *= k;
    t[k] = Math.log(f);
  }
  return t;
})();

/** ln(k!) - [(k + 1/2) ln k - k + ln(2 pi)/2], the error of Stirling's formula, for integer k >= 1. */
function stirlerr(k: number): number {
  if (k < 16) return LOG_FACT_SMALL[k]! - ((k + 0.5) * Math.log(k) - k + HALF_LOG_2PI);
  const k2 = 1 / (k * k);
  // The asymptotic series to k^-9; the next term is below 6e-17 at k = 16.
  return (1 / 12 - k2 * (1 / 360 - k2 * (1 / 1260 - k2 * (1 / 1680 - k2 / 1188)))) / k;
}

/** x ln(x / m) + m - x for x > 0, m > 0: the deviance term, by a series when x is near m. */
function bd0(x: number, m: number): number {
  const d = x - m;
  if (Math.abs(d) < 0.1 * (x + m)) {
    const v = d / (x + m);
    const v2 = v * v;
    let s = d * v;
    let ej = 2 * x * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/** ln P(X = k), X ~ Poisson(lambda), integer k >= 0, lambda > 0. */
function poissonLogPmf(k: number, lambda: number): number {
  if (k === 0) return -lambda;
  return -stirlerr(k) - bd0(k, lambda) - HALF_LOG_2PI - 0.5 * Math.log(k);
}

/** ln P(X = k), X ~ Binomial(n, p), integer 0 <= k <= n, 0 < p < 1, q = 1 - p. */
function binomialLogPmf(k: number, n: number, p: number, q: number): number {
  if (k === 0) return n * Math.log1p(-p);
  if (k === n) return n * Math.log(p);
  return (
    stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * q) -
    HALF_LOG_2PI + 0.5 * Math.log(n / (k * (n - k)))
  );
}

// ------------------------------------------------------------------------------------------------
// Poisson

/**
 * A Poisson(lambda) variate, exact in distribution (no normal approximation), 0 <= lambda < 2^52.
 * lambda < 10: sequential-search inversion of one uniform01 (two words, monotone in u).
 * lambda >= 10: Hormann (1993), "The transformed rejection method for generating Poisson random
 * variables" (PTRS), with its constants; four words per trial, acceptance about 0.9.
 */
export function poisson(src: WordSource, lambda: number): number {
  if (!(lambda >= 0 && lambda < 4503599627370496)) {
    throw new RangeError(`poisson: lambda must be in [0, 2^52), got ${lambda}`);
  }
  if (lambda === 0) return 0;
  if (lambda < 10) return poissonInversion(src, lambda);
  return poissonPtrs(src, lambda);
}

function poissonInversion(src: WordSource, lambda: number): number {
  const p0 = Math.exp(-lambda);
  for (;;) {
    let u = uniform01(src);
    let p = p0;
    let k = 0;
    while (u >= p) {
      u -= p;
      k++;
      p *= lambda / k;
      // Rounding can leave u above the total mass; the mass lost this way is ~1e-16. Redraw
      // rather than return an arbitrary tail value.
      if (p === 0) break;
    }
    if (p !== 0) return k;
  }
}

function poissonPtrs(src: WordSource, lambda: number): number {
  const slam = Math.sqrt(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniformOpen(src) - 0.5; // in (-1/2, 1/2), never 0 or +-1/2
    const v = uniformOpen(src);
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k; // inside the squeeze: accept without the density
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log((v * invAlpha) / (a / (us * us) + b)) <= poissonLogPmf(k, lambda)) return k;
  }
}

// ------------------------------------------------------------------------------------------------
// Binomial

/**
 * A Binomial(n, p) variate, exact in distribution, integer 0 <= n < 2^53, 0 <= p <= 1.
 * p > 1/2 is drawn as n - Binomial(n, 1 - p) (1 - p is exact there). With p <= 1/2:
 * n*p < 10: inversion, BINV of Kachitvichyanukul & Schmeiser (1988), on one uniform01 (two words).
 * n*p >= 10: Hormann (1993), "The generation of binomial random variates" (BTRS, transformed
 * rejection with squeeze); four words per trial, acceptance about 0.8 to 0.9.
 */
export function binomial(src: WordSource, n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`binomial: n must be an integer in [0, 2^53), got ${n}`);
  }
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p must be in [0, 1], got ${p}`);
  if (p > 0.5) return n - binomialHalf(src, n, 1 - p);
  return binomialHalf(src, n, p);
}

function binomialHalf(src: WordSource, n: number, p: number): number {
  if (n === 0 || p === 0) return 0;
  if (n * p < 10) return binomialInversion(src, n, p);
  return binomialBtrs(src, n, p);
}

function binomialInversion(src: WordSource, n: number, p: number): number {
  const s = p / (1 - p);
  // q^n through log1p: pow(1 - p, n) would amplify the rounding of 1 - p by n.
  const r0 = Math.exp(n * Math.log1p(-p));
  for (;;) {
    let u = uniform01(src);
    let r = r0;
    let x = 0;
    while (u >= r) {
      u -= r;
      x++;
      r *= (s * (n - x + 1)) / x;
      if (r === 0) break; // past n, or rounding left u above the total mass: redraw (see poisson)
    }
    if (r !== 0) return x;
  }
}

function binomialBtrs(src: WordSource, n: number, p: number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const alpha = (2.83 + 5.1 / b) * spq;
  const vr = 0.92 - 4.2 / b;
  const m = Math.floor((n + 1) * p);
  const logPmfMode = binomialLogPmf(m, n, p, q);
  for (;;) {
    const u = uniformOpen(src) - 0.5;
    const v = uniformOpen(src);
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    // Hormann's test compares against f(k) / f(mode).
    if (Math.log((v * alpha) / (a / (us * us) + b)) <= binomialLogPmf(k, n, p, q) - logPmfMode) return k;
  }
}

// ------------------------------------------------------------------------------------------------
// Permutations and subsets

/**
 * Shuffles a in place, uniformly over all permutations: Fisher-Yates (Durstenfeld 1964), run
 * forward: for i = 0 .. length-2, swap a[i] with a[i + boundedInt(length - i)]. Forward, so that
 * sampleK(n, k) is exactly the first k entries of shuffling [0, 1, ..., n-1] with the same words.
 */
export function shuffle<T>(src: WordSource, a: Indexable<T>): void {
  const n = a.length;
  for (let i = 0; i < n - 1; i++) {
    const j = i + boundedInt(src, n - i);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** Reused between calls (one instance per thread/worker); grows to the largest call's need. */
let scratch = new Int32Array(64);

function scratchOf(size: number): Int32Array {
  if (scratch.length < size) scratch = new Int32Array(Math.max(size, 2 * scratch.length));
  return scratch;
}

/** The slot of key in an open-addressing table at keys[0 .. mask], or the empty slot (-1) for it. */
function slotOf(keys: Int32Array, key: number, shift: number, mask: number): number {
  let h = Math.imul(key, 0x9e3779b1) >>> shift; // Fibonacci hashing (Knuth, TAOCP 6.4)
  while (keys[h] !== -1 && keys[h] !== key) h = (h + 1) & mask;
  return h;
}

/**
 * Writes k distinct integers drawn uniformly from [0, n) into out[0 .. k-1], for integers
 * 0 <= k <= n <= 2^31.
 *
 * Order: out is a uniformly random ordered sample, namely the first k entries of
 * shuffle(src, [0, 1, ..., n-1]) on the same words; it uses min(k, n-1) boundedInt draws. Sort out
 * if a canonical order is needed.
 *
 * Memory: the partial Fisher-Yates runs on a virtual identity array. When k is small against n, the
 * displaced entries are kept in a hash table of O(k) slots (the sparse shuffle, as in Floyd's
 * method the memory is O(k), not O(n)); when n <= 4k, on a dense array of n. Both represent the same
 * permutation, so the result does not depend on which one runs.
 */
export function sampleK(src: WordSource, n: number, k: number, out: Indexable<number>): void {
  if (!(Number.isInteger(n) && n >= 0 && n <= 2147483648)) {
    throw new RangeError(`sampleK: n must be an integer in [0, 2^31], got ${n}`);
  }
  if (!(Number.isInteger(k) && k >= 0 && k <= n)) {
    throw new RangeError(`sampleK: k must be an integer in [0, n = ${n}], got ${k}`);
  }
  if (!Array.isArray(out) && out.length < k) {
    throw new RangeError(`sampleK: out has length ${out.length}, needs ${k}`);
  }
  if (k === 0) return;
  if (n <= 4 * k) {
    const v = scratchOf(n);
    for (let i = 0; i < n; i++) v[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i < n - 1 ? i + boundedInt(src, n - i) : i;
      const t = v[j]!;
      v[j] = v[i]!;
      out[i] = t;
    }
    return;
  }
  // Sparse: at most k insertions into 2^bits >= 2k slots, so the load stays <= 1/2.
  let bits = 4;
  while (1 << bits < 2 * k) bits++;
  const cap = 1 << bits;
  const mask = cap - 1;
  const shift = 32 - bits;
  const table = scratchOf(2 * cap); // keys in [0, cap), values in [cap, 2 cap)
  table.fill(-1, 0, cap);
  for (let i = 0; i < k; i++) {
    const j = i + boundedInt(src, n - i); // n > 4k, so i < n - 1 always
    const sj = slotOf(table, j, shift, mask);
    const vj = table[sj] === j ? table[cap + sj]! : j;
    if (j !== i) {
      const si = slotOf(table, i, shift, mask);
      const vi = table[si] === i ? table[cap + si]! : i;
      table[sj] = j;
      table[cap + sj] = vi;
    }
    out[i] = vj;
  }
}
