import { ci95, tQuantile975 } from '../src/experiment/stats.ts';
import { builtins } from '../src/cli/library.ts';
import { executeRun, type RunOutcome } from '../src/experiment/execute.ts';
import { scenarioJson } from '../src/experiment/plan.ts';
import { ProcessPool } from '../src/experiment/pool.ts';
import { MODULES } from '../src/modules/index.ts';
import { resolveScenario } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import type { Interval } from './types.ts';

/**
 * What reproductions share: running a scenario through the lab's own path, and the intervals they
 * report. A reproduction describes its scenario as the plain object a YAML file would hold, so
 * that it is validated like any scenario file (and a mistake in it is reported like one).
 */

/** Resolves a scenario (as a YAML file's value) with the built-in modules and library. */
export function resolve(value: Record<string, unknown>, file: string): Scenario {
  return resolveScenario({ file, value, locate: () => undefined }, builtins, MODULES);
}

/**
 * Resolves a scenario and runs it to its horizon in this process, as `sclab sweep` runs each of its
 * runs (executeRun): every metric's total and daily series.
 */
export async function runScenario(value: Record<string, unknown>, file: string, threads = 1): Promise<RunOutcome> {
  return executeRun(resolve(value, file), threads);
}

/**
 * Runs a reproduction's scenarios: in this process, one after another (the default), or with
 * `workers` > 1 on that many of the runner processes `sclab sweep` uses (ProcessPool), each run on
 * one thread. A run's outcome depends only on its scenario, never on which process ran it. Each
 * run in a runner process validates its scenario again and crosses a pipe, so the pool pays off
 * only on machines with cores to spare: on two cores it was no faster for these small runs.
 */
export class Runner {
  private readonly pool: ProcessPool | undefined;
  private next = 0;

  constructor(readonly workers = 1) {
    this.pool = workers > 1 ? new ProcessPool(workers) : undefined;
  }

  async run(value: Record<string, unknown>, file: string): Promise<RunOutcome> {
    const scenario = resolve(value, file);
    if (!this.pool) return executeRun(scenario, 1);
    return this.pool.run({ id: `validation-${this.next++}`, scenario: scenarioJson(scenario), threads: 1 });
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** A metric's daily series from a run's outcome. */
export function series(outcome: RunOutcome, metric: string): number[] {
  const { names, values } = outcome.series;
  const k = names.indexOf(metric);
  if (k < 0) throw new Error(`no metric "${metric}" in the run (found ${names.join(', ')})`);
  const out: number[] = [];
  for (let d = 0; d < outcome.days; d++) out.push(values[d * names.length + k]!);
  return out;
}

const Z975 = 1.959963984540054;

/**
 * The Wilson score interval for a proportion of k in n (95%). For frequencies, where the t interval
 * of 0/1 values (stats.ts's ci95) collapses to [0, 0] when nothing happened: 0 of 200 still allows
 * a frequency up to 1.9%.
 */
export function wilson(k: number, n: number): Interval {
  if (n === 0) return { lo: 0, hi: 1 };
  const p = k / n;
  const z2 = Z975 * Z975;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z975 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** Whether x lies in [lo - slack, hi + slack]. */
export function within(x: number, ci: Interval, slack: number): boolean {
  return x >= ci.lo - slack && x <= ci.hi + slack;
}

/** The t interval of a - b for independent samples (Welch). */
export function welch(a: readonly number[], b: readonly number[]): Interval & { diff: number } {
  const ca = ci95(a), cb = ci95(b);
  const va = ca.sd ** 2 / a.length, vb = cb.sd ** 2 / b.length;
  const diff = ca.mean - cb.mean;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { diff, lo: diff, hi: diff };
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = tQuantile975(df) * se;
  return { diff, lo: diff - half, hi: diff + half };
}
