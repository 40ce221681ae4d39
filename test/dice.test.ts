import { describe, expect, it } from 'vitest';
import { Dice } from '../src/core/rng/dice.ts';
import { diceKernel } from '../src/core/rng/dice-wasm.ts';
import { Rng, threefry4x32 } from '../src/core/rng/threefry.ts';

describe('Threefry4x32-20', () => {
  const out = new Uint32Array(4);
  const hex = () => [...out].map((x) => x.toString(16).padStart(8, '0')).join(' ');
  it('matches Random123\'s known answers', () => {
    threefry4x32(0, 0, 0, 0, 0, 0, 0, 0, out);
    expect(hex()).toBe('9c6ca96a e17eae66 fc10ecd4 5256a7d8');
    threefry4x32(-1, -1, -1, -1, -1, -1, -1, -1, out);
    expect(hex()).toBe('2a881696 57012287 f6c7446e a16a6732');
    threefry4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0x082efa98, 0xec4e6c89, out);
    expect(hex()).toBe('59cd1dbb b8879579 86b5d00c ac8b6d84');
  });

  it('keys a run by its 64-bit seed: k0 = seed mod 2^32, k1 = seed / 2^32', () => {
    const r = new Rng(0xfedcba9876543210n);
    r.block(1, 2, 3, 4, out);
    const direct = new Uint32Array(4);
    threefry4x32(1, 2, 3, 4, 0x76543210, 0xfedcba98, 0, 0, direct);
    expect(out).toEqual(direct);
    expect(() => new Rng(1n << 64n)).toThrow(RangeError);
  });
});

describe('SIMD dice', () => {
  it('equal the scalar blocks (agent, step, stream, 0), word plane by word plane', () => {
    const k = diceKernel(512);
    expect(k).toBeDefined();
    const rng = new Rng(18446744073709551615n);
    const out = new Uint32Array(4);
    for (const [lo, count, step, stream] of [[0, 512, 0, 0], [7, 5, 0xffffffff, 3], [2 ** 31 - 600, 512, 123456, 0], [1000, 1, 1, 1]] as const) {
      k!.fill(rng.k0, rng.k1, step, stream, lo, count);
      for (let j = 0; j < count; j++) {
        rng.block(lo + j, step, stream, 0, out);
        for (let w = 0; w < 4; w++) expect(k!.planes[w * 512 + j]).toBe(out[w]);
      }
    }
  });
});

describe('Dice', () => {
  it('give the same planes with and without SIMD', () => {
    const rng = new Rng(42n);
    const simd = new Dice(64, true);
    const scalar = new Dice(64, false);
    for (const [lo, hi, step, stream] of [[0, 64, 3, 0], [1000, 1013, 0xffffffff, 2]] as const) {
      const a = Array.from(simd.roll(rng, step, stream, lo, hi));
      const b = Array.from(scalar.roll(rng, step, stream, lo, hi));
      for (let k = 0; k < 4; k++) expect(a.slice(k * 64, k * 64 + hi - lo)).toEqual(b.slice(k * 64, k * 64 + hi - lo));
    }
  });
});
