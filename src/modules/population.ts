import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { SETUP } from '../core/rng/threefry.ts';
import { categoricalWord } from '../core/rng/samplers.ts';
import { cumulativeThresholds, threshold } from '../core/rng/threshold.ts';
import { layerName, stream } from './params.ts';

const shares = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/), z.number().min(0))
  .refine((s) => Object.keys(s).length >= 1 && Object.keys(s).length <= 255, 'between 1 and 255 categories')
  .refine((s) => Object.values(s).some((x) => x > 0), 'shares with a positive sum');

/**
 * Who the agents are: their groups along named dimensions (registration, ethnicity...) and their
 * age band. Groups are drawn per household, so a household shares its registration and ethnicity;
 * the first member of a household is an adult, the others are children with some probability.
 * Later mechanisms and audits read these columns (who is observed, listed, sanctioned).
 */
export const population = defineModule({
  name: 'population',
  title: 'Population',
  summary: 'Gives every agent its groups (drawn per household) and an age band: children, working age or retired.',
  params: z.strictObject({
    dimensions: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a column name'), shares)
      .default({ registration: { urban: 0.64, rural: 0.36 }, ethnicity: { majority: 0.91, minority: 0.09 } })
      .describe('Group dimensions, each a column, with the share of households in each category (illustrative defaults)'),
    household: layerName('household', 'Group layer of households'),
    childShare: z.number().min(0).max(1).default(0.45).describe('Probability that a household member other than the first is a child'),
    retiredShare: z.number().min(0).max(1).default(0.2).describe('Probability that an adult is retired'),
    ageColumn: z.string().default('ageBand').describe('Column with the age band: 0 child, 1 working age, 2 retired'),
    setupStream: stream(16, 'First of the two set-up streams: groups (by household), then age (by agent)'),
  }),
  declare: (p) => ({
    columns: [
      ...Object.keys(p.dimensions).map((name) => ({
        name,
        type: 'u8' as const,
        labels: Object.keys(p.dimensions[name]!),
        description: `${name}: ${Object.keys(p.dimensions[name]!).map((c, k) => `${k} ${c}`).join(', ')}`,
      })),
      { name: p.ageColumn, type: 'u8' as const, labels: ['child', 'working', 'retired'], description: 'age band: 0 child, 1 working age, 2 retired' },
    ],
    layers: [p.household],
    setupStreams: [p.setupStream, p.setupStream + 1],
    phases: { setup: 'draws each household\'s groups and each member\'s age band' },
  }),
  bind(p, w) {
    const hh = w.layer(p.household);
    if (hh.kind !== 'groups') throw new CompileError('a group layer of households (households or blocks)', `"${p.household}", a ${hh.kind} layer`);
    const { start, groupOf } = hh;
    const dims = Object.entries(p.dimensions).map(([name, s]) => ({ column: w.column(name, 'u8'), bounds: cumulativeThresholds(Object.values(s)) }));
    const age = w.column(p.ageColumn, 'u8');
    const [child, retired] = [threshold(p.childShare), threshold(p.retiredShare)];
    const block = new Uint32Array(4);
    return {
      setup(lo, hi, _step, t) {
        for (let i = lo; i < hi; i++) {
          const head = start[groupOf[i]!]!;
          // Every member reads its household head's words, so a household shares its groups.
          for (let d = 0; d < dims.length; d++) {
            if (d % 4 === 0) t.rng.block(head, SETUP, p.setupStream, d >>> 2, block);
            const { column, bounds } = dims[d]!;
            column[i] = categoricalWord(block[d & 3]!, bounds);
          }
          t.rng.block(i, SETUP, p.setupStream + 1, 0, block);
          const isChild = i !== head && block[0]! < child;
          age[i] = isChild ? 0 : block[1]! < retired ? 2 : 1;
        }
      },
    };
  },
});
