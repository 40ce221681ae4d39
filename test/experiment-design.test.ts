import { describe, expect, it } from 'vitest';
import { fromUnit, makeDesign, sobolPoints, type Parameter } from '../src/experiment/design.ts';

const unitRange = (path: string): Parameter => ({ path, min: 0, max: 1 });
const column = (rows: readonly (readonly unknown[])[], j: number): unknown[] => rows.map((r) => r[j]);

describe('grid', () => {
  it('is the full product, first parameter slowest', () => {
    const design = makeDesign('grid', [
      { path: 'a', values: [1, 2] },
      { path: 'b', min: 0, max: 1, levels: 3 },
      { path: 'c', values: ['x', 'y'] },
    ]);
    expect(design.points).toHaveLength(12);
    expect(design.points.slice(0, 4)).toEqual([
      [1, 0, 'x'],
      [1, 0, 'y'],
      [1, 0.5, 'x'],
      [1, 0.5, 'y'],
    ]);
    expect(design.points[6]).toEqual([2, 0, 'x']);
    expect(design.points.at(-1)).toEqual([2, 1, 'y']);
    expect(design.unit[3]).toEqual([0, 0.5, 1]);
    expect(design.blocks).toBeUndefined();
  });

  it('defaults to 5 levels, spaces log ranges geometrically and drops integer duplicates', () => {
    expect(column(makeDesign('grid', [{ path: 'a', min: 0, max: 1 }]).points, 0)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const log = column(makeDesign('grid', [{ path: 'a', min: 1, max: 100, scale: 'log', levels: 3 }]).points, 0) as number[];
    expect(log[0]).toBe(1);
    expect(log[1]).toBeCloseTo(10, 12);
    expect(log[2]).toBe(100);
    const integer = makeDesign('grid', [{ path: 'a', min: 1, max: 3, integer: true }]);
    expect(column(integer.points, 0)).toEqual([1, 2, 3]);
    expect(column(integer.unit, 0)).toEqual([0, 0.5, 1]);
  });
});

describe('latin-hypercube', () => {
  it('puts exactly one point in every stratum of every dimension', () => {
    const n = 17;
    const design = makeDesign('latin-hypercube', [unitRange('a'), unitRange('b'), unitRange('c')], { samples: n, seed: 5 });
    expect(design.unit).toHaveLength(n);
    for (let j = 0; j < 3; j++) {
      const strata = design.unit.map((row) => Math.floor(row[j]! * n)).sort((x, y) => x - y);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // Random pairing of strata: the dimensions are not all in the same order.
    expect(column(design.unit, 0).map((u) => Math.floor((u as number) * n))).not.toEqual(column(design.unit, 1).map((u) => Math.floor((u as number) * n)));
  });

  it('rejects fewer than two samples', () => {
    expect(() => makeDesign('latin-hypercube', [unitRange('a')], { samples: 1 })).toThrow('latin-hypercube needs samples >= 2, found 1');
  });
});

describe('sobol', () => {
  it('matches the known first points, without the zero point', () => {
    const design = makeDesign('sobol', [unitRange('a'), unitRange('b'), unitRange('c')], { samples: 8 });
    expect(column(design.unit, 0)).toEqual([0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125, 0.1875]);
    expect(column(design.unit, 1)).toEqual([0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625, 0.3125]);
    expect(column(design.unit, 2)).toEqual([0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375, 0.9375]);
  });

  it('uses the Joe–Kuo direction numbers in high dimensions', () => {
    // Reference values from scipy.stats.qmc.Sobol(40, scramble=False), which uses the same table.
    const points = sobolPoints(255, 40);
    const pick = (k: number): number[] => [points[k]![19]!, points[k]![29]!, points[k]![39]!];
    expect(pick(99)).toEqual([0.3359375, 0.7265625, 0.1328125]);
    expect(pick(199)).toEqual([0.17578125, 0.52734375, 0.26953125]);
    expect(pick(254)).toEqual([0.25390625, 0.01171875, 0.97265625]);
  });

  it('refuses more dimensions than its table holds', () => {
    const parameters = Array.from({ length: 41 }, (_, j) => unitRange(`p${j}`));
    expect(() => makeDesign('sobol', parameters, { samples: 4 })).toThrow('at most 40 dimensions, found 41');
    expect(() => makeDesign('saltelli', parameters.slice(0, 21), { samples: 4 })).toThrow('at most 20 parameters');
  });
});

describe('random designs', () => {
  const parameters: Parameter[] = [unitRange('a'), { path: 'b', values: ['x', 'y', 'z'] }, { path: 'c', min: 1, max: 1000, scale: 'log', integer: true }];

  it.each(['random', 'latin-hypercube', 'morris'] as const)('%s is determined by its seed', (method) => {
    const a = makeDesign(method, parameters, { samples: 20, seed: 7 });
    expect(makeDesign(method, parameters, { samples: 20, seed: 7 })).toEqual(a);
    expect(makeDesign(method, parameters, { samples: 20, seed: 8 }).unit).not.toEqual(a.unit);
  });

  it('maps unit coordinates to values, ranges and log-integer ranges', () => {
    const design = makeDesign('random', parameters, { samples: 200, seed: 3 });
    design.points.forEach((point, k) => {
      const u = design.unit[k]!;
      expect(point[0]).toBe(u[0]);
      expect(point[1]).toBe(['x', 'y', 'z'][Math.floor(u[1]! * 3)]);
      expect(point[2]).toBe(Math.round(10 ** (3 * u[2]!)));
    });
    expect(new Set(column(design.points, 1))).toEqual(new Set(['x', 'y', 'z']));
    expect(fromUnit({ path: 'v', values: ['x', 'y'] }, 1)).toBe('y');
    expect(fromUnit({ path: 'r', min: 0.1, max: 0.3 }, 1)).toBe(0.3);
  });
});

describe('morris', () => {
  it('builds trajectories of one-at-a-time steps of Δ on a p-level grid', () => {
    const d = 4;
    const design = makeDesign('morris', Array.from({ length: d }, (_, j) => unitRange(`p${j}`)), { trajectories: 12, seed: 2 });
    expect(design.blocks).toBe(d + 1);
    expect(design.unit).toHaveLength(12 * (d + 1));
    const grid = [0, 1 / 3, 2 / 3, 1];
    for (const row of design.unit) for (const u of row) expect(grid.some((g) => Math.abs(g - u) < 1e-12)).toBe(true);
    for (let t = 0; t < 12; t++) {
      const moved: number[] = [];
      for (let k = t * (d + 1); k < t * (d + 1) + d; k++) {
        const steps = design.unit[k]!.map((u, j) => design.unit[k + 1]![j]! - u);
        const j = steps.findIndex((s) => s !== 0);
        expect(steps.filter((s) => s !== 0)).toHaveLength(1);
        expect(Math.abs(steps[j]!)).toBeCloseTo(2 / 3, 12);
        moved.push(j);
      }
      expect(moved.sort()).toEqual([0, 1, 2, 3]);
    }
  });

  it('needs an even number of levels', () => {
    expect(() => makeDesign('morris', [unitRange('a')], { levels: 5 })).toThrow('even number of levels, found 5');
  });
});

describe('saltelli', () => {
  it('orders each base row as A, B, AB_1..AB_d', () => {
    const d = 3;
    const n = 16;
    const design = makeDesign('saltelli', [unitRange('a'), unitRange('b'), unitRange('c')], { samples: n });
    expect(design.blocks).toBe(d + 2);
    expect(design.unit).toHaveLength(n * (d + 2));
    const base = sobolPoints(n, 2 * d);
    for (let k = 0; k < n; k++) {
      const [a, b, ...abs] = design.unit.slice(k * (d + 2), (k + 1) * (d + 2));
      expect(a).toEqual(base[k]!.slice(0, d));
      expect(b).toEqual(base[k]!.slice(d));
      abs.forEach((ab, i) => expect(ab).toEqual(a!.map((x, j) => (j === i ? b![i] : x))));
    }
  });
});

describe('validation', () => {
  it('explains what is wrong', () => {
    expect(() => makeDesign('grid', [{ path: 'modules.x.params.y', min: 0, max: 1, scale: 'log' }])).toThrow('log scale needs min > 0 for modules.x.params.y');
    expect(() => makeDesign('grid', [{ path: 'a', min: 1, max: 1 }])).toThrow('needs max > min');
    expect(() => makeDesign('grid', [unitRange('a'), unitRange('a')])).toThrow('parameter a is listed twice');
    expect(() => makeDesign('grid', [{ path: 'a', values: [] }])).toThrow('needs at least one value');
    expect(() => makeDesign('grid', [])).toThrow('at least one parameter');
    expect(() => makeDesign('random', [unitRange('a')], { samples: 2.5 })).toThrow('random needs samples >= 1, found 2.5');
    expect(() => makeDesign('random', [unitRange('a')], { seed: -1 })).toThrow('seed must be an integer');
    expect(() => makeDesign('morris', [unitRange('a')], { trajectories: 1 })).toThrow('morris needs trajectories >= 2, found 1');
    const huge = Array.from({ length: 9 }, (_, j): Parameter => ({ path: `p${j}`, min: 0, max: 1, levels: 10 }));
    expect(() => makeDesign('grid', huge)).toThrow('grid design would have 1000000000 points');
  });
});
