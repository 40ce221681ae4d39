import { z } from 'zod';
import type { WorldView } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { column } from './params.ts';

/** A column a module reads only when the scenario names one. */
export const optionalColumn = (description: string) =>
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a name of letters, digits and _').optional().describe(description);

const exactlyOne = (a: unknown, b: unknown): boolean => (a === undefined) !== (b === undefined);

/**
 * What sets off a sanction or a reward: a flag column (the court list, a redlist), a grade at or
 * below (sanctions) or at or above (rewards) a band, or a score below or at least a threshold.
 */
export const trigger = z.discriminatedUnion('when', [
  z.strictObject({ when: z.literal('listed'), column: column('listed', 'Column with the listing status (1: listed)') }),
  z.strictObject({ when: z.literal('redlisted'), column: column('redlisted', 'Column with the redlist status (1: redlisted)') }),
  z
    .strictObject({
      when: z.literal('grade'),
      atOrBelow: z.string().optional().describe('The best grade that triggers it (worse grades do too)'),
      atOrAbove: z.string().optional().describe('The worst grade that triggers it (better grades do too)'),
      column: column('grade', 'Column with the grade'),
    })
    .refine((t) => exactlyOne(t.atOrBelow, t.atOrAbove), 'either atOrBelow or atOrAbove'),
  z
    .strictObject({
      when: z.literal('score'),
      below: z.number().int().optional().describe('A score below this triggers it'),
      atLeast: z.number().int().optional().describe('A score of at least this triggers it'),
      column: column('score', 'Column with the score'),
    })
    .refine((t) => exactlyOne(t.below, t.atLeast), 'either below or atLeast'),
]);

export type Trigger = z.output<typeof trigger>;

/** The columns a list of triggers reads, each once, for a module's `uses`. */
export function triggerUses(triggers: readonly Trigger[]): { name: string; type: 'u8' | 'i32' }[] {
  // A column read as two types is listed twice, for the compiler to refuse with its own message.
  const uses = new Map<string, { name: string; type: 'u8' | 'i32' }>();
  for (const t of triggers) {
    const type = t.when === 'score' ? 'i32' : 'u8';
    uses.set(`${t.column} ${type}`, { name: t.column, type });
  }
  return [...uses.values()];
}

/**
 * The triggers met by agents lo..hi-1: bit k of result[i - lo] is set when agent i meets trigger k.
 * The result is the caller's thread's own buffer, valid until the next call.
 */
export type TriggerBits = (lo: number, hi: number) => Uint32Array;

type Pass = (lo: number, hi: number, out: Uint32Array) => void;

type Test = { column: string; type: 'u8' | 'i32'; op: 'eq1' | 'lt' | 'ge'; value: number };

/**
 * Compiles triggers into one pass over a column per distinct test: triggers that test the same
 * thing share a pass and a mask, and no function is called per agent.
 */
export function compileTriggers(triggers: readonly Trigger[], w: WorldView): TriggerBits {
  if (triggers.length > 32) throw new RangeError(`at most 32 triggers, got ${triggers.length}`);
  const tests = new Map<string, { test: Test; mask: number }>();
  triggers.forEach((t, k) => {
    const test = testOf(t, w);
    const key = `${test.column} ${test.op} ${test.value}`;
    const entry = tests.get(key) ?? { test, mask: 0 };
    entry.mask |= 1 << k;
    tests.set(key, entry);
  });
  const passes = [...tests.values()].map(({ test, mask }) => pass(test.op, w.column(test.column, test.type), test.value, mask));
  // bind runs on each thread, so each thread grows its own buffer.
  let out = new Uint32Array(4096);
  return (lo, hi) => {
    if (out.length < hi - lo) out = new Uint32Array(hi - lo);
    out.fill(0, 0, hi - lo);
    for (const p of passes) p(lo, hi, out);
    return out;
  };
}

/** A trigger as a comparison on one column; a grade becomes a comparison of its band index (0: best). */
function testOf(t: Trigger, w: WorldView): Test {
  switch (t.when) {
    case 'listed':
    case 'redlisted':
      return { column: t.column, type: 'u8', op: 'eq1', value: 1 };
    case 'score':
      if (t.below !== undefined) return { column: t.column, type: 'i32', op: 'lt', value: t.below };
      return { column: t.column, type: 'i32', op: 'ge', value: t.atLeast! };
    case 'grade': {
      const labels = w.spec(t.column).labels ?? [];
      const name = t.atOrBelow ?? t.atOrAbove!;
      const band = labels.indexOf(name);
      if (band < 0) throw new CompileError(`a grade of "${t.column}" (${labels.join(', ')})`, `"${name}"`);
      // Worse grades have higher indices: at or below band b is index >= b, at or above is index < b + 1.
      if (t.atOrBelow !== undefined) return { column: t.column, type: 'u8', op: 'ge', value: band };
      return { column: t.column, type: 'u8', op: 'lt', value: band + 1 };
    }
  }
}

// One loop per comparison, so the test is not a function call per agent.
function pass(op: Test['op'], col: Uint8Array | Int32Array, value: number, mask: number): Pass {
  switch (op) {
    case 'eq1':
      return (lo, hi, out) => {
        for (let i = lo; i < hi; i++) if (col[i] === 1) out[i - lo]! |= mask;
      };
    case 'lt':
      return (lo, hi, out) => {
        for (let i = lo; i < hi; i++) if (col[i]! < value) out[i - lo]! |= mask;
      };
    case 'ge':
      return (lo, hi, out) => {
        for (let i = lo; i < hi; i++) if (col[i]! >= value) out[i - lo]! |= mask;
      };
  }
}
