import { describe, expect, it } from 'vitest';
import { LocalDriver, type Driver } from '../src/core/engine/driver.ts';
import { compileWorld, CompileError, type LayerBuild, type ModuleUse, type Registry, type World } from '../src/core/engine/world.ts';
import { csrFromPairs } from '../src/core/network/csr.ts';
import { blocks, ringRewire } from '../src/core/network/generators/index.ts';
import { Rng, SETUP } from '../src/core/rng/threefry.ts';
import { ThreadPool } from '../src/host/node/threads.ts';
import { MODULES } from '../src/modules/index.ts';
import { participation } from '../src/modules/participation.ts';
import { scorerAgreement } from '../src/modules/scorer-agreement.ts';
import { sesameScore } from '../src/modules/sesame-score.ts';

const REG: Registry = { ...MODULES, [sesameScore.name]: sesameScore, [scorerAgreement.name]: scorerAgreement, [participation.name]: participation };

const use = (module: string, params: Record<string, unknown> = {}, id = module): ModuleUse => ({ id, module, params: REG[module]!.params.parse(params) });

const SEED = 5n;
const N = 8;

/** Working adults earning exactly 100 a day and saving half, from no savings, with every digital trait 1. */
const base = (economy: Record<string, unknown> = {}, digital = 1): ModuleUse[] => [
  use('population', { childShare: 0, retiredShare: 0 }),
  use('traits', { traits: { digital: { mean: digital, sigma: 0 } } }),
  use('economy', { income: { mean: 100, sigma: 0 }, spending: 0.5, savings: { days: 0 }, shock: { rate: 0 }, ...economy }),
];

/** Weights with only the given dimensions on. */
const only = (w: Partial<Record<'history' | 'capacity' | 'identity' | 'behaviour' | 'connections', number>>) => ({
  weights: { history: 0, capacity: 0, identity: 0, behaviour: 0, connections: 0, ...w },
});

function make(modules: ModuleUse[], days: number, layers: Record<string, LayerBuild> = {}) {
  const w = compileWorld(REG, { n: N, days, seed: SEED }, modules, { household: { streams: [], build: () => blocks(N, 4) }, ...layers });
  // Set-up runs here, so a test may overwrite what it drew before the first day.
  const driver = new LocalDriver(w, REG);
  return view(w, driver);
}

function view(w: World, driver: Driver) {
  const slot = (name: string) => w.metrics.find((m) => m.name === name)!;
  return {
    w,
    run: (days: number) => (driver as LocalDriver).advanceSync(days),
    metric: (name: string, day: number) => driver.series[day * w.metricWidth + slot(name).slot]!,
    histogram: (name: string, day: number) => Array.from(driver.series.subarray(day * w.metricWidth + slot(name).slot, day * w.metricWidth + slot(name).slot + slot(name).width)),
    col: (name: string) => Array.from(w.columns[name]!.array),
    set: (name: string, values: number[]) => w.columns[name]!.array.set(values),
  };
}

/** Word k of block (agent, step, stream, 0). */
const word = (agent: number, step: number, stream: number, k = 0): number => {
  const out = new Uint32Array(4);
  new Rng(SEED).block(agent, step, stream, 0, out);
  return out[k]!;
};

