import { describe, it, expect } from 'vitest';
import { csrFromEdges, csrFromPairs } from '../src/core/network/csr.ts';
import {
  barabasiAlbert, blocks, households, ringRewire, ringRewireRows, stochasticBlock, wattsStrogatz,
} from '../src/core/network/generators/index.ts';
import { poissonThresholds } from '../src/core/network/generators/draws.ts';
import { boundedInt } from '../src/core/rng/samplers.ts';
import { Words } from '../src/core/rng/words.ts';
import { slotLayer, type CsrLayer } from '../src/core/network/layers.ts';
import { Rng, SETUP, threefry4x32 } from '../src/core/rng/threefry.ts';

const rng = (seed: number | bigint) => new Rng(BigInt(seed));

function row(layer: CsrLayer, i: number): number[] {
  return Array.from(layer.targets.subarray(layer.offsets[i], layer.offsets[i + 1]));
}

function has(layer: CsrLayer, u: number, v: number): boolean {
  let a = layer.offsets[u]!, b = layer.offsets[u + 1]!;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (layer.targets[mid]! < v) a = mid + 1;
    else b = mid;
  }
  return a < layer.offsets[u + 1]! && layer.targets[a] === v;
}

/** Offsets well formed, rows strictly ascending (sorted, no duplicates), no self-loops, symmetric. */
function expectSimpleUndirected(layer: CsrLayer): void {
  const { n, offsets, targets } = layer;
  expect(offsets.length).toBe(n + 1);
  expect(offsets[0]).toBe(0);
  expect(offsets[n]).toBe(targets.length);
  let bad = 0;
  for (let u = 0; u < n; u++) {
    if (offsets[u + 1]! < offsets[u]!) bad++;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const v = targets[e]!;
      if (v < 0 || v >= n || v === u) bad++;
      if (e > offsets[u]! && targets[e - 1]! >= v) bad++;
      if (!has(layer, v, u)) bad++;
    }
  }
  expect(bad).toBe(0);
}

function sameCsr(a: CsrLayer, b: CsrLayer): boolean {
  return a.n === b.n && equal(a.offsets, b.offsets) && equal(a.targets, b.targets);
}

