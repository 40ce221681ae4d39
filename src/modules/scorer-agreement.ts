import { z } from 'zod';
import { defineModule, type WorldView } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { column } from './params.ts';

// The same three kinds of trigger as a sanction's, so a flag here means what a sanction there would.
const flag = z.discriminatedUnion('when', [
  z.strictObject({ when: z.literal('listed'), column: column('listed', 'Column with the listing status') }),
  z.strictObject({
    when: z.literal('grade'),
    atOrBelow: z.string().describe('The best grade that flags (worse grades do too)'),
    column: column('grade', 'Column with the grade'),
  }),
  z.strictObject({ when: z.literal('score'), below: z.number().int(), column: column('score', 'Column with the score') }),
]);

type Flag = z.output<typeof flag>;

/**
 * Two scorers judging one population (the state's points and a private score, or one score with
 * and without a group-biased dimension): whom each flags, and how far they agree. If two systems
 * that both claim to measure trustworthiness flag different people, at least one of them is
 * measuring something else.
 */
export const scorerAgreement = defineModule({
  name: 'scorer-agreement',
  title: 'Agreement between two scorers',
  summary: 'Counts the agents flagged by each of two scorers (listed, graded at or below X, scored below T) and by both, from which their disagreement follows.',
  params: z.strictObject({
    a: flag.default({ when: 'listed', column: 'listed' }).describe('First scorer\'s flag, as a sanction trigger (default: on the blacklist)'),
    b: flag
      .default({ when: 'score', below: 600, column: 'sesame' })
      .describe('Second scorer\'s flag, as a sanction trigger (default: a private score below 600, the common deposit-free threshold [S64][S65])'),
    among: z.string().optional().describe('Column (u8) of the agents compared, e.g. those enrolled in the private score (none: everyone)'),
    prefix: z
      .string()
      .regex(/^[a-z][A-Za-z0-9]*$/, 'a name in camelCase')
      .optional()
      .describe('Prefix of the metric names, so two comparisons can coexist (e.g. "sesame": sesameFlaggedA)'),
  }),
  declare: (p) => {
    const name = metricNames(p.prefix);
    return {
      uses: [useOf(p.a), useOf(p.b), ...(p.among ? [{ name: p.among, type: 'u8' as const }] : [])],
      metrics: [
        { name: name.compared, kind: 'gauge', description: 'agents compared' },
        { name: name.a, kind: 'gauge', description: `agents flagged by A (${describeFlag(p.a)})` },
        { name: name.b, kind: 'gauge', description: `agents flagged by B (${describeFlag(p.b)})` },
        { name: name.both, kind: 'gauge', description: 'agents flagged by both A and B' },
      ],
      phases: { sanction: 'compares the two scorers\' flags on each agent' },
    };
  },
  bind(p, w) {
    const flagA = flagOf(p.a, w);
    const flagB = flagOf(p.b, w);
    const among = p.among ? w.column(p.among, 'u8') : undefined;
    const name = metricNames(p.prefix);
    const [compared, a, b, both] = [w.metric(name.compared), w.metric(name.a), w.metric(name.b), w.metric(name.both)];
    return {
      // In sanction, every score, grade and listing of the day is final and nobody writes them.
      sanction(lo, hi, _step, t) {
        let nC = 0, nA = 0, nB = 0, nAB = 0;
        for (let i = lo; i < hi; i++) {
          if (among && among[i] === 0) continue;
          nC++;
          const x = flagA(i);
          const y = flagB(i);
          if (x) nA++;
          if (y) nB++;
          if (x && y) nAB++;
        }
        const m = t.m;
        m[compared]! += nC;
        m[a]! += nA;
        m[b]! += nB;
        m[both]! += nAB;
      },
    };
  },
});

function metricNames(prefix: string | undefined) {
  const named = (s: string): string => (prefix ? `${prefix}${s[0]!.toUpperCase()}${s.slice(1)}` : s);
  return { compared: named('compared'), a: named('flaggedA'), b: named('flaggedB'), both: named('flaggedBoth') };
}

function useOf(f: Flag): { name: string; type: 'u8' | 'i32' } {
  return { name: f.column, type: f.when === 'score' ? 'i32' : 'u8' };
}

function describeFlag(f: Flag): string {
  switch (f.when) {
    case 'listed':
      return `${f.column} set`;
    case 'grade':
      return `${f.column} at or below ${f.atOrBelow}`;
    case 'score':
      return `${f.column} below ${f.below}`;
  }
}

// The logic of the sanctions module's triggerOf, so both read a trigger the same way.
function flagOf(f: Flag, w: WorldView): (i: number) => boolean {
  switch (f.when) {
    case 'listed': {
      const listed = w.column(f.column, 'u8');
      return (i) => listed[i] === 1;
    }
    case 'score': {
      const score = w.column(f.column, 'i32');
      const below = f.below;
      return (i) => score[i]! < below;
    }
    case 'grade': {
      const labels = w.spec(f.column).labels ?? [];
      const from = labels.indexOf(f.atOrBelow);
      if (from < 0) throw new CompileError(`a grade of "${f.column}" (${labels.join(', ')})`, `"${f.atOrBelow}"`);
      const grade = w.column(f.column, 'u8');
      return (i) => grade[i]! >= from;
    }
  }
}
