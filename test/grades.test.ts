import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { compileWorld, type ModuleUse } from '../src/core/engine/world.ts';
import { MODULES } from '../src/modules/index.ts';

const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: MODULES[module]!.params.parse(params) });

describe('grades', () => {
  it('put each score in its band, the boundaries included', () => {
    const cases: [number, string][] = [[1200, 'AAA'], [1050, 'AAA'], [1049, 'AA'], [1030, 'AA'], [1029, 'A'], [960, 'A'], [959, 'B'], [850, 'B'], [849, 'C'], [600, 'C'], [599, 'D'], [0, 'D']];
    for (const [start, expected] of cases) {
      const world = compileWorld(MODULES, { n: 3, days: 1, seed: 1n }, [use('ledger', { start, max: 1200, recovery: { points: 0 } }), use('grades')], {});
      const driver = new LocalDriver(world, MODULES);
      driver.advanceSync(1);
      const names = world.columns.grade!.spec.labels!;
      expect(names[world.columns.grade!.array[0]!], `${start}`).toBe(expected);
      const hist = Array.from(driver.series.subarray(world.metrics.find((m) => m.name === 'grades')!.slot, 6 + world.metrics.find((m) => m.name === 'grades')!.slot));
      expect(hist[names.indexOf(expected)]).toBe(3);
    }
  });

  it('refuse bands that are not in descending order', () => {
    expect(MODULES.grades!.params.safeParse({ bands: [{ name: 'A', from: 10 }, { name: 'B', from: 20 }] }).success).toBe(false);
  });
});
