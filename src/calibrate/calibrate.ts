/**
 * Calibration: fitting chosen parameters of a scenario to published statistics, with their
 * uncertainty. Approximate Bayesian computation by rejection over a space-filling sample of the
 * prior box, every point run under the same seeds (common random numbers); then, optionally, a
 * bounded Nelder–Mead search from the best accepted point. docs/calibration.md has the formulas.
 */
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Registry } from '../core/engine/world.ts';
import { fromUnit, makeDesign, type Design, type Parameter } from '../experiment/design.ts';
import { scenarioJson } from '../experiment/plan.ts';
import { ProcessPool } from '../experiment/pool.ts';
import { ci95 } from '../experiment/stats.ts';
import { versions } from '../experiment/versions.ts';
import { formatPath, ScenarioError, type Problem } from '../scenario/errors.ts';
import { readScenarioFile } from '../scenario/file.ts';
import { resolveScenario, type ScenarioLibrary } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { SourceDoc } from '../scenario/source.ts';
import { acceptClosest, acceptedCount, distance, replicateMeans, unitSummary } from './objective.ts';
import { nelderMead } from './search.ts';
import { availableNames, checkTargetNames, describeTarget, readCalibration, targetScale, targetValue, type CalibrationFile, type Target } from './targets.ts';

/** Changes to the file's settings, from the command line. */
export interface CalibrateOptions {
  /** The scenario: a built-in name or a file (relative to the working directory); default: the file's `scenario`. */
  scenario?: string | undefined;
  /** More `path=value` changes for every run, after the file's `set`. */
  set?: readonly string[] | undefined;
  /** Points sampled from the prior (`method.samples`). */
  samples?: number | undefined;
  /** Nelder–Mead evaluations (`method.refine`; 0: none). */
  refine?: number | undefined;
  replicates?: number | undefined;
  /** The first replicate's seed. */
  seed?: number | undefined;
  /** The share of the sample accepted (`method.accept`). */
  accept?: number | undefined;
}

/** The method's settings, as they were used. */
export interface Settings {
  design: 'latin-hypercube' | 'sobol';
  samples: number;
  accept: number;
  /** Seed of the Latin-hypercube sample. */
  designSeed: number;
  refine: number;
  replicates: number;
  seed: number;
}

/** A parameter to fit: a range, uniform on its scale. */
export type RangeParameter = Extract<Parameter, { min: number }> & { scale: 'linear' | 'log'; integer: boolean };

/** A calibration read and checked: its prior sample and how to resolve a point into runs. */
export interface CalibrationPlan {
  calibration: CalibrationFile;
  /** The scenario as named (on the command line, or in the file). */
  scenario: string;
  /** Whether the scenario was named on the command line (the reproducing command names it then). */
  scenarioFromCommand: boolean;
  set: readonly string[];
  settings: Settings;
  parameters: RangeParameter[];
  targets: Target[];
  /** The targets' values and scales (sd, or tolerance / 1.96). */
  values: number[];
  scales: number[];
  /** Replicate r runs with seeds[r], at every point. */
  seeds: string[];
  /** The prior sample, on the unit cube and in values. */
  design: Design;
  /** The scenario at the first sampled point and first seed. */
  base: Scenario;
  /** The scenario at a point (parameter values in the order of `parameters`) and seed. */
  resolve(values: readonly number[], seed: string): Scenario;
}

