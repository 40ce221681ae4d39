import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalDriver, type Driver } from '../src/core/engine/driver.ts';
import { defineModule } from '../src/core/engine/module.ts';
import { compileWorld, CompileError, type ModuleUse, type Registry, type World } from '../src/core/engine/world.ts';
import { blocks } from '../src/core/network/generators/index.ts';
import { boundedInt } from '../src/core/rng/samplers.ts';
import { Rng } from '../src/core/rng/threefry.ts';
import { threshold } from '../src/core/rng/threshold.ts';
import { Words } from '../src/core/rng/words.ts';
import { ThreadPool } from '../src/host/node/threads.ts';
import { blackMarket } from '../src/modules/black-market.ts';
import { dataBreach } from '../src/modules/data-breach.ts';
import { evasion } from '../src/modules/evasion.ts';
import { faceRecognition } from '../src/modules/face-recognition.ts';
import { MODULES } from '../src/modules/index.ts';

/** Acts set by hand: agent i does pattern[i] (bits: jaywalking, petition) on days before `until`. */
const fixedActs = defineModule({
  name: 'fixed-acts',
  title: 'Acts set by hand (tests)',
  summary: 'Sets each agent\'s acts from a pattern.',
  params: z.strictObject({
    pattern: z.array(z.number().int()).default([]).describe('Acts of agent i'),
    until: z.number().int().default(1 << 30).describe('First day with no acts'),
  }),
  declare: () => ({
    columns: [{ name: 'acts', type: 'u8', labels: ['jaywalking', 'petition'], description: 'acts today' }],
    phases: { act: 'sets the acts' },
  }),
  bind(p, w) {
    const acts = w.column('acts', 'u8');
    return {
      act(lo, hi, step) {
        for (let i = lo; i < hi; i++) acts[i] = step < p.until ? (p.pattern[i] ?? 0) : 0;
      },
    };
  },
});

const MINE = [faceRecognition, blackMarket, dataBreach, evasion];
const REG: Registry = { ...MODULES, ...Object.fromEntries(MINE.map((m) => [m.name, m])), [fixedActs.name]: fixedActs };
const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: REG[module]!.params.parse(params) });
const households = (n: number) => ({ household: { streams: [], build: () => blocks(n, 4) } });

interface Run {
  world: World;
  driver: LocalDriver;
  col: (name: string) => number[];
  /** A metric on one day, or its total over the days run. */
  metric: (name: string, day?: number) => number;
}

/** Compiles `modules` for n agents; `prepare` may set columns before the first day. */
function run(n: number, days: number, modules: ModuleUse[], prepare: (w: World) => void = () => {}, seed = 5n): Run {
  const world = compileWorld(REG, { n, days, seed }, modules, households(n));
  const driver = new LocalDriver(world, REG);
  prepare(world);
  driver.advanceSync(days);
  const slot = (name: string) => world.metrics.find((m) => m.name === name)!.slot;
  const metric = (name: string, day?: number) => {
    if (day !== undefined) return driver.series[day * world.metricWidth + slot(name)]!;
    let sum = 0;
    for (let d = 0; d < days; d++) sum += driver.series[d * world.metricWidth + slot(name)]!;
    return sum;
  };
  return { world, driver, col: (name) => Array.from(world.columns[name]!.array), metric };
}

/** |observed share - p| within 5 binomial standard deviations. */
const nearRate = (hits: number, trials: number, p: number) => expect(Math.abs(hits / trials - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / trials));

const allJaywalk = [{ name: 'jaywalking', rate: 1, kind: 'minor' }];