function equal(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Mean local clustering over every `step`-th node. */
function clustering(layer: CsrLayer, step: number): number {
  let sum = 0, count = 0;
  for (let u = 0; u < layer.n; u += step) {
    const nb = row(layer, u);
    if (nb.length < 2) continue;
    let links = 0;
    for (let x = 0; x < nb.length; x++) for (let y = x + 1; y < nb.length; y++) if (has(layer, nb[x]!, nb[y]!)) links++;
    sum += (2 * links) / (nb.length * (nb.length - 1));
    count++;
  }
  return sum / count;
}

describe('csr builder', () => {
  const src = Int32Array.of(0, 1, 2, 2, 1, 3, 0);
  const dst = Int32Array.of(1, 0, 2, 3, 2, 2, 3);

  it('drops self-loops and merges duplicates by default, with sorted rows', () => {
    const g = csrFromEdges(5, src, dst);
    expect([0, 1, 2, 3, 4].map((i) => row(g, i))).toEqual([[1, 3], [0, 2], [1, 3], [0, 2], []]);
    expectSimpleUndirected(g);
  });

  it('keeps loops (once in their row) and duplicates when asked', () => {
    const g = csrFromEdges(5, src, dst, { selfLoops: 'keep', duplicates: 'keep' });
    expect([0, 1, 2, 3, 4].map((i) => row(g, i))).toEqual([[1, 1, 3], [0, 0, 2], [1, 2, 3, 3], [0, 2, 2], []]);
  });

  it('reads interleaved pairs like separate arrays, and a prefix of them', () => {
    const pairs = new Int32Array(2 * src.length);
    src.forEach((u, e) => { pairs[2 * e] = u; pairs[2 * e + 1] = dst[e]!; });
    expect(sameCsr(csrFromPairs(5, pairs), csrFromEdges(5, src, dst))).toBe(true);
    expect(sameCsr(csrFromPairs(5, pairs, {}, 3), csrFromEdges(5, src.slice(0, 3), dst.slice(0, 3)))).toBe(true);
  });

  it('matches a set-based reference on a random multigraph with hubs', () => {
    const n = 500, m = 20_000;
    const r = rng(5), w = new Uint32Array(4);
    const a = new Int32Array(m), b = new Int32Array(m);
    for (let e = 0; e < m; e++) {
      r.block(e, 0, 0, 0, w);
      a[e] = w[0]! % n;
      b[e] = w[1]! % 4 === 0 ? w[2]! % 3 : w[2]! % n; // a quarter of edges end at nodes 0..2: rows longer than 32
    }
    const g = csrFromEdges(n, a, b);
    expectSimpleUndirected(g);
    const ref = Array.from({ length: n }, () => new Set<number>());
    for (let e = 0; e < m; e++) {
      if (a[e] === b[e]) continue;
      ref[a[e]!]!.add(b[e]!);
      ref[b[e]!]!.add(a[e]!);
    }
    for (let i = 0; i < n; i++) expect(row(g, i)).toEqual([...ref[i]!].sort((x, y) => x - y));
    expect(row(g, 0).length).toBeGreaterThan(32);
  });

  it('rejects endpoints outside [0, n)', () => {
    expect(() => csrFromEdges(3, Int32Array.of(0), Int32Array.of(3))).toThrow(RangeError);
    expect(() => csrFromEdges(3, Int32Array.of(-1), Int32Array.of(0))).toThrow(RangeError);
  });
});

describe('generator draws', () => {
  it('below(m) stays in [0, m) and is uniform', () => {
    const cur = new Words(rng(1)).at(0, SETUP, 0);
    const counts = new Array<number>(7).fill(0);
    for (let x = 0; x < 70_000; x++) counts[boundedInt(cur, 7)]!++;
    const chi2 = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(22.46); // 6 degrees of freedom, p = 0.001
    for (let x = 0; x < 1000; x++) expect(boundedInt(cur, 2 ** 31)).toBeLessThan(2 ** 31);
  });

  it('Poisson tables have mean and variance lambda, small or large', () => {
    for (const lambda of [0.5, 5, 1000]) {
      const { lo, thresholds } = poissonThresholds(lambda);
      let mean = 0, square = 0, prev = 0;
      thresholds.forEach((t, k) => {
        const p = (t - prev) / 2 ** 32;
        mean += p * (lo + k);
        square += p * (lo + k) ** 2;
        prev = t;
      });
      expect(mean).toBeCloseTo(lambda, 6);
      expect((square - mean * mean) / lambda).toBeCloseTo(1, 4);
    }
  });
});

describe('ringRewire (RM-1 contacts)', () => {
  /** RM-1.md, Set-up, transcribed literally, with mulhi in BigInt. */
  function spec(n: number, seed: bigint, i: number): number[] {
    const k0 = Number(seed & 0xffffffffn), k1 = Number(seed >> 32n);
    const REWIRE = 536870912;
    const out: number[] = [];
    const w = new Uint32Array(4);
    for (let j = 0; j < 8; j++) {
      threefry4x32(i, SETUP, 1 + Math.floor(j / 2), 0, k0, k1, 0, 0, w);
      const a = w[2 * (j % 2)]!, b = w[2 * (j % 2) + 1]!;
      out.push(a < REWIRE ? Number((BigInt(b) * BigInt(n)) >> 32n) : (i + 1 + j) % n);
    }
    return out;
  }
  const params = { degree: 8, rewire: 0.125 };
  const n = 10007;
  const layer = ringRewire(n, params, rng(42));
  const contacts = (i: number) => Array.from(layer.targets.subarray(8 * i, 8 * i + 8));

  it('matches the spec transcription bit for bit (n = 10007, seed 42)', () => {
    for (const i of [0, 1, 2, 3, 17, 4242, 5000, 9999, 10005, 10006]) expect(contacts(i)).toEqual(spec(n, 42n, i));
    for (let i = 0; i < n; i += 97) expect(contacts(i)).toEqual(spec(n, 42n, i));
    expect(layer.degree.every((d) => d === 8)).toBe(true);
  });

  it('matches rm1.c (values printed by the C reference)', () => {
    expect(contacts(0)).toEqual([1, 5818, 3, 4, 5, 6, 7, 8]);
    expect(contacts(2)).toEqual([3, 4, 5, 6, 7, 8, 9, 1672]);
    expect(contacts(17)).toEqual([18, 19, 20, 8606, 6288, 23, 24, 25]);
    expect(contacts(4242)).toEqual([4243, 4244, 4245, 4246, 4247, 9382, 4249, 4250]);
    expect(contacts(10006)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    let hash = 0;
    for (let e = 0; e < 8 * n; e++) hash = (Math.imul(hash, 31) + layer.targets[e]!) >>> 0;
    expect(hash).toBe(3086517308);
  });

  it('is the same filled in row ranges, deterministic, and seed-dependent', () => {
    const parts = slotLayer(n, 8);
    for (const [lo, hi] of [[5000, n], [0, 1234], [1234, 5000]] as const) ringRewireRows(parts, lo, hi, params, rng(42));
    expect(equal(parts.targets, layer.targets)).toBe(true);
    expect(equal(ringRewire(n, params, rng(42)).targets, layer.targets)).toBe(true);
    expect(equal(ringRewire(n, params, rng(43)).targets, layer.targets)).toBe(false);
    expect(equal(ringRewire(n, params, rng(42), 7).targets, layer.targets)).toBe(false);
  });

  it('is the plain ring without rewiring, and fully random with rewire = 1', () => {
    const ring = ringRewire(100, { degree: 3, rewire: 0 }, rng(1));
    expect(Array.from(ring.targets.subarray(3 * 98, 3 * 100))).toEqual([99, 0, 1, 0, 1, 2]);
    const random = ringRewire(1000, { degree: 3, rewire: 1 }, rng(1));
    let lattice = 0;
    for (let i = 0; i < 1000; i++) for (let j = 0; j < 3; j++) if (random.targets[3 * i + j] === (i + 1 + j) % 1000) lattice++;
    expect(lattice).toBeLessThan(15);
  });
});

describe('wattsStrogatz', () => {
  it('is the exact ring lattice for beta = 0', () => {
    const n = 1000, k = 6;
    const g = wattsStrogatz(n, { k, beta: 0 }, rng(1), 10);
    for (let i = 0; i < n; i++) {
      const expected = [1, 2, 3].flatMap((s) => [(i + s) % n, (i - s + n) % n]).sort((a, b) => a - b);
      expect(row(g, i)).toEqual(expected);
    }
  });

  it('stays simple with mean degree exactly k, rewiring a share beta of lattice edges', () => {
    const n = 20_000, k = 10;
    for (const beta of [0.05, 0.3, 1]) {
      const g = wattsStrogatz(n, { k, beta }, rng(7), 10);
      expectSimpleUndirected(g);
      expect(g.targets.length).toBe(n * k);
      let minDegree = Infinity, kept = 0;
      for (let i = 0; i < n; i++) {
        minDegree = Math.min(minDegree, g.offsets[i + 1]! - g.offsets[i]!);
        for (let s = 1; s <= k / 2; s++) if (has(g, i, (i + s) % n)) kept++;
      }
      expect(minDegree).toBeGreaterThanOrEqual(k / 2);
      expect(Math.abs(1 - kept / (n * k / 2) - beta)).toBeLessThan(0.01);
    }
  });

  it('resolves clashes on small graphs, where rewired edges often meet', () => {
    for (let seed = 0; seed < 20; seed++) {
      for (const [n, k] of [[11, 10], [16, 4], [30, 10], [40, 6]] as const) {
        const g = wattsStrogatz(n, { k, beta: 1 }, rng(seed), 3);
        expectSimpleUndirected(g);
        expect(g.targets.length).toBe(n * k);
      }
    }
  });

  it('loses clustering as beta grows', () => {
    const c = [0, 0.03, 0.1, 0.3, 1].map((beta) => clustering(wattsStrogatz(20_000, { k: 10, beta }, rng(3), 10), 10));
    expect(c[0]).toBeCloseTo((3 * 8) / (4 * 9), 10);
    for (let x = 1; x < c.length; x++) expect(c[x]!).toBeLessThan(c[x - 1]!);
    expect(c[4]!).toBeLessThan(0.01);
  });

  it('is deterministic and seed- and stream-dependent', () => {
    const p = { k: 8, beta: 0.2 };
    const g = wattsStrogatz(5000, p, rng(1), 10);
    expect(sameCsr(g, wattsStrogatz(5000, p, rng(1), 10))).toBe(true);
    expect(sameCsr(g, wattsStrogatz(5000, p, rng(2), 10))).toBe(false);
    expect(sameCsr(g, wattsStrogatz(5000, p, rng(1), 12))).toBe(false);
  });
});

describe('barabasiAlbert', () => {
  const n = 100_000, m = 4;
  const g = barabasiAlbert(n, { m }, rng(11), 20);

  it('has m edges per new node on a clique of m+1, simple and symmetric', () => {
    expectSimpleUndirected(g);
    expect(g.targets.length).toBe(2 * (m * (n - m - 1) + (m * (m + 1)) / 2));
    let minDegree = Infinity;
    for (let i = 0; i < n; i++) minDegree = Math.min(minDegree, g.offsets[i + 1]! - g.offsets[i]!);
    expect(minDegree).toBe(m);
    for (let i = 0; i <= m; i++) for (let j = 0; j < i; j++) expect(has(g, i, j)).toBe(true);
  });

  it('has a heavy tail', () => {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, g.offsets[i + 1]! - g.offsets[i]!);
    expect(max).toBeGreaterThan(10 * (g.targets.length / n));
  });

  it('is a tree for m = 1, deterministic and seed-dependent', () => {
    const tree = barabasiAlbert(1000, { m: 1 }, rng(1), 20);
    expectSimpleUndirected(tree);
    expect(tree.targets.length).toBe(2 * 999);
    expect(sameCsr(tree, barabasiAlbert(1000, { m: 1 }, rng(1), 20))).toBe(true);
    expect(sameCsr(tree, barabasiAlbert(1000, { m: 1 }, rng(2), 20))).toBe(false);
    expect(sameCsr(barabasiAlbert(4, { m: 3 }, rng(1), 20), csrFromEdges(4, Int32Array.of(0, 0, 0, 1, 1, 2), Int32Array.of(1, 2, 3, 2, 3, 3)))).toBe(true);
  });
});

describe('stochasticBlock', () => {
  const n = 100_000;
  /** Interleaved, unequal groups: about 30 % in group 1. */
  const twoGroups = new Uint8Array(n).map((_, i) => ((Math.imul(i, 2654435761) >>> 0) % 10 < 3 ? 1 : 0));

  function withinShare(g: CsrLayer, groupOf: Uint8Array): number {
    let within = 0;
    for (let u = 0; u < g.n; u++) for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) if (groupOf[g.targets[e]!] === groupOf[u]) within++;
    return within / g.targets.length;
  }

  it('has the requested mean degree and homophily', () => {
    for (const homophily of [0, 0.5, 0.8, 1]) {
      const g = stochasticBlock(n, { groupOf: twoGroups, meanDegree: 10, homophily }, rng(4), 30);
      expectSimpleUndirected(g);
      expect(Math.abs(g.targets.length / n / 10 - 1)).toBeLessThan(0.02);
      // The edge count is ~5e5, so the share's standard error is below 1e-3.
      expect(Math.abs(withinShare(g, twoGroups) - homophily)).toBeLessThan(0.005);
    }
  });

  it('gives each group the documented mean degree and within-group degree H * meanDegree', () => {
    const d = 12, H = 0.7;
    const g = stochasticBlock(n, { groupOf: twoGroups, meanDegree: d, homophily: H }, rng(4), 30);
    const degree = [0, 0], within = [0, 0], size = [0, 0];
    for (let u = 0; u < n; u++) {
      const x = twoGroups[u]!;
      size[x]!++;
      for (const v of row(g, u)) {
        degree[x]!++;
        if (twoGroups[v] === x) within[x]!++;
      }
    }
    for (const x of [0, 1]) {
      const other = size[1 - x]!;
      const expected = (d / 2) * (1 + H + ((1 - H) * other) / (n - other));
      expect(Math.abs(degree[x]! / size[x]! / expected - 1)).toBeLessThan(0.02);
      expect(Math.abs(within[x]! / size[x]! / (H * d) - 1)).toBeLessThan(0.02);
    }
  });

  it('follows a mixing matrix', () => {
    const groupOf = new Uint8Array(n).map((_, i) => (Math.imul(i, 2246822519) >>> 0) % 4);
    const mixing = [
      6, 1, 1, 2,
      1, 1, 0, 0,
      0, 0, 1, 0,
      1, 1, 1, 1,
    ];
    const g = stochasticBlock(n, { groupOf, meanDegree: 8, mixing }, rng(9), 30);
    expectSimpleUndirected(g);
    // Groups are equal in size in expectation, so proposals come equally from each row.
    const expected = (0.6 + 0.5 + 1 + 0.25) / 4;
    expect(Math.abs(withinShare(g, groupOf) - expected)).toBeLessThan(0.005);
    for (let u = 0; u < n; u++) {
      if (groupOf[u] !== 2) continue;
      for (const v of row(g, u)) if (groupOf[v] === 1) throw new Error('group 2 and 1 never mix here');
    }
  });

  it('is deterministic and seed-dependent', () => {
    const p = { groupOf: twoGroups.subarray(0, 5000), meanDegree: 6, homophily: 0.6 };
    const g = stochasticBlock(5000, p, rng(1), 30);
    expect(sameCsr(g, stochasticBlock(5000, p, rng(1), 30))).toBe(true);
    expect(sameCsr(g, stochasticBlock(5000, p, rng(2), 30))).toBe(false);
  });
});