/** Reads a calibration file and checks it whole before anything runs: parameters at both ends of their ranges, target names. */
export function planCalibration(file: string, o: CalibrateOptions, library: ScenarioLibrary, registry: Registry): CalibrationPlan {
  const calibration = readCalibration(file);
  const spec = calibration.spec;
  const ref = o.scenario ?? spec.scenario;
  if (ref === undefined) {
    throw new ScenarioError([{ file, path: ['scenario'], pathText: 'scenario', expected: 'a scenario to calibrate, in the file or on the command line', found: 'none', ...calibration.doc.locate([]) }]);
  }
  const source = o.scenario !== undefined ? openScenario(o.scenario, undefined, library) : openScenario(ref, file, library);
  const settings: Settings = {
    design: spec.method.design,
    samples: o.samples ?? spec.method.samples,
    accept: o.accept ?? spec.method.accept,
    designSeed: spec.method.seed,
    refine: o.refine ?? spec.method.refine,
    replicates: o.replicates ?? spec.replicates,
    seed: o.seed ?? spec.seed,
  };
  if (settings.seed + settings.replicates > Number.MAX_SAFE_INTEGER) throw new ScenarioError([{ file: '--seed', path: [], pathText: '', expected: 'seed + replicates at most 2^53 - 1', found: String(settings.seed) }]);
  const parameters = spec.parameters.map((p): RangeParameter => ({ path: p.path, min: p.min, max: p.max, scale: p.scale, integer: p.integer }));
  const set = [...assignments(spec.set), ...(o.set ?? [])];
  const seeds = Array.from({ length: settings.replicates }, (_, r) => String(settings.seed + r));
  const at = (values: readonly number[]): string[] => parameters.map((p, j) => `${p.path}=${JSON.stringify(values[j])}`);
  // A problem caused by a parameter or by the file's `set` is shown at its place in this file.
  const relocate = (p: Problem, values: readonly number[], where: string): Problem => {
    const by = p.file.startsWith('--set ') ? p.file.slice('--set '.length) : undefined;
    const j = parameters.findIndex((q) => q.path === by);
    const here = (path: (string | number)[], pathText: string): Problem => {
      const { line: _l, column: _c, ...rest } = p;
      return { ...rest, file, path, pathText, ...calibration.doc.locate(path) };
    };
    if (j >= 0) return here(['parameters', j, 'path'], `parameters[${j}].path: ${p.pathText} = ${formatNumber(values[j]!)} (${where})`);
    if (by !== undefined && Object.hasOwn(spec.set, by) && !(o.set ?? []).some((a) => a.startsWith(`${by}=`))) return here(['set', by], `${formatPath(['set', by])}: ${p.pathText}`);
    return { ...p, file: `${file}: ${where}: ${p.file}` };
  };
  const resolveAt = (values: readonly number[], seed: string, where: string): Scenario => {
    try {
      return resolveScenario(source, library, registry, { seed, set: [...set, ...at(values)] });
    } catch (e) {
      if (e instanceof ScenarioError) throw new ScenarioError(e.problems.map((p) => relocate(p, values, where)));
      throw e;
    }
  };
  // Every parameter at the low and the high end of its range: a wrong path or a value the
  // scenario refuses is reported now, not after an hour of runs.
  resolveAt(
    parameters.map((p) => fromUnit(p, 0) as number),
    seeds[0]!,
    'the low end of its range',
  );
  resolveAt(
    parameters.map((p) => fromUnit(p, 1) as number),
    seeds[0]!,
    'the high end of its range',
  );
  const design = makeDesign(settings.design, parameters, { samples: settings.samples, seed: settings.designSeed });
  const base = resolveAt(design.points[0]! as number[], seeds[0]!, 'a sampled point');
  checkTargetNames(calibration, availableNames(base, registry));
  return {
    calibration,
    scenario: ref,
    scenarioFromCommand: o.scenario !== undefined,
    set: o.set ?? [],
    settings,
    parameters,
    targets: spec.targets,
    values: spec.targets.map((t) => t.value),
    scales: spec.targets.map(targetScale),
    seeds,
    design,
    base,
    resolve: (values, seed) => resolveAt(values, seed, 'a point of the search'),
  };
}

