import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Registry } from '../core/engine/world.ts';
import { ScenarioError } from '../scenario/errors.ts';
import { readScenarioFile } from '../scenario/file.ts';
import { resolveScenario, type ScenarioLibrary } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenarioText, type SourceDoc } from '../scenario/source.ts';
import { validate } from '../scenario/validate.ts';
import { makeDesign, type Design, type Parameter } from './design.ts';
import { experimentSchema, type Experiment } from './schema.ts';

/** One run of an experiment: a design point, a replicate and an arm, resolved to a validated scenario. */
export interface RunSpec {
  /**
   * Hash of the experiment's name, the run's place (point, arm, replicate) and its resolved scenario
   * (seed and warm-up included): the same run always has the same id, on any machine. The place is
   * in it because two places may hold the same scenario (Morris trajectories that cross, an A/A
   * test), and each is a run of its own.
   */
  id: string;
  experiment: string;
  point: number;
  replicate: number;
  arm: string;
  seed: string;
  /** The varied parameters' values at this point, by path. */
  params: Record<string, number | string | boolean>;
  scenario: Scenario;
  /** With `branch`: the scenario without the arm's changes, run up to `day` first; the arm goes on from that state. */
  warmup?: Warmup<Scenario> | undefined;
}

export interface Warmup<S> {
  scenario: S;
  day: number;
}

/** An experiment read, checked and expanded into its runs, in the order they should run. */
export interface ExperimentPlan {
  experiment: Experiment;
  /** The experiment file's text, kept in the store so a report can show exactly what ran. */
  text: string;
  file: string;
  design: Design | undefined;
  /** The base scenario with the experiment's `set`, at the first point, for descriptions. */
  base: Scenario;
  runs: RunSpec[];
}

/** Reads an experiment file; every problem names the file, line and path, like a scenario's. */
export function readExperiment(file: string): { experiment: Experiment; text: string } {
  const doc = readScenarioFile(file);
  return { experiment: validate(doc, experimentSchema), text: readFileSync(file, 'utf8') };
}

/** Expands an experiment into its runs: points (slowest), then replicates, then arms (fastest), so paired runs finish together. */
export function planExperiment(file: string, library: ScenarioLibrary, registry: Registry): ExperimentPlan {
  const { experiment: e, text } = readExperiment(file);
  const source = openBase(e.scenario, file, library);
  const parameters = (e.vary?.parameters ?? []) as Parameter[];
  const design = e.vary ? makeDesign(e.vary.method, parameters, { samples: e.vary.samples, seed: e.vary.seed, trajectories: e.vary.trajectories, levels: e.vary.levels }) : undefined;
  const points = design?.points ?? [[]];
  const runs: RunSpec[] = [];
  let base: Scenario | undefined;
  points.forEach((values, point) => {
    const params: RunSpec['params'] = {};
    parameters.forEach((p, j) => (params[p.path] = values[j]!));
    for (let replicate = 0; replicate < e.replicates; replicate++) {
      const seed = String(e.seed + replicate);
      for (const [a, arm] of e.arms.entries()) {
        const where = `${file}: point ${point}${parameters.length ? ` (${describeParams(params)})` : ''}, arm "${arm.name}"`;
        const scenario = resolveAt(where, () =>
          resolveScenario(source, library, registry, {
            seed,
            set: [...assignments(e.set), ...assignments(params), ...assignments(arm.set)],
          }),
        );
        if (point === 0 && replicate === 0 && a === 0) base = scenario;
        const warmup = e.branch ? { scenario: resolveAt(where, () => resolveScenario(source, library, registry, { seed, set: [...assignments(e.set), ...assignments(params)] })), day: e.branch.day } : undefined;
        if (warmup && warmup.day >= scenario.days) {
          throw new ScenarioError([{ file, path: ['branch', 'day'], pathText: 'branch.day', expected: `a day before the end of the runs (${scenario.days} days)`, found: String(warmup.day) }]);
        }
        runs.push({ id: runId(e.name, { point, arm: arm.name, replicate }, scenario, warmup), experiment: e.name, point, replicate, arm: arm.name, seed, params, scenario, warmup });
      }
    }
  });
  return { experiment: e, text, file, design, base: base!, runs };
}

export function describeParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k.split('.').at(-1)}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : String(v)}`)
    .join(', ');
}

/** A built-in's name, or a scenario file beside the experiment file. */
function openBase(ref: string, file: string, library: ScenarioLibrary): SourceDoc {
  const looksLikeFile = /[/\\]/.test(ref) || /\.(ya?ml|json)$/i.test(ref);
  const builtin = looksLikeFile ? undefined : library.open(ref);
  if (builtin) return builtin;
  if (!looksLikeFile) {
    throw new ScenarioError([{ file, path: ['scenario'], pathText: 'scenario', expected: `a built-in scenario (${library.names().join(', ')}) or a scenario file`, found: JSON.stringify(ref) }]);
  }
  return readScenarioFile(isAbsolute(ref) ? ref : resolve(dirname(file), ref));
}

/** Values as `--set` assignments: JSON is YAML, so every value reads back as itself. */
function assignments(changes: Record<string, unknown>): string[] {
  return Object.entries(changes).map(([path, v]) => `${path}=${JSON.stringify(v)}`);
}

function resolveAt(where: string, f: () => Scenario): Scenario {
  try {
    return f();
  } catch (e) {
    if (e instanceof ScenarioError) throw new ScenarioError(e.problems.map((p) => ({ ...p, file: `${where}: ${p.file}` })));
    throw e;
  }
}

/** A resolved scenario as plain JSON (seeds as decimal strings), the form runs travel in. */
export function scenarioJson(s: Scenario): string {
  // Already merged with its base: resolving it again must not merge the base a second time.
  const { extends: _base, ...own } = s;
  return JSON.stringify(own, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A run as it travels to a runner process or a queue worker: its id and scenarios as JSON. */
export function runRequest(r: RunSpec): { id: string; scenario: string; warmup?: { scenario: string; day: number } | undefined } {
  return { id: r.id, scenario: scenarioJson(r.scenario), warmup: r.warmup && { scenario: scenarioJson(r.warmup.scenario), day: r.warmup.day } };
}

/** Validates a scenario that travelled as JSON (to a worker process or machine), exactly as it was resolved. */
export function scenarioFromJson(json: string, library: ScenarioLibrary, registry: Registry): Scenario {
  return resolveScenario(parseScenarioText(json, 'run'), library, registry);
}

export function runId(experiment: string, at: { point: number; arm: string; replicate: number }, s: Scenario, warmup?: Warmup<Scenario>): string {
  const h = createHash('sha256').update(canonicalJson({ experiment, ...at, scenario: plain(s), warmup: warmup && { day: warmup.day, scenario: plain(warmup.scenario) } }));
  return h.digest('hex').slice(0, 24);
}

/** A scenario as plain data: seeds as decimal strings, without `extends` (already merged). */
function plain(s: Scenario): unknown {
  return JSON.parse(scenarioJson(s)) as unknown;
}

/** JSON with every object's keys sorted, so that the order keys were written in changes no id. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
