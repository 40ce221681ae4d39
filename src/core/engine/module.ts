import type { z } from 'zod';
import type { ArrayOf, ColumnSpec, ColumnType } from '../columns.ts';
import type { Layer } from '../network/layers.ts';
import type { Rng } from '../rng/threefry.ts';
import type { Words } from '../rng/words.ts';

/**
 * The day's phases, in order. Each phase is a parallel loop over all agents with a barrier after
 * it. What a phase may read decides where a mechanism belongs:
 *
 * - `act`: the agent's own day: what it really does, what is seen of it, whom it means to report.
 *   The agent's dice for the day, block (agent, step, 0, 0), is drawn once and shared by every
 *   module in this phase, each owning some of its four words.
 * - `interact`: effects on others, reading what they did in `act` (reports landing, checks).
 * - `update`: each agent's own ledger, score and listing, from what accumulated.
 * - `sanction`: consequences that read others' updated status (family spill-over, naming).
 * - `adapt`: responses to what happened (learning, deterrence, ties dropped).
 *
 * Inside a phase an agent reads anything, writes its own columns, and only adds integers into
 * other agents' accumulators (Atomics.add), so the result never depends on the thread count.
 */
export const DAILY_PHASES = ['act', 'interact', 'update', 'sanction', 'adapt'] as const;
export type DailyPhase = (typeof DAILY_PHASES)[number];
/** `setup` runs once, before day 0, with step = SETUP. */
export type Phase = 'setup' | DailyPhase;
export const ALL_PHASES: readonly Phase[] = ['setup', ...DAILY_PHASES];

/** Agents per chunk of a phase, and the distance between the dice's word planes. */
export const DICE_STRIDE = 512;

export type MetricKind = 'counter' | 'gauge' | 'histogram';

/**
 * A metric a module emits each step. Every metric is a sum over agents of integers, so it is exact
 * and independent of how agents are split between threads. A counter's total is its sum over
 * steps; a gauge's and a histogram's are their last step's value.
 */
export interface MetricSpec {
  name: string;
  kind: MetricKind;
  description: string;
  /** Histograms: the bin edges' labels, one per bin. */
  bins?: readonly string[];
}

/** What a thread hands every kernel: its random generator and its metric accumulators. */
export interface ThreadContext {
  readonly rng: Rng;
  readonly words: Words;
  /** This step's metric accumulators for this thread; a kernel adds into its metrics' slots. */
  readonly m: Float64Array;
  /** In `act`: the day's dice of agents lo..hi-1; word k of agent i at k * DICE_STRIDE + (i - lo). */
  readonly dice: Uint32Array;
}

/**
 * A module's work in one phase, for agents lo..hi-1 on `step`. A phase calls it for many such
 * ranges, on any thread and in any order, so it keeps nothing from one call to the next.
 */
export type Kernel = (lo: number, hi: number, step: number, t: ThreadContext) => void;

/** What a module needs and provides, known before anything is allocated. */
export interface Declaration {
  /** Columns the module owns. */
  columns?: ColumnSpec[];
  /**
   * Columns of other modules it reads or adds into; `optional` ones may be absent. `writes`: it
   * also sets its own agents' values (adaptation changing a trait); one module at most may.
   */
  uses?: { name: string; type: ColumnType; optional?: boolean; writes?: boolean }[];
  /** Network layers it reads, by scenario name. */
  layers?: string[];
  /** Random streams (the third counter word) it draws from on days, other than the shared dice (stream 0). */
  streams?: number[];
  /** Random streams it draws from during set-up (step SETUP). */
  setupStreams?: number[];
  /** Words 0..3 of the act-phase dice it owns. */
  dice?: number[];
  metrics?: MetricSpec[];
  /** Tallies it keeps: whole-population daily sums that any module can read from the next day on. */
  tallies?: { name: string; description: string }[];
  /** The phases it runs in, each with what it does there, in plain words. */
  phases: Partial<Record<Phase, string>>;
}

/**
 * A daily sum over all agents that every agent can read the next day: the one way a mechanism
 * reacts to the whole population (approval falling, a programme abandoned, a market's demand).
 * Adds are integers, so the sum is exact whatever the threads; reading a day before it is over
 * would race, so `total` is for earlier days only.
 */
export interface Tally {
  /** Adds an integer to day `step`'s sum; a kernel sums its range first and adds once. */
  add(step: number, value: number): void;
  /** The sum on `day` (0 before the run or beyond its length); only days before today. */
  total(day: number): number;
}

/** The world as a module sees it when binding: arrays by name, layers, metric slots. */
export interface WorldView {
  readonly n: number;
  readonly days: number;
  column<T extends ColumnType>(name: string, type: T): ArrayOf<T>;
  /** An optional column: undefined when no module in the scenario declares it. */
  maybeColumn<T extends ColumnType>(name: string, type: T): ArrayOf<T> | undefined;
  layer(name: string): Layer;
  /** How a column was declared: its type, labels, owner's description. */
  spec(name: string): ColumnSpec;
  /** A tally some module of the scenario keeps. */
  tally(name: string): Tally;
  /** The slot of a metric in ThreadContext.m (the first bin's, for a histogram). */
  metric(name: string): number;
}

/**
 * A mechanism. `declare` says what it needs; `bind` runs on every thread and returns its kernels,
 * closing over the typed arrays they touch, so the hot loops read locals, not properties.
 */
export interface ModuleDef<S extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  /** Purpose, in a sentence or two (for `sclab describe`). */
  summary: string;
  params: S;
  declare(p: z.output<S>): Declaration;
  bind(p: z.output<S>, w: WorldView): Partial<Record<Phase, Kernel>>;
}

/** Types a module definition and keeps its parameter type tied to its schema. */
export function defineModule<S extends z.ZodType>(def: ModuleDef<S>): ModuleDef<S> {
  return def;
}
