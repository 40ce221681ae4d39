import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { compileWorld, type ModuleUse } from '../src/core/engine/world.ts';
import { blocks } from '../src/core/network/generators/index.ts';
import { MODULES } from '../src/modules/index.ts';

const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: MODULES[module]!.params.parse(params) });

/** Everyone petitions every day (rate 1 times a dissent of 1), observed with `coverage`, costing `points`. */
function run(coverage: number, adaptation: Record<string, unknown>, days = 1, points = 10) {
  const n = 8;
  const w = compileWorld(
    MODULES,
    { n, days, seed: 9n },
    [
      use('traits', { traits: { dissent: { mean: 1, sigma: 0 } } }),
      use('acts', { categories: [{ name: 'petition', rate: 1, kind: 'lawful', trait: 'dissent' }] }),
      use('surveillance', { coverage: { petition: coverage } }),
      use('penalties', { points: { petition: points }, lawful: ['petition'] }),
      use('ledger'),
      use('adaptation', { categories: ['petition'], ...adaptation }),
    ],
    { household: { streams: [], build: () => blocks(n, 4) } },
  );
  const driver = new LocalDriver(w, MODULES);
  driver.advanceSync(days);
  return { dissent: Array.from(w.columns.dissent!.array), index: driver.series[w.metrics.find((m) => m.name === 'dissentIndex')!.slot + (days - 1) * w.metricWidth]! };
}

describe('adaptation', () => {
  it('shrinks the trait of an agent caught in a watched act', () => {
    const r = run(1, { own: 0.8, contact: 1, recovery: 0 });
    for (const d of r.dissent) expect(d).toBeCloseTo(0.8, 6);
    expect(r.index).toBe(8 * 800);
  });

  it('shrinks it for each contact caught, and leaves it when nobody is', () => {
    const viaFamily = run(1, { own: 1, contact: 0.9, recovery: 0, layer: 'household' });
    for (const d of viaFamily.dissent) expect(d).toBeCloseTo(0.9 ** 3, 6);
    const unseen = run(0, { own: 0.5, contact: 0.5, recovery: 0.1, layer: 'household' });
    expect(unseen.dissent).toEqual(new Array(8).fill(1));
    expect(unseen.index).toBe(8000);
    // Seen but not punished: no lesson.
    expect(run(1, { own: 0.5, contact: 1, recovery: 0 }, 1, 0).dissent).toEqual(new Array(8).fill(1));
  });

  it('recovers toward the starting value when the punishment stops', () => {
    // Caught on day 0 (dissent 0.5), the rate then halves; with coverage 1 every petition is seen,
    // so only agents who do not petition recover. Over many days the index stays below 1000 n.
    const r = run(1, { own: 0.5, contact: 1, recovery: 0.5 }, 30);
    expect(r.index).toBeLessThan(8000);
    for (const d of r.dissent) expect(d).toBeGreaterThan(0);
  });
});

describe('adaptation from several sources', () => {
  it('learns from a punishment in any of its punishedColumns', () => {
    // Nothing observed (coverage 0), but faces are rightly identified: the lesson comes from faceIdentified.
    const n = 8;
    const w = compileWorld(
      MODULES,
      { n, days: 1, seed: 9n },
      [
        use('traits', { traits: { dissent: { mean: 1, sigma: 0 } } }),
        use('acts', { categories: [{ name: 'petition', rate: 1, kind: 'lawful', trait: 'dissent' }] }),
        use('surveillance', { coverage: { petition: 0 } }),
        use('penalties', { points: { petition: 10 }, lawful: ['petition'] }),
        use('face-recognition', { points: { petition: 10 }, detection: 1, falseMatchRate: 0 }),
        use('ledger'),
        use('adaptation', { categories: ['petition'], own: 0.5, contact: 1, recovery: 0, punishedColumns: ['penalizedActs', 'faceIdentified'] }),
      ],
      { household: { streams: [], build: () => blocks(n, 4) } },
    );
    new LocalDriver(w, MODULES).advanceSync(1);
    for (const d of w.columns.dissent!.array) expect(d).toBeCloseTo(0.5, 6);
  });
});
