import { allocate, bytesPerElement, makeArray, type ColumnSpec, type TypedArray } from '../columns.ts';
import type { LayerSpec } from '../network/build.ts';
import { layerBytes, type Layer } from '../network/layers.ts';
import { Rng } from '../rng/threefry.ts';
import { ALL_PHASES, type MetricSpec, type ModuleDef, type Phase } from './module.ts';

/** The modules a world can be built from, by name. */
export type Registry = Readonly<Record<string, ModuleDef>>;

/** One module in a run: which definition, under which id, with validated parameters. */
export interface ModuleUse {
  id: string;
  module: string;
  params: unknown;
}

export interface Column {
  spec: ColumnSpec;
  owner: string;
  array: TypedArray;
}

export interface MetricSlot extends MetricSpec {
  owner: string;
  /** Index of the metric's first slot in a step's metric vector. */
  slot: number;
  /** Slots it takes: 1, or the number of bins. */
  width: number;
}

/**
 * A compiled run: every column allocated, every layer built, the metric layout fixed. It is plain
 * data over shared buffers, so it can be posted to worker threads as it is; modules are referred to
 * by name and bound again on each thread.
 */
export interface World {
  n: number;
  days: number;
  seed: bigint;
  columns: Record<string, Column>;
  layers: Record<string, Layer>;
  /** Layers whose rows each thread fills for its own agents during set-up. */
  rowLayers: { name: string; spec: LayerSpec }[];
  metrics: MetricSlot[];
  metricWidth: number;
  /** Tallies by name: one 64-bit sum per day, shared by all threads. */
  tallies: Record<string, BigInt64Array>;
  modules: ModuleUse[];
  /** Phases in which some module runs, in schedule order. */
  phases: Phase[];
  /** Whether any module draws from the act-phase dice. */
  dice: boolean;
}

/**
 * A scenario whose parts do not fit together (two modules claiming one column, a module reading a
 * layer nobody builds...). `path` points at the part of the scenario to blame.
 */
export class CompileError extends Error {
  override name = 'CompileError';
  constructor(
    readonly expected: string,
    readonly found: string,
    readonly path: readonly (string | number)[] = [],
  ) {
    super(`${path.length ? `${path.join('.')}: ` : ''}expected ${expected}, found ${found}`);
  }
}

/** What a world will hold, checked but not yet allocated: `sclab validate` stops here. */
export interface Plan {
  columns: { spec: ColumnSpec; owner: string }[];
  tallies: { name: string; description: string; owner: string }[];
  metrics: MetricSlot[];
  metricWidth: number;
  phases: Phase[];
  dice: boolean;
}

/** A layer as the plan sees it: its name, and the set-up streams its generator draws from. */
export interface LayerPlan {
  streams: number[];
}

/** A layer to build: all at once, or (`rows`) empty now and filled row by row in set-up. */
export type LayerBuild = LayerPlan & ({ build: (rng: Rng) => Layer } | { rows: LayerSpec; empty: () => Layer });

/**
 * Checks what the modules declare against each other, the layers and the requested outputs.
 * Errors point at `modules[i]`, `layers.name` or `output...`, the scenario's own paths.
 */
