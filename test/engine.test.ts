import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { bytesPerAgent, compileWorld, CompileError, type ModuleUse } from '../src/core/engine/world.ts';
import { slotLayer } from '../src/core/network/layers.ts';
import { addTie, dropTie, hasTie } from '../src/core/network/mutate.ts';
import { MODULES } from '../src/modules/index.ts';
import { builtins } from '../src/cli/library.ts';
import { compileScenario } from '../src/scenario/compile.ts';
import { resolveScenario } from '../src/scenario/load.ts';
import { ThreadPool } from '../src/host/node/threads.ts';
import { outcome, runBuiltin } from './helpers.ts';

const use = (module: string, params: Record<string, unknown> = {}, id = module): ModuleUse => ({
  id,
  module,
  params: MODULES[module]!.params.parse(params),
});

describe('compiling a world', () => {
  const run = { n: 100, days: 10, seed: 1n };
  it('refuses two modules that claim the same column, dice word or stream, naming the second and the first', () => {
    expect(() => compileWorld(MODULES, run, [use('ledger'), use('ledger', {}, 'again')], {})).toThrow(
      'modules.1: expected a column name no other module uses, found "score", also declared by ledger',
    );
    const sameWord = [use('risk-classes'), use('rule-breaking'), use('ledger'), use('observation', { diceWord: 0 })];
    expect(() => compileWorld(MODULES, run, sameWord, {})).toThrow('modules.3: expected a dice word that no other part uses, found dice word 0, also used by rule-breaking');
  });

  it('refuses two layers, or a layer and a module, drawing from the same set-up stream', () => {
    const contacts = { streams: [1, 2, 3, 4], build: () => slotLayer(100, 1) };
    expect(() => compileWorld(MODULES, run, [use('risk-classes', { setupStream: 2 })], { contacts })).toThrow(
      'modules.0: expected a set-up stream that no other part uses, found set-up stream 2, also used by layer contacts',
    );
  });

  it('refuses a module that reads a column or layer nobody provides, and outputs nobody makes', () => {
    expect(() => compileWorld(MODULES, run, [use('observation')], {})).toThrow(CompileError);
    expect(() => compileWorld(MODULES, run, [use('ledger'), use('blacklist'), use('joint-punishment')], {})).toThrow(/network layer "household"/);
    expect(() => compileWorld(MODULES, run, [use('ledger')], {}, { metrics: ['scoreSum', 'nope'] })).toThrow('output.metrics.1: expected one of the metrics (scoreSum), found "nope"');
  });

  it('holds RM-1 in at most 64 bytes per agent, network included', () => {
    const s = resolveScenario(builtins.open('rm1')!, builtins, MODULES, { agents: 100_000, days: 1 });
    const bytes = bytesPerAgent(compileScenario(s, MODULES));
    expect(bytes).toBeLessThanOrEqual(64);
    expect(bytes).toBeGreaterThan(40);
  });
});

describe('a mutable layer', () => {
  it('adds, finds and drops ties in an agent\'s own row', () => {
    const l = slotLayer(3, 2);
    expect(addTie(l, 0, 1)).toBe(true);
    expect(addTie(l, 0, 2)).toBe(true);
    expect(addTie(l, 0, 2)).toBe(false);
    expect(hasTie(l, 0, 2)).toBe(true);
    dropTie(l, 0, 0);
    expect([l.degree[0], l.targets[0]]).toEqual([1, 2]);
    expect(hasTie(l, 0, 1)).toBe(false);
    expect(() => dropTie(l, 0, 1)).toThrow(RangeError);
  });

  it('changes during a run and stays identical on 1, 2 and 3 threads', async () => {
    const overrides = { agents: 20_011, days: 120, seed: '7' };
    const one = await runBuiltin('rm1-shunning', overrides, 1);
    expect(one.totals.tiesCut).toBeGreaterThan(0);
    expect(one.totals.tiesFormed).toBeGreaterThan(0);
    for (const t of [2, 3]) expect(outcome(await runBuiltin('rm1-shunning', overrides, t))).toEqual(outcome(one));
  });
});

describe('the local driver', () => {
  it('runs in steps that add up to one run', async () => {
    const s = resolveScenario(builtins.open('rm1')!, builtins, MODULES, { agents: 2000, days: 40 });
    const whole = new LocalDriver(compileScenario(s, MODULES), MODULES);
    await whole.advance(40);
    const parts = new LocalDriver(compileScenario(s, MODULES), MODULES);
    for (const k of [1, 7, 13, 100]) await parts.advance(k);
    expect(parts.day).toBe(40);
    expect(parts.series).toEqual(whole.series);
  });
});

describe('histogram metrics', () => {
  it('count every agent once per day, identically on any thread count', async () => {
    const overrides = { agents: 5000, days: 60, set: ['modules.ledger.params.histogramBins=10', 'modules.rule-breaking.params.rates=[0.05]'] };
    const one = await runBuiltin('rm1', { ...overrides, set: [...overrides.set, 'output.metrics=[scoreHistogram, listed]'] }, 1);
    const hist = one.totals.scoreHistogram as number[];
    expect(hist).toHaveLength(10);
    expect(hist.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(hist[9]).toBeLessThan(5000);
    for (const day of one.daily.scoreHistogram as number[][]) expect(day.reduce((a, b) => a + b, 0)).toBe(5000);
    const two = await runBuiltin('rm1', { ...overrides, set: [...overrides.set, 'output.metrics=[scoreHistogram, listed]'] }, 2);
    expect(outcome(two)).toEqual(outcome(one));
  });
});

describe('worker threads', () => {
  it('stop all together when threads fail, and every request after fails too', async () => {
    const pool = new ThreadPool(3);
    // A batch of days for threads that were never given a world: each of them throws.
    await expect(pool.request(() => ({ kind: 'run', from: 0, to: 1 }))).rejects.toThrow();
    await expect(pool.request(() => ({ kind: 'run', from: 0, to: 1 }))).rejects.toThrow();
    await pool.terminate();
  });
});
