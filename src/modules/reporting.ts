import { z } from 'zod';
import { DICE_STRIDE, defineModule } from '../core/engine/module.ts';
import type { Layer } from '../core/network/layers.ts';
import { mulhi, threshold } from '../core/rng/threshold.ts';
import { column, diceWord, layerName, points, probability, stream } from './params.ts';

/**
 * Rewarded citizen reporting. A reporter names one contact; the report is checked, and accepted
 * with one probability if the contact really broke a rule that day and another if not. Accepted
 * false reports are tallied against the target as ground truth, so audits can tell which listings
 * they caused.
 */
export const reporting = defineModule({
  name: 'reporting',
  title: 'Rewarded reporting',
  summary:
    'Agents report a random contact for a reward; reports are verified imperfectly, so some true violations are missed and some innocent people lose points.',
  params: z.strictObject({
    rate: probability(0.02, 'Daily probability that an agent files a report'),
    layer: layerName('contacts', 'Network layer whose ties can be reported'),
    trueAccept: probability(0.9, 'Probability that a report of a real violation is accepted'),
    falseAccept: probability(0.15, 'Probability that a report of no violation is accepted anyway'),
    penalty: points(50, 'Points the target loses for an accepted report'),
    reward: points(10, 'Points the reporter gains for an accepted report'),
    actColumn: column('violated', 'Column with the ground-truth act of the target'),
    pendingColumn: column('pending', 'Ledger accumulator for penalties and rewards'),
    falsePointsColumn: column('falsePoints', 'Accumulator of points lost to accepted false reports, when present'),
    targetColumn: column('reportTarget', 'Column holding whom the agent reports today (-1: nobody)'),
    fileWord: diceWord(2, 'Dice word that decides whether the agent reports'),
    targetWord: diceWord(3, 'Dice word that picks the contact reported'),
    verifyStream: stream(1, 'Stream whose word 0 decides whether the report is accepted'),
  }),
  declare: (p) => ({
    columns: [{ name: p.targetColumn, type: 'i32', init: -1, description: 'contact reported today, or -1' }],
    uses: [
      { name: p.actColumn, type: 'u8' },
      { name: p.pendingColumn, type: 'i32' },
      { name: p.falsePointsColumn, type: 'i32', optional: true },
    ],
    layers: [p.layer],
    dice: [p.fileWord, p.targetWord],
    streams: [p.verifyStream],
    metrics: [
      { name: 'reportsFiled', kind: 'counter', description: 'reports filed' },
      { name: 'trueAccepted', kind: 'counter', description: 'accepted reports of real violations' },
      { name: 'falseAccepted', kind: 'counter', description: 'accepted reports of violations that did not happen' },
    ],
    phases: {
      act: 'decides whether the agent reports today, and whom among its contacts',
      interact: 'verifies each report against what the target really did; applies penalty and reward',
    },
  }),
  bind(p, w) {
    const violated = w.column(p.actColumn, 'u8');
    const pending = w.column(p.pendingColumn, 'i32');
    const falsePts = w.maybeColumn(p.falsePointsColumn, 'i32');
    const target = w.column(p.targetColumn, 'i32');
    const pick = contactPicker(w.layer(p.layer));
    const [fileT, trueT, falseT] = [threshold(p.rate), threshold(p.trueAccept), threshold(p.falseAccept)];
    const { penalty, reward, verifyStream, fileWord, targetWord } = p;
    const filed = w.metric('reportsFiled');
    const trueSlot = w.metric('trueAccepted');
    const falseSlot = w.metric('falseAccepted');
    const u = new Uint32Array(4);
    // Reporters of the chunk at hand: few, so the loops over all agents stay free of calls.
    const queue = new Int32Array(DICE_STRIDE);
    return {
      act(lo, hi, _step, t) {
        const dice = t.dice;
        const f0 = fileWord * DICE_STRIDE - lo;
        const t0 = targetWord * DICE_STRIDE - lo;
        let q = 0;
        for (let i = lo; i < hi; i++) {
          target[i] = -1;
          if (dice[f0 + i]! < fileT) queue[q++] = i;
        }
        let count = 0;
        for (let k = 0; k < q; k++) {
          const i = queue[k]!;
          const j = pick(i, dice[t0 + i]!);
          target[i] = j;
          if (j >= 0) count++;
        }
        t.m[filed]! += count;
      },
      interact(lo, hi, step, t) {
        let q = 0;
        for (let i = lo; i < hi; i++) if (target[i]! >= 0) queue[q++] = i;
        let nTrue = 0;
        let nFalse = 0;
        for (let k = 0; k < q; k++) {
          const i = queue[k]!;
          const j = target[i]!;
          t.rng.block(i, step, verifyStream, 0, u);
          const real = violated[j] === 1;
          if (u[0]! >= (real ? trueT : falseT)) continue;
          // Others may be adding into the same agents' accumulators on other threads.
          Atomics.add(pending, j, -penalty);
          Atomics.add(pending, i, reward);
          if (real) nTrue++;
          else {
            nFalse++;
            if (falsePts) Atomics.add(falsePts, j, penalty);
          }
        }
        t.m[trueSlot]! += nTrue;
        t.m[falseSlot]! += nFalse;
      },
    };
  },
});

/** Picks contact number floor(word * degree / 2^32) of agent i, or -1 if it has none. */
function contactPicker(layer: Layer): (i: number, word: number) => number {
  switch (layer.kind) {
    case 'slots': {
      const { targets, degree, capacity } = layer;
      return (i, word) => {
        const d = degree[i]!;
        return d ? targets[i * capacity + mulhi(word, d)]! : -1;
      };
    }
    case 'csr': {
      const { targets, offsets } = layer;
      return (i, word) => {
        const d = offsets[i + 1]! - offsets[i]!;
        return d ? targets[offsets[i]! + mulhi(word, d)]! : -1;
      };
    }
    case 'groups': {
      const { start, groupOf } = layer;
      return (i, word) => {
        const g = groupOf[i]!;
        const d = start[g + 1]! - start[g]! - 1;
        if (!d) return -1;
        const k = start[g]! + mulhi(word, d);
        return k >= i ? k + 1 : k;
      };
    }
  }
}
