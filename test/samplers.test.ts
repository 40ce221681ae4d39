import { describe, it, expect } from 'vitest';
import { Rng } from '../src/core/rng/threefry.ts';
import { Words, type WordSource } from '../src/core/rng/words.ts';
import {
  bernoulli, bernoulliP, binomial, boundedInt, categorical, categoricalWord, lognormal, normal,
  normalQuantile, poisson, sampleK, shuffle, uniform01, uniformOpen,
} from '../src/core/rng/samplers.ts';
import { AliasTable } from '../src/core/rng/alias.ts';

// ------------------------------------------------------------------------------------------------
// Sources and statistics

const TWO32 = 4294967296;

/** A fixed-seed word stream; each test takes its own stream so tests do not share words. */
function words(stream: number, seed = 12345n): Words {
  return new Words(new Rng(seed)).at(0, 0, stream);
}

/** Hands out the given words, then fails: proves exactly which words a sampler reads. */
class Script implements WordSource {
  used = 0;
  constructor(private readonly w: readonly number[]) {}
  next(): number {
    if (this.used >= this.w.length) throw new Error('script exhausted');
    return this.w[this.used++]!;
  }
}

/** Counts the words taken from an inner source. */
class Counting implements WordSource {
  used = 0;
  constructor(private readonly inner: WordSource) {}
  next(): number {
    this.used++;
    return this.inner.next();
  }
}

/** Bitwise-complemented words of an inner source (antithetic draws). */
class Complement implements WordSource {
  constructor(private readonly inner: WordSource) {}
  next(): number {
    return ~this.inner.next() >>> 0;
  }
}

/**
 * Chi-square upper critical values at p = 0.001 (scipy.stats.chi2.isf(0.001, df)), keyed by
 * degrees of freedom. Every statistical test here fails by chance with probability 0.001 for a
 * correct sampler; the seeds are fixed, so a run is reproducible either way.
 */
const CHI2_CRIT_001: Readonly<Record<number, number>> = {
  3: 16.266, 4: 18.467, 5: 20.515, 6: 22.458, 12: 32.909, 14: 36.123, 15: 37.697, 17: 40.79,
  19: 43.82, 23: 49.728, 24: 51.179, 32: 62.487, 38: 70.703, 39: 72.055, 49: 85.351, 59: 98.324,
  89: 135.978, 221: 291.703, 227: 298.579, 999: 1142.848,
};

/** Two-sided Kolmogorov-Smirnov critical value at alpha = 0.001, asymptotic: 1.94947 / sqrt(n). */
const KS_001 = 1.94947;

function chi2Crit(df: number): number {
  const c = CHI2_CRIT_001[df];
  if (c === undefined) throw new Error(`no chi-square critical value tabulated for df = ${df}`);
  return c;
}

function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < observed.length; i++) {
    const d = observed[i]! - expected[i]!;
    s += (d * d) / expected[i]!;
  }
  return s;
}

/** Chi-square against equal cells: returns [statistic, df]. */
function uniformChi2(counts: ArrayLike<number>, total: number): [number, number] {
  const e = new Float64Array(counts.length).fill(total / counts.length);
  return [chiSquare(counts, e), counts.length - 1];
}

