import { ci95 } from '../src/experiment/stats.ts';
import { actMask, assessMask, NORMS, type NormName } from '../src/modules/trust-norms.ts';
import { Runner, series } from './lab.ts';
import type { Json, Outcome, Reproduction, Row, RunOptions } from './types.ts';

/**
 * An analytic anchor for the `trust-game` module: populations whose strategies never change, under
 * public binary reputations with execution error e, assessment error ε and observation probability
 * q, where the stationary share of good reputations (and the cooperation rate) has a closed form.
 * Every case is run large and compared with its theory to sampling error.
 *
 * The theory. An agent's public image is a two-state Markov chain: each day, with probability q,
 * the institution observes its donation and assigns d(own image, recipient's image, action),
 * flipped with probability ε; otherwise the image stays. Its recipient is a uniformly random other
 * agent, good with probability r = (G - own) / (n - 1), G the number of good agents. With A(x) the
 * probability that an observed assessment comes out good for an agent whose own image is x,
 *
 *   P(B -> G) = q A(0),   P(G -> B) = q (1 - A(1)),   stationary P(G) = A(0) / (1 - A(1) + A(0)),
 *
 * and q cancels (for q > 0). For a first- or second-order norm A does not depend on the own image
 * except through r, and A is linear in r; the expected images then follow a linear map exactly
 * (the expectation of a linear map is the map of the expectation), so the fixed point below is the
 * exact stationary mean for any n, not an approximation. Third-order norms (the leading eight but
 * L3 and L6) make A depend on the own image: the same formula is then the mean-field answer, exact
 * up to O(1/n) correlations between an agent's image and the others'.
 *
 * Worked cases (derivations in validation/docs/anchor-image-scoring.md):
 *
 * - ALLC under image scoring: A = (1 - e)(1 - ε) + e ε whatever the recipient, so
 *   g* = (1 - e)(1 - ε) + e ε for every q > 0 (with q = 1 every agent-day is an independent draw).
 * - DISC under stern judging: a good recipient is helped (good, unless the help fails: bad), a bad
 *   one refused (good), so A(g) = g a + (1 - g)(1 - ε) with a = (1 - e)(1 - ε) + e ε, and
 *   g* = (1 - ε) / (2 - ε - a). The cooperation rate is (1 - e) g*.
 * - A mixture of ALLC, ALLD and DISC: one such line per strategy, tied by the shared recipient
 *   distribution; solved with the realized strategy counts of each run.
 */

type Rule = 'allc' | 'alld' | 'disc';

interface Case {
  id: string;
  title: string;
  norm: NormName;
  observe: number;
  executionError: number;
  assessmentError: number;
  /** Strategies by name: rule and share (the module's weights). */
  strategies: Record<string, { rule: Rule; share: number }>;
  /** Whether the theory is exact for finite n (first and second order) or mean-field (third order). */
  exact: boolean;
  /** The closed form, where there is one, that the general solution must reproduce. */
  closed?: (e: number, eps: number) => { good: number; cooperation: number };
}

/** The probability that an intended cooperation is judged good by a first-order reading: done and kept, or failed and flipped. */
const kept = (e: number, eps: number): number => (1 - e) * (1 - eps) + e * eps;

