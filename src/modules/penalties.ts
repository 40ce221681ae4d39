import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column } from './params.ts';
import { knownCategories } from './categories.ts';

/**
 * The points an observed act costs, by category (a Rongcheng-style deduction table). It books them
 * into the ledger's accumulator the same day, and keeps, as ground truth, how many of those points
 * were taken for lawful acts.
 */
export const penalties = defineModule({
  name: 'penalties',
  title: 'Penalties by category',
  summary: 'Deducts points for each observed act according to its category; counts the points taken for lawful expression.',
  params: z.strictObject({
    points: z
      .record(z.string(), z.number().int())
      .default({ fraud: 100, judgmentDefault: 100, jaywalking: 5, petition: 50, criticism: 20 })
      .describe('Points deducted per observed act, by category (negative: points added)'),
    lawful: z.array(z.string()).default(['petition', 'criticism']).describe('Categories that are lawful expression'),
    actsColumn: column('acts', 'Column with the acts, whose categories name the bits'),
    column: column('penalizedActs', 'Column with the acts that cost points today, bit per category'),
    observedColumn: column('observedActs', 'Column with the acts observed today'),
    pendingColumn: column('pending', 'Ledger accumulator the deductions go to'),
  }),
  declare: (p) => ({
    columns: [{ name: p.column, type: 'u8', description: 'acts that cost points today, bit per category as in the acts column' }],
    uses: [
      { name: p.actsColumn, type: 'u8' },
      { name: p.observedColumn, type: 'u8' },
      { name: p.pendingColumn, type: 'i32' },
    ],
    metrics: [
      { name: 'pointsDeducted', kind: 'counter', description: 'points deducted for observed acts' },
      { name: 'pointsAwarded', kind: 'counter', description: 'points added for observed acts (negative points)' },
      { name: 'pointsForLawfulActs', kind: 'counter', description: 'points deducted for lawful expression (ground truth)' },
    ],
    phases: { act: 'deducts the points of each act observed today' },
  }),
  bind(p, w) {
    const seen = w.column(p.observedColumn, 'u8');
    const penalized = w.column(p.column, 'u8');
    const pending = w.column(p.pendingColumn, 'i32');
    const categories = knownCategories(w.spec(p.actsColumn).labels, [...Object.keys(p.points), ...p.lawful], 'penalties', 'points');
    // For every possible set of observed acts: the points it costs, the points it earns, the part
    // of the cost for lawful acts, and which of the acts cost anything.
    const costly = categories.reduce((m, c, k) => ((p.points[c] ?? 0) > 0 ? m | (1 << k) : m), 0);
    const cost = new Int32Array(256);
    const award = new Int32Array(256);
    const lawfulCost = new Int32Array(256);
    for (let mask = 1; mask < 256; mask++) {
      categories.forEach((c, k) => {
        if (!(mask & (1 << k))) return;
        const x = p.points[c] ?? 0;
        if (x > 0) cost[mask]! += x;
        else award[mask]! -= x;
        if (p.lawful.includes(c) && x > 0) lawfulCost[mask]! += x;
      });
    }
    const [deducted, awarded, lawful] = [w.metric('pointsDeducted'), w.metric('pointsAwarded'), w.metric('pointsForLawfulActs')];
    return {
      act(lo, hi, _step, t) {
        let total = 0, given = 0, forLawful = 0;
        for (let i = lo; i < hi; i++) {
          const s = seen[i]!;
          penalized[i] = s & costly;
          if (!s) continue;
          // Not this module's column: accumulators are only ever added to atomically.
          Atomics.add(pending, i, award[s]! - cost[s]!);
          total += cost[s]!;
          given += award[s]!;
          forLawful += lawfulCost[s]!;
        }
        t.m[deducted]! += total;
        t.m[awarded]! += given;
        t.m[lawful]! += forLawful;
      },
    };
  },
});
