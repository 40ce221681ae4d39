import { runStateHash } from '../cli/report.ts';
import { auditIndicators } from '../metrics/audit.ts';
import { summarize } from '../core/engine/results.ts';
import { simulate } from '../host/node/simulate.ts';
import type { Plugins } from '../host/node/plugins.ts';
import type { Snapshot } from '../core/engine/checkpoint.ts';
import type { Warmup } from './plan.ts';
import type { Scenario } from '../scenario/schema.ts';

/** What a finished run hands back to the store: plain JSON, so it can cross processes and machines. */
export interface RunOutcome {
  stateHash: string;
  days: number;
  threads: number;
  seconds: number;
  /** End-of-run figures: every metric's total (a histogram: one per bin) and every audit indicator with a value. */
  summary: Record<string, number>;
  /** Daily series, day-major: values[d * names.length + k] is metric names[k] on day d. */
  series: { names: string[]; values: number[] };
}

/**
 * Runs one scenario to its horizon and reduces it to what the store keeps. With a warm-up, runs
 * that scenario to its day first and goes on from its state (a branch): the state at the branch is
 * the same for every arm, and so are the random streams after it.
 */
export async function executeRun(scenario: Scenario, threads: number, warmup?: Warmup<Scenario>, plugins?: Plugins): Promise<RunOutcome> {
  const started = performance.now();
  let from: Snapshot | undefined;
  if (warmup) {
    await simulate(warmup.scenario, { threads, plugins, checkpoints: { at: [warmup.day], save: (s) => void (from = s) }, stop: () => from !== undefined });
  }
  const driver = await simulate(scenario, { threads, plugins, from });
  const seconds = (performance.now() - started) / 1000;
  // Every metric, not only those the scenario's output section selects for its JSON document.
  const all = summarize(driver.world, driver.series, driver.day);
  const days = driver.day;
  const summary: Record<string, number> = {};
  const names: string[] = [];
  const columns: (readonly number[])[] = [];
  const world = driver.world;
  for (const m of world.metrics) {
    const total = all.totals[m.name]!;
    const daily = all.daily[m.name]!;
    if (typeof total === 'number') {
      summary[m.name] = total;
      names.push(m.name);
      columns.push(daily as number[]);
    } else {
      m.bins!.forEach((bin, b) => {
        summary[`${m.name}[${bin}]`] = total[b]!;
        names.push(`${m.name}[${bin}]`);
        columns.push((daily as number[][]).map((v) => v[b]!));
      });
    }
  }
  for (const i of auditIndicators(world, driver.series, days)) if (i.value !== null && Number.isFinite(i.value)) summary[i.name] = i.value;
  const values = new Array<number>(days * names.length);
  for (let d = 0; d < days; d++) for (let k = 0; k < names.length; k++) values[d * names.length + k] = columns[k]![d]!;
  return { stateHash: runStateHash(scenario, world), days: days, threads, seconds, summary, series: { names, values } };
}
