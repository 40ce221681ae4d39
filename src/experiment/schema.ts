import { z } from 'zod';

export const EXPERIMENT_VERSION = 1;

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a name of lower-case letters, digits and -');
const scalar = z.union([z.number(), z.string(), z.boolean()]);
/** A `--set`-style path into the scenario, e.g. `modules.sanctions.params.spillover`. */
const path = z.string().regex(/^[A-Za-z0-9_.\-[\]]+$/, 'a path into the scenario, e.g. modules.sanctions.params.spillover');
/** Changes applied to the scenario, by `--set` path; values as YAML reads them. */
const changes = z.record(path, z.unknown()).default({});

const parameter = z.union([
  z.strictObject({ path, values: z.array(scalar).min(1).describe('The values to take') }),
  z
    .strictObject({
      path,
      min: z.number(),
      max: z.number(),
      scale: z.enum(['linear', 'log']).default('linear'),
      integer: z.boolean().default(false),
      levels: z.number().int().min(2).max(1000).optional().describe('Grid only: points across the range (default 5)'),
    })
    .refine((p) => p.max > p.min, 'a range with max above min')
    .refine((p) => p.scale !== 'log' || p.min > 0, 'a log-scale range with min above 0'),
]);

export const experimentSchema = z.strictObject({
  version: z.literal(EXPERIMENT_VERSION).describe('Version of the experiment format'),
  name: name.describe('Name of the experiment: its key in the result store'),
  title: z.string().optional(),
  description: z.string().optional().describe('The question the experiment answers'),
  scenario: z.string().min(1).describe('The base scenario: a built-in name, or a path relative to this file'),
  set: changes.describe('Changes to the base scenario for every run, by --set path (agents, days...)'),
  vary: z
    .strictObject({
      method: z.enum(['grid', 'random', 'latin-hypercube', 'sobol', 'morris', 'saltelli']).default('grid'),
      parameters: z.array(parameter).min(1),
      samples: z.number().int().min(1).max(1_000_000).optional().describe('random, latin-hypercube, sobol, saltelli: how many points (saltelli: base rows)'),
      trajectories: z.number().int().min(2).max(10_000).optional().describe('morris: number of trajectories (default 10)'),
      levels: z.number().int().min(2).max(100).optional().describe('morris: levels of the grid (default 4)'),
      seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('Seed of the sampling of points (not of the runs)'),
    })
    .optional()
    .describe('Parameters varied across design points; none: a single point'),
  replicates: z.number().int().min(1).max(100_000).default(1).describe('Runs per point and arm, with seeds seed, seed+1, ...'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1).describe('Seed of the first replicate; every arm and point uses the same seeds (common random numbers)'),
  arms: z
    .array(z.strictObject({ name, description: z.string().optional(), set: changes }))
    .min(1)
    .default([{ name: 'base', set: {} }])
    .refine((arms) => new Set(arms.map((a) => a.name)).size === arms.length, 'arms with distinct names')
    .describe('Variants of the scenario run under the same seeds, so that their differences are paired; the first is the reference'),
  branch: z
    .strictObject({ day: z.number().int().min(1).describe('The day from which the arms differ') })
    .optional()
    .describe(
      'Branch the arms from one warmed-up state: every run first runs the scenario without its arm\'s changes up to `day`, then goes on from that state with them (a policy change at year 2: day 730). Same random streams throughout.',
    ),
  outputs: z.array(z.string().min(1)).default([]).describe('Metrics and audit indicators to analyse and chart (default: the audit indicators)'),
  threads: z.number().int().min(1).max(256).optional().describe('Threads per run (default: chosen by the runner)'),
}).refine((e) => e.seed + e.replicates <= Number.MAX_SAFE_INTEGER, { message: 'seed + replicates at most 2^53 - 1, so that every seed is exact', path: ['seed'] });

export type Experiment = z.output<typeof experimentSchema>;
export type ExperimentParameter = NonNullable<Experiment['vary']>['parameters'][number];
