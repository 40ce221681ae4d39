import type { Layer } from '../core/network/layers.ts';

/**
 * How alike connected agents' values are: Pearson's correlation between the values at the two ends
 * of every tie (each direction counted, so the measure is symmetric), as Newman's assortativity.
 * 1: ties only between equals; 0: no relation. Null for a layer of groups, or with no variation.
 * Ties with an end whose value is `missing` (an agent not scored) are left out.
 */
export function assortativity(layer: Layer, value: ArrayLike<number>, missing?: number): number | null {
  let m = 0, sx = 0, sxx = 0, sxy = 0;
  const tie = (a: number, b: number): void => {
    const x = value[a]!;
    const y = value[b]!;
    if (x === missing || y === missing) return;
    m++;
    sx += x + y;
    sxx += x * x + y * y;
    sxy += 2 * x * y;
  };
  switch (layer.kind) {
    case 'csr':
      for (let i = 0; i + 1 < layer.offsets.length; i++) for (let e = layer.offsets[i]!; e < layer.offsets[i + 1]!; e++) tie(i, layer.targets[e]!);
      break;
    case 'slots':
      for (let i = 0; i < layer.degree.length; i++) for (let e = i * layer.capacity, end = e + layer.degree[i]!; e < end; e++) tie(i, layer.targets[e]!);
      break;
    case 'groups':
      return null;
  }
  if (m === 0) return null;
  // Each tie contributed both (x, y) and (y, x): 2m ordered pairs.
  const mean = sx / (2 * m);
  const variance = sxx / (2 * m) - mean * mean;
  if (!(variance > 1e-12 * (1 + mean * mean))) return null;
  return (sxy / (2 * m) - mean * mean) / variance;
}
