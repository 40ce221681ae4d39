import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { compileTriggers, trigger, triggerUses, type Trigger } from './triggers.ts';

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
    a: trigger.default({ when: 'listed', column: 'listed' }).describe('First scorer\'s flag, as a sanction trigger (default: on the blacklist)'),
    b: trigger
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
      uses: [...triggerUses([p.a, p.b]), ...(p.among ? [{ name: p.among, type: 'u8' as const }] : [])],
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
    // Bit 0: flagged by A, bit 1: by B, as a sanction with the same trigger would read it.
    const flags = compileTriggers([p.a, p.b], w);
    const among = p.among ? w.column(p.among, 'u8') : undefined;
    const name = metricNames(p.prefix);
    const [compared, a, b, both] = [w.metric(name.compared), w.metric(name.a), w.metric(name.b), w.metric(name.both)];
    return {
      // In sanction, every score, grade and listing of the day is final and nobody writes them.
      sanction(lo, hi, _step, t) {
        let nC = 0, nA = 0, nB = 0, nAB = 0;
        const bits = flags(lo, hi);
        for (let i = lo; i < hi; i++) {
          if (among && among[i] === 0) continue;
          nC++;
          const f = bits[i - lo]!;
          nA += f & 1;
          nB += f >> 1;
          if (f === 3) nAB++;
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

function describeFlag(f: Trigger): string {
  switch (f.when) {
    case 'listed':
    case 'redlisted':
      return `${f.column} set`;
    case 'grade':
      return f.atOrBelow !== undefined ? `${f.column} at or below ${f.atOrBelow}` : `${f.column} at or above ${f.atOrAbove!}`;
    case 'score':
      return f.below !== undefined ? `${f.column} below ${f.below}` : `${f.column} at least ${f.atLeast!}`;
  }
}