describe('sesame-score', () => {
  it('scores fulfilment capacity as wealth^k / (wealth^k + reference^k), onto 350-950', () => {
    const r = make([...base(), use('sesame-score', { ...only({ capacity: 1 }), capacity: { incomeDays: 0, reference: 50 } })], 2);
    r.run(1);
    // Day 0: savings 50 = the reference, so 1/2: 350 + 300.
    expect(r.col('sesame')).toEqual(new Array(N).fill(650));
    r.run(1);
    // Day 1: savings 100: 100 / 150 = 2/3, 350 + 400.
    expect(r.col('sesame')).toEqual(new Array(N).fill(750));
    expect([r.metric('sesameScored', 1), r.metric('sesameSum', 1)]).toEqual([N, N * 750]);
    const hist = r.histogram('sesameHistogram', 1);
    expect(hist).toHaveLength(12);
    expect(hist[8]).toBe(N);
    expect(r.w.metrics.find((m) => m.name === 'sesameHistogram')!.bins![8]).toBe('750-799');

    // Income counts for incomeDays; steepness 2 squares the ratio: 150 of income and savings against 75, 1 / (1 + 1/4).
    const k = make([...base(), use('sesame-score', { ...only({ capacity: 1 }), capacity: { incomeDays: 1, reference: 75, steepness: 2 } })], 1);
    k.run(1);
    expect(k.col('sesame')).toEqual(new Array(N).fill(350 + 480));
  });

  it('lowers credit history with the days in default, decayed by keep', () => {
    const inDebt = { shock: { rate: 1, mean: 1000, sigma: 0 } };
    const kept = make([...base(inDebt), use('sesame-score', { ...only({ history: 1 }), history: { keep: 1, zeroAt: 10 } })], 3);
    kept.run(3);
    // Three days in default of 10: 0.7 of 600.
    expect(kept.col('sesame')).toEqual(new Array(N).fill(770));
    const decayed = make([...base(inDebt), use('sesame-score', { ...only({ history: 1 }), history: { keep: 0.5, zeroAt: 10 } })], 3);
    decayed.run(3);
    // 1, then 1.5, then 1.75: 1 - 0.175.
    expect(decayed.col('sesameDefaultDays')).toEqual(new Array(N).fill(1.75));
    expect(decayed.col('sesame')).toEqual(new Array(N).fill(845));
    const clean = make([...base(), use('sesame-score', only({ history: 1 }))], 3);
    clean.run(3);
    expect(clean.col('sesame')).toEqual(new Array(N).fill(950));
    expect(clean.histogram('sesameHistogram', 2)[11]).toBe(N);
  });

  it('scores behaviour as trait^k / (trait^k + reference^k)', () => {
    const r = make([...base({}, 3), use('sesame-score', only({ behaviour: 1 }))], 1);
    r.run(1);
    expect(r.col('sesame')).toEqual(new Array(N).fill(800));
    const steep = make([...base({}, 3), use('sesame-score', { ...only({ behaviour: 1 }), behaviour: { steepness: 2 } })], 1);
    steep.run(1);
    expect(steep.col('sesame')).toEqual(new Array(N).fill(350 + 540));
  });

  it('draws identity uniformly in [low, high] from its set-up stream, and shifts it by group', () => {
    const r = make([...base(), use('sesame-score', { ...only({ identity: 1 }), identity: { low: 0, high: 1 } })], 1);
    r.run(1);
    const identity = r.col('sesameIdentity');
    for (let i = 0; i < N; i++) {
      expect(identity[i]).toBe(Math.fround(word(i, SETUP, 60) / 2 ** 32));
      expect(r.col('sesame')[i]).toBe(350 + Math.round(600 * identity[i]!));
    }
    const mixed = [use('population', { childShare: 0, retiredShare: 0, dimensions: { registration: { urban: 1, rural: 1 } } }), ...base().slice(1)];
    const biased = make([...mixed, use('sesame-score', { ...only({ identity: 1 }), identity: { low: 0.5, high: 0.5, groupColumn: 'registration', shift: { rural: -0.25 } } })], 1);
    biased.run(1);
    const reg = biased.col('registration');
    expect(new Set(reg).size).toBe(2);
    expect(biased.col('sesame')).toEqual(reg.map((g) => (g === 1 ? 500 : 650)));
    // A category the column does not have, and shifts with no group column, are refused.
    const unknown = [...mixed, use('sesame-score', { ...only({ identity: 1 }), identity: { groupColumn: 'registration', shift: { migrant: -0.2 } } })];
    expect(() => make(unknown, 1)).toThrow(CompileError);
    expect(sesameScore.params.safeParse({ identity: { shift: { rural: -0.2 } } }).success).toBe(false);
  });

  it('scores connections from the contacts\' scores of the day before, leaving out the unscored', () => {
    const params = { ...only({ identity: 1, connections: 1 }), connections: { layer: 'household', none: 0 }, enrolledColumn: 'enrolled' };
    const r = make([...base(), use('participation', { initialShare: 1, join: 0, leave: 0 }), use('sesame-score', params)], 2);
    r.set('sesameIdentity', [0, 0.5, 1, 0.5, 0.25, 0.5, 0.75, 1]);
    r.set('enrolled', [1, 1, 1, 1, 1, 1, 1, 0]);
    r.run(1);
    // Day 0: no contacts' scores yet (none = 0): half of the identity.
    expect(r.col('sesame')).toEqual([350, 500, 650, 500, 425, 500, 575, 0]);
    expect([r.metric('sesameScored', 0), r.metric('sesameSum', 0)]).toEqual([7, 3500]);
    // Means of the others in the household: 550, 500, 450, 500; 500, 500, 462.5 (agent 7 is not scored).
    const mean = [550, 500, 450, 500, 537.5, 500, 462.5, 500];
    expect(r.col('sesameContacts')).toEqual(mean.map((x) => Math.fround((x - 350) / 600)));
    r.run(1);
    // Day 1 reads the day-0 scores: identity and contacts half each.
    const identity = [0, 0.5, 1, 0.5, 0.25, 0.5, 0.75, 1];
    expect(r.col('sesame')).toEqual(identity.map((x, i) => (i === 7 ? 0 : 350 + Math.round(600 * (0.5 * x + 0.5 * Math.fround((mean[i]! - 350) / 600))))));
    expect(r.col('sesame').slice(0, 4)).toEqual([450, 575, 700, 575]);
  });

  it('reads contacts on CSR and slot layers alike', () => {
    const params = { ...only({ identity: 1, connections: 1 }), identity: { low: 0, high: 1 }, connections: { layer: 'contacts', none: 0.5 } };
    const path = { streams: [], build: () => csrFromPairs(N, Int32Array.from([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7])) };
    const ring = { streams: [1], build: (rng: Rng) => ringRewire(N, { degree: 2, rewire: 0 }, rng) };
    const neighbours: Record<string, (i: number) => number[]> = {
      path: (i) => [i - 1, i + 1].filter((j) => j >= 0 && j < N),
      ring: (i) => [(i + 1) % N, (i + 2) % N],
    };
    for (const [name, layer] of Object.entries({ path, ring })) {
      const r = make([...base(), use('sesame-score', params)], 2, { contacts: layer });
      r.run(1);
      const day0 = r.col('sesame');
      r.run(1);
      const id = r.col('sesameIdentity');
      for (let i = 0; i < N; i++) {
        const js = neighbours[name]!(i);
        const c = Math.fround((js.reduce((a, j) => a + day0[j]!, 0) / js.length - 350) / 600);
        expect(r.col('sesame')[i], `${name} ${i}`).toBe(350 + Math.round(600 * (0.5 * id[i]! + 0.5 * c)));
      }
    }
  });

  it('normalises the default weights (35/25/15/20/5) and reads nothing for a dimension switched off', () => {
    const full = make([...base(), use('sesame-score', { connections: { layer: 'household' } })], 1);
    full.run(1);
    for (const s of full.col('sesame')) expect(s).toBeGreaterThanOrEqual(350);
    // Identity only: no economy, trait or layer needed.
    expect(() => compileWorld(REG, { n: N, days: 1, seed: SEED }, [use('sesame-score', only({ identity: 1 }))], {})).not.toThrow();
    expect(sesameScore.params.safeParse(only({})).success).toBe(false);
  });
});

