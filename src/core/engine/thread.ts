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
  /** [arrived, generation, next range of agents to claim]: see `run`. */
  sync: Int32Array;
  /** Metric vectors: day k of a batch, thread t at ((k * threads) + t) * metricWidth. */
  batch: Float64Array;
}

/**
 * What a host sends a thread: its world (with the URLs of any modules beyond the built-in ones),
 * then batches of days. `resume`: the world was restored from a snapshot, so its agents and rows
 * are set up already and the thread must not set them up again.
 */
export type ThreadRequest = { kind: 'init'; init: ThreadInit; plugins: string[]; resume: boolean } | { kind: 'run'; from: number; to: number };

export class ThreadWork {
  private readonly runner: ThreadRunner;
  private readonly lo: number;
  private readonly hi: number;
  private readonly claim: number;

  constructor(
    private readonly init: ThreadInit,
    registry: Registry,
  ) {
    const { world, thread, threads } = init;
    this.runner = new ThreadRunner(bindWorld(world, registry), world.seed, world.metricWidth);
    [this.lo, this.hi] = partition(world.n, thread, threads);
    // Ranges small enough that every thread gets several in a phase, large against an atomic add.
    this.claim = Math.min(8, Math.max(1, Math.floor(world.n / (8 * threads * CHUNK)))) * CHUNK;
  }

  /** Fills this thread's rows of row-parallel layers, waits for all, then sets up its agents. */
  setup(): void {
    const { world, sync, threads } = this.init;
    this.runner.fillLayers(world, this.lo, this.hi);
    barrier(sync, threads);
    this.runner.runSetup(this.lo, this.hi, new Float64Array(world.metricWidth));
  }

  /**
   * Runs days from..to-1; every thread must be given the same range. Within a phase, threads claim
   * ranges of agents from a shared counter, so a thread slowed down by anything else on the machine
   * holds up no one. Which thread runs an agent cannot change a result: inside a phase agents are
   * independent but for integer additions. The last thread at the barrier, while the others wait,
   * resets the counter for the next phase.
   */
  run(from: number, to: number): void {
    const { world, thread, threads, sync, batch } = this.init;
    const { n, metricWidth: w } = world;
    const claim = this.claim;
    const resetClaims = (): void => {
      Atomics.store(sync, 2, 0);
    };
    for (let d = from; d < to; d++) {
      const at = ((d - from) * threads + thread) * w;
      const m = batch.subarray(at, at + w);
      m.fill(0);
      for (const phase of this.runner.schedule.daily) {
        for (let lo = Atomics.add(sync, 2, claim); lo < n; lo = Atomics.add(sync, 2, claim)) {
          this.runner.run(phase, lo, Math.min(lo + claim, n), d, m);
        }
        barrier(sync, threads, resetClaims);
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
