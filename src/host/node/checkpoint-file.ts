import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ARRAY_TYPES, arrayType, type ArrayType, type Snapshot, type SnapshotArray } from '../../core/engine/checkpoint.ts';
import type { Scenario } from '../../scenario/schema.ts';

/**
 * A checkpoint file: one snapshot and the scenario that made it.
 *
 *   bytes 0-7    "SCLABCKP"
 *   bytes 8-11   format version, u32 little-endian (CHECKPOINT_FORMAT)
 *   bytes 12-15  length of the JSON metadata in bytes, u32 little-endian
 *   then         the metadata, UTF-8 JSON (CheckpointMeta), padded with zeros to a multiple of 8
 *   then         the data: each array's raw little-endian bytes at its offset (a multiple of 8)
 *
 * Raw bytes, not JSON numbers: a 10-million-agent world is hundreds of MB, read back straight into
 * typed arrays.
 */
export const CHECKPOINT_MAGIC = 'SCLABCKP';
export const CHECKPOINT_FORMAT = 1;
const HEADER = 16;

/** Where an array lies in the data: `offset` in bytes from the data's start, `length` in elements. */
export interface ArrayEntry {
  name: string;
  type: ArrayType;
  offset: number;
  length: number;
}

export interface CheckpointMeta {
  /** The sclab version that wrote it. */
  sclab: string;
  /** The resolved scenario, as JSON (seed as a decimal string). */
  scenario: unknown;
  day: number;
  n: number;
  seed: string;
  layout: string;
  arrays: ArrayEntry[];
  series: ArrayEntry;
  /** Length of the data in bytes: the file is exactly header, metadata and data. */
  bytes: number;
}

/** A file that is not a checkpoint this version can read: its message names the file and the problem. */
export class CheckpointFileError extends Error {
  override name = 'CheckpointFileError';
}

const align8 = (x: number): number => Math.ceil(x / 8) * 8;
const bytesOf = (a: SnapshotArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
// Reads and writes go in pieces: one call moves at most about 2 GiB.
const PIECE = 1 << 30;

/**
 * Writes a checkpoint atomically: into a temporary file beside `path`, flushed to disk, then renamed
 * over it, so a crash or a full disk leaves the old file or the new one, never half of one.
 */
export function saveCheckpoint(path: string, c: { scenario: Scenario; snapshot: Snapshot; version: string }): void {
  const { snapshot: s } = c;
  const data: { entry: ArrayEntry; array: SnapshotArray }[] = [];
  let bytes = 0;
  const place = (name: string, array: SnapshotArray): ArrayEntry => {
    const entry = { name, type: arrayType(array), offset: bytes, length: array.length };
    data.push({ entry, array });
    bytes = align8(bytes + array.byteLength);
    return entry;
  };
  const arrays = s.arrays.map((a) => place(a.name, a.array));
  const series = place('series', s.series);
  const meta: CheckpointMeta = { sclab: c.version, scenario: c.scenario, day: s.day, n: s.n, seed: s.seed.toString(), layout: s.layout, arrays, series, bytes };
  // The one bigint in a scenario is its seed, which a scenario may give as a decimal string.
  const json = Buffer.from(JSON.stringify(meta, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), 'utf8');
  const header = Buffer.alloc(HEADER);
  header.write(CHECKPOINT_MAGIC, 0, 'latin1');
  header.writeUInt32LE(CHECKPOINT_FORMAT, 8);
  header.writeUInt32LE(json.length, 12);
  const start = align8(HEADER + json.length);

  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    write(fd, header, 0);
    write(fd, json, HEADER);
    // Zeros up to the data, and after the last array up to the end: the file's length is exact.
    write(fd, new Uint8Array(start - HEADER - json.length), HEADER + json.length);
    for (const { entry, array } of data) write(fd, bytesOf(array), start + entry.offset);
    const last = data.at(-1)!;
    const end = last.entry.offset + last.array.byteLength;
    write(fd, new Uint8Array(bytes - end), start + end);
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, path);
}

