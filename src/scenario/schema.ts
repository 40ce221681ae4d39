import { z } from 'zod';
import type { ModuleDef } from '../core/engine/module.ts';
import type { Registry } from '../core/engine/world.ts';
import { layerSchema } from './layers.ts';

export const SCENARIO_VERSION = 1;
const MAX_SEED = 0xffffffffffffffffn;

/** A seed: an integer or a decimal string in [0, 2^64 - 1], kept exact as a bigint. */
export const seedSchema = z
  .union([z.number().int().min(0), z.bigint(), z.string().regex(/^\d{1,20}$/, 'a decimal string')])
  .transform((s, ctx) => {
    const v = BigInt(s);
    if (v < 0n || v > MAX_SEED) {
      ctx.addIssue({ code: 'custom', message: 'a seed in [0, 2^64 - 1]', input: s });
      return z.NEVER;
    }
    if (typeof s === 'number' && !Number.isSafeInteger(s)) {
      ctx.addIssue({ code: 'custom', message: 'a seed above 2^53 written exactly (as a decimal string or an integer literal)', input: s });
      return z.NEVER;
    }
    return v;
  })
  .describe('Seed of the run: an integer or a decimal string in [0, 2^64 - 1]');

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a name of lower-case letters, digits and -');
const id = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'an id of letters, digits, _ and -');

const source = z.union([
  z.string().min(1),
  z.strictObject({ title: z.string().min(1), url: z.string().optional(), note: z.string().optional() }),
]);

function moduleEntry(def: ModuleDef) {
  return z
    .strictObject({
      module: z.literal(def.name),
      id: id.optional().describe('Name of this use of the module, when a scenario uses it twice (default: the module name)'),
      params: def.params.prefault({}),
    })
    .describe(def.summary);
}

/** The scenario schema for the modules a registry offers. */
export function scenarioSchema(registry: Registry) {
  const entries = Object.values(registry).map(moduleEntry);
  return z.strictObject({
    version: z.literal(SCENARIO_VERSION).describe('Version of the scenario format'),
    name: name.describe('Short name of the scenario'),
    title: z.string().optional().describe('One-line title'),
    description: z.string().optional().describe('What the scenario represents and why'),
    sources: z.array(source).default([]).describe('Where its mechanisms and numbers come from'),
    extends: name.optional().describe('A built-in scenario this one starts from'),
    agents: z.number().int().min(1).max(2 ** 31 - 1).describe('Number of agents'),
    days: z.number().int().min(0).max(2 ** 31 - 1).describe('Number of days simulated'),
    seed: seedSchema,
    layers: z.record(id, layerSchema).default({}).describe('Network layers, by name'),
    modules: z
      .array(z.discriminatedUnion('module', entries as [(typeof entries)[number], ...(typeof entries)[number][]]))
      .min(1)
      .describe('Mechanisms, in the order they run within each phase'),
    audit: z
      .strictObject({
        counterfactual: z
          .strictObject({
            description: z.string().min(1).describe('What the counterfactual world lacks, e.g. "no points for petitions"'),
            set: z
              .record(z.string().min(1), z.unknown())
              .refine((s) => Object.keys(s).length > 0, 'at least one change')
              .describe('Changes that make the counterfactual, as --set paths and their values'),
          })
          .optional()
          .describe('The same run with the system switched off, run under the same seed to measure chilling and deterrence as paired differences'),
      })
      .prefault({})
      .describe('How the run is audited'),
    output: z
      .strictObject({
        metrics: z.array(z.string()).optional().describe('Metrics to report, in this order (default: all)'),
        stateHash: z.array(z.string()).default([]).describe('Columns fingerprinted in the stateHash'),
      })
      .prefault({})
      .describe('What a run reports'),
  });
}

export type Scenario = z.output<ReturnType<typeof scenarioSchema>>;

/** A module entry's id: its own, or its module's name. */
export const moduleId = (m: { id?: string | undefined; module: string }): string => m.id ?? m.module;

/** The scenario format as JSON Schema (draft 2020-12), for editors and other tools. */
export function scenarioJsonSchema(registry: Registry): unknown {
  return z.toJSONSchema(scenarioSchema(registry), { io: 'input', unrepresentable: 'any' });
}
