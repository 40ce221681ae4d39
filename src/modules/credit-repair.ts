import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { cumulativeThresholds } from '../core/rng/threshold.ts';
import { column, points, stream } from './params.ts';

const YEAR = 365;

const kind = z.strictObject({
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a name in camelCase'),
  rate: z.number().min(0).max(1).describe('Daily probability for an eligible agent'),
  points: z.number().int().min(0).describe('Points it earns'),
  cost: z.number().min(0).default(0).describe('Money it costs, from savings (yuan; only with a savings column)'),
  effort: z.number().int().min(0).default(0).describe('Welfare it costs (time, standing in line, humiliation), in the units of sanctions\' welfare costs'),
});

/**
 * The official route back: an agent with a low score, or listed, may do what the rules accept as
 * repair (volunteering, training courses, donations, paid commercial "credit repair"; fact sheet
 * A4 [S51], 2.821 M exits through repair in 2024 [S46]). Each earns points, up to a cap per year,
 * at a cost in money, which only those with savings can pay, or in welfare. What repair costs, and
 * who can afford the quick paid route, is what the audit of this module looks at.
 */
export const creditRepair = defineModule({
  name: 'credit-repair',
  title: 'Credit repair',
  summary: 'Agents with a low score or on a list do repair acts (volunteering, training, donations, paid repair) that earn points up to a yearly cap, at a cost in money or welfare.',
  params: z.strictObject({
    kinds: z
      .array(kind)
      .min(1)
      .max(16)
      .default([
        { name: 'volunteering', rate: 0.01, points: 5, cost: 0, effort: 2 },
        { name: 'training', rate: 0.003, points: 20, cost: 300, effort: 5 },
        { name: 'donation', rate: 0.003, points: 10, cost: 500, effort: 0 },
        { name: 'commercialRepair', rate: 0.001, points: 50, cost: 3000, effort: 0 },
      ])
      .refine((ks) => new Set(ks.map((k) => k.name)).size === ks.length, 'kind names that differ')
      .refine((ks) => ks.reduce((s, k) => s + k.rate, 0) <= 1, 'rates adding up to at most 1 (one repair act a day)')
      .describe('Kinds of repair act, at most one a day per agent (illustrative rates, points and costs)'),
    below: points(600, 'Agents with a score below this may repair (illustrative: the blacklist\'s default threshold)'),
    yearlyCap: z.number().int().min(0).default(100).describe('Points an agent may earn by repair in a year of 365 days (illustrative)'),
    scoreColumn: column('score', 'Column with the score (i32), when the scenario has one'),
    listedColumn: column('listed', 'Column with a listing status (u8), when the scenario has one: the listed may repair too'),
    pendingColumn: column('pending', 'Ledger accumulator the points go to'),
    savingsColumn: column('savings', 'Column (f32) with the savings that must cover a money cost, when the scenario has one'),
    expensesColumn: column('expenses', 'Accumulator (i32, economy\'s) money costs are added to, paid from savings at the end of the day'),
    column: column('repairedThisYear', 'Column with the points each agent has earned by repair this year'),
    effortColumn: column('repairEffort', 'Column with the welfare each agent has spent on repair so far'),
    stream: stream(81, 'Stream deciding the repair acts'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'i32', description: `points earned by repair this year (cap ${p.yearlyCap})` },
      { name: p.effortColumn, type: 'i32', description: 'welfare spent on repair so far' },
    ],
    uses: [
      { name: p.scoreColumn, type: 'i32', optional: true },
      { name: p.listedColumn, type: 'u8', optional: true },
      { name: p.pendingColumn, type: 'i32' },
      ...(p.kinds.some((k) => k.cost > 0)
        ? [
            { name: p.savingsColumn, type: 'f32' as const, optional: true },
            { name: p.expensesColumn, type: 'i32' as const, optional: true },
          ]
        : []),
    ],
    streams: [p.stream],
    metrics: [
      { name: 'repairActs', kind: 'counter', description: 'repair acts done' },
      { name: 'pointsRepaired', kind: 'counter', description: 'points earned by repair' },
      { name: 'repairSpending', kind: 'counter', description: 'money spent on repair (yuan, rounded per act)' },
      { name: 'repairWelfare', kind: 'counter', description: 'welfare spent on repair' },
      ...p.kinds.map((k) => ({ name: `${k.name}Repairs`, kind: 'counter' as const, description: `repair acts of kind ${k.name}` })),
    ],
    phases: { act: 'eligible agents may do one repair act, earning points into the ledger' },
  }),
  bind(p, w) {
    const score = w.maybeColumn(p.scoreColumn, 'i32');
    const listed = w.maybeColumn(p.listedColumn, 'u8');
    if (!score && !listed) throw new CompileError(`a score column "${p.scoreColumn}" or a listing column "${p.listedColumn}" for credit-repair`, 'neither');
    const pending = w.column(p.pendingColumn, 'i32');
    const savings = p.kinds.some((k) => k.cost > 0) ? w.maybeColumn(p.savingsColumn, 'f32') : undefined;
    const expenses = savings ? w.maybeColumn(p.expensesColumn, 'i32') : undefined;
    const repaired = w.column(p.column, 'i32');
    const effort = w.column(p.effortColumn, 'i32');
    const kinds = p.kinds;
    const n = kinds.length;
    // A last kind "nothing" takes the rest of the probability, so one word picks at most one act.
    const rest = 1 - kinds.reduce((s, k) => s + k.rate, 0);
    const cum = cumulativeThresholds([...kinds.map((k) => k.rate), Math.max(0, rest)]);
    const pts = Int32Array.from(kinds, (k) => k.points);
    const cost = Float64Array.from(kinds, (k) => k.cost);
    const welfare = Int32Array.from(kinds, (k) => k.effort);
    const kindSlots = kinds.map((k) => w.metric(`${k.name}Repairs`));
    const [actsSlot, pointsSlot, spendSlot, effortSlot] = ['repairActs', 'pointsRepaired', 'repairSpending', 'repairWelfare'].map((name) => w.metric(name));
    const { below, yearlyCap: cap, stream: s } = p;
    return {
      act(lo, hi, step, t) {
        // Every agent's year starts on the same day, so the cap resets for all at once.
        if (step % YEAR === 0) repaired.fill(0, lo, hi);
        const words = t.words;
        const m = t.m;
        let done = 0, earned = 0, spent = 0, spentEffort = 0;
        for (let i = lo; i < hi; i++) {
          if (!((score && score[i]! < below) || (listed && listed[i]))) continue;
          const room = cap - repaired[i]!;
          if (room <= 0) continue;
          const u = words.at(i, step, s).next();
          let k = 0;
          while (u >= cum[k]!) k++;
          if (k === n) continue;
          // Those who cannot pay are left with the free routes.
          if (savings && cost[k]! > savings[i]!) continue;
          const got = pts[k]! < room ? pts[k]! : room;
          Atomics.add(pending, i, got);
          repaired[i] = repaired[i]! + got;
          effort[i] = effort[i]! + welfare[k]!;
          if (expenses) Atomics.add(expenses, i, Math.round(cost[k]!));
          done++;
          earned += got;
          spent += savings ? Math.round(cost[k]!) : 0;
          spentEffort += welfare[k]!;
          m[kindSlots[k]!]! += 1;
        }
        m[actsSlot!]! += done;
        m[pointsSlot!]! += earned;
        m[spendSlot!]! += spent;
        m[effortSlot!]! += spentEffort;
      },
    };
  },
});