/** ln(k!) for k <= max by summation (error ~1e-13 relative: ample for the pmfs below). */
function logFactorials(max: number): Float64Array {
  const t = new Float64Array(max + 1);
  for (let k = 1; k <= max; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
}

/**
 * Pearson's test of integer samples against a pmf on [lo, hi] (mass outside lumped into the end
 * cells), with adjacent cells merged until each expects at least 5. Returns [statistic, df].
 */
function discreteChi2(samples: ArrayLike<number>, pmf: (k: number) => number, lo: number, hi: number): [number, number] {
  const n = samples.length;
  const probs: number[] = [];
  let inside = 0;
  for (let k = lo; k <= hi; k++) {
    const p = pmf(k);
    probs.push(p);
    inside += p;
  }
  // Cell edges: cell c covers values up to edge[c]; the first takes everything below, the last above.
  const edges: number[] = [];
  const expected: number[] = [];
  let acc = 0;
  for (let k = lo; k <= hi; k++) {
    acc += probs[k - lo]!;
    if (acc * n >= 5) {
      edges.push(k);
      expected.push(acc * n);
      acc = 0;
    }
  }
  const outside = Math.max(0, 1 - inside);
  expected[expected.length - 1] = expected[expected.length - 1]! + (acc + outside) * n;
  edges[edges.length - 1] = Infinity;
  const observed = new Float64Array(edges.length);
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    let c = 0;
    while (x > edges[c]!) c++;
    observed[c]!++;
  }
  return [chiSquare(observed, expected), edges.length - 1];
}

