import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { column } from './params.ts';

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Who carries the burden: for a group column (registration, ethnicity, age band), counts each day
 * the agents of each group, and those of each group with a non-zero value in each watched column
 * (observed, listed, sanctioned...). Dividing one by the other gives each group's rate, and the
 * ratio of rates between groups is the disparity an audit reports.
 */
export const groupAudit = defineModule({
  name: 'group-audit',
  title: 'Burden by group',
  summary: 'Counts, per group, the agents who are observed, listed, sanctioned (any watched column not zero), beside the size of each group.',
  params: z.strictObject({
    group: column('registration', 'Group column'),
    groups: z.array(z.string()).min(1).max(255).default(['urban', 'rural']).describe('Its groups, in order, as the module that made the column names them'),
    watch: z
      .array(z.strictObject({ column: z.string(), type: z.enum(['u8', 'u16']).default('u8') }))
      .min(1)
      .max(16)
      .default([{ column: 'observedActs', type: 'u8' }, { column: 'listed', type: 'u8' }, { column: 'sanctioned', type: 'u16' }])
      .describe('Columns counted where not zero'),
  }),
  declare: (p) => {
    const by = capital(p.group);
    return {
      uses: [{ name: p.group, type: 'u8' }, ...p.watch.map((x) => ({ name: x.column, type: x.type }))],
      metrics: [
        { name: `agentsBy${by}`, kind: 'histogram', description: `agents in each ${p.group} group`, bins: p.groups },
        ...p.watch.map((x) => ({ name: `${x.column}By${by}`, kind: 'histogram' as const, description: `agents with ${x.column} not zero, per ${p.group} group`, bins: p.groups })),
      ],
      phases: { sanction: `counts agents and their burdens per ${p.group} group` },
    };
  },
  bind(p, w) {
    const labels = w.spec(p.group).labels;
    if (labels && labels.join() !== p.groups.join()) {
      throw new CompileError(`group-audit groups as the column "${p.group}" names them (${labels.join(', ')})`, p.groups.join(', '));
    }
    const group = w.column(p.group, 'u8');
    const by = capital(p.group);
    const size = w.metric(`agentsBy${by}`);
    const watched = p.watch.map((x) => ({ col: x.type === 'u16' ? w.column(x.column, 'u16') : w.column(x.column, 'u8'), slot: w.metric(`${x.column}By${by}`) }));
    const last = p.groups.length - 1;
    return {
      sanction(lo, hi, _step, t) {
        const m = t.m;
        for (let i = lo; i < hi; i++) {
          const g = Math.min(group[i]!, last);
          m[size + g]! += 1;
          for (let k = 0; k < watched.length; k++) if (watched[k]!.col[i]) m[watched[k]!.slot + g]! += 1;
        }
      },
    };
  },
});
