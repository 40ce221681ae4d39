/**
 * Experimental designs: which points of parameter space an experiment visits.
 *
 * Every design is first built on the unit cube [0,1]^d and only then mapped to parameter values.
 * The sensitivity analyses reason about strata, steps and matrices on that cube, so keeping it
 * beside the values lets them ignore ranges, log scales and listed values altogether.
 */
import { mulberry32 } from './stats.ts';

/** A parameter's value: what a `--set` path can take. */
export type Value = number | string | boolean;

/** A parameter to vary: either listed values (grid, or sampled uniformly at random by index) or a numeric range. */
export type Parameter =
  | { path: string; values: Value[] }
  | {
      path: string;
      min: number;
      max: number;
      scale?: 'linear' | 'log';
      integer?: boolean;
      /** grid only: points across the range, default 5 */
      levels?: number;
    };

export type DesignMethod = 'grid' | 'random' | 'latin-hypercube' | 'sobol' | 'morris' | 'saltelli';

export interface DesignOptions {
  /** random, latin-hypercube, sobol: points; saltelli: base rows N (N(d+2) points). Default 64, a power of two so Sobol points stay balanced. */
  samples?: number;
  /** Seed of random, latin-hypercube and morris (default 1). Sobol and saltelli are deterministic and ignore it. */
  seed?: number;
  /** morris: trajectories r, default 10 */
  trajectories?: number;
  /** morris: levels p of the grid, default 4 */
  levels?: number;
}

export interface Design {
  method: DesignMethod;
  parameters: Parameter[];
  /** unit[k][j]: point k's coordinate for parameter j in [0,1] (grid: index/(levels-1)); kept so sensitivity can use it */
  unit: number[][];
  /** points[k][j]: the actual value of parameter j at point k (mapped through min/max/scale/integer or values) */
  points: Value[][];
  /** morris: points are grouped in trajectories of d+1 consecutive points; saltelli: in blocks of d+2 ([A, B, AB_1..AB_d] per base row) */
  blocks?: number;
}

/** More points than any experiment could run; a guard against a typo that would exhaust memory instead. */
export const MAX_POINTS = 1_000_000;
const DEFAULT_SAMPLES = 64;

