import { describe, expect, it } from 'vitest';
import { chartMetrics, defaultChoice } from '../explorer/src/chart-metrics.ts';
import type { MetricView } from '../explorer/src/protocol.ts';
import { builtins } from '../src/cli/library.ts';
import { MODULES } from '../src/modules/index.ts';
import { compileScenario } from '../src/scenario/compile.ts';
import { resolveScenario } from '../src/scenario/load.ts';

/** A built-in scenario's metrics as the explorer's worker hands them to the page. */
function views(name: string): MetricView[] {
  const world = compileScenario(resolveScenario(builtins.open(name)!, builtins, MODULES, { agents: 200, days: 2 }), MODULES);
  return world.metrics.map((s) => ({ name: s.name, description: s.description, kind: s.kind, slot: s.slot, width: s.width, bins: s.bins && [...s.bins] }));
}

const defaults = (name: string): string[] => {
  const metrics = views(name);
  return defaultChoice(chartMetrics(metrics), metrics);
};

describe('the explorer charts of the built-in scenarios', () => {
  it('charts the lab questions by default, where a scenario has them', () => {
    expect(defaults('rm1')).toEqual(['listed', 'wrongfulListings', 'sanctionedDays', 'collateralDays']);
    expect(defaults('planning-outline')).toEqual(['listed', 'listingsOfInnocents', 'sanctionedAgents', 'collateralAgents', 'dissentIndex', 'approvalIndex', 'scoreHistogram', 'grades']);
    expect(defaults('planning-outline-trust')).toEqual(['listed', 'listingsOfInnocents', 'sanctionedAgents', 'collateralAgents', 'dissentIndex', 'cooperationRate', 'approvalIndex', 'scoreHistogram', 'grades']);
    expect(defaults('court-blacklist')).toEqual(['listed', 'listingsOfInnocents', 'sanctionedAgents', 'collateralAgents', 'approvalIndex']);
    // Two score histograms (the scores compared), and lines to make up a few charts.
    expect(defaults('tencent-credit')).toEqual(['sesameHistogram', 'tencentHistogram', 'incomeSum', 'savingsSum']);
  });

  it('gives every chart a title, and histograms their bins', () => {
    const all = chartMetrics(views('planning-outline-trust'));
    const by = new Map(all.map((m) => [m.name, m]));
    expect(by.get('listed')!.title).toBe('On the court blacklist');
    expect(by.get('collateralAgents')!.title).toBe("Family members punished for someone else's record");
    expect(by.get('dissentIndex')!.title).toBe('Chilled dissent');
    expect(by.get('dissentIndex')!.description).toBe('dissent per agent, relative to its starting value (1: unchanged; lower: less dissent)');
    expect(by.get('approvalIndex')!.description).toBe('approval per agent, from 0 (none) to 1 (full)');
    expect(by.get('ruleBreakingIndex')!.title).toBe('Rule-breaking');
    expect(by.get('internetSpeedSanctioned')!.title).toBe('Internet speed sanctioned');
    expect(by.get('grades')).toMatchObject({ kind: 'heatmap', bins: ['A', 'B', 'C', 'D'] });
    expect(by.get('strategies')).toMatchObject({ kind: 'heatmap', title: 'Strategies in the population' });
    for (const m of all) expect(m.title.length).toBeGreaterThan(0);
    expect(new Set(all.map((m) => m.name)).size).toBe(all.length);
    expect(chartMetrics(views('rm1')).find((m) => m.name === 'listed')!.title).toBe('On the blacklist');
  });

  it('derives the trust game cooperation rate day by day', () => {
    const metrics = views('planning-outline-trust');
    const rate = chartMetrics(metrics).find((m) => m.name === 'cooperationRate')!;
    const slot = (n: string): number => metrics.find((m) => m.name === n)!.slot;
    const width = metrics.reduce((w, m) => Math.max(w, m.slot + m.width), 0);
    const day = new Float64Array(2 * width);
    day[width + slot('donations')] = 200;
    day[width + slot('cooperations')] = 150;
    expect(rate.value(day, width, 200)).toBe(0.75);
    // No games that day: no rate, rather than 0.
    expect(rate.value(day, 0, 200)).toBeNull();
    expect(chartMetrics(views('rm1')).some((m) => m.name === 'cooperationRate')).toBe(false);
  });
});