/** Kolmogorov-Smirnov statistic of samples against a continuous CDF (sorts samples). */
function ksStatistic(samples: Float64Array, cdf: (x: number) => number): number {
  samples.sort();
  const n = samples.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(samples[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * erfc with fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit, erfcc):
 * independent of the sampler's AS 241 code, and ample for KS tests at n = 1e5 (critical D ~ 6e-3).
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Sample mean and (n-1)-variance, shifted by a centre so that huge values lose no precision. */
function moments(samples: ArrayLike<number>, centre: number): { mean: number; variance: number } {
  const n = samples.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += samples[i]! - centre;
  const m = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = samples[i]! - centre - m;
    ss += d * d;
  }
  return { mean: centre + m, variance: ss / (n - 1) };
}

/**
 * Expects mean and variance within 5 standard errors of theory. mu4 is the fourth central moment:
 * the sample variance has standard error sqrt((mu4 - sigma^4) / n).
 */
function expectMoments(samples: ArrayLike<number>, mean: number, variance: number, mu4: number): void {
  const n = samples.length;
  const m = moments(samples, Math.round(mean));
  expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
  expect(Math.abs(m.variance - variance)).toBeLessThan(5 * Math.sqrt((mu4 - variance * variance) / n));
}

function draw(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

// ------------------------------------------------------------------------------------------------

describe('boundedInt', () => {
  it('matches a BigInt reference of Lemire multiply-and-reject, words consumed included', () => {
    const ns = [1, 2, 3, 7, 1000, 2 ** 21, 2 ** 21 + 1, 2 ** 31, 2 ** 31 + 1, 3e9, TWO32 - 1, TWO32];
    for (const n of ns) {
      const a = new Counting(words(1));
      const b = new Counting(words(1));
      const N = BigInt(n);
      const t = (1n << 32n) % N;
      for (let i = 0; i < 3000; i++) {
        let m: bigint;
        do m = BigInt(b.next()) * N;
        while ((m & 0xffffffffn) < t);
        const got = boundedInt(a, n);
        expect(got).toBe(Number(m >> 32n));
      }
      expect(a.used).toBe(b.used);
    }
  });

  it('never returns >= n, at the edges of the word range too', () => {
    const extremes = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    for (const n of [1, 2, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 3e9, TWO32 - 1, TWO32]) {
      for (const w of extremes) {
        const src = new Script([w, ...extremes, ...extremes]);
        const x = boundedInt(src, n);
        expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
      }
      const src = words(2);
      for (let i = 0; i < 20000; i++) {
        const x = boundedInt(src, n);
        if (!(x >= 0 && x < n && Number.isInteger(x))) throw new Error(`boundedInt(${n}) gave ${x}`);
      }
    }
    expect(boundedInt(new Script([0xffffffff]), TWO32)).toBe(0xffffffff);
    expect(boundedInt(new Script([0xffffffff]), TWO32 - 1)).toBe(TWO32 - 2);
    expect(boundedInt(new Script([0xffffffff]), 1)).toBe(0);
  });

  it('rejects exactly the biased words and redraws', () => {
    // n = 3: 2^32 mod 3 = 1, so only a word with 3w mod 2^32 = 0 (w = 0) is rejected.
    const src = new Script([0, 0x80000000]);
    expect(boundedInt(src, 3)).toBe(1);
    expect(src.used).toBe(2);
  });

  it('throws on n outside [1, 2^32] or not an integer', () => {
    const src = words(3);
    for (const n of [0, -1, 2.5, TWO32 + 1, NaN, Infinity]) expect(() => boundedInt(src, n)).toThrow(RangeError);
  });

  it('is uniform: chi-square for n = 7, n = 1000, and n = 3e9 in 60 equal buckets', () => {
    const src = words(4);
    const c7 = new Float64Array(7);
    for (let i = 0; i < 140000; i++) c7[boundedInt(src, 7)]!++;
    const [s7, d7] = uniformChi2(c7, 140000);
    expect(s7).toBeLessThan(chi2Crit(d7));

    const c1000 = new Float64Array(1000);
    for (let i = 0; i < 500000; i++) c1000[boundedInt(src, 1000)]!++;
    const [s1000, d1000] = uniformChi2(c1000, 500000);
    expect(s1000).toBeLessThan(chi2Crit(d1000));

    // 3e9 = 60 * 5e7; 3e9 also makes the rejection branch live (it rejects ~30% of words).
    const c3e9 = new Float64Array(60);
    for (let i = 0; i < 300000; i++) c3e9[Math.floor(boundedInt(src, 3e9) / 5e7)]!++;
    const [s3e9, d3e9] = uniformChi2(c3e9, 300000);
    expect(s3e9).toBeLessThan(chi2Crit(d3e9));
  });

  it('is deterministic: the same seed and address give the same sequence', () => {
    const a = words(5, 987654321987654321n);
    const b = words(5, 987654321987654321n);
    const c = words(5, 987654321987654322n);
    const xa = draw(200, () => boundedInt(a, 3e9));
    const xb = draw(200, () => boundedInt(b, 3e9));
    const xc = draw(200, () => boundedInt(c, 3e9));
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });
});

describe('uniform01 and uniformOpen', () => {
  it('maps words to the exact grid endpoints', () => {
    expect(uniform01(new Script([0, 0]))).toBe(0);
    expect(uniform01(new Script([0xffffffff, 0xffffffff]))).toBe(1 - 2 ** -53);
    expect(uniform01(new Script([0x80000000, 0]))).toBe(0.5);
    expect(uniformOpen(new Script([0, 0]))).toBe(2 ** -53);
    expect(uniformOpen(new Script([0xffffffff, 0xffffffff]))).toBe(1 - 2 ** -53);
  });

  it('uniformOpen of complemented words is exactly 1 - u', () => {
    const a = words(10);
    const b = new Complement(words(10));
    for (let i = 0; i < 10000; i++) expect(uniformOpen(b)).toBe(1 - uniformOpen(a));
  });

  it('uniform01 passes Kolmogorov-Smirnov against U(0,1) and has the right moments', () => {
    const src = words(11);
    const n = 100000;
    const u = draw(n, () => uniform01(src));
    for (const x of u) if (!(x >= 0 && x < 1)) throw new Error(`uniform01 gave ${x}`);
    expectMoments(u, 0.5, 1 / 12, 1 / 80);
    expect(ksStatistic(u, (x) => x)).toBeLessThan(KS_001 / Math.sqrt(n));
  });

  it('uniformOpen passes Kolmogorov-Smirnov and stays inside (0, 1)', () => {
    const src = words(12);
    const n = 100000;
    const u = draw(n, () => uniformOpen(src));
    for (const x of u) if (!(x > 0 && x < 1)) throw new Error(`uniformOpen gave ${x}`);
    expect(ksStatistic(u, (x) => x)).toBeLessThan(KS_001 / Math.sqrt(n));
  });
});

describe('bernoulli and categorical', () => {
  it('bernoulli is word < T, with T = 2^32 always and T = 0 never', () => {
    expect(bernoulli(0xffffffff, TWO32)).toBe(true);
    expect(bernoulli(0, 0)).toBe(false);
    expect(bernoulli(99, 100)).toBe(true);
    expect(bernoulli(100, 100)).toBe(false);
  });

  it('bernoulliP has frequency p within 5 standard errors, one word per trial', () => {
    const src = new Counting(words(20));
    const n = 200000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (bernoulliP(src, 0.3)) hits++;
    expect(src.used).toBe(n);
    expect(Math.abs(hits / n - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / n));
  });

  it('categorical reproduces RM-1 class assignment and its frequencies', () => {
    const CLASS_T = [3006477107, 3865470566, 4209067950];
    expect(categoricalWord(3006477106, CLASS_T)).toBe(0);
    expect(categoricalWord(3006477107, CLASS_T)).toBe(1);
    expect(categoricalWord(4209067949, CLASS_T)).toBe(2);
    expect(categoricalWord(4209067950, CLASS_T)).toBe(3);
    expect(categoricalWord(0xffffffff, CLASS_T)).toBe(3);
    const src = words(21);
    const n = 100000;
    const counts = new Float64Array(4);
    for (let i = 0; i < n; i++) counts[categorical(src, CLASS_T)]!++;
    const edges = [0, ...CLASS_T, TWO32];
    const expected = counts.map((_, c) => ((edges[c + 1]! - edges[c]!) / TWO32) * n);
    expect(chiSquare(counts, expected)).toBeLessThan(chi2Crit(3));
  });
});

describe('normal and lognormal', () => {
  it('normalQuantile matches known quantiles to ~1e-16 and inverts the normal CDF in the tails', () => {
    // Exact quantiles of these doubles p (mpmath, 60 digits), rounded to the nearest double.
    const known: [number, number][] = [
      [0.975, 1.9599639845400538], [0.3, -0.5244005127080408], [0.001, -3.0902323061678136],
      [1e-10, -6.361340902404057], [2 ** -53, -8.209536151601387], [1e-100, -21.273453560965326],
    ];
    for (const [p, z] of known) expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(4e-16 * Math.abs(z));
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    for (let e = -1; e >= -15; e -= 0.5) {
      const p = 10 ** e;
      expect(Math.abs(normalCdf(normalQuantile(p)) / p - 1)).toBeLessThan(1e-6);
    }
  });

  it('consumes exactly two words and is exactly antisymmetric under complemented words', () => {
    const a = new Counting(words(30));
    const b = new Complement(words(30));
    for (let i = 0; i < 10000; i++) expect(normal(b)).toBe(-normal(a));
    expect(a.used).toBe(20000);
  });

  it('passes Kolmogorov-Smirnov against the normal CDF', () => {
    const src = words(31);
    const n = 100000;
    const z = draw(n, () => normal(src));
    expect(ksStatistic(z, normalCdf)).toBeLessThan(KS_001 / Math.sqrt(n));
  });

  it('normal(mean, sd) has mean and variance within 5 standard errors', () => {
    const src = words(32);
    const x = draw(200000, () => normal(src, 3, 2));
    expectMoments(x, 3, 4, 3 * 16);
  });

  it('lognormal is exp of the normal on the same words and has the lognormal mean and variance', () => {
    const a = words(33);
    const b = words(33);
    for (let i = 0; i < 1000; i++) expect(lognormal(a, 0.2, 0.5)).toBe(Math.exp(normal(b, 0.2, 0.5)));
    const mu = 0.2;
    const s2 = 0.25;
    const src = words(34);
    const x = draw(200000, () => lognormal(src, mu, 0.5));
    const mean = Math.exp(mu + s2 / 2);
    const variance = (Math.exp(s2) - 1) * Math.exp(2 * mu + s2);
    const m = moments(x, 0);
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / x.length));
    // ln of the draws is normal(mu, sigma): its variance has standard error sqrt(2 sigma^4 / n).
    const logs = x.map(Math.log);
    expectMoments(logs, mu, s2, 3 * s2 * s2);
  });
});

