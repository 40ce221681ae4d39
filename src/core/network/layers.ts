import { allocate } from '../columns.ts';

/**
 * A network layer: who is tied to whom in one sphere of life (household, work, friends...).
 * Three shapes, chosen for memory and access pattern, never per-edge objects:
 *
 * - `csr`: compressed sparse rows, immutable. Neighbours of i are
 *   targets[offsets[i] .. offsets[i+1]).
 * - `slots`: `capacity` fixed slots per agent; neighbours of i are
 *   targets[i*capacity .. i*capacity + degree[i]). Mutable during a run: an agent rewrites only its
 *   own row, so ties can break and form in parallel and deterministically.
 * - `groups`: a partition into contiguous blocks (households). Members of i's group are
 *   start[g] .. start[g+1]-1 with g = groupOf[i]; 4 bytes per agent plus 4 per group.
 */
export type Layer = CsrLayer | SlotLayer | GroupLayer;

export interface CsrLayer {
  kind: 'csr';
  n: number;
  /** Int32Array of n+1 entries. */
  offsets: Int32Array;
  targets: Int32Array;
}

export interface SlotLayer {
  kind: 'slots';
  n: number;
  capacity: number;
  targets: Int32Array;
  /** Number of filled slots per agent. */
  degree: Uint8Array | Uint16Array;
}

export interface GroupLayer {
  kind: 'groups';
  n: number;
  groups: number;
  /** Int32Array of groups+1 entries: group g holds agents start[g] .. start[g+1]-1. */
  start: Int32Array;
  groupOf: Int32Array;
}

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(allocate(length * 4), 0, length);
}

export function csrLayer(n: number, offsets: Int32Array, targets: Int32Array): CsrLayer {
  return { kind: 'csr', n, offsets, targets };
}

export function slotLayer(n: number, capacity: number): SlotLayer {
  if (capacity < 1 || capacity > 65535) throw new RangeError(`slot capacity must be in [1, 65535], got ${capacity}`);
  const degree = capacity <= 255 ? new Uint8Array(allocate(n), 0, n) : new Uint16Array(allocate(2 * n), 0, n);
  return { kind: 'slots', n, capacity, targets: sharedInt32(n * capacity), degree };
}

/** A group layer from consecutive group sizes (which must add up to n). */
export function groupLayer(n: number, sizes: ArrayLike<number>): GroupLayer {
  const groups = sizes.length;
  const start = sharedInt32(groups + 1);
  const groupOf = sharedInt32(n);
  let at = 0;
  for (let g = 0; g < groups; g++) {
    start[g] = at;
    const end = at + sizes[g]!;
    if (end > n) throw new RangeError(`group sizes add up to more than n = ${n}`);
    groupOf.fill(g, at, end);
    at = end;
  }
  if (at !== n) throw new RangeError(`group sizes add up to ${at}, expected n = ${n}`);
  start[groups] = n;
  return { kind: 'groups', n, groups, start, groupOf };
}

/** Number of ties of agent i. */
export function degreeOf(layer: Layer, i: number): number {
  switch (layer.kind) {
    case 'csr':
      return layer.offsets[i + 1]! - layer.offsets[i]!;
    case 'slots':
      return layer.degree[i]!;
    case 'groups': {
      const g = layer.groupOf[i]!;
      return layer.start[g + 1]! - layer.start[g]! - 1;
    }
  }
}

/** Calls f for each neighbour of i (for groups: every other member). Not for hot loops. */
export function forEachNeighbour(layer: Layer, i: number, f: (j: number) => void): void {
  switch (layer.kind) {
    case 'csr':
      for (let e = layer.offsets[i]!; e < layer.offsets[i + 1]!; e++) f(layer.targets[e]!);
      return;
    case 'slots': {
      const base = i * layer.capacity;
      for (let s = 0; s < layer.degree[i]!; s++) f(layer.targets[base + s]!);
      return;
    }
    case 'groups': {
      const g = layer.groupOf[i]!;
      for (let j = layer.start[g]!; j < layer.start[g + 1]!; j++) if (j !== i) f(j);
      return;
    }
  }
}

/** Bytes a layer holds, for the engine's bytes-per-agent report. */
export function layerBytes(layer: Layer): number {
  switch (layer.kind) {
    case 'csr':
      return layer.offsets.byteLength + layer.targets.byteLength;
    case 'slots':
      return layer.targets.byteLength + layer.degree.byteLength;
    case 'groups':
      return layer.start.byteLength + layer.groupOf.byteLength;
  }
}
