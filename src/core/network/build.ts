import type { Rng } from '../rng/threefry.ts';
import { barabasiAlbert, blocks, households, ringRewire, ringRewireRows, stochasticBlock, wattsStrogatz } from './generators/index.ts';
import { slotLayer, type Layer } from './layers.ts';

/** A layer as a scenario describes it (validated in src/scenario/layers.ts). */
export type LayerSpec =
  | { generator: 'ring-rewire'; degree: number; rewire: number; stream: number }
  | { generator: 'watts-strogatz'; k: number; beta: number; stream: number }
  | { generator: 'barabasi-albert'; m: number; stream: number }
  | { generator: 'stochastic-block'; shares: number[]; meanDegree: number; homophily: number; stream: number }
  | { generator: 'households'; sizeWeights: number[]; stream: number }
  | { generator: 'blocks'; size: number };

/**
 * Whether a layer's rows are independent of each other, so that each thread can fill its own
 * agents' rows during set-up instead of one thread building the whole layer.
 */
export function rowParallel(spec: LayerSpec): boolean {
  return spec.generator === 'ring-rewire';
}

/** An empty layer whose rows `fillRows` fills (for row-parallel layers only). */
export function emptyLayer(spec: LayerSpec, n: number): Layer {
  if (spec.generator !== 'ring-rewire') throw new RangeError(`${spec.generator} layers are not built row by row`);
  return slotLayer(n, spec.degree);
}

/** Fills rows lo..hi-1 of a row-parallel layer made by emptyLayer. */
export function fillRows(spec: LayerSpec, layer: Layer, lo: number, hi: number, rng: Rng): void {
  if (spec.generator !== 'ring-rewire' || layer.kind !== 'slots') throw new RangeError(`${spec.generator} layers are not built row by row`);
  ringRewireRows(layer, lo, hi, spec, rng, spec.stream);
}

export function buildLayer(spec: LayerSpec, n: number, rng: Rng): Layer {
  switch (spec.generator) {
    case 'ring-rewire':
      return ringRewire(n, spec, rng, spec.stream);
    case 'watts-strogatz':
      return wattsStrogatz(n, spec, rng, spec.stream);
    case 'barabasi-albert':
      return barabasiAlbert(n, spec, rng, spec.stream);
    case 'stochastic-block':
      return stochasticBlock(n, { ...spec, groupOf: contiguousGroups(n, spec.shares) }, rng, spec.stream);
    case 'households':
      return households(n, spec, rng, spec.stream);
    case 'blocks':
      return blocks(n, spec.size);
  }
}

/** What is wrong with a layer's parameters for a population of n, or undefined: checked before anything is built. */
export function layerProblem(spec: LayerSpec, n: number): { expected: string; found: string; path: string[] } | undefined {
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  switch (spec.generator) {
    case 'watts-strogatz':
      if (spec.k >= n) return { expected: `k below the number of agents (${n})`, found: `${spec.k}`, path: ['k'] };
      if (n * spec.k > 0x7fffffff) return { expected: 'agents * k below 2^31', found: `${n * spec.k}`, path: ['k'] };
      return undefined;
    case 'barabasi-albert':
      if (spec.m >= n) return { expected: `m below the number of agents (${n})`, found: `${spec.m}`, path: ['m'] };
      if (2 * spec.m * n > 0x7fffffff) return { expected: '2 * agents * m below 2^31', found: `${2 * spec.m * n}`, path: ['m'] };
      return undefined;
    case 'stochastic-block':
      if (!(sum(spec.shares) > 0)) return { expected: 'shares with a positive sum', found: `[${spec.shares.join(', ')}]`, path: ['shares'] };
      if (n * spec.meanDegree > 0x7fffffff) return { expected: 'agents * meanDegree below 2^31', found: `${n * spec.meanDegree}`, path: ['meanDegree'] };
      return undefined;
    case 'households':
      if (!(sum(spec.sizeWeights) > 0)) return { expected: 'size weights with a positive sum', found: `[${spec.sizeWeights.join(', ')}]`, path: ['sizeWeights'] };
      return undefined;
    case 'ring-rewire':
      if (n * spec.degree > 0x7fffffff) return { expected: 'agents * degree below 2^31', found: `${n * spec.degree}`, path: ['degree'] };
      return undefined;
    case 'blocks':
      return undefined;
  }
}

/** The set-up streams a generator draws from (see each generator's comment). */
export function layerStreams(spec: LayerSpec): number[] {
  const from = (s: number, count: number): number[] => Array.from({ length: count }, (_, k) => s + k);
  switch (spec.generator) {
    case 'ring-rewire':
      return from(spec.stream, Math.ceil(spec.degree / 2));
    case 'watts-strogatz':
      return from(spec.stream, 2);
    case 'barabasi-albert':
    case 'stochastic-block':
    case 'households':
      return [spec.stream];
    case 'blocks':
      return [];
  }
}

/** Groups as consecutive runs of agents in proportion to their shares (the last takes the rest). */
export function contiguousGroups(n: number, shares: readonly number[]): Uint8Array {
  const groupOf = new Uint8Array(n);
  const total = shares.reduce((a, b) => a + b, 0);
  let at = 0;
  let cum = 0;
  shares.forEach((s, g) => {
    cum += s;
    const end = g === shares.length - 1 ? n : Math.min(n, Math.round((n * cum) / total));
    groupOf.fill(g, at, end);
    at = end;
  });
  return groupOf;
}
