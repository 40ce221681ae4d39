import { Words } from '../../rng/words.ts';
import { SETUP, type Rng } from '../../rng/threefry.ts';
import { mulhi, threshold, TWO32 } from '../../rng/threshold.ts';
import { csrFromEdges } from '../csr.ts';
import type { CsrLayer } from '../layers.ts';

export interface WattsStrogatzParams {
  /** Lattice neighbours per node (even): node i is tied to i +- 1 .. i +- k/2 before rewiring. */
  k: number;
  /** Probability that a lattice edge is rewired. */
  beta: number;
}

/** Words one edge may use per round (16 blocks); running out leaves the edge on the lattice. */
const WINDOW = 64;
/** Conflict rounds; an edge still in conflict after the last goes back to the lattice. */
const ROUNDS = 32;

/**
 * Watts-Strogatz small world, simple and undirected, with exactly n*k/2 edges (mean degree k for
 * every beta). Lattice edge e = (i, i+s), s = 1..k/2, stored at e = i*k/2 + s-1, keeps i and, with
 * probability beta, gets a new endpoint t drawn uniformly from the nodes outside i's lattice
 * neighbourhood {i-k/2 .. i+k/2} and not already an endpoint of i's other edges.
 *
 * How duplicates are avoided without visiting edges in a global order:
 * - Excluding the whole neighbourhood (rather than only i's current neighbours, as the sequential
 *   algorithm does) means a rewired edge can never coincide with a lattice edge.
 * - i's own edges are checked against each other (a local loop over k/2 slots, in slot order).
 * - What remains is a mutual pair: i rewired to t while t rewired to i. Round 0 draws all rewired
 *   endpoints; then every rewired edge (i, t) looks for i among t's slots, and in a clash the edge
 *   whose source is larger draws again. Round r >= 1 redraws only those edges; a redrawn edge that
 *   meets an edge that stayed put loses again, two redrawn ones decide by source. Each round reads
 *   only the state the previous round left, so the result does not depend on processing order.
 *   Clashes number about (k*beta/2)^2 in a whole graph of any size, so one or two rounds suffice.
 *
 * Randomness: the coin of edge (i, s) is word (s-1) % 4 of block (i, SETUP, stream, floor((s-1)/4));
 * round r's endpoint words are blocks (i, SETUP, stream + 1, 16*(r*k/2 + s-1) + b), b = 0..15.
 * Uses streams stream and stream + 1.
 */
export function wattsStrogatz(n: number, params: WattsStrogatzParams, rng: Rng, stream: number): CsrLayer {
  const { k, beta } = params;
  if (!Number.isInteger(k) || k < 2 || k % 2 !== 0) throw new RangeError(`k must be an even integer >= 2, got ${k}`);
  if (!Number.isInteger(n) || n <= k) throw new RangeError(`n must be an integer > k = ${k}, got ${n}`);
  if (n * k > 0x7fffffff) throw new RangeError(`n*k = ${n * k} adjacency entries exceed Int32 offsets`);
  const h = k / 2;
  const dst = new Int32Array(n * h);
  const coin = threshold(beta);
  const cur = new Words(rng);
  const reject = (TWO32 - n) % n;

  /** Within ring distance h of i (i itself included). */
  const near = (i: number, t: number): boolean => {
    const d = i > t ? i - t : t - i;
    return d <= h || n - d <= h;
  };

  /** The slot of t's edge that points back at i, or -1. */
  const partner = (i: number, t: number): number => {
    for (let q = t * h; q < t * h + h; q++) if (dst[q] === i) return q;
    return -1;
  };

  /** Edge e's endpoint on the lattice: i + s. */
  const lattice = (e: number): number => {
    const i = Math.floor(e / h);
    return (i + 1 + e - i * h) % n;
  };

  /** Gives edge e an endpoint from round r's words, or puts it back on the lattice. */
  const place = (e: number, r: number): void => {
    const i = Math.floor(e / h), s1 = e - i * h, row = i * h;
    cur.at(i, SETUP, stream + 1, 16 * (r * h + s1));
    search: while (cur.taken < WINDOW) {
      // Cursor.below, inlined so that a rejection cannot read past the window.
      const w = cur.next();
      const low = Math.imul(w, n) >>> 0;
      if (low < reject) continue;
      const t = mulhi(w, n);
      if (near(i, t)) continue;
      for (let q = row; q < row + h; q++) if (q !== e && dst[q] === t) continue search;
      dst[e] = t;
      return;
    }
    dst[e] = lattice(e);
  };

  // Round 0: lattice everywhere, then each node rewires its own edges.
  const coins = new Uint32Array(4);
  for (let i = 0; i < n; i++) {
    const row = i * h;
    for (let s1 = 0; s1 < h; s1++) dst[row + s1] = (i + s1 + 1) % n;
    if (coin === 0) continue;
    for (let s1 = 0; s1 < h; s1++) {
      if ((s1 & 3) === 0) rng.block(i, SETUP, stream, s1 >>> 2, coins);
      if (coins[s1 & 3]! < coin) place(row + s1, 0);
    }
  }
  let clashing = new IntList();
  for (let e = 0; e < n * h; e++) {
    const i = Math.floor(e / h), t = dst[e]!;
    if (i > t && !near(i, t) && partner(i, t) >= 0) clashing.push(e);
  }

  let next = new IntList();
  for (let r = 1; clashing.length > 0; r++) {
    if (r === ROUNDS) {
      // A lattice edge cannot clash with anything (rewired endpoints are never near their source).
      for (let x = 0; x < clashing.length; x++) dst[clashing.at(x)] = lattice(clashing.at(x));
      break;
    }
    for (let x = 0; x < clashing.length; x++) place(clashing.at(x), r);
    next.clear();
    for (let x = 0; x < clashing.length; x++) {
      const e = clashing.at(x), i = Math.floor(e / h), t = dst[e]!;
      if (near(i, t)) continue;
      const q = partner(i, t);
      if (q >= 0 && (i > t || !clashing.has(q))) next.push(e);
    }
    [clashing, next] = [next, clashing];
  }

  const src = new Int32Array(n * h);
  for (let i = 0; i < n; i++) src.fill(i, i * h, i * h + h);
  return csrFromEdges(n, src, dst, { selfLoops: 'keep', duplicates: 'keep' });
}

/** A growable list of ascending edge ids (pushed in order), with binary-search membership. */
class IntList {
  private data = new Int32Array(64);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(2 * this.length);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }

  at(x: number): number {
    return this.data[x]!;
  }

  clear(): void {
    this.length = 0;
  }

  has(x: number): boolean {
    let a = 0, b = this.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.data[mid]! < x) a = mid + 1;
      else b = mid;
    }
    return a < this.length && this.data[a] === x;
  }
}
