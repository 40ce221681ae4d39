import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { knownCategories } from './categories.ts';
import { column, layerName } from './params.ts';
import { compileTriggers, optionalColumn, trigger, triggerUses } from './triggers.ts';

const sanction = z.strictObject({
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a name in camelCase'),
  trigger,
  cost: z.number().int().min(0).default(1).describe('Welfare lost per day under it'),
  spillover: z
    .enum(['none', 'household', 'children'])
    .default('none')
    .describe('Who else it reaches: nobody, the whole household, or the household\'s children (schools)'),
  blocks: z
    .string()
    .optional()
    .describe('Category of act (from the acts column) it forbids: each attempt by an agent under it counts as <name>Blocked'),
});

/** A sanction as a scenario writes it (defaults may be left out). */
export type SanctionConfig = z.input<typeof sanction>;

/**
 * The joint-punishment catalogue: each sanction has a trigger (listed, a grade at or below X, a
 * score below T), a daily cost in welfare, a reach beyond the person (the household, or its
 * children) and possibly an act it forbids (a flight, a train). Everyone it reaches without having
 * triggered it is counted as collateral: punished for nothing they did. src/modules/catalogue.ts
 * holds the 2016 catalogue.
 */
export const sanctions = defineModule({
  name: 'sanctions',
  title: 'Sanctions and their reach',
  summary:
    'Applies each sanction to those who trigger it and, by its spill-over rule, to their households or children; counts welfare lost, acts blocked, and who was punished for nothing they did.',
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
      .describe('The sanctions, each with its trigger, daily cost, spill-over and the act it blocks'),
    household: layerName('household', 'Group layer of households, for spill-over'),
    ageColumn: column('ageBand', 'Column with the age band (0: child), read when a sanction spills over'),
    actsColumn: column('acts', 'Column with today\'s acts, read when a sanction blocks one'),
    inForceColumn: optionalColumn('Column (u8) read per agent: on a day it reads 0 for an agent, no sanction applies to that agent (inForce of approval: the programme in force; enrolled of participation: an opt-in scheme)'),
    column: column('sanctioned', 'Column with the sanctions applied today, bit per sanction'),
    welfareColumn: column('welfareLost', 'Column with the welfare each agent has lost so far'),
  }),
  declare: (p) => {
    const spills = p.sanctions.some((s) => s.spillover !== 'none');
    const blocks = p.sanctions.some((s) => s.blocks !== undefined);
    return {
      columns: [
        { name: p.column, type: 'u16', labels: p.sanctions.map((s) => s.name), description: 'sanctions applied today, bit per sanction' },
        { name: p.welfareColumn, type: 'i32', description: 'welfare lost to sanctions so far' },
      ],
      uses: [
        ...triggerUses(p.sanctions.map((s) => s.trigger)),
        ...(spills ? [{ name: p.ageColumn, type: 'u8' as const }] : []),
        ...(blocks ? [{ name: p.actsColumn, type: 'u8' as const }] : []),
        ...(p.inForceColumn ? [{ name: p.inForceColumn, type: 'u8' as const }] : []),
      ],
      layers: spills ? [p.household] : [],
      metrics: [
        ...p.sanctions.flatMap((s) => [
          { name: `${s.name}Sanctioned`, kind: 'counter' as const, description: `days agents spend under ${s.name} for their own record` },
          { name: `${s.name}Collateral`, kind: 'counter' as const, description: `days agents spend under ${s.name} for a family member's record (ground truth)` },
          ...(s.blocks !== undefined
            ? [{ name: `${s.name}Blocked`, kind: 'counter' as const, description: `attempts at ${s.blocks} refused under ${s.name}, for one's own record or a family member's` }]
            : []),
        ]),
        { name: 'sanctionedAgents', kind: 'gauge', description: 'agents under some sanction for their own record' },
        { name: 'collateralAgents', kind: 'gauge', description: 'agents under some sanction only for a family member\'s record (ground truth)' },
        { name: 'collateralChildren', kind: 'gauge', description: 'children (age band 0) among the collateral agents (ground truth)' },
      ],
      phases: { sanction: 'applies each sanction to those who trigger it and to whom it spills over; counts the acts it blocks' },
    };
  },
  bind(p, w) {
    const applied = w.column(p.column, 'u16');
    const welfare = w.column(p.welfareColumn, 'i32');
    const inForce = p.inForceColumn ? w.column(p.inForceColumn, 'u8') : undefined;
    const K = p.sanctions.length;
    const triggered = compileTriggers(p.sanctions.map((s) => s.trigger), w);
    const cost = Int32Array.from(p.sanctions, (s) => s.cost);
    const maskOf = (f: (s: (typeof p.sanctions)[number]) => boolean) => p.sanctions.reduce((m, s, k) => (f(s) ? m | (1 << k) : m), 0);
    const toHousehold = maskOf((s) => s.spillover === 'household');
    const toChildren = maskOf((s) => s.spillover === 'children');
    const blockMask = maskOf((s) => s.blocks !== undefined);
    const hh = toHousehold | toChildren ? w.layer(p.household) : undefined;
    if (hh && hh.kind !== 'groups') throw new CompileError('a group layer of households for spill-over', `"${p.household}", a ${hh.kind} layer`);
    const age = hh ? w.column(p.ageColumn, 'u8') : undefined;
    const acts = blockMask ? w.column(p.actsColumn, 'u8') : undefined;
    // actBit[k]: the bit of the act sanction k forbids in the acts column (0: none).
    const actBit = new Int32Array(K);
    if (acts) {
      const named = p.sanctions.flatMap((s) => (s.blocks !== undefined ? [s.blocks] : []));
      const labels = knownCategories(w.spec(p.actsColumn).labels, named, 'sanctions', 'blocks');
      p.sanctions.forEach((s, k) => {
        if (s.blocks !== undefined) actBit[k] = 1 << labels.indexOf(s.blocks);
      });
    }
    const own = p.sanctions.map((s) => w.metric(`${s.name}Sanctioned`));
    const coll = p.sanctions.map((s) => w.metric(`${s.name}Collateral`));
    const blk = p.sanctions.map((s) => (s.blocks !== undefined ? w.metric(`${s.name}Blocked`) : -1));
    const [agentsSlot, collateralSlot, childrenSlot] = ['sanctionedAgents', 'collateralAgents', 'collateralChildren'].map((name) => w.metric(name));
    // Per thread: per-sanction counts.
    const counts = new Float64Array(3 * K);
    return {
      sanction(lo, hi, _step, t) {
        // Spill-over reads the household members on either side of the range, so their triggers too.
        const from = hh ? hh.start[hh.groupOf[lo]!]! : lo;
        const to = hh ? hh.start[hh.groupOf[hi - 1]! + 1]! : hi;
        const bits = triggered(from, to);
        counts.fill(0);
        let nOwn = 0, nColl = 0, nChildren = 0;
        for (let i = lo; i < hi; ) {
          // Who in the household triggers which sanction, decided once for all its members.
          let family = 0;
          let end = hi;
          if (hh) {
            const g = hh.groupOf[i]!;
            const e = hh.start[g + 1]!;
            for (let j = hh.start[g]!; j < e; j++) family |= bits[j - from]!;
            if (e < end) end = e;
          }
          for (; i < end; i++) {
            if (inForce && inForce[i] === 0) {
              applied[i] = 0;
              continue;
            }
            const mine = bits[i - from]!;
            const child = age !== undefined && age[i] === 0;
            // Bits set in the family but not in one's own: only a member's record reaches them.
            const theirs = family & ~mine & (toHousehold | (child ? toChildren : 0));
            const now = mine | theirs;
            applied[i] = now;
            if (!now) continue;
            if (mine) nOwn++;
            else {
              nColl++;
              if (child) nChildren++;
            }
            const tried = acts ? acts[i]! : 0;
            let lost = 0;
            for (let r = now; r; r &= r - 1) {
              const k = 31 - Math.clz32(r & -r);
              lost += cost[k]!;
              counts[(mine >> k) & 1 ? k : K + k]! += 1;
              if (tried & actBit[k]!) counts[2 * K + k]! += 1;
            }
            welfare[i]! += lost;
          }
        }
        const m = t.m;
        for (let k = 0; k < K; k++) {
          m[own[k]!]! += counts[k]!;
          m[coll[k]!]! += counts[K + k]!;
          if (blk[k]! >= 0) m[blk[k]!]! += counts[2 * K + k]!;
        }
        m[agentsSlot!]! += nOwn;
        m[collateralSlot!]! += nColl;
        m[childrenSlot!]! += nChildren;
      },
    };
  },
});
