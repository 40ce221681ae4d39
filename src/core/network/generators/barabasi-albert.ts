import { Words } from '../../rng/words.ts';
import { boundedInt } from '../../rng/samplers.ts';
import { SETUP, type Rng } from '../../rng/threefry.ts';
import { csrFromPairs } from '../csr.ts';
import type { CsrLayer } from '../layers.ts';

export interface BarabasiAlbertParams {
  /** Edges each new node brings. */
  m: number;
}

/**
 * Barabasi-Albert preferential attachment. Nodes 0..m form a clique; each later node v, in order,
 * ties to m distinct earlier nodes, each chosen with probability proportional to its degree at
 * that moment (before v's own edges are added).
 *
 * The repeated-endpoints method: the edge list itself, stored as endpoint pairs, lists every node
 * once per tie, so a uniformly random entry among the first 2E is a degree-proportional node.
 * O(n*m) time and memory, and the same array becomes the CSR input. An entry that repeats one of
 * v's chosen targets is rejected and redrawn, so no edge repeats.
 *
 * Inherently sequential in v. v's draws are words of blocks (v, SETUP, stream, 0), (v, SETUP, stream, 1), ...
 */
export function barabasiAlbert(n: number, params: BarabasiAlbertParams, rng: Rng, stream: number): CsrLayer {
  const { m } = params;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`m must be an integer >= 1, got ${m}`);
  if (!Number.isInteger(n) || n < m + 1) throw new RangeError(`n must be an integer >= m + 1 = ${m + 1}, got ${n}`);
  const edges = (m * (m + 1)) / 2 + m * (n - m - 1);
  if (2 * edges > 0x7fffffff) throw new RangeError(`${edges} edges exceed Int32 offsets`);

  const ends = new Int32Array(2 * edges);
  let e = 0;
  for (let u = 1; u <= m; u++) {
    for (let v = 0; v < u; v++) {
      ends[2 * e] = u;
      ends[2 * e + 1] = v;
      e++;
    }
  }
  const cur = new Words(rng);
  const picks = new Int32Array(m);
  for (let v = m + 1; v < n; v++) {
    const entries = 2 * e;
    const first = e;
    cur.at(v, SETUP, stream);
    // The first m entries are drawn before any is read, so that the m (cache-missing) reads overlap;
    // the candidates are the same, in the same order, as drawing and reading one at a time.
    for (let q = 0; q < m; q++) picks[q] = boundedInt(cur, entries);
    for (let q = 0; q < m; q++) picks[q] = ends[picks[q]!]!;
    for (let q = 0; e - first < m; q++) {
      const t = q < m ? picks[q]! : ends[boundedInt(cur, entries)]!;
      let repeat = false;
      for (let x = first; x < e; x++) if (ends[2 * x + 1] === t) repeat = true;
      if (repeat) continue;
      ends[2 * e] = v;
      ends[2 * e + 1] = t;
      e++;
    }
  }
  return csrFromPairs(n, ends, { selfLoops: 'keep', duplicates: 'keep' });
}
