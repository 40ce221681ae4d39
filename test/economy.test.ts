import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { compileWorld, type ModuleUse } from '../src/core/engine/world.ts';
import { blocks } from '../src/core/network/generators/index.ts';
import { MODULES } from '../src/modules/index.ts';

const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: MODULES[module]!.params.parse(params) });

/** Eight working adults earning exactly 100 a day, saving half, with no savings at the start. */
function run(economy: Record<string, unknown>, days: number, withSanctions = false) {
  const n = 8;
  const w = compileWorld(
    MODULES,
    { n, days, seed: 4n },
    [
      use('population', { childShare: 0, retiredShare: 0 }),
      use('ledger'),
      use('economy', { income: { mean: 100, sigma: 0 }, spending: 0.5, savings: { days: 0 }, ...economy, ...(withSanctions ? { sanctionedColumn: 'sanctioned' } : {}) }),
      ...(withSanctions ? [use('sanctions', { sanctions: [{ name: 'all', trigger: { when: 'score', below: 5000 } }] })] : []),
    ],
    { household: { streams: [], build: () => blocks(n, 4) } },
  );
  const driver = new LocalDriver(w, MODULES);
  driver.advanceSync(days);
  const metric = (name: string, day = days - 1) => driver.series[day * w.metricWidth + w.metrics.find((m) => m.name === name)!.slot]!;
  const col = (name: string) => Array.from(w.columns[name]!.array);
  return { metric, col };
}

describe('economy', () => {
  it('earns and saves', () => {
    const r = run({ shock: { rate: 0 } }, 3);
    expect(r.col('income')).toEqual(new Array(8).fill(100));
    expect(r.col('savings')).toEqual(new Array(8).fill(150));
    expect([r.metric('incomeSum'), r.metric('savingsSum'), r.metric('debtors')]).toEqual([800, 1200, 0]);
  });

  it('pays debts from savings and leaves the rest in default', () => {
    const r = run({ shock: { rate: 1, mean: 1000, sigma: 0 } }, 2);
    expect(r.col('savings')).toEqual(new Array(8).fill(0));
    expect(r.col('debt')).toEqual(new Array(8).fill(1900));
    expect([r.metric('newDefaults', 0), r.metric('newDefaults', 1), r.metric('debtors')]).toEqual([8, 0, 8]);
  });

  it('cuts the income of the sanctioned, and counts defaults under sanction', () => {
    const r = run({ shock: { rate: 0 } }, 2, true);
    // Day 0 before any sanction: +50; day 1 under one: +40.
    expect(r.col('savings')).toEqual(new Array(8).fill(90));
    expect(r.metric('incomeSum')).toBe(640);
    const trap = run({ shock: { rate: 1, mean: 45, sigma: 0 } }, 2, true);
    // Day 0: 50 saved covers 45. Day 1: 5 + 40 covers 45 again, so nobody defaults.
    expect(trap.metric('debtors')).toBe(0);
    const deeper = run({ shock: { rate: 1, mean: 48, sigma: 0 } }, 2, true);
    expect(deeper.metric('defaultsUnderSanction', 1)).toBe(8);
  });
});

describe('court-enforcement', () => {
  it('lists after the grace period, counts those unable to pay, delists on payment', () => {
    const n = 8;
    const w = compileWorld(
      MODULES,
      { n, days: 6, seed: 4n },
      [
        use('population', { childShare: 0, retiredShare: 0 }),
        use('economy', { income: { mean: 100, sigma: 0 }, spending: 0.5, savings: { days: 0 }, shock: { rate: 0 } }),
        use('court-enforcement', { graceDays: 2, ableDays: 10 }),
      ],
      { household: { streams: [], build: () => blocks(n, 4) } },
    );
    const driver = new LocalDriver(w, MODULES);
    // Agents 0-3 owe 200 (they pay it off in four days of saving 50), agents 4-7 owe 100000.
    const debt = w.columns.debt!.array;
    debt.set([200, 200, 200, 200, 1e5, 1e5, 1e5, 1e5]);
    const metric = (name: string, day: number) => driver.series[day * w.metricWidth + w.metrics.find((m) => m.name === name)!.slot]!;
    driver.advanceSync(6);
    // Day 0: pay 50, in default for 1 day; day 2: 3 days > 2, all eight listed, four unable to pay.
    expect([metric('newListings', 2), metric('listedUnableToPay', 2)]).toEqual([8, 4]);
    // Day 3: agents 0-3 have paid the 200 off and are delisted.
    expect([metric('delistings', 3), metric('listed', 3), metric('listed', 5)]).toEqual([4, 4, 4]);
    expect(Array.from(w.columns.listed!.array)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });
});

describe('wilful debtors', () => {
  it('keep their savings while unlisted, pay under the list, and are marked as ground truth', () => {
    const n = 8;
    const w = compileWorld(
      MODULES,
      { n, days: 6, seed: 4n },
      [
        use('population', { childShare: 0, retiredShare: 0 }),
        use('traits', { traits: { ruleBreaking: { mean: 1, sigma: 0 } } }),
        use('economy', { income: { mean: 100, sigma: 0 }, spending: 0.5, savings: { days: 0 }, shock: { rate: 0 }, wilful: { trait: 'ruleBreaking', above: 2, comply: 1 } }),
        use('court-enforcement', { graceDays: 2 }),
      ],
      { household: { streams: [], build: () => blocks(n, 4) } },
    );
    const driver = new LocalDriver(w, MODULES);
    // Agents 4-7 are wilful; everyone owes 120, which two days of saving (50 a day) would not cover but three would.
    w.columns.ruleBreaking!.array.set([1, 1, 1, 1, 3, 3, 3, 3]);
    w.columns.debt!.array.fill(120);
    const col = (name: string) => Array.from(w.columns[name]!.array);
    driver.advanceSync(3);
    // Day 2: the honest have paid; the wilful kept 150 and are listed (3 days > 2).
    expect(col('debt')).toEqual([0, 0, 0, 0, 120, 120, 120, 120]);
    expect(col('wilfulDefault')).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(col('listed')).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    driver.advanceSync(1);
    // Day 3: listed, they comply (probability 1) and pay from what they kept: 150 + 50 - 120.
    expect(col('debt')).toEqual(new Array(8).fill(0));
    expect(col('savings').slice(4)).toEqual([80, 80, 80, 80]);
    expect(col('wilfulDefault')).toEqual(new Array(8).fill(0));
  });
});
