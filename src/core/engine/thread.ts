import { allocate } from '../columns.ts';
import { barrier } from './barrier.ts';
import { bindWorld, CHUNK, partition, ThreadRunner } from './schedule.ts';
import type { Registry, World } from './world.ts';

/**
 * The part of a parallel run that each worker thread executes, whatever the host (Node's
 * worker_threads or a browser's Web Workers): bind the world, set up its agents, then run whole
 * days with a barrier after every phase, writing each day's metric vector into its own slot.
 */
export interface ThreadInit {
  world: World;
  thread: number;
  threads: number;
  /** [arrived, generation, next chunk of even phases, next chunk of odd phases]: see `run`. */
  sync: Int32Array;
  /** Metric vectors: day k of a batch, thread t at ((k * threads) + t) * metricWidth. */
  batch: Float64Array;
}

export type ThreadRequest = { kind: 'init'; init: ThreadInit } | { kind: 'run'; from: number; to: number };

/** Agents a thread claims at a time: small against a thread's share, large against an atomic add. */
const CLAIM = 8 * CHUNK;

export class ThreadWork {
  private readonly runner: ThreadRunner;
  private readonly lo: number;
  private readonly hi: number;
  /** Phases run so far; the same count on every thread. */
  private phases = 0;

  constructor(
    private readonly init: ThreadInit,
    registry: Registry,
  ) {
    const { world, thread, threads } = init;
    this.runner = new ThreadRunner(bindWorld(world, registry), world.seed, world.metricWidth);
    [this.lo, this.hi] = partition(world.n, thread, threads);
  }

  setup(): void {
    this.runner.runSetup(this.lo, this.hi, new Float64Array(this.init.world.metricWidth));
  }

  /**
   * Runs days from..to-1; every thread must be given the same range. Within a phase, threads claim
   * chunks of agents from a shared counter, so a thread slowed down by anything else on the machine
   * holds up no one. Which thread runs an agent cannot change a result: inside a phase agents are
   * independent but for integer additions. Phases alternate between two counters; the last thread
   * at a barrier resets the one the next phase will use, which no thread has touched since the
   * barrier before.
   */
  run(from: number, to: number): void {
    const { world, thread, threads, sync, batch } = this.init;
    const { n, metricWidth: w } = world;
    for (let d = from; d < to; d++) {
      const at = ((d - from) * threads + thread) * w;
      const m = batch.subarray(at, at + w);
      m.fill(0);
      for (const phase of this.runner.schedule.daily) {
        const slot = 2 + (this.phases & 1);
        for (let lo = Atomics.add(sync, slot, 1) * CLAIM; lo < n; lo = Atomics.add(sync, slot, 1) * CLAIM) {
          this.runner.run(phase, lo, Math.min(lo + CLAIM, n), d, m);
        }
        const next = 2 + (++this.phases & 1);
        barrier(sync, threads, () => Atomics.store(sync, next, 0));
      }
    }
  }
}

/** Days per batch: enough work per round trip to the host, little enough for steady progress. */
export function batchDays(n: number): number {
  return Math.max(1, Math.min(64, Math.floor(16_000_000 / n)));
}

export function batchBuffer(n: number, threads: number, metricWidth: number): Float64Array {
  const len = batchDays(n) * threads * Math.max(1, metricWidth);
  return new Float64Array(allocate(len * 8) as ArrayBuffer, 0, len);
}