describe('face-recognition', () => {
  const face = (params: Record<string, unknown>) => use('face-recognition', { points: { jaywalking: 7 }, detection: 1, ...params });

  it('books the points against the actor when the search names the actor', () => {
    const r = run(4, 1, [use('fixed-acts', { pattern: [1, 0, 1, 2] }), use('ledger'), face({ falseMatchRate: 0 })]);
    expect(r.col('score')).toEqual([993, 1000, 993, 1000]);
    expect(r.col('faceIdentified')).toEqual([1, 0, 1, 0]);
    expect(r.col('misidentified')).toEqual([0, 0, 0, 0]);
    expect(['faceSearches', 'faceMatches', 'falseMatches', 'pointsForFalseMatches'].map((m) => r.metric(m))).toEqual([2, 2, 0, 0]);
  });

  it('books a false match against another agent, marks them, and clears the mark the next day', () => {
    const one = run(2, 1, [use('fixed-acts', { pattern: [1, 0] }), use('ledger'), face({ falseMatchRate: 1 })]);
    expect(one.col('score')).toEqual([1000, 993]);
    expect(one.col('misidentified')).toEqual([0, 1]);
    expect(one.col('faceIdentified')).toEqual([0, 0]);
    expect(['faceSearches', 'faceMatches', 'falseMatches', 'pointsForFalseMatches'].map((m) => one.metric(m))).toEqual([1, 0, 1, 7]);
    const two = run(2, 2, [use('fixed-acts', { pattern: [1, 0], until: 1 }), use('ledger'), face({ falseMatchRate: 1 })]);
    expect(two.col('misidentified')).toEqual([0, 0]);
    expect(two.col('score')).toEqual([1000, 993]);
  });

  it('draws the lookalike uniformly among the other agents, from the actor\'s own address', () => {
    const n = 50;
    const r = run(n, 1, [use('fixed-acts', { pattern: new Array<number>(n).fill(1) }), use('ledger'), face({ falseMatchRate: 1 })]);
    const words = new Words(new Rng(5n));
    const named = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      words.at(i, 0, 40, 0);
      words.next();
      words.next();
      let j = boundedInt(words, n - 1);
      if (j >= i) j++;
      expect(j).not.toBe(i);
      named[j]!++;
    }
    expect(r.col('score')).toEqual(named.map((c) => 1000 - 7 * c));
    expect(r.col('misidentified')).toEqual(named.map((c) => (c ? 1 : 0)));
    expect(r.metric('pointsForFalseMatches')).toBe(7 * n);
  });

  it('returns the wrong identity at 1 - exp(-rate x gallery x group factor), the gallery growing yearly', () => {
    const n = 100_000;
    const x = 0.05;
    const r = run(n, 1, [
      use('population', { dimensions: { registration: { urban: 0.5, rural: 0.5 } } }),
      use('acts', { categories: allJaywalk }),
      use('ledger'),
      face({ gallery: 1.4e9, falseMatchRate: x / 1.4e9, groupColumn: 'registration', groupFactor: [1, 3] }),
    ]);
    const reg = r.col('registration');
    const id = r.col('faceIdentified');
    for (const g of [0, 1]) {
      let size = 0, wrong = 0;
      for (let i = 0; i < n; i++) {
        if (reg[i] !== g) continue;
        size++;
        if (!id[i]) wrong++;
      }
      nearRate(wrong, size, 1 - Math.exp(-x * (g ? 3 : 1)));
    }
    // (1 + growth)^(1 / 365) = 2: the gallery doubles from day 0 to day 1.
    const grown = run(n, 2, [use('acts', { categories: allJaywalk }), use('ledger'), face({ falseMatchRate: x / 1.4e9, growth: 2 ** 365 - 1 })]);
    expect([grown.metric('faceSearches', 0), grown.metric('faceSearches', 1)]).toEqual([n, n]);
    nearRate(grown.metric('falseMatches', 0), n, 1 - Math.exp(-x));
    nearRate(grown.metric('falseMatches', 1), n, 1 - Math.exp(-2 * x));
  });

  it('draws the lookalike from the actor\'s own group, so a group\'s higher error rate falls on that group', () => {
    const n = 20_000;
    const r = run(n, 1, [
      use('population', { dimensions: { ethnicity: { majority: 0.9, minority: 0.1 } } }),
      use('acts', { categories: allJaywalk }),
      use('ledger'),
      face({ falseMatchRate: 1, groupColumn: 'ethnicity', groupFactor: [1, 1] }),
    ]);
    // Everyone acts and every search names a lookalike: if each stays in its group, the minority
    // is named exactly as many times as it has members (a uniform draw would give it about 10% of n).
    const group = r.col('ethnicity');
    const named = r.col('score').map((s) => (1000 - s) / 7);
    let members = 0, namedInMinority = 0;
    for (let i = 0; i < n; i++) {
      members += group[i]!;
      if (group[i]) namedInMinority += named[i]!;
    }
    expect(members).toBeGreaterThan(1000);
    expect(namedInMinority).toBe(members);
  });

  it('detects at its rate, and not an agent whose evasion is 1', () => {
    const n = 100_000;
    const r = run(n, 1, [use('acts', { categories: allJaywalk }), use('ledger'), face({ detection: 0.3, falseMatchRate: 0 })]);
    nearRate(r.metric('faceSearches'), n, 0.3);
    const ev = run(
      2,
      1,
      [use('fixed-acts', { pattern: [1, 1] }), use('ledger'), face({ falseMatchRate: 0, evasionColumn: 'evasion' }), use('evasion', { max: 1, learn: 0, decay: 0, punishedColumns: ['faceIdentified'] })],
      (w) => (w.columns.evasion!.array[0] = 1),
    );
    expect(ev.col('score')).toEqual([1000, 993]);
    expect(ev.metric('faceSearches')).toBe(1);
  });

  it('refuses categories the acts do not have', () => {
    expect(() => run(2, 1, [use('fixed-acts'), use('ledger'), use('face-recognition', { points: { speeding: 1 } })])).toThrow(CompileError);
  });
});

