import { compileWorld, CompileError, planWorld, type LayerBuild, type ModuleUse, type Plan, type Registry, type World } from '../core/engine/world.ts';
import { buildLayer, emptyLayer, layerProblem, layerStreams, rowParallel } from '../core/network/build.ts';
import { moduleId, type Scenario } from './schema.ts';

/** The scenario's modules with their ids, which must differ. */
function moduleUses(s: Scenario): ModuleUse[] {
  const seen = new Set<string>();
  return s.modules.map((m, i) => {
    const id = moduleId(m);
    if (seen.has(id)) throw new CompileError('an id no other module has (set "id" on one of them)', `"${id}" twice`, ['modules', i]);
    seen.add(id);
    return { id, module: m.module, params: m.params };
  });
}

/** Each layer's set-up streams and builder, after checking its parameters against the population. */
function layerPlans(s: Scenario): Record<string, LayerBuild> {
  const out: Record<string, LayerBuild> = {};
  for (const [name, spec] of Object.entries(s.layers)) {
    const problem = layerProblem(spec, s.agents);
    if (problem) throw new CompileError(problem.expected, problem.found, ['layers', name, ...problem.path]);
    const streams = layerStreams(spec);
    out[name] = rowParallel(spec)
      ? { streams, rows: spec, empty: () => emptyLayer(spec, s.agents) }
      : { streams, build: (rng) => buildLayer(spec, s.agents, rng) };
  }
  return out;
}

/** Checks that the scenario's parts fit together, allocating nothing: the last step of validation. */
export function planScenario(s: Scenario, registry: Registry): Plan {
  return planWorld(registry, moduleUses(s), layerPlans(s), s.output);
}

/** Turns a validated scenario into a world: columns allocated, layers built, metrics laid out. */
export function compileScenario(s: Scenario, registry: Registry): World {
  return compileWorld(registry, { n: s.agents, days: s.days, seed: s.seed }, moduleUses(s), layerPlans(s), s.output);
}
