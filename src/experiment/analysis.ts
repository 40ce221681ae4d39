import { INDICATOR_NAMES } from '../metrics/audit.ts';
import type { ExperimentRow, RunRow, Store } from '../store/store.ts';
import type { Design, Value } from './design.ts';
import { describeParams } from './plan.ts';
import type { Experiment } from './schema.ts';
import { mainEffects, morrisIndices, sobolIndices } from './sensitivity.ts';
import { ci95, pairedCi95, type Interval } from './stats.ts';

/** One design point and arm's end-of-run values of one output, over its replicates. */
export interface Cell {
  metric: string;
  point: number;
  arm: string;
  label: string;
  interval: Interval;
  values: number[];
}

/** An arm against the reference arm at one point: differences of runs under the same seed. */
export interface Paired {
  metric: string;
  point: number;
  label: string;
  contrast: string;
  interval: Interval;
}

/**
 * One parameter's effect on one output. `low` and `high` are the two measures a tornado chart draws;
 * the rest are there so that a table can show every figure the method gives without recomputing.
 */
export interface SensitivityRow {
  parameter: string;
  /** Main effects: the lowest mean output over the parameter's values; Morris: 0; Sobol: the first-order index. */
  low: number;
  /** Main effects: the highest mean output; Morris: μ*, the mean absolute elementary effect; Sobol: the total index. */
  high: number;
  /** The figures in words, for the terminal. */
  detail: string;
  /** Main effects: the parameter's values where `low` and `high` occur. */
  lowAt?: Value;
  highAt?: Value;
  /** Morris: the mean elementary effect (its sign the direction) and their sd (non-linearity or interaction). */
  mu?: number;
  sigma?: number;
  /** Sobol: 95% bootstrap intervals of the first-order (`low`) and total (`high`) indices. */
  lowCi?: [number, number];
  highCi?: [number, number];
}

export interface Sensitivity {
  metric: string;
  kind: 'main-effects' | 'morris' | 'sobol';
  rows: SensitivityRow[];
}

export interface Analysis {
  experiment: ExperimentRow;
  spec: Experiment;
  design: Design | null;
  runs: RunRow[];
  outputs: string[];
  /** A point's parameter values in words ("" for an experiment without `vary`). */
  pointLabel: (point: number) => string;
  cells: Cell[];
  paired: Paired[];
  sensitivity: Sensitivity[];
  /** Why a sensitivity analysis was not possible, if it was asked for by the design. */
  notes: string[];
}

/** The outputs to analyse: the experiment's own list, else the audit indicators the runs have. */
export function chooseOutputs(spec: Experiment, available: ReadonlySet<string>, asked?: readonly string[]): string[] {
  const wanted = asked?.length ? asked : spec.outputs;
  if (!available.size) throw new Error(`no finished runs of "${spec.name}" yet: run \`sclab sweep\` on it`);
  if (wanted.length) {
    const missing = wanted.filter((m) => !available.has(m));
    if (missing.length) throw new Error(`no output ${missing.map((m) => `"${m}"`).join(', ')} in the stored runs (have: ${[...available].sort().join(', ')})`);
    return [...wanted];
  }
  const indicators = [...available].filter((m) => INDICATOR_NAMES.some((p) => (p.endsWith('*') ? m.startsWith(p.slice(0, -1)) : m === p)));
  return indicators.length ? indicators : [...available].slice(0, 8);
}

