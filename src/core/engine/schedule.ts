import { viewArray, type ArrayOf, type ColumnType } from '../columns.ts';
import { SETUP, Rng } from '../rng/threefry.ts';
import { Words } from '../rng/words.ts';
import { fillRows } from '../network/build.ts';
import { Dice } from '../rng/dice.ts';
import { DICE_STRIDE, type Kernel, type Phase, type ThreadContext, type WorldView } from './module.ts';
import { CompileError, definition, type Registry, type World } from './world.ts';

/** Agents are processed in chunks this long: the act-phase dice of a chunk stay in L1 cache. */
export const CHUNK = DICE_STRIDE;

export interface BoundPhase {
  phase: Phase;
  kernels: Kernel[];
  /** Whether the phase draws the agents' dice for the day (only `act` does). */
  dice: boolean;
}

/** A world bound on one thread: the kernels of each phase in schedule order, and the setup. */
export interface Schedule {
  setup: BoundPhase | undefined;
  daily: BoundPhase[];
}

/** Binds every module of the world on this thread. */
export function bindWorld(world: World, registry: Registry): Schedule {
  const view = worldView(world);
  const bound = world.modules.map((use, i) => definition(registry, use.module, ['modules', i]).bind(use.params, view));
  const phase = (p: Phase): BoundPhase | undefined => {
    const kernels = bound.map((b) => b[p]).filter((k): k is Kernel => k !== undefined);
    return kernels.length ? { phase: p, kernels, dice: p === 'act' && world.dice } : undefined;
  };
  return {
    setup: phase('setup'),
    daily: world.phases.filter((p) => p !== 'setup').map((p) => phase(p)!),
  };
}

/** The world as modules see it when they bind (also read by the explorer to evaluate triggers). */
export function worldView(world: World): WorldView {
  const maybeColumn = <T extends ColumnType>(name: string, type: T): ArrayOf<T> | undefined => {
    const c = world.columns[name];
    if (!c) return undefined;
    if (c.spec.type !== type) throw new CompileError(`column "${name}" of type ${type}`, c.spec.type);
    // A view of the type asked for (checked just above), so the caller gets it typed without a cast.
    return viewArray(type, c.array.buffer, world.n);
  };
  return {
    n: world.n,
    days: world.days,
    maybeColumn,
    column(name, type) {
      const a = maybeColumn(name, type);
      if (!a) throw new CompileError(`a column "${name}"`, 'none in this scenario');
      return a;
    },
    spec(name) {
      const c = world.columns[name];
      if (!c) throw new CompileError(`a column "${name}"`, 'none in this scenario');
      return c.spec;
    },
    layer(name) {
      const l = world.layers[name];
      if (!l) throw new CompileError(`a network layer "${name}"`, 'none in this scenario');
      return l;
    },
    tally(name) {
      const cells = world.tallies[name];
      if (!cells) throw new CompileError(`a tally "${name}"`, 'none in this scenario');
      return {
        add: (step, value) => {
          if (value !== 0) Atomics.add(cells, step, BigInt(value));
        },
        total: (day) => (day >= 0 && day < cells.length ? Number(Atomics.load(cells, day)) : 0),
      };
    },
    metric(name) {
      const m = world.metrics.find((x) => x.name === name);
      if (!m) throw new CompileError(`a metric "${name}"`, 'none in this scenario');
      return m.slot;
    },
  };
}

/** The agents [lo, hi) that thread t of T handles: contiguous, aligned to 64 to keep threads off each other's cache lines. */
export function partition(n: number, t: number, threads: number): [number, number] {
  const at = (k: number): number => (k >= threads ? n : Math.min(n, Math.round((n * k) / threads / 64) * 64));
  return [at(t), at(t + 1)];
}

/** Runs phases for a range of agents on one thread. */
export class ThreadRunner {
  private readonly ctx: { rng: Rng; words: Words; m: Float64Array; dice: Uint32Array };
  private readonly dice: Dice;

  constructor(
    readonly schedule: Schedule,
    seed: bigint,
    metricWidth: number,
    simd = true,
  ) {
    const rng = new Rng(seed);
    this.dice = new Dice(CHUNK, simd);
    this.ctx = { rng, words: new Words(rng), m: new Float64Array(metricWidth), dice: this.dice.planes };
  }

  /** Runs one phase over agents [lo, hi) on `step`, adding metrics into m. */
  run(phase: BoundPhase, lo: number, hi: number, step: number, m: Float64Array): void {
    const ctx = this.ctx;
    ctx.m = m;
    const t = ctx as ThreadContext;
    const { kernels, dice } = phase;
    for (let c = lo; c < hi; c += CHUNK) {
      const e = Math.min(c + CHUNK, hi);
      if (dice) this.dice.roll(ctx.rng, step, 0, c, e);
      for (let k = 0; k < kernels.length; k++) kernels[k]!(c, e, step, t);
    }
  }

  /** Fills this thread's rows of the world's row-parallel layers. */
  fillLayers(world: World, lo: number, hi: number): void {
    for (const { name, spec } of world.rowLayers) fillRows(spec, world.layers[name]!, lo, hi, this.ctx.rng);
  }

  runSetup(lo: number, hi: number, m: Float64Array): void {
    if (this.schedule.setup) this.run(this.schedule.setup, lo, hi, SETUP, m);
  }
}
