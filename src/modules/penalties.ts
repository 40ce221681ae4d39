import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column } from './params.ts';
import { knownCategories } from './categories.ts';

/**
 * The points an observed act costs, by category (a Rongcheng-style deduction table). It books them
 * into the ledger's accumulator the same day, and keeps, as ground truth, how many of those points
 * were taken for lawful acts.
 *
 * Records are kept forever unless `expiry` is given, as in the dang'an; with it, the points of a
 * record are given back once that many days pass without a new deduction, the retention rule that
 * decides how long one offence follows a person. While the programme is not in force
 * (`inForceColumn`, kept by `approval`), nothing costs or earns points.
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
    expiry: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Days without a new deduction after which the points of a record are given back (absent: records are kept forever; illustrative)'),
    recordColumn: column('pointsOnRecord', 'Column with the deducted points still on record (with expiry)'),
    lastDeductionColumn: column('lastDeduction', 'Column with the day of the last deduction (with expiry)'),
    inForceColumn: z.string().optional().describe('Column (u8) that is 0 while the programme is not in force: then no act costs or earns points'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u8', description: 'acts that cost points today, bit per category as in the acts column' },
      ...(p.expiry !== undefined
        ? [
            { name: p.recordColumn, type: 'i32' as const, description: `points deducted and not yet given back (records expire after ${p.expiry} days without a deduction)` },
            { name: p.lastDeductionColumn, type: 'i32' as const, init: -1, description: 'day of the last deduction (-1: none)' },
          ]
        : []),
    ],
    uses: [
      { name: p.actsColumn, type: 'u8' },
      { name: p.observedColumn, type: 'u8' },
      { name: p.pendingColumn, type: 'i32' },
      ...(p.inForceColumn ? [{ name: p.inForceColumn, type: 'u8' as const }] : []),
    ],
    metrics: [
      { name: 'pointsDeducted', kind: 'counter', description: 'points deducted for observed acts' },
      { name: 'pointsAwarded', kind: 'counter', description: 'points added for observed acts (negative points)' },
      { name: 'pointsForLawfulActs', kind: 'counter', description: 'points deducted for lawful expression (ground truth)' },
      ...(p.expiry !== undefined
        ? [
            { name: 'pointsExpired', kind: 'counter' as const, description: 'points given back because a record expired' },
            { name: 'agentsWithRecord', kind: 'gauge' as const, description: 'agents with deducted points on record' },
          ]
        : []),
    ],
    phases: { act: `deducts the points of each act observed today${p.expiry !== undefined ? '; gives back the points of records that expire' : ''}` },
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
    const inForce = p.inForceColumn ? w.column(p.inForceColumn, 'u8') : undefined;
    const expiry = p.expiry;
    if (expiry === undefined) {
      return {
        act(lo, hi, _step, t) {
          let total = 0, given = 0, forLawful = 0;
          for (let i = lo; i < hi; i++) {
            // Set earlier in this phase by approval, which a scenario places before penalties.
            const s = inForce && !inForce[i] ? 0 : seen[i]!;
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
    }
    const record = w.column(p.recordColumn, 'i32');
    const last = w.column(p.lastDeductionColumn, 'i32');
    const [expired, withRecord] = [w.metric('pointsExpired'), w.metric('agentsWithRecord')];
    return {
      act(lo, hi, step, t) {
        let total = 0, given = 0, forLawful = 0, back = 0, holding = 0;
        for (let i = lo; i < hi; i++) {
          // Expiry before today's deductions: a deduction on the day a record expires starts a new
          // record rather than keeping the old one alive.
          let r = record[i]!;
          if (r !== 0 && step - last[i]! >= expiry) {
            Atomics.add(pending, i, r);
            back += r;
            r = 0;
          }
          const s = inForce && !inForce[i] ? 0 : seen[i]!;
          penalized[i] = s & costly;
          if (s) {
            Atomics.add(pending, i, award[s]! - cost[s]!);
            total += cost[s]!;
            given += award[s]!;
            forLawful += lawfulCost[s]!;
            // Awards are not offset against the record: a good deed does not erase an offence.
            const c = cost[s]!;
            if (c) {
              r += c;
              last[i] = step;
            }
          }
          record[i] = r;
          if (r !== 0) holding++;
        }
        t.m[deducted]! += total;
        t.m[awarded]! += given;
        t.m[lawful]! += forLawful;
        t.m[expired]! += back;
        t.m[withRecord]! += holding;
      },
    };
  },
});
