/**
 * Agent attributes are columns: one typed array per attribute, agent i at index i, over a
 * SharedArrayBuffer so worker threads share them without copying (plain ArrayBuffer where the host
 * has no SharedArrayBuffer, e.g. a page without cross-origin isolation; then only one thread runs).
 */

export const COLUMN_TYPES = {
  u8: Uint8Array,
  i8: Int8Array,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;

export type ColumnType = keyof typeof COLUMN_TYPES;
export type TypedArray = InstanceType<(typeof COLUMN_TYPES)[ColumnType]>;
export type ArrayOf<T extends ColumnType> = InstanceType<(typeof COLUMN_TYPES)[T]>;

/** A column as a module declares it. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** The value every agent starts with (0 if absent). */
  init?: number;
  /**
   * Other agents may add into this column during a phase (Atomics.add): reports, penalties,
   * transfers. Every write to an accumulator in a phase where others add to it must be atomic.
   */
  accumulator?: boolean;
  /** Ground truth the system under study cannot see (used by audits; shown in `describe`). */
  truth?: boolean;
  /** Names of the values (a group column: its categories) or of the bits (a set of flags). */
  labels?: readonly string[];
  description: string;
}

const Shared: new (bytes: number) => ArrayBufferLike =
  typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : ArrayBuffer;

/** Whether buffers made here can be shared between threads. */
export const canShare = typeof SharedArrayBuffer === 'function';

/** Allocates a zeroed buffer of `bytes` bytes, shared between threads where the host allows it. */
export function allocate(bytes: number): ArrayBufferLike {
  return new Shared(Math.max(8, Math.ceil(bytes / 8) * 8));
}

/** A typed array of `type` with `length` elements over a fresh (shared) buffer. */
export function makeArray<T extends ColumnType>(type: T, length: number): ArrayOf<T> {
  const Ctor = COLUMN_TYPES[type];
  return new Ctor(allocate(length * Ctor.BYTES_PER_ELEMENT) as ArrayBuffer, 0, length) as ArrayOf<T>;
}

/** A typed array of `type` over an existing buffer (how a worker re-opens a column). */
export function viewArray<T extends ColumnType>(type: T, buffer: ArrayBufferLike, length: number): ArrayOf<T> {
  const Ctor = COLUMN_TYPES[type];
  return new Ctor(buffer as ArrayBuffer, 0, length) as ArrayOf<T>;
}

export function bytesPerElement(type: ColumnType): number {
  return COLUMN_TYPES[type].BYTES_PER_ELEMENT;
}
