#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { CompileError, type Registry } from '../core/engine/world.ts';
import { loadPlugins, PluginError } from '../host/node/plugins.ts';
import { MODULES } from '../modules/index.ts';
import { ScenarioError } from '../scenario/errors.ts';
import { readScenarioFile } from '../scenario/file.ts';
import { resolveScenario, type Overrides } from '../scenario/load.ts';
import { scenarioJsonSchema } from '../scenario/schema.ts';
import { describeScenario } from './describe.ts';
import { experimentCommands } from './experiment.ts';
import { calibrateCommand } from './calibrate.ts';
import { exploreCommand } from './explore.ts';
import { unwritable } from './files.ts';
import { builtins } from './library.ts';
import { runCommand, type RunOptions } from './run.ts';
import { CheckpointError } from '../core/engine/checkpoint.ts';
import { CheckpointFileError, loadCheckpoint } from '../host/node/checkpoint-file.ts';
import type { Scenario } from '../scenario/schema.ts';
import { defaultThreads } from '../host/node/threads.ts';

/** A command used wrongly in a way the option parser cannot see. */
class UsageError extends Error {}

/** Exit codes, as documented in README.md. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const integer = (what: string, min: number, max: number) => (text: string) => {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InvalidArgumentError(`expected ${what}, an integer in [${min}, ${max}], found "${text}"`);
  }
  return Number(text);
};
const seed = (text: string): string => {
  if (!/^\d{1,20}$/.test(text) || BigInt(text) > 0xffffffffffffffffn) throw new InvalidArgumentError(`expected a seed in [0, 2^64 - 1], found "${text}"`);
  return text;
};
const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** A built-in's name, or a file's path. */
function openScenario(ref: string) {
  const looksLikeFile = /[/\\]/.test(ref) || /\.(ya?ml|json)$/i.test(ref);
  const builtin = looksLikeFile ? undefined : builtins.open(ref);
  if (builtin) return builtin;
  if (!looksLikeFile && !existsSync(ref)) {
    throw new ScenarioError([
      { file: ref, path: [], pathText: '', expected: `a built-in scenario (${builtins.names().join(', ')}) or a scenario file`, found: 'neither' },
    ]);
  }
  return readScenarioFile(ref);
}

function load(ref: string, overrides: Overrides = {}, registry: Registry = MODULES) {
  return resolveScenario(openScenario(ref), builtins, registry, overrides);
}

const moduleOption = (): Option =>
  new Option('--module <file>', 'an ES module file exporting module definitions to use besides the built-in ones (repeatable)')
    .argParser(collect)
    .default([]);

