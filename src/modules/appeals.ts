import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { TWO32, threshold } from '../core/rng/threshold.ts';
import { column, days, probability, stream } from './params.ts';

/**
 * A ground-truth column whose zero means innocent, and its type: `seriousCount` of `acts` for a
 * blacklist, the court list's `ableColumn` for judgment defaulters. Typed in the parameters so the
 * compiler checks it before anything runs.
 */
export const truthParams = {
  truthColumn: column('seriousCount', 'Ground-truth column whose zero makes an agent innocent: seriousCount (acts) for a blacklist, the ableColumn of court-enforcement for the court list'),
  truthType: z.enum(['u8', 'u16', 'i32']).default('u16').describe('Type of the truth column (seriousCount: u16; the court list\'s ableColumn: u8)'),
};

const NONE = 0, PENDING = 1, WON = 2, LOST = 3;

/**
 * Objections to a listing (the correction application to the listing body, fact sheet A3 [S6]).
 * A listed agent may appeal once per listing, after a delay, more often the richer it is (a lawyer,
 * time, knowing the procedure); the review takes some days and succeeds more often when the listing
 * was wrongful by ground truth. A won appeal makes the agent immune from listing for a while; the
 * listing module itself delists it (its `immuneColumn`), so `listed` keeps a single writer. Decided
 * in `adapt`, after the day's listings, so the immunity takes effect in the next day's `update`.
 */
