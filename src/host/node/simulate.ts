import { takeSnapshot, type Snapshot } from '../../core/engine/checkpoint.ts';
import type { Driver } from '../../core/engine/driver.ts';
import { batchDays } from '../../core/engine/thread.ts';
import { MODULES } from '../../modules/index.ts';
import { compileScenario } from '../../scenario/compile.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { Plugins } from './plugins.ts';
import { startDriver, ThreadPool } from './threads.ts';

export interface SimulateOptions {
  threads: number;
  /** Asked between batches of days; true stops the run early (driver.day tells where). */
  stop?: () => boolean;
  progress?: (day: number) => void;
  /** Called once the world is built and every thread set up, just before the first day runs. */
  ready?: () => void;
  /** Modules beyond the built-in ones (from loadPlugins); default: the built-in ones alone. */
  plugins?: Plugins;
  /**
   * Go on from this snapshot's day instead of setting up a fresh population. The scenario may differ
   * from the one that made it (a branch) as long as the world it compiles to holds the same state
   * (see restoreSnapshot); the random streams are the same, since they are keyed by seed and day.
   */
  from?: Snapshot;
  /** Snapshots to take when the run has done exactly `at` days (from its start day to its horizon), each handed to `save`. */
  checkpoints?: { at: readonly number[]; save: (s: Snapshot) => void | Promise<void> };
}

/**
 * Compiles and runs a validated scenario on `threads` threads. Returns the driver, closed, with the
 * world's final state and the metric series; stopped early, its `day` is below the horizon.
 */
export async function simulate(scenario: Scenario, o: SimulateOptions): Promise<Driver> {
  const start = o.from?.day ?? 0;
  const stops = [...new Set(o.checkpoints?.at ?? [])].sort((a, b) => a - b);
  for (const d of stops) {
    if (!Number.isInteger(d) || d < start || d > scenario.days) throw new RangeError(`a checkpoint's day must be in [${start}, ${scenario.days}], got ${d}`);
  }
  // Threads start loading their code now, while this thread builds the world.
  const { registry, urls } = o.plugins ?? { registry: MODULES, urls: [] };
  const pool = o.threads > 1 ? new ThreadPool(o.threads, urls) : undefined;
  let driver: Driver;
  try {
    driver = await startDriver(compileScenario(scenario, registry), registry, o.threads, pool, o.from);
  } catch (e) {
    await pool?.terminate();
    throw e;
  }
  try {
    o.ready?.();
    const step = batchDays(driver.world.n);
    const save = async (): Promise<void> => {
      while (stops[0] === driver.day) {
        stops.shift();
        await o.checkpoints!.save(takeSnapshot(driver.world, driver.series, driver.day));
      }
    };
    await save();
    while (driver.day < driver.world.days && !o.stop?.()) {
      // Batches end on checkpoint days, so that each snapshot is taken exactly there.
      await driver.advance(Math.min(step, (stops[0] ?? Infinity) - driver.day));
      o.progress?.(driver.day);
      await save();
      // Yield between batches so that signals and timers are heard.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await driver.close();
  }
  return driver;
}
