import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { defineModule } from '../src/core/engine/module.ts';
import { compileWorld, type ModuleUse, type Registry } from '../src/core/engine/world.ts';
import { slotLayer } from '../src/core/network/layers.ts';
import { csrFromPairs } from '../src/core/network/csr.ts';
import { builtins } from '../src/cli/library.ts';
import { auditIndicators, metricReader } from '../src/metrics/audit.ts';
import { assortativity } from '../src/metrics/homophily.ts';
import { gini } from '../src/metrics/inequality.ts';
import { pairedEffects } from '../src/metrics/paired.ts';
import { MODULES } from '../src/modules/index.ts';
import { resolveScenario } from '../src/scenario/load.ts';
import { runBuiltin } from './helpers.ts';

/** Sets `listed` and `seriousCount` from a script: script[day][agent] = [listed, serious]. */
const scripted = (script: [number, number][][]) =>
  defineModule({
    name: 'scripted',
    title: 'Scripted truth',
    summary: 'test fixture',
    params: z.strictObject({}),
    declare: () => ({
      columns: [
        { name: 'listed', type: 'u8', description: 'scripted' },
        { name: 'seriousCount', type: 'u16', truth: true, description: 'scripted' },
        { name: 'sanctioned', type: 'u16', description: 'scripted' },
      ],
      phases: { update: 'sets the day\'s listing and truth from the script' },
    }),
    bind(_p, w) {
      const [listed, serious, sanctioned] = [w.column('listed', 'u8'), w.column('seriousCount', 'u16'), w.column('sanctioned', 'u16')];
      return {
        update(lo, hi, step) {
          for (let i = lo; i < hi; i++) {
            const [l, s] = script[step]![i]!;
            listed[i] = l;
            serious[i] = s;
            sanctioned[i] = l;
          }
        },
      };
    },
  });

function world(registry: Registry, modules: ModuleUse[], n: number, days: number) {
  const w = compileWorld(registry, { n, days, seed: 3n }, modules, {});
  const driver = new LocalDriver(w, registry);
  driver.advanceSync(days);
  return { w, driver, r: metricReader(w, driver.series, days) };
}

describe('listing audit', () => {
  it('counts culpable and innocent listings, recall and time to delisting against the script', () => {
    // Agent 0: culpable, listed days 0-2. Agent 1: innocent, listed days 1-3 (still listed at the end).
    // Agent 2: culpable from day 2, never listed. Agent 3: innocent, never listed.
    const script: [number, number][][] = [
      [[1, 1], [0, 0], [0, 0], [0, 0]],
      [[1, 1], [1, 0], [0, 0], [0, 0]],
      [[1, 1], [1, 0], [0, 1], [0, 0]],
      [[0, 1], [1, 0], [0, 1], [0, 0]],
    ];
    const fixture = scripted(script);
    const registry = { ...MODULES, [fixture.name]: fixture } as Registry;
    const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: registry[module]!.params.parse(params) });
    const { w, driver, r } = world(registry, [use('scripted'), use('listing-audit', { sanctionedColumn: 'sanctioned' })], 4, 4);
    expect([r.sum('listedCulpable'), r.sum('listedInnocent'), r.sum('culpableAgents')]).toEqual([3, 3, 6]);
    expect([r.sum('listingsAudited'), r.sum('listingsOfInnocents'), r.sum('delistingsAudited'), r.sum('daysListedBeforeDelisting')]).toEqual([2, 1, 1, 3]);
    expect(r.sum('sanctionedInnocents')).toBe(3);
    const figures = Object.fromEntries(auditIndicators(w, driver.series, 4).map((i) => [i.name, i.value]));
    expect(figures).toMatchObject({ listingPrecision: 0.5, listingRecall: 0.5, wrongfulListingShare: 0.5, meanDaysToDelisting: 3, sanctionedInnocentDays: 3 });

    // Without a list (a grade-based system), only the sanctions are audited.
    const sanctionsOnly = world(registry, [use('scripted'), use('listing-audit', { listedColumn: null, sanctionedColumn: 'sanctioned' })], 4, 4);
    expect([sanctionsOnly.r.sum('sanctionedInnocents'), sanctionsOnly.r.has('listedInnocent')]).toEqual([3, false]);
    expect(() => use('listing-audit', { listedColumn: null })).toThrow(/listedColumn or a sanctionedColumn/);
  });
});

