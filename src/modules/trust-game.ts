import { z } from 'zod';
import { DICE_STRIDE as CHUNK, defineModule, type ThreadContext, type WorldView } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { neighbours } from '../core/network/neighbours.ts';
import { Dice } from '../core/rng/dice.ts';
import { cumulativeThresholds, mulhi, threshold, TWO32 } from '../core/rng/threshold.ts';
import { layerName, probability, stream } from './params.ts';
import { trigger, triggerUses, type Trigger } from './triggers.ts';
import { actMask, assessMask, NORM_NAMES, NORMS, type NormName } from './trust-norms.ts';

/** The most agents a private assessment holds views for: each keeps a view of every other (n^2 state and work). */
export const PRIVATE_CAP = 5000;
/** The most strategies a population may hold (one histogram bin each). */
export const MAX_STRATEGIES = 32;
/** Candidates a parent draw examines in `generations` before the agent keeps its own strategy. */
export const MAX_TRIES = 10_000;

const INT32_MIN = -2147483648;
const MILLI = 1000;
/** Strategy rules, as the kernels switch on them. */
const ALLC = 0, ALLD = 1, DISC = 2, SCORE = 3;
/** A test on another module's column, as in triggers.ts. */
const EQ1 = 0, LT = 1, GE = 2;

const share = z.number().min(0).default(1).describe('Initial share, as a weight (shares are divided by their sum; 0: only by mutation)');
const returns = z.boolean().optional().describe('Trust game: whether the agent, as trustee, returns the share `returned` (default: every rule but alld)');

const strategy = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('allc').describe('Always cooperates (invests)'), share, returns }),
  z.strictObject({ rule: z.literal('alld').describe('Never cooperates (invests)'), share, returns }),
  z.strictObject({
    rule: z.literal('disc').describe('Discriminator: cooperates as the norm\'s action rule says (with the good), in its own eyes'),
    share,
    returns,
    k: z.number().int().min(-8).max(8).optional().describe('With norm "scores": cooperates iff the partner\'s image score is at least k (default 0)'),
  }),
  z
    .strictObject({
      rule: z.literal('score').describe('Score-conditioned discriminator: reads another module\'s column of the partner'),
      share,
      returns,
      cooperateIf: trigger.optional().describe('Cooperates iff the partner meets this (e.g. { when: score, atLeast: 600, column: sesame })'),
      refuseIf: trigger.optional().describe('Cooperates unless the partner meets this (e.g. { when: listed })'),
    })
    .refine((s) => (s.cooperateIf === undefined) !== (s.refuseIf === undefined), 'either cooperateIf or refuseIf'),
]);

export type Strategy = z.output<typeof strategy>;

const NORM_OPTIONS = [...NORM_NAMES, 'scores'] as const;
type Norm = NormName | 'scores';

