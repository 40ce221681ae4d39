import { restoreSnapshot, type Snapshot } from './checkpoint.ts';
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

/**
 * The series of a run starting at `from`'s day (or 0), with the earlier days' vectors copied in.
 * `from` is restored into the world first (see checkpoint.ts), before any thread binds it: a
 * resumed world is set up already, so its driver neither fills row layers nor runs `setup`.
 */
export function startSeries(world: World, from?: Snapshot): Float64Array {
  if (from) restoreSnapshot(world, from);
  const series = new Float64Array(world.days * world.metricWidth);
  if (from) series.set(from.series);
  return series;
}

/** Runs everything on the calling thread: the browser's fallback and the CLI's --threads 1. */
export class LocalDriver implements Driver {
  readonly series: Float64Array;
  private runner: ThreadRunner;
  private done: number;

  /** A fresh world is set up here; one resumed `from` a snapshot starts at its day. */
  constructor(
    readonly world: World,
    registry: Registry,
    from?: Snapshot,
  ) {
    this.series = startSeries(world, from);
    this.done = from?.day ?? 0;
    this.runner = new ThreadRunner(bindWorld(world, registry), world.seed, world.metricWidth);
    if (from) return;
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
