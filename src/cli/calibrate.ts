import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { CalibrationInterrupted, calibrate, calibrationText, formatNumber, planCalibration, poolRunner, reproduceCommand, type CalibrationProgress } from '../calibrate/calibrate.ts';
import { MODULES } from '../modules/index.ts';
import { unwritable, writeAllAtomic } from './files.ts';
import { stopOnSignals } from './signals.ts';
import { builtins } from './library.ts';

const integer = (what: string, min: number, max: number) => (text: string) => {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new InvalidArgumentError(`expected ${what}, an integer in [${min}, ${max}], found "${text}"`);
  return Number(text);
};
const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface Options {
  targets: string;
  workers?: number;
  budget?: number;
  refine?: number;
  replicates?: number;
  seed?: number;
  set: string[];
  json?: string;
  quiet?: boolean;
}

/**
 * `sclab calibrate`: fits a scenario's parameters to target statistics (docs/calibration.md).
 * Exit codes: 0 done, 1 some runs failed (the result is still reported) or another error, 2 a bad
 * file or option, 130/143 interrupted (nothing written).
 */
export function calibrateCommand(cli: Command): void {
  cli
    .command('calibrate')
    .description('fit parameters of a scenario to target statistics (ABC rejection on a sample of the prior, then Nelder–Mead) and report them with their uncertainty')
    .argument('[scenario]', 'built-in name or scenario file (default: the targets file\'s `scenario`)')
    .requiredOption('--targets <file>', 'the calibration file (YAML): the parameters with their prior ranges, and the targets')
    .option('--workers <n>', 'runs at once on this machine (default: one per core); the result does not depend on it', integer('a number of workers', 1, 4096))
    .option('--budget <n>', 'points sampled from the prior (default: the file\'s method.samples)', integer('a number of points', 2, 100_000))
    .option('--refine <n>', 'Nelder–Mead evaluations after the sample, 0 for none (default: the file\'s method.refine)', integer('a number of evaluations', 0, 10_000))
    .option('--replicates <n>', 'runs per evaluation, one per seed (default: the file\'s replicates)', integer('a number of replicates', 1, 1000))
    .option('--seed <s>', 'the first replicate\'s seed (default: the file\'s seed)', integer('a seed', 0, Number.MAX_SAFE_INTEGER - 1000))
    .option('--set <path=value>', 'change the scenario for every run, after the file\'s set (repeatable)', collect, [])
    .option('--json <file>', 'write the result, every evaluation included, as JSON (atomically)')
    .option('--quiet', 'no progress on stderr')
    .action(async function (this: Command, ref: string | undefined, o: Options) {
      if (o.json !== undefined) {
        const why = unwritable(o.json);
        if (why) this.error(`error: --json ${o.json}: cannot write there: ${why}`, { exitCode: 2, code: 'sclab.usage' });
      }
      const plan = planCalibration(o.targets, { scenario: ref, set: o.set, samples: o.budget, refine: o.refine, replicates: o.replicates, seed: o.seed }, builtins, MODULES);
      const runner = poolRunner({ workers: o.workers });
      const { stop, signal, dispose } = stopOnSignals(() => void runner.close());
      const display = o.quiet ? undefined : progressDisplay();
      const s = plan.settings;
      process.stderr.write(
        `calibrate ${plan.scenario}: ${plan.parameters.length} parameter(s), ${plan.targets.length} target(s); ${s.samples} points x ${s.replicates} replicate(s)` +
          `${s.refine ? `, then up to ${s.refine} Nelder–Mead evaluations` : ''}; ${plan.base.agents} agents x ${plan.base.days} days a run, on ${runner.workers} local worker(s)\n`,
      );
      try {
        const result = await calibrate(plan, runner.run, { stop: stop.signal, progress: display?.update, command: reproduceCommand(plan) });
        display?.stop();
        if (o.json !== undefined) writeAllAtomic([{ path: o.json, text: JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n' }]);
        process.stdout.write(calibrationText(result));
        if (result.failedRuns) {
          const first = result.evaluations.find((e) => e.errors.length)?.errors[0];
          process.stderr.write(`${result.failedRuns} run(s) failed${first ? `, the first with: ${first}` : ''}\n`);
          process.exitCode = 1;
        }
      } catch (e) {
        display?.stop();
        const got = signal();
        if (got && (e instanceof CalibrationInterrupted || stop.signal.aborted)) {
          process.stderr.write('interrupted: nothing written\n');
          process.exitCode = got === 'SIGTERM' ? 143 : 130;
          return;
        }
        throw e;
      } finally {
        display?.stop();
        dispose();
        await runner.close();
      }
    });
}

/** Evaluations between two progress lines when stderr is not a terminal. */
const LOG_EVERY = 10;

/** On a terminal one line rewritten in place; otherwise a line every LOG_EVERY evaluations and at each stage's end. */
function progressDisplay(): { update: (p: CalibrationProgress) => void; stop: () => void } {
  const line = (p: CalibrationProgress): string => {
    const rate = p.done / Math.max(p.elapsed, 1e-9);
    const eta = p.stage === 'sample' && rate > 0 && p.done > 0 ? `, ETA ${Math.ceil((p.total - p.done) / rate)} s` : '';
    return `${p.stage === 'sample' ? 'prior sample' : 'Nelder–Mead'}: ${p.done}/${p.total} evaluations, best distance ${formatNumber(p.best)}, ${p.elapsed.toFixed(0)} s${eta}`;
  };
  if (process.stderr.isTTY) {
    let shown = false;
    return {
      update: (p) => {
        process.stderr.write(`\r\x1b[K${line(p)}`);
        shown = true;
      },
      stop: () => {
        if (shown) process.stderr.write('\r\x1b[K');
        shown = false;
      },
    };
  }
  return {
    update: (p) => {
      if (p.done > 0 && (p.done % LOG_EVERY === 0 || p.done === p.total)) process.stderr.write(`${line(p)}\n`);
    },
    stop: () => {},
  };
}