describe('black-market', () => {
  const market = (params: Record<string, unknown> = {}) => use('black-market', { below: 600, rate: 1, points: 50, price: 200, detection: 0, penalty: 30, ...params });

  it('lets agents below the threshold buy points that reach the ledger the next day', () => {
    const r = run(4, 2, [use('ledger', { start: 500 }), market()], (w) => (w.columns.score!.array[1] = 800));
    expect(r.col('score')).toEqual([550, 800, 550, 550]);
    expect(r.col('boughtPoints')).toEqual([100, 0, 100, 100]);
    expect(['blackMarketPurchases', 'pointsBought', 'purchasesDetected', 'moneySpentOnPoints'].map((m) => r.metric(m))).toEqual([6, 300, 0, 1200]);
  });

  it('confiscates a purchase found out and books the penalty', () => {
    const r = run(4, 2, [use('ledger', { start: 500 }), market({ detection: 1 })]);
    expect(r.col('score')).toEqual([470, 470, 470, 470]);
    expect(r.col('boughtPoints')).toEqual([0, 0, 0, 0]);
    expect(['blackMarketPurchases', 'pointsBought', 'purchasesDetected', 'moneySpentOnPoints'].map((m) => r.metric(m))).toEqual([8, 0, 8, 1600]);
  });

  it('buys only with savings that cover the price, and pays from them through economy\'s expenses', () => {
    const r = run(8, 3, [
      use('population', { childShare: 0, retiredShare: 0 }),
      use('ledger', { start: 500 }),
      use('economy', { income: { mean: 100, sigma: 0 }, spending: 0.5, savings: { days: 0 }, shock: { rate: 0 } }),
      market({ price: 80 }),
    ]);
    // Day 0: 50 saved, too little; day 1: 100 saved, 80 spent, paid in day 2's update: 100 + 50 - 80.
    expect(r.col('savings')).toEqual(new Array(8).fill(70));
    expect([0, 1, 2].map((d) => r.metric('blackMarketPurchases', d))).toEqual([0, 8, 0]);
    expect(r.metric('moneySpentOnPoints')).toBe(640);
    // The points bought on day 1 are booked on day 2.
    expect(r.col('score')).toEqual(new Array(8).fill(550));
    expect(r.col('boughtPoints')).toEqual(new Array(8).fill(50));
  });

  it('buys and is found out at its rates', () => {
    const n = 100_000;
    const r = run(n, 1, [use('ledger', { start: 500 }), market({ rate: 0.3, detection: 0.2 })]);
    const bought = r.metric('blackMarketPurchases');
    nearRate(bought, n, 0.3);
    nearRate(r.metric('purchasesDetected'), bought, 0.2);
    expect(r.metric('pointsBought')).toBe(50 * (bought - r.metric('purchasesDetected')));
  });
});

