/**
 * Threefry4x32-20 (Salmon et al. 2011; Random123), as specified in RM-1.md.
 *
 * Randomness in the lab is addressed, not drawn: every 128-bit block is a pure function of the
 * run's key and a four-word counter (agent, step, stream, index). No generator state exists, so a
 * result cannot depend on thread count or scheduling order.
 *
 * The rounds are unrolled by hand: only 32-bit adds, rotations and xors, which V8 compiles to single
 * instructions when every intermediate is kept in int32 range with `| 0`.
 */

/** Threefry4x32-20 with a full four-word key. Writes the four output words into `out`. */
export function threefry4x32(
  c0: number, c1: number, c2: number, c3: number,
  k0: number, k1: number, k2: number, k3: number,
  out: Uint32Array,
  at = 0,
): void {
  k0 |= 0; k1 |= 0; k2 |= 0; k3 |= 0;
  const k4 = 0x1bd11bda ^ k0 ^ k1 ^ k2 ^ k3;
  let x0 = (c0 + k0) | 0, x1 = (c1 + k1) | 0, x2 = (c2 + k2) | 0, x3 = (c3 + k3) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 10) | (x1 >>> 22)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 26) | (x3 >>> 6)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 11) | (x3 >>> 21)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 21) | (x1 >>> 11)) ^ x2;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 27) | (x3 >>> 5)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 23) | (x3 >>> 9)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 5) | (x1 >>> 27)) ^ x2;
  x0 = (x0 + k1) | 0; x1 = (x1 + k2) | 0; x2 = (x2 + k3) | 0; x3 = (x3 + k4 + 1) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 20) | (x3 >>> 12)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 17) | (x3 >>> 15)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 11) | (x1 >>> 21)) ^ x2;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 25) | (x1 >>> 7)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 10) | (x3 >>> 22)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 18) | (x3 >>> 14)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 20) | (x1 >>> 12)) ^ x2;
  x0 = (x0 + k2) | 0; x1 = (x1 + k3) | 0; x2 = (x2 + k4) | 0; x3 = (x3 + k0 + 2) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 10) | (x1 >>> 22)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 26) | (x3 >>> 6)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 11) | (x3 >>> 21)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 21) | (x1 >>> 11)) ^ x2;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 27) | (x3 >>> 5)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 23) | (x3 >>> 9)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 5) | (x1 >>> 27)) ^ x2;
  x0 = (x0 + k3) | 0; x1 = (x1 + k4) | 0; x2 = (x2 + k0) | 0; x3 = (x3 + k1 + 3) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 20) | (x3 >>> 12)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 17) | (x3 >>> 15)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 11) | (x1 >>> 21)) ^ x2;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 25) | (x1 >>> 7)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 10) | (x3 >>> 22)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 18) | (x3 >>> 14)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 20) | (x1 >>> 12)) ^ x2;
  x0 = (x0 + k4) | 0; x1 = (x1 + k0) | 0; x2 = (x2 + k1) | 0; x3 = (x3 + k2 + 4) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 10) | (x1 >>> 22)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 26) | (x3 >>> 6)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 11) | (x3 >>> 21)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 21) | (x1 >>> 11)) ^ x2;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0; x2 = (x2 + x3) | 0; x3 = ((x3 << 27) | (x3 >>> 5)) ^ x2;
  x0 = (x0 + x3) | 0; x3 = ((x3 << 23) | (x3 >>> 9)) ^ x0; x2 = (x2 + x1) | 0; x1 = ((x1 << 5) | (x1 >>> 27)) ^ x2;
  x0 = (x0 + k0) | 0; x1 = (x1 + k1) | 0; x2 = (x2 + k2) | 0; x3 = (x3 + k3 + 5) | 0;
  out[at] = x0; out[at + 1] = x1; out[at + 2] = x2; out[at + 3] = x3;
}

/** The day-counter used for draws made while a population is set up (RM-1's SETUP). */
export const SETUP = 0xffffffff;

/**
 * The run's generator: Threefry4x32-20 keyed by a 64-bit seed as [seed mod 2^32, seed / 2^32, 0, 0].
 * One instance per thread; `block` writes into `out` and allocates nothing.
 */
export class Rng {
  readonly k0: number;
  readonly k1: number;
  readonly seed: bigint;

  constructor(seed: bigint) {
    if (seed < 0n || seed > 0xffffffffffffffffn) throw new RangeError(`seed must be in [0, 2^64-1], got ${seed}`);
    this.seed = seed;
    this.k0 = Number(seed & 0xffffffffn) | 0;
    this.k1 = Number(seed >> 32n) | 0;
  }

  /** The four words of block (c0, c1, c2, c3), written into out[at .. at+3]. */
  block(c0: number, c1: number, c2: number, c3: number, out: Uint32Array, at = 0): void {
    threefry4x32(c0, c1, c2, c3, this.k0, this.k1, 0, 0, out, at);
  }

  /** Word 0 of block (c0, c1, c2, c3); for the common case of one draw per address. */
  word0(c0: number, c1: number, c2: number, c3: number): number {
    threefry4x32(c0, c1, c2, c3, this.k0, this.k1, 0, 0, scratch);
    return scratch[0]!;
  }
}

const scratch = new Uint32Array(4);