describe('tallies', () => {
  const counter = defineModule({
    name: 'counter',
    title: 'Tally fixture',
    summary: 'test fixture',
    params: z.strictObject({}),
    declare: () => ({
      columns: [{ name: 'seen', type: 'i32', description: 'yesterday\'s tally' }],
      tallies: [{ name: 'acting', description: 'agents acting today' }],
      phases: { act: 'adds the acting agents', update: 'reads yesterday\'s total' },
    }),
    bind(_p, w) {
      const seen = w.column('seen', 'i32');
      const tally = w.tally('acting');
      return {
        act(lo, hi, step) {
          // Agents with an even id act on even days; all act on odd days.
          let k = 0;
          for (let i = lo; i < hi; i++) if (step % 2 === 1 || i % 2 === 0) k++;
          tally.add(step, k);
        },
        update(lo, hi, step) {
          const y = tally.total(step - 1);
          for (let i = lo; i < hi; i++) seen[i] = y;
        },
      };
    },
  });
  const registry = { ...MODULES, [counter.name]: counter } as Registry;

  it('are exact population sums, readable from the next day on', () => {
    const n = 3001;
    const { w } = world(registry, [{ id: 'counter', module: 'counter', params: {} }], n, 3);
    // Day 2 reads day 1 (all act); day 1 reads day 0 (the 1501 even ids).
    expect(w.columns.seen!.array[0]).toBe(3001);
    const days1 = world(registry, [{ id: 'counter', module: 'counter', params: {} }], n, 2);
    expect(days1.w.columns.seen!.array[n - 1]).toBe(1501);
    expect(Number(w.tallies.acting![0])).toBe(1501);
  });

  it('refuses two modules keeping the same tally', () => {
    expect(() =>
      compileWorld(registry, { n: 4, days: 1, seed: 1n }, [
        { id: 'a', module: 'counter', params: {} },
        { id: 'b', module: 'counter', params: {} },
      ], {}),
    ).toThrow(/column name no other module uses|tally name no other module keeps/);
  });
});

describe('inequality and homophily', () => {
  it('Gini: 0 for equal shares, (n-1)/n when one holds all, exact for a small case', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 8])).toBeCloseTo(0.75, 12);
    // Sorted 1, 2, 3: 2 (1 + 4 + 9) / (3 * 6) - 4 / 3 = 14/9 - 12/9 = 2/9.
    expect(gini([3, 1, 2])).toBeCloseTo(2 / 9, 12);
    expect(gini([0, 0])).toBeNull();
  });

  it('assortativity: 1 when ties join equals, -1 when they join opposites', () => {
    // Two pairs of equals, 0-1 and 2-3.
    const alike = csrFromPairs(4, Int32Array.from([0, 1, 2, 3]));
    expect(assortativity(alike, [1, 1, 5, 5])).toBeCloseTo(1, 12);
    const opposite = slotLayer(4, 2);
    for (const [a, b] of [[0, 1], [1, 0], [2, 3], [3, 2]] as const) {
      opposite.targets[a * 2 + opposite.degree[a]!] = b;
      opposite.degree[a]! += 1;
    }
    expect(assortativity(opposite, [0, 9, 0, 9])).toBeCloseTo(-1, 12);
    expect(assortativity(opposite, [2, 2, 2, 2])).toBeNull();
    // Leaving out the tie 0-1 (agent 0 unscored) leaves 2-3 alone: no variation.
    expect(assortativity(opposite, [0, 9, 3, 9], 0)).toBeCloseTo(-1, 12);
    expect(assortativity(alike, [0, 1, 5, 5], 0)).toBeNull();
  });
});

describe('the paired counterfactual', () => {
  it('resolves the scenario with its counterfactual changes applied last', () => {
    const s = resolveScenario(builtins.open('suining-2010')!, builtins, MODULES, { counterfactual: true });
    const penalties = s.modules.find((m) => m.module === 'penalties')!.params as { points: Record<string, number> };
    expect([penalties.points.petition, penalties.points.criticism, penalties.points.loanDefault]).toEqual([0, 0, 30]);
    expect(() => resolveScenario(builtins.open('rm1')!, builtins, MODULES, { counterfactual: true })).toThrow(/audit\.counterfactual/);
  });

  it('measures chilling as the paired drop in lawful acts, with nothing else changed', async () => {
    const small = { agents: 3000, days: 120 };
    const actual = await runBuiltin('suining-2010', small, 1, true);
    const c = actual.audit.counterfactual!;
    const chilling = c.indicators.find((i) => i.name === 'chillingEffect')!.value!;
    // Petitions cost points, so fewer happen; violations, untouched by the change, are identical.
    expect(chilling).toBeGreaterThan(0);
    expect(chilling).toBeLessThan(0.5);
    expect(c.indicators.find((i) => i.name === 'deterrence')!.value).toBe(0);
    const petitions = c.effects.find((e) => e.metric === 'petitionActs')!;
    expect(petitions.actual).toBeLessThan(petitions.counterfactual);
  });

  it('computes each effect from the two runs\' sums', () => {
    const reader = (sums: Record<string, number>) => ({ days: 1, n: 1, has: (k: string) => k in sums, sum: (k: string) => sums[k]!, last: (k: string) => sums[k]!, firstDrop: () => null });
    const { indicators, effects } = pairedEffects(reader({ lawfulActs: 80, seriousActs: 5, minorActs: 15 }), reader({ lawfulActs: 100, seriousActs: 10, minorActs: 30 }), ['lawfulActs', 'seriousActs']);
    expect(indicators.map((i) => [i.name, i.value])).toEqual([
      ['chillingEffect', 0.19999999999999996],
      ['deterrence', 0.5],
    ]);
    expect(effects).toEqual([
      { metric: 'lawfulActs', actual: 80, counterfactual: 100, change: -0.19999999999999996 },
      { metric: 'seriousActs', actual: 5, counterfactual: 10, change: -0.5 },
    ]);
  });
});