export const appeals = defineModule({
  name: 'appeals',
  title: 'Appeals against listings',
  summary:
    'Listed agents appeal, the wealthier more often; appeals of wrongful listings (by ground truth) succeed more often; a won appeal delists the agent through the listing module and protects it from relisting for a while.',
  params: z.strictObject({
    listedColumn: column('listed', 'Column with the listing status (u8) appealed against'),
    ...truthParams,
    rate: probability(0.02, 'Daily probability that a listed agent of reference wealth files an appeal, once it may (illustrative)'),
    delay: days(30, 'Days on the list before an agent may appeal (illustrative)'),
    reviewDays: days(15, 'Days from filing to decision (illustrative)'),
    wrongfulSuccess: probability(0.5, 'Probability that an appeal of a wrongful listing (truth column 0) succeeds (illustrative)'),
    rightfulSuccess: probability(0.05, 'Probability that an appeal of a rightful listing succeeds (illustrative)'),
    immunityDays: z.number().int().min(1).max(65535).default(365).describe('Days a won appeal protects the agent from listing (illustrative)'),
    wealth: z
      .strictObject({
        column: column('savings', 'Column (f32) of wealth or education, used when the scenario has it: economy\'s savings, or a trait'),
        reference: z.number().positive().default(6000).describe('Value at which the filing probability is `rate` (6000: economy\'s mean starting savings)'),
        elasticity: z.number().min(0).default(0.5).describe('The filing probability scales as (value / reference) to this power (0: wealth plays no part)'),
        min: z.number().min(0).default(0.25).describe('Least multiplier of `rate`'),
        max: z.number().min(0).default(4).describe('Greatest multiplier of `rate`'),
      })
      .prefault({})
      .refine((x) => x.min <= x.max, { message: 'min <= max', path: ['max'] })
      .describe('How wealth or education raises the chance to appeal: rate x clamp((value / reference)^elasticity, min, max) (illustrative)'),
    column: column('appeal', 'Column with the state of the appeal of the current or last listing (none, pending, won, lost)'),
    immuneColumn: column('immune', 'Column with the days of immunity from listing left, for the listing module\'s immuneColumn'),
    stream: stream(80, 'Stream of the appeals (block 0: filing, block 1: decision)'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u8', labels: ['none', 'pending', 'won', 'lost'], description: 'appeal of the current or last listing: 0 none, 1 pending, 2 won, 3 lost' },
      { name: `${p.column}Filed`, type: 'i32', init: -1, description: 'day the last appeal was filed (-1: none)' },
      { name: `${p.column}ListedDays`, type: 'u16', description: 'days on the current listing (0: not listed)' },
      { name: p.immuneColumn, type: 'u16', description: 'days of immunity from listing left after a won appeal' },
    ],
    uses: [
      { name: p.listedColumn, type: 'u8' },
      { name: p.truthColumn, type: p.truthType },
      { name: p.wealth.column, type: 'f32', optional: true },
    ],
    streams: [p.stream],
    metrics: [
      { name: 'appealsFiled', kind: 'counter', description: 'appeals filed' },
      { name: 'appealsWon', kind: 'counter', description: 'appeals won' },
      { name: 'appealsWonWrongful', kind: 'counter', description: 'appeals won against wrongful listings (ground truth)' },
      { name: 'appealsWonRightful', kind: 'counter', description: 'appeals won against rightful listings (ground truth)' },
      { name: 'appealsLost', kind: 'counter', description: 'appeals lost' },
      { name: 'appealsDropped', kind: 'counter', description: 'appeals pending when the listing ended otherwise (paid, expired)' },
      { name: 'agentsImmune', kind: 'gauge', description: 'agents immune from listing today after a won appeal' },
    ],
    phases: { adapt: 'files appeals of listed agents, decides those whose review is over, counts down immunity' },
  }),
  bind(p, w) {
    const listed = w.column(p.listedColumn, 'u8');
    const truth = w.column(p.truthColumn, p.truthType);
    const state = w.column(p.column, 'u8');
    const filedOn = w.column(`${p.column}Filed`, 'i32');
    const listedDays = w.column(`${p.column}ListedDays`, 'u16');
    const immune = w.column(p.immuneColumn, 'u16');
    const wealth = w.maybeColumn(p.wealth.column, 'f32');
    const { reference, elasticity, min, max } = p.wealth;
    const { rate, delay, reviewDays, immunityDays, stream: s } = p;
    const [wrongT, rightT] = [threshold(p.wrongfulSuccess), threshold(p.rightfulSuccess)];
    const plainT = threshold(Math.min(1, rate * Math.min(max, Math.max(min, 1))));
    const [filedSlot, wonSlot, wonWrongSlot, wonRightSlot, lostSlot, droppedSlot, immuneSlot] = [
      'appealsFiled', 'appealsWon', 'appealsWonWrongful', 'appealsWonRightful', 'appealsLost', 'appealsDropped', 'agentsImmune',
    ].map((name) => w.metric(name));
    return {
      adapt(lo, hi, step, t) {
        const words = t.words;
        let filed = 0, won = 0, wonWrong = 0, wonRight = 0, lost = 0, dropped = 0, immuneN = 0;
        for (let i = lo; i < hi; i++) {
          // Immune today (the listing module has just honoured it); counted down before any new
          // grant, so a grant of K days covers the next K days' listings.
          if (immune[i]) {
            immuneN++;
            immune[i]!--;
          }
          if (!listed[i]) {
            listedDays[i] = 0;
            if (state[i] === PENDING) {
              state[i] = NONE;
              dropped++;
            }
            continue;
          }
          const d = listedDays[i]!;
          // One appeal per listing: a new listing starts with none.
          if (d === 0) state[i] = NONE;
          listedDays[i] = d < 65535 ? d + 1 : d;
          let st = state[i]!;
          if (st === NONE && d + 1 > delay) {
            let cut = plainT;
            if (wealth) {
              const v = wealth[i]! > 0 ? wealth[i]! / reference : 0;
              const f = Math.min(max, Math.max(min, v ** elasticity));
              cut = rate * f >= 1 ? TWO32 : Math.floor(rate * f * TWO32);
            }
            if (words.at(i, step, s, 0).next() < cut) {
              st = PENDING;
              filedOn[i] = step;
              filed++;
            }
          }
          if (st === PENDING && step - filedOn[i]! >= reviewDays) {
            const wrongful = truth[i] === 0;
            if (words.at(i, step, s, 1).next() < (wrongful ? wrongT : rightT)) {
              st = WON;
              immune[i] = immunityDays;
              won++;
              if (wrongful) wonWrong++;
              else wonRight++;
            } else {
              st = LOST;
              lost++;
            }
          }
          state[i] = st;
        }
        const m = t.m;
        m[filedSlot!]! += filed;
        m[wonSlot!]! += won;
        m[wonWrongSlot!]! += wonWrong;
        m[wonRightSlot!]! += wonRight;
        m[lostSlot!]! += lost;
        m[droppedSlot!]! += dropped;
        m[immuneSlot!]! += immuneN;
      },
    };
  },
});
