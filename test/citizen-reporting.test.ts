import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { defineModule } from '../src/core/engine/module.ts';
import { bindWorld, ThreadRunner } from '../src/core/engine/schedule.ts';
import { compileWorld, CompileError, type ModuleUse, type Registry } from '../src/core/engine/world.ts';
import { ringRewire } from '../src/core/network/generators/index.ts';
import { csrLayer, groupLayer, sharedInt32, slotLayer, type Layer } from '../src/core/network/layers.ts';
import { citizenReporting } from '../src/modules/citizen-reporting.ts';
import { MODULES } from '../src/modules/index.ts';

const [FRAUD, JAYWALKING, PETITION] = [1, 2, 4];

/** Acts as a test dictates them: agent i does script[day][i], or `all` when the script says nothing. */
const scriptedActs = defineModule({
  name: 'scripted-acts',
  title: 'Scripted acts',
  summary: 'Acts fixed in advance, for tests.',
  params: z.strictObject({
    script: z.array(z.array(z.number().int())).default([]).describe('Acts of each agent on each day, bit per category'),
    all: z.number().int().default(0).describe('Acts of an agent the script does not mention'),
  }),
  declare: () => ({
    columns: [{ name: 'acts', type: 'u8', truth: true, labels: ['fraud', 'jaywalking', 'petition'], description: 'acts today' }],
    phases: { act: 'sets the acts of the day from the script' },
  }),
  bind(p, w) {
    const acts = w.column('acts', 'u8');
    return {
      act(lo, hi, step) {
        const today = p.script[step] ?? [];
        for (let i = lo; i < hi; i++) acts[i] = today[i] ?? p.all;
      },
    };
  },
});

const REG: Registry = { ...MODULES, [citizenReporting.name]: citizenReporting, [scriptedActs.name]: scriptedActs };
const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: REG[module]!.params.parse(params) });

/** Every mechanism off, every report of a real act made and every report confirmed: each test turns on what it checks. */
const BASE = {
  reportable: ['fraud', 'jaywalking'],
  witness: 0,
  report: 1,
  rewardElasticity: 0,
  grudgeShare: 0,
  grudgeRate: 0,
  fabricate: 0,
  retaliation: 0,
  trueConfirm: 1,
  falseConfirm: 1,
  reward: 10,
  penalty: 50,
};

function csr(lists: number[][]): Layer {
  const offsets = sharedInt32(lists.length + 1);
  const targets = sharedInt32(lists.flat().length);
  lists.forEach((l, i) => {
    offsets[i + 1] = offsets[i]! + l.length;
    targets.set(l, offsets[i]);
  });
  return csrLayer(lists.length, offsets, targets);
}

function slots(lists: number[][], capacity = 4): Layer {
  const layer = slotLayer(lists.length, capacity);
  lists.forEach((l, i) => {
    layer.targets.set(l, i * capacity);
    layer.degree[i] = l.length;
  });
  return layer;
}

/** A world of scripted acts, a ledger starting at 500 without recovery, a blacklist that lists nobody, and the module. */
function run(layer: Layer, params: Record<string, unknown>, days: number, acts: { script?: number[][]; all?: number } = {}, seed = 7n) {
  const n = layer.n;
  const w = compileWorld(
    REG,
    { n, days, seed },
    [
      use('scripted-acts', acts),
      use('citizen-reporting', { ...BASE, ...params }),
      use('ledger', { start: 500, recovery: { points: 0 }, listedRecovery: { points: 0 } }),
      use('blacklist', { below: -1e6 }),
    ],
    { contacts: { streams: [], build: () => layer } },
  );
  const driver = new LocalDriver(w, REG);
  const col = (name: string) => Array.from(w.columns[name]!.array);
  driver.advanceSync(days);
  const series = (name: string) => Array.from({ length: days }, (_, d) => driver.series[d * w.metricWidth + w.metrics.find((m) => m.name === name)!.slot]!);
  const total = (name: string) => series(name).reduce((a, b) => a + b, 0);
  return { col, series, total };
}