/** A built-in's name, or a scenario file: relative to the calibration file when it names it, else to the working directory. */
function openScenario(ref: string, relativeTo: string | undefined, library: ScenarioLibrary): SourceDoc {
  const looksLikeFile = /[/\\]/.test(ref) || /\.(ya?ml|json)$/i.test(ref);
  const builtin = looksLikeFile ? undefined : library.open(ref);
  if (builtin) return builtin;
  if (!looksLikeFile) {
    throw new ScenarioError([
      { file: relativeTo ?? ref, path: relativeTo ? ['scenario'] : [], pathText: relativeTo ? 'scenario' : '', expected: `a built-in scenario (${library.names().join(', ')}) or a scenario file`, found: JSON.stringify(ref) },
    ]);
  }
  return readScenarioFile(relativeTo === undefined || isAbsolute(ref) ? ref : resolve(dirname(relativeTo), ref));
}

/** Values as `--set` assignments: JSON is YAML, so every value reads back as itself. */
function assignments(changes: Record<string, unknown>): string[] {
  return Object.entries(changes).map(([path, v]) => `${path}=${JSON.stringify(v)}`);
}

/** Runs one resolved scenario to its end and hands back its end-of-run summary (metric totals and audit indicators). */
export type Runner = (scenario: Scenario) => Promise<Record<string, number>>;

/**
 * This machine's runner processes (src/experiment/pool.ts), `workers` of them (default one per
 * core), each run on the cores left per process as threads. `close` kills them: runs in flight fail.
 */
export function poolRunner(o: { workers?: number | undefined } = {}): { run: Runner; close: () => Promise<void>; workers: number } {
  const cores = availableParallelism();
  const workers = Math.max(1, o.workers ?? cores);
  const threads = Math.max(1, Math.floor(cores / workers));
  const pool = new ProcessPool(workers);
  let next = 0;
  return {
    workers,
    run: async (s) => (await pool.run({ id: `calibration-${next++}`, scenario: scenarioJson(s), threads })).summary,
    close: () => pool.close(),
  };
}

/** One point evaluated: its runs (one per seed) reduced to the targets' statistics and the distance. */
export interface Evaluation {
  stage: 'sample' | 'refine';
  /** The point on the unit cube of the prior box. */
  unit: number[];
  /** The parameters' values, in the order of the file. */
  values: number[];
  /** stats[r][j]: target j's statistic in replicate r (NaN: no value). */
  stats: number[][];
  /** Each target's statistic averaged over the replicates. */
  mean: number[];
  /** ρ of the replicate means: sqrt(Σ ((mean_j − target_j) / scale_j)²). */
  distance: number;
  /** Errors of runs that failed (their statistics are NaN). */
  errors: string[];
}

export interface CalibrationProgress {
  stage: 'sample' | 'refine';
  done: number;
  total: number;
  /** The smallest distance so far. */
  best: number;
  elapsed: number;
}

/** A target at one point: its value and scale, and the replicates' mean with its 95% t-interval. */
export interface TargetFit {
  name: string;
  value: number;
  scale: number;
  mean: number;
  lo: number;
  hi: number;
  /** (mean − value) / |value|. */
  relativeError: number;
  /** (mean − value) / scale: the target's term in the distance. */
  z: number;
}

export interface PointReport {
  values: number[];
  distance: number;
  targets: TargetFit[];
}

export interface ParameterPosterior {
  path: string;
  min: number;
  max: number;
  scale: 'linear' | 'log';
  integer: boolean;
  median: number;
  /** The 90% interval: the 5% and 95% quantiles of the accepted points. */
  lo: number;
  hi: number;
  best: number;
  refined?: number | undefined;
  /** The 90% interval's width over the prior's (on the prior's scale): 1 means the targets told nothing. */
  widthShare: number;
  /** The interval reaches into the outer 2.5% of the prior range: the range may cut the posterior off. */
  atEdge: boolean;
}

