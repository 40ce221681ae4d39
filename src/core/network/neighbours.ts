import type { Layer } from './layers.ts';
import { mulhi } from '../rng/threshold.ts';

/**
 * The contacts of an agent in any kind of layer, for hot loops: `row` gives the range of indices
 * [from, to) of its contacts, which are ids[e] (for groups, the index itself, the agent among them:
 * skip it); `pick` chooses contact floor(word * degree / 2^32), or -1 without contacts.
 */
export interface Neighbours {
  row: (i: number, span: Int32Array) => void;
  ids: Int32Array | undefined;
  pick: (i: number, word: number) => number;
}

export function neighbours(layer: Layer): Neighbours {
  switch (layer.kind) {
    case 'csr': {
      const { offsets, targets } = layer;
      return {
        row: (i, span) => {
          span[0] = offsets[i]!;
          span[1] = offsets[i + 1]!;
        },
        ids: targets,
        pick: (i, word) => {
          const d = offsets[i + 1]! - offsets[i]!;
          return d ? targets[offsets[i]! + mulhi(word, d)]! : -1;
        },
      };
    }
    case 'slots': {
      const { targets, degree, capacity } = layer;
      return {
        row: (i, span) => {
          span[0] = i * capacity;
          span[1] = i * capacity + degree[i]!;
        },
        ids: targets,
        pick: (i, word) => {
          const d = degree[i]!;
          return d ? targets[i * capacity + mulhi(word, d)]! : -1;
        },
      };
    }
    case 'groups': {
      const { start, groupOf } = layer;
      return {
        row: (i, span) => {
          const g = groupOf[i]!;
          span[0] = start[g]!;
          span[1] = start[g + 1]!;
        },
        ids: undefined,
        pick: (i, word) => {
          const g = groupOf[i]!;
          const d = start[g + 1]! - start[g]! - 1;
          if (!d) return -1;
          const k = start[g]! + mulhi(word, d);
          return k >= i ? k + 1 : k;
        },
      };
    }
  }
}

/** The most contacts any agent can have in the layer (for slots, its capacity: rows may grow). */
export function maxDegree(layer: Layer): number {
  let most = 0;
  switch (layer.kind) {
    case 'csr':
      for (let i = 0; i < layer.n; i++) most = Math.max(most, layer.offsets[i + 1]! - layer.offsets[i]!);
      return most;
    case 'slots':
      return layer.capacity;
    case 'groups':
      for (let g = 0; g < layer.groups; g++) most = Math.max(most, layer.start[g + 1]! - layer.start[g]!);
      return most;
  }
}

/**
 * Sums `values` over agent i's contacts (for groups: the other members): out[0] the sum of the
 * non-zero values, out[1] how many are non-zero, out[2] how many contacts there are.
 */
export function contactSums(layer: Layer): (values: ArrayLike<number>, i: number, out: Float64Array) => void {
  const { row, ids } = neighbours(layer);
  const span = new Int32Array(2);
  return (values, i, out) => {
    let sum = 0, nonZero = 0, all = 0;
    row(i, span);
    for (let e = span[0]!, end = span[1]!; e < end; e++) {
      const j = ids ? ids[e]! : e;
      if (!ids && j === i) continue;
      all++;
      const v = values[j]!;
      if (v !== 0) {
        sum += v;
        nonZero++;
      }
    }
    out[0] = sum;
    out[1] = nonZero;
    out[2] = all;
  };
}
