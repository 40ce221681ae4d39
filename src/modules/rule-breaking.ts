import { z } from 'zod';
import { DICE_STRIDE, defineModule } from '../core/engine/module.ts';
import { threshold } from '../core/rng/threshold.ts';
import { column, diceWord } from './params.ts';

/** What each agent really does each day: it breaks a rule or not, at its class's rate. */
export const ruleBreaking = defineModule({
  name: 'rule-breaking',
  title: 'Rule breaking',
  summary: 'Each day every agent breaks a rule with the daily probability of its risk class; the act is recorded as ground truth.',
  params: z.strictObject({
    rates: z
      .array(z.number().min(0).max(1))
      .min(1)
      .default([0.0005, 0.003, 0.01, 0.04])
      .describe('Daily probability of breaking a rule, per risk class'),
    classColumn: column('riskClass', 'Column with the risk class'),
    column: column('violated', 'Column recording whether the agent broke a rule today'),
    diceWord: diceWord(0, 'Dice word that decides the act'),
  }),
  declare: (p) => ({
    columns: [{ name: p.column, type: 'u8', truth: true, description: 'broke a rule today (ground truth)' }],
    uses: [{ name: p.classColumn, type: 'u8' }],
    dice: [p.diceWord],
    metrics: [{ name: 'violations', kind: 'counter', description: 'rules broken (ground truth)' }],
    phases: { act: 'decides whether the agent breaks a rule today' },
  }),
  bind(p, w) {
    const cls = w.column(p.classColumn, 'u8');
    const violated = w.column(p.column, 'u8');
    const rate = Uint32Array.from(p.rates, threshold);
    // A class beyond the listed rates breaks rules at the last rate: shares and rates may differ in length.
    const pv = (k: number): number => rate[Math.min(k, rate.length - 1)]!;
    const table = Float64Array.from({ length: 256 }, (_, k) => pv(k));
    const slot = w.metric('violations');
    const word = p.diceWord;
    return {
      act(lo, hi, _step, t) {
        const dice = t.dice;
        let count = 0;
        for (let i = lo, o = word * DICE_STRIDE; i < hi; i++, o++) {
          const v = dice[o]! < table[cls[i]!]! ? 1 : 0;
          violated[i] = v;
          count += v;
        }
        t.m[slot]! += count;
      },
    };
  },
});
