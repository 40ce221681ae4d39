import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { defineModule } from '../src/core/engine/module.ts';
import { compileWorld, CompileError, type LayerBuild, type ModuleUse, type Registry } from '../src/core/engine/world.ts';
import { slotLayer, type SlotLayer } from '../src/core/network/layers.ts';
import { addTie, hasTie } from '../src/core/network/mutate.ts';
import { REWARD_CATALOGUE } from '../src/modules/catalogue.ts';
import { MODULES } from '../src/modules/index.ts';
import { publicNaming } from '../src/modules/public-naming.ts';
import { rewards } from '../src/modules/rewards.ts';

/** Flags the test sets by hand: `enrolled` (opt-in) and `listed` (the court list). */
const flags = defineModule({
  name: 'flags',
  title: 'Hand-set flags (test)',
  summary: 'Owns enrolled and listed; the test sets them.',
  params: z.strictObject({}),
  declare: () => ({
    columns: [
      { name: 'enrolled', type: 'u8', description: 'enrolled in the scheme' },
      { name: 'listed', type: 'u8', description: 'listed' },
    ],
    phases: {},
  }),
  bind: () => ({}),
});
const REG: Registry = { ...MODULES, [rewards.name]: rewards, [publicNaming.name]: publicNaming, [flags.name]: flags };
const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: REG[module]!.params.parse(params) });

function run(modules: ModuleUse[], n: number, days: number, layers: Record<string, LayerBuild> = {}) {
  const w = compileWorld(REG, { n, days, seed: 5n }, modules, layers);
  const driver = new LocalDriver(w, REG);
  const col = (name: string) => w.columns[name]!.array;
  const metric = (name: string, day: number) => driver.series[day * w.metricWidth + w.metrics.find((m) => m.name === name)!.slot]!;
  return { w, driver, col, metric };
}

