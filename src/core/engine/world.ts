import { bytesPerElement, makeArray, type ColumnSpec, type TypedArray } from '../columns.ts';
import { layerBytes, type Layer } from '../network/layers.ts';
import { Rng } from '../rng/threefry.ts';
import { ALL_PHASES, type Declaration, type MetricSpec, type ModuleDef, type Phase } from './module.ts';

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
  metrics: MetricSlot[];
  metricWidth: number;
  modules: ModuleUse[];
  /** Phases in which some module runs, in schedule order. */
  phases: Phase[];
  /** Whether any module draws from the act-phase dice. */
  dice: boolean;
}

export class CompileError extends Error {
  override name = 'CompileError';
}

/** Checks what the modules declare against each other and allocates the world. */
export function compileWorld(
  registry: Registry,
  run: { n: number; days: number; seed: bigint },
  modules: ModuleUse[],
  buildLayers: (rng: Rng) => Record<string, Layer>,
  /** The set-up streams each layer's generator draws from, by layer name. */
  layerStreams: Record<string, number[]> = {},
): World {
  const { n, days, seed } = run;
  if (!Number.isInteger(n) || n < 1 || n >= 2 ** 31) throw new CompileError(`agents must be an integer in [1, 2^31), got ${n}`);
  if (!Number.isInteger(days) || days < 0 || days >= 2 ** 32 - 1) throw new CompileError(`days must be a non-negative integer, got ${days}`);

  const decls = modules.map((use) => ({ use, decl: definition(registry, use.module).declare(use.params) }));
  const columns: Record<string, Column> = {};
  const streams = new Map<number, string>([[0, 'the shared dice']]);
  const dice = new Map<number, string>();
  const setupStreams = new Map<number, string>();
  for (const [name, list] of Object.entries(layerStreams)) claim(setupStreams, list, `layer ${name}`, 'set-up stream');
  const metrics: MetricSlot[] = [];
  let metricWidth = 0;
  const phases = new Set<Phase>();

  for (const { use, decl } of decls) {
    for (const spec of decl.columns ?? []) {
      const other = columns[spec.name];
      if (other) throw new CompileError(`column "${spec.name}" is declared by both ${other.owner} and ${use.id}`);
      const array = makeArray(spec.type, n);
      if (spec.init) array.fill(spec.init);
      columns[spec.name] = { spec, owner: use.id, array };
    }
    claim(streams, decl.streams ?? [], use.id, 'random stream');
    claim(dice, decl.dice ?? [], use.id, 'dice word');
    claim(setupStreams, decl.setupStreams ?? [], use.id, 'set-up stream');
    for (const m of decl.metrics ?? []) {
      if (metrics.some((x) => x.name === m.name)) throw new CompileError(`metric "${m.name}" is emitted by two modules (second: ${use.id})`);
      const width = m.kind === 'histogram' ? (m.bins?.length ?? 0) : 1;
      if (width < 1) throw new CompileError(`histogram "${m.name}" of ${use.id} has no bins`);
      metrics.push({ ...m, owner: use.id, slot: metricWidth, width });
      metricWidth += width;
    }
    for (const p of Object.keys(decl.phases) as Phase[]) phases.add(p);
  }
  for (const { use, decl } of decls) checkUses(use, decl, columns);

  const layers = buildLayers(new Rng(seed));
  for (const { use, decl } of decls) {
    for (const name of decl.layers ?? []) {
      if (!layers[name]) throw new CompileError(`${use.id} reads network layer "${name}", which the scenario does not define`);
    }
  }
  const phaseList = ALL_PHASES.filter((p) => phases.has(p));
  return { n, days, seed, columns, layers, metrics, metricWidth, modules, phases: phaseList, dice: dice.size > 0 };
}

export function definition(registry: Registry, name: string): ModuleDef {
  const def = registry[name];
  if (!def) throw new CompileError(`unknown module "${name}"`);
  return def;
}

function claim(owners: Map<number, string>, items: number[], id: string, what: string): void {
  for (const s of items) {
    const other = owners.get(s);
    if (other !== undefined) throw new CompileError(`${what} ${s} is used by both ${other} and ${id}`);
    owners.set(s, id);
  }
}

function checkUses(use: ModuleUse, decl: Declaration, columns: Record<string, Column>): void {
  for (const u of decl.uses ?? []) {
    const c = columns[u.name];
    if (!c) {
      if (u.optional) continue;
      throw new CompileError(`${use.id} reads column "${u.name}", which no module in the scenario provides`);
    }
    if (c.spec.type !== u.type) throw new CompileError(`${use.id} reads column "${u.name}" as ${u.type}, but ${c.owner} declares it ${c.spec.type}`);
  }
}

/** State held per agent: every column and every layer, divided by the number of agents. */
export function bytesPerAgent(world: World): number {
  let bytes = 0;
  for (const c of Object.values(world.columns)) bytes += bytesPerElement(c.spec.type) * world.n;
  for (const l of Object.values(world.layers)) bytes += layerBytes(l);
  return bytes / world.n;
}
