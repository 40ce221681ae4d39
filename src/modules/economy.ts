import { z } from 'zod';
import { DICE_STRIDE, defineModule } from '../core/engine/module.ts';
import { Dice } from '../core/rng/dice.ts';
import { lognormal } from '../core/rng/samplers.ts';
import { threshold } from '../core/rng/threshold.ts';
import { column, stream } from './params.ts';

const lognormalOf = (mean: number, sigma: number) => ({ mu: Math.log(mean) - (sigma * sigma) / 2, sigma });

/**
 * Income, savings and debts. Working-age agents earn a lognormal daily income, the retired a
 * pension, children nothing; a share is spent and the rest saved. Debts fall due at random; what
 * savings cannot cover stays owed, and the agent is in default. A sanction that cuts income makes
 * default more likely: the debt trap the audit looks for.
 */
export const economy = defineModule({
  name: 'economy',
  title: 'Income, savings and debt',
  summary: 'Gives agents incomes and savings; debts fall due at random and are paid from savings or left in default; sanctions cut income.',
  params: z.strictObject({
    income: z.strictObject({ mean: z.number().positive().default(100), sigma: z.number().min(0).default(0.6) }).prefault({}).describe('Daily income of a working-age adult (lognormal, yuan)'),
    pension: z.number().min(0).max(1).default(0.4).describe('A retired agent\'s income as a share of what it would earn'),
    spending: z.number().min(0).max(1).default(0.9).describe('Share of income spent'),
    savings: z.strictObject({ days: z.number().min(0).default(60), sigma: z.number().min(0).default(0.8) }).prefault({}).describe('Starting savings, in days of income (lognormal)'),
    shock: z
      .strictObject({ rate: z.number().min(0).max(1).default(0.0005), mean: z.number().positive().default(5000), sigma: z.number().min(0).default(1) })
      .prefault({})
      .describe('Debts falling due: daily probability and lognormal amount'),
    sanctionCut: z.number().min(0).max(1).default(0.2).describe('Share of income lost on a day under any sanction'),
    wilful: z
      .strictObject({
        trait: column('ruleBreaking', 'Trait column (f32) that makes a debtor wilful'),
        above: z.number().default(2).describe('Agents whose trait is above this do not pay while they can avoid it'),
        comply: z.number().min(0).max(1).default(0.01).describe('Daily probability that a wilful debtor on the list pays (sanctions\' pressure)'),
        listedColumn: column('listed', 'Column (u8) with the listing status that presses wilful debtors'),
      })
      .optional()
      .describe('Wilful debtors, who could pay but refuse until listed: those the court list is meant for (>70% of enforceable debtors evaded before the list [S11]); absent: everyone pays what savings allow'),
    ageColumn: column('ageBand', 'Column with the age band'),
    sanctionedColumn: z.string().optional().describe('Column with the sanctions applied (u16), when sanctions cut income'),
    stream: stream(6, 'Stream of the debts (block 0 decides, block 1 sizes)'),
    setupStream: stream(19, 'Set-up stream of incomes and savings'),
  }),
  declare: (p) => ({
    columns: [
      { name: 'income', type: 'f32', description: 'daily income before sanctions (yuan)' },
      { name: 'savings', type: 'f32', description: 'savings (yuan)' },
      { name: 'debt', type: 'f32', description: 'debt owed and unpaid (yuan)' },
      { name: 'inDefault', type: 'u8', truth: true, description: 'owes a debt it has not paid (cannot, or wilfully will not)' },
      ...(p.wilful ? [{ name: 'wilfulDefault', type: 'u8' as const, truth: true, description: 'in default on a debt it refuses to pay while holding savings (a wilful debtor; ground truth)' }] : []),
      { name: 'expenses', type: 'i32', accumulator: true, description: 'money other mechanisms took today (repair, black market, fraud), paid from savings at the end of the day (yuan)' },
    ],
    uses: [
      { name: p.ageColumn, type: 'u8' },
      ...(p.sanctionedColumn ? [{ name: p.sanctionedColumn, type: 'u16' as const }] : []),
      ...(p.wilful ? [{ name: p.wilful.trait, type: 'f32' as const }, { name: p.wilful.listedColumn, type: 'u8' as const, optional: true }] : []),
    ],
    streams: [p.stream],
    setupStreams: [p.setupStream],
    metrics: [
      { name: 'incomeSum', kind: 'gauge', description: 'income received today, after sanctions (yuan, rounded per agent)' },
      { name: 'savingsSum', kind: 'gauge', description: 'savings (yuan, rounded per agent)' },
      { name: 'debtors', kind: 'gauge', description: 'agents in default' },
      { name: 'newDefaults', kind: 'counter', description: 'agents falling into default' },
      { name: 'defaultsUnderSanction', kind: 'counter', description: 'agents falling into default while under a sanction (debt traps)' },
    ],
    phases: { setup: 'draws incomes and savings', update: 'earns, spends and saves; debts fall due and are paid or left in default' },
  }),
  bind(p, w) {
    const [income, savings, debt, inDefault] = [w.column('income', 'f32'), w.column('savings', 'f32'), w.column('debt', 'f32'), w.column('inDefault', 'u8')];
    // Other mechanisms spend through this accumulator, so savings keep a single writer.
    const expenses = w.column('expenses', 'i32');
    const age = w.column(p.ageColumn, 'u8');
    const sanctioned = p.sanctionedColumn ? w.column(p.sanctionedColumn, 'u16') : undefined;
    const inc = lognormalOf(p.income.mean, p.income.sigma);
    const sav = lognormalOf(p.savings.days || 1, p.savings.sigma);
    const amount = lognormalOf(p.shock.mean, p.shock.sigma);
    const shockT = threshold(p.shock.rate);
    const keep = 1 - p.spending;
    const wilful = p.wilful
      ? { trait: w.column(p.wilful.trait, 'f32'), listed: w.maybeColumn(p.wilful.listedColumn, 'u8'), above: p.wilful.above, comply: threshold(p.wilful.comply), truth: w.column('wilfulDefault', 'u8') }
      : undefined;
    const dice = new Dice(DICE_STRIDE);
    const slots = ['incomeSum', 'savingsSum', 'debtors', 'newDefaults', 'defaultsUnderSanction'].map((name) => w.metric(name));
    return {
      setup(lo, hi, step, t) {
        const words = t.words;
        for (let i = lo; i < hi; i++) {
          words.at(i, step, p.setupStream);
          const earn = lognormal(words, inc.mu, inc.sigma);
          const a = age[i]!;
          income[i] = a === 1 ? earn : a === 2 ? earn * p.pension : 0;
          savings[i] = p.savings.days ? income[i]! * lognormal(words, sav.mu, sav.sigma) : 0;
        }
      },
      update(lo, hi, step, t) {
        const planes = dice.roll(t.rng, step, p.stream, lo, hi);
        const words = t.words;
        let got = 0, saved = 0, owing = 0, fell = 0, trapped = 0;
        for (let i = lo; i < hi; i++) {
          const hit = sanctioned !== undefined && sanctioned[i] !== 0;
          const earned = income[i]! * (hit ? 1 - p.sanctionCut : 1);
          let s = savings[i]! + earned * keep - expenses[i]!;
          expenses[i] = 0;
          let d = debt[i]!;
          // Spending beyond one's savings is borrowed, by adults; a child's loss just empties its savings.
          if (s < 0) {
            if (age[i] !== 0) d -= s;
            s = 0;
          }
          // Children take on no debts of their own.
          if (planes[i - lo]! < shockT && age[i] !== 0) d += lognormal(words.at(i, step, p.stream, 1), amount.mu, amount.sigma);
          // A wilful debtor pays only when the list presses it, and then only some days (word 1).
          const isWilful = wilful !== undefined && wilful.trait[i]! > wilful.above;
          const refuses = isWilful && !(wilful.listed?.[i] && planes[DICE_STRIDE + i - lo]! < wilful.comply);
          if (d > 0 && !refuses) {
            const pay = d < s ? d : s;
            s -= pay;
            d -= pay;
          }
          savings[i] = s;
          debt[i] = d;
          const now = d > 0 ? 1 : 0;
          if (now && !inDefault[i]) {
            fell++;
            if (hit) trapped++;
          }
          inDefault[i] = now;
          // Refusing means holding savings that could go to the debt.
          if (wilful) wilful.truth[i] = isWilful && now && s > 0 ? 1 : 0;
          got += Math.round(earned);
          saved += Math.round(savings[i]!);
          owing += now;
        }
        const m = t.m;
        m[slots[0]!]! += got;
        m[slots[1]!]! += saved;
        m[slots[2]!]! += owing;
        m[slots[3]!]! += fell;
        m[slots[4]!]! += trapped;
      },
    };
  },
});