export interface CalibrationResult {
  version: 1;
  name: string | undefined;
  file: string;
  scenario: string;
  agents: number;
  days: number;
  settings: Settings;
  targets: { name: string; value: number; scale: number; computed: string; source: string | undefined }[];
  /** How many sampled points were accepted, and the largest accepted distance (ε). */
  accepted: { count: number; epsilon: number; indices: number[] };
  posterior: ParameterPosterior[];
  best: PointReport;
  refined?: (PointReport & { evaluations: number; iterations: number; reason: string }) | undefined;
  runs: number;
  failedRuns: number;
  seconds: number;
  command: string;
  versions: Record<string, string>;
  /** Every point evaluated: the sample in its order, then the refinement's new points. */
  evaluations: Evaluation[];
}

/** Thrown when the calibration was stopped (Ctrl-C): nothing is reported. */
export class CalibrationInterrupted extends Error {
  override name = 'CalibrationInterrupted';
}

/** Runs the calibration: the prior sample, the rejection step, the posterior, and the refinement. */
export async function calibrate(
  plan: CalibrationPlan,
  run: Runner,
  o: { stop?: AbortSignal | undefined; progress?: ((p: CalibrationProgress) => void) | undefined; command?: string | undefined } = {},
): Promise<CalibrationResult> {
  const started = performance.now();
  const evaluations: Evaluation[] = [];
  const cache = new Map<string, Promise<Evaluation>>();
  let runs = 0;
  let failedRuns = 0;
  let best = Infinity;
  const progress = { stage: 'sample' as Evaluation['stage'], done: 0, total: plan.design.points.length };
  const report = (): void => o.progress?.({ ...progress, best, elapsed: (performance.now() - started) / 1000 });
  const checkStop = (): void => {
    if (o.stop?.aborted) throw new CalibrationInterrupted('the calibration was stopped');
  };

  const evaluateOne = async (unit: number[], stage: Evaluation['stage']): Promise<Evaluation> => {
    const values = plan.parameters.map((p, j) => fromUnit(p, unit[j]!) as number);
    const errors: string[] = [];
    const stats = await Promise.all(
      plan.seeds.map(async (seed) => {
        const scenario = plan.resolve(values, seed);
        try {
          const summary = await run(scenario);
          runs++;
          return plan.targets.map((t) => targetValue(t, summary, scenario.agents));
        } catch (e) {
          checkStop();
          runs++;
          failedRuns++;
          errors.push(e instanceof Error ? e.message : String(e));
          return plan.targets.map(() => NaN);
        }
      }),
    );
    checkStop();
    const mean = replicateMeans(stats, plan.targets.length);
    const e: Evaluation = { stage, unit, values, stats, mean, distance: distance(mean, plan.values, plan.scales), errors };
    evaluations.push(e);
    best = Math.min(best, e.distance);
    progress.done++;
    report();
    return e;
  };
  /** A point already evaluated (the same parameter values) is not run again: its runs would be the same. */
  const evaluate = (points: number[][], stage: Evaluation['stage']): Promise<Evaluation[]> =>
    Promise.all(
      points.map((unit) => {
        const key = JSON.stringify(plan.parameters.map((p, j) => fromUnit(p, unit[j]!)));
        let e = cache.get(key);
        if (!e) {
          e = evaluateOne(unit, stage);
          cache.set(key, e);
        } else if (stage === 'refine') {
          progress.done++;
        }
        return e;
      }),
    );

  // 1. The prior sample, every point under the same seeds.
  report();
  const sample = await evaluate(plan.design.unit, 'sample');
  checkStop();
  // Evaluations were recorded as they finished: put the sample back in its own order.
  evaluations.splice(0, evaluations.length, ...sample);

  // 2. Rejection: the closest fraction of the sample is the posterior.
  const distances = sample.map((e) => e.distance);
  const accepted = acceptClosest(distances, acceptedCount(sample.length, plan.settings.accept));
  if (!accepted.length) {
    const missing = plan.targets.filter((_, j) => sample.every((e) => Number.isNaN(e.mean[j]))).map((t) => `${t.name} (${describeTarget(t)})`);
    const why = sample.find((e) => e.errors.length)?.errors[0];
    throw new Error(
      `no sampled point has a value for every target${missing.length ? `: no run had a value for ${missing.join(', ')}` : ''}${why ? `; a run failed with: ${why}` : ''}`,
    );
  }
  const bestSample = sample[accepted[0]!]!;
  const summaries = plan.parameters.map((_, j) => unitSummary(plan.design.unit, accepted, j));

  // 3. Refinement: Nelder–Mead on the unit cube from the best accepted point.
  let refined: CalibrationResult['refined'];
  if (plan.settings.refine > 0) {
    progress.stage = 'refine';
    progress.done = 0;
    progress.total = plan.settings.refine;
    report();
    const steps = summaries.map((s) => Math.min(0.2, Math.max(0.02, (s.hi - s.lo) / 2)));
    const r = await nelderMead(async (points) => (await evaluate(points, 'refine')).map((e) => e.distance), bestSample.unit, bestSample.distance, steps, { budget: plan.settings.refine, stop: o.stop });
    checkStop();
    const key = JSON.stringify(plan.parameters.map((p, j) => fromUnit(p, r.x[j]!)));
    const at = await cache.get(key)!;
    refined = { ...pointReport(plan, at), evaluations: r.evaluations, iterations: r.iterations, reason: r.reason };
  }

  const posterior = plan.parameters.map((p, j): ParameterPosterior => {
    const s = summaries[j]!;
    return {
      path: p.path,
      min: p.min,
      max: p.max,
      scale: p.scale,
      integer: p.integer,
      median: fromUnit(p, s.median) as number,
      lo: fromUnit(p, s.lo) as number,
      hi: fromUnit(p, s.hi) as number,
      best: bestSample.values[j]!,
      refined: refined?.values[j],
      widthShare: (s.hi - s.lo) / 0.9,
      atEdge: s.lo < 0.025 || s.hi > 0.975,
    };
  });
  return {
    version: 1,
    name: plan.calibration.spec.name,
    file: plan.calibration.file,
    scenario: plan.scenario,
    agents: plan.base.agents,
    days: plan.base.days,
    settings: plan.settings,
    targets: plan.targets.map((t, j) => ({ name: t.name, value: t.value, scale: plan.scales[j]!, computed: describeTarget(t), source: t.source })),
    accepted: { count: accepted.length, epsilon: distances[accepted.at(-1)!]!, indices: accepted },
    posterior,
    best: pointReport(plan, bestSample),
    refined,
    runs,
    failedRuns,
    seconds: (performance.now() - started) / 1000,
    command: o.command ?? reproduceCommand(plan),
    versions: versions(),
    evaluations,
  };
}