export const trustGame = defineModule({
  name: 'trust-game',
  title: 'Indirect reciprocity: donation and trust games',
  summary:
    'Each day every agent helps (donation game) or invests in (trust game) a partner, or not, by its strategy: always, never, by the partner\'s reputation under an assessment norm, or by another module\'s score of the partner; strategies evolve by imitation or by generations.',
  params: z
    .strictObject({
      game: z.enum(['donation', 'trust']).default('donation').describe('donation: the donor pays cost, the recipient gains benefit; trust: the investor sends 1 unit, multiplied by multiplier, and the trustee returns a share or keeps it'),
      benefit: z.number().min(0).max(1000).default(2).describe('Donation game: the recipient\'s gain from a cooperation (payoff units, kept in thousandths)'),
      cost: z.number().min(0).max(1000).default(1).describe('Donation game: the donor\'s cost of a cooperation'),
      multiplier: z.number().min(0).max(1000).default(3).describe('Trust game: what 1 unit invested becomes in the trustee\'s hands (Berg et al. 1995: 3)'),
      returned: probability(0.5, 'Trust game: the share of the multiplied investment a trustworthy trustee returns'),
      partners: z.enum(['random', 'layer']).default('random').describe('Whom a donor meets: a uniformly random other agent, or a random contact in `layer`'),
      layer: layerName('contacts', 'Network layer (any kind) of partners and models, when partners or models is "layer"'),
      assessment: z.enum(['public', 'private']).default('public').describe('public: one image per agent, assigned by an institution; private: every agent holds its own view of every other'),
      norm: z
        .enum(NORM_OPTIONS)
        .optional()
        .describe('Assessment norm: image-scoring, simple-standing, stern-judging, shunning, L1..L8 (binary reputations), or scores (Nowak & Sigmund\'s integer image scores); default stern-judging, image-scoring in the trust game'),
      observe: probability(1, 'Probability that an action is observed (by the institution, or by each agent under private assessment)'),
      assessmentError: probability(0.01, 'Probability that an assigned reputation is the opposite of what the norm says (a score moves the other way)'),
      executionError: probability(0.01, 'Probability that an intended cooperation (or a trustee\'s return) fails'),
      scoreRange: z.number().int().min(1).max(7).default(5).describe('With norm "scores": image scores lie in [-scoreRange, scoreRange] (Nowak & Sigmund 1998: 5)'),
      initialGood: probability(1, 'Probability that an agent starts with a good reputation (binary norms, in each observer\'s eyes); image scores start at 0'),
      maxAgents: z.number().int().min(2).max(PRIVATE_CAP).default(1000).describe(`Private assessment: the most agents the views are laid out for (up to ${PRIVATE_CAP}); a run with more agents is refused`),
      strategies: z
        .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a name of letters, digits and _'), strategy)
        .default({ ALLC: { rule: 'allc', share: 1 }, ALLD: { rule: 'alld', share: 1 }, DISC: { rule: 'disc', share: 1 } })
        .describe('Strategies by name (the names label the histogram bins), each a rule with its initial share'),
      assign: z
        .array(
          z.strictObject({
            strategy: z.string().describe('The strategy these agents start with (a name in strategies)'),
            column: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a column name').describe('A per-agent f32 column of another module, e.g. the trait ruleBreaking'),
            above: z.number().describe('Agents whose value is above this start with the strategy'),
          }),
        )
        .default([])
        .describe(
          'Initial strategies tied to a trait, first match first, instead of the shares: e.g. rule-breakers start as defectors, so that a score that tracks rule-breaking tells something about the game',
        ),
      evolution: z.enum(['none', 'imitation', 'generations']).default('imitation').describe('none; imitation (pairwise comparison, Fermi rule); generations (payoff-proportional reproduction, Nowak & Sigmund)'),
      every: z.number().int().min(1).max(10000).default(10).describe('Days between strategy revisions (or generations); payoffs are summed over these days and reset'),
      beta: z.number().min(0).default(1).describe('Imitation: selection intensity per payoff unit (0: neutral drift)'),
      mutation: probability(0.001, 'Probability that a revising agent takes a uniformly random strategy instead'),
      models: z.enum(['random', 'layer']).optional().describe('Imitation: whose strategy is considered, a random other agent or a random contact (default: as partners)'),
      prefix: z
        .string()
        .regex(/^[a-z][A-Za-z0-9]*$/, 'a name in camelCase')
        .optional()
        .describe('Prefix of the metric names (and, instead of "trust", of the columns), so that two games can coexist'),
      stream: stream(120, 'First of the four random streams (act, assessment, evolution, resets); also the set-up stream'),
    })
    .superRefine((p, ctx) => {
      const names = Object.keys(p.strategies);
      if (names.length < 1 || names.length > MAX_STRATEGIES) ctx.addIssue({ code: 'custom', path: ['strategies'], message: `between 1 and ${MAX_STRATEGIES} strategies` });
      if (!Object.values(p.strategies).some((s) => s.share > 0)) ctx.addIssue({ code: 'custom', path: ['strategies'], message: 'strategies whose shares have a positive sum' });
      if (p.game === 'trust' && p.assessment === 'private') ctx.addIssue({ code: 'custom', path: ['assessment'], message: 'public assessment in the trust game (private views are for the donation game)' });
      if (p.game === 'trust' && p.norm !== undefined && p.norm !== 'image-scoring' && p.norm !== 'scores') {
        ctx.addIssue({ code: 'custom', path: ['norm'], message: 'image-scoring or scores in the trust game (trustees are judged by what they did: returned or kept)' });
      }
      p.assign.forEach((a, k) => {
        if (!names.includes(a.strategy)) ctx.addIssue({ code: 'custom', path: ['assign', k, 'strategy'], message: `one of the strategies (${names.join(', ')})` });
      });
      const scores = normOf(p) === 'scores';
      for (const [name, s] of Object.entries(p.strategies)) {
        if (s.rule !== 'disc' || s.k === undefined) continue;
        if (!scores) ctx.addIssue({ code: 'custom', path: ['strategies', name, 'k'], message: 'no k unless norm is "scores" (a binary discriminator helps the good)' });
        else if (s.k < -p.scoreRange || s.k > p.scoreRange + 1) {
          ctx.addIssue({ code: 'custom', path: ['strategies', name, 'k'], message: `a threshold k in [${-p.scoreRange}, ${p.scoreRange + 1}] (scoreRange ${p.scoreRange})` });
        }
      }
    }),
  declare: (p) => {
    const c = names(p);
    const norm = normOf(p);
    const scores = norm === 'scores';
    const priv = p.assessment === 'private';
    const trust = p.game === 'trust';
    const evolving = p.evolution !== 'none';
    const strategyNames = Object.keys(p.strategies);
    const usesLayer = p.partners === 'layer' || (evolving && modelsOf(p) === 'layer');
    const repText = scores ? `image score in [-${p.scoreRange}, ${p.scoreRange}]` : 'reputation, 1 good, 0 bad';
    const triggers = Object.values(p.strategies).flatMap((s) => (s.rule === 'score' ? [(s.cooperateIf ?? s.refuseIf)!] : []));
    return {
      columns: [
        { name: c.strategy, type: 'u8', truth: true, labels: strategyNames, description: `strategy: ${strategyNames.map((s, k) => `${k} ${s}`).join(', ')}` },
        ...(evolving ? [{ name: c.next, type: 'u8' as const, description: 'strategy chosen for the next period, committed in adapt' }] : []),
        ...(priv
          ? Array.from({ length: viewColumns(p) }, (_, w) => ({
              name: c.view(w),
              type: 'u32' as const,
              description: scores
                ? `private views: agent i's image score + ${p.scoreRange} of agents ${8 * w}..${8 * w + 7}, 4 bits each`
                : `private views: bit b is 1 when agent i regards agent ${32 * w} + b as good`,
            }))
          : [{ name: c.reputation, type: 'i8' as const, description: `public ${repText}${trust ? ' (as a trustee)' : ''}` }]),
        { name: c.payoff, type: 'i32', accumulator: true, truth: true, description: `payoff since the last revision, thousandths of a unit (reset every ${p.every} days)` },
        { name: c.partner, type: 'i32', init: -1, description: 'partner met today (recipient, trustee), or -1' },
        {
          name: c.action,
          type: 'u8',
          truth: true,
          description: trust ? 'today: bit 0 invested, bit 1 the trustee returned' : 'today: 1 cooperated (helped), 0 refused or failed',
        },
        ...(!priv && !trust ? [{ name: c.partnerRep, type: 'i8' as const, description: 'the recipient\'s public reputation when the donor acted' }] : []),
        ...(trust
          ? [
              { name: c.returnsSeen, type: 'i32' as const, accumulator: true, description: 'returns observed today, as this agent\'s trustee record' },
              { name: c.betrayalsSeen, type: 'i32' as const, accumulator: true, description: 'betrayals (kept investments) observed today' },
            ]
          : []),
        ...(p.evolution === 'generations' ? [{ name: c.best, type: 'i32' as const, accumulator: true, init: INT32_MIN, description: 'cell 0: the best payoff of the generation (milli-units), for rejection sampling' }] : []),
      ],
      uses: [...triggerUses(triggers), ...p.assign.map((a) => ({ name: a.column, type: 'f32' as const }))],
      layers: usesLayer ? [p.layer] : [],
      streams: [p.stream, p.stream + 1, p.stream + 2, p.stream + 3],
      setupStreams: [p.stream],
      metrics: [
        { name: c.m.donations, kind: 'counter', description: trust ? 'games played (investor met a trustee)' : 'donor-recipient encounters (each agent is a donor once a day)' },
        { name: c.m.cooperations, kind: 'counter', description: trust ? 'investments sent (ground truth)' : 'cooperations: help actually given (ground truth)' },
        { name: c.m.defections, kind: 'counter', description: trust ? 'games without an investment' : 'refusals and failed cooperations (ground truth)' },
        { name: c.m.executionErrors, kind: 'counter', description: 'intended cooperations that failed (ground truth)' },
        { name: c.m.payoff, kind: 'counter', description: 'payoff created today, thousandths of a unit (sum over agents)' },
        ...(trust
          ? [
              { name: c.m.returns, kind: 'counter' as const, description: 'investments returned by the trustee' },
              { name: c.m.betrayals, kind: 'counter' as const, description: 'investments kept by the trustee' },
            ]
          : []),
        {
          name: c.m.good,
          kind: 'gauge',
          description: priv ? 'agents regarded as good by at least half of the agents' : scores ? 'agents with an image score of at least 0' : 'agents with a good public reputation',
        },
        ...(priv
          ? [
              { name: c.m.goodViews, kind: 'gauge' as const, description: 'pairs (observer, subject) where the observer regards the subject as good' },
              {
                name: c.m.agreeing,
                kind: 'gauge' as const,
                description: 'ordered pairs of distinct observers that agree on a subject, summed over subjects; agreement = this / (n^2 (n - 1))',
              },
            ]
          : []),
        { name: c.m.strategies, kind: 'histogram', description: 'agents following each strategy', bins: strategyNames },
        { name: c.m.changes, kind: 'counter', description: 'agents whose strategy changed at a revision' },
      ],
      phases: {
        setup: 'draws each agent\'s strategy and starting reputation',
        act: trust
          ? 'each agent invests in a partner or not, by its strategy; the trustee returns or keeps; payoffs are added; observers record what trustees did'
          : 'each agent, as donor, helps a partner or not, by its strategy and the partner\'s reputation in its eyes; payoffs are added',
        ...(priv ? { interact: 'each agent updates its own views of today\'s donors from what it observed, by the norm' } : {}),
        update: priv ? 'counts good views and agreement' : 'the institution assigns reputations from what it observed (double-buffered in act)',
        ...(evolving ? { sanction: `every ${p.every} days, chooses each agent's next strategy (${p.evolution})` } : {}),
        adapt: `every ${p.every} days, commits the next strategies and resets payoffs${p.evolution === 'generations' ? ' and reputations' : ''}; counts strategies`,
      },
    };
  },
  bind(p, w) {
    const n = w.n;
    const c = names(p);
    const norm = normOf(p);
    const scores = norm === 'scores';
    const priv = p.assessment === 'private';
    const trust = p.game === 'trust';
    const evolution = p.evolution;
    if (priv && n > p.maxAgents) {
      throw new CompileError(
        `at most maxAgents = ${p.maxAgents} agents for private assessment (raise maxAgents, up to ${PRIVATE_CAP}: every agent keeps a view of every other)`,
        `${n} agents`,
      );
    }
    const R = p.scoreRange;
    const strat = w.column(c.strategy, 'u8');
    const next = evolution !== 'none' ? w.column(c.next, 'u8') : undefined;
    const payoff = w.column(c.payoff, 'i32');
    const partner = w.column(c.partner, 'i32');
    const action = w.column(c.action, 'u8');
    const img = priv ? undefined : w.column(c.reputation, 'i8');
    const partnerRep = !priv && !trust ? w.column(c.partnerRep, 'i8') : undefined;
    const seenRet = trust ? w.column(c.returnsSeen, 'i32') : undefined;
    const seenBet = trust ? w.column(c.betrayalsSeen, 'i32') : undefined;
    const best = evolution === 'generations' ? w.column(c.best, 'i32') : undefined;
    const views = priv ? Array.from({ length: viewColumns(p) }, (_, k) => w.column(c.view(k), 'u32')) : [];
    // Words per agent's row of views: 32 binary views or 8 scores (4 bits) a word.
    const rowWords = priv ? Math.ceil(n / (scores ? 8 : 32)) : 0;

    // Strategies, as arrays the kernels index by the strategy's number.
    const specs = Object.values(p.strategies);
    const S = specs.length;
    const rule = Uint8Array.from(specs, (s) => ({ allc: ALLC, alld: ALLD, disc: DISC, score: SCORE })[s.rule]);
    const kOf = Int32Array.from(specs, (s) => (s.rule === 'disc' ? (s.k ?? 0) : 0));
    const returnsOf = Uint8Array.from(specs, (s) => ((s.returns ?? s.rule !== 'alld') ? 1 : 0));
    const tests = specs.map((s) => (s.rule === 'score' ? compileTest(s.cooperateIf ?? s.refuseIf!, w) : undefined));
    const testCol = tests.map((t) => t?.col);
    const testOp = Uint8Array.from(tests, (t) => t?.op ?? 0);
    const testVal = Int32Array.from(tests, (t) => t?.value ?? 0);
    const testPass = Uint8Array.from(specs, (s) => (s.rule === 'score' && s.cooperateIf ? 1 : 0));
    const cumShares = cumulativeThresholds(specs.map((s) => s.share));
    const strategyNames = Object.keys(p.strategies);
    const assigned = p.assign.map((a) => ({ col: w.column(a.column, 'f32'), above: a.above, s: strategyNames.indexOf(a.strategy) }));

    const table = scores ? undefined : NORMS[norm];
    const assessM = table ? assessMask(table) : 0;
    const actM = table ? actMask(table) : 0;

    const [qT, epsT, eT, muT, goodT] = [threshold(p.observe), threshold(p.assessmentError), threshold(p.executionError), threshold(p.mutation), threshold(p.initialGood)];
    const bM = Math.round(p.benefit * MILLI);
    const cM = Math.round(p.cost * MILLI);
    const mM = Math.round(p.multiplier * MILLI);
    const rM = Math.round(p.returned * p.multiplier * MILLI);
    const every = p.every;
    // The least payoff an agent can make in a period: the fitness baseline of `generations`.
    const floor = -every * (trust ? MILLI : cM);
    const [sAct, sAssess, sEvolve, sReset] = [p.stream, p.stream + 1, p.stream + 2, p.stream + 3];
    const randomPartners = p.partners === 'random';
    const randomModels = modelsOf(p) === 'random';
    const usesLayer = !randomPartners || (evolution !== 'none' && !randomModels);
    const pick = usesLayer ? neighbours(w.layer(p.layer)).pick : undefined;

    const slot = (name: string): number => w.metric(name);
    const [donSlot, coopSlot, defSlot, errSlot, paySlot, goodSlot, histSlot, changeSlot] = [
      c.m.donations, c.m.cooperations, c.m.defections, c.m.executionErrors, c.m.payoff, c.m.good, c.m.strategies, c.m.changes,
    ].map(slot) as [number, number, number, number, number, number, number, number];
    const retSlot = trust ? slot(c.m.returns) : -1;
    const betSlot = trust ? slot(c.m.betrayals) : -1;
    const viewsSlot = priv ? slot(c.m.goodViews) : -1;
    const agreeSlot = priv ? slot(c.m.agreeing) : -1;

    // Per-thread scratch, filled before it is read.
    const dice = new Dice(CHUNK);
    const u = new Uint32Array(4);
    const old = new Uint32Array(rowWords);
    const row = new Uint32Array(rowWords);
    const counts = new Float64Array(S);
    const blank = scores ? repeatNibble(R) : 0xffffffff;

    /** Agent i's starting (or reset) reputation, in its own column or in its own row of views. */
    const initRep = (i: number, step: number, stream: number, t: ThreadContext): void => {
      if (!priv) {
        if (scores) img![i] = 0;
        else if (goodT === TWO32) img![i] = 1;
        else if (goodT === 0) img![i] = 0;
        else {
          t.rng.block(i, step, stream, 0, u);
          img![i] = u[1]! < goodT ? 1 : 0;
        }
        return;
      }
      if (scores || goodT === TWO32 || goodT === 0) {
        const fill = scores || goodT === TWO32 ? blank : 0;
        for (let k = 0; k < views.length; k++) views[k]![i] = fill;
        return;
      }
      const words = t.words.at(i, step, stream, 1);
      for (let k = 0; k < views.length; k++) {
        let bits = 0;
        for (let b = 0; b < 32 && 32 * k + b < n; b++) if (words.next() < goodT) bits |= 1 << b;
        views[k]![i] = bits >>> 0;
      }
    };

    const boundary = (step: number): boolean => (step + 1) % every === 0;

    return {
      setup(lo, hi, step, t) {
        for (let i = lo; i < hi; i++) {
          t.rng.block(i, step, sAct, 0, u);
          const w0 = u[0]!;
          let s = 0;
          while (s < S - 1 && w0 >= cumShares[s]!) s++;
          for (const a of assigned) {
            if (a.col[i]! > a.above) {
              s = a.s;
              break;
            }
          }
          strat[i] = s;
          initRep(i, step, sAct, t);
        }
      },

      act(lo, hi, step, t) {
        const planes = dice.roll(t.rng, step, sAct, lo, hi);
        let nDon = 0, nCoop = 0, nErr = 0, nRet = 0, nBet = 0;
        for (let i = lo; i < hi; i++) {
          const x = i - lo;
          let j = -1;
          if (randomPartners) {
            if (n > 1) {
              j = mulhi(planes[x]!, n - 1);
              if (j >= i) j++;
            }
          } else {
            j = pick!(i, planes[x]!);
            if (j === i) j = -1;
          }
          partner[i] = j;
          action[i] = 0;
          if (j < 0) continue;
          nDon++;
          const s = strat[i]!;
          // The partner's reputation (and the donor's own) in the donor's eyes, as the day began.
          let rep: number, self: number;
          if (!priv) {
            rep = img![j]!;
            self = img![i]!;
            if (partnerRep) partnerRep[i] = rep;
          } else if (scores) {
            rep = ((views[j >> 3]![i]! >>> ((j & 7) << 2)) & 15) - R;
            self = 0;
          } else {
            rep = (views[j >> 5]![i]! >>> (j & 31)) & 1;
            self = (views[i >> 5]![i]! >>> (i & 31)) & 1;
          }
          let coop: number;
          switch (rule[s]) {
            case ALLC:
              coop = 1;
              break;
            case ALLD:
              coop = 0;
              break;
            case DISC:
              coop = scores ? (rep >= kOf[s]! ? 1 : 0) : (actM >> ((self << 1) | rep)) & 1;
              break;
            default: {
              const col = testCol[s]!;
              const v = col[j]!;
              const op = testOp[s]!;
              const met = op === EQ1 ? v === 1 : op === LT ? v < testVal[s]! : v >= testVal[s]!;
              coop = met === (testPass[s] === 1) ? 1 : 0;
            }
          }
          if (coop && planes[CHUNK + x]! < eT) {
            coop = 0;
            nErr++;
          }
          if (!coop) continue;
          nCoop++;
          if (!trust) {
            // Others add into the same payoffs on other threads: every write here is atomic.
            Atomics.add(payoff, i, -cM);
            Atomics.add(payoff, j, bM);
            action[i] = 1;
            continue;
          }
          let ret = returnsOf[strat[j]!]!;
          if (ret && planes[2 * CHUNK + x]! < eT) ret = 0;
          Atomics.add(payoff, i, ret ? rM - MILLI : -MILLI);
          Atomics.add(payoff, j, ret ? mM - rM : mM);
          action[i] = 1 | (ret << 1);
          if (ret) nRet++;
          else nBet++;
          if (planes[3 * CHUNK + x]! < qT) {
            let seen = ret;
            if (epsT && t.rng.word0(i, step, sAct, 1) < epsT) seen ^= 1;
            Atomics.add(seen ? seenRet! : seenBet!, j, 1);
          }
        }
        const m = t.m;
        m[donSlot]! += nDon;
        m[coopSlot]! += nCoop;
        m[defSlot]! += nDon - nCoop;
        m[errSlot]! += nErr;
        m[paySlot]! += nCoop * (trust ? mM - MILLI : bM - cM);
        if (trust) {
          m[retSlot]! += nRet;
          m[betSlot]! += nBet;
        }
      },

      ...(priv ? { interact } : {}),
      update(lo, hi, step, t) {
        let good = 0, goodViews = 0, agree = 0;
        if (!priv) {
          const image = img!;
          if (trust) {
            // Nobody adds into the records of trustees in this phase: the owner reads and clears them.
            for (let i = lo; i < hi; i++) {
              const r = seenRet![i]!, b = seenBet![i]!;
              if (!(r | b)) continue;
              seenRet![i] = 0;
              seenBet![i] = 0;
              // A betrayal seen outweighs any number of returns; a score adds them up.
              image[i] = scores ? clamp(image[i]! + r - b, R) : b ? 0 : 1;
            }
          } else {
            const planes = qT < TWO32 || epsT > 0 ? dice.roll(t.rng, step, sAssess, lo, hi) : undefined;
            for (let i = lo; i < hi; i++) {
              if (partner[i]! < 0) continue;
              const x = i - lo;
              if (planes && planes[x]! >= qT) continue;
              const flip = planes && planes[CHUNK + x]! < epsT ? 1 : 0;
              const a = action[i]!;
              // What the donor did, judged from its own reputation and the recipient's when it acted.
              image[i] = scores ? clamp(image[i]! + ((a ^ flip) ? 1 : -1), R) : ((assessM >> ((image[i]! << 2) | (partnerRep![i]! << 1) | a)) & 1) ^ flip;
            }
          }
          for (let i = lo; i < hi; i++) if (scores ? image[i]! >= 0 : image[i] === 1) good++;
        } else {
          // How many observers regard subject i as good: one column of views, read down.
          for (let i = lo; i < hi; i++) {
            let g = 0;
            if (scores) {
              const col = views[i >> 3]!, sh = (i & 7) << 2;
              for (let k = 0; k < n; k++) if (((col[k]! >>> sh) & 15) >= R) g++;
            } else {
              const col = views[i >> 5]!, sh = i & 31;
              for (let k = 0; k < n; k++) g += (col[k]! >>> sh) & 1;
            }
            goodViews += g;
            agree += g * (g - 1) + (n - g) * (n - g - 1);
            if (2 * g >= n) good++;
          }
        }
        if (best && boundary(step)) {
          let most = INT32_MIN;
          for (let i = lo; i < hi; i++) if (payoff[i]! > most) most = payoff[i]!;
          atomicMax(best, 0, most);
        }
        const m = t.m;
        m[goodSlot]! += good;
        if (priv) {
          // At most n^3 = 1.25e11 for n = 5000: exact in a double.
          m[viewsSlot]! += goodViews;
          m[agreeSlot]! += agree;
        }
      },
      ...(evolution !== 'none'
        ? {
            sanction(lo: number, hi: number, step: number, t: ThreadContext) {
              if (!boundary(step)) return;
              const nxt = next!;
              const planes = dice.roll(t.rng, step, sEvolve, lo, hi);
              if (evolution === 'imitation') {
                for (let i = lo; i < hi; i++) {
                  const x = i - lo;
                  let s = strat[i]!;
                  if (planes[x]! < muT) s = mulhi(planes[CHUNK + x]!, S);
                  else {
                    const m = other(i, planes[2 * CHUNK + x]!, randomModels);
                    if (m >= 0) {
                      // Pairwise comparison (Fermi rule) on the payoffs of the period, in units.
                      const copy = 1 / (1 + Math.exp((-p.beta * (payoff[m]! - payoff[i]!)) / MILLI));
                      if (planes[3 * CHUNK + x]! < copy * TWO32) s = strat[m]!;
                    }
                  }
                  nxt[i] = s;
                }
                return;
              }
              // Generations: a parent drawn with probability proportional to payoff - floor, by
              // rejection against the generation's best payoff (exact: both are known).
              const span = best![0]! - floor;
              const words = t.words;
              for (let i = lo; i < hi; i++) {
                const x = i - lo;
                let s = strat[i]!;
                if (planes[x]! < muT) s = mulhi(planes[CHUNK + x]!, S);
                else if (span <= 0) s = strat[mulhi(planes[2 * CHUNK + x]!, n)]!;
                else {
                  words.at(i, step, sEvolve, 1);
                  for (let tries = 0; tries < MAX_TRIES; tries++) {
                    const j = mulhi(words.next(), n);
                    if (words.next() < ((payoff[j]! - floor) / span) * TWO32) {
                      s = strat[j]!;
                      break;
                    }
                  }
                }
                nxt[i] = s;
              }
            },
          }
        : {}),
      adapt(lo, hi, step, t) {
        counts.fill(0);
        let changes = 0;
        const revise = boundary(step);
        for (let i = lo; i < hi; i++) {
          if (revise) {
            if (next) {
              const s = next[i]!;
              if (s !== strat[i]) changes++;
              strat[i] = s;
            }
            // Nobody adds into payoffs after act: the owner may clear its own.
            payoff[i] = 0;
            if (evolution === 'generations') initRep(i, step, sReset, t);
          }
          counts[strat[i]!]!++;
        }
        if (revise && best && lo === 0) best[0] = INT32_MIN;
        const m = t.m;
        for (let s = 0; s < S; s++) m[histSlot + s]! += counts[s]!;
        m[changeSlot]! += changes;
      },
    };

    /** A random other agent (or -1): uniformly among all, or a contact in the layer. */
    function other(i: number, word: number, random: boolean): number {
      if (random) {
        if (n < 2) return -1;
        const j = mulhi(word, n - 1);
        return j >= i ? j + 1 : j;
      }
      const j = pick!(i, word);
      return j === i ? -1 : j;
    }

    /**
     * Private assessment, in interact: observer k copies its own row of views as the day began, then
     * judges each donor it observes today by the norm, from its own views of the donor and of the
     * recipient, and writes the row back (index k of every view column: its own values only).
     */
    function interact(lo: number, hi: number, step: number, t: ThreadContext): void {
      const words = t.words;
      const observeAll = qT === TWO32;
      const stochastic = !observeAll || epsT > 0;
      for (let k = lo; k < hi; k++) {
        for (let x = 0; x < rowWords; x++) {
          const v = views[x]![k]!;
          old[x] = v;
          row[x] = v;
        }
        if (stochastic) words.at(k, step, sAssess);
        for (let i = 0; i < n; i++) {
          const j = partner[i]!;
          if (j < 0) continue;
          if (!observeAll && words.next() >= qT) continue;
          const flip = epsT > 0 && words.next() < epsT ? 1 : 0;
          const a = action[i]!;
          if (scores) {
            const at = i >> 3, sh = (i & 7) << 2;
            let v = ((old[at]! >>> sh) & 15) + ((a ^ flip) ? 1 : -1);
            v = v < 0 ? 0 : v > 2 * R ? 2 * R : v;
            row[at] = (row[at]! & ~(15 << sh)) | (v << sh);
          } else {
            const dG = (old[i >> 5]! >>> (i & 31)) & 1;
            const rG = (old[j >> 5]! >>> (j & 31)) & 1;
            const g = ((assessM >> ((dG << 2) | (rG << 1) | a)) & 1) ^ flip;
            const at = i >> 5, bit = 1 << (i & 31);
            row[at] = g ? row[at]! | bit : row[at]! & ~bit;
          }
        }
        for (let x = 0; x < rowWords; x++) views[x]![k] = row[x]!;
      }
    }
  },
});