describe('scorer-agreement', () => {
  /** The state's score from the ledger (set by hand), a private score from identity alone. */
  function agree(params: Record<string, unknown>, state: number[], identity: number[], enrolled?: number[]) {
    const r = make(
      [
        use('traits', { traits: { digital: { mean: 1, sigma: 0 } } }),
        use('ledger', { recovery: { points: 0 } }),
        use('grades'),
        use('participation', { initialShare: 1, join: 0, leave: 0 }),
        use('sesame-score', { ...only({ identity: 1 }), enrolledColumn: 'enrolled' }),
        use('scorer-agreement', params),
      ],
      1,
    );
    r.set('score', state);
    r.set('sesameIdentity', identity);
    if (enrolled) r.set('enrolled', enrolled);
    r.run(1);
    return r;
  }
  const state = [100, 100, 700, 700, 100, 700, 700, 700];
  const identity = [0, 1, 0, 1, 1, 0, 1, 1];

  it('counts the agents each scorer flags and both flag', () => {
    const byScore = { a: { when: 'score', below: 600, column: 'score' }, b: { when: 'score', below: 650, column: 'sesame' } };
    const r = agree(byScore, state, identity);
    // A flags 0, 1, 4; B flags 0, 2, 5; both flag 0: disagreement (3 + 3 - 2) / (3 + 3 - 1) = 4/5.
    expect(['compared', 'flaggedA', 'flaggedB', 'flaggedBoth'].map((m) => r.metric(m, 0))).toEqual([8, 3, 3, 1]);
    const byGrade = agree({ ...byScore, a: { when: 'grade', atOrBelow: 'D', column: 'grade' }, prefix: 'rc' }, state, identity);
    expect(['rcCompared', 'rcFlaggedA', 'rcFlaggedB', 'rcFlaggedBoth'].map((m) => byGrade.metric(m, 0))).toEqual([8, 3, 3, 1]);
  });

  it('compares only the agents in `among`', () => {
    const r = agree({ a: { when: 'score', below: 600, column: 'score' }, b: { when: 'score', below: 650, column: 'sesame' }, among: 'enrolled' }, state, identity, [1, 1, 1, 1, 0, 0, 0, 0]);
    expect(['compared', 'flaggedA', 'flaggedB', 'flaggedBoth'].map((m) => r.metric(m, 0))).toEqual([4, 2, 2, 1]);
  });

  it('refuses a grade the grade column does not have', () => {
    expect(() => agree({ a: { when: 'grade', atOrBelow: 'E', column: 'grade' } }, state, identity)).toThrow(CompileError);
  });
});

