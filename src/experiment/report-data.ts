import { describeScenario } from '../cli/describe.ts';
import type { Registry } from '../core/engine/world.ts';
import { INDICATOR_SOURCES } from '../metrics/audit.ts';
import type { ScenarioLibrary } from '../scenario/load.ts';
import type { Store } from '../store/store.ts';
import { analyse } from './analysis.ts';
import { scenarioFromJson } from './plan.ts';
import { planScenario } from '../scenario/compile.ts';
import type { Band, ReportData } from './report-html.ts';
import { tQuantile975 } from './stats.ts';
import { SCLAB_VERSION } from './versions.ts';

/** Above this many points, time series are shown per arm over all points rather than per point. */
const MAX_POINT_LINES = 4;

/** Gathers what `sclab report` shows from the store: the analysis, daily bands, the model in ODD order. */
export async function reportData(store: Store, name: string, library: ScenarioLibrary, registry: Registry, outputs?: readonly string[]): Promise<ReportData> {
  const a = await analyse(store, name, outputs);
  const e = a.experiment;
  const points = a.design?.points.length ?? 1;
  const byPoint = points <= MAX_POINT_LINES;
  const first = a.runs.find((r) => r.point === 0 && r.replicate === 0 && r.arm === a.spec.arms[0]!.name) ?? a.runs[0];
  const scenario = first ? scenarioFromJson(await store.scenarioOf(first.run_id), library, registry) : undefined;
  const kinds = new Map((scenario ? planScenario(scenario, registry).metrics : []).map((m) => [m.name, m]));
  // An indicator is a figure of the whole run: over time, chart the daily metrics it is computed
  // from. A counter is charted as its running total, which reads better than daily counts.
  const daily = [...new Set(a.outputs.flatMap((m) => INDICATOR_SOURCES[m] ?? [m]))];
  const counters = daily.filter((m) => kinds.get(m)?.kind === 'counter');
  const stats = await store.seriesStats(name, daily, { byPoint, cumulative: counters });
  const groupLabel = (arm: string, point: number): string => [arm, byPoint && points > 1 ? a.pointLabel(point) : ''].filter(Boolean).join(' @ ');
  const bands = new Map<string, Map<string, Band>>();
  for (const s of stats) {
    const groups = bands.get(s.metric) ?? bands.set(s.metric, new Map()).get(s.metric)!;
    const key = groupLabel(s.arm, s.point);
    const b = groups.get(key) ?? groups.set(key, { day: [], mean: [], lo: [], hi: [] }).get(key)!;
    const half = s.n > 1 && s.sd !== null ? (tQuantile975(s.n - 1) * s.sd) / Math.sqrt(s.n) : 0;
    b.day.push(s.day);
    b.mean.push(s.mean);
    b.lo.push(s.mean - half);
    b.hi.push(s.mean + half);
  }
  const odd = scenario ? describeScenario(scenario, registry) : '';
  const metrics = a.outputs;
  return {
    title: e.title ? `${e.name}: ${e.title}` : e.name,
    ...(a.spec.description === undefined ? {} : { description: a.spec.description }),
    generated: new Date().toISOString(),
    reproduce: {
      command: `sclab sweep ${e.file} && sclab report ${e.name}`,
      versions: { ...e.versions, 'report by sclab': SCLAB_VERSION },
      experimentFile: e.text,
    },
    odd,
    design: {
      method: a.design?.method ?? 'single point',
      parameters: a.design?.parameters.map((p) => p.path) ?? [],
      points,
      replicates: a.spec.replicates,
      arms: a.spec.arms.map((x) => x.name),
      runs: { done: e.done, failed: e.failed, total: e.total },
    },
    series: daily.map((metric) => ({
      metric,
      description: `${kinds.get(metric)?.description ?? metric}${counters.includes(metric) ? ', running total since day 0' : ''}`,
      groups: [...(bands.get(metric) ?? new Map<string, Band>()).entries()].map(([label, band]) => ({ label, band })) })).filter((s) => s.groups.length),
    distributions: metrics.map((metric) => {
      const groups = new Map<string, number[]>();
      for (const c of a.cells.filter((x) => x.metric === metric)) {
        const g = groups.get(c.arm) ?? groups.set(c.arm, []).get(c.arm)!;
        g.push(...c.values);
      }
      return { metric, groups: [...groups.entries()].map(([label, values]) => ({ label, values })) };
    }),
    summaries: metrics.map((metric) => ({
      metric,
      groups: a.cells.filter((c) => c.metric === metric).map((c) => ({ label: c.label, n: c.interval.n, mean: c.interval.mean, lo: c.interval.lo, hi: c.interval.hi })),
    })),
    effects: metrics.flatMap((metric) => {
      const rows = a.paired.filter((p) => p.metric === metric);
      const contrasts = [...new Set(rows.map((r) => r.contrast))];
      return contrasts.map((contrast) => ({
        metric,
        contrast,
        rows: rows.filter((r) => r.contrast === contrast).map((r) => ({ label: r.label, n: r.interval.n, mean: r.interval.mean, lo: r.interval.lo, hi: r.interval.hi })),
      }));
    }),
    sensitivity: a.sensitivity.map((s) => ({ metric: s.metric, kind: s.kind, rows: s.rows.map(({ detail: _words, ...row }) => row) })),
  };
}