describe('citizen-reporting', () => {
  it('reports only real acts of reportable categories, on any kind of layer', () => {
    const star = [[1, 2, 3], [0], [0], [0]];
    const script = [[0, FRAUD, PETITION, FRAUD | JAYWALKING]];
    for (const layer of [csr(star), slots(star)]) {
      const r = run(layer, { witness: 1 }, 1, { script });
      // Agent 0 sees one act of agent 1 and two of agent 3; nobody sees anything of agent 0.
      expect(r.total('reportsTrue')).toBe(3);
      expect(r.col('score')).toEqual([530, 450, 500, 400]);
      expect([r.total('reportsConfirmed'), r.total('falseReportsConfirmed'), r.total('rewardsPaid')]).toEqual([3, 0, 30]);
      expect(r.col('falselyReported')).toEqual([0, 0, 0, 0]);
      expect(r.col('informer')).toEqual([0, 0, 0, 0]);
    }
    // In a household everyone watches everyone else.
    const house = run(groupLayer(4, [4]), { witness: 1 }, 1, { script });
    expect(house.total('reportsTrue')).toBe(9);
    expect(house.col('score')).toEqual([530, 500 + 20 - 150, 530, 500 + 10 - 300]);
    // Nothing witnessed, nothing reported; a lawful act reported when the system invites it.
    expect(run(csr(star), { witness: 0 }, 1, { script }).total('reportsTrue')).toBe(0);
    const petitions = run(csr(star), { witness: 1, reportable: ['petition'] }, 1, { script });
    expect([petitions.total('reportsTrue'), ...petitions.col('score')]).toEqual([1, 510, 500, 450, 500]);
  });

  it('refuses categories the acts do not have', () => {
    expect(() => run(csr([[1], [0]]), { reportable: ['theft'] }, 1)).toThrow(CompileError);
    expect(() => citizenReporting.params.parse({ stream: 3 })).toThrow();
  });

  it('files grudge reports only against the grudge target, a contact', () => {
    const ring = Array.from({ length: 6 }, (_, i) => [(i + 1) % 6, (i + 2) % 6]);
    const days = 3;
    const r = run(slots(ring), { grudgeShare: 1, grudgeRate: 1 }, days);
    const grudge = r.col('grudge');
    grudge.forEach((g, i) => expect(ring[i]).toContain(g));
    const against = (j: number) => grudge.filter((g) => g === j).length;
    expect(r.series('reportsGrudge')).toEqual([6, 6, 6]);
    expect(r.col('falselyReported')).toEqual(ring.map((_, j) => days * against(j)));
    expect(r.col('falsePoints')).toEqual(ring.map((_, j) => 50 * days * against(j)));
    expect(r.col('score')).toEqual(ring.map((_, j) => 500 + days * 10 - 50 * days * against(j)));
    expect([r.total('falseReportsConfirmed'), r.total('pointsForFalseReports'), r.total('rewardsPaid')]).toEqual([18, 900, 180]);
    // In a household the grudge is against another member.
    const house = run(groupLayer(6, [3, 3]), { grudgeShare: 1, grudgeRate: 1 }, 1);
    house.col('grudge').forEach((g, i) => {
      expect(Math.floor(g / 3)).toBe(Math.floor(i / 3));
      expect(g).not.toBe(i);
    });
    const none = run(slots(ring), { grudgeShare: 0, grudgeRate: 1 }, days);
    expect([none.total('reportsGrudge'), ...none.col('grudge')]).toEqual([0, -1, -1, -1, -1, -1, -1]);
  });

  it('verifies a report by what the target really did, whatever the motive', () => {
    // Agent 0's grudge is against 1, its only contact, who commits fraud on day 0 only.
    const script = [[0, FRAUD], [0, 0]];
    const r = run(csr([[1], []]), { grudgeShare: 1, grudgeRate: 1, trueConfirm: 0, falseConfirm: 1 }, 2, { script });
    expect(r.series('reportsGrudge')).toEqual([1, 1]);
    expect(r.series('reportsConfirmed')).toEqual([0, 1]);
    expect(r.col('falselyReported')).toEqual([0, 1]);
    const none = run(csr([[1], []]), { grudgeShare: 1, grudgeRate: 1, trueConfirm: 1, falseConfirm: 0 }, 2, { script });
    expect(none.series('reportsConfirmed')).toEqual([1, 0]);
    // Reports of real acts confirmed with trueConfirm.
    const missed = run(csr([[1], [0]]), { witness: 1, trueConfirm: 0 }, 1, { script });
    expect([missed.total('reportsTrue'), missed.total('reportsConfirmed'), ...missed.col('score')]).toEqual([1, 0, 500, 500]);
  });

  it('fabricates reports of contacts for the reward, more the larger the reward', () => {
    const lists = [[1], [0], [0], [0]];
    const days = 3;
    const r = run(csr(lists), { fabricate: 1, reward: 100 }, days);
    expect(r.series('reportsRewardSeeking')).toEqual([4, 4, 4]);
    expect(r.col('falselyReported')).toEqual([3 * days, days, 0, 0]);
    expect(r.col('score')).toEqual([500 + 100 * days - 150 * days, 500 + 100 * days - 50 * days, 500 + 100 * days, 500 + 100 * days]);
    expect(r.total('pointsForFalseReports')).toBe(50 * 4 * days);
    expect(run(csr(lists), { fabricate: 1, reward: 0 }, days).total('reportsRewardSeeking')).toBe(0);
    // Probability fabricate * reward / 100 = 0.5 over 4 agents and 50 days.
    const half = run(csr(lists), { fabricate: 1, reward: 50 }, 50).total('reportsRewardSeeking');
    expect(Math.abs(half - 100)).toBeLessThan(5 * Math.sqrt(200 * 0.25));
  });

  it('retaliates the next day against the reporter, which silences the informant', () => {
    // Agents 0 and 2 watch agent 1, who commits fraud on days 0 and 2; agent 1 watches nobody.
    const lists = [[1], [], [1]];
    const script = [[0, FRAUD, 0], [0, 0, 0], [0, FRAUD, 0], [0, 0, 0]];
    const r = run(csr(lists), { witness: 1, retaliation: 1, quietDays: 365 }, 4, { script });
    // Day 0: both report 1, who learns the larger id, 2, and retaliates on day 1. That silences 2,
    // who does not strike back; on day 2 only 0 reports, and is retaliated against on day 3.
    expect(r.series('reportsTrue')).toEqual([2, 0, 1, 0]);
    expect(r.series('reportsRetaliation')).toEqual([0, 1, 0, 1]);
    expect(r.series('informantsSilenced')).toEqual([0, 1, 0, 1]);
    expect(r.col('falselyReported')).toEqual([1, 0, 1]);
    expect(r.col('quietUntil')).toEqual([3 + 1 + 365, 0, 1 + 1 + 365]);
    expect(r.col('score')).toEqual([500 + 20 - 50, 500 - 150 + 20, 500 + 10 - 50]);
    expect(r.col('retaliateAgainst')).toEqual([-1, -1, -1]);
    // Not silenced: agent 2 reports again on day 2 and, as the larger id, is the one retaliated against.
    const loud = run(csr(lists), { witness: 1, retaliation: 1, quietDays: 0 }, 4, { script });
    expect(loud.series('reportsTrue')).toEqual([2, 0, 2, 0]);
    expect(loud.col('falselyReported')).toEqual([0, 0, 2]);
    expect(loud.total('informantsSilenced')).toBe(0);
    const meek = run(csr(lists), { witness: 1, retaliation: 0 }, 4, { script });
    expect([meek.total('reportsRetaliation'), meek.total('informantsSilenced')]).toEqual([0, 0]);
  });

  it('confirms reports at the rates given', () => {
    // Everyone commits fraud every day before two contacts: 2n exposures a day, reported with
    // probability 0.5 * 0.2 * (1 + 1 * 50 / 100) = 0.15, then confirmed with trueConfirm.
    const n = 5000;
    const days = 4;
    const ring = slots(Array.from({ length: n }, (_, i) => [(i + 1) % n, (i + 7) % n]));
    const r = run(ring, { witness: 0.5, report: 0.2, rewardElasticity: 1, reward: 50, trueConfirm: 0.7 }, days, { all: FRAUD });
    const within = (x: number, trials: number, p: number) => expect(Math.abs(x - trials * p)).toBeLessThan(5 * Math.sqrt(trials * p * (1 - p)));
    const filed = r.total('reportsTrue');
    within(filed, 2 * n * days, 0.15);
    within(r.total('reportsConfirmed'), filed, 0.7);
    // Fabrications against agents who did nothing, confirmed with falseConfirm.
    const f = run(ring, { fabricate: 1, reward: 100, falseConfirm: 0.3 }, days);
    expect(f.total('reportsRewardSeeking')).toBe(n * days);
    within(f.total('falseReportsConfirmed'), n * days, 0.3);
  });

  it('gives the same result however the agents are split into ranges', () => {
    const n = 3000;
    const days = 12;
    const modules = [
      use('acts', {
        categories: [
          { name: 'fraud', rate: 0.05, kind: 'serious' },
          { name: 'jaywalking', rate: 0.2, kind: 'minor' },
          { name: 'petition', rate: 0.05, kind: 'lawful' },
        ],
      }),
      use('citizen-reporting', {
        reportable: ['fraud', 'jaywalking', 'petition'],
        witness: 0.5,
        report: 0.3,
        grudgeShare: 0.3,
        grudgeRate: 0.2,
        fabricate: 0.05,
        reward: 100,
        retaliation: 0.5,
        quietDays: 3,
        trueConfirm: 0.8,
        falseConfirm: 0.4,
      }),
      use('ledger'),
      use('blacklist'),
    ];
    const compile = () => compileWorld(REG, { n, days, seed: 11n }, modules, { contacts: { streams: [1, 2, 3, 4], build: (rng) => ringRewire(n, { degree: 8, rewire: 0.3 }, rng, 1) } });
    const whole = compile();
    const driver = new LocalDriver(whole, REG);
    driver.advanceSync(days);

    // The same world, each phase run over ranges out of order and not aligned to chunks.
    const split = compile();
    const runner = new ThreadRunner(bindWorld(split, REG), split.seed, split.metricWidth);
    const ranges: [number, number][] = [[2100, n], [0, 777], [1500, 2100], [777, 1500]];
    const setupMetrics = new Float64Array(split.metricWidth);
    for (const [lo, hi] of ranges) runner.runSetup(lo, hi, setupMetrics);
    const series = new Float64Array(days * split.metricWidth);
    for (let d = 0; d < days; d++) {
      const m = series.subarray(d * split.metricWidth, (d + 1) * split.metricWidth);
      for (const phase of runner.schedule.daily) for (const [lo, hi] of ranges) runner.run(phase, lo, hi, d, m);
    }
    expect(Array.from(series)).toEqual(Array.from(driver.series));
    for (const name of Object.keys(whole.columns)) expect(Array.from(split.columns[name]!.array), name).toEqual(Array.from(whole.columns[name]!.array));
    // Every mechanism was at work.
    const total = (name: string) => {
      const slot = whole.metrics.find((m) => m.name === name)!.slot;
      let s = 0;
      for (let d = 0; d < days; d++) s += driver.series[d * whole.metricWidth + slot]!;
      return s;
    };
    for (const name of ['reportsTrue', 'reportsGrudge', 'reportsRewardSeeking', 'reportsRetaliation', 'falseReportsConfirmed', 'informantsSilenced']) expect(total(name), name).toBeGreaterThan(0);
  });
});