describe('poisson', () => {
  const lf = logFactorials(3000);
  const pmf = (lambda: number) => (k: number) => Math.exp(k * Math.log(lambda) - lambda - lf[k]!);

  it('fits the Poisson pmf by chi-square, inversion (lambda < 10) and PTRS (lambda >= 10)', () => {
    const n = 100000;
    const cases = [0.5, 3, 9.99, 10, 25, 1000];
    cases.forEach((lambda, s) => {
      const src = words(40 + s);
      const x = draw(n, () => poisson(src, lambda));
      const sd = Math.sqrt(lambda);
      const lo = Math.max(0, Math.floor(lambda - 10 * sd));
      const hi = Math.ceil(lambda + 10 * sd + 10);
      const [stat, df] = discreteChi2(x, pmf(lambda), lo, hi);
      expect(stat, `lambda = ${lambda}, df = ${df}`).toBeLessThan(chi2Crit(df));
    });
  });

  it('has mean and variance lambda for large lambda (1e6, 1e12)', () => {
    for (const lambda of [1e6, 1e12]) {
      const src = words(50);
      const x = draw(100000, () => poisson(src, lambda));
      for (const v of x) if (!Number.isInteger(v) || v < 0) throw new Error(`poisson gave ${v}`);
      expectMoments(x, lambda, lambda, lambda + 3 * lambda * lambda);
    }
  });

  it('uses two words per draw below lambda = 10, none for lambda = 0, and rejects bad lambda', () => {
    const src = new Counting(words(51));
    for (let i = 0; i < 10000; i++) poisson(src, 7.5);
    expect(src.used).toBe(20000);
    expect(poisson(new Script([]), 0)).toBe(0);
    for (const l of [-1, NaN, Infinity, 2 ** 52]) expect(() => poisson(src, l)).toThrow(RangeError);
  });
});

