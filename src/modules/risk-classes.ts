import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { categoricalWord } from '../core/rng/samplers.ts';
import { cumulativeThresholds } from '../core/rng/threshold.ts';
import { column } from './params.ts';

/**
 * Splits the population into classes that differ in how often they break rules. The class is
 * ground truth: the system never sees it, only acts that happen to be observed or reported.
 */
export const riskClasses = defineModule({
  name: 'risk-classes',
  title: 'Risk classes',
  summary: 'Assigns each agent a hidden class that sets how often it breaks rules.',
  params: z.strictObject({
    shares: z
      .array(z.number().min(0))
      .min(1)
      .max(255)
      .default([0.7, 0.2, 0.08, 0.02])
      .refine((s) => Math.abs(s.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'shares that add up to 1')
      .describe('Share of the population in each class, from the most law-abiding to the least'),
    column: column('riskClass', 'Column that holds the class'),
    setupStream: z.number().int().min(0).default(0).describe('Set-up stream whose word 0 draws the class'),
  }),
  declare: (p) => ({
    columns: [{ name: p.column, type: 'u8', truth: true, description: 'hidden risk class (0 = least likely to break rules)' }],
    setupStreams: [p.setupStream],
    phases: { setup: 'draws each agent\'s class from the shares' },
  }),
  bind(p, w) {
    const cls = w.column(p.column, 'u8');
    // Class k holds the words below floor(cumulative share * 2^32): RM-1's CLASS_T.
    const bounds = cumulativeThresholds(p.shares);
    const out = new Uint32Array(4);
    return {
      setup(lo, hi, step, t) {
        for (let i = lo; i < hi; i++) {
          t.rng.block(i, step, p.setupStream, 0, out);
          cls[i] = categoricalWord(out[0]!, bounds);
        }
      },
    };
  },
});
