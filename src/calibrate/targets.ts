/**
 * Calibration files: which parameters of a scenario to fit, within which prior ranges, to which
 * target statistics. Read and checked like scenario and experiment files: every problem names the
 * file, line, column and path, what was expected and what was found.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Registry } from '../core/engine/world.ts';
import { INDICATOR_NAMES } from '../metrics/audit.ts';
import { planScenario } from '../scenario/compile.ts';
import { formatPath, ScenarioError, type Problem } from '../scenario/errors.ts';
import { readScenarioFile } from '../scenario/file.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { SourceDoc } from '../scenario/source.ts';
import { suggest } from '../scenario/suggest.ts';
import { validate } from '../scenario/validate.ts';

export const CALIBRATION_VERSION = 1;

/** A target stated with `tolerance` (a 95% half-width) has the scale tolerance / 1.96. */
export const TOLERANCE_Z = 1.959963984540054;

/** A `--set`-style path into the scenario, e.g. `modules.economy.params.shock.rate`. */
const path = z.string().regex(/^[A-Za-z0-9_.\-[\]]+$/, 'a path into the scenario, e.g. modules.economy.params.shock.rate');
/** A metric's total or an audit indicator, by name (a histogram's bin: `name[bin]`). */
const metricName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.*-]*(\[[^\]]+\])?$/, 'a metric or audit indicator name, e.g. newListings');
/** In a sum, a name with a leading `-` is subtracted. */
const signedName = z.string().regex(/^-?[A-Za-z_][A-Za-z0-9_.*-]*(\[[^\]]+\])?$/, 'a metric or audit indicator name, with a leading - to subtract it');
/** A name, or a list of names added up (a leading `-` subtracts one). */
const term = z.union([metricName, z.array(signedName).min(1).max(32)]);

const parameter = z
  .strictObject({
    path: path.describe('The parameter to fit, by --set path'),
    min: z.number().describe('Lower end of the prior range'),
    max: z.number().describe('Upper end of the prior range'),
    scale: z.enum(['linear', 'log']).default('linear').describe('Prior uniform on this scale'),
    integer: z.boolean().default(false).describe('Round the value to an integer'),
  })
  .refine((p) => p.max > p.min, 'a range with max above min')
  .refine((p) => p.scale !== 'log' || p.min > 0, 'a log-scale range with min above 0');

const target = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a name of letters, digits, _, . and -').describe('The target\'s name in the report'),
    value: z.number().describe('The published value to match'),
    sd: z.number().positive().optional().describe('The uncertainty of the value: a standard deviation (the distance\'s scale)'),
    tolerance: z.number().positive().optional().describe('The uncertainty of the value as a 95% half-width: value ± tolerance (scale tolerance / 1.96)'),
    from: z
      .union([metricName, z.strictObject({ numerator: term, denominator: term })])
      .describe('What to compute from a run: a metric total or audit indicator, or { numerator, denominator }, each a name or a list of names added up (-name subtracts)'),
    per: z.enum(['agents']).optional().describe('Divide by the number of agents'),
    source: z.string().optional().describe('Where the value comes from (e.g. the fact sheet\'s tag [S39])'),
  })
  .refine((t) => (t.sd === undefined) !== (t.tolerance === undefined), 'either sd or tolerance (one of them)');

const method = z
  .strictObject({
    design: z.enum(['latin-hypercube', 'sobol']).default('latin-hypercube').describe('How the prior box is sampled'),
    samples: z.number().int().min(2).max(100_000).default(64).describe('Points sampled from the prior (the rejection stage\'s evaluations)'),
    accept: z.number().gt(0).max(1).default(0.1).describe('Share of the sampled points, the closest, accepted into the posterior'),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('Seed of the Latin-hypercube sample (not of the runs)'),
    refine: z.number().int().min(0).max(10_000).default(20).describe('Nelder–Mead evaluations after the rejection stage, from its best point (0: none)'),
  })
  .prefault({});

export const calibrationSchema = z
  .strictObject({
    version: z.literal(CALIBRATION_VERSION).describe('Version of the calibration format'),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a name of lower-case letters, digits and -').optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    scenario: z.string().min(1).optional().describe('The scenario to calibrate, when the command names none: a built-in, or a file relative to this one'),
    set: z.record(path, z.unknown()).default({}).describe('Changes to the scenario for every run, by --set path (agents, days...)'),
    parameters: z
      .array(parameter)
      .min(1)
      .max(20)
      .refine((ps) => new Set(ps.map((p) => p.path)).size === ps.length, 'parameters with distinct paths')
      .describe('The parameters to fit, each with its prior range'),
    targets: z
      .array(target)
      .min(1)
      .max(100)
      .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, 'targets with distinct names')
      .describe('The statistics to match'),
    replicates: z.number().int().min(1).max(1000).default(2).describe('Runs per evaluation, with seeds seed, seed+1, ... (the same at every point)'),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER - 1000).default(1).describe('Seed of the first replicate'),
    method: method.describe('The method\'s settings'),
  })
  .refine((c) => !c.parameters.some((p) => Object.hasOwn(c.set, p.path)), { message: 'parameters that set does not also fix', path: ['set'] });