function write(fd: number, b: Uint8Array, position: number): void {
  for (let at = 0; at < b.length; ) at += writeSync(fd, b, at, Math.min(PIECE, b.length - at), position + at);
}

/** Reads a checkpoint written by saveCheckpoint: the scenario as JSON (to resolve again), the snapshot, and the version that wrote it. */
export function loadCheckpoint(path: string): { scenario: unknown; snapshot: Snapshot; version: string } {
  const fail = (problem: string): CheckpointFileError => new CheckpointFileError(`${path}: ${problem}`);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const read = (position: number, into: Uint8Array): void => {
      for (let at = 0; at < into.length; ) {
        const got = readSync(fd, into, at, Math.min(PIECE, into.length - at), position + at);
        if (got === 0) throw fail('truncated');
        at += got;
      }
    };
    const header = Buffer.alloc(HEADER);
    read(0, header.subarray(0, Math.min(HEADER, size)));
    if (size < CHECKPOINT_MAGIC.length || header.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) throw fail(`not an sclab checkpoint (it does not start with ${CHECKPOINT_MAGIC})`);
    if (size < HEADER) throw fail(`truncated: ${size} bytes, shorter than a checkpoint's header`);
    const format = header.readUInt32LE(8);
    if (format !== CHECKPOINT_FORMAT) throw fail(`checkpoint format ${format}, but this version of sclab reads format ${CHECKPOINT_FORMAT}`);
    const jsonLength = header.readUInt32LE(12);
    const start = align8(HEADER + jsonLength);
    if (size < start) throw fail(`truncated: ${size} bytes, shorter than its header and metadata (${start})`);
    const json = Buffer.alloc(jsonLength);
    read(HEADER, json);
    const meta = parseMeta(json, fail);
    if (size !== start + meta.bytes) throw fail(size < start + meta.bytes ? `truncated: ${size} bytes of ${start + meta.bytes}` : `${size} bytes, more than the ${start + meta.bytes} it should have`);
    const load = (e: ArrayEntry): SnapshotArray => {
      const array = new ARRAY_TYPES[e.type](e.length);
      read(start + e.offset, bytesOf(array));
      return array;
    };
    const snapshot: Snapshot = {
      day: meta.day,
      n: meta.n,
      seed: BigInt(meta.seed),
      layout: meta.layout,
      arrays: meta.arrays.map((e) => ({ name: e.name, array: load(e) })),
      series: load(meta.series) as Float64Array,
    };
    return { scenario: meta.scenario, snapshot, version: meta.sclab };
  } finally {
    closeSync(fd);
  }
}

/** The metadata, checked enough that every array lies inside the data and the snapshot is well-formed. */
function parseMeta(json: Buffer, fail: (problem: string) => CheckpointFileError): CheckpointMeta {
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(json.toString('utf8')) as CheckpointMeta;
  } catch {
    throw fail('damaged: its metadata is not JSON');
  }
  const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
  const entryOk = (e: ArrayEntry | undefined): boolean =>
    typeof e === 'object' &&
    e !== null &&
    typeof e.name === 'string' &&
    Object.hasOwn(ARRAY_TYPES, e.type) &&
    count(e.offset) &&
    e.offset % 8 === 0 &&
    count(e.length) &&
    e.offset + e.length * ARRAY_TYPES[e.type].BYTES_PER_ELEMENT <= meta.bytes;
  const ok =
    typeof meta === 'object' &&
    meta !== null &&
    typeof meta.sclab === 'string' &&
    count(meta.day) &&
    count(meta.n) &&
    typeof meta.seed === 'string' &&
    /^\d{1,20}$/.test(meta.seed) &&
    typeof meta.layout === 'string' &&
    count(meta.bytes) &&
    Array.isArray(meta.arrays) &&
    meta.arrays.every(entryOk) &&
    entryOk(meta.series) &&
    meta.series.type === 'f64';
  if (!ok) throw fail('damaged: its metadata does not describe a snapshot');
  return meta;
}