/** v clamped to [-r, r]. */
function clamp(v: number, r: number): number {
  return v < -r ? -r : v > r ? r : v;
}

/**
 * a[i] = max(a[i], v), atomically: Atomics has no max, and a compare-and-swap loop gives the same
 * result in whatever order the threads arrive, as an addition would.
 */
function atomicMax(a: Int32Array, i: number, v: number): void {
  for (let cur = Atomics.load(a, i); cur < v; ) {
    const seen = Atomics.compareExchange(a, i, cur, v);
    if (seen === cur) return;
    cur = seen;
  }
}

/** Column and metric names: columns start with the prefix (default "trust"), metrics carry it when given. */
function names(p: { prefix?: string | undefined }) {
  const c = p.prefix ?? 'trust';
  const metric = (s: string): string => (p.prefix ? `${p.prefix}${s[0]!.toUpperCase()}${s.slice(1)}` : s);
  return {
    strategy: `${c}Strategy`,
    next: `${c}Next`,
    reputation: `${c}Reputation`,
    payoff: `${c}Payoff`,
    partner: `${c}Partner`,
    action: `${c}Action`,
    partnerRep: `${c}PartnerRep`,
    returnsSeen: `${c}ReturnsSeen`,
    betrayalsSeen: `${c}BetrayalsSeen`,
    best: `${c}Best`,
    view: (k: number) => `${c}View${k}`,
    m: {
      donations: metric('donations'),
      cooperations: metric('cooperations'),
      defections: metric('defections'),
      executionErrors: metric('executionErrors'),
      payoff: metric('payoffMilli'),
      returns: metric('returns'),
      betrayals: metric('betrayals'),
      good: metric('goodReputation'),
      goodViews: metric('goodViews'),
      agreeing: metric('agreeingViews'),
      strategies: metric('strategies'),
      changes: metric('strategyChanges'),
    },
  };
}

