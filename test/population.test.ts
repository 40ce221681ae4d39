import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { compileWorld } from '../src/core/engine/world.ts';
import { blocks } from '../src/core/network/generators/index.ts';
import { groupLayer } from '../src/core/network/layers.ts';
import { MODULES } from '../src/modules/index.ts';
import { outcome, runBuiltin } from './helpers.ts';

const population = (n: number, sizes: number[] | 'blocks', params: Record<string, unknown> = {}, seed = 1n) => {
  const world = compileWorld(
    MODULES,
    { n, days: 0, seed },
    [{ id: 'population', module: 'population', params: MODULES.population!.params.parse(params) }],
    { household: { streams: [], build: () => (sizes === 'blocks' ? blocks(n, 4) : groupLayer(n, sizes)) } },
  );
  new LocalDriver(world, MODULES);
  const col = (name: string) => world.columns[name]?.array ?? new Uint8Array(0);
  return { registration: col('registration'), ethnicity: col('ethnicity'), age: col('ageBand') };
};

describe('population', () => {
  it('gives a household one set of groups, and an adult as its first member', () => {
    for (const seed of [1n, 2n, 3n, 99n]) {
      const p = population(6, [1, 3, 2], {}, seed);
      expect(new Set([p.registration[1], p.registration[2], p.registration[3]]).size).toBe(1);
      expect(new Set([p.ethnicity[4], p.ethnicity[5]]).size).toBe(1);
      for (const head of [0, 1, 4]) expect(p.age[head]).not.toBe(0);
      for (const a of p.age) expect([0, 1, 2]).toContain(a);
    }
  });

  it('draws groups and ages with the given shares', () => {
    const n = 200_000;
    const p = population(n, 'blocks', { dimensions: { registration: { urban: 0.6, rural: 0.4 } }, childShare: 0.5, retiredShare: 0.25 });
    const households = n / 4;
    let urban = 0;
    for (let h = 0; h < n; h += 4) urban += p.registration[h] === 0 ? 1 : 0;
    // Five standard errors of a proportion.
    expect(Math.abs(urban / households - 0.6)).toBeLessThan(5 * Math.sqrt((0.6 * 0.4) / households));
    let children = 0, adults = 0, retired = 0;
    for (let i = 0; i < n; i++) {
      if (i % 4 !== 0) children += p.age[i] === 0 ? 1 : 0;
      if (p.age[i] !== 0) {
        adults++;
        retired += p.age[i] === 2 ? 1 : 0;
      }
    }
    const others = n - households;
    expect(Math.abs(children / others - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / others));
    expect(Math.abs(retired / adults - 0.25)).toBeLessThan(5 * Math.sqrt((0.25 * 0.75) / adults));
  });

  it('never draws a category with a zero share', () => {
    const p = population(4000, 'blocks', { dimensions: { ethnicity: { a: 0.5, never: 0, b: 0.5 } } });
    expect(p.ethnicity.includes(1)).toBe(false);
    expect(p.ethnicity.includes(0) && p.ethnicity.includes(2)).toBe(true);
  });

  it('is the same on any number of threads', async () => {
    const set = ['modules[7]={module: population}', 'output.stateHash=[registration, ethnicity, ageBand, score]'];
    const one = await runBuiltin('rm1', { agents: 30_001, days: 3, set }, 1);
    expect(outcome(await runBuiltin('rm1', { agents: 30_001, days: 3, set }, 2))).toEqual(outcome(one));
  });
});