/** Everything `sclab results` and `sclab report` show, computed from the store. */
export async function analyse(store: Store, name: string, asked?: readonly string[]): Promise<Analysis> {
  const experiment = await store.experiment(name);
  const spec = experiment.spec as Experiment;
  const design = experiment.design as Design | null;
  const runs = await store.runs(name);
  const all = await store.summaries(name);
  const outputs = chooseOutputs(spec, new Set(all.map((r) => r.metric)), asked);
  const wanted = new Set(outputs);
  const rows = all.filter((r) => wanted.has(r.metric));
  const arms = spec.arms.map((a) => a.name);
  const points = design?.points.length ?? 1;
  const pointLabel = (k: number): string => (design ? describeParams(Object.fromEntries(design.parameters.map((p, j) => [p.path, design.points[k]![j]]))) : '');
  const label = (k: number, arm: string): string => [arms.length > 1 || !design ? arm : '', points > 1 ? pointLabel(k) : ''].filter(Boolean).join(' @ ');

  // value[metric][point][arm][replicate]
  const value = new Map<string, Map<number, Map<string, Map<number, number>>>>();
  for (const r of rows) {
    const m = value.get(r.metric) ?? value.set(r.metric, new Map()).get(r.metric)!;
    const p = m.get(r.point) ?? m.set(r.point, new Map()).get(r.point)!;
    const a = p.get(r.arm) ?? p.set(r.arm, new Map()).get(r.arm)!;
    a.set(r.replicate, r.value);
  }
  const cells: Cell[] = [];
  const paired: Paired[] = [];
  for (const metric of outputs) {
    for (let k = 0; k < points; k++) {
      const byArm = value.get(metric)?.get(k);
      for (const arm of arms) {
        const values = [...(byArm?.get(arm)?.values() ?? [])];
        if (values.length) cells.push({ metric, point: k, arm, label: label(k, arm), interval: ci95(values), values });
      }
      const ref = byArm?.get(arms[0]!);
      for (const arm of arms.slice(1)) {
        const other = byArm?.get(arm);
        if (!ref || !other) continue;
        const reps = [...ref.keys()].filter((r) => other.has(r)).sort((a, b) => a - b);
        if (!reps.length) continue;
        paired.push({
          metric,
          point: k,
          label: points > 1 ? pointLabel(k) : 'all runs',
          contrast: `${arm} − ${arms[0]}`,
          interval: pairedCi95(reps.map((r) => ref.get(r)!), reps.map((r) => other.get(r)!)),
        });
      }
    }
  }
  // Over the whole design: the arm's effect averaged over the points, one figure per replicate.
  // Replicate r runs with the same seed at every point, so its differences across points are not
  // independent; the interval is over replicates, whose seeds are.
  if (points > 1) {
    for (const metric of outputs) {
      for (const arm of arms.slice(1)) {
        const byReplicate = new Map<number, { ref: number[]; other: number[] }>();
        for (let k = 0; k < points; k++) {
          const ref = value.get(metric)?.get(k)?.get(arms[0]!);
          const other = value.get(metric)?.get(k)?.get(arm);
          for (const [r, v] of ref ?? []) {
            const w = other?.get(r);
            if (w === undefined) continue;
            const acc = byReplicate.get(r) ?? byReplicate.set(r, { ref: [], other: [] }).get(r)!;
            acc.ref.push(v);
            acc.other.push(w);
          }
        }
        const reps = [...byReplicate.values()];
        if (!reps.length) continue;
        const avg = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
        paired.push({ metric, point: -1, label: 'all points', contrast: `${arm} − ${arms[0]}`, interval: pairedCi95(reps.map((x) => avg(x.ref)), reps.map((x) => avg(x.other))) });
      }
    }
  }
  const { sensitivity, notes } = sensitivities(design, outputs, value, arms[0]!);
  return { experiment, spec, design, runs, outputs, pointLabel, cells, paired, sensitivity, notes };
}

/**
 * Sensitivity of each output to the varied parameters, from the reference arm's mean over
 * replicates at each point: Morris or Sobol indices from their designs, main effects otherwise.
 */