function pointReport(plan: CalibrationPlan, e: Evaluation): PointReport {
  return {
    values: e.values,
    distance: e.distance,
    targets: plan.targets.map((t, j) => {
      const ci = ci95(e.stats.map((row) => row[j]!).filter((x) => !Number.isNaN(x)));
      return { name: t.name, value: t.value, scale: plan.scales[j]!, mean: e.mean[j]!, lo: ci.lo, hi: ci.hi, relativeError: (e.mean[j]! - t.value) / Math.abs(t.value), z: (e.mean[j]! - t.value) / plan.scales[j]! };
    }),
  };
}

/** The command that reproduces a calibration: the same file, scenario, sample, refinement and seeds. */
export function reproduceCommand(plan: CalibrationPlan): string {
  const quote = (s: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const s = plan.settings;
  return [
    'sclab calibrate',
    ...(plan.scenarioFromCommand ? [quote(plan.scenario)] : []),
    `--targets ${quote(plan.calibration.file)}`,
    `--budget ${s.samples}`,
    `--refine ${s.refine}`,
    `--replicates ${s.replicates}`,
    `--seed ${s.seed}`,
    ...plan.set.map((a) => `--set ${quote(a)}`),
  ].join(' ');
}

/* ── the report ───────────────────────────────────────────────────────────── */

/** A number in at most 4 significant digits, in exponent form when very small or large. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) return x.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(4)));
}

const percent = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%` : 'n/a');
const withInterval = (mean: number, lo: number, hi: number): string => (Number.isNaN(lo) ? formatNumber(mean) : `${formatNumber(mean)} [${formatNumber(lo)}, ${formatNumber(hi)}]`);

/** Columns padded to their widest cell, the first row a header. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => (r[k] ?? '').length)));
  return rows.map((r) => r.map((c, k) => (k === r.length - 1 ? c : c.padEnd(widths[k]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** The result as the terminal shows it: method, parameters, targets, and the command to reproduce it. */
export function calibrationText(r: CalibrationResult): string {
  const s = r.settings;
  const seeds = s.replicates === 1 ? `seed ${s.seed}` : `seeds ${s.seed}..${s.seed + s.replicates - 1}`;
  const lines: string[] = [];
  lines.push(`calibration of ${r.scenario} (${r.agents} agents x ${r.days} days) to ${r.file}: ${r.posterior.length} parameter(s), ${r.targets.length} target(s)`);
  lines.push(
    `method: ABC rejection on a ${s.design} sample of ${s.samples} points of the prior box, ${s.replicates} replicate(s) each (${seeds}, the same at every point); ` +
      `accepted the ${r.accepted.count} closest (${formatNumber(100 * s.accept)}%), distance <= ${formatNumber(r.accepted.epsilon)} (epsilon)`,
  );
  if (r.refined) {
    lines.push(
      `refinement: Nelder–Mead from the best accepted point, ${r.refined.evaluations} evaluation(s) in ${r.refined.iterations} iteration(s) (ended: ${r.refined.reason}); distance ${formatNumber(r.best.distance)} -> ${formatNumber(r.refined.distance)}`,
    );
  } else lines.push('refinement: none');
  lines.push(`runs: ${r.runs} (${r.failedRuns} failed) in ${r.seconds.toFixed(1)} s`);
  lines.push('');
  const prior = (p: ParameterPosterior): string => `[${formatNumber(p.min)}, ${formatNumber(p.max)}] ${p.scale}${p.integer ? ', integer' : ''}`;
  lines.push(
    table([
      ['parameter', 'prior', 'posterior median', '90% interval', 'width/prior', 'best sampled', ...(r.refined ? ['refined'] : [])],
      ...r.posterior.map((p) => [
        p.path,
        prior(p),
        formatNumber(p.median),
        `[${formatNumber(p.lo)}, ${formatNumber(p.hi)}]${p.atEdge ? ' (edge)' : ''}`,
        formatNumber(p.widthShare),
        formatNumber(p.best),
        ...(r.refined ? [formatNumber(p.refined!)] : []),
      ]),
    ]).trimEnd(),
  );
  lines.push('');
  const fits = (): string[][] =>
    r.targets.map((t, j) => {
      const b = r.best.targets[j]!;
      const f = r.refined?.targets[j];
      return [
        t.name,
        `${formatNumber(t.value)} ± ${formatNumber(t.scale)}`,
        withInterval(b.mean, b.lo, b.hi),
        percent(b.relativeError),
        ...(f ? [withInterval(f.mean, f.lo, f.hi), percent(f.relativeError)] : []),
        t.computed,
      ];
    });
  lines.push(
    table([
      ['target', 'value ± scale', 'best sampled: mean [95% CI]', 'rel. error', ...(r.refined ? ['refined: mean [95% CI]', 'rel. error'] : []), 'computed as'],
      ...fits(),
    ]).trimEnd(),
  );
  const edges = r.posterior.filter((p) => p.atEdge);
  if (edges.length) lines.push('', `note: the 90% interval of ${edges.map((p) => p.path).join(', ')} reaches the edge of the prior range: the range may cut the posterior off`);
  const sources = r.targets.filter((t) => t.source);
  if (sources.length) {
    lines.push('', 'sources:');
    for (const t of sources) lines.push(`  ${t.name}: ${t.source!}`);
  }
  lines.push('', `reproduce: ${r.command}`);
  return lines.join('\n') + '\n';
}
