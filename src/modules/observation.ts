import { z } from 'zod';
import { DICE_STRIDE, defineModule } from '../core/engine/module.ts';
import { threshold } from '../core/rng/threshold.ts';
import { column, diceWord, points, probability } from './params.ts';

/** The authorities see part of what people really do; each act seen costs points. */
export const observation = defineModule({
  name: 'observation',
  title: 'Observation',
  summary: 'Surveillance sees each rule broken with a fixed probability and deducts points for it; unseen acts cost nothing.',
  params: z.strictObject({
    probability: probability(0.5, 'Probability that a rule broken is observed'),
    penalty: points(100, 'Points deducted for an observed violation'),
    actColumn: column('violated', 'Column with the ground-truth act'),
    pendingColumn: column('pending', 'Ledger accumulator the deduction goes to'),
    diceWord: diceWord(1, 'Dice word that decides whether the act is seen'),
  }),
  declare: (p) => ({
    uses: [
      { name: p.actColumn, type: 'u8' },
      { name: p.pendingColumn, type: 'i32' },
    ],
    dice: [p.diceWord],
    metrics: [{ name: 'observed', kind: 'counter', description: 'violations observed by the authorities' }],
    phases: { act: 'sees the agent\'s violation with the given probability and deducts points' },
  }),
  bind(p, w) {
    const violated = w.column(p.actColumn, 'u8');
    const pending = w.column(p.pendingColumn, 'i32');
    const seen = threshold(p.probability);
    const penalty = p.penalty;
    const slot = w.metric('observed');
    const word = p.diceWord;
    return {
      act(lo, hi, _step, t) {
        const dice = t.dice;
        let count = 0;
        for (let i = lo, o = word * DICE_STRIDE; i < hi; i++, o++) {
          if (violated[i] && dice[o]! < seen) {
            // Not this module's column: accumulators are only ever added to atomically.
            Atomics.sub(pending, i, penalty);
            count++;
          }
        }
        t.m[slot]! += count;
      },
    };
  },
});
