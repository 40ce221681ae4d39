import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import type { Layer } from '../core/network/layers.ts';
import { column, layerName } from './params.ts';

/**
 * Joint punishment: a listed agent is sanctioned every day it stays listed, and the sanctions
 * spill over onto the people it is tied to in one layer (its household, by default), who did
 * nothing themselves.
 */
export const jointPunishment = defineModule({
  name: 'joint-punishment',
  title: 'Joint punishment and family spill-over',
  summary:
    'Counts the days listed agents are sanctioned and the days their family members are punished with them for nothing they did.',
  params: z.strictObject({
    spillover: z.boolean().default(true).describe('Whether sanctions reach the members of a listed agent\'s group'),
    layer: layerName('household', 'Layer whose members share the sanctions'),
    listedColumn: column('listed', 'Column with the listing status'),
  }),
  declare: (p) => ({
    uses: [{ name: p.listedColumn, type: 'u8' }],
    layers: p.spillover ? [p.layer] : [],
    metrics: [
      { name: 'sanctionedDays', kind: 'counter', description: 'days listed agents spend under sanctions' },
      { name: 'collateralDays', kind: 'counter', description: 'days unlisted agents are punished because someone in their group is listed' },
    ],
    phases: { sanction: 'sanctions listed agents and, through spill-over, their groups' },
  }),
  bind(p, w) {
    const listed = w.column(p.listedColumn, 'u8');
    const touched = p.spillover ? anyTieListed(w.layer(p.layer), listed) : () => false;
    const [sanctioned, collateral] = [w.metric('sanctionedDays'), w.metric('collateralDays')];
    return {
      sanction(lo, hi, _step, t) {
        let nS = 0, nC = 0;
        for (let i = lo; i < hi; i++) {
          if (listed[i]) nS++;
          else if (touched(i)) nC++;
        }
        t.m[sanctioned]! += nS;
        t.m[collateral]! += nC;
      },
    };
  },
});

function anyTieListed(layer: Layer, listed: Uint8Array): (i: number) => boolean {
  switch (layer.kind) {
    case 'groups': {
      const { start, groupOf } = layer;
      return (i) => {
        const g = groupOf[i]!;
        for (let j = start[g]!, e = start[g + 1]!; j < e; j++) if (listed[j]) return true;
        return false;
      };
    }
    case 'csr': {
      const { offsets, targets } = layer;
      return (i) => {
        for (let e = offsets[i]!; e < offsets[i + 1]!; e++) if (listed[targets[e]!]) return true;
        return false;
      };
    }
    case 'slots': {
      const { targets, degree, capacity } = layer;
      return (i) => {
        for (let s = i * capacity, e = s + degree[i]!; s < e; s++) if (listed[targets[s]!]) return true;
        return false;
      };
    }
  }
}
