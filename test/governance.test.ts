import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtins } from '../src/cli/library.ts';
import { runDocument } from '../src/cli/report.ts';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { defineModule } from '../src/core/engine/module.ts';
import { compileWorld, CompileError, type ModuleUse, type Registry } from '../src/core/engine/world.ts';
import { blocks } from '../src/core/network/generators/index.ts';
import { appeals } from '../src/modules/appeals.ts';
import { approval } from '../src/modules/approval.ts';
import { creditRepair } from '../src/modules/credit-repair.ts';
import { loadPlugins } from '../src/host/node/plugins.ts';
import { simulate } from '../src/host/node/simulate.ts';
import { MODULES } from '../src/modules/index.ts';
import { resolveScenario } from '../src/scenario/load.ts';
import { parseScenarioText } from '../src/scenario/source.ts';
import { outcome } from './helpers.ts';

/** Observed acts on given days (bit 0: fraud), and the columns the modules under test read. */
const script = defineModule({
  name: 'script',
  title: 'Scripted acts',
  summary: 'test fixture',
  params: z.strictObject({ events: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int()])).default([]).describe('[day, agent, acts]') }),
  declare: () => ({
    columns: [
      { name: 'acts', type: 'u8', labels: ['fraud', 'goodDeed'], description: 'scripted' },
      { name: 'observedActs', type: 'u8', description: 'scripted' },
      { name: 'seriousCount', type: 'u16', truth: true, description: 'set by the test' },
      { name: 'programme', type: 'u8', init: 1, description: 'set by the test' },
    ],
    phases: { act: 'sets the day\'s observed acts from the script' },
  }),
  bind(p, w) {
    const [acts, seen] = [w.column('acts', 'u8'), w.column('observedActs', 'u8')];
    return {
      act(lo, hi, step) {
        seen.fill(0, lo, hi);
        for (const [day, agent, bits] of p.events) if (day === step && agent >= lo && agent < hi) seen[agent] = bits;
        acts.set(seen.subarray(lo, hi), lo);
      },
    };
  },
});

const REG: Registry = { ...MODULES, [script.name]: script, [appeals.name]: appeals, [approval.name]: approval, [creditRepair.name]: creditRepair };
const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: REG[module]!.params.parse(params) });
/** `x`, `n` times. */
const times = <T>(x: T, n: number): T[] => Array.from({ length: n }, () => x);
const noRecovery = { recovery: { points: 0 }, listedRecovery: { points: 0 } };

function world(n: number, days: number, modules: ModuleUse[]) {
  const w = compileWorld(REG, { n, days, seed: 11n }, modules, { household: { streams: [], build: () => blocks(n, 4) } });
  const driver = new LocalDriver(w, REG);
  const col = (name: string) => w.columns[name]!.array;
  const metric = (name: string, day: number) => driver.series[day * w.metricWidth + w.metrics.find((m) => m.name === name)!.slot]!;
  const series = (name: string) => Array.from({ length: driver.day }, (_, d) => metric(name, d));
  /** Runs `days` days, returning column `name` after each. */
  const trace = (name: string, days: number) =>
    Array.from({ length: days }, () => {
      driver.advanceSync(1);
      return Array.from(col(name));
    });
  return { w, driver, col, metric, series, trace };
}

