import type { SlotLayer } from './layers.ts';

/**
 * Ties that break and form during a run, on a slot layer. Each agent edits only its own row, so
 * edits made in parallel never collide; swap-with-last removal keeps rows dense, and the order it
 * leaves depends only on the agent's own sequence of edits, so runs stay deterministic.
 */

export function hasTie(layer: SlotLayer, i: number, j: number): boolean {
  const base = i * layer.capacity;
  for (let s = base, e = base + layer.degree[i]!; s < e; s++) if (layer.targets[s] === j) return true;
  return false;
}

/** Adds a tie from i to j; false when i's row is full. */
export function addTie(layer: SlotLayer, i: number, j: number): boolean {
  const d = layer.degree[i]!;
  if (d >= layer.capacity) return false;
  layer.targets[i * layer.capacity + d] = j;
  layer.degree[i] = d + 1;
  return true;
}

/** Removes i's tie in slot s (0 <= s < degree), moving its last tie into the gap. */
export function dropTie(layer: SlotLayer, i: number, s: number): void {
  const base = i * layer.capacity;
  const last = layer.degree[i]! - 1;
  if (s < 0 || s > last) throw new RangeError(`agent ${i} has no tie in slot ${s}`);
  layer.targets[base + s] = layer.targets[base + last]!;
  layer.degree[i] = last;
}
