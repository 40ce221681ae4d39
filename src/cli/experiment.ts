import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { analyse, analysisText } from '../experiment/analysis.ts';
import { planExperiment } from '../experiment/plan.ts';
import { reportData } from '../experiment/report-data.ts';
import { writeReport } from '../experiment/report-html.ts';
import { localBackend, sweep, type Progress } from '../experiment/sweep.ts';
import { MODULES } from '../modules/index.ts';
import { queueBackend } from '../queue/backend.ts';
import { parseQueueUrl } from '../queue/redis.ts';
import { startWorker } from '../queue/worker.ts';
import { DEFAULT_STORE, Store } from '../store/store.ts';
import { builtins } from './library.ts';
import { stopOnSignals } from './signals.ts';

const count = (what: string) => (text: string) => {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 4096) throw new InvalidArgumentError(`expected ${what}, an integer in [1, 4096], found "${text}"`);
  return Number(text);
};
/** --store: the result store, SCLAB_STORE or the project's default; every command that reads or writes it uses this. */
export const storeOption = (): Option => new Option('--store <file>', 'the result store').default(process.env.SCLAB_STORE ?? DEFAULT_STORE);
const queueUrl = (text: string): URL => {
  try {
    return parseQueueUrl(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^--queue: /, ''));
  }
};

/** The experiment commands: sweep, worker, results, report. */
export function experimentCommands(cli: Command): void {
  cli
    .command('sweep')
    .description('run an experiment file: every point, replicate and arm not yet in the result store')
    .argument('<experiment>', 'experiment file (YAML)')
    .addOption(storeOption())
    .option('--workers <n>', 'runs at once on this machine (default: one per core)', count('a number of workers'))
    .option('--threads <t>', 'threads per run (default: the cores shared among the runs in flight)', count('a thread count'))
    .option('--queue <url>', 'enqueue the runs in Redis (redis://HOST:PORT) for `sclab worker`s to execute, and collect their results', queueUrl)
    .option('--quiet', 'no progress display')
    .action(async (file: string, o: { store: string; workers?: number; threads?: number; queue?: URL; quiet?: boolean }) => {
      const plan = planExperiment(file, builtins, MODULES);
      const store = await Store.open(o.store);
      const { stop, signal, dispose } = stopOnSignals();
      const display = o.quiet ? undefined : progressDisplay(plan.runs.length);
      try {
        const backend = o.queue ? queueBackend(o.queue, { threads: o.threads ?? plan.experiment.threads }) : localBackend({ workers: o.workers, threads: o.threads ?? plan.experiment.threads });
        const where = o.queue ? `through the queue at ${o.queue.host}` : `on ${o.workers ?? Math.min(availableParallelism(), plan.runs.length)} local worker(s)`;
        process.stderr.write(`${plan.experiment.name}: ${plan.runs.length} runs (${plan.design?.points.length ?? 1} points x ${plan.experiment.replicates} replicates x ${plan.experiment.arms.length} arms) ${where}; store ${o.store}\n`);
        const r = await sweep(plan, store, backend, { command: `sclab sweep ${process.argv.slice(3).join(' ')}`, stop: stop.signal, progress: display?.update });
        display?.stop();
        if (r.removed) process.stderr.write(`removed ${r.removed} stored runs of an earlier version of ${plan.experiment.name}\n`);
        for (const err of r.errors.slice(0, 5)) process.stderr.write(`run ${err.id} failed: ${err.error}\n`);
        const s = signal();
        if (s) {
          process.stderr.write(`interrupted: ${r.skipped + r.done} of ${r.total} runs stored; run the same command again to resume\n`);
          process.exitCode = s === 'SIGTERM' ? 143 : 130;
          return;
        }
        process.stdout.write(`${plan.experiment.name}: ${r.done} runs stored, ${r.skipped} already stored, ${r.failed} failed, in ${r.elapsed.toFixed(2)} s\n`);
        if (r.failed) process.exitCode = 1;
      } finally {
        display?.stop();
        dispose();
        store.close();
      }
    });

  cli
    .command('worker')
    .description('execute runs from a Redis queue, for sweeps started with --queue on any machine')
    .requiredOption('--queue <url>', 'the Redis queue (redis://HOST:PORT)', queueUrl)
    .option('--concurrency <n>', 'runs at once (default: one per core)', count('a number of runs'))
    .option('--threads <t>', 'threads per run', count('a thread count'))
    .option('--lock-seconds <s>', 'seconds before a silent worker\'s run is handed to another worker', count('a number of seconds'), 30)
    .action(async (o: { queue: URL; concurrency?: number; threads?: number; lockSeconds: number }) => {
      const log = (line: string): void => void process.stdout.write(`${new Date().toISOString()} ${line}\n`);
      const w = await startWorker(o.queue, { concurrency: o.concurrency, threads: o.threads, lockSeconds: o.lockSeconds, log });
      log(`worker ready on ${o.queue.host}, ${w.worker.opts.concurrency} run(s) at once`);
      // First signal: finish the runs in hand, then stop. Second: stop now (their locks lapse and
      // the queue gives them to other workers).
      await new Promise<void>((resolve) => {
        let closing = false;
        const on = (): void => {
          if (closing) {
            log('stopping now');
            process.exit(130);
          }
          log('stopping after the runs in hand (again to stop now)');
          void w.close().then(resolve);
          closing = true;
        };
        process.on('SIGINT', on);
        process.on('SIGTERM', on);
      });
    });

  cli
    .command('results')
    .description('list the experiments in the result store, or show one: means with 95% intervals, paired differences, sensitivity; export it')
    .argument('[experiment]', 'experiment name')
    .addOption(storeOption())
    .option('--outputs <names>', 'comma-separated outputs to show (default: the experiment\'s)', (t: string) => t.split(',').filter(Boolean))
    .addOption(new Option('--export <format>', 'write the runs, summaries and series as files').choices(['csv', 'parquet']))
    .option('--out <dir>', 'directory for --export', '.')
    .option('--json', 'print the analysis as JSON')
    .action(async (name: string | undefined, o: { store: string; outputs?: string[]; export?: 'csv' | 'parquet'; out: string; json?: boolean }) => {
      const store = await Store.open(o.store, { readOnly: true });
      try {
        if (!name) {
          const all = await store.experiments();
          if (!all.length) process.stdout.write(`no experiments in ${o.store}\n`);
          for (const e of all) process.stdout.write(`${e.name.padEnd(24)} ${`${e.done}/${e.total} done`.padEnd(14)} ${`${e.failed} failed`.padEnd(10)} updated ${e.updated}  ${e.title ?? ''}\n`);
          return;
        }
        if (o.export) {
          for (const f of await store.export(name, resolve(o.out), o.export)) process.stdout.write(`wrote ${f}\n`);
          return;
        }
        const a = await analyse(store, name, o.outputs);
        if (o.json) {
          const { experiment, spec, cells, paired, sensitivity, notes, outputs } = a;
          process.stdout.write(JSON.stringify({ experiment: experiment.name, runs: { done: experiment.done, failed: experiment.failed, total: experiment.total }, arms: spec.arms.map((x) => x.name), outputs, cells: cells.map(({ values: _v, ...c }) => c), paired, sensitivity, notes }, null, 2) + '\n');
        } else process.stdout.write(analysisText(a));
      } finally {
        store.close();
      }
    });

  cli
    .command('report')
    .description('write an experiment\'s results as one self-contained HTML page with charts')
    .argument('<experiment>', 'experiment name')
    .addOption(storeOption())
    .option('--outputs <names>', 'comma-separated outputs to chart (default: the experiment\'s)', (t: string) => t.split(',').filter(Boolean))
    .option('--out <file>', 'the HTML file (default: <experiment>.html)')
    .action(async (name: string, o: { store: string; outputs?: string[]; out?: string }) => {
      const store = await Store.open(o.store, { readOnly: true });
      try {
        const data = await reportData(store, name, builtins, MODULES, o.outputs);
        const out = o.out ?? `${name}.html`;
        writeReport(out, data);
        process.stdout.write(`wrote ${out}\n`);
      } finally {
        store.close();
      }
    });
}

