import { csrLayer, sharedInt32, type CsrLayer } from './layers.ts';

/**
 * Undirected CSR from an edge list in O(n + E) time: a counting sort of the arcs by row (two-level,
 * see below), then each row sorted in place, so neighbour lists are ascending (duplicate removal is
 * one pass, membership a binary search). Scratch memory: 2 bytes per arc plus the widest bucket.
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
/** Rows per bucket: a bucket's row counters (256 KiB) stay in cache, and a row's low bits fit a Uint16. */
const SHIFT = 16;
const MASK = (1 << SHIFT) - 1;

function build(
  n: number, a: Int32Array, a0: number, b: Int32Array, b0: number, stride: number, edges: number,
  options: CsrOptions,
): CsrLayer {
  if (!Number.isInteger(n) || n < 0 || n > MAX_ARCS) throw new RangeError(`n must be an integer in [0, 2^31), got ${n}`);
  const keepLoops = options.selfLoops === 'keep';
  const keepDuplicates = options.duplicates === 'keep';

  // A plain counting sort by row scatters every arc to a random place in a large array, one cache
  // miss each (most of the time at 10^7 nodes). Instead: first bucket the arcs by row >> 16 into
  // the final targets array, with the row's low 16 bits beside each (a few hundred sequential
  // write streams), then counting-sort each bucket's region, which fits in cache.
  const buckets = Math.max(1, Math.ceil(n / (MASK + 1)));
  const bucketStart = new Float64Array(buckets + 1);
  for (let e = 0; e < edges; e++) {
    const u = a[a0 + e * stride]!, v = b[b0 + e * stride]!;
    if (u >>> 0 >= n || v >>> 0 >= n) throw new RangeError(`edge ${e} (${u}, ${v}) has an endpoint outside [0, ${n})`);
    if (u !== v) {
      bucketStart[(u >>> SHIFT) + 1]!++;
      bucketStart[(v >>> SHIFT) + 1]!++;
    } else if (keepLoops) {
      bucketStart[(u >>> SHIFT) + 1]!++;
    }
  }
  for (let k = 0; k < buckets; k++) bucketStart[k + 1]! += bucketStart[k]!;
  const total = bucketStart[buckets]!;
  if (total > MAX_ARCS) throw new RangeError(`${total} adjacency entries exceed Int32 offsets (2^31-1)`);

  const targets = sharedInt32(total);
  const low = new Uint16Array(total);
  const cursor = bucketStart.slice(0, buckets);
  for (let e = 0; e < edges; e++) {
    const u = a[a0 + e * stride]!, v = b[b0 + e * stride]!;
    if (u === v && !keepLoops) continue;
    let p = cursor[u >>> SHIFT]!++;
    targets[p] = v;
    low[p] = u & MASK;
    if (u === v) continue;
    p = cursor[v >>> SHIFT]!++;
    targets[p] = u;
    low[p] = v & MASK;
  }

  const offsets = sharedInt32(n + 1);
  let widest = 0;
  for (let k = 0; k < buckets; k++) widest = Math.max(widest, bucketStart[k + 1]! - bucketStart[k]!);
  const scratch = new Int32Array(widest);
  const rowCursor = new Int32Array(MASK + 1);
  for (let k = 0; k < buckets; k++) {
    const lo = bucketStart[k]!, hi = bucketStart[k + 1]!;
    const first = k << SHIFT, rows = Math.min(MASK + 1, n - first);
    // offsets[first] already holds lo: it is where the previous bucket ended.
    for (let p = lo; p < hi; p++) offsets[first + low[p]! + 1]!++;
    for (let r = 0; r < rows; r++) {
      rowCursor[r] = offsets[first + r]!;
      offsets[first + r + 1]! += offsets[first + r]!;
    }
    scratch.set(targets.subarray(lo, hi));
    for (let p = lo; p < hi; p++) targets[rowCursor[low[p]!]!++] = scratch[p - lo]!;
  }

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
