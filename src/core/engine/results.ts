import { bytesPerElement } from '../columns.ts';
import type { World } from './world.ts';

export type MetricValue = number | number[];

/** Per-metric totals and daily series, in the world's metric order (or `select`'s). */
export interface Summary {
  totals: Record<string, MetricValue>;
  daily: Record<string, MetricValue[]>;
}

/**
 * Totals follow each metric's kind: a counter sums over days, a gauge or histogram keeps its last
 * day's value (RM-1.md, Output).
 */
export function summarize(world: World, series: Float64Array, days: number, select?: readonly string[]): Summary {
  const w = world.metricWidth;
  const metrics = select
    ? select.map((name) => {
        const m = world.metrics.find((x) => x.name === name);
        if (!m) throw new Error(`no metric "${name}" in this scenario`);
        return m;
      })
    : world.metrics;
  const totals: Record<string, MetricValue> = {};
  const daily: Record<string, MetricValue[]> = {};
  for (const m of metrics) {
    const at = (d: number): MetricValue =>
      m.width === 1 ? series[d * w + m.slot]! : Array.from(series.subarray(d * w + m.slot, d * w + m.slot + m.width));
    const values: MetricValue[] = [];
    for (let d = 0; d < days; d++) values.push(at(d));
    daily[m.name] = values;
    if (m.kind === 'counter') {
      let sum = 0;
      for (let d = 0; d < days; d++) sum += series[d * w + m.slot]!;
      totals[m.name] = sum;
    } else {
      totals[m.name] = days > 0 ? at(days - 1) : m.width === 1 ? 0 : new Array<number>(m.width).fill(0);
    }
  }
  return { totals, daily };
}

/**
 * FNV-1a (32-bit) over, for each agent in order, the little-endian bytes of each named column:
 * a fingerprint of the final state that any implementation can reproduce (RM-1.md, Output).
 */
export function stateHash(world: World, columns: readonly string[]): string {
  const cols = columns.map((name) => {
    const c = world.columns[name];
    if (!c) throw new Error(`stateHash: no column "${name}" in this scenario`);
    const size = bytesPerElement(c.spec.type);
    return { bytes: new Uint8Array(c.array.buffer, c.array.byteOffset, world.n * size), size };
  });
  let h = 2166136261;
  for (let i = 0; i < world.n; i++) {
    for (const { bytes, size } of cols) {
      // Typed arrays use the platform's byte order; every platform Node and browsers run on is little-endian.
      for (let b = i * size, e = b + size; b < e; b++) h = Math.imul(h ^ bytes[b]!, 16777619);
    }
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