describe('participation', () => {
  const part = (params: Record<string, unknown>, digital = 1, extra: ModuleUse[] = []) => make([...base({}, digital), ...extra, use('participation', params)], 3);

  it('enrols the initial share from its set-up stream', () => {
    const r = part({ initialShare: 0.5, join: 0, leave: 0 });
    expect(r.col('enrolled')).toEqual(Array.from({ length: N }, (_, i) => (word(i, SETUP, 62) < 2 ** 31 ? 1 : 0)));
    expect(part({ initialShare: 1, join: 0, leave: 0 }).col('enrolled')).toEqual(new Array(N).fill(1));
  });

  it('joins with probability base x trait x (1 + incentive)', () => {
    const all = part({ initialShare: 0, join: 1, incentive: 0 });
    all.run(2);
    expect([all.metric('joined', 0), all.metric('participants', 0), all.metric('joined', 1), all.metric('participants', 1)]).toEqual([N, N, 0, N]);
    const byTrait = part({ initialShare: 0, join: 0.5, incentive: 0, leave: 0 });
    byTrait.set('digital', [0, 2, 0, 2, 0, 2, 0, 2]);
    byTrait.run(3);
    expect(byTrait.col('enrolled')).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    const perks = part({ initialShare: 0, join: 0.5, incentive: 1, leave: 0 });
    perks.run(1);
    expect(perks.metric('joined', 0)).toBe(N);
  });

  it('joins more readily with enrolled contacts, as they were before the day\'s decisions', () => {
    const r = part({ initialShare: 0, join: 0.5, incentive: 0, peer: 3, leave: 0, layer: 'household' });
    r.set('enrolled', [1, 0, 0, 0, 0, 0, 0, 0]);
    r.run(1);
    expect(r.col('enrolledPeers')).toEqual([0, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0].map(Math.fround));
    // Agents 1-3: 0.5 x (1 + 3 x 1/3) = 1; agents 4-7: 0.5, by word 0 of (agent, day 0, stream 61).
    const expected = [1, 1, 1, 1, ...[4, 5, 6, 7].map((i) => (word(i, 0, 61) < 2 ** 31 ? 1 : 0))];
    expect(r.col('enrolled')).toEqual(expected);
    expect(r.metric('joined', 0)).toBe(expected.reduce((a, b) => a + b, 0) - 1);
  });

  it('leaves with probability base, plus more under a sanction or below the score threshold', () => {
    const everyone = part({ initialShare: 1, join: 0, leave: 1 });
    everyone.run(1);
    expect([everyone.metric('left', 0), everyone.metric('participants', 0)]).toEqual([N, 0]);

    const sanctioned = part({ initialShare: 1, join: 0, leave: 0, leaveSanctioned: 1, leaveLowScore: 0, sanctionedColumn: 'sanctioned' }, 1, [
      use('ledger', { recovery: { points: 0 } }),
      use('sanctions', { sanctions: [{ name: 'all', trigger: { when: 'score', below: 500, column: 'score' } }] }),
    ]);
    sanctioned.set('score', [100, 700, 700, 100, 700, 700, 700, 100]);
    sanctioned.run(2);
    expect(sanctioned.col('enrolled')).toEqual([0, 1, 1, 0, 1, 1, 1, 0]);
    expect([sanctioned.metric('left', 0), sanctioned.metric('left', 1), sanctioned.metric('participants', 1)]).toEqual([3, 0, 5]);

    // Scored below 650 by the private score: out on day 0, then no longer scored on day 1.
    const low = part({ initialShare: 1, join: 0, leave: 0, leaveSanctioned: 0, leaveLowScore: 1, scoreColumn: 'sesame', below: 650 }, 1, [
      use('sesame-score', { ...only({ identity: 1 }), enrolledColumn: 'enrolled' }),
    ]);
    low.set('sesameIdentity', [0, 1, 0.4, 0.6, 1, 1, 1, 1]);
    low.run(2);
    expect(low.col('enrolled')).toEqual([0, 1, 0, 1, 1, 1, 1, 1]);
    expect([low.metric('sesameScored', 0), low.metric('sesameScored', 1), low.metric('left', 0)]).toEqual([8, 6, 2]);
    expect(low.col('sesame')).toEqual([0, 950, 0, 710, 950, 950, 950, 950]);
  });
});

