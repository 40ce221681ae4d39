import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { compileWorld, type ModuleUse } from '../src/core/engine/world.ts';
import { csrFromPairs } from '../src/core/network/csr.ts';
import { stochasticBlock } from '../src/core/network/generators/index.ts';
import { Rng } from '../src/core/rng/threefry.ts';
import { MODULES } from '../src/modules/index.ts';
import { runScenario } from '../validation/lab.ts';
import { REPRODUCTIONS } from '../validation/registry.ts';
import { runReproduction } from '../validation/suite.ts';
import { analyticWindow, cascadeFrequency, cascadeSize, meanDegreeFor } from '../validation/watts-2002.ts';

/** The fast subset of the validation suite (validation/run.ts --fast), and the threshold-cascade module it rests on. */

describe('validation suite (fast)', () => {
  for (const r of REPRODUCTIONS) {
    it(`${r.name} reproduces the paper`, async () => {
      const result = await runReproduction(r, { fast: true });
      expect(result.outcome.rows.filter((row) => row.pass === false)).toEqual([]);
      expect(result.pass).toBe(true);
    }, 60_000);
  }
});

const use = (params: Record<string, unknown>): ModuleUse => ({ id: 'threshold-cascade', module: 'threshold-cascade', params: MODULES['threshold-cascade']!.params.parse(params) });

describe('threshold-cascade', () => {
  it('spreads one tie a day along a path when half the contacts suffice', () => {
    const n = 9;
    const days = 12;
    const pairs = new Int32Array(2 * (n - 1));
    for (let i = 0; i < n - 1; i++) [pairs[2 * i], pairs[2 * i + 1]] = [i, i + 1];
    const w = compileWorld(MODULES, { n, days, seed: 5n }, [use({ threshold: 0.5 })], { contacts: { streams: [], build: () => csrFromPairs(n, pairs) } });
    const driver = new LocalDriver(w, MODULES);
    driver.advanceSync(days);
    const day = Array.from(w.columns.adoptedDay!.array);
    const seed = day.indexOf(0);
    expect(seed).toBeGreaterThanOrEqual(0);
    // Yesterday's states decide today's: the agent k ties away adopts on day k.
    expect(day).toEqual(day.map((_, i) => Math.abs(i - seed)));
    expect(Array.from(w.columns.adopted!.array)).toEqual(new Array(n).fill(1));
    const metric = (name: string, d: number): number => driver.series[d * w.metricWidth + w.metrics.find((m) => m.name === name)!.slot]!;
    for (let d = 0; d < days; d++) {
      expect(metric('newAdopters', d)).toBe(day.filter((x) => x === d).length);
      expect(metric('adopters', d)).toBe(day.filter((x) => x <= d).length);
    }
  });

  it('stops where the threshold is not met', () => {
    // A star: a leaf adopts once the hub (agent 0) has; the hub, with 8 contacts, needs 2 of them at 0.18.
    const n = 9;
    const pairs = new Int32Array(2 * (n - 1));
    for (let i = 1; i < n; i++) [pairs[2 * i - 2], pairs[2 * i - 1]] = [0, i];
    const seen = new Set<string>();
    for (let seed = 1n; seed <= 40n; seed++) {
      const w = compileWorld(MODULES, { n, days: 5, seed }, [use({ threshold: 0.18 })], { contacts: { streams: [], build: () => csrFromPairs(n, pairs) } });
      new LocalDriver(w, MODULES).advanceSync(5);
      const day = Array.from(w.columns.adoptedDay!.array);
      const first = day.indexOf(0);
      if (first === 0) {
        seen.add('hub');
        expect(day).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1]);
      } else {
        seen.add('leaf');
        expect(day).toEqual(day.map((_, i) => (i === first ? 0 : -1)));
      }
    }
    expect(seen).toEqual(new Set(['hub', 'leaf']));
  });

  it('is the same on 1, 2 and 3 threads, on fixed and on changing layers', async () => {
    const n = 30_011;
    const scenario = {
      version: 1,
      name: 'cascade-threads',
      agents: n,
      days: 40,
      seed: 3,
      layers: {
        contacts: { generator: 'stochastic-block', shares: [1], meanDegree: 3, homophily: 1, stream: 1 },
        ring: { generator: 'ring-rewire', degree: 4, rewire: 0.3, stream: 2 },
      },
      modules: [
        { module: 'threshold-cascade', params: { threshold: { distribution: 'normal', mean: 0.2, sd: 0.05 }, seedCount: 3 } },
        {
          module: 'threshold-cascade',
          id: 'quiet',
          params: { threshold: { distribution: 'uniform', min: 0.1, max: 0.4 }, seedCount: 0, seedFraction: 0.01, layer: 'ring', column: 'quiet', dayColumn: 'quietDay', thresholdColumn: 'quietThreshold', setupStream: 91 },
        },
      ],
      output: { stateHash: ['adoptedDay', 'threshold', 'quietDay', 'quietThreshold'] },
    };
    const one = await runScenario(scenario, 'cascade-threads');
    expect(one.summary.adopters).toBeGreaterThan(0.5 * n);
    expect(one.summary.quietAdopters).toBeGreaterThan(0);
    expect(one.summary.newAdopters).toBe(one.summary.adopters);
    for (const t of [2, 3]) {
      const other = await runScenario(scenario, 'cascade-threads', t);
      expect({ hash: other.stateHash, series: other.series }).toEqual({ hash: one.stateHash, series: one.series });
    }
  });
});

describe('the Watts reproduction\'s ingredients', () => {
  it('gets an Erdős–Rényi graph from a one-group stochastic-block layer', () => {
    const n = 20_000;
    const z = 4;
    const layer = stochasticBlock(n, { groupOf: new Uint8Array(n), meanDegree: meanDegreeFor(z, n), homophily: 1 }, new Rng(8n), 1);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const k = layer.offsets[i + 1]! - layer.offsets[i]!;
      sum += k;
      squares += k * k;
    }
    const mean = sum / n;
    // Binomial(n - 1, z / (n - 1)): mean z, variance z (1 - z / (n - 1)); sampling error about 0.015 and 0.05.
    expect(Math.abs(mean - z)).toBeLessThan(0.06);
    expect(Math.abs(squares / n - mean * mean - z)).toBeLessThan(0.2);
  });

  it('computes the cascade window and the theory\'s curves', () => {
    const { lower, upper } = analyticWindow(0.18, Infinity);
    // z e^-z (1 + z + z^2/2 + z^3/6) = 1 for phi = 0.18 (vulnerable up to degree 5).
    for (const z of [lower, upper]) expect(z * Math.exp(-z) * (1 + z + (z * z) / 2 + (z * z * z) / 6)).toBeCloseTo(1, 9);
    expect(lower).toBeCloseTo(1.0207, 4);
    expect(upper).toBeCloseTo(5.7647, 4);
    expect(cascadeFrequency(0.5, 0.18, Infinity)).toBeCloseTo(0, 9);
    expect(cascadeSize(8, 0.18, Infinity)).toBe(0);
    // Low in the window nearly everyone is vulnerable: a global cascade is the giant component, S = 1 - e^(-z S) (0.583 at z = 1.5).
    expect(cascadeSize(1.5, 0.18, Infinity)).toBeCloseTo(0.5828, 2);
    expect(cascadeFrequency(3, 0.18, Infinity)).toBeGreaterThan(0.8);
  });
});
