/**
 * The small statistics an experiment report needs: means, intervals over replicates, and the
 * seeded randomness behind designs and bootstraps. Written out here rather than taken from a
 * library so that every number in a report can be traced to a few lines of code.
 */

/** Arithmetic mean; NaN for no values, so that an empty group never passes for a zero. */
export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sample standard deviation (n - 1); 0 for fewer than two values, where there is no spread to see. */
export function sd(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  // Two passes: subtracting the mean first keeps large, close values from cancelling.
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** The p-quantile (0..1) of the values, interpolating linearly between order statistics (R's type 7); NaN for none. */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const h = (sorted.length - 1) * Math.min(Math.max(p, 0), 1);
  const lo = Math.floor(h);
  const below = sorted[lo]!;
  return lo + 1 < sorted.length ? below + (h - lo) * (sorted[lo + 1]! - below) : below;
}

/** The normal 0.975 quantile: the t quantile's limit as df grows. */
const Z975 = 1.959963984540054;
/** Above this df the expansion in 1/df below is exact to far better than 1e-9, and cheaper than the search. */
const LARGE_DF = 1000;

/**
 * Student's t 0.975 quantile for df > 0 (df need not be an integer; Infinity gives the normal
 * quantile). Exact to about 1e-12: it solves P(T > t) = 0.025 through the regularized incomplete
 * beta function rather than using an approximation, because a confidence interval over a handful
 * of replicates is exactly where approximations are worst.
 */
export function tQuantile975(df: number): number {
  if (!(df > 0)) throw new Error(`tQuantile975 needs df > 0, found ${df}`);
  if (df === Infinity) return Z975;
  if (df >= LARGE_DF) return hillExpansion(Z975, df);
  // P(|T| > t) = I_x(df/2, 1/2) with x = df / (df + t²). I_x rises with x, so bisect x until the
  // bracket cannot shrink any further, then read t back from x.
  let lo = 0;
  let hi = 1;
  for (;;) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (betaIncomplete(mid, df / 2, 0.5) < 0.05) lo = mid;
    else hi = mid;
  }
  const x = (lo + hi) / 2;
  return Math.sqrt((df * (1 - x)) / x);
}

/** A 95% interval for a mean: n values, their mean and sample sd, and the bounds [lo, hi]. */
export interface Interval {
  n: number;
  mean: number;
  lo: number;
  hi: number;
  sd: number;
}

/**
 * The t interval for the mean of replicates. With fewer than two values there is no estimate of
 * spread, so lo and hi are NaN (not the mean): a report should show "no interval", never a
 * falsely certain one.
 */
export function ci95(xs: readonly number[]): Interval {
  const n = xs.length;
  const m = mean(xs);
  const s = sd(xs);
  if (n < 2) return { n, mean: m, lo: NaN, hi: NaN, sd: s };
  const half = (tQuantile975(n - 1) * s) / Math.sqrt(n);
  return { n, mean: m, lo: m - half, hi: m + half, sd: s };
}

/**
 * The t interval of the paired differences b[i] - a[i]. Pairs share a seed (common random numbers),
 * so their difference cancels the noise both arms share: this interval is usually far narrower
 * than the difference of two separate intervals would suggest.
 */
export function pairedCi95(a: readonly number[], b: readonly number[]): Interval {
  if (a.length !== b.length) throw new Error(`pairedCi95 needs samples of the same length, found ${a.length} and ${b.length}`);
  return ci95(b.map((bi, i) => bi - a[i]!));
}

/**
 * A small seeded generator of uniform numbers in [0, 1) (mulberry32). Designs and bootstraps only
 * need to be reproducible from a seed written in an experiment file, not cryptographically strong.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hill's (1970) expansion of a t quantile in powers of 1/df around the normal quantile z (Abramowitz and Stegun 26.7.5). */
function hillExpansion(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

/** The regularized incomplete beta function I_x(a, b), by its continued fraction on whichever side converges fast. */
function betaIncomplete(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lnGamma(a) - lnGamma(b) + lnGamma(a + b));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The continued fraction of I_x(a, b), evaluated by the modified Lentz method (Numerical Recipes 6.4). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const guard = (v: number): number => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    h *= d * c;
    if (Math.abs(d * c - 1) < 1e-16) break;
  }
  return h;
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** log Γ(x) for x > 0 (Lanczos, g = 7), with the reflection formula below 1/2 where the series loses accuracy. */
function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
