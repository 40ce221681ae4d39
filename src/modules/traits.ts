import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { lognormal } from '../core/rng/samplers.ts';
import { stream } from './params.ts';

const trait = z.strictObject({
  mean: z.number().positive().default(1).describe('Population mean'),
  sigma: z.number().min(0).max(5).default(0.5).describe('Spread: the standard deviation of its logarithm'),
});

/**
 * Lasting dispositions, each a lognormal multiplier (ground truth): how prone an agent is to break
 * rules or to dissent, how much it fears risk, how much of its life is online. Mechanisms scale
 * their base rates by them, so the same rule treats different people differently.
 */
export const traits = defineModule({
  name: 'traits',
  title: 'Traits',
  summary: 'Gives every agent lognormal dispositions (propensity to break rules, to dissent, risk aversion, digital participation) that scale how it acts.',
  params: z.strictObject({
    traits: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a column name'), trait)
      .refine((t) => Object.keys(t).length >= 1, 'at least one trait')
      .default({ ruleBreaking: { mean: 1, sigma: 0.8 }, dissent: { mean: 1, sigma: 0.8 }, riskAversion: { mean: 1, sigma: 0.4 }, digital: { mean: 1, sigma: 0.5 } })
      .describe('Traits by column name, each a lognormal with the given mean and log-spread'),
    setupStream: stream(18, 'Set-up stream the traits are drawn from (two words per trait)'),
  }),
  declare: (p) => ({
    columns: Object.keys(p.traits).map((name) => ({ name, type: 'f32' as const, truth: true, description: `${name} (lognormal multiplier, mean ${p.traits[name]!.mean})` })),
    setupStreams: [p.setupStream],
    phases: { setup: 'draws each agent\'s traits' },
  }),
  bind(p, w) {
    // A lognormal with mean m and log-sd s has mu = ln(m) - s^2 / 2.
    const draws = Object.entries(p.traits).map(([name, t]) => ({ column: w.column(name, 'f32'), mu: Math.log(t.mean) - (t.sigma * t.sigma) / 2, sigma: t.sigma }));
    return {
      setup(lo, hi, step, t) {
        const words = t.words;
        for (let i = lo; i < hi; i++) {
          words.at(i, step, p.setupStream);
          for (const d of draws) d.column[i] = lognormal(words, d.mu, d.sigma);
        }
      },
    };
  },
});
