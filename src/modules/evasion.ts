import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column } from './params.ts';

/**
 * People who are punished learn where the cameras are and how to keep out of the records: other
 * routes, a borrowed identity, a scalper's ticket. Evasion grows toward a ceiling on each day the
 * agent is punished and fades slowly without. Surveillance and face recognition read it to scale
 * what they see of the agent, so punishment teaches the watched to be watched less.
 */
export const evasion = defineModule({
  name: 'evasion',
  title: 'Learning to evade',
  summary: 'Agents punished learn to evade observation, up to a ceiling; evasion fades slowly without punishment and may cost welfare.',
  params: z.strictObject({
    max: z.number().min(0).max(1).default(0.5).describe('Highest evasion an agent can reach: the share of observation it escapes (illustrative)'),
    learn: z.number().min(0).max(1).default(0.2).describe('Share of the gap to max an agent closes on a day it is punished (illustrative)'),
    decay: z.number().min(0).max(1).default(0.005).describe('Share of its evasion an agent loses on a day it is not punished (illustrative)'),
    cost: z.number().min(0).default(0).describe('Welfare lost per day at evasion 1, in proportion below (illustrative; 0: free)'),
    punishedColumns: z
      .array(z.string())
      .min(1)
      .default(['penalizedActs'])
      .describe('Columns (u8) any non-zero value of which means the agent was punished today (penalties\' penalizedActs, face recognition\'s faceIdentified)'),
    column: column('evasion', 'Column with the evasion, in [0, max]'),
    costColumn: column('evasionCost', 'Column with the welfare spent on evasion so far (only when cost > 0)'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'f32', truth: true, description: 'share of observation the agent escapes (ground truth)' },
      ...(p.cost > 0 ? [{ name: p.costColumn, type: 'f32' as const, description: 'welfare spent on evading, so far' }] : []),
    ],
    uses: p.punishedColumns.map((name) => ({ name, type: 'u8' as const })),
    metrics: [
      { name: 'evasionIndex', kind: 'gauge', description: 'sum over agents of round(1000 x evasion)' },
      ...(p.cost > 0 ? [{ name: 'evasionCostSum', kind: 'gauge' as const, description: 'welfare spent on evasion so far (rounded per agent)' }] : []),
    ],
    phases: { adapt: 'raises the evasion of the punished toward max; lets it fade for the others' },
  }),
  bind(p, w) {
    const ev = w.column(p.column, 'f32');
    const punished = p.punishedColumns.map((c) => w.column(c, 'u8'));
    const cost = p.cost > 0 ? w.column(p.costColumn, 'f32') : undefined;
    const { max, learn, decay } = p;
    const index = w.metric('evasionIndex');
    const costSum = cost ? w.metric('evasionCostSum') : 0;
    return {
      adapt(lo, hi, _step, t) {
        let sum = 0, spent = 0;
        for (let i = lo; i < hi; i++) {
          let hit = 0;
          for (let c = 0; c < punished.length; c++) hit |= punished[c]![i]!;
          let e = ev[i]!;
          e = hit ? e + learn * (max - e) : e - decay * e;
          e = e < 0 ? 0 : e > max ? max : e;
          ev[i] = e;
          sum += Math.round(1000 * ev[i]!);
          if (cost) {
            cost[i]! += p.cost * ev[i]!;
            spent += Math.round(cost[i]!);
          }
        }
        t.m[index]! += sum;
        if (cost) t.m[costSum]! += spent;
      },
    };
  },
});
