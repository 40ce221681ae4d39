import type { Driver } from '../core/engine/driver.ts';
import { summarize, stateHash, type MetricValue } from '../core/engine/results.ts';
import { bytesPerAgent, type World } from '../core/engine/world.ts';
import { auditIndicators, metricReader, type Indicator } from '../metrics/audit.ts';
import { groupBurdens, type GroupBurden } from '../metrics/burden.ts';
import { pairedEffects, type PairedEffect } from '../metrics/paired.ts';
import type { Scenario } from '../scenario/schema.ts';

/** The JSON document of a run: the goldens' fields (model, n, days, seed, stateHash, totals, daily) and how it ran. */
export interface RunDocument {
  model: string;
  n: number;
  days: number;
  seed: string;
  stateHash: string;
  totals: Record<string, MetricValue>;
  daily: Record<string, MetricValue[]>;
  run: { version: string; threads: number; seconds: number; agentDaysPerSecond: number; bytesPerAgent: number };
  /**
   * What only a simulation can tell (docs/audit.md): figures from ground truth, each burden's rate by
   * group and their disparity, and, when the counterfactual ran, the paired effects against it.
   */
  audit: Audit;
}

export interface Audit {
  indicators: Indicator[];
  byGroup: GroupBurden[];
  counterfactual?: { description: string; indicators: Indicator[]; effects: PairedEffect[] };
}

/**
 * The JSON document of a finished run; `twin` is its counterfactual, run under the same seed, whose
 * paired differences join the audit.
 */
export function runDocument(s: Scenario, driver: Driver, info: { version: string; threads: number; seconds: number }, twin?: Driver): RunDocument {
  const world = driver.world;
  const { totals, daily } = summarize(world, driver.series, driver.day, s.output.metrics);
  const audit: Audit = { indicators: auditIndicators(world, driver.series, driver.day), byGroup: groupBurdens(world, driver.series, driver.day) };
  const cf = s.audit.counterfactual;
  if (twin && cf) {
    // The acts module's metrics: acts by category and by kind.
    const actsIds = new Set(world.modules.filter((m) => m.module === 'acts').map((m) => m.id));
    const names = world.metrics.filter((m) => actsIds.has(m.owner)).map((m) => m.name);
    audit.counterfactual = { description: cf.description, ...pairedEffects(metricReader(world, driver.series, driver.day), metricReader(twin.world, twin.series, twin.day), names) };
  }
  return {
    model: s.name,
    n: world.n,
    days: driver.day,
    seed: world.seed.toString(),
    stateHash: runStateHash(s, world),
    totals,
    daily,
    run: {
      ...info,
      agentDaysPerSecond: Math.round((world.n * driver.day) / Math.max(info.seconds, 1e-9)),
      bytesPerAgent: Math.round(bytesPerAgent(world) * 100) / 100,
    },
    audit,
  };
}

/** The state hash a run reports: over the scenario's `output.stateHash` columns, or every column. */
export function runStateHash(s: Scenario, world: World): string {
  return stateHash(world, s.output.stateHash.length ? s.output.stateHash : Object.keys(world.columns));
}

/** The daily series as CSV: one row per day, one column per metric (a histogram: one per bin). */
export function dailyCsv(doc: RunDocument, binLabels: (metric: string) => readonly string[] | undefined): string {
  const names = Object.keys(doc.daily);
  const header = ['day'];
  for (const name of names) {
    const bins = binLabels(name);
    if (bins) for (const b of bins) header.push(`${name}[${b}]`);
    else header.push(name);
  }
  const rows = [header.map(csvField).join(',')];
  for (let d = 0; d < doc.days; d++) {
    const row: (string | number)[] = [d];
    for (const name of names) {
      const v = doc.daily[name]![d]!;
      if (Array.isArray(v)) row.push(...v);
      else row.push(v);
    }
    rows.push(row.join(','));
  }
  return rows.join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A plain table of totals for the terminal. */
export function summaryTable(doc: RunDocument): string {
  const rows: [string, string][] = Object.entries(doc.totals).map(([k, v]) => [k, Array.isArray(v) ? v.join(' ') : v.toLocaleString('en-US')]);
  const w0 = Math.max(6, ...rows.map((r) => r[0].length));
  const w1 = Math.max(5, ...rows.map((r) => r[1].length));
  const line = `${'-'.repeat(w0)}  ${'-'.repeat(w1)}`;
  const out = [
    `${doc.model}: ${doc.n.toLocaleString('en-US')} agents x ${doc.days} days, seed ${doc.seed}, stateHash ${doc.stateHash}`,
    `${'metric'.padEnd(w0)}  ${'total'.padStart(w1)}`,
    line,
    ...rows.map(([k, v]) => `${k.padEnd(w0)}  ${v.padStart(w1)}`),
    line,
    ...auditLines(doc.audit),
    ...doc.audit.byGroup.map(
      (b) =>
        `${b.burden} by ${b.by}: ${b.groups.map((g, k) => `${g} ${(100 * b.rates[k]!).toFixed(2)}%`).join(', ')}` +
        (b.ratio === null ? '' : ` (ratio ${b.ratio.toFixed(2)})`),
    ),
    `${doc.run.threads} thread(s), ${doc.run.seconds.toFixed(2)} s, ${(doc.run.agentDaysPerSecond / 1e6).toFixed(1)} M agent-days/s, ${doc.run.bytesPerAgent} bytes/agent`,
  ];
  return out.join('\n') + '\n';
}

const figure = (v: number | null): string =>
  v === null ? 'n/a' : Number.isInteger(v) ? v.toLocaleString('en-US') : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3);

function auditLines(a: Audit): string[] {
  const cf = a.counterfactual;
  const all = [...a.indicators, ...(cf?.indicators ?? [])];
  if (!all.length) return [];
  const w = Math.max(...all.map((i) => i.name.length), ...(cf?.effects ?? []).map((e) => e.metric.length));
  return [
    'audit (ground truth; formulas in docs/audit.md)',
    ...a.indicators.map((i) => `  ${i.name.padEnd(w)}  ${figure(i.value)}`),
    ...(cf
      ? [
          `against the counterfactual (${cf.description}), same seed:`,
          ...cf.indicators.map((i) => `  ${i.name.padEnd(w)}  ${figure(i.value)}`),
          ...cf.effects.map((e) => `  ${e.metric.padEnd(w)}  ${figure(e.actual)} vs ${figure(e.counterfactual)}${e.change === null ? '' : ` (${e.change >= 0 ? '+' : ''}${(100 * e.change).toFixed(1)}%)`}`),
        ]
      : []),
  ];
}
