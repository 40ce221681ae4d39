import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column, days, points } from './params.ts';

/**
 * A blacklist triggered by a score threshold, for a fixed period, extended while the score has not
 * recovered. It keeps, as ground truth, the points each agent lost to accepted false reports since
 * its last delisting: a listing that those points alone caused is counted as wrongful.
 *
 * With `immuneColumn` (kept by `appeals`), an agent immune after a successful appeal is not listed,
 * and is delisted if listed: the list has one writer, so an appeal acts through it.
 */
export const blacklist = defineModule({
  name: 'blacklist',
  title: 'Blacklist',
  summary:
    'Lists an agent whose score falls below a threshold for a fixed period, extends the listing while the score stays low, and counts listings caused only by false reports.',
  params: z.strictObject({
    below: points(600, 'A score below this lists an agent'),
    days: days(180, 'Length of a listing'),
    extend: days(30, 'Extension when the score has not recovered by the end of a listing'),
    scoreColumn: column('score', 'Column with the score'),
    column: column('listed', 'Column with the listing status'),
    untilColumn: column('listedUntil', 'Column with the day a listing is reviewed'),
    falsePointsColumn: column('falsePoints', 'Accumulator of points lost to accepted false reports'),
    immuneColumn: z.string().optional().describe('Column (u16) that is non-zero while an agent is immune from listing (a won appeal): it is delisted and not listed'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u8', description: 'on the blacklist' },
      { name: p.untilColumn, type: 'i32', description: 'day the listing is reviewed' },
      {
        name: p.falsePointsColumn,
        type: 'i32',
        accumulator: true,
        truth: true,
        description: 'points lost to accepted false reports since the last delisting (ground truth)',
      },
    ],
    uses: [{ name: p.scoreColumn, type: 'i32' }, ...(p.immuneColumn ? [{ name: p.immuneColumn, type: 'u16' as const }] : [])],
    metrics: [
      { name: 'listed', kind: 'gauge', description: 'agents on the blacklist' },
      { name: 'newListings', kind: 'counter', description: 'agents put on the blacklist' },
      { name: 'wrongfulListings', kind: 'counter', description: 'listings that would not have happened without false reports' },
      { name: 'delistings', kind: 'counter', description: 'agents taken off the blacklist' },
    ],
    phases: { update: 'lists agents below the threshold; reviews listings that are due' },
  }),
  bind(p, w) {
    const score = w.column(p.scoreColumn, 'i32');
    const listed = w.column(p.column, 'u8');
    const until = w.column(p.untilColumn, 'i32');
    const falsePts = w.column(p.falsePointsColumn, 'i32');
    const immune = p.immuneColumn ? w.column(p.immuneColumn, 'u16') : undefined;
    const { below, days: period, extend } = p;
    const [listedSlot, newSlot, wrongSlot, delSlot] = ['listed', 'newListings', 'wrongfulListings', 'delistings'].map((name) => w.metric(name));
    return {
      update(lo, hi, step, t) {
        let nListed = 0, nNew = 0, nWrong = 0, nDel = 0;
        for (let i = lo; i < hi; i++) {
          const s = score[i]!;
          if (immune && immune[i]) {
            if (listed[i]) {
              listed[i] = 0;
              falsePts[i] = 0;
              nDel++;
            }
          } else if (!listed[i]) {
            if (s < below) {
              listed[i] = 1;
              until[i] = step + period;
              nNew++;
              if (s + falsePts[i]! >= below) nWrong++;
            }
          } else if (step >= until[i]!) {
            if (s >= below) {
              listed[i] = 0;
              falsePts[i] = 0;
              nDel++;
            } else until[i] = step + extend;
          }
          nListed += listed[i]!;
        }
        const m = t.m;
        m[listedSlot!]! += nListed;
        m[newSlot!]! += nNew;
        m[wrongSlot!]! += nWrong;
        m[delSlot!]! += nDel;
      },
    };
  },
});