describe('record retention in penalties', () => {
  const penalised = (penalties: Record<string, unknown>, days: number) =>
    world(4, days, [
      // Agent 0: fraud on day 1. Agent 1: days 1 and 4. Agent 2: days 1 and 6, the day its first record expires.
      use('script', { events: [[1, 0, 1], [1, 1, 1], [4, 1, 1], [1, 2, 1], [6, 2, 1]] }),
      use('penalties', { points: { fraud: 100 }, lawful: [], ...penalties }),
      use('ledger', noRecovery),
    ]);

  it('gives the points back once `expiry` days pass without a new deduction', () => {
    const r = penalised({ expiry: 5 }, 12);
    const scores = r.trace('score', 12);
    const of = (agent: number) => scores.map((s) => s[agent]);
    expect(of(0)).toEqual([1000, 900, 900, 900, 900, 900, 1000, 1000, 1000, 1000, 1000, 1000]);
    expect(of(1)).toEqual([1000, 900, 900, 900, 800, 800, 800, 800, 800, 1000, 1000, 1000]);
    // Day 6: the first 100 come back as the second 100 are taken; those come back on day 11.
    expect(of(2)).toEqual([1000, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 1000]);
    expect(of(3)).toEqual(new Array(12).fill(1000));
    expect(r.series('pointsExpired')).toEqual([0, 0, 0, 0, 0, 0, 200, 0, 0, 200, 0, 100]);
    expect(r.series('agentsWithRecord')).toEqual([0, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 0]);
    expect(Array.from(r.col('pointsOnRecord'))).toEqual([0, 0, 0, 0]);
    expect(Array.from(r.col('lastDeduction'))).toEqual([1, 4, 6, -1]);
  });

  it('keeps records forever without `expiry`, adding no columns or metrics', () => {
    const r = penalised({}, 12);
    r.driver.advanceSync(12);
    expect(Array.from(r.col('score'))).toEqual([900, 800, 800, 1000]);
    expect(r.w.columns.pointsOnRecord).toBeUndefined();
    expect(r.w.metrics.some((m) => m.name === 'pointsExpired')).toBe(false);
  });

  it('deducts nothing while the programme is not in force', () => {
    const r = world(4, 3, [
      use('script', { events: [[0, 0, 1], [1, 0, 1], [2, 0, 1]] }),
      use('penalties', { points: { fraud: 100 }, lawful: [], expiry: 30, inForceColumn: 'programme' }),
      use('ledger', noRecovery),
    ]);
    r.driver.advanceSync(1);
    r.col('programme').fill(0);
    r.driver.advanceSync(1);
    expect(Array.from(r.col('penalizedActs'))).toEqual([0, 0, 0, 0]);
    r.col('programme').fill(1);
    r.driver.advanceSync(1);
    expect(r.series('pointsDeducted')).toEqual([100, 0, 100]);
    expect(r.col('score')[0]).toBe(800);
    expect(r.col('pointsOnRecord')[0]).toBe(200);
  });
});

