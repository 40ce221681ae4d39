import { describe, expect, it } from 'vitest';
import { runDocument } from '../src/cli/report.ts';
import { builtins } from '../src/cli/library.ts';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { compileWorld, type ModuleUse } from '../src/core/engine/world.ts';
import { simulate } from '../src/host/node/simulate.ts';
import { MODULES } from '../src/modules/index.ts';
import { resolveScenario } from '../src/scenario/load.ts';
import { parseScenarioText } from '../src/scenario/source.ts';
import { outcome } from './helpers.ts';

const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: MODULES[module]!.params.parse(params) });

/** A world of traits and acts only, run for `days` days on one thread. */
function actsWorld(n: number, traits: Record<string, { mean: number; sigma: number }>, categories: unknown[], days = 1) {
  const world = compileWorld(MODULES, { n, days, seed: 5n }, [use('traits', { traits }), use('acts', { categories })], {});
  const driver = new LocalDriver(world, MODULES);
  driver.advanceSync(days);
  return { world, driver, col: (name: string) => world.columns[name]!.array };
}

describe('traits', () => {
  it('are lognormal with the given mean and log-spread', () => {
    const { col } = actsWorld(100_000, { ruleBreaking: { mean: 2, sigma: 0.5 } }, [{ name: 'x', rate: 0, kind: 'minor' }], 0);
    const t = col('ruleBreaking');
    let sum = 0, sumLog = 0, sumLog2 = 0;
    for (const x of t) {
      sum += x;
      sumLog += Math.log(x);
      sumLog2 += Math.log(x) ** 2;
    }
    const n = t.length;
    const sdLog = Math.sqrt(sumLog2 / n - (sumLog / n) ** 2);
    expect(sdLog).toBeCloseTo(0.5, 2);
    // The mean of a lognormal with s = 0.5 has a standard error of about 0.0034 at this size.
    expect(Math.abs(sum / n - 2)).toBeLessThan(0.02);
  });
});

describe('acts', () => {
  it('follow their rates: certain, impossible, and lawful acts that break no rule', () => {
    const { col } = actsWorld(1000, { dissent: { mean: 1, sigma: 0 } }, [
      { name: 'always', rate: 1, kind: 'minor' },
      { name: 'never', rate: 0, kind: 'serious' },
      { name: 'speak', rate: 1, kind: 'lawful', trait: 'dissent' },
    ]);
    expect(new Set(col('acts'))).toEqual(new Set([0b101]));
    expect(new Set(col('violated'))).toEqual(new Set([1]));
    const lawfulOnly = actsWorld(1000, { dissent: { mean: 1, sigma: 0 } }, [{ name: 'speak', rate: 1, kind: 'lawful', trait: 'dissent' }]);
    expect(new Set(lawfulOnly.col('violated'))).toEqual(new Set([0]));
  });

  it('count acts by kind, keep routine acts apart from expression, and count serious violations per agent', () => {
    const days = 3;
    const { col, world, driver } = actsWorld(
      100,
      { dissent: { mean: 1, sigma: 0 } },
      [
        { name: 'fraud', rate: 1, kind: 'serious' },
        { name: 'litter', rate: 1, kind: 'minor' },
        { name: 'speak', rate: 1, kind: 'lawful' },
        { name: 'fly', rate: 1, kind: 'routine' },
      ],
      days,
    );
    const total = (name: string) => {
      const slot = world.metrics.find((m) => m.name === name)!.slot;
      let sum = 0;
      for (let d = 0; d < days; d++) sum += driver.series[d * world.metricWidth + slot]!;
      return sum;
    };
    expect(['seriousActs', 'minorActs', 'lawfulActs', 'routineActs'].map(total)).toEqual([300, 300, 300, 300]);
    expect(new Set(col('seriousCount'))).toEqual(new Set([3]));
    const routine = actsWorld(10, { dissent: { mean: 1, sigma: 0 } }, [{ name: 'fly', rate: 1, kind: 'routine' }]);
    expect(new Set(routine.col('violated'))).toEqual(new Set([0]));
  });

  it('scale their rates by the trait and count each category', () => {
    const n = 200_000;
    const { col, world, driver } = actsWorld(n, { ruleBreaking: { mean: 2, sigma: 0 }, dissent: { mean: 1e-9, sigma: 0 } }, [
      { name: 'jaywalking', rate: 0.01, kind: 'minor', trait: 'ruleBreaking' },
      { name: 'petition', rate: 0.5, kind: 'lawful', trait: 'dissent' },
    ]);
    let jay = 0;
    for (const m of col('acts')) jay += m & 1;
    expect(Math.abs(jay / n - 0.02)).toBeLessThan(5 * Math.sqrt((0.02 * 0.98) / n));
    expect(driver.series[world.metrics.find((m) => m.name === 'jaywalkingActs')!.slot]).toBe(jay);
    expect(driver.series[world.metrics.find((m) => m.name === 'petitionActs')!.slot]).toBe(0);
  });

  it('draw more than four categories from successive blocks, identically on any number of threads', async () => {
    const text = `version: 1
name: acts-test
agents: 30011
days: 20
seed: "12345678901234567890"
layers:
  contacts: { generator: ring-rewire }
  household: { generator: households, stream: 8 }
modules:
  - module: population
  - module: traits
  - module: acts
    params:
      categories:
        - { name: a, rate: 0.01, kind: serious, trait: ruleBreaking }
        - { name: b, rate: 0.02, kind: minor }
        - { name: c, rate: 0.03, kind: lawful, trait: dissent }
        - { name: d, rate: 0.04, kind: minor }
        - { name: e, rate: 0.05, kind: serious }
        - { name: f, rate: 0.06, kind: lawful }
  - module: observation
  - module: reporting
  - module: ledger
  - module: blacklist
  - module: joint-punishment
output:
  stateHash: [acts, violated, score, listed, registration, ageBand]
`;
    const scenario = resolveScenario(parseScenarioText(text, 'acts-test.yaml'), builtins, MODULES);
    const docs = await Promise.all([1, 2].map(async (threads) => runDocument(scenario, await simulate(scenario, { threads }), { version: 't', threads, seconds: 1 })));
    expect(outcome(docs[1]!)).toEqual(outcome(docs[0]!));
    const totals = docs[0]!.totals as Record<string, number>;
    // Category e (rate 0.05, no trait) uses word 0 of the second block.
    expect(Math.abs(totals.eActs! / (30011 * 20) - 0.05)).toBeLessThan(0.002);
    expect(totals.newListings).toBeGreaterThan(0);
  });
});