function program(): Command {
  const cli = new Command('sclab')
    .description('social-credit-lab: simulate social credit systems on synthetic populations and measure what they do.')
    .version(version)
    .showHelpAfterError('(run sclab --help for usage)')
    .exitOverride();

  cli
    .command('run')
    .description('run a scenario (a built-in name or a YAML/JSON file) and print its summary')
    .argument('[scenario]', 'built-in name (see sclab list) or path to a scenario file (none with --from)')
    .option('--agents <n>', 'number of agents', integer('a number of agents', 1, 2 ** 31 - 1))
    .option('--days <d>', 'number of days', integer('a number of days', 0, 2 ** 31 - 1))
    .option('--seed <s>', 'seed, a decimal integer in [0, 2^64 - 1]', seed)
    .addOption(new Option('--threads <t>', 'worker threads').argParser(integer('a thread count', 1, 256)).default(defaultThreads(), 'the cores available'))
    .option('--json <file>', 'write the run as JSON (atomically)')
    .option('--csv <file>', 'write the daily series as CSV (atomically)')
    .option('--set <path=value>', 'override a parameter, e.g. modules.blacklist.params.below=550 (repeatable)', collect, [])
    .option('--quiet', 'print no summary')
    .option('--no-counterfactual', 'skip the scenario\'s counterfactual run (and the paired audit figures)')
    .option('--checkpoint <file>', 'save the run\'s state into this file at --checkpoint-at (atomically); the run goes on to its end')
    .option('--checkpoint-at <day>', 'the number of days run when the checkpoint is saved', integer('a day', 0, 2 ** 31 - 1))
    .option('--from <file>', 'go on from a checkpoint, with the scenario stored in it (--set and --days may change it; a changed policy makes a branch)')
    .addOption(moduleOption())
    .action(
      async (
        ref: string | undefined,
        o: Pick<RunOptions, 'threads' | 'json' | 'csv' | 'quiet'> & {
          agents?: number;
          days?: number;
          seed?: string;
          set: string[];
          module: string[];
          counterfactual: boolean;
          checkpoint?: string;
          checkpointAt?: number;
          from?: string;
        },
      ) => {
        const plugins = await loadPlugins(o.module);
        const overrides: Overrides = { agents: o.agents, days: o.days, seed: o.seed, set: o.set };
        let resolve: (extra: Overrides) => Scenario = (extra) => load(ref!, { ...overrides, ...extra }, plugins.registry);
        let from: RunOptions['from'];
        if (o.from !== undefined) {
          if (ref !== undefined) throw new UsageError(`give a scenario or --from, not both: the checkpoint ${o.from} holds its scenario (change it with --set and --days)`);
          if (o.agents !== undefined || o.seed !== undefined) throw new UsageError('--agents and --seed cannot change with --from: a checkpoint goes on with its own population and random streams');
          // A missing or damaged checkpoint is the caller's mistake, like a bad scenario file.
          if (!existsSync(o.from)) throw new UsageError(`--from ${o.from}: no such file`);
          let stored: ReturnType<typeof loadCheckpoint>;
          try {
            stored = loadCheckpoint(o.from);
          } catch (e) {
            throw e instanceof CheckpointFileError ? new UsageError(`--from ${e.message}`) : e;
          }
          if (stored.version !== version) process.stderr.write(`note: ${o.from} was written by sclab ${stored.version}, this is ${version}: the model may have changed since\n`);
          // The stored scenario is resolved already: it is validated again with the changes asked for.
          const doc = { file: o.from, value: stored.scenario, locate: () => undefined };
          resolve = (extra) => resolveScenario(doc, builtins, plugins.registry, { ...overrides, ...extra });
          from = { path: o.from, snapshot: stored.snapshot };
        } else if (ref === undefined) throw new UsageError('missing the scenario to run (a built-in name or a file), or --from a checkpoint');
        const scenario = resolve({});
        const twin = o.counterfactual && scenario.audit.counterfactual ? resolve({ counterfactual: true }) : undefined;
        if ((o.checkpoint === undefined) !== (o.checkpointAt === undefined)) throw new UsageError('--checkpoint and --checkpoint-at go together: the file, and the day to save');
        const checkpoint = o.checkpoint === undefined ? undefined : { path: o.checkpoint, at: o.checkpointAt! };
        if (checkpoint) {
          const first = from?.snapshot.day ?? 0;
          if (checkpoint.at > scenario.days || checkpoint.at < first) {
            throw new UsageError(`--checkpoint-at ${checkpoint.at}: expected a day in [${first}, ${scenario.days}], the days this run goes through`);
          }
        }
        const outputs = [['--json', o.json], ['--csv', o.csv], ['--checkpoint', o.checkpoint]] as const;
        outputs.forEach(([flag, path], k) => {
          const other = outputs.slice(k + 1).find(([, p]) => path !== undefined && p === path);
          if (other) throw new UsageError(`${flag} and ${other[0]} name the same file, ${path}`);
          const why = path === undefined ? undefined : unwritable(path);
          if (why) throw new UsageError(`${flag} ${path}: cannot write there: ${why}`);
        });
        try {
          process.exitCode = await runCommand(scenario, { threads: o.threads, json: o.json, csv: o.csv, quiet: o.quiet, version, plugins, counterfactual: twin, from, checkpoint });
        } catch (e) {
          // The scenario (changed with --set or --days) must compile to a world that holds the checkpoint's state.
          if (from && e instanceof CheckpointError) throw new UsageError(`--from ${from.path}: the scenario does not fit the checkpoint: expected ${e.expected}, found ${e.found}`);
          throw e;
        }
      },
    );

  cli
    .command('validate')
    .description('check a scenario file and report every problem with its line and column')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .addOption(moduleOption())
    .action(async (file: string, o: { module: string[] }) => {
      const s = load(file, {}, (await loadPlugins(o.module)).registry);
      process.stdout.write(`${file}: valid scenario "${s.name}" (${s.modules.length} modules, ${s.agents} agents, ${s.days} days)\n`);
    });

  cli
    .command('list')
    .description('list the built-in scenarios, one per line')
    .action(() => {
      for (const name of builtins.names()) process.stdout.write(`${name.padEnd(20)} ${load(name).title ?? ''}\n`);
    });

  cli
    .command('schema')
    .description('print the scenario format as JSON Schema')
    .addOption(moduleOption())
    .action(async (o: { module: string[] }) => {
      process.stdout.write(JSON.stringify(scenarioJsonSchema((await loadPlugins(o.module)).registry), null, 2) + '\n');
    });

  cli
    .command('describe')
    .description('describe a scenario in plain words, in the order of the ODD protocol')
    .argument('<scenario>', 'built-in name or path to a scenario file')
    .addOption(moduleOption())
    .action(async (ref: string, o: { module: string[] }) => {
      const { registry } = await loadPlugins(o.module);
      process.stdout.write(describeScenario(load(ref, {}, registry), registry));
    });

  experimentCommands(cli);
  calibrateCommand(cli);
  exploreCommand(cli);
  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError || e instanceof PluginError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof ScenarioError) {
      process.stderr.write(e.format() + '\n');
      return EXIT.usage;
    }
    if (e instanceof CompileError) {
      process.stderr.write(`error: the scenario is inconsistent: ${e.message}\n`);
      return EXIT.usage;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`error: ${err.message}\n`);
    if (process.env.SCLAB_DEBUG) process.stderr.write(`${err.stack}\n`);
    return EXIT.failure;
  }
}

// A reader that goes away (`sclab list | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  throw e;
});

process.exitCode = await main(process.argv);
