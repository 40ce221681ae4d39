import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column } from './params.ts';

const band = z.strictObject({
  name: z.string().min(1).max(8),
  from: z.number().int().describe('Lowest score of the band'),
});

/**
 * Letter grades from a score (Rongcheng's AAA to D, Fuzhou's six bands): the grade is what other
 * mechanisms (rewards, sanctions) and people see, so it is a column of its own.
 */
export const grades = defineModule({
  name: 'grades',
  title: 'Grade bands',
  summary: 'Maps each score to a letter grade by bands, best first; counts the agents in each grade every day.',
  params: z.strictObject({
    bands: z
      .array(band)
      .min(1)
      .max(16)
      .default([
        { name: 'AAA', from: 1050 },
        { name: 'AA', from: 1030 },
        { name: 'A', from: 960 },
        { name: 'B', from: 850 },
        { name: 'C', from: 600 },
        { name: 'D', from: -2147483648 },
      ])
      .refine((b) => b.every((x, k) => k === 0 || x.from < b[k - 1]!.from), 'bands from the best down, each starting below the one before')
      .describe('Grades from the best down, each with the lowest score it takes (reported Rongcheng thresholds by default)'),
    scoreColumn: column('score', 'Column with the score'),
    column: column('grade', 'Column with the grade: 0 for the first band, 1 for the next...'),
  }),
  declare: (p) => ({
    columns: [{ name: p.column, type: 'u8', labels: p.bands.map((b) => b.name), description: `grade: ${p.bands.map((b, k) => `${k} ${b.name}`).join(', ')}` }],
    uses: [{ name: p.scoreColumn, type: 'i32' }],
    metrics: [{ name: 'grades', kind: 'histogram', description: 'agents in each grade', bins: p.bands.map((b) => b.name) }],
    phases: { update: 'grades each agent by its score' },
  }),
  bind(p, w) {
    const score = w.column(p.scoreColumn, 'i32');
    const grade = w.column(p.column, 'u8');
    const from = Int32Array.from(p.bands, (b) => b.from);
    const last = from.length - 1;
    const slot = w.metric('grades');
    return {
      update(lo, hi, _step, t) {
        const m = t.m;
        for (let i = lo; i < hi; i++) {
          const s = score[i]!;
          let g = 0;
          while (g < last && s < from[g]!) g++;
          grade[i] = g;
          m[slot + g]! += 1;
        }
      },
    };
  },
});
