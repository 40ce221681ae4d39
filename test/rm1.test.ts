import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goldens, outcome, runBuiltin } from './helpers.ts';

describe('RM-1 through the engine matches the C reference goldens exactly', () => {
  for (const [file, g] of goldens) {
    for (const threads of [1, 2, 3]) {
      it(`${file} on ${threads} thread(s)`, async () => {
        const doc = await runBuiltin('rm1', { agents: g.n, days: g.days, seed: g.seed }, threads);
        expect(doc.stateHash).toBe(g.stateHash);
        expect(doc.totals).toEqual(g.totals);
        expect(doc.daily).toEqual(g.daily);
      });
    }
  }
});

describe('thread count never changes a result', () => {
  it('random sizes, seeds, parameters and thread counts give the same outcome as one thread', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Up to several ranges of agents per thread and phase, so threads share phases.
        fc.integer({ min: 1, max: 40_000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
        fc.integer({ min: 2, max: 4 }),
        fc.double({ min: 0.001, max: 0.2, noNaN: true }),
        async (agents, days, seed, threads, rate) => {
          // A high violation rate so that short runs list, delist and spill over.
          const overrides = { agents, days, seed: seed.toString(), set: [`modules.rule-breaking.params.rates=[${rate}]`] };
          const one = await runBuiltin('rm1', overrides, 1);
          const many = await runBuiltin('rm1', overrides, threads);
          expect(outcome(many)).toEqual(outcome(one));
        },
      ),
      { numRuns: 12, seed: 20261127 },
    );
  });
});
