import { allocate } from '../columns.ts';
import { barrier } from './barrier.ts';
import { bindWorld, partition, ThreadRunner } from './schedule.ts';
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
  /** [arrived, generation]: the barrier's state. */
  sync: Int32Array;
  /** Metric vectors: day k of a batch, thread t at ((k * threads) + t) * metricWidth. */
  batch: Float64Array;
}

export type ThreadRequest = { kind: 'run'; from: number; to: number };

export class ThreadWork {
  private readonly runner: ThreadRunner;
  private readonly lo: number;
  private readonly hi: number;

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

  /** Runs days from..to-1; every thread must be given the same range. */
  run(from: number, to: number): void {
    const { world, thread, threads, sync, batch } = this.init;
    const w = world.metricWidth;
    for (let d = from; d < to; d++) {
      const at = ((d - from) * threads + thread) * w;
      const m = batch.subarray(at, at + w);
      m.fill(0);
      for (const phase of this.runner.schedule.daily) {
        this.runner.run(phase, this.lo, this.hi, d, m);
        barrier(sync, threads);
      }
    }
  }
}

/** Days per batch: enough work per round trip to the host, little enough for steady progress. */
export function batchDays(n: number): number {
  return Math.max(1, Math.min(64, Math.floor(4_000_000 / n)));
}

export function batchBuffer(n: number, threads: number, metricWidth: number): Float64Array {
  const len = batchDays(n) * threads * Math.max(1, metricWidth);
  return new Float64Array(allocate(len * 8) as ArrayBuffer, 0, len);
}
