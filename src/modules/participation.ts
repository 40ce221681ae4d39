import { z } from 'zod';
import { DICE_STRIDE, defineModule, type Kernel, type Phase } from '../core/engine/module.ts';
import { Dice } from '../core/rng/dice.ts';
import { threshold, TWO32 } from '../core/rng/threshold.ts';
import { column, probability, stream } from './params.ts';
import { contactSums } from '../core/network/neighbours.ts';

/**
 * Opt-in scoring (Sesame Credit, Honest Shanghai): nobody is scored who has not signed up. People
 * join for the perks, more readily the more of their life is online and the more of their
 * contacts already use it; they may leave, more readily after a sanction or a score that costs
 * them the perks. Who stays in is then not a random sample, which is what an opt-in score's
 * statistics hide.
 */
export const participation = defineModule({
  name: 'participation',
  title: 'Opt-in participation',
  summary: 'Agents join an opt-in score with a probability raised by their digital trait, its perks and enrolled contacts, and leave it, more often when sanctioned or scored low.',
  params: z.strictObject({
    column: column('enrolled', 'Column set while the agent takes part (u8); the prefix of the peer-share column'),
    initialShare: probability(0.76, 'Share enrolled at the start (Hangzhou 2018: 76% registered [S69][S70])'),
    join: probability(0.001, 'Daily probability of joining for a trait of 1, no perks and no enrolled contacts (illustrative)'),
    trait: column('digital', 'Trait column (f32) that multiplies the probability of joining'),
    incentive: z.number().min(0).default(0.5).describe('Value of the perks (deposit exemptions, fast check-in): joining is (1 + incentive) times as likely (illustrative)'),
    peer: z.number().min(0).default(1).describe('Peer effect: joining is (1 + peer x share of enrolled contacts) times as likely (illustrative)'),
    layer: z.string().optional().describe('Layer of contacts for the peer effect (none: no peer effect)'),
    leave: probability(0.0002, 'Daily probability of leaving (illustrative)'),
    leaveSanctioned: probability(0.01, 'Added to it on a day under a sanction (illustrative)'),
    sanctionedColumn: z.string().optional().describe('Column of the sanctions applied (u16, non-zero: under one), when sanctions drive people out'),
    leaveLowScore: probability(0.005, 'Added to it while the score is below `below` (illustrative)'),
    scoreColumn: z.string().optional().describe('Column with the score (i32), when a low score drives people out'),
    below: z.number().int().default(600).describe('Score below which leaving is likelier: the common threshold of the perks [S64][S65]'),
    stream: stream(61, 'Stream of the daily decisions (word 0 of block (agent, day, stream, 0))'),
    setupStream: stream(62, 'Set-up stream of the initial enrolment'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u8', description: 'takes part in the opt-in score' },
      ...(p.layer ? [{ name: `${p.column}Peers`, type: 'f32' as const, description: 'share of contacts enrolled, as of the start of the day\'s decisions' }] : []),
    ],
    uses: [
      { name: p.trait, type: 'f32' },
      ...(p.sanctionedColumn ? [{ name: p.sanctionedColumn, type: 'u16' as const }] : []),
      ...(p.scoreColumn ? [{ name: p.scoreColumn, type: 'i32' as const }] : []),
    ],
    layers: p.layer ? [p.layer] : [],
    streams: [p.stream],
    setupStreams: [p.setupStream],
    metrics: [
      { name: 'participants', kind: 'gauge', description: 'agents enrolled at the end of the day' },
      { name: 'joined', kind: 'counter', description: 'agents joining' },
      { name: 'left', kind: 'counter', description: 'agents leaving' },
    ],
    phases: {
      setup: 'enrols the initial share',
      ...(p.layer ? { sanction: 'measures each agent\'s share of enrolled contacts' } : {}),
      adapt: 'decides who joins and who leaves',
    },
  }),
  bind(p, w) {
    const enrolled = w.column(p.column, 'u8');
    const trait = w.column(p.trait, 'f32');
    const peers = p.layer ? w.column(`${p.column}Peers`, 'f32') : undefined;
    const sanctioned = p.sanctionedColumn ? w.column(p.sanctionedColumn, 'u16') : undefined;
    const score = p.scoreColumn ? w.column(p.scoreColumn, 'i32') : undefined;
    const start = threshold(p.initialShare);
    // The probability of joining varies by agent, so its threshold floor(p * 2^32) is taken per agent; above 1 it is certain.
    const joinScale = p.join * (1 + p.incentive) * TWO32;
    const { peer, below } = p;
    // Leaving's threshold by cause: bit 0 under a sanction, bit 1 scored low.
    const leaveT = Float64Array.from([0, 1, 2, 3], (k) => threshold(Math.min(1, p.leave + (k & 1 ? p.leaveSanctioned : 0) + (k & 2 ? p.leaveLowScore : 0))));
    const dice = new Dice(DICE_STRIDE);
    const [participants, joined, left] = [w.metric('participants'), w.metric('joined'), w.metric('left')];
    const block = new Uint32Array(4);
    const kernels: Partial<Record<Phase, Kernel>> = {
      setup(lo, hi, step, t) {
        for (let i = lo; i < hi; i++) {
          t.rng.block(i, step, p.setupStream, 0, block);
          enrolled[i] = block[0]! < start ? 1 : 0;
        }
      },
      adapt(lo, hi, step, t) {
        const planes = dice.roll(t.rng, step, p.stream, lo, hi);
        let nIn = 0, nJoined = 0, nLeft = 0;
        for (let i = lo; i < hi; i++) {
          const word = planes[i - lo]!;
          if (enrolled[i]) {
            const k = (sanctioned && sanctioned[i] !== 0 ? 1 : 0) | (score && score[i]! < below ? 2 : 0);
            if (word < leaveT[k]!) {
              enrolled[i] = 0;
              nLeft++;
            }
          } else if (word < Math.floor(joinScale * trait[i]! * (peers ? 1 + peer * peers[i]! : 1))) {
            enrolled[i] = 1;
            nJoined++;
          }
          nIn += enrolled[i]!;
        }
        const m = t.m;
        m[participants]! += nIn;
        m[joined]! += nJoined;
        m[left]! += nLeft;
      },
    };
    if (peers) {
      const sums = contactSums(w.layer(p.layer!));
      const acc = new Float64Array(3);
      // A phase apart from the decisions, so everyone reads the same state of their contacts.
      kernels.sanction = (lo, hi) => {
        for (let i = lo; i < hi; i++) {
          sums(enrolled, i, acc);
          peers[i] = acc[2]! > 0 ? acc[1]! / acc[2]! : 0;
        }
      };
    }
    return kernels;
  },
});
