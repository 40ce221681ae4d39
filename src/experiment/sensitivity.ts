/**
 * Sensitivity analysis: which parameters move an output, from a design and one output value per
 * design point (the caller averages replicates first). Morris screens many parameters cheaply;
 * Sobol indices apportion the output's variance; main effects summarise any design, a grid above all.
 */
import type { Design, Value } from './design.ts';
import { mean, mulberry32, quantile, sd } from './stats.ts';

export interface MorrisIndex {
  path: string;
  /** Mean absolute elementary effect: the overall importance, which opposite signs cannot cancel. */
  muStar: number;
  /** Mean elementary effect: its sign tells the direction when the effect is monotone. */
  mu: number;
  /** Sample sd of the elementary effects: large when the effect depends on where it is measured (non-linearity or interactions). */
  sigma: number;
}

/**
 * Morris elementary effects on the unit scale, EE = (y(x + Δe_i) - y(x)) / Δ with Δ signed by the
 * step. The unit scale makes parameters with different units and ranges comparable: an effect
 * reads as the change in output across the parameter's whole range.
 */
export function morrisIndices(design: Design, y: number[]): MorrisIndex[] {
  requireMethod(design, 'morris');
  checkOutputs(design, y);
  const d = design.parameters.length;
  const effects: number[][] = design.parameters.map(() => []);
  for (let start = 0; start < y.length; start += d + 1) {
    for (let k = start; k < start + d; k++) {
      const [from, to] = [design.unit[k]!, design.unit[k + 1]!];
      const moved = from.flatMap((u, j) => (u !== to[j] ? [j] : []));
      if (moved.length !== 1) throw new Error(`morris design points ${k} and ${k + 1} differ in ${moved.length} parameters, not one`);
      const j = moved[0]!;
      effects[j]!.push((y[k + 1]! - y[k]!) / (to[j]! - from[j]!));
    }
  }
  return design.parameters.map((p, j) => {
    const ee = effects[j]!;
    return { path: p.path, muStar: mean(ee.map(Math.abs)), mu: mean(ee), sigma: sd(ee) };
  });
}

export interface SobolIndex {
  path: string;
  /** Share of the output's variance due to this parameter alone. */
  first: number;
  /** Share due to this parameter including all its interactions: near 0 means it can be fixed anywhere. */
  total: number;
  firstCi: [number, number];
  totalCi: [number, number];
}

/**
 * Sobol indices from a saltelli design: the first-order estimator of Saltelli et al. (2010) and the
 * total-effect estimator of Jansen (1999), both over the variance of the A and B outputs together.
 * The 95% intervals are bootstrap percentiles from resampling base rows (each row's A, B and AB
 * points move together, since the estimators pair them); with bootstrap 0 they are NaN.
 * A constant output has no variance to apportion and gives NaN indices.
 */
export function sobolIndices(design: Design, y: number[], o: { bootstrap?: number; seed?: number } = {}): SobolIndex[] {
  requireMethod(design, 'saltelli');
  checkOutputs(design, y);
  const bootstrap = o.bootstrap ?? 200;
  if (!Number.isInteger(bootstrap) || bootstrap < 0) throw new Error(`sobolIndices needs bootstrap >= 0, found ${bootstrap}`);
  const d = design.parameters.length;
  const n = y.length / (d + 2);
  const estimate = (rows: readonly number[]): { first: number[]; total: number[] } => {
    const ab = rows.flatMap((k) => [y[k * (d + 2)]!, y[k * (d + 2) + 1]!]);
    const m = mean(ab);
    const variance = mean(ab.map((v) => (v - m) ** 2));
    const first: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < d; i++) {
      let f = 0;
      let t = 0;
      for (const k of rows) {
        const [fa, fb, fabi] = [y[k * (d + 2)]!, y[k * (d + 2) + 1]!, y[k * (d + 2) + 2 + i]!];
        f += fb * (fabi - fa);
        t += (fa - fabi) ** 2;
      }
      first.push(f / rows.length / variance);
      total.push(t / (2 * rows.length) / variance);
    }
    return { first, total };
  };

  const point = estimate(Array.from({ length: n }, (_, k) => k));
  const random = mulberry32(o.seed ?? 1);
  const resamples = Array.from({ length: bootstrap }, () => estimate(Array.from({ length: n }, () => Math.floor(random() * n))));
  const interval = (xs: number[]): [number, number] => [quantile(xs, 0.025), quantile(xs, 0.975)];
  return design.parameters.map((p, i) => ({
    path: p.path,
    first: point.first[i]!,
    total: point.total[i]!,
    firstCi: interval(resamples.map((r) => r.first[i]!)),
    totalCi: interval(resamples.map((r) => r.total[i]!)),
  }));
}

export interface MainEffect {
  path: string;
  /** The lowest mean output over the parameter's values, and the value where it occurs. */
  low: number;
  lowAt: Value;
  /** The highest mean output over the parameter's values, and the value where it occurs. */
  high: number;
  highAt: Value;
}

/**
 * For any design: per parameter, the min and max over its distinct values of the mean output
 * grouped by that value (for a tornado chart of a grid). On a grid every value is averaged over
 * all combinations of the others, so the spread high - low is that parameter's main effect. On a
 * continuous design each value occurs once and the spread is merely the range of the output. Ties
 * go to the value met first.
 */
export function mainEffects(design: Design, y: number[]): MainEffect[] {
  checkOutputs(design, y);
  return design.parameters.map((p, j) => {
    const groups = new Map<Value, number[]>();
    design.points.forEach((point, k) => {
      const v = point[j]!;
      const group = groups.get(v);
      if (group) group.push(y[k]!);
      else groups.set(v, [y[k]!]);
    });
    let effect: MainEffect | undefined;
    for (const [at, ys] of groups) {
      const m = mean(ys);
      if (!effect) effect = { path: p.path, low: m, lowAt: at, high: m, highAt: at };
      else if (m < effect.low) Object.assign(effect, { low: m, lowAt: at });
      else if (m > effect.high) Object.assign(effect, { high: m, highAt: at });
    }
    return effect!;
  });
}

function requireMethod(design: Design, method: 'morris' | 'saltelli'): void {
  const wanted = method === 'morris' ? 'Morris indices' : 'Sobol indices';
  if (design.method !== method) throw new Error(`${wanted} need a ${method} design, found ${design.method}`);
  const block = design.parameters.length + (method === 'morris' ? 1 : 2);
  if (design.points.length === 0 || design.points.length % block !== 0) {
    throw new Error(`a ${method} design over ${design.parameters.length} parameters needs whole blocks of ${block} points, found ${design.points.length} points`);
  }
}

/** One finite output per design point: a failed or missing run must not quietly become an index. */
function checkOutputs(design: Design, y: number[]): void {
  if (y.length !== design.points.length) throw new Error(`expected one output per design point (${design.points.length}), found ${y.length}`);
  const bad = y.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`output at design point ${bad} is ${y[bad]}, not a finite number`);
}
