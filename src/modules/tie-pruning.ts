import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { addTie, dropTie } from '../core/network/mutate.ts';
import { mulhi, threshold } from '../core/rng/threshold.ts';
import { column, layerName, probability, stream } from './params.ts';

/**
 * People drop contacts whose score is low, to protect their own standing (reported of Sesame
 * Credit, where contacts' scores count), and may take up a tie with someone else. Needs a slot
 * layer, whose rows agents rewrite themselves.
 */
export const tiePruning = defineModule({
  name: 'tie-pruning',
  title: 'Dropping low-scored contacts',
  summary: 'Each day, agents drop contacts whose score is below a threshold with some probability, and may form a tie with a random agent instead.',
  params: z.strictObject({
    layer: layerName('contacts', 'Slot layer whose ties are pruned'),
    below: z.number().int().default(600).describe('A contact with a score below this may be dropped'),
    probability: probability(0.05, 'Daily probability of dropping each low-scored contact'),
    replace: probability(1, 'Probability of forming a tie with a random agent after dropping one'),
    scoreColumn: column('score', 'Column with the score'),
    enrolledColumn: z.string().optional().describe('Column (u8) of those enrolled in an opt-in score: only they prune, and only contacts who are scored (enrolled) are judged'),
    stream: stream(2, 'Stream the decisions draw from'),
  }),
  declare: (p) => ({
    uses: [{ name: p.scoreColumn, type: 'i32' }, ...(p.enrolledColumn ? [{ name: p.enrolledColumn, type: 'u8' as const }] : [])],
    layers: [p.layer],
    streams: [p.stream],
    metrics: [
      { name: 'tiesCut', kind: 'counter', description: 'ties dropped because of the contact\'s low score' },
      { name: 'tiesFormed', kind: 'counter', description: 'new ties formed with a random agent' },
    ],
    phases: { adapt: 'drops low-scored contacts and forms replacement ties' },
  }),
  bind(p, w) {
    const layer = w.layer(p.layer);
    if (layer.kind !== 'slots') throw new CompileError('a mutable layer of slots (ring-rewire) whose ties agents can drop', `"${p.layer}", a ${layer.kind} layer`);
    const score = w.column(p.scoreColumn, 'i32');
    const { capacity, targets, degree } = layer;
    const enrolled = p.enrolledColumn ? w.column(p.enrolledColumn, 'u8') : undefined;
    // A contact is judged low when scored and below the threshold.
    const low = (j: number): boolean => score[j]! < p.below && (!enrolled || enrolled[j] !== 0);
    const [drop, replace] = [threshold(p.probability), threshold(p.replace)];
    const n = w.n;
    const [cut, formed] = [w.metric('tiesCut'), w.metric('tiesFormed')];
    return {
      adapt(lo, hi, step, t) {
        const words = t.words;
        let nCut = 0, nFormed = 0;
        for (let i = lo; i < hi; i++) {
          if (enrolled && !enrolled[i]) continue;
          let found = false;
          for (let s = 0; s < degree[i]!; s++) if (low(targets[i * capacity + s]!)) found = true;
          if (!found) continue;
          // Only agents with a low-scored contact draw, each from its own address: (i, day, stream).
          words.at(i, step, p.stream);
          let dropped = 0;
          for (let s = 0; s < degree[i]!; ) {
            if (low(targets[i * capacity + s]!) && words.next() < drop) {
              dropTie(layer, i, s);
              dropped++;
            } else s++;
          }
          for (let k = 0; k < dropped; k++) {
            const a = words.next();
            const b = words.next();
            if (a < replace && addTie(layer, i, mulhi(b, n))) nFormed++;
          }
          nCut += dropped;
        }
        t.m[cut]! += nCut;
        t.m[formed]! += nFormed;
      },
    };
  },
});
