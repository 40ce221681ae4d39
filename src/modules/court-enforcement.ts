import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column } from './params.ts';

/**
 * The court blacklist of judgment defaulters: a debt left unpaid for long enough ends in a
 * judgment, and a judgment not complied with in a listing; paying the debt removes it. The law
 * aims at those able to pay who refuse; the simulation knows who could not pay, and counts their
 * listings apart.
 */
export const courtEnforcement = defineModule({
  name: 'court-enforcement',
  title: 'Court blacklist of judgment defaulters',
  summary: 'Lists agents who leave a debt unpaid past a deadline and delists them when it is paid; counts the listed who could not have paid.',
  params: z.strictObject({
    graceDays: z.number().int().min(0).max(65535).default(90).describe('Days a debt may stay unpaid before the agent is listed'),
    ableDays: z.number().min(0).default(180).describe('An agent is able to pay if savings plus this many days of income cover the debt'),
    column: column('listed', 'Column with the listing status'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u8', description: 'on the court blacklist' },
      { name: 'unpaidDays', type: 'u16', description: 'days the current debt has been in default' },
    ],
    uses: [
      { name: 'inDefault', type: 'u8' },
      { name: 'debt', type: 'f32' },
      { name: 'savings', type: 'f32' },
      { name: 'income', type: 'f32' },
    ],
    metrics: [
      { name: 'listed', kind: 'gauge', description: 'agents on the court blacklist' },
      { name: 'newListings', kind: 'counter', description: 'agents listed' },
      { name: 'delistings', kind: 'counter', description: 'agents delisted after paying' },
      { name: 'listedUnableToPay', kind: 'counter', description: 'listings of agents who could not have paid (ground truth)' },
    ],
    phases: { update: 'lists those in default past the deadline; delists those who paid' },
  }),
  bind(p, w) {
    const listed = w.column(p.column, 'u8');
    const days = w.column('unpaidDays', 'u16');
    const [inDefault, debt, savings, income] = [w.column('inDefault', 'u8'), w.column('debt', 'f32'), w.column('savings', 'f32'), w.column('income', 'f32')];
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
          if (!listed[i] && d > p.graceDays) {
            listed[i] = 1;
            fresh++;
            if (savings[i]! + income[i]! * p.ableDays < debt[i]!) unable++;
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
