import { z } from 'zod';
import { defineModule, type WorldView } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { column, layerName } from './params.ts';

const trigger = z.discriminatedUnion('when', [
  z.strictObject({ when: z.literal('listed'), column: column('listed', 'Column with the listing status') }),
  z.strictObject({
    when: z.literal('grade'),
    atOrBelow: z.string().describe('The best grade that triggers it (worse grades do too)'),
    column: column('grade', 'Column with the grade'),
  }),
  z.strictObject({ when: z.literal('score'), below: z.number().int(), column: column('score', 'Column with the score') }),
]);

const sanction = z.strictObject({
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a name in camelCase'),
  trigger,
  cost: z.number().int().min(0).default(1).describe('Welfare lost per day under it'),
  spillover: z
    .enum(['none', 'household', 'children'])
    .default('none')
    .describe('Who else it reaches: nobody, the whole household, or the household\'s children (schools)'),
});

/**
 * The joint-punishment catalogue: each sanction has a trigger (listed, a grade at or below X, a
 * score below T), a daily cost in welfare, and a reach beyond the person (the household, or its
 * children). Everyone it reaches without having triggered it is counted as collateral: punished
 * for nothing they did.
 */
export const sanctions = defineModule({
  name: 'sanctions',
  title: 'Sanctions and their reach',
  summary: 'Applies each sanction to those who trigger it and, by its spill-over rule, to their households or children; counts welfare lost and who was punished for nothing they did.',
  params: z.strictObject({
    sanctions: z
      .array(sanction)
      .min(1)
      .max(16)
      .default([
        { name: 'flights', trigger: { when: 'listed', column: 'listed' }, cost: 3, spillover: 'none' },
        { name: 'highSpeedRail', trigger: { when: 'listed', column: 'listed' }, cost: 2, spillover: 'none' },
        { name: 'privateSchools', trigger: { when: 'listed', column: 'listed' }, cost: 5, spillover: 'children' },
      ])
      .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'sanction names that differ')
      .describe('The sanctions, each with its trigger, daily cost and spill-over'),
    household: layerName('household', 'Group layer of households, for spill-over'),
    ageColumn: column('ageBand', 'Column with the age band (0: child), for spill-over onto children'),
    column: column('sanctioned', 'Column with the sanctions applied today, bit per sanction'),
    welfareColumn: column('welfareLost', 'Column with the welfare each agent has lost so far'),
  }),
  declare: (p) => {
    const spills = p.sanctions.some((s) => s.spillover !== 'none');
    const children = p.sanctions.some((s) => s.spillover === 'children');
    return {
      columns: [
        { name: p.column, type: 'u16', labels: p.sanctions.map((s) => s.name), description: 'sanctions applied today, bit per sanction' },
        { name: p.welfareColumn, type: 'i32', description: 'welfare lost to sanctions so far' },
      ],
      uses: [
        ...p.sanctions.map((s) => ({ name: s.trigger.column, type: s.trigger.when === 'score' ? ('i32' as const) : ('u8' as const) })),
        ...(children ? [{ name: p.ageColumn, type: 'u8' as const }] : []),
      ],
      layers: spills ? [p.household] : [],
      metrics: p.sanctions.flatMap((s) => [
        { name: `${s.name}Sanctioned`, kind: 'counter' as const, description: `days agents spend under ${s.name} for their own record` },
        { name: `${s.name}Collateral`, kind: 'counter' as const, description: `days agents spend under ${s.name} for a family member's record (ground truth)` },
      ]),
      phases: { sanction: 'applies each sanction to those who trigger it and to whom it spills over' },
    };
  },
  bind(p, w) {
    const applied = w.column(p.column, 'u16');
    const welfare = w.column(p.welfareColumn, 'i32');
    const list = p.sanctions.map((s) => ({
      triggered: triggerOf(s.trigger, w),
      cost: s.cost,
      spill: s.spillover,
      own: w.metric(`${s.name}Sanctioned`),
      collateral: w.metric(`${s.name}Collateral`),
    }));
    const spills = list.some((s) => s.spill !== 'none');
    const hh = spills ? w.layer(p.household) : undefined;
    if (hh && hh.kind !== 'groups') throw new CompileError('a group layer of households for spill-over', `"${p.household}", a ${hh.kind} layer`);
    const age = list.some((s) => s.spill === 'children') ? w.column(p.ageColumn, 'u8') : undefined;
    return {
      sanction(lo, hi, _step, t) {
        const m = t.m;
        for (let i = lo; i < hi; i++) {
          let bits = 0;
          let lost = 0;
          for (let k = 0; k < list.length; k++) {
            const s = list[k]!;
            let hit = s.triggered(i);
            if (hit) m[s.own]! += 1;
            else if (hh && s.spill !== 'none' && (s.spill === 'household' || age![i] === 0)) {
              const g = hh.groupOf[i]!;
              for (let j = hh.start[g]!, e = hh.start[g + 1]!; j < e && !hit; j++) hit = j !== i && s.triggered(j);
              if (hit) m[s.collateral]! += 1;
            }
            if (hit) {
              bits |= 1 << k;
              lost += s.cost;
            }
          }
          applied[i] = bits;
          welfare[i]! += lost;
        }
      },
    };
  },
});

function triggerOf(t: z.output<typeof trigger>, w: WorldView): (i: number) => boolean {
  switch (t.when) {
    case 'listed': {
      const listed = w.column(t.column, 'u8');
      return (i) => listed[i] === 1;
    }
    case 'score': {
      const score = w.column(t.column, 'i32');
      return (i) => score[i]! < t.below;
    }
    case 'grade': {
      const labels = w.spec(t.column).labels ?? [];
      const from = labels.indexOf(t.atOrBelow);
      if (from < 0) throw new CompileError(`a grade of "${t.column}" (${labels.join(', ')})`, `"${t.atOrBelow}"`);
      const grade = w.column(t.column, 'u8');
      return (i) => grade[i]! >= from;
    }
  }
}
