import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { neighbours } from '../core/network/neighbours.ts';
import { boundedInt, normal, uniform01 } from '../core/rng/samplers.ts';
import { threshold as probabilityThreshold } from '../core/rng/threshold.ts';
import { column, layerName, probability, stream } from './params.ts';

/** The address of the draws that concern no single agent (the random seeds): agent 2^32 - 1, never a real one. */
export const NO_AGENT = 0xffffffff;

const thresholdSchema = z
  .union([
    z.number().min(0).max(1),
    z.strictObject({
      distribution: z.literal('normal'),
      mean: z.number().min(0).max(1).describe('Mean threshold'),
      sd: z.number().min(0).describe('Standard deviation; a draw outside [0, 1] is clamped into it'),
    }),
    z
      .strictObject({
        distribution: z.literal('uniform'),
        min: z.number().min(0).max(1).describe('Lowest threshold'),
        max: z.number().min(0).max(1).describe('Highest threshold'),
      })
      .refine((t) => t.min <= t.max, 'min at most max'),
  ])
  .default(0.18)
  .describe('Threshold phi: a number (everyone the same), or { distribution: normal, mean, sd } or { distribution: uniform, min, max }, drawn per agent (Watts 2002 uses 0.18)');

/**
 * Watts's threshold model of global cascades ("A simple model of global cascades on random
 * networks", PNAS 99:5766, 2002). Each agent has a threshold phi; an agent adopts, for good, on the
 * first day on which the share of its contacts who had adopted by the end of the day before is at
 * least phi. A few agents adopt at the start (one random agent, as in Watts, or a share).
 *
 * In this lab the cascade stands for the spread of compliance, or of dissent going quiet: people
 * fall in line once enough of those around them have.
 *
 * Double buffering: `adoptedDay` holds the day each agent adopted (-1: not yet). On day d an agent
 * counts contact j iff 0 <= adoptedDay[j] < d, and writes d into its own entry when it adopts. A
 * contact adopting today on another thread is read as -1 or as d, and neither counts, so the result
 * never depends on the thread count or on the order in which agents are visited. Because adoption
 * is monotone, the final set of adopters is also the same as under any asynchronous order.
 */
export const thresholdCascade = defineModule({
  name: 'threshold-cascade',
  title: 'Threshold cascade',
  summary:
    'Watts\'s (2002) threshold model: an agent adopts (compliance, or dissent going quiet) once the share of its contacts who have adopted reaches its threshold; a few agents adopt at the start.',
  params: z.strictObject({
    threshold: thresholdSchema,
    seedCount: z.number().int().min(0).max(1000).default(1).describe('Random agents who adopt on day 0, drawn uniformly with replacement (Watts: one)'),
    seedFraction: probability(0, 'Probability that each agent adopts on day 0, independently (in addition to seedCount)'),
    layer: layerName('contacts', 'Layer (any kind) whose contacts the agent watches; for a group layer, the other members'),
    column: column('adopted', 'Column with the state: 1 once adopted'),
    dayColumn: column('adoptedDay', 'Column with the day each agent adopted (-1: not yet)'),
    thresholdColumn: column('threshold', 'Column with each agent\'s threshold'),
    setupStream: stream(90, 'Set-up stream: the seeds (agent 2^32 - 1) and each agent\'s seeding word and threshold'),
  }),
  declare: (p) => {
    const m = metricNames(p.column);
    return {
      columns: [
        { name: p.column, type: 'u8', description: 'has adopted (1) or not (0)' },
        { name: p.dayColumn, type: 'i32', init: -1, description: 'day the agent adopted (-1: not yet)' },
        { name: p.thresholdColumn, type: 'f64', description: 'share of contacts who must have adopted for the agent to adopt' },
      ],
      layers: [p.layer],
      setupStreams: [p.setupStream],
      tallies: [{ name: m.tally, description: 'agents who adopted each day (a day with none ends the cascade on a fixed layer)' }],
      metrics: [
        { name: m.adopters, kind: 'gauge', description: 'agents who have adopted' },
        { name: m.fresh, kind: 'counter', description: 'agents who adopted today (the initial adopters on day 0)' },
      ],
      phases: {
        setup: 'draws each agent\'s threshold and the initial adopters',
        adapt: 'adopts when the share of contacts who had adopted by yesterday reaches the threshold',
      },
    };
  },
  bind(p, w) {
    const adopted = w.column(p.column, 'u8');
    const day = w.column(p.dayColumn, 'i32');
    const phi = w.column(p.thresholdColumn, 'f64');
    const layer = w.layer(p.layer);
    const names = metricNames(p.column);
    const tally = w.tally(names.tally);
    const [adoptersSlot, freshSlot] = [w.metric(names.adopters), w.metric(names.fresh)];
    const n = w.n;
    const { seedCount, setupStream } = p;
    const seedT = probabilityThreshold(p.seedFraction);
    const th = p.threshold;
    // A layer that no module can change lets a day with no adopter end the cascade for good.
    const fixed = layer.kind !== 'slots';
    const { row, ids } = neighbours(layer);
    const span = new Int32Array(2);
    return {
      setup(lo, hi, step, t) {
        const words = t.words;
        for (let i = lo; i < hi; i++) {
          words.at(i, step, setupStream);
          const seeded = words.next() < seedT;
          let x: number;
          if (typeof th === 'number') x = th;
          else if (th.distribution === 'normal') x = normal(words, th.mean, th.sd);
          else x = th.min + (th.max - th.min) * uniform01(words);
          phi[i] = x < 0 ? 0 : x > 1 ? 1 : x;
          if (seeded) {
            adopted[i] = 1;
            day[i] = 0;
          }
        }
        // The random seeds: the same draws on every call, each call marking those in its range.
        if (seedCount > 0 && n > 0) {
          words.at(NO_AGENT, step, setupStream);
          for (let k = 0; k < seedCount; k++) {
            const j = boundedInt(words, n);
            if (j >= lo && j < hi) {
              adopted[j] = 1;
              day[j] = 0;
            }
          }
        }
      },
      adapt(lo, hi, d, t) {
        let adopters = 0;
        let fresh = 0;
        // If nobody adopted yesterday, everyone sees what they saw yesterday, when nobody else adopted.
        const stalled = fixed && d > 0 && tally.total(d - 1) === 0;
        for (let i = lo; i < hi; i++) {
          let own = day[i]!;
          if (own < 0 && !stalled) {
            row(i, span);
            let on = 0;
            let all = 0;
            for (let e = span[0]!, end = span[1]!; e < end; e++) {
              const j = ids ? ids[e]! : e;
              if (j === i) continue;
              all++;
              // -1 (not yet) becomes 2^32 - 1, so one comparison tells "adopted before today".
              if (day[j]! >>> 0 < d) on++;
            }
            if (all > 0 && on / all >= phi[i]!) {
              own = d;
              day[i] = d;
              adopted[i] = 1;
            }
          }
          if (own >= 0) {
            adopters++;
            if (own === d) fresh++;
          }
        }
        t.m[adoptersSlot]! += adopters;
        t.m[freshSlot]! += fresh;
        tally.add(d, fresh);
      },
    };
  },
});

/** The metric and tally names: `adopters` and `newAdopters` for the default column, prefixed by the column otherwise. */
function metricNames(col: string): { adopters: string; fresh: string; tally: string } {
  if (col === 'adopted') return { adopters: 'adopters', fresh: 'newAdopters', tally: 'newAdopters' };
  return { adopters: `${col}Adopters`, fresh: `${col}NewAdopters`, tally: `${col}NewAdopters` };
}
