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
  /** Called once the world is built and every thread set up, just before day 0 runs. */
  ready?: () => void;
  /** Modules beyond the built-in ones (from loadPlugins); default: the built-in ones alone. */
  plugins?: Plugins;
}

/**
 * Compiles and runs a validated scenario on `threads` threads. Returns the driver, closed, with the
 * world's final state and the metric series; stopped early, its `day` is below the horizon.
 */
export async function simulate(scenario: Scenario, o: SimulateOptions): Promise<Driver> {
  // Threads start loading their code now, while this thread builds the world.
  const { registry, urls } = o.plugins ?? { registry: MODULES, urls: [] };
  const pool = o.threads > 1 ? new ThreadPool(o.threads, urls) : undefined;
  let driver: Driver;
  try {
    driver = await startDriver(compileScenario(scenario, registry), registry, o.threads, pool);
  } catch (e) {
    await pool?.terminate();
    throw e;
  }
  try {
    o.ready?.();
    const step = batchDays(driver.world.n);
    while (driver.day < driver.world.days && !o.stop?.()) {
      await driver.advance(step);
      o.progress?.(driver.day);
      // Yield between batches so that signals and timers are heard.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await driver.close();
  }
  return driver;
}
