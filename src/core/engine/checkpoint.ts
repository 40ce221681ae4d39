import { COLUMN_TYPES } from '../columns.ts';
import type { Layer } from '../network/layers.ts';
import { CompileError, type World } from './world.ts';

/**
 * A run's whole state at the end of a day, so that it can go on later, or branch.
 *
 * Random words are addressed by (seed, agent, step, stream) and kernels keep nothing between
 * calls, so the state is only what the world holds: its columns, its layers' arrays (ties are
 * dropped and formed during a run), the tallies of the days run so far, plus the metric series of
 * those days. A world compiled from the same scenario and given this snapshot runs on exactly as
 * the original would have; one compiled from a changed scenario (a new policy from day D) runs on
 * under the same random streams.
 */
export interface Snapshot {
  /** Days run: the next day to run. */
  day: number;
  n: number;
  seed: bigint;
  /** What the world holds, one `what "name"<TAB>shape` line per column, layer, tally and metric (see `layoutOf`). */
  layout: string;
  /** Copies of the world's arrays, by name (`column score`, `layer contacts targets`, `tally approval`...). */
  arrays: { name: string; array: SnapshotArray }[];
  /** The metric vectors of days 0..day-1: day d's at d * metricWidth. */
  series: Float64Array;
}

/** Element types of a snapshot's arrays: a column's, or i64 for tallies. */
export const ARRAY_TYPES = { ...COLUMN_TYPES, i64: BigInt64Array } as const;
export type ArrayType = keyof typeof ARRAY_TYPES;
/** Any of those, over a shared buffer (a live world's) or not (a copy). */
export type SnapshotArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

/** A snapshot that does not fit the world it is restored into: `expected` is the snapshot's, `found` the world's. */
export class CheckpointError extends CompileError {
  override name = 'CheckpointError';
  constructor(expected: string, found: string) {
    super(expected, found, ['checkpoint']);
  }
}

export function arrayType(a: SnapshotArray): ArrayType {
  for (const [type, Ctor] of Object.entries(ARRAY_TYPES)) if (a instanceof Ctor) return type as ArrayType;
  throw new TypeError('not an array a snapshot can hold');
}

/** Copies the world's state after `day` days (series: the driver's) into fresh, unshared arrays. */
export function takeSnapshot(world: World, series: Float64Array, day: number): Snapshot {
  if (!Number.isInteger(day) || day < 0 || day > world.days) throw new RangeError(`a snapshot's day must be in [0, ${world.days}], got ${day}`);
  return {
    day,
    n: world.n,
    seed: world.seed,
    layout: layoutOf(world),
    arrays: stateArrays(world, day).map(({ name, array }) => ({ name, array: array.slice() })),
    series: series.slice(0, day * world.metricWidth),
  };
}

/**
 * Writes a snapshot's state into a freshly compiled world, after checking that it fits: same
 * agents and seed, the same columns (name and type), layers (kind and shape), tallies and metric
 * layout, and a horizon of at least the snapshot's day (it may be longer or shorter than the
 * original's). Throws a CheckpointError naming the first difference, before writing anything.
 * The driver then starts at `snapshot.day` without setting anything up.
 */
