import { Dice } from '../../rng/dice.ts';
import { SETUP, type Rng } from '../../rng/threefry.ts';
import { mulhi, threshold } from '../../rng/threshold.ts';
import { slotLayer, type SlotLayer } from '../layers.ts';

export interface RingRewireParams {
  /** Contacts per agent (slots). */
  degree: number;
  /** Probability that a contact is a uniformly random agent; 0.125 gives RM-1's REWIRE exactly. */
  rewire: number;
}

/**
 * RM-1's contact ring. Contact j of agent i reads block w = rng(i, SETUP, stream + floor(j/2), 0),
 * a = w[2*(j%2)], b = w[2*(j%2)+1], and is mulhi(b, n) if a < threshold(rewire), else
 * (i + 1 + j) mod n. Directed; self and repeated contacts are allowed (that is the spec).
 * Uses streams stream .. stream + ceil(degree/2) - 1; RM-1 uses stream 1 with degree 8.
 */
export function ringRewire(n: number, params: RingRewireParams, rng: Rng, stream = 1): SlotLayer {
  if (!Number.isInteger(n) || n < 1 || n > 0x7fffffff) throw new RangeError(`n must be an integer in [1, 2^31), got ${n}`);
  const layer = slotLayer(n, params.degree);
  ringRewireRows(layer, 0, n, params, rng, stream);
  return layer;
}

/** Fills rows [lo, hi) of `layer` as ringRewire does: each row is independent, so ranges may run in parallel. */
export function ringRewireRows(
  layer: SlotLayer, lo: number, hi: number, params: RingRewireParams, rng: Rng, stream = 1,
): void {
  const { degree } = params;
  const { n, capacity, targets } = layer;
  if (!Number.isInteger(degree) || degree < 1 || degree > capacity) {
    throw new RangeError(`degree must be an integer in [1, ${capacity}], got ${degree}`);
  }
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && 0 <= lo && lo <= hi && hi <= n)) {
    throw new RangeError(`rows [${lo}, ${hi}) are not inside [0, ${n})`);
  }
  const t = threshold(params.rewire);
  const dice = new Dice(STRIDE);
  for (let c = lo; c < hi; c += STRIDE) {
    const e = Math.min(c + STRIDE, hi);
    // Contacts 2s and 2s+1 of every agent in the run come from one roll of stream + s.
    for (let j = 0; j < degree; j++) {
      const w = (j & 1) === 0 ? dice.roll(rng, SETUP, stream + (j >>> 1), c, e) : dice.planes;
      const pa = 2 * (j & 1) * STRIDE - c;
      const pb = pa + STRIDE;
      for (let i = c; i < e; i++) {
        // (i + 1 + j) mod n without a division: i + 1 + j < 2n whenever degree <= n.
        const next = i + 1 + j;
        targets[i * capacity + j] = w[pa + i]! < t ? mulhi(w[pb + i]!, n) : next < n ? next : degree <= n ? next - n : next % n;
      }
    }
    layer.degree.fill(degree, c, e);
  }
}

const STRIDE = 512;