/** Builds the design: its points on the unit cube and their parameter values. Throws on invalid input. */
export function makeDesign(method: DesignMethod, parameters: Parameter[], o: DesignOptions = {}): Design {
  checkParameters(parameters);
  const d = parameters.length;
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer from 0 to 4294967295, found ${seed}`);
  const samples = (least: number): number => count(method, 'samples', o.samples ?? DEFAULT_SAMPLES, least);

  switch (method) {
    case 'grid':
      return grid(parameters);
    case 'random': {
      const random = mulberry32(seed);
      return mapped(method, parameters, rows(samples(1), () => Array.from({ length: d }, random)));
    }
    case 'latin-hypercube':
      return mapped(method, parameters, latinHypercube(samples(2), d, mulberry32(seed)));
    case 'sobol':
      return mapped(method, parameters, sobolPoints(samples(1), d));
    case 'morris': {
      const trajectories = count(method, 'trajectories', o.trajectories ?? 10, 2);
      const levels = count(method, 'levels', o.levels ?? 4, 2);
      // Only with p even does Δ = p/(2(p-1)) land on the grid, so every point stays a grid point.
      if (levels % 2 !== 0) throw new Error(`morris needs an even number of levels, found ${levels}`);
      sizeCheck(method, trajectories * (d + 1));
      return { ...mapped(method, parameters, morris(trajectories, levels, d, mulberry32(seed))), blocks: d + 1 };
    }
    case 'saltelli': {
      const n = samples(2);
      if (2 * d > SOBOL_MAX_DIMENSIONS) throw new Error(`saltelli supports at most ${SOBOL_MAX_DIMENSIONS / 2} parameters (a Sobol sequence of twice as many dimensions), found ${d}`);
      sizeCheck(method, n * (d + 2));
      return { ...mapped(method, parameters, saltelli(n, d)), blocks: d + 2 };
    }
    default:
      throw new Error(`unknown design method ${JSON.stringify(method)}`);
  }
}

/** Maps a unit coordinate to a parameter's value. The ends map to exactly min and max, so no rounding drifts past the range written in the file. */
export function fromUnit(p: Parameter, u: number): Value {
  if ('values' in p) return p.values[Math.min(Math.floor(u * p.values.length), p.values.length - 1)]!;
  let x: number;
  if (u <= 0) x = p.min;
  else if (u >= 1) x = p.max;
  else if (p.scale === 'log') x = Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min)));
  else x = p.min + u * (p.max - p.min);
  return p.integer ? Math.round(x) : x;
}

/* ── the designs ─────────────────────────────────────────────────────────── */

/** Full factorial: the first parameter varies slowest, so the points read like nested loops in the file's order. */
function grid(parameters: Parameter[]): Design {
  const axes = parameters.map(gridAxis);
  sizeCheck('grid', axes.reduce((n, axis) => n * axis.length, 1));
  let indices: number[][] = [[]];
  for (const axis of axes) indices = indices.flatMap((row) => axis.map((_, i) => [...row, i]));
  const position = (i: number, levels: number): number => (levels > 1 ? i / (levels - 1) : 0);
  return {
    method: 'grid',
    parameters,
    unit: indices.map((row) => row.map((i, j) => position(i, axes[j]!.length))),
    points: indices.map((row) => row.map((i, j) => axes[j]![i]!)),
  };
}

/** A grid axis: listed values as given; a range at evenly spaced levels, less those that rounding to integers made equal. */
function gridAxis(p: Parameter): Value[] {
  if ('values' in p) return p.values;
  const levels = p.levels ?? 5;
  return [...new Set(Array.from({ length: levels }, (_, i) => fromUnit(p, i / (levels - 1))))];
}

/** One point in each of n equal strata of every dimension, strata paired at random, each point jittered within its stratum. */
function latinHypercube(n: number, d: number, random: () => number): number[][] {
  const unit = rows(n, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    const strata = shuffle(Array.from({ length: n }, (_, i) => i), random);
    strata.forEach((stratum, k) => (unit[k]![j] = (stratum + random()) / n));
  }
  return unit;
}

/**
 * Morris's one-at-a-time trajectories (Morris 1991, in the form of Campolongo et al. 2007): from a
 * random grid point, each factor in random order takes one step of Δ = p/(2(p-1)) up or down.
 * Positions are kept as integer grid levels and divided only at the end, so a step is exactly Δ
 * and the elementary effects computed from consecutive points carry no drift.
 */
function morris(trajectories: number, p: number, d: number, random: () => number): number[][] {
  const step = p / 2; // Δ in grid levels
  const unit: number[][] = [];
  for (let t = 0; t < trajectories; t++) {
    // A base level low enough that base + step is still on the grid; a factor going down starts a step higher.
    const up = Array.from({ length: d }, () => random() < 0.5);
    let level = up.map((u) => Math.floor(random() * (p - step)) + (u ? 0 : step));
    const order = shuffle(Array.from({ length: d }, (_, j) => j), random);
    unit.push(level.map((l) => l / (p - 1)));
    for (const j of order) {
      level = level.map((l, i) => (i === j ? l + (up[j] ? step : -step) : l));
      unit.push(level.map((l) => l / (p - 1)));
    }
  }
  return unit;
}

/**
 * Saltelli's (2010) scheme: matrices A and B from the two halves of a 2d-dimensional Sobol
 * sequence, and AB_i, A with column i taken from B. Each base row's d + 2 points are kept together,
 * [A_k, B_k, AB_1k, ..., AB_dk], so that an interrupted experiment still holds whole rows.
 */
function saltelli(n: number, d: number): number[][] {
  return sobolPoints(n, 2 * d).flatMap((row) => {
    const a = row.slice(0, d);
    const b = row.slice(d);
    return [a, b, ...a.map((_, i) => a.map((x, j) => (j === i ? b[i]! : x)))];
  });
}

/* ── the Sobol sequence ──────────────────────────────────────────────────── */

/**
 * Joe and Kuo's direction numbers (2008, file new-joe-kuo-6.21201), dimensions 2 to 40, one row
 * each as `s a m_1 ... m_s`: the degree and inner coefficients of the primitive polynomial, and the
 * initial direction numbers. Dimension 1 is van der Corput and needs none. Forty dimensions let a
 * saltelli design, which needs two per parameter, vary twenty parameters.
 */
const JOE_KUO = [
  '1 0 1', '2 1 1 3', '3 1 1 3 1', '3 2 1 1 1', '4 1 1 1 3 3', '4 4 1 3 5 13', '5 2 1 1 5 5 17', '5 4 1 1 5 5 5',
  '5 7 1 1 7 11 19', '5 11 1 1 5 1 1', '5 13 1 1 1 3 11', '5 14 1 3 5 5 31', '6 1 1 3 3 9 7 49', '6 13 1 1 1 15 21 21',
  '6 16 1 3 1 13 27 49', '6 19 1 1 1 15 7 5', '6 22 1 3 1 15 13 25', '6 25 1 1 5 5 19 61', '7 1 1 3 7 11 23 15 103',
  '7 4 1 3 7 13 13 15 69', '7 7 1 1 3 13 7 35 63', '7 8 1 3 5 9 1 25 53', '7 14 1 3 1 13 9 35 107', '7 19 1 3 1 5 27 61 31',
  '7 21 1 1 5 11 19 41 61', '7 28 1 3 5 3 3 13 69', '7 31 1 1 7 13 1 19 1', '7 32 1 3 7 5 13 19 59', '7 37 1 1 3 9 25 29 41',
  '7 41 1 3 5 13 23 1 55', '7 42 1 3 7 3 13 59 17', '7 50 1 3 1 3 5 53 69', '7 55 1 1 5 5 23 33 13', '7 56 1 1 7 7 1 61 123',
  '7 59 1 1 7 9 13 61 49', '7 62 1 3 3 5 3 55 33', '8 14 1 3 1 15 31 13 49 245', '8 21 1 3 5 15 31 59 63 97', '8 22 1 3 1 11 11 11 77 249',
];

export const SOBOL_MAX_DIMENSIONS = JOE_KUO.length + 1;
const BITS = 32;

/** The 32 direction numbers of one dimension (0-based), as integers scaled by 2^32. */
function directions(dim: number): number[] {
  if (dim === 0) return Array.from({ length: BITS }, (_, k) => 2 ** (BITS - 1 - k));
  const [s, a, ...m] = JOE_KUO[dim - 1]!.split(' ').map(Number) as [number, number, ...number[]];
  const v = m.map((mk, k) => mk * 2 ** (BITS - 1 - k));
  for (let k = s; k < BITS; k++) {
    // The recurrence of the primitive polynomial x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1, in XORs.
    let next = v[k - s]! ^ (v[k - s]! >>> s);
    for (let l = 1; l < s; l++) if ((a >>> (s - 1 - l)) & 1) next ^= v[k - l]!;
    v.push(next >>> 0);
  }
  return v;
}

/**
 * The first n points of the d-dimensional Sobol sequence, without its initial all-zero point
 * (which would put every parameter at its minimum). Points follow the Gray-code order of Antonov
 * and Saleev, so each differs from the last by one XOR per dimension.
 */
export function sobolPoints(n: number, d: number): number[][] {
  if (d > SOBOL_MAX_DIMENSIONS) throw new Error(`the Sobol sequence supports at most ${SOBOL_MAX_DIMENSIONS} dimensions, found ${d}`);
  if (n > 2 ** BITS - 1) throw new Error(`the Sobol sequence supports at most ${2 ** BITS - 1} points, found ${n}`);
  const v = Array.from({ length: d }, (_, j) => directions(j));
  const x = new Array<number>(d).fill(0);
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    // Going from point i to i + 1 flips direction number c, the position of i's lowest zero bit.
    const c = 31 - Math.clz32(~i & (i + 1));
    for (let j = 0; j < d; j++) x[j] = (x[j]! ^ v[j]![c]!) >>> 0;
    points.push(x.map((xj) => xj / 2 ** BITS));
  }
  return points;
}

/* ── helpers ─────────────────────────────────────────────────────────────── */

function mapped(method: DesignMethod, parameters: Parameter[], unit: number[][]): Design {
  return { method, parameters, unit, points: unit.map((row) => row.map((u, j) => fromUnit(parameters[j]!, u))) };
}

function rows<T>(n: number, row: () => T): T[] {
  return Array.from({ length: n }, row);
}

/** Fisher–Yates, in place. */
function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [xs[i], xs[k]] = [xs[k]!, xs[i]!];
  }
  return xs;
}

function count(method: DesignMethod, what: string, n: number, least: number): number {
  if (!Number.isInteger(n) || n < least) throw new Error(`${method} needs ${what} >= ${least}, found ${n}`);
  sizeCheck(method, n);
  return n;
}

function sizeCheck(method: DesignMethod, points: number): void {
  if (points > MAX_POINTS) throw new Error(`${method} design would have ${points} points, more than the ${MAX_POINTS} supported`);
}

function checkParameters(parameters: Parameter[]): void {
  if (parameters.length === 0) throw new Error('a design needs at least one parameter');
  const seen = new Set<string>();
  for (const p of parameters) {
    if (typeof p.path !== 'string' || p.path === '') throw new Error('every parameter needs a path');
    if (seen.has(p.path)) throw new Error(`parameter ${p.path} is listed twice`);
    seen.add(p.path);
    if ('values' in p) {
      if (!Array.isArray(p.values) || p.values.length === 0) throw new Error(`parameter ${p.path} needs at least one value`);
      continue;
    }
    if (!Number.isFinite(p.min) || !Number.isFinite(p.max)) throw new Error(`parameter ${p.path} needs finite min and max, found ${p.min} and ${p.max}`);
    if (!(p.max > p.min)) throw new Error(`parameter ${p.path} needs max > min, found min ${p.min} and max ${p.max}`);
    if (p.scale === 'log' && !(p.min > 0)) throw new Error(`log scale needs min > 0 for ${p.path}, found ${p.min}`);
    if (p.levels !== undefined && (!Number.isInteger(p.levels) || p.levels < 2)) throw new Error(`parameter ${p.path} needs levels >= 2, found ${p.levels}`);
  }
}
