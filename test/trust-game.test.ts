import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtins } from '../src/cli/library.ts';
import { runDocument } from '../src/cli/report.ts';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { defineModule } from '../src/core/engine/module.ts';
import { compileWorld, type ModuleUse, type Registry } from '../src/core/engine/world.ts';
import { simulate } from '../src/host/node/simulate.ts';
import { MODULES } from '../src/modules/index.ts';
import { trustGame } from '../src/modules/trust-game.ts';
import { actMask, assess, assessMask, NORMS } from '../src/modules/trust-norms.ts';
import { resolveScenario } from '../src/scenario/load.ts';
import { parseScenarioText } from '../src/scenario/source.ts';
import { outcome } from './helpers.ts';

/** A stand-in for a scoring module: fixed scores, listings and grades that the game's strategies read. */
const fixedScores = defineModule({
  name: 'fixed-scores',
  title: 'Fixed scores (test)',
  summary: 'Gives every agent a score, a listing and a grade that never change.',
  params: z.strictObject({}),
  declare: () => ({
    columns: [
      { name: 'sesame', type: 'i32', description: 'score' },
      { name: 'listed', type: 'u8', description: 'listed' },
      { name: 'grade', type: 'u8', labels: ['A', 'B', 'C', 'D'], description: 'grade' },
    ],
    phases: { setup: 'sets the scores' },
  }),
  bind(_p, w) {
    const [sesame, listed, grade] = [w.column('sesame', 'i32'), w.column('listed', 'u8'), w.column('grade', 'u8')];
    return {
      setup(lo, hi) {
        for (let i = lo; i < hi; i++) {
          sesame[i] = 350 + ((i * 37) % 600);
          listed[i] = i % 3 === 0 ? 1 : 0;
          grade[i] = i % 4;
        }
      },
    };
  },
});

const REGISTRY: Registry = { ...MODULES, [fixedScores.name]: fixedScores };

const game = (params: Record<string, unknown>, id = 'trust-game'): ModuleUse => ({ id, module: 'trust-game', params: trustGame.params.parse(params) });

/** Runs the game (after `before`) on one thread; metrics by day, columns at the end. */
function play(params: Record<string, unknown>, n: number, days: number, before: ModuleUse[] = [], seed = 11n) {
  const world = compileWorld(REGISTRY, { n, days, seed }, [...before, game(params)], {});
  const driver = new LocalDriver(world, REGISTRY);
  driver.advanceSync(days);
  const metric = (name: string): number[][] => {
    const m = world.metrics.find((x) => x.name === name);
    if (!m) throw new Error(`no metric ${name}`);
    return Array.from({ length: days }, (_, d) => Array.from({ length: m.width }, (_, b) => driver.series[d * world.metricWidth + m.slot + b]!));
  };
  const daily = (name: string): number[] => metric(name).map((v) => v[0]!);
  const total = (name: string): number => daily(name).reduce((s, x) => s + x, 0);
  const col = (name: string) => world.columns[name]!.array;
  return { world, driver, metric, daily, total, col };
}

/** Share of each strategy on the last day. */
const shares = (r: ReturnType<typeof play>, n: number): number[] => r.metric('strategies').at(-1)!.map((x) => x / n);

