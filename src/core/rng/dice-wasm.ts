/**
 * The act-phase dice of many agents at once: Threefry4x32-20 on WebAssembly SIMD, four agents per
 * vector and two vectors interleaved so both dependency chains keep the pipeline busy. The module
 * is assembled here, byte by byte, from the same round schedule as threefry.ts: no toolchain, no
 * binary blob. Results are bit-identical to the scalar code (only 32-bit adds, shifts, ors, xors).
 *
 * Output layout is planar: word k of agent lo + j is at k * stride + j, so each kernel reads the
 * one word it owns as a sequential stream.
 */

const ROT: readonly (readonly [number, number])[] = [
  [10, 26], [11, 21], [13, 27], [23, 5], [6, 20], [17, 11], [25, 10], [18, 20],
];

// Opcodes (WebAssembly core and SIMD proposals).
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, I32_CONST = 0x41, I32_ADD = 0x6a, I32_LT_S = 0x48, I32_SHL = 0x74;
const BLOCK = 0x02, LOOP = 0x03, BR_IF = 0x0d, BR = 0x0c, END = 0x0b, I32_EQZ = 0x45, VOID = 0x40;
const SIMD = 0xfd;
const simd = (op: number): number[] => [SIMD, ...uleb(op)];
const V128_STORE = (offset: number): number[] => [...simd(0x0b), 4, ...uleb(offset)];
const V128_CONST = (lanes: number[]): number[] => [...simd(0x0c), ...lanes.flatMap((v) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255])];
const SPLAT = simd(0x11), ADD = simd(0xae), SHL = simd(0xab), SHR_U = simd(0xad), OR = simd(0x50), XOR = simd(0x51);

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}
const i32 = (v: number): number[] => [I32_CONST, ...sleb(v | 0)];
const get = (l: number): number[] => [LOCAL_GET, ...uleb(l)];
const set = (l: number): number[] => [LOCAL_SET, ...uleb(l)];

// Parameters: k0, k1, step, stream, lo, count, stride (bytes between planes).
const P = { k0: 0, k1: 1, step: 2, stream: 3, lo: 4, count: 5, stride: 6 };
// Locals: j (byte offset of the current group), then per lane-group g: x0..x3, then key splats ks0..ks4.
const J = 7;
const X = (g: number, k: number): number => 8 + 4 * g + k;
const KS = (k: number): number => 16 + k;

function body(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]): void => {
    for (const p of parts) code.push(...p);
  };
  // Key splats: ks = [k0, k1, 0, 0, 0x1BD11BDA ^ k0 ^ k1].
  emit(get(P.k0), SPLAT, set(KS(0)), get(P.k1), SPLAT, set(KS(1)), i32(0), SPLAT, set(KS(2)), get(KS(2)), set(KS(3)));
  emit(get(P.k0), get(P.k1), [0x73], i32(0x1bd11bda), [0x73], SPLAT, set(KS(4)));
  emit(i32(0), set(J));
  emit([BLOCK, VOID, LOOP, VOID]);
  // while (j < count * 4)
  emit(get(J), get(P.count), i32(2), [I32_SHL], [I32_LT_S, I32_EQZ, BR_IF, 1]);
  for (let g = 0; g < 2; g++) {
    // x0 = [lo + j/4 + 4g .. +3] + ks0; x1 = step + ks1; x2 = stream + ks2; x3 = 0 + ks3
    emit(get(P.lo), get(J), i32(2), [0x76 /* i32.shr_u */], [I32_ADD], i32(4 * g), [I32_ADD], SPLAT, V128_CONST([0, 1, 2, 3]), ADD, get(KS(0)), ADD, set(X(g, 0)));
    emit(get(P.step), SPLAT, get(KS(1)), ADD, set(X(g, 1)));
    emit(get(P.stream), SPLAT, get(KS(2)), ADD, set(X(g, 2)));
    emit(get(KS(3)), set(X(g, 3)));
  }
  for (let r = 0; r < 20; r++) {
    const [ra, rb] = ROT[r % 8]!;
    for (let g = 0; g < 2; g++) {
      const [a, b, c, d] = r % 2 === 0 ? [0, 1, 2, 3] : [0, 3, 2, 1];
      // xa += xb; xb = rotl(xb, ra) ^ xa; xc += xd; xd = rotl(xd, rb) ^ xc
      emit(get(X(g, a)), get(X(g, b)), ADD, set(X(g, a)));
      emit(rotl(X(g, b), ra), get(X(g, a)), XOR, set(X(g, b)));
      emit(get(X(g, c)), get(X(g, d)), ADD, set(X(g, c)));
      emit(rotl(X(g, d), rb), get(X(g, c)), XOR, set(X(g, d)));
    }
    if (r % 4 === 3) {
      const s = (r + 1) / 4;
      for (let g = 0; g < 2; g++) {
        for (let k = 0; k < 4; k++) {
          emit(get(X(g, k)), get(KS((s + k) % 5)), ADD);
          if (k === 3) emit(i32(s), SPLAT, ADD);
          emit(set(X(g, k)));
        }
      }
    }
  }
  // Store plane k of group g at k * stride + j + 16g.
  for (let g = 0; g < 2; g++) {
    for (let k = 0; k < 4; k++) emit(get(P.stride), i32(k), [0x6c /* i32.mul */], get(J), [I32_ADD], get(X(g, k)), V128_STORE(16 * g));
  }
  emit(get(J), i32(32), [I32_ADD], set(J), [BR, 0, END, END, END]);
  return code;

  function rotl(l: number, r: number): number[] {
    return [...get(l), ...i32(r), ...SHL, ...get(l), ...i32(32 - r), ...SHR_U, ...OR];
  }
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

function moduleBytes(): Uint8Array {
  const code = body();
  const locals = [2, 1, 0x7f /* one i32 */, 13, 0x7b /* 13 v128 */];
  const fn = [...locals, ...code];
  const name = [...'dice'].map((c) => c.charCodeAt(0));
  const mem = [...'memory'].map((c) => c.charCodeAt(0));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 7, ...new Array<number>(7).fill(0x7f), 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, name.length, ...name, 0, 0, mem.length, ...mem, 2, 0]),
    ...section(10, [1, ...uleb(fn.length), ...fn]),
  ]);
}

/** The little of the WebAssembly API used here (the core is compiled without DOM or Node types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { dice: (...a: number[]) => void; memory: { buffer: ArrayBuffer } } };
}

export interface DiceKernel {
  /** The planes, viewed over the module's memory: word k of agent lo + j at k * stride + j. */
  readonly planes: Uint32Array;
  readonly stride: number;
  /** Fills the dice of agents lo .. lo+count-1 for (step, stream) under key (k0, k1). */
  fill(k0: number, k1: number, step: number, stream: number, lo: number, count: number): void;
}

/** A SIMD dice kernel for up to `stride` agents per call, or undefined where WebAssembly SIMD is missing. */
export function diceKernel(stride: number): DiceKernel | undefined {
  if (stride % 8 !== 0 || 16 * stride > 65536) throw new RangeError(`stride must be a multiple of 8 and at most 4096, got ${stride}`);
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return undefined;
  try {
    const { exports } = new wasm.Instance(new wasm.Module(moduleBytes()));
    const planes = new Uint32Array(exports.memory.buffer, 0, 4 * stride);
    return {
      planes,
      stride,
      fill: (k0, k1, step, stream, lo, count) => exports.dice(k0, k1, step, stream, lo, count, 4 * stride),
    };
  } catch {
    return undefined;
  }
}