describe('binomial', () => {
  const lf = logFactorials(20000);
  const pmf = (n: number, p: number) => (k: number) =>
    Math.exp(lf[n]! - lf[k]! - lf[n - k]! + k * Math.log(p) + (n - k) * Math.log1p(-p));

  it('fits the binomial pmf by chi-square, inversion and BTRS, p on both sides of 1/2', () => {
    const N = 100000;
    const cases: [number, number][] = [
      [20, 0.3], // inversion, n p = 6
      [1000, 0.003], // inversion, n p = 3
      [50, 0.9], // p > 1/2: inversion on n(1-p) = 5
      [21, 0.5], // BTRS just above its bound, n p = 10.5
      [10000, 0.00105], // BTRS, n p = 10.5 with tiny p
      [100, 0.5], // BTRS
      [200, 0.9], // p > 1/2: BTRS on n(1-p) = 20
      [5000, 0.3], // BTRS, n p = 1500
    ];
    cases.forEach(([n, p], s) => {
      const src = words(60 + s);
      const x = draw(N, () => binomial(src, n, p));
      for (const v of x) if (!(Number.isInteger(v) && v >= 0 && v <= n)) throw new Error(`binomial gave ${v}`);
      const sd = Math.sqrt(n * p * (1 - p));
      const lo = Math.max(0, Math.floor(n * p - 10 * sd));
      const hi = Math.min(n, Math.ceil(n * p + 10 * sd + 10));
      const [stat, df] = discreteChi2(x, pmf(n, p), lo, hi);
      expect(stat, `n = ${n}, p = ${p}, df = ${df}`).toBeLessThan(chi2Crit(df));
    });
  });

  it('has mean n p and variance n p q for large n (1e6, 2^40)', () => {
    for (const [n, p] of [[1e6, 0.4], [2 ** 40, 0.3]] as const) {
      const src = words(70);
      const x = draw(100000, () => binomial(src, n, p));
      const v = n * p * (1 - p);
      const pq = p * (1 - p);
      expectMoments(x, n * p, v, v * (1 + 3 * pq * (n - 2)));
    }
  });

  it('draws p > 1/2 as n - Binomial(n, 1 - p) on the same words', () => {
    for (const n of [30, 500]) {
      const a = words(71);
      const b = words(71);
      for (let i = 0; i < 2000; i++) expect(binomial(a, n, 0.75)).toBe(n - binomial(b, n, 0.25));
    }
  });

  it('handles n = 0, p = 0 and p = 1 without reading words, and rejects bad arguments', () => {
    const none = new Script([]);
    expect(binomial(none, 0, 0.4)).toBe(0);
    expect(binomial(none, 17, 0)).toBe(0);
    expect(binomial(none, 17, 1)).toBe(17);
    const src = words(72);
    for (const [n, p] of [[-1, 0.5], [2.5, 0.5], [10, -0.1], [10, 1.1], [10, NaN], [2 ** 53, 0.5]] as const) {
      expect(() => binomial(src, n, p)).toThrow(RangeError);
    }
  });
});

