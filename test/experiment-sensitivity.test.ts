import { describe, expect, it } from 'vitest';
import { makeDesign, type Design } from '../src/experiment/design.ts';
import { mainEffects, morrisIndices, sobolIndices } from '../src/experiment/sensitivity.ts';
import { ci95, mean, pairedCi95, sd, tQuantile975 } from '../src/experiment/stats.ts';

const evaluate = (design: Design, f: (x: number[]) => number): number[] => design.points.map((p) => f(p as number[]));

describe('morrisIndices', () => {
  const design = makeDesign(
    'morris',
    [
      { path: 'x1', min: -1, max: 1 },
      { path: 'x2', min: 0, max: 1 },
      { path: 'x3', min: 0, max: 1 },
    ],
    { trajectories: 20, seed: 4 },
  );
  const y = evaluate(design, ([x1, , x3]) => 2 * x1! + x3! ** 2);

  it('measures effects on the unit scale and ranks them', () => {
    const [x1, x2, x3] = morrisIndices(design, y);
    // x1 spans 2 units, so its effect across the unit range is 2 * 2.
    expect(x1!.path).toBe('x1');
    expect(x1!.mu).toBeCloseTo(4, 10);
    expect(x1!.muStar).toBeCloseTo(4, 10);
    expect(x1!.sigma).toBeCloseTo(0, 10);
    expect(x2).toEqual({ path: 'x2', mu: 0, muStar: 0, sigma: 0 });
    // x3²'s slope between grid points x and x + 2/3 is 2x + 2/3, for x in {0, 1/3}.
    expect(x3!.muStar).toBeGreaterThanOrEqual(2 / 3 - 1e-12);
    expect(x3!.muStar).toBeLessThanOrEqual(4 / 3 + 1e-12);
    expect(x3!.mu).toBeCloseTo(x3!.muStar, 12);
    expect(x3!.sigma).toBeGreaterThan(0);
    expect(x1!.muStar).toBeGreaterThan(x3!.muStar);
    expect(x3!.muStar).toBeGreaterThan(x2!.muStar);
  });

  it('keeps the sign of a decreasing effect in mu but not in muStar', () => {
    const [x1] = morrisIndices(design, evaluate(design, ([x1]) => -3 * x1!));
    expect(x1!.mu).toBeCloseTo(-6, 10);
    expect(x1!.muStar).toBeCloseTo(6, 10);
  });

  it('refuses the wrong design or the wrong number of outputs', () => {
    const grid = makeDesign('grid', [{ path: 'a', values: [1, 2] }]);
    expect(() => morrisIndices(grid, [1, 2])).toThrow('Morris indices need a morris design, found grid');
    expect(() => morrisIndices(design, y.slice(1))).toThrow(`expected one output per design point (${y.length}), found ${y.length - 1}`);
    expect(() => morrisIndices(design, y.map((v, k) => (k === 3 ? NaN : v)))).toThrow('output at design point 3 is NaN');
  });
});

