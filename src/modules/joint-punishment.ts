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
    const [sanctioned, collateral] = [w.metric('sanctionedDays'), w.metric('collateralDays')];
    const count = p.spillover ? spillCounter(w.layer(p.layer), listed) : ownCounter(listed);
    return {
      sanction(lo, hi, _step, t) {
        count(lo, hi, t.m, sanctioned, collateral);
      },
    };
  },
});

/** Adds agents lo..hi-1 that are listed to m[s], and those punished through a tie to m[c]. */
type Counter = (lo: number, hi: number, m: Float64Array, s: number, c: number) => void;

function ownCounter(listed: Uint8Array): Counter {
  return (lo, hi, m, s) => {
    let nS = 0;
    for (let i = lo; i < hi; i++) nS += listed[i]!;
    m[s]! += nS;
  };
}

// One loop per layer shape, with no call per agent: this runs for every agent every day.
function spillCounter(layer: Layer, listed: Uint8Array): Counter {
  switch (layer.kind) {
    case 'groups': {
      const { start, groupOf } = layer;
      // Group by group: whether anyone in it is listed is decided once for all its members.
      return (lo, hi, m, s, c) => {
        let nS = 0, nC = 0;
        for (let i = lo; i < hi; ) {
          const g = groupOf[i]!;
          let any = 0;
          for (let j = start[g]!, e = start[g + 1]!; j < e; j++) any |= listed[j]!;
          const end = Math.min(start[g + 1]!, hi);
          for (; i < end; i++) {
            const l = listed[i]!;
            nS += l;
            nC += any & (l ^ 1);
          }
        }
        m[s]! += nS;
        m[c]! += nC;
      };
    }
    case 'csr': {
      const { offsets, targets } = layer;
      return (lo, hi, m, s, c) => {
        let nS = 0, nC = 0;
        for (let i = lo; i < hi; i++) {
          if (listed[i]) {
            nS++;
            continue;
          }
          for (let e = offsets[i]!, end = offsets[i + 1]!; e < end; e++) {
            if (listed[targets[e]!]) {
              nC++;
              break;
            }
          }
        }
        m[s]! += nS;
        m[c]! += nC;
      };
    }
    case 'slots': {
      const { targets, degree, capacity } = layer;
      return (lo, hi, m, s, c) => {
        let nS = 0, nC = 0;
        for (let i = lo; i < hi; i++) {
          if (listed[i]) {
            nS++;
            continue;
          }
          for (let e = i * capacity, end = e + degree[i]!; e < end; e++) {
            if (listed[targets[e]!]) {
              nC++;
              break;
            }
          }
        }
        m[s]! += nS;
        m[c]! += nC;
      };
    }
  }
}
