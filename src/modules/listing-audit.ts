import { z } from 'zod';
import { defineModule, type MetricSpec } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { column } from './params.ts';

/** The list's metrics, in the order the kernel counts them. */
const LIST_METRICS = [
  { name: 'listedCulpable', kind: 'gauge', description: 'listed agents who committed a serious violation (ground truth)' },
  { name: 'listedInnocent', kind: 'gauge', description: 'listed agents who committed none (ground truth)' },
  { name: 'listingsAudited', kind: 'counter', description: 'listings seen by the audit' },
  { name: 'listingsOfInnocents', kind: 'counter', description: 'listings of agents who committed no serious violation (ground truth)' },
  { name: 'delistingsAudited', kind: 'counter', description: 'delistings seen by the audit' },
  { name: 'daysListedBeforeDelisting', kind: 'counter', description: 'days on the list, summed over delistings' },
] as const satisfies MetricSpec[];

/**
 * The audit of a list against the truth the simulation knows: every day, who is listed and
 * culpable, listed and innocent, culpable and not listed; every listing, whether it was of an
 * innocent; every delisting, after how long. From these the summary computes precision, recall,
 * the wrongful share and the mean time to delisting (docs/audit.md). It changes nothing.
 */
export const listingAudit = defineModule({
  name: 'listing-audit',
  title: 'Listing audit',
  summary: 'Compares a list (blacklist, court list) and the sanctions with ground truth each day: listed culpable, listed innocent, culpable unlisted, time to delisting, sanctioned innocents.',
  params: z.strictObject({
    listedColumn: column('listed', 'Column with the listing status (u8, 1: listed); null: audit sanctions only (a system without a list)').nullable(),
    truthColumn: column('seriousCount', 'Ground-truth column whose non-zero value makes an agent culpable (u8, u16 or i32)'),
    sanctionedColumn: z.string().optional().describe('Column with the sanctions applied today (u16), to count sanctioned innocents'),
  }).refine((p) => p.listedColumn !== null || p.sanctionedColumn !== undefined, { message: 'a listedColumn or a sanctionedColumn to audit', path: ['listedColumn'] }),
  declare: (p) => ({
    columns: p.listedColumn ? [{ name: `${p.listedColumn}Since`, type: 'i32', init: -1, description: `day the agent was last put on ${p.listedColumn} (-1: not listed)` }] : [],
    uses: [
      ...(p.listedColumn ? [{ name: p.listedColumn, type: 'u8' as const }] : []),
      ...(p.sanctionedColumn ? [{ name: p.sanctionedColumn, type: 'u16' as const }] : []),
    ],
    metrics: [
      { name: 'culpableAgents', kind: 'gauge', description: 'agents who committed a serious violation so far (ground truth)' },
      ...(p.listedColumn ? LIST_METRICS : []),
      ...(p.sanctionedColumn ? [{ name: 'sanctionedInnocents', kind: 'gauge' as const, description: 'agents under a sanction who committed no serious violation (ground truth)' }] : []),
    ],
    phases: { adapt: 'compares the day\'s list and sanctions with the truth' },
  }),
  bind(p, w) {
    const listed = p.listedColumn ? w.column(p.listedColumn, 'u8') : new Uint8Array(0);
    const since = p.listedColumn ? w.column(`${p.listedColumn}Since`, 'i32') : new Int32Array(0);
    const hasList = p.listedColumn !== null;
    const type = w.spec(p.truthColumn).type;
    if (type !== 'u8' && type !== 'u16' && type !== 'i32') throw new CompileError(`an integer truth column "${p.truthColumn}"`, `a ${type} column`);
    const truth = w.column(p.truthColumn, type);
    const sanctioned = p.sanctionedColumn ? w.column(p.sanctionedColumn, 'u16') : undefined;
    const culpableSlot = w.metric('culpableAgents');
    const slots = hasList ? LIST_METRICS.map((m) => w.metric(m.name)) : [];
    const innocentsSlot = sanctioned ? w.metric('sanctionedInnocents') : 0;
    return {
      adapt(lo, hi, step, t) {
        let good = 0, bad = 0, culpable = 0, listings = 0, ofInnocents = 0, delistings = 0, daysListed = 0, innocents = 0;
        for (let i = lo; i < hi; i++) {
          const guilty = truth[i] !== 0;
          culpable += guilty ? 1 : 0;
          if (sanctioned && !guilty && sanctioned[i] !== 0) innocents++;
          if (!hasList) continue;
          const on = listed[i] === 1;
          const was = since[i]! >= 0;
          if (on) {
            if (guilty) good++;
            else bad++;
            if (!was) {
              since[i] = step;
              listings++;
              if (!guilty) ofInnocents++;
            }
          } else if (was) {
            delistings++;
            daysListed += step - since[i]!;
            since[i] = -1;
          }
        }
        const m = t.m;
        m[culpableSlot]! += culpable;
        const values = [good, bad, listings, ofInnocents, delistings, daysListed];
        for (let k = 0; k < slots.length; k++) m[slots[k]!]! += values[k]!;
        if (sanctioned) m[innocentsSlot]! += innocents;
      },
    };
  },
});
