import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { knownCategories } from './categories.ts';
import { column } from './params.ts';
import { neighbours } from '../core/network/neighbours.ts';

/**
 * People learn from punishment. When an act of the watched categories is punished in oneself, or
 * among one's contacts, a trait shrinks: deterrence when the acts are
 * violations, chilling when they are lawful expression. Without punishment it drifts back toward
 * where it started. The trait is ground truth; the chilling is measured against the same run (same
 * seed) without the punishment, e.g. with no points for the watched acts.
 */
export const adaptation = defineModule({
  name: 'adaptation',
  title: 'Deterrence and chilling',
  summary: 'Shrinks a trait (dissent, rule-breaking) when the agent or its contacts are caught in watched acts, and lets it recover slowly.',
  params: z.strictObject({
    trait: column('dissent', 'Trait column that adapts'),
    categories: z.array(z.string()).min(1).default(['petition', 'criticism']).describe('Acts whose observation teaches the lesson'),
    own: z.number().min(0).max(1).default(0.8).describe('Trait multiplier when the agent itself is caught'),
    contact: z.number().min(0).max(1).default(0.97).describe('Trait multiplier for each contact caught'),
    recovery: z.number().min(0).max(1).default(0.002).describe('Share of the gap to its starting value the trait recovers each day'),
    layer: z.string().optional().describe('Layer of contacts whose punishment the agent sees (none: only its own)'),
    actsColumn: column('acts', 'Column with the acts, whose labels name the categories'),
    punishedColumns: z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/))
      .min(1)
      .default(['penalizedActs'])
      .describe('Columns with the acts punished today, bit per category: penalizedActs (penalties), reportedActs (citizen-reporting), faceIdentified (face-recognition)'),
  }),
  declare: (p) => ({
    columns: [{ name: `${p.trait}Start`, type: 'f32', truth: true, description: `${p.trait} before any lesson` }],
    uses: [
      { name: p.trait, type: 'f32', writes: true },
      { name: p.actsColumn, type: 'u8' },
      ...p.punishedColumns.map((name) => ({ name, type: 'u8' as const })),
    ],
    layers: p.layer ? [p.layer] : [],
    metrics: [{ name: `${p.trait}Index`, kind: 'gauge', description: `sum over agents of 1000 x ${p.trait} / its starting value (1000 n: unchanged)` }],
    phases: {
      setup: `remembers each agent's starting ${p.trait}`,
      adapt: `shrinks ${p.trait} after punishment of the agent or its contacts; recovers it otherwise`,
    },
  }),
  bind(p, w) {
    const trait = w.column(p.trait, 'f32');
    const start = w.column(`${p.trait}Start`, 'f32');
    const sources = p.punishedColumns.map((name) => w.column(name, 'u8'));
    const first = sources[0]!;
    // What j was punished for today, from every source.
    const punished =
      sources.length === 1
        ? (j: number): number => first[j]!
        : (j: number): number => {
            let bits = 0;
            for (const src of sources) bits |= src[j]!;
            return bits;
          };
    const labels = knownCategories(w.spec(p.actsColumn).labels, p.categories, 'adaptation', 'categories');
    const mask = p.categories.reduce((m, c) => m | (1 << labels.indexOf(c)), 0);
    const layer = p.layer ? w.layer(p.layer) : undefined;
    const slot = w.metric(`${p.trait}Index`);
    // Contacts of i punished today for a watched act, whatever the layer's shape.
    const contacts = layer ? neighbours(layer) : undefined;
    const span = new Int32Array(2);
    const caughtContacts = (i: number): number => {
      if (!contacts) return 0;
      const { row, ids } = contacts;
      row(i, span);
      let c = 0;
      for (let e = span[0]!, end = span[1]!; e < end; e++) {
        const j = ids ? ids[e]! : e;
        if (j !== i && punished(j) & mask) c++;
      }
      return c;
    };
    return {
      setup(lo, hi) {
        for (let i = lo; i < hi; i++) start[i] = trait[i]!;
      },
      adapt(lo, hi, _step, t) {
        let index = 0;
        for (let i = lo; i < hi; i++) {
          const caught = caughtContacts(i);
          let x = trait[i]!;
          const self = punished(i) & mask;
          if (self || caught) x *= (self ? p.own : 1) * p.contact ** caught;
          else x += (start[i]! - x) * p.recovery;
          trait[i] = x;
          index += start[i]! > 0 ? Math.round((1000 * x) / start[i]!) : 1000;
        }
        t.m[slot]! += index;
      },
    };
  },
});
