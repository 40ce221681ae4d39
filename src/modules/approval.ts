import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { truthParams } from './appeals.ts';
import { knownCategories } from './categories.ts';
import { column, probability } from './params.ts';
import { neighbours } from '../core/network/neighbours.ts';

/**
 * Public approval of the programme, driven by perceived fairness: seeing an innocent contact
 * punished (a wrongful listing, a child barred from school for a parent's record) costs approval,
 * seeing a culpable one punished earns a little, and being punished oneself for nothing costs most.
 * Approval drifts back toward where it started. Once the population's mean approval has stayed
 * below a threshold long enough, the programme is abandoned for good, as Suining's was after the
 * backlash ([S80][S82]; the abandonment itself is reported only in secondary sources).
 *
 * The day's approval needs the day's sanctions, so it is computed in `adapt` and summed in a tally.
 * Whether the programme is in force on day d must be the same in every phase of day d, so it is
 * decided in `act`, from the tallies of earlier days; every agent decides the same, and holds the
 * answer in `inForce` for the modules that stop when it is 0 (their `inForceColumn`).
 */
export const approval = defineModule({
  name: 'approval',
  title: 'Public approval and abandonment',
  summary:
    'Each agent\'s approval of the programme falls when it or its contacts are sanctioned without being culpable, rises a little when the culpable are; the programme is abandoned once mean approval stays below a threshold.',
  params: z.strictObject({
    start: probability(0.8, 'Approval every agent starts with and drifts back to: about 80% approved in Kostka\'s survey [S99]'),
    wrongful: z.number().min(0).max(1).default(0.02).describe('Approval lost for each contact sanctioned today who is innocent by the truth column (illustrative)'),
    rightful: z.number().min(0).max(1).default(0.005).describe('Approval gained for each contact sanctioned today who is culpable (illustrative)'),
    own: z.number().min(0).max(1).default(0.2).describe('Approval lost on a day the agent itself is sanctioned while innocent (illustrative)'),
    recovery: probability(0.01, 'Share of the gap to the start value that approval recovers each day (illustrative)'),
    layer: z.string().optional().describe('Layer of contacts whose sanctions the agent sees, of any kind (none: only its own)'),
    sanctionedColumn: column('sanctioned', 'Column with the sanctions applied today (u16, from sanctions)'),
    unjustPoints: z
      .strictObject({
        categories: z.array(z.string()).min(1).describe('Categories of acts (lawful expression, e.g. petition) whose punishment people see as unjust'),
        column: column('penalizedActs', 'Column with the acts that cost points today, bit per category (from penalties)'),
        actsColumn: column('acts', 'Column with the acts, whose labels name the categories'),
      })
      .optional()
      .describe('Points taken for these acts count like a sanction of an innocent, for the agent and its contacts (Suining\'s points for petitions [S82])'),
    ...truthParams,
    abandonBelow: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Mean approval below which, held for abandonDays consecutive days, the programme is abandoned the next day (absent: never; illustrative)'),
    launch: z.number().int().min(0).default(0).describe('Day the programme comes into force; before it nothing it governs applies (a counterfactual sets it beyond the horizon)'),
    abandonDays: z.number().int().min(1).default(30).describe('Consecutive days of mean approval below abandonBelow that end the programme (illustrative)'),
    column: column('approval', 'Column with each agent\'s approval, in [0, 1]'),
    inForceColumn: column('inForce', 'Column that is 1 while the programme is in force, the same for every agent'),
    tally: column('approval', 'Tally of round(1000 x approval) summed over agents, each day'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'f32', init: p.start, description: 'approval of the programme, in [0, 1]' },
      { name: p.inForceColumn, type: 'u8', init: 1, description: 'the programme is in force today (the same for every agent)' },
    ],
    uses: [
      { name: p.sanctionedColumn, type: 'u16' },
      { name: p.truthColumn, type: p.truthType },
      ...(p.unjustPoints ? [{ name: p.unjustPoints.column, type: 'u8' as const }, { name: p.unjustPoints.actsColumn, type: 'u8' as const }] : []),
    ],
    layers: p.layer ? [p.layer] : [],
    tallies: [{ name: p.tally, description: 'sum over agents of round(1000 x approval), after the day\'s sanctions' }],
    metrics: [
      { name: 'approvalIndex', kind: 'gauge', description: 'sum over agents of round(1000 x approval) (1000 n: everyone approves fully)' },
      { name: 'programmeInForce', kind: 'gauge', description: 'agents for whom the programme is in force today (n, or 0 from the day it is abandoned)' },
    ],
    phases: {
      act: 'decides from earlier days\' approval whether the programme is still in force',
      adapt: 'moves approval by the fairness of the sanctions the agent saw today; sums it',
    },
  }),
  bind(p, w) {
    const approval = w.column(p.column, 'f32');
    const inForce = w.column(p.inForceColumn, 'u8');
    const sanctioned = w.column(p.sanctionedColumn, 'u16');
    const truth = w.column(p.truthColumn, p.truthType);
    const tally = w.tally(p.tally);
    const layer = p.layer ? w.layer(p.layer) : undefined;
    const [indexSlot, inForceSlot] = [w.metric('approvalIndex'), w.metric('programmeInForce')];
    const { start, wrongful, rightful, own, recovery, abandonBelow, abandonDays } = p;
    // Mean approval below abandonBelow, as a bound on the tally's integer sum.
    const limit = abandonBelow === undefined ? 0 : abandonBelow * 1000 * w.n;
    const unjust = p.unjustPoints;
    const penalized = unjust ? w.column(unjust.column, 'u8') : undefined;
    const labels = unjust ? knownCategories(w.spec(unjust.actsColumn).labels, unjust.categories, 'approval', 'unjustPoints.categories') : [];
    const unjustMask = unjust ? unjust.categories.reduce((m, c) => m | (1 << labels.indexOf(c)), 0) : 0;
    // Wronged today: sanctioned while innocent, or punished for an act seen as lawful.
    const wronged = (j: number): boolean => (sanctioned[j] !== 0 && truth[j] === 0) || (penalized !== undefined && (penalized[j]! & unjustMask) !== 0);
    // Contacts seen today: [wronged, sanctioned and culpable]. bind runs on each thread, so this is its own.
    const seen = new Int32Array(2);
    const see = (j: number): void => {
      if (wronged(j)) seen[0]!++;
      else if (sanctioned[j] !== 0) seen[1]!++;
    };
    const contacts = layer ? neighbours(layer) : undefined;
    const span = new Int32Array(2);
    const seeContacts = (i: number): void => {
      seen[0] = 0;
      seen[1] = 0;
      if (!contacts) return;
      const { row, ids } = contacts;
      row(i, span);
      for (let e = span[0]!, end = span[1]!; e < end; e++) {
        const j = ids ? ids[e]! : e;
        if (j !== i) see(j);
      }
    };
    return {
      act(lo, hi, step, t) {
        // Once per call: every agent holds the same value, so the first one's yesterday is everyone's.
        let on = step < p.launch ? 0 : step === p.launch ? 1 : inForce[lo]!;
        if (on && abandonBelow !== undefined && step - abandonDays >= p.launch) {
          let below = true;
          for (let d = step - abandonDays; d < step && below; d++) below = tally.total(d) < limit;
          if (below) on = 0;
        }
        inForce.fill(on, lo, hi);
        t.m[inForceSlot]! += on * (hi - lo);
      },
      adapt(lo, hi, step, t) {
        let sum = 0;
        for (let i = lo; i < hi; i++) {
          seeContacts(i);
          const a = approval[i]!;
          let x = a + (start - a) * recovery - wrongful * seen[0]! + rightful * seen[1]!;
          if (wronged(i)) x -= own;
          approval[i] = x < 0 ? 0 : x > 1 ? 1 : x;
          sum += Math.round(1000 * approval[i]!);
        }
        tally.add(step, sum);
        t.m[indexSlot]! += sum;
      },
    };
  },
});