describe('rewards', () => {
  it('go to scores at least T and grades at or above a band, every day they are held', () => {
    const r = run(
      [
        use('ledger', { max: 2000 }),
        use('grades', { bands: [{ name: 'A', from: 900 }, { name: 'B', from: 700 }, { name: 'C', from: -2147483648 }] }),
        use('rewards', {
          rewards: [
            { name: 'rentals', trigger: { when: 'score', atLeast: 600 }, gain: 1 },
            { name: 'cars', trigger: { when: 'score', atLeast: 700 }, gain: 2 },
            { name: 'loans', trigger: { when: 'grade', atOrAbove: 'B' }, gain: 4 },
            { name: 'heating', trigger: { when: 'grade', atOrAbove: 'A' }, gain: 8 },
          ],
        }),
      ],
      5,
      2,
    );
    r.col('score').set([599, 600, 699, 700, 900]);
    r.driver.advanceSync(2);
    expect(Array.from(r.col('grade'))).toEqual([2, 2, 2, 1, 0]);
    expect(Array.from(r.col('rewarded'))).toEqual([0, 0b0001, 0b0001, 0b0111, 0b1111]);
    expect(Array.from(r.col('welfareGained'))).toEqual([0, 2, 2, 14, 30]);
    expect([r.metric('rentalsRewarded', 1), r.metric('carsRewarded', 1), r.metric('loansRewarded', 1), r.metric('heatingRewarded', 1)]).toEqual([4, 2, 2, 1]);
    expect([r.metric('rewardedAgents', 0), r.metric('rewardedAgents', 1)]).toEqual([4, 4]);
  });

  it('reach only the enrolled in an opt-in scheme', () => {
    const r = run([use('flags'), use('ledger'), use('rewards', { rewards: [{ name: 'rentals', trigger: { when: 'score', atLeast: 600 }, gain: 3 }], enrolledColumn: 'enrolled' })], 4, 1);
    r.col('enrolled').set([1, 0, 1, 0]);
    r.col('score').set([1000, 1000, 100, 100]);
    r.driver.advanceSync(1);
    expect(Array.from(r.col('rewarded'))).toEqual([1, 0, 0, 0]);
    expect(Array.from(r.col('welfareGained'))).toEqual([3, 0, 0, 0]);
    expect(r.metric('rewardedAgents', 0)).toBe(1);
  });

  it('redlist an agent after N days in a row at or above the score, and drop it when it falls', () => {
    const r = run(
      [
        use('ledger'),
        use('rewards', { rewards: [{ name: 'greenChannel', trigger: { when: 'redlisted' }, gain: 2 }], redlist: { atLeast: 900, days: 3 } }),
      ],
      3,
      5,
    );
    r.col('score').set([1000, 1000, 800]);
    r.driver.advanceSync(2);
    expect(Array.from(r.col('daysAtOrAbove'))).toEqual([2, 2, 0]);
    expect(Array.from(r.col('redlisted'))).toEqual([0, 0, 0]);
    r.col('score')[1] = 850;
    r.driver.advanceSync(1);
    // Day 2: agent 0 has kept 900 for three days; agent 1 fell on the third and starts again.
    expect(Array.from(r.col('daysAtOrAbove'))).toEqual([3, 0, 0]);
    expect(Array.from(r.col('redlisted'))).toEqual([1, 0, 0]);
    expect(Array.from(r.col('rewarded'))).toEqual([1, 0, 0]);
    expect([r.metric('redlisted', 1), r.metric('redlisted', 2), r.metric('newRedlistings', 2), r.metric('greenChannelRewarded', 2)]).toEqual([0, 1, 1, 1]);
    r.driver.advanceSync(1);
    expect([r.metric('redlisted', 3), r.metric('newRedlistings', 3)]).toEqual([1, 0]);
    r.col('score')[0] = 899;
    r.driver.advanceSync(1);
    expect(Array.from(r.col('redlisted'))).toEqual([0, 0, 0]);
    expect(Array.from(r.col('welfareGained'))).toEqual([4, 0, 0]);
  });

  it('take the Sesame catalogue with the redlist, and refuse a grade the grade column lacks', () => {
    // A ledger stands in for sesame-score: it keeps a score in the same column.
    const r = run([use('ledger', { column: 'sesame', max: 950 }), use('rewards', { rewards: [...REWARD_CATALOGUE], redlist: { atLeast: 900, days: 1, scoreColumn: 'sesame' } })], 3, 1);
    r.col('sesame').set([950, 640, 599]);
    r.driver.advanceSync(1);
    // 950 holds everything and is redlisted; 640 only the rewards at 600.
    expect(Array.from(r.col('rewarded'))).toEqual([0b111111, 0b000011, 0]);
    expect(() => run([use('ledger'), use('grades'), use('rewards', { rewards: [{ name: 'x', trigger: { when: 'grade', atOrAbove: 'AAAA' } }] })], 3, 1)).toThrow(CompileError);
  });
});

/** Six agents; every agent but 0 has a tie to agent 0 and to its next neighbour. */
function contacts(n = 6, capacity = 4): SlotLayer {
  const l = slotLayer(n, capacity);
  for (let i = 1; i < n; i++) {
    addTie(l, i, 0);
    addTie(l, i, i + 1 < n ? i + 1 : 1);
  }
  addTie(l, 0, 1);
  return l;
}

function naming(params: Record<string, unknown>, days: number, layer = contacts()) {
  const r = run([use('flags'), use('public-naming', params)], layer.n, days, { contacts: { streams: [], build: () => layer } });
  return { ...r, layer };
}