describe('trust-game norms', () => {
  it('are the tables of Ohtsuki & Iwasa: the leading eight share their core, SJ = L6 and SS = L3', () => {
    expect(NORMS['stern-judging'].assess).toBe(NORMS.L6.assess);
    expect(NORMS['simple-standing'].assess).toBe(NORMS.L3.assess);
    const eight = (['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'L8'] as const).map((k) => NORMS[k]);
    expect(new Set(eight.map((t) => `${t.assess}/${t.act}`)).size).toBe(8);
    for (const t of eight) {
      const d = assessMask(t), p = actMask(t);
      for (const donor of [0, 1]) {
        expect(assess(d, donor, 1, 1)).toBe(1); // helping the good is good
        expect(assess(d, donor, 1, 0)).toBe(0); // refusing the good is bad
        expect((p >> ((donor << 1) | 1)) & 1).toBe(1); // help the good
      }
      expect(assess(d, 1, 0, 0)).toBe(1); // justified defection
      expect((p >> 2) & 1).toBe(0); // a good donor refuses the bad
      // p(B, B) is the action the norm judges good for a bad donor facing a bad recipient, when only one is.
      if (assess(d, 0, 0, 1) !== assess(d, 0, 0, 0)) expect(p & 1).toBe(assess(d, 0, 0, 1));
    }
    // Image scoring is first order: only the action counts.
    const is = assessMask(NORMS['image-scoring']);
    for (let k = 0; k < 8; k++) expect((is >> k) & 1).toBe(k & 1);
    // Stern judging: d(C,G)=G, d(D,G)=B, d(C,B)=B, d(D,B)=G; shunning: only helping the good is good.
    const sj = assessMask(NORMS['stern-judging']);
    expect([assess(sj, 1, 1, 1), assess(sj, 1, 1, 0), assess(sj, 1, 0, 1), assess(sj, 1, 0, 0)]).toEqual([1, 0, 0, 1]);
    const sh = assessMask(NORMS.shunning);
    expect([assess(sh, 0, 1, 1), assess(sh, 0, 1, 0), assess(sh, 0, 0, 1), assess(sh, 0, 0, 0)]).toEqual([1, 0, 0, 0]);
  });
});

describe('trust-game analytic anchor', () => {
  it('gives ALLC under public image scoring a good share of exactly (1-e)(1-eps) + e eps', () => {
    const [n, days, e, eps] = [20_000, 200, 0.1, 0.05];
    const r = play({ strategies: { ALLC: { rule: 'allc' } }, norm: 'image-scoring', executionError: e, assessmentError: eps, evolution: 'none' }, n, days);
    // Every donor is observed every day and judged on today's action alone: n x days independent draws.
    const p = (1 - e) * (1 - eps) + e * eps;
    const se = Math.sqrt((p * (1 - p)) / (n * days));
    const measured = r.total('goodReputation') / (n * days);
    console.info(`trust-game anchor: good share ${measured.toFixed(6)}, theory ${p}, SE ${se.toExponential(3)}, z ${((measured - p) / se).toFixed(2)}`);
    expect(Math.abs(measured - p)).toBeLessThan(4 * se);
    // The cooperation rate is 1 - e, within 4 SE too.
    expect(r.total('donations')).toBe(n * days);
    const coop = r.total('cooperations') / r.total('donations');
    expect(Math.abs(coop - (1 - e))).toBeLessThan(4 * Math.sqrt((e * (1 - e)) / (n * days)));
    expect(r.total('cooperations') + r.total('defections')).toBe(r.total('donations'));
    expect(r.total('executionErrors')).toBe(r.total('defections'));
    expect(r.total('payoffMilli')).toBe(r.total('cooperations') * 1000);
  });
});

describe('trust-game evolution', () => {
  const base = { every: 5, mutation: 0, beta: 1, executionError: 0.01, assessmentError: 0.01 };

  it('lets ALLD take over from ALLC by imitation, since b > c', () => {
    const n = 2000;
    const r = play({ ...base, strategies: { ALLC: { rule: 'allc', share: 9 }, ALLD: { rule: 'alld', share: 1 } }, evolution: 'imitation' }, n, 100);
    expect(shares(r, n)[1]).toBeGreaterThan(0.95);
    expect(r.total('strategyChanges')).toBeGreaterThan(0.8 * n);
  });

  it('keeps ALLD out of a population of discriminators under stern judging, public assessment', () => {
    const n = 2000;
    const r = play({ ...base, strategies: { DISC: { rule: 'disc', share: 9 }, ALLD: { rule: 'alld', share: 1 } }, norm: 'stern-judging', evolution: 'imitation' }, n, 100);
    expect(shares(r, n)[1]).toBeLessThan(0.01);
    // Discriminators cooperate with each other and refuse the defectors.
    const last = r.daily('cooperations').at(-1)! / r.daily('donations').at(-1)!;
    expect(last).toBeGreaterThan(0.9);
  });

  it('lets ALLD take over by payoff-proportional generations, resetting payoffs and image scores', () => {
    const n = 1000;
    const every = 10;
    const r = play({ ...base, every, strategies: { ALLC: { rule: 'allc' }, ALLD: { rule: 'alld' } }, norm: 'scores', evolution: 'generations' }, n, 200);
    expect(shares(r, n)[1]).toBeGreaterThan(0.95);
    // Day 199 closes a generation: payoffs and reputations start again.
    expect(Array.from(r.col('trustPayoff')).every((x) => x === 0)).toBe(true);
    expect(Array.from(r.col('trustReputation')).every((x) => x === 0)).toBe(true);
  });

  it('lets discriminators with image scores (k = 0) drive ALLD out by generations, where ALLC cannot', () => {
    const n = 1000;
    const r = play({ ...base, every: 20, strategies: { DISC: { rule: 'disc', k: 0, share: 4 }, ALLD: { rule: 'alld' } }, norm: 'scores', evolution: 'generations' }, n, 200);
    const withoutScores = play({ ...base, every: 20, strategies: { ALLC: { rule: 'allc', share: 4 }, ALLD: { rule: 'alld' } }, norm: 'scores', evolution: 'generations' }, n, 200);
    expect(shares(r, n)[1]).toBeLessThan(0.05);
    expect(shares(withoutScores, n)[1]).toBeGreaterThan(0.95);
  });
});

describe('trust-game assessment', () => {
  it('under private assessment with errors, agrees and cooperates less than under public assessment', () => {
    const n = 300;
    const common = { strategies: { DISC: { rule: 'disc' } }, norm: 'stern-judging', assessmentError: 0.05, executionError: 0, evolution: 'none' };
    const pub = play({ ...common, assessment: 'public' }, n, 60);
    const priv = play({ ...common, assessment: 'private' }, n, 60);
    const rate = (r: typeof pub) => r.total('cooperations') / r.total('donations');
    // Public images are shared by everyone (agreement 1); private views drift apart.
    const agreement = priv.daily('agreeingViews').at(-1)! / (n * n * (n - 1));
    expect(agreement).toBeLessThan(0.7);
    expect(rate(pub)).toBeGreaterThan(0.85);
    expect(rate(priv)).toBeLessThan(rate(pub) - 0.2);
  });

  it('under private assessment without errors and with full observation, keeps every view good', () => {
    const n = 200;
    const r = play({ strategies: { DISC: { rule: 'disc' } }, assessment: 'private', assessmentError: 0, executionError: 0, evolution: 'none' }, n, 10);
    expect(r.total('cooperations')).toBe(n * 10);
    expect(r.daily('goodViews').at(-1)).toBe(n * n);
    expect(r.daily('goodReputation').at(-1)).toBe(n);
  });

  it('records trustees who keep the investment, so that discriminating investors stop trusting them', () => {
    const n = 2000;
    const r = play({ game: 'trust', strategies: { TRUST: { rule: 'disc' }, CHEAT: { rule: 'alld' } }, assessmentError: 0, executionError: 0, evolution: 'none' }, n, 30);
    const ret = r.daily('returns'), bet = r.daily('betrayals'), inv = r.daily('cooperations');
    expect(bet[0]).toBeGreaterThan(0.2 * inv[0]!);
    expect(bet.at(-1)).toBeLessThan(0.01 * inv.at(-1)!);
    expect(ret.at(-1)! + bet.at(-1)!).toBe(inv.at(-1));
    // Payoff created: each investment turns 1 unit into 3.
    expect(r.total('payoffMilli')).toBe(r.total('cooperations') * 2000);
    // Cheats' reputations are bad; the trustworthy stay good.
    const strategy = r.col('trustStrategy'), image = r.col('trustReputation');
    let badTrusty = 0;
    for (let i = 0; i < n; i++) if (strategy[i] === 0 && image[i] !== 1) badTrusty++;
    expect(badTrusty).toBe(0);
  });
});

describe('trust-game score-conditioned discriminators', () => {
  const scored = (strategy: Record<string, unknown>) =>
    play({ strategies: { S: { rule: 'score', ...strategy } }, executionError: 0, evolution: 'none' }, 999, 1, [{ id: 'fixed-scores', module: 'fixed-scores', params: {} }]);

  it('help exactly the partners whose score, listing or grade passes', () => {
    const cases: [Record<string, unknown>, (j: number) => boolean][] = [
      [{ cooperateIf: { when: 'score', atLeast: 600, column: 'sesame' } }, (j) => 350 + ((j * 37) % 600) >= 600],
      [{ refuseIf: { when: 'listed' } }, (j) => j % 3 !== 0],
      [{ cooperateIf: { when: 'grade', atOrAbove: 'B' } }, (j) => j % 4 <= 1],
    ];
    for (const [rule, passes] of cases) {
      const r = scored(rule);
      const partner = r.col('trustPartner'), action = r.col('trustAction');
      let expected = 0;
      for (let i = 0; i < 999; i++) {
        const ok = passes(partner[i]!);
        expect(action[i], JSON.stringify(rule)).toBe(ok ? 1 : 0);
        if (ok) expected++;
      }
      expect(r.total('cooperations')).toBe(expected);
      expect(expected).toBeGreaterThan(100);
      expect(expected).toBeLessThan(899);
    }
  });

  it('need the column they read', () => {
    expect(() => compileWorld(MODULES, { n: 10, days: 1, seed: 1n }, [game({ strategies: { S: { rule: 'score', cooperateIf: { when: 'score', atLeast: 600, column: 'sesame' } } } })], {})).toThrow(
      'a module that provides the column "sesame"',
    );
  });
});

describe('trust-game strategies tied to a trait', () => {
  it('start every agent above the threshold with the assigned strategy, the others by the shares', () => {
    const n = 4000;
    const params = { evolution: 'none', strategies: { C: { rule: 'allc', share: 1 }, D: { rule: 'alld', share: 0 } }, assign: [{ strategy: 'D', column: 'ruleBreaking', above: 1.2 }] };
    const traits: ModuleUse = { id: 'traits', module: 'traits', params: MODULES.traits!.params.parse({}) };
    const r = play(params, n, 2, [traits]);
    const rb = r.col('ruleBreaking');
    const strat = r.col('trustStrategy');
    let above = 0;
    for (let i = 0; i < n; i++) {
      expect(strat[i]).toBe(rb[i]! > 1.2 ? 1 : 0);
      if (rb[i]! > 1.2) above++;
    }
    expect(above).toBeGreaterThan(n / 10);
    expect(above).toBeLessThan(n / 2);
    expect(r.metric('strategies')[0]).toEqual([n - above, above]);
  });

  it('refuses a strategy that is not defined', () => {
    const bad = trustGame.params.safeParse({ assign: [{ strategy: 'nobody', column: 'ruleBreaking', above: 1 }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/one of the strategies \(ALLC, ALLD, DISC\)/);
  });
});

describe('trust-game parameters', () => {
  const problem = (params: Record<string, unknown>): string => {
    const r = trustGame.params.safeParse(params);
    if (r.success) return 'accepted';
    // An invalid record key carries its reasons inside.
    const inner = (i: { message: string; issues?: { message: string }[] }): string => [i.message, ...(i.issues ?? []).map((x) => x.message)].join(', ');
    return r.error.issues.map((i) => `${i.path.join('.')}: ${inner(i)}`).join('; ');
  };

  it('refuse what does not make sense, saying what is expected', () => {
    expect(problem({})).toBe('accepted');
    expect(problem({ norm: 'L9' })).toContain('norm');
    expect(problem({ strategies: { A: { rule: 'allc', share: 0 } } })).toContain('strategies whose shares have a positive sum');
    expect(problem({ strategies: {} })).toContain('between 1 and 32 strategies');
    expect(problem({ strategies: { 'a b': { rule: 'allc' } } })).toContain('a name of letters, digits and _');
    expect(problem({ game: 'trust', assessment: 'private' })).toContain('assessment: public assessment in the trust game');
    expect(problem({ game: 'trust', norm: 'stern-judging' })).toContain('norm: image-scoring or scores in the trust game');
    expect(problem({ strategies: { D: { rule: 'disc', k: 1 } } })).toContain('strategies.D.k: no k unless norm is "scores"');
    expect(problem({ norm: 'scores', strategies: { D: { rule: 'disc', k: 7 } } })).toContain('a threshold k in [-5, 6]');
    expect(problem({ strategies: { S: { rule: 'score', cooperateIf: { when: 'listed' }, refuseIf: { when: 'listed' } } } })).toContain('either cooperateIf or refuseIf');
    expect(problem({ maxAgents: 6000 })).toContain('maxAgents');
    expect(problem({ observe: 1.5 })).toContain('observe');
  });

  it('explain them in the scenario file\'s words', () => {
    const text = `version: 1
name: bad
agents: 100
days: 1
modules:
  - module: trust-game
    params: { game: trust, assessment: private }
`;
    expect(() => resolveScenario(parseScenarioText(text, 'bad.yaml'), builtins, MODULES)).toThrow(
      'modules[0].params.assessment: expected public assessment in the trust game (private views are for the donation game), found "private"',
    );
  });

  it('refuse private assessment beyond maxAgents, and maxAgents beyond the cap', () => {
    // The number of agents is known when the module binds its world, before any day runs.
    const start = (params: Record<string, unknown>) => () => new LocalDriver(compileWorld(MODULES, { n: 1200, days: 1, seed: 1n }, [game(params)], {}), MODULES);
    expect(start({ assessment: 'private' })).toThrow(
      'expected at most maxAgents = 1000 agents for private assessment (raise maxAgents, up to 5000: every agent keeps a view of every other), found 1200 agents',
    );
    expect(start({ assessment: 'private', maxAgents: 1200 })).not.toThrow();
  });
});

describe('trust-game on threads', () => {
  it('gives identical results on 1 and 2 threads (public, private and trust games side by side)', async () => {
    const text = `version: 1
name: trust-threads
agents: 1000
days: 30
seed: "987654321"
layers:
  contacts: { generator: ring-rewire }
modules:
  - module: risk-classes
  - module: rule-breaking
  - module: observation
  - module: ledger
  - module: blacklist
  - module: trust-game
    params:
      partners: layer
      every: 7
      strategies:
        DISC: { rule: disc }
        ALLD: { rule: alld }
        ALLC: { rule: allc }
        CLEAN: { rule: score, refuseIf: { when: listed } }
        SCORED: { rule: score, cooperateIf: { when: score, atLeast: 900 } }
  - module: trust-game
    id: private
    params:
      prefix: priv
      assessment: private
      maxAgents: 1000
      observe: 0.5
      norm: L1
      evolution: generations
      every: 10
      mutation: 0.01
      stream: 100
  - module: trust-game
    id: trust
    params: { prefix: tr, game: trust, norm: scores, models: layer, observe: 0.7, assessmentError: 0.05, stream: 110 }
output:
  stateHash: []
`;
    const scenario = resolveScenario(parseScenarioText(text, 'trust-threads.yaml'), builtins, MODULES);
    const docs = await Promise.all([1, 2].map(async (threads) => runDocument(scenario, await simulate(scenario, { threads }), { version: 't', threads, seconds: 1 })));
    expect(outcome(docs[1]!)).toEqual(outcome(docs[0]!));
    const totals = docs[0]!.totals as Record<string, number | number[]>;
    for (const k of ['cooperations', 'privCooperations', 'trCooperations', 'strategyChanges', 'privStrategyChanges', 'trReturns', 'trBetrayals']) expect(totals[k], k).toBeGreaterThan(0);
  });
});