export function restoreSnapshot(world: World, s: Snapshot): void {
  if (s.n !== world.n) throw new CheckpointError(`${s.n} agents`, `${world.n}`);
  if (s.seed !== world.seed) throw new CheckpointError(`seed ${s.seed}`, `${world.seed}`);
  if (s.day > world.days) throw new CheckpointError(`at least ${s.day} days (the checkpoint's day)`, `${world.days}`);
  const theirs = layoutLines(s.layout);
  const mine = layoutLines(layoutOf(world));
  for (const [what, shape] of theirs) {
    const found = mine.get(what);
    if (found === undefined) throw new CheckpointError(`${what} ${shape}`, `no ${what}`);
    if (found !== shape) throw new CheckpointError(`${what} ${shape}`, `${what} ${found}`);
  }
  for (const [what, shape] of mine) if (!theirs.has(what)) throw new CheckpointError(`no ${what}`, `${what} ${shape}`);
  // The layout matched; the arrays must too (a damaged snapshot would not).
  const given = new Map(s.arrays.map((a) => [a.name, a.array]));
  const targets = stateArrays(world, s.day);
  for (const { name, array } of targets) {
    const a = given.get(name);
    const want = `${arrayType(array)}[${array.length}]`;
    if (!a) throw new CheckpointError(`an array "${name}" of ${want}`, 'none');
    if (arrayType(a) !== arrayType(array) || a.length !== array.length) throw new CheckpointError(`array "${name}" of ${want}`, `${arrayType(a)}[${a.length}]`);
  }
  if (s.series.length !== s.day * world.metricWidth) throw new CheckpointError(`a series of ${s.day * world.metricWidth} values`, `${s.series.length}`);
  for (const { name, array } of targets) bytes(array).set(bytes(given.get(name)!));
  // Tally cells of days not yet run must be empty, as in a world that ran to `day`.
  for (const cells of Object.values(world.tallies)) cells.fill(0n, s.day);
}

const bytes = (a: SnapshotArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * The world's mutable state as named arrays (live views, not copies). Tallies only up to `day`:
 * their length follows the horizon, which a resumed run may change.
 */
function stateArrays(world: World, day: number): { name: string; array: SnapshotArray }[] {
  const out: { name: string; array: SnapshotArray }[] = [];
  for (const [name, c] of Object.entries(world.columns)) out.push({ name: `column ${name}`, array: c.array });
  for (const [name, l] of Object.entries(world.layers)) {
    for (const [part, array] of Object.entries(layerArrays(l))) out.push({ name: `layer ${name} ${part}`, array });
  }
  for (const [name, cells] of Object.entries(world.tallies)) out.push({ name: `tally ${name}`, array: cells.subarray(0, day) });
  return out;
}

/** Every array a layer holds; its scalars (n, capacity, groups) are in its shape. */
function layerArrays(l: Layer): Record<string, SnapshotArray> {
  switch (l.kind) {
    case 'csr':
      return { offsets: l.offsets, targets: l.targets };
    case 'slots':
      return { targets: l.targets, degree: l.degree };
    case 'groups':
      return { start: l.start, groupOf: l.groupOf };
  }
}

function layerShape(l: Layer): string {
  switch (l.kind) {
    case 'csr':
      return `csr of ${l.n} agents with ${l.targets.length} ties`;
    case 'slots':
      return `slots of ${l.n} agents, capacity ${l.capacity}, degrees ${arrayType(l.degree)}`;
    case 'groups':
      return `groups of ${l.n} agents in ${l.groups} groups`;
  }
}

/**
 * What a world holds, as text: columns with their types, layers with their shapes, tallies, and
 * metrics with their kinds and slots (the series' layout). Two worlds with the same layout can
 * take each other's snapshots.
 */
export function layoutOf(world: World): string {
  const lines: string[] = [];
  for (const [name, c] of Object.entries(world.columns)) lines.push(`column "${name}"\tof type ${c.spec.type}`);
  for (const [name, l] of Object.entries(world.layers)) lines.push(`layer "${name}"\t${layerShape(l)}`);
  for (const name of Object.keys(world.tallies)) lines.push(`tally "${name}"\tkept`);
  for (const m of world.metrics) lines.push(`metric "${m.name}"\t${m.kind} in slot${m.width > 1 ? `s ${m.slot}-${m.slot + m.width - 1}` : ` ${m.slot}`}`);
  return lines.join('\n');
}

function layoutLines(layout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of layout ? layout.split('\n') : []) {
    const tab = line.indexOf('\t');
    out.set(tab < 0 ? line : line.slice(0, tab), tab < 0 ? '' : line.slice(tab + 1));
  }
  return out;
}