describe('AliasTable', () => {
  it('throws a RangeError on empty, negative, NaN, infinite or all-zero weights', () => {
    expect(() => new AliasTable([])).toThrow(RangeError);
    expect(() => new AliasTable([1, -1])).toThrow(RangeError);
    expect(() => new AliasTable([1, NaN])).toThrow(RangeError);
    expect(() => new AliasTable([1, Infinity])).toThrow(RangeError);
    expect(() => new AliasTable([0, 0, 0])).toThrow(RangeError);
  });

  it('builds integer thresholds: [1, 3] keeps column 0 below 2^31 and fills column 1', () => {
    const t = new AliasTable([1, 3]);
    expect(Array.from(t.thresholds)).toEqual([2 ** 31, 0]);
    expect(Array.from(t.aliases)).toEqual([1, 1]);
    // Column 0 (first word below 2^31 picks column 0 of 2), then the second word decides.
    expect(t.sample(new Script([0, 2 ** 31 - 1]))).toBe(0);
    expect(t.sample(new Script([0, 2 ** 31]))).toBe(1);
    expect(t.sample(new Script([0xffffffff, 0]))).toBe(1);
    expect(t.probability(0)).toBe(0.25);
    expect(t.probability(1)).toBe(0.75);
  });

  it('is deterministic and depends only on the weight ratios', () => {
    const w = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1) + (i % 7));
    const a = new AliasTable(w);
    const b = new AliasTable(Float64Array.from(w));
    const c = new AliasTable(w.map((x) => x * 1024));
    expect(b.thresholds).toEqual(a.thresholds);
    expect(b.aliases).toEqual(a.aliases);
    expect(c.thresholds).toEqual(a.thresholds);
    expect(c.aliases).toEqual(a.aliases);
  });

  it('gives each category its weight share to within a few units of 1/(k 2^32), never a zero weight', () => {
    const w = [1, 2, 3, 4, 0, 10];
    const t = new AliasTable(w);
    let sum = 0;
    w.forEach((x, i) => {
      expect(Math.abs(t.probability(i) - x / 20)).toBeLessThanOrEqual(3 / (6 * TWO32));
      sum += t.probability(i);
    });
    expect(Math.abs(sum - 1)).toBeLessThan(1e-15);
    expect(t.probability(4)).toBe(0);
    const src = new Counting(words(80));
    const n = 200000;
    const counts = new Float64Array(6);
    for (let i = 0; i < n; i++) counts[t.sample(src)]!++;
    expect(counts[4]).toBe(0);
    const keep = [0, 1, 2, 3, 5];
    const [stat, df] = [chiSquare(keep.map((i) => counts[i]!), keep.map((i) => (w[i]! / 20) * n)), keep.length - 1];
    expect(stat).toBeLessThan(chi2Crit(df));
  });

  it('fits a 1000-category Zipf table by chi-square', () => {
    const w = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
    const t = new AliasTable(w);
    const total = w.reduce((a, b) => a + b, 0);
    const src = words(81);
    const n = 2000000;
    const counts = new Float64Array(1000);
    for (let i = 0; i < n; i++) counts[t.sample(src)]!++;
    // Categories expecting at least 5 draws (all of them here: the smallest expects ~270).
    const expected = w.map((x) => (x / total) * n);
    expect(Math.min(...expected)).toBeGreaterThan(5);
    expect(chiSquare(counts, expected)).toBeLessThan(chi2Crit(999));
  });

  it('keeps exact mass beyond 2^20 columns (coarser units) and a single weight always wins', () => {
    const k = 2 ** 20 + 5;
    const w = new Float64Array(k);
    for (let i = 0; i < k; i++) w[i] = (i % 3) + (i === 77 ? 1e6 : 0);
    const t = new AliasTable(w);
    expect(t.unitShift).toBe(1);
    const C = 2 ** 31;
    const units = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const keep = t.aliases[c] === c ? C : t.thresholds[c]! / 2;
      units[c]! += keep;
      if (t.aliases[c] !== c) units[t.aliases[c]!]! += C - keep;
    }
    let sum = 0;
    let wsum = 0;
    for (let i = 0; i < k; i++) {
      sum += units[i]!;
      wsum += w[i]!;
    }
    expect(sum).toBe(k * C);
    // The weights are small integers, so wsum is exact and the share below is within 0.25 units.
    let worst = 0;
    for (let i = 0; i < k; i++) worst = Math.max(worst, Math.abs(units[i]! - (w[i]! / wsum) * k * C));
    expect(worst).toBeLessThanOrEqual(3);
    const src = words(82);
    for (let i = 0; i < 10000; i++) {
      const c = t.sample(src);
      if (!(c >= 0 && c < k) || w[c] === 0) throw new Error(`alias sample ${c}`);
    }
    const one = new AliasTable([5]);
    const s = words(83);
    for (let i = 0; i < 100; i++) expect(one.sample(s)).toBe(0);
  });
});