describe('data-breach', () => {
  const breach = (params: Record<string, unknown>) =>
    use('data-breach', { rate: 1, share: 1, ...params, fraud: { rate: 0, ...(params.fraud as object) }, tamper: { rate: 0, ...(params.tamper as object) } });

  it('counts a breach once a day over many chunks, and marks the exposed for ever', () => {
    const n = 1500;
    const r = run(n, 3, [use('ledger'), breach({})]);
    expect([0, 1, 2].map((d) => r.metric('breaches', d))).toEqual([1, 1, 1]);
    expect([r.metric('recordsExposed', 0), r.metric('agentsExposed', 2)]).toEqual([n, n]);
    expect(new Set(r.col('exposed'))).toEqual(new Set([1]));
    const none = run(n, 3, [use('ledger'), breach({ rate: 0 })]);
    expect([none.metric('breaches'), none.metric('agentsExposed', 2)]).toEqual([0, 0]);
  });

  it('decides a breach once for everyone, from the day\'s global address', () => {
    const n = 1200;
    const days = 30;
    const r = run(n, days, [use('ledger'), breach({ rate: 0.5 })]);
    const rng = new Rng(5n);
    let some = 0;
    for (let d = 0; d < days; d++) {
      const happened = rng.word0(0, d, 42, 0) < threshold(0.5) ? 1 : 0;
      some += happened;
      expect([r.metric('breaches', d), r.metric('recordsExposed', d)]).toEqual([happened, happened * n]);
    }
    expect(some).toBeGreaterThan(0);
  });

  it('exposes records at the share, and tampers at its rate and split', () => {
    const n = 100_000;
    const r = run(n, 1, [use('ledger'), breach({ share: 0.3, tamper: { rate: 0.2, malicious: 0.25, deduction: 40, improvement: 10 } })]);
    nearRate(r.metric('recordsExposed'), n, 0.3);
    const tampered = r.metric('tamperedRecords');
    const malicious = r.metric('maliciousTamperings');
    nearRate(tampered, n, 0.2);
    nearRate(malicious, tampered, 0.25);
    expect(r.metric('pointsTampered')).toBe(40 * malicious + 10 * (tampered - malicious));
  });

  it('defrauds the exposed every day, through economy\'s expenses when given', () => {
    const plain = run(8, 3, [use('ledger'), breach({ rate: 1, fraud: { rate: 1, amount: 30 } })]);
    expect(plain.col('fraudLoss')).toEqual(new Array(8).fill(90));
    expect([plain.metric('frauds'), plain.metric('fraudLosses')]).toEqual([24, 720]);
    const fromSavings = run(8, 3, [
      use('population', { childShare: 0, retiredShare: 0 }),
      use('ledger'),
      use('economy', { income: { mean: 100, sigma: 0 }, spending: 0.5, savings: { days: 0 }, shock: { rate: 0 } }),
      breach({ fraud: { rate: 1, amount: 30 }, expensesColumn: 'expenses' }),
    ]);
    // Each day's fraud is paid in the same day's update: 3 x (50 - 30).
    expect(fromSavings.col('fraudLoss')).toEqual(new Array(8).fill(90));
    expect(fromSavings.col('savings')).toEqual(new Array(8).fill(60));
    expect(fromSavings.metric('fraudLosses')).toBe(720);
  });

  it('books tampering into the ledger: malicious deductions and sold improvements', () => {
    const bad = run(4, 1, [use('ledger'), breach({ rate: 0, tamper: { rate: 1, malicious: 1, deduction: 40 } })]);
    expect(bad.col('score')).toEqual([960, 960, 960, 960]);
    expect(bad.col('tamperedPoints')).toEqual([-40, -40, -40, -40]);
    expect(['tamperedRecords', 'maliciousTamperings', 'pointsTampered'].map((m) => bad.metric(m))).toEqual([4, 4, 160]);
    const sold = run(4, 1, [use('ledger', { start: 900 }), breach({ rate: 0, tamper: { rate: 1, malicious: 0, improvement: 25 } })]);
    expect(sold.col('score')).toEqual([925, 925, 925, 925]);
    expect(sold.metric('maliciousTamperings')).toBe(0);
  });
});