export function planWorld(
  registry: Registry,
  modules: ModuleUse[],
  layers: Record<string, LayerPlan>,
  output: { metrics?: readonly string[]; stateHash?: readonly string[] } = {},
): Plan {
  const columns: Plan['columns'] = [];
  const tallies: Plan['tallies'] = [];
  const owners = (map: Map<number, string>, items: number[], who: string, what: string, path: (string | number)[]): void => {
    for (const x of items) {
      const other = map.get(x);
      if (other !== undefined) throw new CompileError(`a ${what} that no other part uses`, `${what} ${x}, also used by ${other}`, path);
      map.set(x, who);
    }
  };
  const streams = new Map<number, string>([[0, 'the shared dice']]);
  const dice = new Map<number, string>();
  const setupStreams = new Map<number, string>();
  for (const [name, l] of Object.entries(layers)) owners(setupStreams, l.streams, `layer ${name}`, 'set-up stream', ['layers', name]);
  const metrics: MetricSlot[] = [];
  let metricWidth = 0;
  const phases = new Set<Phase>();
  const decls = modules.map((use, i) => ({ use, at: ['modules', i], decl: definition(registry, use.module, ['modules', i]).declare(use.params) }));

  for (const { use, at, decl } of decls) {
    for (const spec of decl.columns ?? []) {
      const other = columns.find((c) => c.spec.name === spec.name);
      if (other) throw new CompileError('a column name no other module uses', `"${spec.name}", also declared by ${other.owner}`, at);
      columns.push({ spec, owner: use.id });
    }
    for (const t of decl.tallies ?? []) {
      const other = tallies.find((x) => x.name === t.name);
      if (other) throw new CompileError('a tally name no other module keeps', `"${t.name}", also kept by ${other.owner}`, at);
      tallies.push({ ...t, owner: use.id });
    }
    owners(streams, decl.streams ?? [], use.id, 'random stream', at);
    owners(setupStreams, decl.setupStreams ?? [], use.id, 'set-up stream', at);
    owners(dice, decl.dice ?? [], use.id, 'dice word', at);
    if (decl.dice?.length && !decl.phases.act) throw new CompileError('dice words only in a module that runs in act', `dice words in ${use.id}, which does not`, at);
    for (const m of decl.metrics ?? []) {
      const other = metrics.find((x) => x.name === m.name);
      if (other) throw new CompileError('a metric name no other module emits', `"${m.name}", also emitted by ${other.owner}`, at);
      const width = m.kind === 'histogram' ? (m.bins?.length ?? 0) : 1;
      if (width < 1) throw new CompileError('a histogram with bins', `"${m.name}" with none`, at);
      metrics.push({ ...m, owner: use.id, slot: metricWidth, width });
      metricWidth += width;
    }
    for (const p of Object.keys(decl.phases) as Phase[]) phases.add(p);
  }
  const writers = new Map<string, string>();
  for (const { use, at, decl } of decls) {
    for (const u of decl.uses ?? []) {
      if (u.writes) {
        const other = writers.get(u.name);
        if (other) throw new CompileError(`one module at most that changes the column "${u.name}" of another`, `${other} and ${use.id}`, at);
        writers.set(u.name, use.id);
      }
      const c = columns.find((x) => x.spec.name === u.name);
      if (!c) {
        if (u.optional) continue;
        throw new CompileError(`a module that provides the column "${u.name}" that ${use.id} reads`, 'none in this scenario', at);
      }
      if (c.spec.type !== u.type) throw new CompileError(`column "${u.name}" of type ${u.type}, as ${use.id} reads it`, `${c.spec.type} (declared by ${c.owner})`, at);
    }
    for (const name of decl.layers ?? []) {
      if (!layers[name]) {
        const have = Object.keys(layers);
        throw new CompileError(`a network layer "${name}" for ${use.id} to read`, have.length ? `only ${have.join(', ')}` : 'no layers', at);
      }
    }
  }
  output.metrics?.forEach((name, k) => {
    if (!metrics.some((m) => m.name === name)) throw new CompileError(`one of the metrics (${metrics.map((m) => m.name).join(', ')})`, `"${name}"`, ['output', 'metrics', k]);
  });
  output.stateHash?.forEach((name, k) => {
    if (!columns.some((c) => c.spec.name === name)) throw new CompileError(`one of the columns (${columns.map((c) => c.spec.name).join(', ')})`, `"${name}"`, ['output', 'stateHash', k]);
  });
  return { columns, tallies, metrics, metricWidth, phases: ALL_PHASES.filter((p) => phases.has(p)), dice: dice.size > 0 };
}

/** Plans the world, then allocates its columns and builds its layers. */
export function compileWorld(
  registry: Registry,
  run: { n: number; days: number; seed: bigint },
  modules: ModuleUse[],
  layers: Record<string, LayerBuild>,
  output: { metrics?: readonly string[]; stateHash?: readonly string[] } = {},
): World {
  const { n, days, seed } = run;
  if (!Number.isInteger(n) || n < 1 || n >= 2 ** 31) throw new CompileError('agents, an integer in [1, 2^31)', `${n}`, ['agents']);
  if (!Number.isInteger(days) || days < 0 || days >= 2 ** 31) throw new CompileError('days, an integer in [0, 2^31)', `${days}`, ['days']);
  const plan = planWorld(registry, modules, layers, output);
  const columns: Record<string, Column> = {};
  for (const { spec, owner } of plan.columns) {
    const array = makeArray(spec.type, n);
    if (spec.init) array.fill(spec.init);
    columns[spec.name] = { spec, owner, array };
  }
  const tallies: World['tallies'] = {};
  for (const t of plan.tallies) tallies[t.name] = new BigInt64Array(allocate(8 * Math.max(1, days)) as ArrayBuffer);
  const rng = new Rng(seed);
  const built: Record<string, Layer> = {};
  const rowLayers: World['rowLayers'] = [];
  for (const [name, l] of Object.entries(layers)) {
    if ('rows' in l) {
      built[name] = l.empty();
      rowLayers.push({ name, spec: l.rows });
    } else built[name] = l.build(rng);
  }
  const { metrics, metricWidth, phases, dice } = plan;
  return { n, days, seed, columns, layers: built, rowLayers, metrics, metricWidth, tallies, modules, phases, dice };
}

export function definition(registry: Registry, name: string, path: (string | number)[] = []): ModuleDef {
  const def = registry[name];
  if (!def) throw new CompileError(`a module (${Object.keys(registry).join(', ')})`, `"${name}"`, path);
  return def;
}

/** State held per agent: every column and every layer, divided by the number of agents. */
export function bytesPerAgent(world: World): number {
  let bytes = 0;
  for (const c of Object.values(world.columns)) bytes += bytesPerElement(c.spec.type) * world.n;
  for (const l of Object.values(world.layers)) bytes += layerBytes(l);
  return bytes / world.n;
}
