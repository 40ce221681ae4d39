import { z } from 'zod';
import { DICE_STRIDE as CHUNK, defineModule } from '../core/engine/module.ts';
import { maxDegree, neighbours } from '../core/network/neighbours.ts';
import { Dice } from '../core/rng/dice.ts';
import { threshold } from '../core/rng/threshold.ts';
import { popcount } from './acts.ts';
import { knownCategories } from './categories.ts';
import { column, days, layerName, probability } from './params.ts';

/** Why a report was filed; the index of its metric. */
const TRUE = 0, GRUDGE = 1, FABRICATED = 2, RETALIATION = 3;

/**
 * Rewarded citizen reporting with motives. Agents report acts they witness among their contacts,
 * more often the larger the reward; some also report a contact they bear a grudge against, or any
 * contact, only for the reward; someone penalised on a report learns who filed it and may strike
 * back. Reports are verified imperfectly, so the rewards also pay for false accusations, which are
 * kept apart as ground truth.
 */
export const citizenReporting = defineModule({
  name: 'citizen-reporting',
  title: 'Citizen reporting with motives',
  summary:
    'Agents report their contacts for a reward: acts they witnessed, and false reports out of a grudge, for the reward alone, or in retaliation for being reported; imperfect verification books penalties and rewards.',
  params: z.strictObject({
    layer: layerName('contacts', 'Network layer (any kind) whose members watch and report each other'),
    reportable: z
      .array(z.string())
      .min(1)
      .default(['judgmentDefault', 'fraud'])
      .describe('Categories of acts (as named by the acts column) the system invites reports of; lawful ones may be listed too. Default: debtors able to pay, as on the court "deadbeat map" apps [S40]'),
    witness: probability(0.2, 'Probability that a contact\'s reportable act is witnessed (illustrative)'),
    report: probability(0.1, 'Probability that a witnessed act is reported without any reward (illustrative)'),
    rewardElasticity: z
      .number()
      .min(0)
      .default(1)
      .describe('Growth of the reporting probability with the reward: report * (1 + rewardElasticity * reward / 100) (illustrative)'),
    reward: z
      .number()
      .int()
      .min(0)
      .default(10)
      .describe('Points the reporter gains for a confirmed report (illustrative; on the scale of the +10 to +50 points Yanji\'s morality bank gave for civic acts [S95])'),
    penalty: z
      .number()
      .int()
      .min(0)
      .default(50)
      .describe('Points the target loses for a confirmed report (Suining deducted 10 to 50 points per delinquency [S80])'),
    grudgeShare: probability(0.05, 'Share of agents bearing a grudge against one of their contacts, drawn at set-up (illustrative)'),
    grudgeRate: probability(0.005, 'Daily probability that an agent with a grudge files a false report against its target (illustrative)'),
    fabricate: z
      .number()
      .min(0)
      .default(0.001)
      .describe('Daily probability, per 100 points of reward, of reporting a random contact for nothing, only to earn the reward; no reward, no such reports (illustrative)'),
    retaliation: probability(0.3, 'Probability that an agent penalised on a report files one against the reporter the next day (illustrative)'),
    quietDays: days(365, 'Days an informant files no report of any kind after a retaliation report against it was confirmed (illustrative)'),
    trueConfirm: probability(0.9, 'Probability that a report of a real act is confirmed (illustrative)'),
    falseConfirm: probability(0.15, 'Probability that a report of an act that did not happen is confirmed anyway (illustrative)'),
    actsColumn: column('acts', 'Column with the acts, bit per category, whose labels name the categories'),
    pendingColumn: column('pending', 'Ledger accumulator the penalties and rewards go to'),
    falsePointsColumn: column('falsePoints', 'Accumulator of points lost to confirmed false reports, when present (the blacklist\'s)'),
    falselyReportedColumn: column('falselyReported', 'Column counting the confirmed false reports against each agent'),
    grudgeColumn: column('grudge', 'Column with the contact each agent bears a grudge against'),
    informerColumn: column('informer', 'Accumulator of who got the agent penalised today'),
    retaliatedColumn: column('retaliated', 'Accumulator set when a retaliation report against the agent is confirmed'),
    retaliateColumn: column('retaliateAgainst', 'Column with whom the agent reports in retaliation tomorrow'),
    quietColumn: column('quietUntil', 'Column with the first day the agent reports again after retaliation'),
    reportedColumn: column('reportedActs', 'Accumulator of the acts the agent was penalised for on confirmed reports today, bit per category (what adaptation and evasion can learn from)'),
    stream: z
      .number()
      .int()
      .min(50)
      .max(56)
      .default(50)
      .describe('First of the four random streams drawn on days (witnessing, motives, retaliation, verification); also the set-up stream of the grudges'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.grudgeColumn, type: 'i32', init: -1, truth: true, description: 'contact the agent bears a grudge against, or -1 (ground truth)' },
      {
        name: p.falselyReportedColumn,
        type: 'i32',
        accumulator: true,
        truth: true,
        description: 'confirmed reports against the agent on a day it did nothing reportable, so far (ground truth)',
      },
      {
        name: p.informerColumn,
        type: 'i32',
        accumulator: true,
        description: '1 + id of the reporter whose confirmed report penalised the agent today (the highest when several), 0 if none',
      },
      { name: p.retaliatedColumn, type: 'u8', accumulator: true, truth: true, description: 'a retaliation report against the agent was confirmed today (ground truth)' },
      { name: p.retaliateColumn, type: 'i32', init: -1, truth: true, description: 'agent to report in retaliation tomorrow, or -1 (ground truth)' },
      { name: p.quietColumn, type: 'i32', truth: true, description: 'first day the agent reports again after being retaliated against (ground truth)' },
      {
        name: p.reportedColumn,
        type: 'u8',
        accumulator: true,
        description: 'acts the agent was penalised for on confirmed reports today, bit per category (a false report: the first reportable category)',
      },
    ],
    uses: [
      { name: p.actsColumn, type: 'u8' },
      { name: p.pendingColumn, type: 'i32' },
      { name: p.falsePointsColumn, type: 'i32', optional: true },
    ],
    layers: [p.layer],
    streams: [p.stream, p.stream + 1, p.stream + 2, p.stream + 3],
    setupStreams: [p.stream],
    metrics: [
      { name: 'reportsTrue', kind: 'counter', description: 'reports of acts the reporter witnessed' },
      { name: 'reportsGrudge', kind: 'counter', description: 'false reports against the reporter\'s grudge target (ground truth)' },
      { name: 'reportsRewardSeeking', kind: 'counter', description: 'false reports of a random contact, for the reward (ground truth)' },
      { name: 'reportsRetaliation', kind: 'counter', description: 'reports against someone whose report got the reporter penalised (ground truth)' },
      { name: 'reportsConfirmed', kind: 'counter', description: 'reports confirmed, of any motive' },
      { name: 'falseReportsConfirmed', kind: 'counter', description: 'confirmed reports against an agent who did nothing reportable that day (ground truth)' },
      { name: 'pointsForFalseReports', kind: 'counter', description: 'points deducted on confirmed false reports (ground truth)' },
      { name: 'rewardsPaid', kind: 'counter', description: 'reward points paid to reporters' },
      { name: 'informantsSilenced', kind: 'counter', description: 'informants deterred from reporting by a confirmed retaliation report (ground truth)' },
    ],
    phases: {
      setup: 'draws who bears a grudge, and against which contact',
      act: 'clears yesterday\'s record of acts penalised on reports',
      interact: 'files reports of witnessed acts, grudges, fabrications and retaliation; verifies them; books penalties and rewards',
      update: 'silences informants retaliated against; decides whether to retaliate tomorrow against whoever got the agent penalised',
    },
  }),
  bind(p, w) {
    const acts = w.column(p.actsColumn, 'u8');
    const pending = w.column(p.pendingColumn, 'i32');
    const falsePts = w.maybeColumn(p.falsePointsColumn, 'i32');
    const falsely = w.column(p.falselyReportedColumn, 'i32');
    const grudge = w.column(p.grudgeColumn, 'i32');
    const informer = w.column(p.informerColumn, 'i32');
    const retaliated = w.column(p.retaliatedColumn, 'u8');
    const retaliate = w.column(p.retaliateColumn, 'i32');
    const quiet = w.column(p.quietColumn, 'i32');
    const reported = w.column(p.reportedColumn, 'u8');
    const labels = knownCategories(w.spec(p.actsColumn).labels, p.reportable, 'citizen-reporting', 'reportable');
    const mask = p.reportable.reduce((m, c) => m | (1 << labels.indexOf(c)), 0);
    const layer = w.layer(p.layer);
    const { row, ids, pick } = neighbours(layer);
    const span = new Int32Array(2);

    // Witnessing and reporting are one draw: the product of the two probabilities.
    const seeT = threshold(Math.min(1, p.witness * Math.min(1, p.report * (1 + (p.rewardElasticity * p.reward) / 100))));
    const grudgeT = threshold(p.grudgeRate);
    const fabT = threshold(Math.min(1, (p.fabricate * p.reward) / 100));
    const [trueT, falseT, retT, grudgeShareT] = [threshold(p.trueConfirm), threshold(p.falseConfirm), threshold(p.retaliation), threshold(p.grudgeShare)];
    const { penalty, reward, quietDays } = p;
    const [seeStream, motiveStream, retStream, verifyStream] = [p.stream, p.stream + 1, p.stream + 2, p.stream + 3];

    const slots = [w.metric('reportsTrue'), w.metric('reportsGrudge'), w.metric('reportsRewardSeeking'), w.metric('reportsRetaliation')];
    const [confirmedSlot, falseSlot, falsePointsSlot, rewardsSlot, silencedSlot] = [
      'reportsConfirmed',
      'falseReportsConfirmed',
      'pointsForFalseReports',
      'rewardsPaid',
      'informantsSilenced',
    ].map((name) => w.metric(name));

    // One agent's reports of the day: every reportable act of every contact, plus one per motive.
    const most = maxDegree(layer) * popcount(mask) + 3;
    const targets = new Int32Array(most);
    const kinds = new Uint8Array(most);
    const filed = new Float64Array(4);
    const dice = new Dice(CHUNK);
    const u = new Uint32Array(4);
    return {
      setup(lo, hi, step, t) {
        for (let i = lo; i < hi; i++) {
          t.rng.block(i, step, seeStream, 0, u);
          const j = u[0]! < grudgeShareT ? pick(i, u[1]!) : -1;
          grudge[i] = j === i ? -1 : j;
        }
      },
      act(lo, hi) {
        // Nobody adds into it before interact; read until today's adapt, it is cleared here.
        reported.fill(0, lo, hi);
      },
      interact(lo, hi, step, t) {
        const words = t.words;
        // Words 0-2 of block (agent, day, stream + 1, 0): the grudge, the fabrication, its target.
        const planes = grudgeT || fabT ? dice.roll(t.rng, step, motiveStream, lo, hi) : undefined;
        filed.fill(0);
        let confirmed = 0, falseConfirmed = 0;
        for (let i = lo; i < hi; i++) {
          const avenge = retaliate[i]!;
          retaliate[i] = -1;
          if (step < quiet[i]!) continue;
          let q = 0;
          if (avenge >= 0) {
            targets[q] = avenge;
            kinds[q++] = RETALIATION;
          }
          if (planes) {
            const g = grudge[i]!;
            if (g >= 0 && planes[i - lo]! < grudgeT) {
              targets[q] = g;
              kinds[q++] = GRUDGE;
            }
            if (planes[CHUNK + i - lo]! < fabT) {
              const j = pick(i, planes[2 * CHUNK + i - lo]!);
              if (j >= 0 && j !== i) {
                targets[q] = j;
                kinds[q++] = FABRICATED;
              }
            }
          }
          if (seeT) {
            row(i, span);
            let drawn = false;
            for (let e = span[0]!, end = span[1]!; e < end; e++) {
              const j = ids ? ids[e]! : e;
              let a = acts[j]! & mask;
              if (!a || j === i) continue;
              // Only agents with a contact who acted draw, from their own address, contact by contact.
              if (!drawn) words.at(i, step, seeStream);
              drawn = true;
              for (; a; a &= a - 1) {
                if (words.next() < seeT) {
                  targets[q] = j;
                  kinds[q++] = TRUE;
                }
              }
            }
          }
          if (!q) continue;
          words.at(i, step, verifyStream);
          for (let k = 0; k < q; k++) {
            const j = targets[k]!;
            const kind = kinds[k]!;
            filed[kind]!++;
            // A motive report that happens to name a real act is found true by the investigator.
            const real = kind === TRUE || (acts[j]! & mask) !== 0;
            if (words.next() >= (real ? trueT : falseT)) continue;
            confirmed++;
            // Others add into the same agents' accumulators on other threads.
            Atomics.add(pending, j, -penalty);
            Atomics.add(pending, i, reward);
            // What the target is punished for: the acts it did, or, for a fabrication, the first reportable kind.
            Atomics.or(reported, j, real ? acts[j]! & mask : mask & -mask);
            if (!real) {
              falseConfirmed++;
              Atomics.add(falsely, j, 1);
              if (falsePts) Atomics.add(falsePts, j, penalty);
            }
            // The largest id wins whatever the order of arrival; a retaliation ends the feud.
            if (kind === RETALIATION) Atomics.or(retaliated, j, 1);
            else atomicMax(informer, j, i + 1);
          }
        }
        const m = t.m;
        for (let k = 0; k < 4; k++) m[slots[k]!]! += filed[k]!;
        m[confirmedSlot!]! += confirmed;
        m[falseSlot!]! += falseConfirmed;
        m[falsePointsSlot!]! += falseConfirmed * penalty;
        m[rewardsSlot!]! += confirmed * reward;
      },
      update(lo, hi, step, t) {
        // Nobody adds into these accumulators in this phase, so the owner may read and clear them.
        let silenced = 0;
        for (let i = lo; i < hi; i++) {
          if (retaliated[i]) {
            retaliated[i] = 0;
            quiet[i] = step + 1 + quietDays;
            if (quietDays) silenced++;
          }
          const who = informer[i]!;
          if (!who) continue;
          informer[i] = 0;
          t.rng.block(i, step, retStream, 0, u);
          if (u[0]! < retT) retaliate[i] = who - 1;
        }
        t.m[silencedSlot!]! += silenced;
      },
    };
  },
});

/**
 * a[i] = max(a[i], v), atomically. JavaScript's Atomics has no max; a compare-and-swap loop gives
 * the same result in whatever order the threads arrive, as an addition would.
 */
function atomicMax(a: Int32Array, i: number, v: number): void {
  for (let cur = Atomics.load(a, i); cur < v; ) {
    const seen = Atomics.compareExchange(a, i, cur, v);
    if (seen === cur) return;
    cur = seen;
  }
}
