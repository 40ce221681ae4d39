import { csrLayer, sharedInt32, type CsrLayer } from './layers.ts';

/**
 * Undirected CSR from an edge list, in O(n + E) memory beyond the output: a counting sort by
 * endpoint into the final targets array, then each row sorted in place (so neighbour lists are
 * ascending, which makes duplicate removal a single pass and membership a binary search).
 *
 * Every edge {u, v} with u != v is stored in both rows. A kept self-loop (u, u) is listed once in
 * row u, so degree sums equal 2E only for loop-free input.
 */
export interface CsrOptions {
  /** Self-loops: dropped (default) or kept once in their row. */
  selfLoops?: 'drop' | 'keep';
  /** Repeated edges: merged into one (default) or kept. 'keep' skips the compaction pass. */
  duplicates?: 'drop' | 'keep';
}

/** Edge e joins src[e] and dst[e], for e < edges. */
export function csrFromEdges(
  n: number, src: Int32Array, dst: Int32Array, options: CsrOptions = {}, edges = src.length,
): CsrLayer {
  if (edges > src.length || edges > dst.length) throw new RangeError(`edge arrays hold fewer than ${edges} edges`);
  return build(n, src, 0, dst, 0, 1, edges, options);
}

/** Edge e joins pairs[2e] and pairs[2e+1], for e < edges. */
export function csrFromPairs(
  n: number, pairs: Int32Array, options: CsrOptions = {}, edges = pairs.length >>> 1,
): CsrLayer {
  if (2 * edges > pairs.length) throw new RangeError(`pair array holds fewer than ${edges} edges`);
  return build(n, pairs, 0, pairs, 1, 2, edges, options);
}

const MAX_ARCS = 0x7fffffff;

function build(
  n: number, a: Int32Array, a0: number, b: Int32Array, b0: number, stride: number, edges: number,
  options: CsrOptions,
): CsrLayer {
  if (!Number.isInteger(n) || n < 0 || n > MAX_ARCS) throw new RangeError(`n must be an integer in [0, 2^31), got ${n}`);
  const keepLoops = options.selfLoops === 'keep';
  const keepDuplicates = options.duplicates === 'keep';
  const offsets = sharedInt32(n + 1);

  // Degrees go into offsets[u + 1] so that the prefix sum below leaves row starts in place.
  for (let e = 0; e < edges; e++) {
    const u = a[a0 + e * stride]!, v = b[b0 + e * stride]!;
    if (u >>> 0 >= n || v >>> 0 >= n) throw new RangeError(`edge ${e} (${u}, ${v}) has an endpoint outside [0, ${n})`);
    if (u !== v) {
      offsets[u + 1]!++;
      offsets[v + 1]!++;
    } else if (keepLoops) {
      offsets[u + 1]!++;
    }
  }
  let total = 0;
  for (let i = 1; i <= n; i++) {
    total += offsets[i]!;
    if (total > MAX_ARCS) throw new RangeError(`more than 2^31-1 adjacency entries: Int32 offsets cannot hold them`);
    offsets[i] = total;
  }

  // offsets[u] serves as row u's write cursor; afterwards it holds the end of row u, i.e. the
  // start of row u+1, and one shift restores the starts. This saves an n-sized cursor array.
  const targets = sharedInt32(total);
  for (let e = 0; e < edges; e++) {
    const u = a[a0 + e * stride]!, v = b[b0 + e * stride]!;
    if (u !== v) {
      targets[offsets[u]!++] = v;
      targets[offsets[v]!++] = u;
    } else if (keepLoops) {
      targets[offsets[u]!++] = u;
    }
  }
  for (let i = n; i > 0; i--) offsets[i] = offsets[i - 1]!;
  offsets[0] = 0;

  // Sort each row; when merging duplicates, compact in place (the write point never passes the read point).
  let start = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const end = offsets[i + 1]!;
    sortRange(targets, start, end);
    if (!keepDuplicates) {
      offsets[i] = w;
      let prev = -1;
      for (let q = start; q < end; q++) {
        const t = targets[q]!;
        if (t !== prev) targets[w++] = t;
        prev = t;
      }
    }
    start = end;
  }
  if (keepDuplicates || w === total) return csrLayer(n, offsets, targets);
  offsets[n] = w;
  // A handful of merged duplicates is not worth a second full-size buffer at peak: keep a view.
  if (total - w <= total / 64) return csrLayer(n, offsets, targets.subarray(0, w));
  const exact = sharedInt32(w);
  exact.set(targets.subarray(0, w));
  return csrLayer(n, offsets, exact);
}

/** Ascending sort of t[lo, hi): insertion sort for the short rows most nodes have, native for hubs. */
function sortRange(t: Int32Array, lo: number, hi: number): void {
  if (hi - lo > 32) {
    t.subarray(lo, hi).sort();
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const x = t[i]!;
    let j = i - 1;
    while (j >= lo && t[j]! > x) {
      t[j + 1] = t[j]!;
      j--;
    }
    t[j + 1] = x;
  }
}
