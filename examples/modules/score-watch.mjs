// An example of a module written outside the lab: how many people live under a score threshold,
// and how many fall under it each day. Use it with
//   sclab run my-scenario.yaml --module examples/modules/score-watch.mjs
// where my-scenario.yaml lists `- module: score-watch` (see docs/modules.md).
import { z } from 'zod';

export const scoreWatch = {
  name: 'score-watch',
  title: 'Score watch',
  summary: 'Counts the agents whose score is below a threshold, and those who fell below it today.',
  params: z.strictObject({
    below: z.number().int().default(800).describe('The threshold watched'),
    scoreColumn: z.string().default('score').describe('Column with the score'),
  }),
  declare: (p) => ({
    columns: [{ name: 'wasBelow', type: 'u8', description: 'score was below the threshold yesterday' }],
    uses: [{ name: p.scoreColumn, type: 'i32' }],
    metrics: [
      { name: 'belowThreshold', kind: 'gauge', description: 'agents with a score below the threshold' },
      { name: 'fellBelow', kind: 'counter', description: 'agents whose score fell below the threshold today' },
    ],
    phases: { sanction: 'compares each score with the threshold and with yesterday' },
  }),
  bind(p, w) {
    const score = w.column(p.scoreColumn, 'i32');
    const was = w.column('wasBelow', 'u8');
    const [below, fell] = [w.metric('belowThreshold'), w.metric('fellBelow')];
    return {
      sanction(lo, hi, _step, t) {
        let nBelow = 0;
        let nFell = 0;
        for (let i = lo; i < hi; i++) {
          const now = score[i] < p.below ? 1 : 0;
          nBelow += now;
          nFell += now & (was[i] ^ 1);
          was[i] = now;
        }
        t.m[below] += nBelow;
        t.m[fell] += nFell;
      },
    };
  },
};