const CASES: Case[] = [
  {
    id: 'allc-image-q1',
    title: 'ALLC, image scoring, q = 1',
    norm: 'image-scoring',
    observe: 1,
    executionError: 0.1,
    assessmentError: 0.05,
    strategies: { ALLC: { rule: 'allc', share: 1 } },
    exact: true,
    closed: (e, eps) => ({ good: kept(e, eps), cooperation: 1 - e }),
  },
  {
    id: 'allc-image-q02',
    title: 'ALLC, image scoring, q = 0.2',
    norm: 'image-scoring',
    observe: 0.2,
    executionError: 0.1,
    assessmentError: 0.05,
    strategies: { ALLC: { rule: 'allc', share: 1 } },
    exact: true,
    closed: (e, eps) => ({ good: kept(e, eps), cooperation: 1 - e }),
  },
  {
    id: 'disc-stern-q05',
    title: 'DISC, stern judging, q = 0.5',
    norm: 'stern-judging',
    observe: 0.5,
    executionError: 0.1,
    assessmentError: 0.05,
    strategies: { DISC: { rule: 'disc', share: 1 } },
    exact: true,
    closed: (e, eps) => {
      const good = (1 - eps) / (2 - eps - kept(e, eps));
      return { good, cooperation: (1 - e) * good };
    },
  },
  {
    id: 'mix-stern-q1',
    title: 'ALLC:ALLD:DISC = 1:1:2, stern judging, q = 1',
    norm: 'stern-judging',
    observe: 1,
    executionError: 0.05,
    assessmentError: 0.02,
    strategies: { ALLC: { rule: 'allc', share: 1 }, ALLD: { rule: 'alld', share: 1 }, DISC: { rule: 'disc', share: 2 } },
    exact: true,
  },
  {
    id: 'mix-standing-q05',
    title: 'ALLC:ALLD:DISC = 1:1:2, simple standing, q = 0.5',
    norm: 'simple-standing',
    observe: 0.5,
    executionError: 0.05,
    assessmentError: 0.02,
    strategies: { ALLC: { rule: 'allc', share: 1 }, ALLD: { rule: 'alld', share: 1 }, DISC: { rule: 'disc', share: 2 } },
    exact: true,
  },
  {
    id: 'mix-l1-q05',
    title: 'ALLD:DISC = 1:3, leading-eight L1 (third order), q = 0.5',
    norm: 'L1',
    observe: 0.5,
    executionError: 0.05,
    assessmentError: 0.05,
    strategies: { ALLD: { rule: 'alld', share: 1 }, DISC: { rule: 'disc', share: 3 } },
    exact: false,
  },
];

interface Config {
  n: number;
  days: number;
  /** Days left out at the start (the images start all good and relax to the stationary state). */
  burn: number;
  /** Batches per run: the post-burn-in days in this many consecutive blocks, whose means are the samples. */
  batches: number;
  seeds: number;
}

const CONFIG: Record<'full' | 'fast', Config> = {
  full: { n: 20_000, days: 400, burn: 50, batches: 5, seeds: 6 },
  fast: { n: 4_000, days: 250, burn: 50, batches: 5, seeds: 3 },
};

/** |z| beyond which a row fails: the theory must lie within ours +- 4 standard errors. */
const Z_MAX = 4;

// ------------------------------------------------------------------------------------------------
// Theory

export interface AnchorParams {
  norm: NormName;
  executionError: number;
  assessmentError: number;
  /** Agents following each strategy (the rules in the same order). */
  counts: readonly number[];
  rules: readonly Rule[];
}

export interface Stationary {
  /** Expected share of good images. */
  good: number;
  /** Expected share of donations that are cooperations. */
  cooperation: number;
  /** Stationary good share within each strategy. */
  byStrategy: number[];
}

/** Whether a strategy intends to cooperate, given the donor's and the recipient's images (1 good). */
function intends(rule: Rule, act: number, own: number, recipient: number): number {
  if (rule === 'allc') return 1;
  if (rule === 'alld') return 0;
  return (act >> ((own << 1) | recipient)) & 1;
}

/**
 * The probability that an observed donation earns a good image, for an agent with this rule whose
 * own image is `own` and whose recipient is good with probability r.
 */
function goodAssessment(rule: Rule, assess: number, act: number, own: number, r: number, e: number, eps: number): number {
  let p = 0;
  for (const [y, py] of [[1, r], [0, 1 - r]] as const) {
    const pc = intends(rule, act, own, y) * (1 - e);
    for (const [a, pa] of [[1, pc], [0, 1 - pc]] as const) {
      const d = (assess >> ((own << 2) | (y << 1) | a)) & 1;
      p += py * pa * (d ? 1 - eps : eps);
    }
  }
  return p;
}

/**
 * The stationary state of a fixed population under a public binary norm (independent of q > 0):
 * each strategy's good share m_s = A_s(0) / (1 - A_s(1) + A_s(0)), where the recipient is good
 * with probability (G - own) / (n - 1) and G = sum_s n_s m_s; the fixed point in G is found by
 * bisection, after checking that it is unique.
 */