describe('appeals', () => {
  /** Agents 0-3 listed on day 0 (score 100); 0 and 1 innocent, 2 and 3 culpable. */
  function listedWorld(params: Record<string, unknown>, days: number, extra: ModuleUse[] = []) {
    const r = world(4, days, [...extra, use('ledger', noRecovery), use('blacklist', { immuneColumn: 'immune' }), use('appeals', params)]);
    r.col('score').fill(100);
    r.col('seriousCount').set([0, 0, 1, 1]);
    return r;
  }
  const base = { rate: 1, delay: 0, reviewDays: 2, immunityDays: 10 };

  it('delist wrongful listings when only they can win, and protect them from relisting for `immunityDays`', () => {
    const r = listedWorld({ ...base, wrongfulSuccess: 1, rightfulSuccess: 0 }, 15, [use('script')]);
    const listed = r.trace('listed', 15);
    // Filed on day 0, decided on day 2, delisted on day 3, immune on days 3-12, listed again on day 13.
    expect(listed.map((l) => l.join(''))).toEqual([...times('1111', 3), ...times('0011', 10), '1111', '1111']);
    expect(r.series('appealsFiled')).toEqual([4, ...times(0, 12), 2, 0]);
    expect([r.metric('appealsWon', 2), r.metric('appealsWonWrongful', 2), r.metric('appealsWonRightful', 2), r.metric('appealsLost', 2)]).toEqual([2, 2, 0, 2]);
    expect(r.series('delistings')).toEqual([0, 0, 0, 2, ...times(0, 11)]);
    expect(r.series('agentsImmune').slice(1, 14)).toEqual([0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0]);
    // The relisted innocents appeal their new listing; the culpable, who lost, never again.
    expect(Array.from(r.col('appeal'))).toEqual([1, 1, 3, 3]);
  });

  it('delist rightful listings instead when only they can win', () => {
    const r = listedWorld({ ...base, wrongfulSuccess: 0, rightfulSuccess: 1 }, 4, [use('script')]);
    r.driver.advanceSync(4);
    expect(Array.from(r.col('listed'))).toEqual([1, 1, 0, 0]);
    expect([r.metric('appealsWonWrongful', 2), r.metric('appealsWonRightful', 2), r.metric('appealsLost', 2)]).toEqual([0, 2, 2]);
  });

  it('are filed more often by the wealthier or better educated', () => {
    const r = listedWorld(
      { ...base, rate: 0.5, immunityDays: 1000, wrongfulSuccess: 1, rightfulSuccess: 1, wealth: { column: 'education', reference: 1, elasticity: 1, min: 0, max: 2 } },
      20,
      [use('script'), use('traits', { traits: { education: { mean: 1, sigma: 0 } } })],
    );
    // rate x clamp(education, 0, 2): never for 0, always for 2.
    r.col('education').set([0, 2, 0, 2]);
    r.driver.advanceSync(20);
    expect(r.series('appealsFiled').reduce((a, b) => a + b, 0)).toBe(2);
    expect(Array.from(r.col('appeal'))).toEqual([0, 2, 0, 2]);
  });

  it('act on the court list through its immuneColumn, judged by whether the agent could pay', () => {
    const n = 8;
    const w = compileWorld(
      REG,
      { n, days: 8, seed: 4n },
      [
        use('population', { childShare: 0, retiredShare: 0 }),
        use('economy', { income: { mean: 100, sigma: 0 }, spending: 0.5, savings: { days: 0 }, shock: { rate: 0 } }),
        use('court-enforcement', { graceDays: 0, ableDays: 100, immuneColumn: 'immune', ableColumn: 'ableToPay' }),
        use('appeals', { rate: 1, delay: 0, reviewDays: 0, immunityDays: 5, wrongfulSuccess: 1, rightfulSuccess: 0, truthColumn: 'ableToPay', truthType: 'u8', wealth: { elasticity: 0 } }),
      ],
      { household: { streams: [], build: () => blocks(n, 4) } },
    );
    const driver = new LocalDriver(w, REG);
    // Agents 0-3 owe more than 100 days of income could pay; agents 4-7 could pay theirs.
    w.columns.debt!.array.set([1e5, 1e5, 1e5, 1e5, 5000, 5000, 5000, 5000]);
    const listed: string[] = [];
    for (let d = 0; d < 8; d++) {
      driver.advanceSync(1);
      listed.push(Array.from(w.columns.listed!.array).join(''));
    }
    expect(Array.from(w.columns.ableToPay!.array)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    // Listed and won on day 0; immune on days 1-5; listed again on day 6, when they appeal and win again.
    expect(listed).toEqual(['11111111', ...times('00001111', 5), '11111111', '00001111']);
    const won = w.metrics.find((m) => m.name === 'appealsWonWrongful')!.slot;
    expect(Array.from({ length: 8 }, (_, d) => driver.series[d * w.metricWidth + won])).toEqual([4, 0, 0, 0, 0, 0, 4, 0]);
  });
});

describe('credit-repair', () => {
  it('earns points up to the yearly cap, which resets each 365 days', () => {
    const r = world(2, 366, [
      use('script'),
      use('ledger', { start: 500, ...noRecovery }),
      use('credit-repair', { kinds: [{ name: 'volunteering', rate: 1, points: 30, effort: 2 }], below: 2000, yearlyCap: 100, listedColumn: 'none' }),
    ]);
    const scores = r.trace('score', 5).map((s) => s[0]);
    expect(scores).toEqual([530, 560, 590, 600, 600]);
    r.driver.advanceSync(360);
    expect(r.col('score')[0]).toBe(600);
    r.driver.advanceSync(1);
    expect(Array.from(r.col('score'))).toEqual([630, 630]);
    expect(Array.from(r.col('repairedThisYear'))).toEqual([30, 30]);
    expect(Array.from(r.col('repairEffort'))).toEqual([10, 10]);
    expect(r.series('repairActs').reduce((a, b) => a + b, 0)).toBe(10);
    expect(r.series('pointsRepaired').reduce((a, b) => a + b, 0)).toBe(260);
  });

  it('is open only to those below the threshold, and paid repair only to those who can pay', () => {
    const n = 4;
    const r = world(n, 41, [
      use('population', { childShare: 0, retiredShare: 0 }),
      use('economy', { income: { mean: 100, sigma: 0 }, spending: 0.5, savings: { days: 0 }, shock: { rate: 0 } }),
      use('ledger', noRecovery),
      use('credit-repair', { kinds: [{ name: 'paid', rate: 1, points: 50, cost: 1000 }], below: 1000, yearlyCap: 1000 }),
    ]);
    r.col('score').set([500, 500, 500, 1000]);
    r.driver.advanceSync(41);
    // Savings grow by 50 a day: 1000 by the end of day 19, spent on day 20 and again on day 40.
    expect(r.series('paidRepairs').flatMap((x, d) => (x ? [d] : []))).toEqual([20, 40]);
    expect(Array.from(r.col('score'))).toEqual([600, 600, 600, 1000]);
    expect(Array.from(r.col('savings'))).toEqual([50, 50, 50, 2050]);
    expect(r.metric('repairSpending', 40)).toBe(3000);
  });

  it('needs a score or a listing to judge eligibility', () => {
    expect(() => world(2, 1, [use('script'), use('ledger'), use('credit-repair', { scoreColumn: 'nothing', listedColumn: 'none' })])).toThrow(CompileError);
  });
});

describe('approval', () => {
  /**
   * Two households of four: agent 1 is listed though innocent, agent 5 listed and culpable; each
   * listing brings one sanction, to the listed agent only.
   */
  function sanctioned(params: Record<string, unknown>, days: number, events: [number, number, number][] = []) {
    const r = world(8, days, [
      use('script', { events }),
      use('approval', { start: 0.8, wrongful: 0.1, rightful: 0.05, own: 0.3, recovery: 0, layer: 'household', ...params }),
      use('penalties', { points: { fraud: 100 }, lawful: [], inForceColumn: 'inForce' }),
      use('ledger', noRecovery),
      use('blacklist'),
      use('sanctions', { sanctions: [{ name: 'flights', trigger: { when: 'listed' }, cost: 1 }] }),
    ]);
    r.col('score').set([1000, 100, 1000, 1000, 1000, 100, 1000, 1000]);
    r.col('seriousCount').set([0, 0, 0, 0, 0, 1, 0, 0]);
    return r;
  }

  it('falls for each innocent contact sanctioned, more for one\'s own wrongful sanction, rises for the culpable', () => {
    const r = sanctioned({}, 1);
    r.driver.advanceSync(1);
    const a = Array.from(r.col('approval'));
    [0.7, 0.5, 0.7, 0.7, 0.85, 0.8, 0.85, 0.85].forEach((x, i) => expect(a[i]).toBeCloseTo(x, 6));
    expect(r.metric('approvalIndex', 0)).toBe(5950);
  });

  it('counts points taken for acts it sees as lawful like a wrongful sanction', () => {
    // Agent 4 is punished for a good deed (bit 1, costing 10 points) on day 0; nobody is listed.
    const r = world(8, 1, [
      use('script', { events: [[0, 4, 2]] }),
      use('approval', { start: 0.8, wrongful: 0.1, own: 0.3, recovery: 0, layer: 'household', unjustPoints: { categories: ['goodDeed'] } }),
      use('penalties', { points: { goodDeed: 10 }, lawful: ['goodDeed'] }),
      use('ledger', noRecovery),
      use('sanctions', { sanctions: [{ name: 'flights', trigger: { when: 'score', below: 0 } }] }),
    ]);
    r.driver.advanceSync(1);
    const a = Array.from(r.col('approval'));
    [0.8, 0.8, 0.8, 0.8, 0.5, 0.7, 0.7, 0.7].forEach((x, i) => expect(a[i]).toBeCloseTo(x, 6));
  });

  it('drifts back toward the start', () => {
    const r = sanctioned({ recovery: 0.5 }, 1);
    r.col('approval').fill(0.4);
    r.col('seriousCount').fill(1);
    r.col('score').fill(1000);
    r.driver.advanceSync(1);
    for (const a of r.col('approval')) expect(a).toBeCloseTo(0.6, 6);
  });

  it('ends the programme, for good, the day after mean approval has been below the threshold for `abandonDays` days', () => {
    // Daily fraud by agent 4 costs points while the programme is in force.
    const events = Array.from({ length: 6 }, (_, d): [number, number, number] => [d, 4, 1]);
    const r = sanctioned({ abandonBelow: 0.75, abandonDays: 3 }, 6, events);
    r.driver.advanceSync(6);
    // Mean approval 0.74375 on day 0 and lower after: below on days 0, 1, 2.
    expect(r.series('programmeInForce')).toEqual([8, 8, 8, 0, 0, 0]);
    expect(r.series('pointsDeducted')).toEqual([100, 100, 100, 0, 0, 0]);
    expect(Array.from(r.col('inForce'))).toEqual(new Array(8).fill(0));
  });

  it('needs the days below to be consecutive, and never comes back', () => {
    const r = sanctioned({ abandonBelow: 0.75, abandonDays: 3 }, 14);
    r.driver.advanceSync(2);
    // Days 0 and 1 below; from full approval, days 2-4 are above (7400, 6800, 6200 of 8000) and 5-7 below.
    r.col('approval').fill(1);
    r.driver.advanceSync(10);
    expect(r.series('approvalIndex').slice(2, 8)).toEqual([7400, 6800, 6200, 5800, 5500, 5200]);
    expect(r.series('programmeInForce')).toEqual([8, 8, 8, 8, 8, 8, 8, 8, 0, 0, 0, 0]);
    r.col('approval').fill(1);
    r.driver.advanceSync(2);
    expect(r.series('programmeInForce').slice(12)).toEqual([0, 0]);
  });

  it('starts on its launch day: before it, no points are taken', () => {
    const events = Array.from({ length: 5 }, (_, d): [number, number, number] => [d, 4, 1]);
    const r = sanctioned({ launch: 2 }, 5, events);
    r.driver.advanceSync(5);
    expect(r.series('programmeInForce')).toEqual([0, 0, 8, 8, 8]);
    expect(r.series('pointsDeducted')).toEqual([0, 0, 100, 100, 100]);
  });

  it('never ends the programme without `abandonBelow`', () => {
    const r = sanctioned({}, 10);
    r.driver.advanceSync(10);
    expect(r.series('programmeInForce')).toEqual(new Array(10).fill(8));
    expect(r.metric('approvalIndex', 9)).toBeLessThan(4000);
  });
});

describe('governance modules together', () => {
  it('give the same result on 1 and 3 threads, through listing, appeal, repair, expiry and abandonment', async () => {
    const scenario = `
version: 1
name: governance
title: governance
description: every governance module at once, with rates high enough for a short run
agents: 3001
days: 40
seed: 7
layers:
  household: { generator: households, sizeWeights: [0.15, 0.3, 0.25, 0.2, 0.1], stream: 8 }
modules:
  - module: population
  - module: traits
  - module: acts
    params:
      categories:
        - { name: fraud, rate: 0.01, kind: serious, trait: ruleBreaking }
        - { name: jaywalking, rate: 0.05, kind: minor, trait: ruleBreaking }
        - { name: petition, rate: 0.02, kind: lawful, trait: dissent }
  - module: surveillance
    params: { coverage: { fraud: 0.8, jaywalking: 0.5, petition: 0.8 } }
  - module: approval
    params: { layer: household, wrongful: 0.01, abandonBelow: 0.7, abandonDays: 5 }
  - module: penalties
    params: { points: { fraud: 150, jaywalking: 20, petition: 60 }, lawful: [petition], expiry: 10, inForceColumn: inForce }
  - module: economy
    params: { sanctionedColumn: sanctioned }
  - module: credit-repair
  - module: ledger
  - module: blacklist
    params: { below: 850, immuneColumn: immune }
  - module: sanctions
    params:
      inForceColumn: inForce
      sanctions:
        - { name: flights, trigger: { when: listed }, cost: 3 }
        - { name: schools, trigger: { when: listed }, cost: 5, spillover: household }
  - module: appeals
    params: { rate: 0.2, delay: 2, reviewDays: 3, immunityDays: 10 }
output:
  stateHash: []
`;
    const files = ['appeals', 'approval', 'credit-repair'].map((f) => fileURLToPath(new URL(`../src/modules/${f}.ts`, import.meta.url)));
    const plugins = await loadPlugins(files);
    const s = resolveScenario(parseScenarioText(scenario, 'governance.yaml'), builtins, plugins.registry);
    const run = async (threads: number) => runDocument(s, await simulate(s, { threads, plugins }), { version: 'test', threads, seconds: 1 });
    const one = await run(1);
    const t = one.totals as Record<string, number>;
    for (const k of ['appealsWon', 'repairActs', 'pointsExpired', 'delistings']) expect(t[k]).toBeGreaterThan(0);
    expect(t.programmeInForce).toBe(0);
    expect(outcome(await run(3))).toEqual(outcome(one));
  });
});