describe('households and blocks', () => {
  it('draws sizes from the weights (chi-square) and places exactly n agents', () => {
    const n = 100_000, weights = [0.25, 0.35, 0.2, 0.15, 0.05];
    const h = households(n, { sizeWeights: weights }, rng(8), 40);
    expect(h.start[h.groups]).toBe(n);
    const counts = [0, 0, 0, 0, 0];
    for (let g = 0; g < h.groups - 1; g++) counts[h.start[g + 1]! - h.start[g]! - 1]!++; // the last may be cut
    const total = h.groups - 1;
    const chi2 = counts.reduce((s, c, k) => s + (c - total * weights[k]!) ** 2 / (total * weights[k]!), 0);
    expect(chi2).toBeLessThan(18.47); // 4 degrees of freedom, p = 0.001
    for (let i = 0; i < n; i++) {
      const g = h.groupOf[i]!;
      if (i < h.start[g]! || i >= h.start[g + 1]!) throw new Error(`agent ${i} is outside its household ${g}`);
    }
  });

  it('never draws a size of weight zero, and is deterministic', () => {
    const p = { sizeWeights: [0, 1, 0, 1] };
    const h = households(10_000, p, rng(1), 40);
    for (let g = 0; g < h.groups - 1; g++) expect([2, 4]).toContain(h.start[g + 1]! - h.start[g]!);
    expect(equal(h.start, households(10_000, p, rng(1), 40).start)).toBe(true);
    expect(equal(h.start, households(10_000, p, rng(2), 40).start)).toBe(false);
  });

  it('builds RM-1 blocks of four', () => {
    const n = 10007, b = blocks(n, 4);
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const g = b.groupOf[i]!;
      if (b.start[g] !== 4 * Math.floor(i / 4) || b.start[g + 1]! - 1 !== Math.min(4 * Math.floor(i / 4) + 3, n - 1)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(b.groups).toBe(2502);
  });
});