describe('shuffle', () => {
  it('is uniform over the 24 permutations of 4 elements (chi-square, 23 dof)', () => {
    const src = words(90);
    const n = 240000;
    const counts = new Map<number, number>();
    const a = new Int32Array(4);
    for (let i = 0; i < n; i++) {
      a.set([0, 1, 2, 3]);
      shuffle(src, a);
      const key = a[0]! * 64 + a[1]! * 16 + a[2]! * 4 + a[3]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const [stat, df] = uniformChi2([...counts.values()], n);
    expect(df).toBe(23);
    expect(stat).toBeLessThan(chi2Crit(23));
  });

  it('permutes typed and plain arrays in place, and reads no words for length 0 or 1', () => {
    const src = words(91);
    const f = Float64Array.from({ length: 1000 }, (_, i) => i * 0.5);
    shuffle(src, f);
    expect(Array.from(f).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i * 0.5));
    const s = ['a', 'b', 'c', 'd', 'e'];
    shuffle(src, s);
    expect([...s].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    shuffle(new Script([]), []);
    shuffle(new Script([]), new Int32Array([7]));
  });
});

describe('sampleK', () => {
  it('is the first k entries of shuffling 0..n-1 on the same words, in both regimes', () => {
    for (const [n, k] of [[1000, 1], [1000, 10], [1000, 249], [1000, 250], [1000, 251], [1000, 999], [1000, 1000], [1, 1], [5, 0]] as const) {
      const a = new Counting(words(100));
      const b = new Counting(words(100));
      const out = new Int32Array(k);
      sampleK(a, n, k, out);
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      shuffle(b, perm);
      expect(Array.from(out), `n = ${n}, k = ${k}`).toEqual(Array.from(perm.subarray(0, k)));
      // min(k, n - 1) draws: for k >= n - 1 exactly the words of the full shuffle.
      if (k >= n - 1) expect(a.used).toBe(b.used);
      else expect(a.used).toBeLessThan(b.used);
    }
  });

  it('returns k distinct values in range for n = 2^31, in O(k) memory', () => {
    const src = words(101);
    const out = new Int32Array(5000);
    sampleK(src, 2 ** 31, 5000, out);
    const seen = new Set(out);
    expect(seen.size).toBe(5000);
    for (const x of out) if (x < 0) throw new Error(`sampleK gave ${x}`);
    const plain: number[] = [];
    sampleK(src, 100, 10, plain);
    expect(new Set(plain).size).toBe(10);
  });

  it('includes every element with probability k/n (chi-square corrected for sampling without replacement)', () => {
    for (const [n, k, trials, s] of [[50, 5, 100000, 102], [20, 18, 20000, 103]] as const) {
      const src = words(s);
      const counts = new Float64Array(n);
      const out = new Int32Array(k);
      for (let t = 0; t < trials; t++) {
        sampleK(src, n, k, out);
        for (let i = 0; i < k; i++) counts[out[i]!]!++;
      }
      // Inclusion indicators of a uniform k-subset have covariance pi(1-pi) n/(n-1) (I - J/n), so
      // Pearson's sum times (n-1) / (n (1 - pi)) is chi-square with n - 1 dof.
      const pi = k / n;
      const [raw, df] = uniformChi2(counts, trials * k);
      expect(raw * ((n - 1) / (n * (1 - pi)))).toBeLessThan(chi2Crit(df));
    }
  });

  it('draws ordered pairs uniformly (n = 10, k = 2: 90 ordered pairs, 89 dof)', () => {
    const src = words(104);
    const counts = new Float64Array(100);
    const out = new Int32Array(2);
    const trials = 90000;
    for (let t = 0; t < trials; t++) {
      sampleK(src, 10, 2, out);
      counts[out[0]! * 10 + out[1]!]!++;
    }
    const cells = Array.from(counts).filter((_, i) => Math.floor(i / 10) !== i % 10);
    expect(counts.filter((_, i) => Math.floor(i / 10) === i % 10).every((c) => c === 0)).toBe(true);
    const [stat, df] = uniformChi2(cells, trials);
    expect(stat).toBeLessThan(chi2Crit(df));
  });

  it('rejects k > n, bad n, and a typed output shorter than k', () => {
    const src = words(105);
    expect(() => sampleK(src, 5, 6, new Int32Array(6))).toThrow(RangeError);
    expect(() => sampleK(src, -1, 0, new Int32Array(0))).toThrow(RangeError);
    expect(() => sampleK(src, 2 ** 31 + 1, 1, new Int32Array(1))).toThrow(RangeError);
    expect(() => sampleK(src, 10, 3, new Int32Array(2))).toThrow(RangeError);
  });
});

describe('determinism', () => {
  it('every sampler gives the same values from the same seed and address', () => {
    const run = (): number[] => {
      const src = words(110, 2n ** 63n + 12345n);
      const table = new AliasTable([3, 1, 4, 1, 5, 9, 2, 6]);
      const out: number[] = [];
      const k = new Int32Array(7);
      for (let i = 0; i < 50; i++) {
        out.push(boundedInt(src, 1 + i * 7919), uniform01(src), uniformOpen(src), normal(src, 1, 2));
        out.push(lognormal(src, 0, 1), poisson(src, 0.5 + i * 3), binomial(src, 10 + i * 40, 0.37), table.sample(src));
        sampleK(src, 1000, 7, k);
        out.push(...k);
      }
      return out;
    };
    expect(run()).toEqual(run());
  });
});