function sensitivities(design: Design | null, outputs: string[], value: Map<string, Map<number, Map<string, Map<number, number>>>>, ref: string): { sensitivity: Sensitivity[]; notes: string[] } {
  const sensitivity: Sensitivity[] = [];
  const notes: string[] = [];
  if (!design || design.points.length < 2) return { sensitivity, notes };
  for (const metric of outputs) {
    const y = design.points.map((_, k) => {
      const v = [...(value.get(metric)?.get(k)?.get(ref)?.values() ?? [])];
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
    });
    const missing = y.filter((v) => Number.isNaN(v)).length;
    if (missing) {
      notes.push(`${metric}: no sensitivity yet, ${missing} of ${y.length} points have no finished run`);
      continue;
    }
    if (design.method === 'morris') {
      const rows = morrisIndices(design, y).map((m) => ({ parameter: m.path, low: 0, high: m.muStar, mu: m.mu, sigma: m.sigma, detail: `mu* ${fmt(m.muStar)}, mu ${fmt(m.mu)}, sigma ${fmt(m.sigma)}` }));
      sensitivity.push({ metric, kind: 'morris', rows });
    } else if (design.method === 'saltelli') {
      const rows = sobolIndices(design, y).map((s) => ({
        parameter: s.path,
        low: s.first,
        high: s.total,
        lowCi: s.firstCi,
        highCi: s.totalCi,
        detail: `first ${fmt(s.first)} [${fmt(s.firstCi[0])}, ${fmt(s.firstCi[1])}], total ${fmt(s.total)} [${fmt(s.totalCi[0])}, ${fmt(s.totalCi[1])}]`,
      }));
      sensitivity.push({ metric, kind: 'sobol', rows });
    } else {
      const rows = mainEffects(design, y).map((e) => ({ parameter: e.path, low: e.low, high: e.high, lowAt: e.lowAt, highAt: e.highAt, detail: `${fmt(e.low)} at ${String(e.lowAt)} to ${fmt(e.high)} at ${String(e.highAt)}` }));
      sensitivity.push({ metric, kind: 'main-effects', rows });
    }
  }
  return { sensitivity, notes };
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'n/a' : String(v);
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  if (Math.abs(v) >= 1000) return Math.round(v).toString();
  const t = v.toPrecision(4);
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}

/** Above this many points, the terminal shows sensitivity and whole-design effects, not every point. */
const MAX_POINTS_SHOWN = 12;

/** The analysis as text for the terminal. */
export function analysisText(a: Analysis): string {
  const e = a.experiment;
  const out: string[] = [`${e.name}${e.title ? `: ${e.title}` : ''}`, `runs: ${e.done} done, ${e.failed} failed, ${e.total - e.done - e.failed} pending, of ${e.total}`];
  // Sensitivity designs have many points, each of little interest alone.
  const many = (a.design?.points.length ?? 1) > MAX_POINTS_SHOWN;
  for (const metric of a.outputs) {
    const cells = a.cells.filter((c) => c.metric === metric);
    if (!cells.length) continue;
    out.push('', `${metric}: mean [95% CI] over replicates`);
    if (many) {
      out.push(`  (${a.design!.points.length} points: per-point values with --json or --export)`);
    }
    const shown = many ? [] : cells;
    const w = Math.max(...shown.map((c) => c.label.length), 4);
    for (const c of shown) out.push(`  ${c.label.padEnd(w)}  n=${c.interval.n}  ${fmt(c.interval.mean)} [${fmt(c.interval.lo)}, ${fmt(c.interval.hi)}]`);
    const pairs = a.paired.filter((p) => p.metric === metric && (!many || p.point < 0));
    if (pairs.length) {
      out.push(`  paired differences (same seeds):`);
      const wp = Math.max(...pairs.map((p) => `${p.contrast} @ ${p.label}`.length));
      for (const p of pairs) out.push(`  ${`${p.contrast} @ ${p.label}`.padEnd(wp)}  n=${p.interval.n}  ${fmt(p.interval.mean)} [${fmt(p.interval.lo)}, ${fmt(p.interval.hi)}]`);
    }
    for (const s of a.sensitivity.filter((x) => x.metric === metric)) {
      out.push(`  sensitivity (${s.kind === 'main-effects' ? 'main effects: mean output over each value' : s.kind === 'morris' ? 'Morris elementary effects' : 'Sobol indices'}):`);
      const wr = Math.max(...s.rows.map((r) => r.parameter.length));
      for (const r of s.rows) out.push(`    ${r.parameter.padEnd(wr)}  ${r.detail}`);
    }
  }
  for (const n of a.notes) out.push(`note: ${n}`);
  const failed = a.runs.filter((r) => r.status === 'failed');
  if (failed.length) {
    out.push('', 'failed runs:');
    for (const r of failed.slice(0, 10)) out.push(`  ${r.run_id} point ${r.point} replicate ${r.replicate} arm ${r.arm}: ${r.error ?? ''}`);
    if (failed.length > 10) out.push(`  ... and ${failed.length - 10} more`);
  }
  return out.join('\n') + '\n';
}
