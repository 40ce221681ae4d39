import { describe, expect, it } from 'vitest';
import { Neighbourhood } from '../explorer/src/neighbourhood.ts';
import { STATUSES } from '../explorer/src/protocol.ts';
import { builtins } from '../src/cli/library.ts';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { neighbours } from '../src/core/network/neighbours.ts';
import { MODULES } from '../src/modules/index.ts';
import { compileScenario } from '../src/scenario/compile.ts';
import { resolveScenario } from '../src/scenario/load.ts';

const scenario = resolveScenario(builtins.open('planning-outline')!, builtins, MODULES, { agents: 3000, days: 200 });
const driver = new LocalDriver(compileScenario(scenario, MODULES), MODULES);
const world = driver.world;

describe('the network view\'s neighbourhood sample (on the engine\'s worker)', () => {
  it('samples breadth first within the hops and the cap, the focal agent first', () => {
    for (const [hops, cap] of [[1, 240], [3, 240], [6, 50]] as const) {
      const { sample } = new Neighbourhood(world, 17, 'contacts', hops, cap);
      expect(sample.agents[0]).toBe(17);
      expect(sample.agents.length).toBeLessThanOrEqual(cap);
      expect(new Set(sample.agents).size).toBe(sample.agents.length);
      expect(Math.max(...sample.hops)).toBeLessThanOrEqual(hops);
      // Nearest first: hops never decrease along the sample.
      expect([...sample.hops]).toEqual([...sample.hops].sort((a, b) => a - b));
    }
    // One hop on contacts is exactly the focal agent's contacts.
    const { sample } = new Neighbourhood(world, 17, 'contacts', 1, 240);
    const nb = neighbours(world.layers.contacts!);
    const span = new Int32Array(2);
    nb.row(17, span);
    expect(new Set(sample.agents.slice(1))).toEqual(new Set(nb.ids!.slice(span[0], span[1])));
  });

  it('lists each edge among the sampled agents once, with its layer', () => {
    const { sample } = new Neighbourhood(world, 17, undefined, 3, 240);
    expect(sample.layer).toBeUndefined();
    expect(sample.layers).toEqual(['household', 'contacts']);
    expect(sample.edgeLayer.length).toBe(sample.edges.length / 2);
    const seen = new Set<string>();
    for (let e = 0; e < sample.edgeLayer.length; e++) {
      const [a, b] = [sample.edges[2 * e]!, sample.edges[2 * e + 1]!];
      expect(a).not.toBe(b);
      expect(Math.max(a, b)).toBeLessThan(sample.agents.length);
      const key = `${sample.edgeLayer[e]} ${Math.min(a, b)} ${Math.max(a, b)}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    // Household ties join members of one household.
    const hh = world.layers.household!;
    if (hh.kind !== 'groups') throw new Error('households are groups');
    for (let e = 0; e < sample.edgeLayer.length; e++) {
      if (sample.edgeLayer[e] !== 0) continue;
      expect(hh.groupOf[sample.agents[sample.edges[2 * e]!]!]).toBe(hh.groupOf[sample.agents[sample.edges[2 * e + 1]!]!]);
    }
    expect(sample.score?.column).toBe('score');
    expect(sample.grades?.length).toBeGreaterThan(2);
  });

  it('tells those punished for a family member\'s record from the listed and the sanctioned, as the engine counts them', () => {
    driver.advanceSync(200);
    const counts = STATUSES.map(() => 0);
    // The whole population, one household-sized sample at a time.
    for (let i = 0; i < world.n; i++) counts[new Neighbourhood(world, i, 'household', 0, 1).state(200).status[0]!]!++;
    const metric = (name: string): number => driver.series[199 * world.metricWidth + world.metrics.find((m) => m.name === name)!.slot]!;
    let listed = 0;
    for (const v of world.columns.listed!.array) if (v) listed++;
    expect(counts[STATUSES.indexOf('listed')]).toBe(listed);
    expect(counts[STATUSES.indexOf('punished for family')]).toBe(metric('collateralAgents'));
    expect(counts[STATUSES.indexOf('punished for family')]).toBeGreaterThan(0);
    const state = new Neighbourhood(world, 17, undefined, 3, 240).state(200);
    expect(state.day).toBe(200);
    expect(state.scoreRange![0]).toBeLessThanOrEqual(state.scoreRange![1]);
    for (const v of state.score!) expect(v).toBeGreaterThanOrEqual(state.scoreRange![0]);
  });
});
