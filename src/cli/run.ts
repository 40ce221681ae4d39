import { SingleBar } from 'cli-progress';
import { CheckpointError, type Snapshot } from '../core/engine/checkpoint.ts';
import { saveCheckpoint } from '../host/node/checkpoint-file.ts';
import type { Plugins } from '../host/node/plugins.ts';
import { simulate, type SimulateOptions } from '../host/node/simulate.ts';
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
  /** Go on from this snapshot (read from `path`), the counterfactual too; see docs/engine.md. */
  from?: { path: string; snapshot: Snapshot };
  /** Save the run's state into `path` once it has run `at` days (the run goes on to its end). */
  checkpoint?: { path: string; at: number };
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
  const first = o.from?.snapshot.day ?? 0;
  const { checkpoint } = o;
  const one = async (s: Scenario, label: string, checkpoints?: SimulateOptions['checkpoints']) => {
    const bar = process.stderr.isTTY ? progressBar(s.days, first, label) : undefined;
    const from = performance.now();
    try {
      return await simulate(s, {
        threads: o.threads,
        plugins: o.plugins,
        from: o.from?.snapshot,
        checkpoints,
        stop: () => signal !== undefined,
        progress: (day) => {
          const secs = (performance.now() - from) / 1000;
          bar?.update(day, { rate: ((s.agents * (day - first)) / secs / 1e6).toFixed(1) });
        },
      });
    } finally {
      bar?.stop();
    }
  };
  // Resumed, the counterfactual goes on from the same snapshot: it differs from the run from that day on.
  const counterfactual = async (s: Scenario) => {
    try {
      return await one(s, 'counterfactual');
    } catch (e) {
      if (!(o.from && e instanceof CheckpointError)) throw e;
      process.stderr.write(`note: the counterfactual does not fit the checkpoint (${e.message}): skipped\n`);
      return undefined;
    }
  };
  const cf = scenario.audit.counterfactual;
  const described =
    o.from && cf ? { ...scenario, audit: { ...scenario.audit, counterfactual: { ...cf, description: `${cf.description}; from day ${first}, resumed from ${o.from.path}` } } } : scenario;
  try {
    const save = checkpoint && { at: [checkpoint.at], save: (snapshot: Snapshot) => saveCheckpoint(checkpoint.path, { scenario, snapshot, version: o.version }) };
    const driver = await one(scenario, 'run', save);
    const seconds = (performance.now() - started) / 1000;
    const twin = signal || !o.counterfactual ? undefined : await counterfactual(o.counterfactual);
    if (signal) {
      process.stderr.write(`interrupted${twin ? ' in the counterfactual run' : ''} at day ${(twin ?? driver).day} of ${scenario.days}: no output written\n`);
      return signal === 'SIGTERM' ? 143 : 130;
    }
    const doc = runDocument(described, driver, { version: o.version, threads: o.threads, seconds }, twin);
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

function progressBar(total: number, start: number, label: string): SingleBar {
  const bar = new SingleBar({
    format: `${label} day {value}/{total} [{bar}] {percentage}% | {rate} M agent-days/s | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, start, { rate: '0.0' });
  return bar;
}
