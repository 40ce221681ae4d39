import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { knownCategories } from './categories.ts';
import { threshold } from '../core/rng/threshold.ts';
import { column, stream } from './params.ts';
import { popcount } from './acts.ts';

/**
 * What the system sees of what people really do: each act of a category is observed with that
 * category's coverage, more as data sources join (banks, telecoms, platforms, cameras, each from the
 * day its data-sharing agreement is signed), scaled for the agent's group (cameras and data-sharing are denser in some
 * places than in others), and for an agent who has learned to evade, by 1 - evasion. It writes the
 * system's belief beside the truth, act by act.
 */
export const surveillance = defineModule({
  name: 'surveillance',
  title: 'Surveillance',
  summary: 'Observes each act with a coverage that depends on its category and on the agent\'s group; what is seen is recorded apart from what happened.',
  params: z.strictObject({
    coverage: z
      .record(z.string(), z.number().min(0).max(1))
      .default({ fraud: 0.3, judgmentDefault: 0.9, jaywalking: 0.2, petition: 0.8, criticism: 0.5 })
      .describe('Probability that an act of each category (by name, as in acts) is observed; categories not named are never observed'),
    sources: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe('The data source, e.g. banks, telecoms, e-commerce, bike-sharing, social-media monitoring, cameras'),
          from: z.number().int().min(0).default(0).describe('Day its data-sharing agreement takes effect'),
          coverage: z.record(z.string(), z.number().min(0).max(1)).describe('Probability that it sees an act of each category'),
        }),
      )
      .max(32)
      .default([])
      .describe('Further data sources joining over time; an act is observed unless every active source (and `coverage`) misses it'),
    groupColumn: z.string().optional().describe('Column with a group whose coverage differs (e.g. registration)'),
    groupFactor: z.array(z.number().min(0)).default([]).describe('Coverage multiplier for group 0, 1, ... (1 for groups not listed)'),
    evasionColumn: z.string().optional().describe('Column with each agent\'s evasion in [0, 1] (the evasion module), which scales its coverage by 1 - evasion'),
    actsColumn: column('acts', 'Column with the acts, bit per category'),
    column: column('observedActs', 'Column with the acts observed today, bit per category'),
    stream: stream(5, 'Stream whose words decide what is observed (word k for category k)'),
  }),
  declare: (p) => ({
    columns: [{ name: p.column, type: 'u8', description: 'acts observed today, bit per category as in the acts column' }],
    uses: [
      { name: p.actsColumn, type: 'u8' },
      ...(p.groupColumn ? [{ name: p.groupColumn, type: 'u8' as const }] : []),
      ...(p.evasionColumn ? [{ name: p.evasionColumn, type: 'f32' as const }] : []),
    ],
    streams: [p.stream],
    metrics: [{ name: 'actsObserved', kind: 'counter', description: 'acts observed by the authorities' }],
    phases: { act: 'observes each of the agent\'s acts with its coverage' },
  }),
  bind(p, w) {
    const actsCol = w.column(p.actsColumn, 'u8');
    const seen = w.column(p.column, 'u8');
    const group = p.groupColumn ? w.column(p.groupColumn, 'u8') : undefined;
    const evasion = p.evasionColumn ? w.column(p.evasionColumn, 'f32') : undefined;
    const named = [...Object.keys(p.coverage), ...p.sources.flatMap((src) => Object.keys(src.coverage))];
    const categories = knownCategories(w.spec(p.actsColumn).labels, named, 'surveillance', 'coverage');
    const K = categories.length;
    const groups = Math.max(1, p.groupFactor.length + 1);
    // One table per number of sources in force (sources in order of their start): tables[j][g * K + k]
    // is the word threshold of category k for group g once the first j sources are in force.
    const sources = [...p.sources].sort((a, b) => a.from - b.from);
    const tables = sources.reduce<Float64Array[]>(
      (acc, _, j) => [...acc, table(sources.slice(0, j + 1).map((src) => src.coverage))],
      [table([])],
    );
    function table(extra: Record<string, number>[]): Float64Array {
      const out = new Float64Array(groups * K);
      for (let k = 0; k < K; k++) {
        const c = categories[k]!;
        const missed = extra.reduce((m, cov) => m * (1 - (cov[c] ?? 0)), 1 - (p.coverage[c] ?? 0));
        for (let g = 0; g < groups; g++) out[g * K + k] = threshold(Math.min(1, (1 - missed) * (p.groupFactor[g] ?? 1)));
      }
      return out;
    }
    const last = groups - 1;
    const slot = w.metric('actsObserved');
    return {
      act(lo, hi, step, t) {
        const words = t.words;
        let inForce = 0;
        while (inForce < sources.length && sources[inForce]!.from <= step) inForce++;
        const thresholds = tables[inForce]!;
        let count = 0;
        for (let i = lo; i < hi; i++) {
          const a = actsCol[i]!;
          let s = 0;
          if (a) {
            // Only agents who acted draw, each from its own address.
            words.at(i, step, p.stream);
            const base = (group ? Math.min(group[i]!, last) : 0) * K;
            // Scaling the threshold keeps the words drawn as they were: the same dice with or without evasion.
            const keep = evasion ? 1 - evasion[i]! : 1;
            for (let k = 0; k < K; k++) {
              const w0 = words.next();
              if (a & (1 << k) && w0 < thresholds[base + k]! * keep) s |= 1 << k;
            }
            count += popcount(s);
          }
          seen[i] = s;
        }
        t.m[slot]! += count;
      },
    };
  },
});

