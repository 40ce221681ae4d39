import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { column, points } from './params.ts';
import { compileTriggers, optionalColumn, trigger, triggerUses } from './triggers.ts';

const reward = z.strictObject({
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a name in camelCase'),
  trigger,
  gain: z.number().int().min(0).default(1).describe('Welfare gained per day with it'),
});

/** A reward as a scenario writes it (defaults may be left out). */
export type RewardConfig = z.input<typeof reward>;

const redlist = z
  .strictObject({
    atLeast: points(1000, 'Score an agent must keep to stay on course for the redlist ("no bad records": the ledger\'s maximum by default)'),
    days: z.number().int().min(1).max(65535).default(1095).describe('Consecutive days at or above it before the agent is redlisted (3 years: Guofa [2016] No. 33, [S13][S27])'),
    scoreColumn: column('score', 'Column with the score'),
    column: column('redlisted', 'Column with the redlist status'),
    daysColumn: column('daysAtOrAbove', 'Column with the consecutive days at or above the score'),
  })
  .describe('A redlist of agents who kept a score for long enough; rewards read it with the trigger { when: redlisted }');

/**
 * The mirror image of sanctions: each reward goes to agents who meet its trigger (a score at
 * least T, a grade at or above X, the redlist) and adds to their welfare every day they hold it.
 * Rewards reach only the person (no family spill-over), and only those enrolled where a scheme is
 * opt-in. A redlist may be kept here too: agents who stayed at or above a score for a number of
 * days in a row, the "no bad records for 3 consecutive years" of the 2016 joint-incentive rules.
 */
export const rewards = defineModule({
  name: 'rewards',
  title: 'Rewards and the redlist',
  summary: 'Gives each reward to the agents who meet its trigger (score, grade, redlist) and counts the welfare gained; optionally keeps a redlist of agents with a long clean record.',
  params: z.strictObject({
    rewards: z
      .array(reward)
      .min(1)
      .max(16)
      .default([
        { name: 'depositFreeRentals', trigger: { when: 'grade', atOrAbove: 'A', column: 'grade' }, gain: 1 },
        { name: 'betterLoanTerms', trigger: { when: 'grade', atOrAbove: 'A', column: 'grade' }, gain: 2 },
        { name: 'heatingDiscount', trigger: { when: 'grade', atOrAbove: 'AAA', column: 'grade' }, gain: 1 },
      ])
      .refine((r) => new Set(r.map((x) => x.name)).size === r.length, 'reward names that differ')
      .describe('The rewards, each with its trigger and daily gain (Rongcheng A and AAA grades by default, [S74][S75]; gains illustrative)'),
    enrolledColumn: optionalColumn('Column (u8) that is 0 for agents not enrolled in an opt-in scheme: they get no reward'),
    redlist: redlist.optional(),
    column: column('rewarded', 'Column with the rewards held today, bit per reward'),
    welfareColumn: column('welfareGained', 'Column with the welfare each agent has gained so far'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u16', labels: p.rewards.map((r) => r.name), description: 'rewards held today, bit per reward' },
      { name: p.welfareColumn, type: 'i32', description: 'welfare gained from rewards so far' },
      ...(p.redlist
        ? [
            { name: p.redlist.column, type: 'u8' as const, description: `on the redlist (${p.redlist.days} days in a row at or above ${p.redlist.atLeast})` },
            { name: p.redlist.daysColumn, type: 'u16' as const, description: `consecutive days at or above ${p.redlist.atLeast} (stops at 65535)` },
          ]
        : []),
    ],
    // The redlist column is this module's own: triggers on it are not uses.
    uses: [
      ...triggerUses(p.rewards.map((r) => r.trigger)).filter((u) => u.name !== p.redlist?.column),
      ...(p.redlist ? [{ name: p.redlist.scoreColumn, type: 'i32' as const }] : []),
      ...(p.enrolledColumn ? [{ name: p.enrolledColumn, type: 'u8' as const }] : []),
    ],
    metrics: [
      ...p.rewards.map((r) => ({ name: `${r.name}Rewarded`, kind: 'counter' as const, description: `days agents hold ${r.name}` })),
      { name: 'rewardedAgents', kind: 'gauge', description: 'agents holding some reward' },
      ...(p.redlist
        ? [
            { name: 'redlisted', kind: 'gauge' as const, description: 'agents on the redlist' },
            { name: 'newRedlistings', kind: 'counter' as const, description: 'agents put on the redlist' },
          ]
        : []),
    ],
    phases: { sanction: `${p.redlist ? 'keeps the redlist; ' : ''}gives each reward to those who meet its trigger` },
  }),
  bind(p, w) {
    const held = w.column(p.column, 'u16');
    const welfare = w.column(p.welfareColumn, 'i32');
    const enrolled = p.enrolledColumn ? w.column(p.enrolledColumn, 'u8') : undefined;
    const K = p.rewards.length;
    const triggered = compileTriggers(p.rewards.map((r) => r.trigger), w);
    const gain = Int32Array.from(p.rewards, (r) => r.gain);
    const slots = p.rewards.map((r) => w.metric(`${r.name}Rewarded`));
    const agentsSlot = w.metric('rewardedAgents');
    const red = p.redlist && {
      atLeast: p.redlist.atLeast,
      days: p.redlist.days,
      score: w.column(p.redlist.scoreColumn, 'i32'),
      listed: w.column(p.redlist.column, 'u8'),
      streak: w.column(p.redlist.daysColumn, 'u16'),
      slot: w.metric('redlisted'),
      newSlot: w.metric('newRedlistings'),
    };
    const counts = new Float64Array(K);
    return {
      sanction(lo, hi, _step, t) {
        const m = t.m;
        // The redlist first, so that rewards triggered by it see today's list.
        if (red) {
          const { atLeast, days, score, listed, streak } = red;
          let on = 0, fresh = 0;
          for (let i = lo; i < hi; i++) {
            const d = score[i]! >= atLeast ? Math.min(streak[i]! + 1, 65535) : 0;
            streak[i] = d;
            const now = d >= days ? 1 : 0;
            fresh += now & (listed[i]! ^ 1);
            listed[i] = now;
            on += now;
          }
          m[red.slot]! += on;
          m[red.newSlot]! += fresh;
        }
        const bits = triggered(lo, hi);
        counts.fill(0);
        let agents = 0;
        for (let i = lo; i < hi; i++) {
          const now = enrolled && enrolled[i] === 0 ? 0 : bits[i - lo]!;
          held[i] = now;
          if (!now) continue;
          agents++;
          let got = 0;
          for (let r = now; r; r &= r - 1) {
            const k = 31 - Math.clz32(r & -r);
            got += gain[k]!;
            counts[k]! += 1;
          }
          welfare[i]! += got;
        }
        for (let k = 0; k < K; k++) m[slots[k]!]! += counts[k]!;
        m[agentsSlot]! += agents;
      },
    };
  },
});
