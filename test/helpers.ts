import { readFileSync, readdirSync } from 'node:fs';
import { builtins } from '../src/cli/library.ts';
import { runDocument, type RunDocument } from '../src/cli/report.ts';
import { simulate } from '../src/host/node/simulate.ts';
import { MODULES } from '../src/modules/index.ts';
import { resolveScenario, type Overrides } from '../src/scenario/load.ts';

export interface Golden {
  n: number;
  days: number;
  seed: string;
  stateHash: string;
  totals: Record<string, number>;
  daily: Record<string, number[]>;
}

const goldenDir = new URL('./fixtures/golden/', import.meta.url);

/** RM-1's goldens, copied from shared/reference-model/golden. */
export const goldens: [string, Golden][] = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(new URL(f, goldenDir), 'utf8')) as Golden]);

/** Runs a built-in scenario through the same path as `sclab run`, returning its JSON document. */
export async function runBuiltin(name: string, overrides: Overrides, threads: number, counterfactual = false): Promise<RunDocument> {
  const scenario = resolveScenario(builtins.open(name)!, builtins, MODULES, overrides);
  const driver = await simulate(scenario, { threads });
  const twin = counterfactual ? await simulate(resolveScenario(builtins.open(name)!, builtins, MODULES, { ...overrides, counterfactual }), { threads }) : undefined;
  return runDocument(scenario, driver, { version: 'test', threads, seconds: 1 }, twin);
}

/** The part of a run document that must not depend on threads. */
export const outcome = (d: RunDocument) => ({ stateHash: d.stateHash, totals: d.totals, daily: d.daily });
