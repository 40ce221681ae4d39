import { z } from 'zod';
import { defineModule, type Kernel, type Phase } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { contactSums } from '../core/network/neighbours.ts';
import { TWO32 } from '../core/rng/threshold.ts';
import { column, layerName, stream } from './params.ts';

const LOW = 350;
const SPAN = 600;
const BIN = 50;
const BINS = SPAN / BIN;

const weight = (value: number, description: string) => z.number().min(0).default(value).describe(description);

const saturation = (reference: number, steepness: number) => ({
  reference: z.number().positive().default(reference).describe('Value at which the dimension is 1/2'),
  steepness: z.number().positive().default(steepness).describe('Exponent k of x^k / (x^k + reference^k): a logistic in log x'),
});

/**
 * A private, multi-dimensional credit score in the manner of Sesame Credit: five dimensions, each
 * in [0, 1], weighted and mapped onto 350-950. The weights Ant uses are unpublished; the defaults
 * are the unofficial ones circulating on finance sites, so they are a hypothesis, not a fact. The
 * identity dimension can shift by group, which is where a score can carry a group's disadvantage
 * without any rule mentioning the group, and the connections dimension makes one's standing
 * depend on one's contacts' scores (yesterday's: a score cannot read others' scores being written).
 */
export const sesameScore = defineModule({
  name: 'sesame-score',
  title: 'Multi-dimensional private score (Sesame-style)',
  summary: 'Scores each (enrolled) agent 350-950 from credit history, capacity, identity, behaviour and contacts\' scores, with unpublished weights as parameters.',
  params: z.strictObject({
    column: column('sesame', 'Column with the score (0 for agents not scored); also the prefix of the helper columns and metrics'),
    weights: z
      .strictObject({
        history: weight(0.35, 'Credit history: days in default ([S62], unverified)'),
        capacity: weight(0.25, 'Fulfilment capacity: income and savings ([S62], unverified)'),
        identity: weight(0.15, 'Identity traits: personal characteristics ([S62], unverified)'),
        behaviour: weight(0.2, 'Behaviour and preferences ([S62], unverified; [S63] has 0.25)'),
        connections: weight(0.05, 'Interpersonal connections: contacts\' scores ([S62], unverified)'),
      })
      .refine((w) => w.history + w.capacity + w.identity + w.behaviour + w.connections > 0, 'weights with a positive sum')
      .prefault({})
      .describe('Weight of each dimension; divided by their sum. A zero weight switches the dimension off and drops what it reads'),
    history: z
      .strictObject({
        column: column('inDefault', 'Column set while the agent owes a debt it has not paid (u8)'),
        keep: z.number().min(0).max(1).default(0.99).describe('Share of the count of days in default kept each day (1: never forgotten; illustrative)'),
        zeroAt: z.number().positive().default(90).describe('Count of days in default at which the dimension reaches 0 (illustrative)'),
      })
      .prefault({})
      .describe('Credit history: 1 - count / zeroAt, floored at 0; the count adds 1 per day in default and decays by keep'),
    capacity: z
      .strictObject({
        incomeColumn: column('income', 'Column with daily income (f32)'),
        savingsColumn: column('savings', 'Column with savings (f32)'),
        incomeDays: z.number().min(0).default(30).describe('Days of income counted as wealth besides savings (illustrative)'),
        ...saturation(10000, 1),
      })
      .prefault({})
      .describe('Fulfilment capacity: wealth = savings + incomeDays x income, scored wealth^k / (wealth^k + reference^k) (illustrative reference, yuan)'),
    identity: z
      .strictObject({
        low: z.number().min(0).max(1).default(0.3).describe('Lowest value drawn (illustrative)'),
        high: z.number().min(0).max(1).default(0.9).describe('Highest value drawn (illustrative)'),
        groupColumn: z.string().optional().describe('Group column (u8, e.g. registration) whose categories shift the dimension'),
        shift: z.record(z.string(), z.number().min(-1).max(1)).default({}).describe('Shift added to the dimension by category of groupColumn, e.g. { rural: -0.2 }; the result is clamped to [0, 1]'),
      })
      .refine((x) => x.low <= x.high, { message: 'low <= high', path: ['high'] })
      .refine((x) => x.groupColumn !== undefined || Object.keys(x.shift).length === 0, { message: 'a groupColumn for the shifts', path: ['groupColumn'] })
      .prefault({})
      .describe('Identity traits: uniform in [low, high] per agent, drawn once, plus its group\'s shift: where a score can encode group bias'),
    behaviour: z
      .strictObject({ column: column('digital', 'Trait column (f32) the dimension rises with'), ...saturation(1, 1) })
      .prefault({})
      .describe('Behaviour and preferences: trait^k / (trait^k + reference^k)'),
    connections: z
      .strictObject({
        layer: layerName('contacts', 'Layer of contacts whose scores count'),
        none: z.number().min(0).max(1).default(0.5).describe('Value of the dimension for an agent with no scored contact, and for everyone on day 0 (illustrative)'),
      })
      .prefault({})
      .describe('Interpersonal connections: yesterday\'s mean score of the scored contacts, as (mean - 350) / 600'),
    enrolledColumn: z.string().optional().describe('Column (u8) of the agents scored; those with 0 get score 0 and are left out of the metrics (none: everyone is scored)'),
    setupStream: stream(60, 'Set-up stream of the identity dimension (one word per agent)'),
  }),
  declare: (p) => {
    const on = weightsOf(p.weights);
    const c = p.column;
    return {
      columns: [
        { name: c, type: 'i32', description: `private score, ${LOW}-${LOW + SPAN} (0: not scored)` },
        ...(on.history ? [{ name: `${c}DefaultDays`, type: 'f32' as const, description: `days in default, decayed by ${p.history.keep} a day` }] : []),
        ...(on.identity ? [{ name: `${c}Identity`, type: 'f32' as const, description: 'identity dimension, in [0, 1]' }] : []),
        ...(on.connections ? [{ name: `${c}Contacts`, type: 'f32' as const, init: p.connections.none, description: 'connections dimension: yesterday\'s mean score of scored contacts, in [0, 1]' }] : []),
      ],
      uses: [
        ...(on.history ? [{ name: p.history.column, type: 'u8' as const }] : []),
        ...(on.capacity ? [{ name: p.capacity.incomeColumn, type: 'f32' as const }, { name: p.capacity.savingsColumn, type: 'f32' as const }] : []),
        ...(on.identity && p.identity.groupColumn ? [{ name: p.identity.groupColumn, type: 'u8' as const }] : []),
        ...(on.behaviour ? [{ name: p.behaviour.column, type: 'f32' as const }] : []),
        ...(p.enrolledColumn ? [{ name: p.enrolledColumn, type: 'u8' as const }] : []),
      ],
      layers: on.connections ? [p.connections.layer] : [],
      setupStreams: on.identity ? [p.setupStream] : [],
      metrics: [
        { name: `${c}Scored`, kind: 'gauge', description: 'agents scored' },
        { name: `${c}Sum`, kind: 'gauge', description: 'sum of the scores of the agents scored' },
        { name: `${c}Histogram`, kind: 'histogram', description: `agents scored per band of ${BIN} points`, bins: bands() },
      ],
      phases: {
        ...(on.identity ? { setup: 'draws each agent\'s identity dimension' } : {}),
        update: 'counts days in default and scores each enrolled agent from its five dimensions',
        ...(on.connections ? { adapt: 'averages the contacts\' scores, for tomorrow\'s connections dimension' } : {}),
      },
    };
  },
  bind(p, w) {
    const on = weightsOf(p.weights);
    const c = p.column;
    const score = w.column(c, 'i32');
    const enrolled = p.enrolledColumn ? w.column(p.enrolledColumn, 'u8') : undefined;
    const [wH, wC, wI, wB, wN] = [on.history, on.capacity, on.identity, on.behaviour, on.connections];

    const inDefault = wH ? w.column(p.history.column, 'u8') : undefined;
    const badDays = wH ? w.column(`${c}DefaultDays`, 'f32') : undefined;
    const { keep, zeroAt } = p.history;

    const income = wC ? w.column(p.capacity.incomeColumn, 'f32') : undefined;
    const savings = wC ? w.column(p.capacity.savingsColumn, 'f32') : undefined;
    const { incomeDays } = p.capacity;
    const [capRef, capK] = [p.capacity.reference, p.capacity.steepness];

    const identity = wI ? w.column(`${c}Identity`, 'f32') : undefined;
    const group = wI && p.identity.groupColumn ? w.column(p.identity.groupColumn, 'u8') : undefined;
    const shift = group ? shiftsOf(p.identity.groupColumn!, w.spec(p.identity.groupColumn!).labels, p.identity.shift) : new Float64Array(1);
    const { low, high } = p.identity;

    const trait = wB ? w.column(p.behaviour.column, 'f32') : undefined;
    const [behRef, behK] = [p.behaviour.reference, p.behaviour.steepness];

    const contacts = wN ? w.column(`${c}Contacts`, 'f32') : undefined;

    const [scoredSlot, sumSlot, hist] = [w.metric(`${c}Scored`), w.metric(`${c}Sum`), w.metric(`${c}Histogram`)];
    const update: Kernel = (lo, hi, _step, t) => {
      const m = t.m;
      let scored = 0, sum = 0;
      for (let i = lo; i < hi; i++) {
        // The record runs whether or not the agent is scored: the scorer has it when it joins.
        let sH = 0;
        if (badDays) {
          badDays[i] = badDays[i]! * keep + inDefault![i]!;
          const x = 1 - badDays[i]! / zeroAt;
          sH = x > 0 ? x : 0;
        }
        if (enrolled && enrolled[i] === 0) {
          score[i] = 0;
          continue;
        }
        let sC = 0;
        if (income) {
          const wealth = savings![i]! + incomeDays * income[i]!;
          sC = wealth > 0 ? 1 / (1 + (capRef / wealth) ** capK) : 0;
        }
        let sB = 0;
        if (trait) {
          const x = trait[i]!;
          sB = x > 0 ? 1 / (1 + (behRef / x) ** behK) : 0;
        }
        const sI = identity ? identity[i]! : 0;
        const sN = contacts ? contacts[i]! : 0;
        const s = LOW + Math.round(SPAN * (wH * sH + wC * sC + wI * sI + wB * sB + wN * sN));
        score[i] = s;
        scored++;
        sum += s;
        const b = ((s - LOW) / BIN) | 0;
        m[hist + (b < 0 ? 0 : b >= BINS ? BINS - 1 : b)]! += 1;
      }
      m[scoredSlot]! += scored;
      m[sumSlot]! += sum;
    };
    const kernels: Partial<Record<Phase, Kernel>> = { update };
    if (identity) {
      kernels.setup = (lo, hi, step, t) => {
        const words = t.words;
        for (let i = lo; i < hi; i++) {
          const u = words.at(i, step, p.setupStream).next() / TWO32;
          const x = low + (high - low) * u + (group ? shift[group[i]!]! : 0);
          identity[i] = x < 0 ? 0 : x > 1 ? 1 : x;
        }
      };
    }
    if (contacts) {
      const sums = contactSums(w.layer(p.connections.layer));
      const acc = new Float64Array(3);
      const none = p.connections.none;
      kernels.adapt = (lo, hi) => {
        for (let i = lo; i < hi; i++) {
          // Unscored contacts (score 0) say nothing about anyone's standing, so they are left out.
          sums(score, i, acc);
          contacts[i] = acc[1]! > 0 ? (acc[0]! / acc[1]! - LOW) / SPAN : none;
        }
      };
    }
    return kernels;
  },
});

type Weights = { history: number; capacity: number; identity: number; behaviour: number; connections: number };

/** The weights divided by their sum. */
function weightsOf(w: Weights): Weights {
  const total = w.history + w.capacity + w.identity + w.behaviour + w.connections;
  return { history: w.history / total, capacity: w.capacity / total, identity: w.identity / total, behaviour: w.behaviour / total, connections: w.connections / total };
}

/** The shift of each category of a group column, by its index; a name it does not have is an error. */
function shiftsOf(name: string, labels: readonly string[] | undefined, shift: Record<string, number>): Float64Array {
  const known = labels ?? [];
  const out = new Float64Array(256);
  for (const [k, v] of Object.entries(shift)) {
    const g = known.indexOf(k);
    if (g < 0) throw new CompileError(`a category of "${name}" (${known.join(', ')})`, `"${k}"`);
    out[g] = v;
  }
  return out;
}

function bands(): string[] {
  return Array.from({ length: BINS }, (_, b) => `${LOW + b * BIN}-${LOW + (b + 1) * BIN - (b === BINS - 1 ? 0 : 1)}`);
}