describe('evasion', () => {
  const watched = (coverage: number, ev: Record<string, unknown>) => [
    use('acts', { categories: allJaywalk }),
    use('surveillance', { coverage: { jaywalking: coverage } }),
    use('penalties', { points: { jaywalking: 1 }, lawful: [] }),
    use('ledger'),
    use('evasion', ev),
  ];

  it('grows toward max on days the agent is punished', () => {
    const r = run(4, 2, watched(1, { max: 0.5, learn: 0.2, decay: 0.1 }));
    const e1 = Math.fround(0.2 * 0.5);
    const e2 = Math.fround(e1 + 0.2 * (0.5 - e1));
    expect(r.col('evasion')).toEqual([e2, e2, e2, e2]);
    expect([r.metric('evasionIndex', 0), r.metric('evasionIndex', 1)]).toEqual([4 * Math.round(1000 * e1), 4 * Math.round(1000 * e2)]);
  });

  it('fades without punishment, at a welfare cost when it has one', () => {
    const r = run(4, 1, watched(0, { max: 0.5, learn: 0.2, decay: 0.1, cost: 2 }), (w) => w.columns.evasion!.array.fill(0.4));
    const e = Math.fround(Math.fround(0.4) - 0.1 * Math.fround(0.4));
    expect(r.col('evasion')).toEqual([e, e, e, e]);
    expect(r.col('evasionCost')).toEqual(new Array(4).fill(Math.fround(2 * e)));
    expect(r.metric('evasionCostSum')).toBe(4 * Math.round(Math.fround(2 * e)));
  });

  it('scales surveillance coverage by 1 - evasion, and changes nothing at evasion 0', () => {
    const frozen = { max: 1, learn: 0, decay: 0 };
    const mods = (cov: number, withEvasion: boolean) => [
      use('acts', { categories: allJaywalk }),
      use('surveillance', { coverage: { jaywalking: cov }, ...(withEvasion ? { evasionColumn: 'evasion' } : {}) }),
      use('penalties', { points: { jaywalking: 1 }, lawful: [] }),
      use('ledger'),
      use('evasion', frozen),
    ];
    const half = run(6, 1, mods(1, true), (w) => w.columns.evasion!.array.set([1, 0, 1, 0, 1, 0]));
    expect(half.col('observedActs')).toEqual([0, 1, 0, 1, 0, 1]);
    const n = 100_000;
    const some = run(n, 1, mods(1, true), (w) => w.columns.evasion!.array.fill(0.5));
    nearRate(some.metric('actsObserved'), n, 0.5);
    const zero = run(20_000, 1, mods(0.3, true));
    const without = run(20_000, 1, mods(0.3, false));
    expect(zero.col('observedActs')).toEqual(without.col('observedActs'));
  });
});

describe('the manipulation modules on threads', () => {
  it('give the same run on 1 and 3 threads', async () => {
    const n = 10_000;
    const days = 40;
    const modules = [
      use('population', { dimensions: { registration: { urban: 0.5, rural: 0.5 } } }),
      use('acts', { categories: [{ name: 'jaywalking', rate: 0.05, kind: 'minor' }, { name: 'petition', rate: 0.01, kind: 'lawful' }] }),
      use('surveillance', { coverage: { jaywalking: 0.5, petition: 0.8 }, evasionColumn: 'evasion' }),
      use('penalties', { points: { jaywalking: 20, petition: 50 }, lawful: ['petition'] }),
      use('ledger'),
      use('economy'),
      use('face-recognition', { points: { jaywalking: 20 }, falseMatchRate: 1e-10, groupColumn: 'registration', groupFactor: [1, 2], evasionColumn: 'evasion' }),
      use('black-market', { rate: 0.2 }),
      use('data-breach', { rate: 0.1, share: 0.4, fraud: { rate: 0.05 }, tamper: { rate: 0.01 } }),
      use('evasion', { punishedColumns: ['penalizedActs', 'faceIdentified'], cost: 1 }),
    ];
    const state = (w: World) => Object.fromEntries(Object.entries(w.columns).map(([k, c]) => [k, Array.from(c.array)]));
    const go = async (threads: number) => {
      const world = compileWorld(REG, { n, days, seed: 9n }, modules, households(n));
      let driver: Driver;
      if (threads === 1) driver = new LocalDriver(world, REG);
      else driver = await new ThreadPool(threads, ['face-recognition', 'black-market', 'data-breach', 'evasion'].map((f) => new URL(`../src/modules/${f}.ts`, import.meta.url).href)).start(world, REG);
      await driver.advance(days);
      await driver.close();
      return { series: Array.from(driver.series), state: state(world) };
    };
    const one = await go(1);
    const total = (name: string) => {
      const world = compileWorld(REG, { n, days: 1, seed: 9n }, modules, households(n));
      const m = world.metrics.find((x) => x.name === name)!;
      let s = 0;
      for (let d = 0; d < days; d++) s += one.series[d * world.metricWidth + m.slot]!;
      return s;
    };
    for (const m of ['falseMatches', 'blackMarketPurchases', 'breaches', 'tamperedRecords', 'frauds']) expect(total(m)).toBeGreaterThan(0);
    expect(await go(3)).toEqual(one);
  });
});