export function stationary(p: AnchorParams): Stationary {
  const table = NORMS[p.norm];
  const assess = assessMask(table);
  const act = actMask(table);
  const e = p.executionError, eps = p.assessmentError;
  const n = p.counts.reduce((a, b) => a + b, 0);
  const recipientGood = (g: number, own: number): number => (n * g - own) / (n - 1);
  const shares = (g: number): number[] =>
    p.rules.map((rule) => {
      const a0 = goodAssessment(rule, assess, act, 0, recipientGood(g, 0), e, eps);
      const a1 = goodAssessment(rule, assess, act, 1, recipientGood(g, 1), e, eps);
      return a0 / (1 - a1 + a0);
    });
  const excess = (g: number): number => shares(g).reduce((s, m, k) => s + (p.counts[k]! / n) * m, 0) - g;
  // A unique root: the excess changes sign exactly once on a fine grid.
  let changes = 0;
  for (let k = 0; k < 1000; k++) if (excess(k / 1000) > 0 !== excess((k + 1) / 1000) > 0) changes++;
  if (changes !== 1) throw new Error(`expected one stationary state for ${p.norm}, found ${changes} sign changes`);
  let lo = 0, hi = 1;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (excess(mid) > 0) lo = mid;
    else hi = mid;
  }
  const good = (lo + hi) / 2;
  const byStrategy = shares(good);
  let cooperation = 0;
  p.rules.forEach((rule, k) => {
    const m = byStrategy[k]!;
    let c = 0;
    for (const [own, po] of [[1, m], [0, 1 - m]] as const) {
      const r = recipientGood(good, own);
      c += po * (r * intends(rule, act, own, 1) + (1 - r) * intends(rule, act, own, 0));
    }
    cooperation += (p.counts[k]! / n) * c * (1 - e);
  });
  return { good, cooperation, byStrategy };
}

// ------------------------------------------------------------------------------------------------
// Simulation

export function anchorScenario(c: Case, n: number, days: number, seed: number): Record<string, unknown> {
  return {
    version: 1,
    name: `anchor-${c.id}`,
    title: `Analytic anchor: ${c.title}`,
    agents: n,
    days,
    seed,
    modules: [
      {
        module: 'trust-game',
        params: {
          norm: c.norm,
          assessment: 'public',
          observe: c.observe,
          executionError: c.executionError,
          assessmentError: c.assessmentError,
          initialGood: 1,
          strategies: c.strategies,
          evolution: 'none',
        },
      },
    ],
  };
}

/** Replicate r's seed for case k: its own for every case, shared by the fast and full runs. */
const seedOf = (k: number, r: number): number => 7_000 + 100 * k + r;

interface Measured {
  good: Estimate;
  cooperation: Estimate;
  /** The theory, averaged over the runs (each with its realized strategy counts). */
  theory: Stationary;
  /** Realized strategy counts, per run. */
  counts: number[][];
  batches: number;
}

/** Our mean, its 95% interval and standard error. */
interface Estimate {
  mean: number;
  lo: number;
  hi: number;
  se: number;
}

/**
 * Batch means: each run's days after the burn-in in consecutive blocks, each block's mean less the
 * theory for that run's realized counts, pooled over runs. The interval is the t interval of these
 * residuals, moved back by the (averaged) theory: ours = theory + mean residual.
 */
function estimate(residuals: number[], theory: number): Estimate {
  const i = ci95(residuals);
  return { mean: theory + i.mean, lo: theory + i.lo, hi: theory + i.hi, se: i.sd / Math.sqrt(residuals.length) };
}

