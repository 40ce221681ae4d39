import { SETUP, type Rng } from '../../rng/threefry.ts';
import { groupLayer, type GroupLayer } from '../layers.ts';
import { cumulativeThresholds } from '../../rng/threshold.ts';
import { pick } from './draws.ts';

export interface HouseholdParams {
  /** Relative weight of household size 1, 2, 3, ... (need not sum to 1). */
  sizeWeights: ArrayLike<number>;
}

/**
 * Consecutive households: household g holds the next `size` agents, size = 1 + k with k drawn
 * from sizeWeights by word 0 of block (g, SETUP, stream, 0), until n agents are placed; the last
 * household is cut to fit. Note the address is the household index, not an agent index.
 */
export function households(n: number, params: HouseholdParams, rng: Rng, stream: number): GroupLayer {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`n must be an integer in [0, 2^31), got ${n}`);
  const t = cumulativeThresholds(params.sizeWeights);
  // At most n households (all of size 1): one n-sized scratch instead of a growing list.
  const sizes = new Int32Array(n);
  let placed = 0;
  let g = 0;
  while (placed < n) {
    const size = Math.min(1 + pick(t, 0, t.length, rng.word0(g, SETUP, stream, 0)), n - placed);
    sizes[g++] = size;
    placed += size;
  }
  return groupLayer(n, sizes.subarray(0, g));
}

/** Fixed-size blocks: agent i lives with size*floor(i/size) .. min(size*floor(i/size) + size-1, n-1) (RM-1: size 4). */
export function blocks(n: number, size: number): GroupLayer {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`block size must be an integer >= 1, got ${size}`);
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`n must be an integer in [0, 2^31), got ${n}`);
  const count = Math.ceil(n / size);
  const sizes = new Int32Array(count).fill(size);
  if (count > 0) sizes[count - 1] = n - size * (count - 1);
  return groupLayer(n, sizes);
}
