import { Words } from '../../rng/words.ts';
import { boundedInt } from '../../rng/samplers.ts';
import { SETUP, type Rng } from '../../rng/threefry.ts';
import { csrFromPairs } from '../csr.ts';
import type { CsrLayer } from '../layers.ts';
import { cumulativeThresholds } from '../../rng/threshold.ts';
import { pick, poissonThresholds } from './draws.ts';

export interface StochasticBlockParams {
  /** Group of each agent (0..255); members of a group need not be contiguous. */
  groupOf: Uint8Array;
  /** Expected mean degree of the whole population. */
  meanDegree: number;
  /** Share of ties within one's own group, in [0, 1]. Give this or `mixing`. */
  homophily?: number;
  /**
   * G x G row-major weights, G > max(groupOf): row g holds the relative chance that a proposal by a
   * member of g goes to group h. Replaces `homophily`.
   */
  mixing?: ArrayLike<number>;
}

/**
 * Sparse stochastic block model, O(n + E) time and memory:
 * - node i (group g) makes X_i ~ Poisson(meanDegree / 2) proposals;
 * - each proposal picks a group h with probability P[g][h], then a target uniformly among h's
 *   members other than i (a proposal with no such member, e.g. within a group of one, is dropped);
 * - the proposals, as undirected edges with duplicates merged, are the graph (no self-loops).
 * With `homophily` H: P[g][g] = H and P[g][h] = (1 - H) * n_h / (n - n_g), i.e. a cross-group
 * proposal goes to a uniformly random node outside g (all within if g is the only group).
 * There are n*meanDegree/2 proposals in expectation, so the population's mean degree is
 * meanDegree less the merged duplicates (a fraction of order meanDegree / group size), and a share
 * H of the edges lies within a group: every node has expected within-group degree H*meanDegree.
 * A node of group g has expected degree (meanDegree/2) * (1 + H + (1-H) * sum_{h != g} n_h / (n - n_h)),
 * which is meanDegree for groups of equal size. With unequal groups no model can give every node
 * both degree meanDegree and within share H (the small group would have to absorb the large
 * group's cross ties); this one keeps the within-group ties exact and lets minorities, who receive
 * more cross ties per head, have the higher degree.
 *
 * Randomness: node i reads words of blocks (i, SETUP, stream, 0), (i, SETUP, stream, 1), ...:
 * the first is X_i, then per proposal one word for the group and the target's words (rejection).
 */
export function stochasticBlock(n: number, params: StochasticBlockParams, rng: Rng, stream: number): CsrLayer {
  const { groupOf, meanDegree, homophily, mixing } = params;
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`n must be an integer in [0, 2^31), got ${n}`);
  if (groupOf.length < n) throw new RangeError(`groupOf has ${groupOf.length} entries, expected ${n}`);
  if ((homophily === undefined) === (mixing === undefined)) throw new RangeError('give exactly one of homophily and mixing');

  let groups = 1;
  for (let i = 0; i < n; i++) groups = Math.max(groups, groupOf[i]! + 1);
  if (mixing !== undefined) {
    const g = Math.round(Math.sqrt(mixing.length));
    if (g * g !== mixing.length || g < groups) throw new RangeError(`mixing must be G x G with G >= ${groups}, got ${mixing.length} entries`);
    groups = g;
  }

  // Members grouped by group, ascending within each (a counting sort), so a target is one lookup.
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < n; i++) start[groupOf[i]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const members = new Int32Array(n);
  const fill = start.slice(0, groups);
  for (let i = 0; i < n; i++) members[fill[groupOf[i]!]!++] = i;

  const weights = mixing !== undefined ? Float64Array.from(mixing) : homophilyMatrix(start, groups, n, homophily!);
  const toGroup = new Float64Array(groups * groups);
  for (let g = 0; g < groups; g++) toGroup.set(cumulativeThresholds(weights, g * groups, (g + 1) * groups), g * groups);
  const { lo, thresholds } = poissonThresholds(meanDegree / 2);

  const cur = new Words(rng);
  let total = 0;
  for (let i = 0; i < n; i++) total += lo + pick(thresholds, 0, thresholds.length, cur.at(i, SETUP, stream).next());
  if (2 * total > 0x7fffffff) throw new RangeError(`${total} proposals exceed Int32 offsets`);

  // Targets are first written as positions in `members`, and translated in a separate loop: there
  // the random reads are independent of each other and overlap, instead of each one stalling the
  // draws (three times faster at 10^7 nodes). i's own position is a running count per group.
  const pairs = new Int32Array(2 * total);
  const position = start.slice(0, groups);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const g = groupOf[i]!;
    const self = position[g]!++;
    const proposals = lo + pick(thresholds, 0, thresholds.length, cur.at(i, SETUP, stream).next());
    for (let q = 0; q < proposals; q++) {
      const h = pick(toGroup, g * groups, (g + 1) * groups, cur.next());
      const base = start[h]!, size = start[h + 1]! - base;
      if (size - (h === g ? 1 : 0) <= 0) continue;
      let t: number;
      do t = base + boundedInt(cur, size);
      while (t === self);
      pairs[2 * e] = i;
      pairs[2 * e + 1] = t;
      e++;
    }
  }
  for (let x = 1; x < 2 * e; x += 2) pairs[x] = members[pairs[x]!]!;
  return csrFromPairs(n, pairs, { duplicates: 'drop' }, e);
}

function homophilyMatrix(start: Int32Array, groups: number, n: number, homophily: number): Float64Array {
  if (!(homophily >= 0 && homophily <= 1)) throw new RangeError(`homophily must be in [0, 1], got ${homophily}`);
  const p = new Float64Array(groups * groups);
  for (let g = 0; g < groups; g++) {
    const outside = n - (start[g + 1]! - start[g]!);
    if (outside === 0) {
      p[g * groups + g] = 1;
      continue;
    }
    for (let h = 0; h < groups; h++) {
      p[g * groups + h] = h === g ? homophily : ((1 - homophily) * (start[h + 1]! - start[h]!)) / outside;
    }
  }
  return p;
}