async function measure(c: Case, k: number, config: Config, runner: Runner): Promise<Measured> {
  const { n, days, burn, batches, seeds } = config;
  const names = Object.keys(c.strategies);
  const rules = names.map((s) => c.strategies[s]!.rule);
  const outcomes = await Promise.all(
    Array.from({ length: seeds }, (_, r) => runner.run(anchorScenario(c, n, days, seedOf(k, r)), `validation/anchor-image-scoring (${c.id}, seed ${seedOf(k, r)})`)),
  );
  const goodResiduals: number[] = [];
  const coopResiduals: number[] = [];
  const counts: number[][] = [];
  const theory: Stationary = { good: 0, cooperation: 0, byStrategy: names.map(() => 0) };
  for (const o of outcomes) {
    const good = series(o, 'goodReputation');
    const coop = series(o, 'cooperations');
    const don = series(o, 'donations');
    const realized = names.length === 1 ? [n] : names.map((s) => series(o, `strategies[${s}]`)[0]!);
    counts.push(realized);
    const t = stationary({ norm: c.norm, executionError: c.executionError, assessmentError: c.assessmentError, counts: realized, rules });
    theory.good += t.good / seeds;
    theory.cooperation += t.cooperation / seeds;
    t.byStrategy.forEach((m, s) => (theory.byStrategy[s]! += m / seeds));
    const len = Math.floor((days - burn) / batches);
    for (let b = 0; b < batches; b++) {
      let g = 0, cs = 0, ds = 0;
      for (let d = burn + b * len; d < burn + (b + 1) * len; d++) {
        g += good[d]!;
        cs += coop[d]!;
        ds += don[d]!;
      }
      goodResiduals.push(g / (len * n) - t.good);
      coopResiduals.push(cs / ds - t.cooperation);
    }
  }
  return {
    good: estimate(goodResiduals, theory.good),
    cooperation: estimate(coopResiduals, theory.cooperation),
    theory,
    counts,
    batches: goodResiduals.length,
  };
}

const z = (x: number, theory: number, se: number): number => (x - theory) / se;

