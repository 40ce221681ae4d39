import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { compileWorld, CompileError, type ModuleUse } from '../src/core/engine/world.ts';
import { blocks } from '../src/core/network/generators/index.ts';
import { MODULES } from '../src/modules/index.ts';

const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: MODULES[module]!.params.parse(params) });

const categories = [
  { name: 'litter', rate: 1, kind: 'minor' },
  { name: 'petition', rate: 1, kind: 'lawful' },
];

/** Everyone litters and petitions every day; surveillance and penalties as given; one day. */
function run(surveillance: Record<string, unknown>, penalties: Record<string, unknown>, n = 4000, days = 1) {
  const world = compileWorld(
    MODULES,
    { n, days, seed: 11n },
    [use('population', { dimensions: { registration: { urban: 0.5, rural: 0.5 } } }), use('acts', { categories }), use('surveillance', surveillance), use('penalties', penalties), use('ledger')],
    { household: { streams: [], build: () => blocks(n, 4) } },
  );
  const driver = new LocalDriver(world, MODULES);
  driver.advanceSync(days);
  const metric = (name: string, day = 0) => driver.series[day * world.metricWidth + world.metrics.find((m) => m.name === name)!.slot]!;
  const col = (name: string) => world.columns[name]!.array;
  return { metric, col };
}

describe('surveillance and penalties', () => {
  it('observe each category with its coverage and deduct its points, lawful ones counted apart', () => {
    const r = run({ coverage: { litter: 1, petition: 0 } }, { points: { litter: 7, petition: 3 }, lawful: ['petition'] });
    expect(new Set(r.col('observedActs'))).toEqual(new Set([0b01]));
    expect(new Set(r.col('score'))).toEqual(new Set([993]));
    expect([r.metric('actsObserved'), r.metric('pointsDeducted'), r.metric('pointsForLawfulActs')]).toEqual([4000, 28000, 0]);

    const both = run({ coverage: { litter: 1, petition: 1 } }, { points: { litter: 7, petition: 3 }, lawful: ['petition'] });
    expect(new Set(both.col('score'))).toEqual(new Set([990]));
    expect(both.metric('pointsForLawfulActs')).toBe(12000);
  });

  it('add points for rewarded acts apart, and mark as punished only the acts that cost points', () => {
    const r = run({ coverage: { litter: 1, petition: 1 } }, { points: { litter: 7, petition: -3 }, lawful: ['petition'] });
    expect(new Set(r.col('score'))).toEqual(new Set([996]));
    expect(new Set(r.col('penalizedActs'))).toEqual(new Set([0b01]));
    expect([r.metric('pointsDeducted'), r.metric('pointsAwarded'), r.metric('pointsForLawfulActs')]).toEqual([28000, 12000, 0]);
  });

  it('scale coverage by group', () => {
    const r = run({ coverage: { litter: 1 }, groupColumn: 'registration', groupFactor: [1, 0] }, { points: { litter: 1 }, lawful: [] });
    const reg = r.col('registration');
    const seen = r.col('observedActs');
    for (let i = 0; i < reg.length; i++) expect(seen[i]).toBe(reg[i] === 0 ? 1 : 0);
  });

  it('observe a partial coverage at its rate', () => {
    const r = run({ coverage: { litter: 0.3, petition: 0.6 } }, { points: {}, lawful: [] }, 100_000);
    let litter = 0, petition = 0;
    for (const s of r.col('observedActs')) {
      litter += s & 1;
      petition += (s >> 1) & 1;
    }
    expect(Math.abs(litter / 1e5 - 0.3)).toBeLessThan(5 * Math.sqrt(0.21 / 1e5));
    expect(Math.abs(petition / 1e5 - 0.6)).toBeLessThan(5 * Math.sqrt(0.24 / 1e5));
  });

  it('add data sources from the day their agreements take effect, each missing an act independently', () => {
    const sources = [
      { name: 'cameras', from: 2, coverage: { litter: 1 } },
      { name: 'platforms', from: 1, coverage: { petition: 0.5 } },
    ];
    const r = run({ coverage: { petition: 0.5 }, sources }, { points: {}, lawful: [] }, 100_000, 3);
    // Day 0: petitions at 0.5; day 1: 1 - 0.5 x 0.5 = 0.75; day 2: litter too, always.
    const near = (x: number, p: number) => expect(Math.abs(x / 1e5 - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 1e5));
    near(r.metric('actsObserved', 0), 0.5);
    near(r.metric('actsObserved', 1), 0.75);
    near(r.metric('actsObserved', 2) - 1e5, 0.75);
  });

  it('refuse categories the acts do not have', () => {
    expect(() => run({ coverage: { speeding: 1 } }, {})).toThrow(CompileError);
    expect(() => run({ coverage: {} }, { points: { speeding: 1 } })).toThrow(/speeding/);
    expect(() => run({ coverage: {}, sources: [{ name: 'x', coverage: { speeding: 1 } }] }, {})).toThrow(/speeding/);
  });
});