describe('sobolIndices', () => {
  const ishigami = ([x1, x2, x3]: number[]): number => Math.sin(x1!) + 7 * Math.sin(x2!) ** 2 + 0.1 * x3! ** 4 * Math.sin(x1!);
  const range = (path: string) => ({ path, min: -Math.PI, max: Math.PI });
  const design = makeDesign('saltelli', [range('x1'), range('x2'), range('x3')], { samples: 4096 });
  const y = evaluate(design, ishigami);
  const indices = sobolIndices(design, y);

  it('recovers the analytic indices of the Ishigami function', () => {
    const first = [0.3139, 0.4424, 0];
    const total = [0.5576, 0.4424, 0.2437];
    indices.forEach((s, i) => {
      expect(s.path).toBe(`x${i + 1}`);
      expect(Math.abs(s.first - first[i]!)).toBeLessThan(0.03);
      expect(Math.abs(s.total - total[i]!)).toBeLessThan(0.03);
      // The 95% bootstrap intervals cover the truth here (deterministic: fixed design and seed).
      expect(first[i]!).toBeGreaterThan(s.firstCi[0]);
      expect(first[i]!).toBeLessThan(s.firstCi[1]);
      expect(total[i]!).toBeGreaterThan(s.totalCi[0]);
      expect(total[i]!).toBeLessThan(s.totalCi[1]);
    });
  });

  it('gives bootstrap intervals around the estimates, reproducible from the seed', () => {
    for (const s of indices) {
      expect(s.firstCi[0]).toBeLessThanOrEqual(s.first);
      expect(s.firstCi[1]).toBeGreaterThanOrEqual(s.first);
      expect(s.totalCi[0]).toBeLessThanOrEqual(s.total);
      expect(s.totalCi[1]).toBeGreaterThanOrEqual(s.total);
      expect(s.firstCi[1] - s.firstCi[0]).toBeGreaterThan(0);
      expect(s.firstCi[1] - s.firstCi[0]).toBeLessThan(0.2);
    }
    expect(sobolIndices(design, y, { bootstrap: 50, seed: 9 })).toEqual(sobolIndices(design, y, { bootstrap: 50, seed: 9 }));
    expect(sobolIndices(design, y, { bootstrap: 50, seed: 9 })).not.toEqual(sobolIndices(design, y, { bootstrap: 50, seed: 10 }));
    expect(sobolIndices(design, y, { bootstrap: 0 })[0]!.firstCi).toEqual([NaN, NaN]);
  });

  it('refuses the wrong design', () => {
    const sobol = makeDesign('sobol', [range('x1')], { samples: 8 });
    expect(() => sobolIndices(sobol, new Array<number>(8).fill(0))).toThrow('Sobol indices need a saltelli design, found sobol');
    expect(() => sobolIndices(design, y.slice(0, 10))).toThrow('expected one output per design point');
  });
});

describe('mainEffects', () => {
  it('gives the extreme group means of each parameter on a grid', () => {
    const design = makeDesign('grid', [
      { path: 'a', min: 0, max: 2, levels: 3 },
      { path: 'b', values: ['x', 'y'] },
    ]);
    const y = design.points.map(([a, b]) => 10 * (a as number) + (b === 'x' ? 1 : 0) - (a === 1 ? 30 : 0));
    expect(mainEffects(design, y)).toEqual([
      { path: 'a', low: -19.5, lowAt: 1, high: 20.5, highAt: 2 },
      { path: 'b', low: 0, lowAt: 'y', high: 1, highAt: 'x' },
    ]);
  });
});

describe('stats', () => {
  it('computes exact t quantiles', () => {
    // scipy.stats.t.ppf(0.975, df)
    const reference: [number, number][] = [
      [1, 12.706204736174694],
      [2, 4.302652729749462],
      [3, 3.1824463052837078],
      [10, 2.228138851986274],
      [30, 2.0422724563012378],
      [2000, 1.9611508260994377],
      [Infinity, 1.959963984540054],
    ];
    for (const [df, t] of reference) expect(Math.abs(tQuantile975(df) - t)).toBeLessThan(1e-9);
    expect(() => tQuantile975(0)).toThrow('df > 0');
  });

  it('gives t intervals for a mean and for paired differences', () => {
    expect(mean([1, 2, 3, 4, 5])).toBe(3);
    expect(sd([1, 2, 3, 4, 5])).toBeCloseTo(1.5811388300841898, 14);
    expect(sd([4])).toBe(0);
    const c = ci95([1, 2, 3, 4, 5]);
    expect(c.n).toBe(5);
    expect(c.lo).toBeCloseTo(1.0367568385224428, 12);
    expect(c.hi).toBeCloseTo(4.963243161477557, 12);
    const single = ci95([7]);
    expect(single.mean).toBe(7);
    expect(single.lo).toBeNaN();
    expect(single.hi).toBeNaN();
    const p = pairedCi95([1, 2, 3, 4], [1.5, 2.7, 3.2, 4.9]);
    expect(p.mean).toBeCloseTo(0.575, 12);
    expect(p.lo).toBeCloseTo(0.09984822600135401, 12);
    expect(p.hi).toBeCloseTo(1.0501517739986463, 12);
    expect(() => pairedCi95([1, 2], [1])).toThrow('same length, found 2 and 1');
  });
});