describe('public-naming', () => {
  it('has every contact drop a named agent when cut is 1, and nobody when it is 0', () => {
    const r = naming({ cut: 1, replace: 0 }, 1);
    r.col('listed')[0] = 1;
    r.driver.advanceSync(1);
    for (let i = 1; i < 6; i++) expect(hasTie(r.layer, i, 0)).toBe(false);
    expect(Array.from(r.layer.degree)).toEqual([1, 1, 1, 1, 1, 1]);
    // Agent 0 drops nobody: its one contact is not named.
    expect(hasTie(r.layer, 0, 1)).toBe(true);
    expect([r.metric('tiesLostToNaming', 0), r.metric('namedAgents', 0), r.metric('tiesFormedAfterNaming', 0)]).toEqual([5, 1, 0]);
    const none = naming({ cut: 0 }, 1);
    none.col('listed')[0] = 1;
    none.driver.advanceSync(1);
    expect(Array.from(none.layer.degree)).toEqual([1, 2, 2, 2, 2, 2]);
    expect(none.metric('tiesLostToNaming', 0)).toBe(0);
  });

  it('forms a tie with a random agent in place of each one dropped, the same on every run', () => {
    const go = () => {
      const r = naming({ cut: 1, replace: 1 }, 1);
      r.col('listed')[0] = 1;
      r.driver.advanceSync(1);
      return r;
    };
    const a = go();
    const formed = a.metric('tiesFormedAfterNaming', 0);
    expect(formed).toBeGreaterThan(0);
    let sum = 0;
    for (const d of a.layer.degree) sum += d;
    expect(sum).toBe(11 - 5 + formed);
    expect(Array.from(go().layer.targets)).toEqual(Array.from(a.layer.targets));
  });

  it('cuts only in the first days of a listing when given a window', () => {
    const r = naming({ cut: 1, replace: 0, window: 2 }, 5, slotLayer(3, 4));
    r.col('listed')[0] = 1;
    r.driver.advanceSync(2);
    expect(Array.from(r.col('namedDays'))).toEqual([2, 0, 0]);
    // Day 2 is the third of the listing: a tie to agent 0 now stays.
    addTie(r.layer, 1, 0);
    r.driver.advanceSync(1);
    expect(hasTie(r.layer, 1, 0)).toBe(true);
    expect(r.metric('tiesLostToNaming', 2)).toBe(0);
    // Delisted and listed again: fresh news.
    r.col('listed')[0] = 0;
    r.driver.advanceSync(1);
    r.col('listed')[0] = 1;
    r.driver.advanceSync(1);
    expect(hasTie(r.layer, 1, 0)).toBe(false);
    expect(r.metric('tiesLostToNaming', 4)).toBe(1);
  });

  it('cuts each named tie with daily probability cut', () => {
    const n = 4000;
    const layer = slotLayer(n, 2);
    for (let i = 1; i < n; i++) addTie(layer, i, 0);
    const r = naming({ cut: 0.3, replace: 0 }, 1, layer);
    r.col('listed')[0] = 1;
    r.driver.advanceSync(1);
    const lost = r.metric('tiesLostToNaming', 0);
    // 3999 ties at 0.3: mean 1199.7, sd 29; four sd either side.
    expect(lost).toBeGreaterThan(1084);
    expect(lost).toBeLessThan(1316);
    expect(() => run([use('flags'), use('public-naming')], 4, 1, { contacts: { streams: [], build: () => ({ kind: 'groups', n: 4, groups: 1, start: Int32Array.of(0, 4), groupOf: new Int32Array(4) }) } })).toThrow(
      CompileError,
    );
  });
});

describe('tie-pruning', () => {
  function pruning(enrolled: number[] | undefined) {
    const layer = contacts();
    const r = run(
      [use('flags'), use('ledger'), use('tie-pruning', { below: 600, probability: 1, replace: 0, ...(enrolled ? { enrolledColumn: 'enrolled' } : {}) })],
      layer.n,
      1,
      { contacts: { streams: [], build: () => layer } },
    );
    r.col('score')[0] = 100;
    if (enrolled) r.col('enrolled').set(enrolled);
    r.driver.advanceSync(1);
    return { ...r, layer };
  }

  it('drops low-scored contacts; with an opt-in score, only the enrolled prune, and only scored contacts are judged', () => {
    const all = pruning(undefined);
    for (let i = 1; i < 6; i++) expect(hasTie(all.layer, i, 0)).toBe(false);
    // Agent 0 is not enrolled: its 100 is no score, and nobody drops it.
    const unscored = pruning([0, 1, 1, 1, 1, 1]);
    for (let i = 1; i < 6; i++) expect(hasTie(unscored.layer, i, 0)).toBe(true);
    // Agent 0 is scored; agents 1 and 2 are enrolled and prune, 3-5 are not and keep their ties.
    const some = pruning([1, 1, 1, 0, 0, 0]);
    expect([1, 2, 3, 4, 5].map((i) => hasTie(some.layer, i, 0))).toEqual([false, false, true, true, true]);
    expect(some.metric('tiesCut', 0)).toBe(2);
  });
});
