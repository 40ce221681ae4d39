import { diceKernel, type DiceKernel } from './dice-wasm.ts';
import type { Rng } from './threefry.ts';

/**
 * Blocks (agent, step, stream, 0) for a run of consecutive agents, as word planes: word k of agent
 * lo + j at planes[k * stride + j]. On WebAssembly SIMD where the host has it, else scalar; the
 * words are the same either way.
 */
export class Dice {
  readonly planes: Uint32Array;
  private readonly simd: DiceKernel | undefined;
  private readonly block = new Uint32Array(4);

  constructor(
    readonly stride: number,
    simd = true,
  ) {
    this.simd = simd ? diceKernel(stride) : undefined;
    this.planes = this.simd?.planes ?? new Uint32Array(4 * stride);
  }

  /** Rolls the dice of agents lo .. hi-1 (at most `stride` of them). */
  roll(rng: Rng, step: number, stream: number, lo: number, hi: number): Uint32Array {
    if (this.simd) {
      this.simd.fill(rng.k0, rng.k1, step, stream, lo, hi - lo);
      return this.planes;
    }
    const { planes, block, stride } = this;
    for (let i = lo; i < hi; i++) {
      rng.block(i, step, stream, 0, block);
      for (let k = 0; k < 4; k++) planes[k * stride + i - lo] = block[k]!;
    }
    return planes;
  }
}
