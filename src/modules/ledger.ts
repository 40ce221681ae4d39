import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column, points } from './params.ts';

const recovery = (every: number, description: string) =>
  z
    .strictObject({
      points: z.number().int().min(0).default(1).describe('Points recovered'),
      every: z.number().int().min(1).default(every).describe('Recover on every n-th day (days n-1, 2n-1, ...)'),
    })
    .prefault({})
    .describe(description);

/**
 * A points ledger (Rongcheng-style): everyone starts with the same score; deductions and rewards
 * accumulate during the day and are booked at once; scores recover slowly and stay within bounds.
 */
export const ledger = defineModule({
  name: 'ledger',
  title: 'Points ledger',
  summary: 'Keeps each agent\'s score: books the day\'s deductions and rewards, adds slow recovery, clamps to the bounds.',
  params: z.strictObject({
    start: points(1000, 'Score every agent starts with'),
    min: points(0, 'Lowest possible score'),
    max: points(1000, 'Highest possible score'),
    recovery: recovery(4, 'Recovery while not listed'),
    listedRecovery: recovery(1, 'Recovery while on the blacklist (credit repair)'),
    column: column('score', 'Column with the score'),
    pendingColumn: column('pending', 'Accumulator of the day\'s deductions and rewards'),
    listedColumn: column('listed', 'Blacklist status column, when a blacklist is present'),
    histogramBins: z.number().int().min(0).max(1000).default(0).describe('Bins of the daily score histogram over [min, max] (0: none)'),
  }).refine((p) => p.min <= p.max, { message: 'min <= max', path: ['max'] }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'i32', init: p.start, description: 'credit score' },
      { name: p.pendingColumn, type: 'i32', accumulator: true, description: 'points to book at the end of the day' },
    ],
    uses: [{ name: p.listedColumn, type: 'u8', optional: true }],
    metrics: [
      { name: 'scoreSum', kind: 'gauge', description: 'sum of all scores after booking' },
      ...(p.histogramBins ? [{ name: 'scoreHistogram', kind: 'histogram' as const, description: 'agents per score band', bins: bands(p) }] : []),
    ],
    phases: { update: 'books pending points, adds recovery and clamps the score' },
  }),
  bind(p, w) {
    const score = w.column(p.column, 'i32');
    const pending = w.column(p.pendingColumn, 'i32');
    const listed = w.maybeColumn(p.listedColumn, 'u8');
    const { min, max } = p;
    const slot = w.metric('scoreSum');
    const bins = p.histogramBins;
    const hist = bins ? w.metric('scoreHistogram') : 0;
    const width = (max - min + 1) / bins;
    const due = (r: { every: number; points: number }, step: number): number => ((step + 1) % r.every === 0 ? r.points : 0);
    return {
      update(lo, hi, step, t) {
        const free = due(p.recovery, step);
        const onList = due(p.listedRecovery, step);
        let sum = 0;
        for (let i = lo; i < hi; i++) {
          let s = score[i]! + pending[i]! + (listed && listed[i] ? onList : free);
          pending[i] = 0;
          s = s < min ? min : s > max ? max : s;
          score[i] = s;
          sum += s;
          if (bins) t.m[hist + Math.floor((s - min) / width)]! += 1;
        }
        t.m[slot]! += sum;
      },
    };
  },
});

/** Labels of the histogram's bins: equal bands of [min, max], e.g. "0-99". */
function bands(p: { min: number; max: number; histogramBins: number }): string[] {
  const width = (p.max - p.min + 1) / p.histogramBins;
  return Array.from({ length: p.histogramBins }, (_, b) => `${Math.ceil(p.min + b * width)}-${Math.ceil(p.min + (b + 1) * width) - 1}`);
}
