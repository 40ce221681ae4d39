import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column } from './params.ts';

/**
 * The court blacklist of judgment defaulters: a debt left unpaid for long enough ends in a
 * judgment, and a judgment not complied with in a listing; paying the debt removes it. The law
 * aims at those able to pay who refuse; the simulation knows who could not pay, and counts their
 * listings apart (and, with `ableColumn`, keeps per agent whether its listing was of someone able
 * to pay, the truth an appeal of it is judged by).
 *
 * With `immuneColumn` (kept by `appeals`), an agent immune after a successful appeal is not listed,
 * and is delisted if listed, though its debt stays owed.
 */
export const courtEnforcement = defineModule({
  name: 'court-enforcement',
  title: 'Court blacklist of judgment defaulters',
  summary: 'Lists agents who leave a debt unpaid past a deadline and delists them when it is paid; counts the listed who could not have paid.',
  params: z.strictObject({
    graceDays: z.number().int().min(0).max(65535).default(90).describe('Days a debt may stay unpaid before the agent is listed'),
    ableDays: z.number().min(0).default(180).describe('An agent is able to pay if savings plus this many days of income cover the debt'),
    column: column('listed', 'Column with the listing status'),
    immuneColumn: z.string().optional().describe('Column (u16) that is non-zero while an agent is immune from listing (a won appeal): it is delisted and not listed'),
    ableColumn: z
      .string()
      .optional()
      .describe('Ground-truth column (u8) this module keeps, when given: 1 if the agent could have paid when last listed, 0 if not (a wrongful listing)'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u8', description: 'on the court blacklist' },
      { name: 'unpaidDays', type: 'u16', description: 'days the current debt has been in default' },
      ...(p.ableColumn ? [{ name: p.ableColumn, type: 'u8' as const, truth: true, description: 'could have paid when last listed (ground truth; 0: listed though unable to pay)' }] : []),
    ],
    uses: [
      { name: 'inDefault', type: 'u8' },
      { name: 'debt', type: 'f32' },
      { name: 'savings', type: 'f32' },
      { name: 'income', type: 'f32' },
      ...(p.immuneColumn ? [{ name: p.immuneColumn, type: 'u16' as const }] : []),
    ],
    metrics: [
      { name: 'listed', kind: 'gauge', description: 'agents on the court blacklist' },
      { name: 'newListings', kind: 'counter', description: 'agents listed' },
      { name: 'delistings', kind: 'counter', description: 'agents delisted after paying, or while immune after an appeal' },
      { name: 'listedUnableToPay', kind: 'counter', description: 'listings of agents who could not have paid (ground truth)' },
    ],
    phases: { update: 'lists those in default past the deadline; delists those who paid' },
  }),
  bind(p, w) {
    const listed = w.column(p.column, 'u8');
    const days = w.column('unpaidDays', 'u16');
    const [inDefault, debt, savings, income] = [w.column('inDefault', 'u8'), w.column('debt', 'f32'), w.column('savings', 'f32'), w.column('income', 'f32')];
    const immune = p.immuneColumn ? w.column(p.immuneColumn, 'u16') : undefined;
    const able = p.ableColumn ? w.column(p.ableColumn, 'u8') : undefined;
    const [nListed, nNew, nDel, nUnable] = ['listed', 'newListings', 'delistings', 'listedUnableToPay'].map((name) => w.metric(name));
    return {
      update(lo, hi, _step, t) {
        let on = 0, fresh = 0, off = 0, unable = 0;
        for (let i = lo; i < hi; i++) {
          if (!inDefault[i]) {
            days[i] = 0;
            if (listed[i]) {
              listed[i] = 0;
              off++;
            }
            continue;
          }
          const d = Math.min(days[i]! + 1, 65535);
          days[i] = d;
          if (immune && immune[i]) {
            if (listed[i]) {
              listed[i] = 0;
              off++;
            }
          } else if (!listed[i] && d > p.graceDays) {
            listed[i] = 1;
            fresh++;
            const couldPay = savings[i]! + income[i]! * p.ableDays >= debt[i]!;
            if (!couldPay) unable++;
            if (able) able[i] = couldPay ? 1 : 0;
          }
          on += listed[i]!;
        }
        const m = t.m;
        m[nListed!]! += on;
        m[nNew!]! += fresh;
        m[nDel!]! += off;
        m[nUnable!]! += unable;
      },
    };
  },
});