function normOf(p: { norm?: Norm | undefined; game: 'donation' | 'trust' }): Norm {
  return p.norm ?? (p.game === 'trust' ? 'image-scoring' : 'stern-judging');
}

function modelsOf(p: { models?: 'random' | 'layer' | undefined; partners: 'random' | 'layer' }): 'random' | 'layer' {
  return p.models ?? p.partners;
}

/** View columns declared for private assessment: maxAgents views per agent, 32 (binary) or 8 (scores) a word. */
function viewColumns(p: { maxAgents: number; norm?: Norm | undefined; game: 'donation' | 'trust' }): number {
  return Math.ceil(p.maxAgents / (normOf(p) === 'scores' ? 8 : 32));
}

/** A word of eight 4-bit fields holding v each. */
function repeatNibble(v: number): number {
  let x = 0;
  for (let b = 0; b < 8; b++) x |= v << (4 * b);
  return x >>> 0;
}

/** A trigger as a comparison on one column of the partner; a grade compares its band index (0: best). */
function compileTest(t: Trigger, w: WorldView): { col: Uint8Array | Int32Array; op: number; value: number } {
  switch (t.when) {
    case 'listed':
    case 'redlisted':
      return { col: w.column(t.column, 'u8'), op: EQ1, value: 1 };
    case 'score':
      if (t.below !== undefined) return { col: w.column(t.column, 'i32'), op: LT, value: t.below };
      return { col: w.column(t.column, 'i32'), op: GE, value: t.atLeast! };
    case 'grade': {
      const labels = w.spec(t.column).labels ?? [];
      const name = t.atOrBelow ?? t.atOrAbove!;
      const band = labels.indexOf(name);
      if (band < 0) throw new CompileError(`a grade of "${t.column}" (${labels.join(', ')})`, `"${name}"`);
      if (t.atOrBelow !== undefined) return { col: w.column(t.column, 'u8'), op: GE, value: band };
      return { col: w.column(t.column, 'u8'), op: LT, value: band + 1 };
    }
  }
}
