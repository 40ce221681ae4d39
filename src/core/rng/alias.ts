/**
 * Walker's alias method (Walker 1977) with Vose's linear-time construction (Vose 1991, "A linear
 * algorithm for generating random numbers with a given distribution"), in integers.
 *
 * The weights are apportioned once into integer masses that sum exactly to k columns of C units
 * each; the construction then moves whole units between columns, so it is exact: the table is a
 * function of the weights alone (no floating residue carried from column to column) and every
 * category's probability is an exact multiple of 1/(kC), within a few such units of its weight's
 * exact share (kC = k 2^32 up to 2^20 categories, about 2^52 beyond). Sampling is
 * column = boundedInt(k), then one word against the column's integer threshold: the same
 * comparison as every other probability in the lab.
 */

import { boundedInt } from './samplers.ts';
import type { WordSource } from './words.ts';

const MAX_COLUMNS = 2147483647;

export class AliasTable {
  /** Number of categories (columns). */
  readonly size: number;
  /** Column c keeps c iff word < thresholds[c] (a multiple of 2^unitShift), else gives aliases[c]. */
  readonly thresholds: Uint32Array;
  /** Column c's other category; a full column is its own alias (then the threshold is irrelevant). */
  readonly aliases: Int32Array;
  /** Units per column, C = 2^(32 - unitShift); a unit is 2^unitShift threshold steps. */
  readonly unitShift: number;

  /**
   * Builds the table from non-negative finite weights (any scale; only ratios matter). Throws a
   * RangeError on an empty list, more than 2^31 - 1 weights, a negative, NaN or infinite weight, or
   * weights that are all zero. A zero weight is never drawn; a positive weight far below one unit's
   * share (about 2^-32 / k of the total) may get no unit and then is never drawn either.
   */
  constructor(weights: ArrayLike<number>) {
    const k = weights.length;
    if (k === 0) throw new RangeError('AliasTable: weights are empty');
    if (k > MAX_COLUMNS) throw new RangeError(`AliasTable: at most 2^31 - 1 weights, got ${k}`);
    let wmax = 0;
    for (let i = 0; i < k; i++) {
      const w = weights[i]!;
      if (!(w >= 0 && w < Infinity)) {
        throw new RangeError(`AliasTable: weight ${i} must be finite and >= 0, got ${w}`);
      }
      if (w > wmax) wmax = w;
    }
    if (wmax === 0) throw new RangeError('AliasTable: weights are all zero');

    // Columns of C = 2^(32-s) units with total T = kC <= 2^52: every mass below is an exact
    // integer in a double. s = 0 (full 32-bit thresholds) up to 2^20 columns.
    let s = 0;
    while (k > 2 ** (20 + s)) s++;
    const C = 2 ** (32 - s);
    const T = k * C;
    const scale = 2 ** s;

    // Apportionment, in index order (the order is part of the definition). Dividing by the
    // largest weight first keeps the sum finite and the scale representable for any inputs. The
    // sum is compensated (Neumaier 1974): a plain sum of 10^6 terms can be off by ~1e-10, which
    // would shift ~1e-10 T units (10^5 and more) onto the correction below.
    const m = new Float64Array(k);
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < k; i++) {
      const x = weights[i]! / wmax;
      const t = sum + x;
      comp += sum >= x ? sum - t + x : x - t + sum;
      sum = t;
    }
    const unitsPerWeight = T / (sum + comp);
    let total = 0;
    for (let i = 0; i < k; i++) {
      const mi = Math.floor((weights[i]! / wmax) * unitsPerWeight);
      m[i] = mi;
      total += mi;
    }
    // The floors leave a deficit below the number of positive weights, give or take a unit or two
    // of rounding: settle it one unit at a time in index order, adding only to positive weights and
    // taking only from masses of 2 or more (so no positive weight is silenced). Each mass ends
    // within a few units of its exact share.
    let excess = total - T;
    for (let i = 0; excess > 0; i = i + 1 === k ? 0 : i + 1) {
      if (m[i]! >= 2) {
        m[i] = m[i]! - 1;
        excess--;
      }
    }
    for (let i = 0; excess < 0; i = i + 1 === k ? 0 : i + 1) {
      if (weights[i]! > 0) {
        m[i] = m[i]! + 1;
        excess++;
      }
    }

    // Vose's pairing on exact integers. One array holds both work lists as stacks: the columns
    // below capacity grow from the front, the rest from the back.
    const thresholds = new Uint32Array(k);
    const aliases = new Int32Array(k);
    const work = new Int32Array(k);
    let nSmall = 0;
    let nLarge = 0;
    for (let i = 0; i < k; i++) {
      if (m[i]! < C) work[nSmall++] = i;
      else work[k - 1 - nLarge++] = i;
    }
    while (nSmall > 0 && nLarge > 0) {
      const sm = work[--nSmall]!;
      const lg = work[k - nLarge--]!;
      thresholds[sm] = m[sm]! * scale;
      aliases[sm] = lg;
      const rest = m[lg]! - (C - m[sm]!);
      m[lg] = rest;
      if (rest < C) work[nSmall++] = lg;
      else work[k - 1 - nLarge++] = lg;
    }
    // The masses sum to exactly kC, so when no column is below capacity every remaining one is
    // exactly full; a column left below capacity would mean the apportionment is wrong.
    if (nSmall > 0) throw new Error('AliasTable: internal error, masses do not sum to k * C');
    for (let t = 0; t < nLarge; t++) {
      const i = work[k - 1 - t]!;
      aliases[i] = i;
    }

    this.size = k;
    this.thresholds = thresholds;
    this.aliases = aliases;
    this.unitShift = s;
  }

  /** A category in [0, size): one boundedInt (usually one word) and one word. */
  sample(src: WordSource): number {
    const c = boundedInt(src, this.size);
    return src.next() < this.thresholds[c]! ? c : this.aliases[c]!;
  }

  /** The exact probability the table gives category i (an O(size) scan, for checks and reports). */
  probability(i: number): number {
    const k = this.size;
    const C = 2 ** (32 - this.unitShift);
    const scale = 2 ** this.unitShift;
    let units = 0;
    for (let c = 0; c < k; c++) {
      const keep = this.aliases[c] === c ? C : this.thresholds[c]! / scale;
      if (c === i) units += keep;
      else if (this.aliases[c] === i) units += C - keep;
    }
    return units / (k * C);
  }
}
