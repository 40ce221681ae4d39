import { ThreadRunner, bindWorld } from './schedule.ts';
import type { Registry, World } from './world.ts';

/**
 * Runs a world forward day by day. The series holds every metric's value for every day run so far:
 * day d's vector is series[d * world.metricWidth ..]. A host may run the same schedule on several
 * threads (see src/host); the series is the same.
 */
export interface Driver {
  readonly world: World;
  readonly series: Float64Array;
  /** Days run so far. */
  readonly day: number;
  /** Runs `days` more days (fewer if the world's horizon comes first). */
  advance(days: number): Promise<void>;
  /** Frees threads; the world and series stay readable. */
  close(): Promise<void>;
}

/** Runs everything on the calling thread: the browser's fallback and the CLI's --threads 1. */
export class LocalDriver implements Driver {
  readonly series: Float64Array;
  private runner: ThreadRunner;
  private done = 0;

  constructor(
    readonly world: World,
    registry: Registry,
  ) {
    this.series = new Float64Array(world.days * world.metricWidth);
    this.runner = new ThreadRunner(bindWorld(world, registry), world.seed, world.metricWidth);
    this.runner.fillLayers(world, 0, world.n);
    this.runner.runSetup(0, world.n, new Float64Array(world.metricWidth));
  }

  get day(): number {
    return this.done;
  }

  advanceSync(days: number): void {
    const { n, metricWidth: w } = this.world;
    const end = Math.min(this.world.days, this.done + days);
    for (let d = this.done; d < end; d++) {
      const m = this.series.subarray(d * w, (d + 1) * w);
      for (const phase of this.runner.schedule.daily) this.runner.run(phase, 0, n, d, m);
    }
    this.done = end;
  }

  advance(days: number): Promise<void> {
    this.advanceSync(days);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