export type CalibrationSpec = z.output<typeof calibrationSchema>;
export type CalibrationParameter = CalibrationSpec['parameters'][number];
export type Target = CalibrationSpec['targets'][number];
type Term = string | string[];

/** A calibration file read and checked, with its text and its source (to locate later problems). */
export interface CalibrationFile {
  file: string;
  text: string;
  doc: SourceDoc;
  spec: CalibrationSpec;
}

/** Reads a calibration file; every problem names the file, line, column and path. */
export function readCalibration(file: string): CalibrationFile {
  const doc = readScenarioFile(file);
  return { file, doc, text: readFileSync(file, 'utf8'), spec: validate(doc, calibrationSchema) };
}

/** The target's scale in the distance: its sd, or its tolerance read as a 95% half-width. */
export function targetScale(t: Target): number {
  return t.sd ?? t.tolerance! / TOLERANCE_Z;
}

/** The names a target reads, in the order written (without the sign of a subtracted one). */
export function targetNames(t: Target): string[] {
  const names = (x: Term): string[] => (Array.isArray(x) ? x.map((n) => n.replace(/^-/, '')) : [x]);
  return typeof t.from === 'string' ? [t.from] : [...names(t.from.numerator), ...names(t.from.denominator)];
}

/**
 * The target's statistic in one run, from its end-of-run summary (a counter's total, a gauge's
 * last value, an audit indicator): NaN when a name has no value in this run or a ratio's
 * denominator is 0, so that the run cannot pass for a close one.
 */
export function targetValue(t: Target, summary: Readonly<Record<string, number>>, agents: number): number {
  const get = (name: string): number => summary[name] ?? NaN;
  const sum = (x: Term): number => (Array.isArray(x) ? x.reduce((s, n) => (n.startsWith('-') ? s - get(n.slice(1)) : s + get(n)), 0) : get(x));
  let v = typeof t.from === 'string' ? get(t.from) : sum(t.from.numerator) / sum(t.from.denominator);
  if (t.per === 'agents') v /= agents;
  return Number.isFinite(v) ? v : NaN;
}

/** The names a run of this scenario can report: its metrics' totals (a histogram: one per bin) and the audit indicators. */
export function availableNames(s: Scenario, registry: Registry): Set<string> {
  const names = new Set<string>();
  for (const m of planScenario(s, registry).metrics) {
    if (m.width === 1 || !m.bins) names.add(m.name);
    else for (const bin of m.bins) names.add(`${m.name}[${bin}]`);
  }
  return names;
}

const isIndicator = (name: string): boolean => INDICATOR_NAMES.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));

/**
 * Checks that every name the targets read is a metric of the scenario or an audit indicator,
 * reporting each unknown one at its place in the file, with a suggestion.
 */
export function checkTargetNames(c: CalibrationFile, available: ReadonlySet<string>): void {
  const problems: Problem[] = [];
  const candidates = [...available, ...INDICATOR_NAMES.filter((n) => !n.endsWith('*'))];
  c.spec.targets.forEach((t, i) => {
    const at = (where: (string | number)[], name: string): void => {
      if (available.has(name) || isIndicator(name)) return;
      const p = ['targets', i, 'from', ...where];
      const pos = c.doc.locate(p);
      const guess = suggest(name, candidates);
      problems.push({
        file: c.file,
        path: p,
        pathText: formatPath(p),
        expected: `a metric of the scenario (${[...available].sort().join(', ')}) or an audit indicator`,
        found: JSON.stringify(name),
        ...(pos ? { line: pos.line, column: pos.column } : {}),
        ...(guess ? { hint: `did you mean "${guess}"?` } : {}),
      });
    };
    const term = (x: Term, where: (string | number)[]): void => {
      if (Array.isArray(x)) x.forEach((n, k) => at([...where, k], n.replace(/^-/, '')));
      else at(where, x);
    };
    if (typeof t.from === 'string') at([], t.from);
    else {
      term(t.from.numerator, ['numerator']);
      term(t.from.denominator, ['denominator']);
    }
  });
  if (problems.length) throw new ScenarioError(problems);
}

/** How a target is computed, in words: `newListings / agents`, `(delistings - appealsWonWrongful) / newListings`. */
export function describeTarget(t: Target): string {
  const term = (x: Term, paren: boolean): string => {
    if (!Array.isArray(x)) return x;
    const text = x.map((n, k) => (n.startsWith('-') ? ` - ${n.slice(1)}` : k ? ` + ${n}` : n)).join('');
    return paren && x.length > 1 ? `(${text})` : text;
  };
  const base = typeof t.from === 'string' ? t.from : `${term(t.from.numerator, true)} / ${term(t.from.denominator, true)}`;
  return t.per === 'agents' ? (typeof t.from === 'string' ? `${base} / agents` : `(${base}) / agents`) : base;
}