/** A progress bar on a terminal; otherwise a line every few seconds, for logs. */
function progressDisplay(total: number): { update: (p: Progress) => void; stop: () => void } {
  const eta = (p: Progress): string => {
    const left = p.total - p.skipped - p.done - p.failed;
    const rate = (p.done + p.failed) / Math.max(p.elapsed, 1e-9);
    return rate > 0 ? `${Math.ceil(left / rate)} s` : '?';
  };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'runs {value}/{total} [{bar}] {percentage}% | {failed} failed | {rate} runs/s | ETA {eta}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    });
    bar.start(total, 0, { failed: 0, rate: '0.00', eta: '?' });
    let stopped = false;
    return {
      update: (p) => bar.update(p.skipped + p.done + p.failed, { failed: p.failed, rate: ((p.done + p.failed) / Math.max(p.elapsed, 1e-9)).toFixed(2), eta: eta(p) }),
      stop: () => {
        if (!stopped) bar.stop();
        stopped = true;
      },
    };
  }
  let last = 0;
  return {
    update(p) {
      const finished = p.skipped + p.done + p.failed === p.total;
      if (!finished && performance.now() - last < 5000) return;
      last = performance.now();
      process.stderr.write(`runs ${p.skipped + p.done + p.failed}/${p.total}, ${p.failed} failed, ${((p.done + p.failed) / Math.max(p.elapsed, 1e-9)).toFixed(2)} runs/s, ETA ${eta(p)}\n`);
    },
    stop: () => {},
  };
}