export const anchorImageScoring: Reproduction = {
  name: 'anchor-image-scoring',
  paper:
    'Analytic anchor (no paper): the stationary reputations of fixed populations under public binary norms with execution error, assessment error and partial observation, ' +
    'after Nowak and Sigmund (1998), Nature 393:573-577, Ohtsuki and Iwasa (2004), J. Theor. Biol. 231:107-120, and Pacheco, Santos and Chalub (2006), PLoS Comput. Biol. 2:e178.',
  setup:
    `trust-game module, donation game, public assessment, strategies fixed (evolution: none), random partners; ${CONFIG.full.n} agents x ${CONFIG.full.days} days ` +
    `(fast: ${CONFIG.fast.n} x ${CONFIG.fast.days}), the first ${CONFIG.full.burn} days left out, ${CONFIG.full.seeds} seeds per case (fast: ${CONFIG.fast.seeds}). ` +
    `Cases: ${CASES.map((c) => `${c.title} (e = ${c.executionError}, eps = ${c.assessmentError})`).join('; ')}. ` +
    'Everyone starts good. Mixed populations draw each agent\'s strategy by the shares; the theory uses the realized counts of each run.',
  reported: {
    text:
      'Theory, derived here (validation/docs/anchor-image-scoring.md): an image is a two-state Markov chain with P(B -> G) = q A(0) and P(G -> B) = q (1 - A(1)), ' +
      'A(x) the probability that an observed donation is judged good; the stationary good share A(0) / (1 - A(1) + A(0)) does not depend on q. ' +
      'ALLC under image scoring: g* = (1 - e)(1 - eps) + e eps. All-DISC under stern judging: g* = (1 - eps) / (2 - eps - a), a = (1 - e)(1 - eps) + e eps, cooperation (1 - e) g*. ' +
      'Mixtures: one such relation per strategy, tied by the shared share of good recipients, solved for the fixed point (exact for first- and second-order norms at any n; mean-field for third-order norms).',
    values: {
      allcImageScoring: '(1 - e)(1 - eps) + e eps',
      discSternJudging: '(1 - eps) / (2 - eps - a), a = (1 - e)(1 - eps) + e eps',
      cooperationDiscSternJudging: '(1 - e) g*',
    },
  },
  async run(o: RunOptions): Promise<Outcome> {
    const config = o.fast ? CONFIG.fast : CONFIG.full;
    const runner = new Runner(o.workers);
    const results: { c: Case; m: Measured }[] = [];
    try {
      for (const [k, c] of CASES.entries()) {
        const started = performance.now();
        const m = await measure(c, k, config, runner);
        results.push({ c, m });
        o.progress?.(`${c.id}: good ${m.good.mean.toFixed(5)} (theory ${m.theory.good.toFixed(5)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    } finally {
      await runner.close();
    }

    const rows: Row[] = [];
    const zs: Record<string, Json> = {};
    for (const { c, m } of results) {
      let kind = c.exact ? 'exact' : 'mean-field';
      if (c.closed) {
        // The general solution must reproduce the closed form (it does not depend on n or on the counts here).
        const cf = c.closed(c.executionError, c.assessmentError);
        if (Math.abs(cf.good - m.theory.good) > 1e-9 || Math.abs(cf.cooperation - m.theory.cooperation) > 1e-9) {
          throw new Error(`${c.id}: the general solution (${m.theory.good}, ${m.theory.cooperation}) differs from the closed form (${cf.good}, ${cf.cooperation})`);
        }
        kind = 'closed form';
      }
      const zGood = z(m.good.mean, m.theory.good, m.good.se);
      const zCoop = z(m.cooperation.mean, m.theory.cooperation, m.cooperation.se);
      zs[c.id] = { good: zGood, cooperation: zCoop };
      rows.push({
        quantity: `${c.title}, e = ${c.executionError}, eps = ${c.assessmentError}: good share (z = ${zGood.toFixed(2)})`,
        paper: `${m.theory.good.toFixed(5)} (${kind})`,
        ours: m.good.mean,
        ci: { lo: m.good.lo, hi: m.good.hi },
        digits: 5,
        tolerance: `|z| < ${Z_MAX}`,
        pass: Math.abs(zGood) < Z_MAX,
      });
      rows.push({
        quantity: `${c.title}: cooperation rate (z = ${zCoop.toFixed(2)})`,
        paper: `${m.theory.cooperation.toFixed(5)} (${kind})`,
        ours: m.cooperation.mean,
        ci: { lo: m.cooperation.lo, hi: m.cooperation.hi },
        digits: 5,
        tolerance: `|z| < ${Z_MAX}`,
        pass: Math.abs(zCoop) < Z_MAX,
      });
    }
    const pass = rows.every((r) => r.pass !== false);
    return {
      ours: {
        n: config.n,
        days: config.days,
        burn: config.burn,
        seeds: config.seeds,
        cases: results.map(({ c, m }) => ({
          id: c.id,
          norm: c.norm,
          observe: c.observe,
          executionError: c.executionError,
          assessmentError: c.assessmentError,
          exact: c.exact,
          good: m.good.mean,
          goodSe: m.good.se,
          cooperation: m.cooperation.mean,
          cooperationSe: m.cooperation.se,
          theoryGood: m.theory.good,
          theoryCooperation: m.theory.cooperation,
          theoryByStrategy: m.theory.byStrategy,
          counts: m.counts,
          batches: m.batches,
        })),
        z: zs,
      },
      ci: Object.fromEntries(
        results.map(({ c, m }) => [c.id, { good: { lo: m.good.lo, hi: m.good.hi }, cooperation: { lo: m.cooperation.lo, hi: m.cooperation.hi } }]),
      ),
      tolerance:
        `For every case, the good share and the cooperation rate lie within ${Z_MAX} standard errors of the theory (|z| < ${Z_MAX}). ` +
        `The standard error is that of batch means: each run's days after the first ${config.burn} in ${config.batches} consecutive blocks, pooled over ${config.seeds} seeds.`,
      pass,
      rows,
      notes: [
        'The theory is exact for first- and second-order norms at any population size: the expected images follow a linear map, whose fixed point uses the realized strategy counts and excludes the donor from its own recipients. ' +
          'For the third-order L1 case it is mean-field (exact up to O(1/n) correlations between an agent\'s image and the others\'), which at these sizes is far below the sampling error.',
        'The observation probability q changes how fast images relax and how correlated consecutive days are, not the stationary state; batch means over blocks of many days keep the standard error honest when q is small.',
        'Simple standing and stern judging give all-DISC populations the same state (a discriminator never helps a bad recipient); they differ when ALLC helps bad recipients, which the mixtures check.',
      ],
    };
  },
};