describe('scoring on threads', () => {
  it('gives the same result on 1 and 3 threads', async () => {
    const n = 20_011;
    const modules = [
      use('population'),
      use('traits'),
      use('economy', { shock: { rate: 0.01 } }),
      use('participation', { initialShare: 0.3, join: 0.02, layer: 'contacts', scoreColumn: 'sesame' }),
      use('sesame-score', { enrolledColumn: 'enrolled', identity: { groupColumn: 'registration', shift: { rural: -0.2 } } }),
      use('scorer-agreement', { a: { when: 'score', below: 600, column: 'sesame' }, b: { when: 'score', below: 700, column: 'sesame' }, among: 'enrolled' }),
    ];
    const build = () =>
      compileWorld(REG, { n, days: 30, seed: 11n }, modules, {
        household: { streams: [], build: () => blocks(n, 4) },
        contacts: { streams: [1, 2, 3, 4], build: (rng) => ringRewire(n, { degree: 8, rewire: 0.125 }, rng) },
      });
    const one = new LocalDriver(build(), REG);
    await one.advance(30);
    const urls = ['sesame-score', 'scorer-agreement', 'participation'].map((f) => new URL(`../src/modules/${f}.ts`, import.meta.url).href);
    const pool = new ThreadPool(3, urls);
    const world = build();
    const three = await pool.start(world, REG);
    await three.advance(30);
    await three.close();
    expect(Array.from(three.series)).toEqual(Array.from(one.series));
    expect(Array.from(world.columns.sesame!.array)).toEqual(Array.from(one.world.columns.sesame!.array));
    const last = (name: string) => one.series[29 * world.metricWidth + world.metrics.find((m) => m.name === name)!.slot]!;
    for (const name of ['joined', 'sesameScored', 'flaggedA', 'flaggedB']) expect(last(name), name).toBeGreaterThan(0);
  }, 60_000);
});
