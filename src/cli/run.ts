import { SingleBar } from 'cli-progress';
import type { Plugins } from '../host/node/plugins.ts';
import { simulate } from '../host/node/simulate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { writeAllAtomic } from './files.ts';
import { dailyCsv, runDocument, summaryTable } from './report.ts';

export interface RunOptions {
  threads: number;
  plugins?: Plugins;
  json?: string;
  csv?: string;
  quiet?: boolean;
  /** The scenario's counterfactual, to run after it under the same seed (none: no paired audit). */
  counterfactual?: Scenario;
}

/** Runs a validated scenario; returns the exit code. Outputs are written only for a complete run. */
export async function runCommand(scenario: Scenario, o: RunOptions & { version: string }): Promise<number> {
  const started = performance.now();
  // A signal stops the run between batches of days; until the outputs are in place it is ours to handle.
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals): void => {
    signal = s;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const one = async (s: Scenario, label: string) => {
    const bar = process.stderr.isTTY ? progressBar(s.days, label) : undefined;
    const from = performance.now();
    try {
      return await simulate(s, {
        threads: o.threads,
        plugins: o.plugins,
        stop: () => signal !== undefined,
        progress: (day) => {
          const secs = (performance.now() - from) / 1000;
          bar?.update(day, { rate: ((s.agents * day) / secs / 1e6).toFixed(1) });
        },
      });
    } finally {
      bar?.stop();
    }
  };
  try {
    const driver = await one(scenario, 'run');
    const seconds = (performance.now() - started) / 1000;
    const twin = signal || !o.counterfactual ? undefined : await one(o.counterfactual, 'counterfactual');
    if (signal) {
      process.stderr.write(`interrupted${twin ? ' in the counterfactual run' : ''} at day ${(twin ?? driver).day} of ${scenario.days}: no output written\n`);
      return signal === 'SIGTERM' ? 143 : 130;
    }
    const doc = runDocument(scenario, driver, { version: o.version, threads: o.threads, seconds }, twin);
    const world = driver.world;
    const files = [];
    if (o.json) files.push({ path: o.json, text: JSON.stringify(doc) + '\n' });
    if (o.csv) files.push({ path: o.csv, text: dailyCsv(doc, (name) => world.metrics.find((m) => m.name === name)?.bins) });
    writeAllAtomic(files);
    if (!o.quiet) process.stdout.write(summaryTable(doc));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function progressBar(total: number, label: string): SingleBar {
  const bar = new SingleBar({
    format: `${label} day {value}/{total} [{bar}] {percentage}% | {rate} M agent-days/s | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0, { rate: '0.0' });
  return bar;
}
