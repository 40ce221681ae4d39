import { compileWorld, CompileError, type Registry, type World } from '../core/engine/world.ts';
import { buildLayer, layerStreams } from '../core/network/build.ts';
import type { Layer } from '../core/network/layers.ts';
import type { Rng } from '../core/rng/threefry.ts';
import type { Scenario } from './schema.ts';

/** Turns a validated scenario into a world: columns allocated, layers built, metrics laid out. */
export function compileScenario(s: Scenario, registry: Registry): World {
  const ids = new Set<string>();
  const modules = s.modules.map((m) => {
    const id = m.id ?? m.module;
    if (ids.has(id)) throw new CompileError(`two modules have the id "${id}": give one of them another id`);
    ids.add(id);
    return { id, module: m.module, params: m.params };
  });
  const build = (rng: Rng): Record<string, Layer> => {
    const layers: Record<string, Layer> = {};
    for (const [name, spec] of Object.entries(s.layers)) layers[name] = buildLayer(spec, s.agents, rng);
    return layers;
  };
  const streams = Object.fromEntries(Object.entries(s.layers).map(([name, spec]) => [name, layerStreams(spec)]));
  return compileWorld(registry, { n: s.agents, days: s.days, seed: s.seed }, modules, build, streams);
}
