import { z } from 'zod';
import { DICE_STRIDE as CHUNK, defineModule } from '../core/engine/module.ts';
import { Dice } from '../core/rng/dice.ts';
import { column, stream } from './params.ts';

const KINDS = ['serious', 'minor', 'lawful', 'routine'] as const;

const category = z.strictObject({
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a name in camelCase'),
  rate: z.number().min(0).max(1).describe('Daily probability for an agent whose trait is 1'),
  kind: z
    .enum(KINDS)
    .describe('serious: a real violation (fraud, defaulting on a judgment); minor: an incivility (jaywalking); lawful: protected expression (petitioning, criticism), whose loss is the chilling effect; routine: an everyday lawful act that sanctions may block (buying a ticket)'),
  trait: z.string().optional().describe('Trait column that multiplies the rate, when given'),
});

/**
 * What agents really do each day, by category of act, as ground truth: a bitmask per agent (bit k:
 * an act of category k today) and, for the mechanisms that only ask "did it break a rule", whether
 * a serious or minor act happened. Lawful expression and routine acts are recorded too, so audits
 * can tell when a system punishes the one or blocks the other.
 */
export const acts = defineModule({
  name: 'acts',
  title: 'Acts',
  summary: 'Each day every agent may commit acts of several categories, serious, minor, lawful or routine, at base rates scaled by its traits; recorded as ground truth.',
  params: z.strictObject({
    categories: z
      .array(category)
      .min(1)
      .max(8)
      .default([
        { name: 'fraud', rate: 0.0002, kind: 'serious', trait: 'ruleBreaking' },
        { name: 'judgmentDefault', rate: 0.0003, kind: 'serious', trait: 'ruleBreaking' },
        { name: 'jaywalking', rate: 0.01, kind: 'minor', trait: 'ruleBreaking' },
        { name: 'petition', rate: 0.0005, kind: 'lawful', trait: 'dissent' },
        { name: 'criticism', rate: 0.002, kind: 'lawful', trait: 'dissent' },
      ])
      .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'category names that differ')
      .describe('Categories of acts, at most 8 (illustrative rates)'),
    column: column('acts', 'Column with today\'s acts, bit k for category k'),
    violatedColumn: column('violated', 'Column set when a serious or minor act happened today'),
    seriousColumn: column('seriousCount', 'Column counting the serious violations each agent has committed: the truth audits judge listings by'),
    stream: stream(3, 'Stream whose blocks decide the acts (one word per category)'),
  }),
  declare: (p) => ({
    columns: [
      {
        name: p.column,
        type: 'u8',
        truth: true,
        labels: p.categories.map((c) => c.name),
        description: `acts today, bit per category: ${p.categories.map((c, k) => `${k} ${c.name}`).join(', ')}`,
      },
      { name: p.violatedColumn, type: 'u8', truth: true, description: 'broke a rule today (a serious or minor act; ground truth)' },
      { name: p.seriousColumn, type: 'u16', truth: true, description: 'serious violations committed so far (ground truth; stops at 65535)' },
    ],
    uses: p.categories.flatMap((c) => (c.trait ? [{ name: c.trait, type: 'f32' as const }] : [])),
    streams: Array.from({ length: Math.ceil(p.categories.length / 4) }, (_, b) => p.stream + b),
    metrics: [
      ...p.categories.map((c) => ({ name: `${c.name}Acts`, kind: 'counter' as const, description: `acts of ${c.name} (${c.kind}; ground truth)` })),
      ...KINDS.map((kind) => ({ name: `${kind}Acts`, kind: 'counter' as const, description: `${kind} acts of any category (ground truth)` })),
    ],
    phases: { act: 'decides which acts each agent commits today' },
  }),
  bind(p, w) {
    const mask = w.column(p.column, 'u8');
    const violated = w.column(p.violatedColumn, 'u8');
    const cats = p.categories.map((c, k) => ({
      // Probability = rate * trait, as a fraction of 2^32; above 1 it is certain.
      scale: c.rate * 4294967296,
      trait: c.trait ? w.column(c.trait, 'f32') : undefined,
      bit: 1 << k,
      rule: c.kind === 'serious' || c.kind === 'minor' ? 1 : 0,
      slot: w.metric(`${c.name}Acts`),
      kindSlot: w.metric(`${c.kind}Acts`),
    }));
    const serious = w.column(p.seriousColumn, 'u16');
    const seriousMask = p.categories.reduce((m, c, k) => (c.kind === 'serious' ? m | (1 << k) : m), 0);
    const dice = new Dice(CHUNK);
    return {
      act(lo, hi, step, t) {
        for (let i = lo; i < hi; i++) mask[i] = 0;
        for (let i = lo; i < hi; i++) violated[i] = 0;
        for (let k = 0; k < cats.length; k++) {
          // Four categories per roll of the module's stream: words k % 4 of block (agent, day, stream + k / 4, 0).
          const planes = k % 4 === 0 ? dice.roll(t.rng, step, p.stream + (k >> 2), lo, hi) : dice.planes;
          const { scale, trait, bit, rule, slot, kindSlot } = cats[k]!;
          const at = (k & 3) * CHUNK - lo;
          let count = 0;
          for (let i = lo; i < hi; i++) {
            if (planes[at + i]! < scale * (trait ? trait[i]! : 1)) {
              mask[i]! |= bit;
              violated[i]! |= rule;
              count++;
            }
          }
          t.m[slot]! += count;
          t.m[kindSlot]! += count;
        }
        if (seriousMask) {
          for (let i = lo; i < hi; i++) {
            const s = mask[i]! & seriousMask;
            if (s && serious[i]! < 65535) serious[i] = Math.min(65535, serious[i]! + popcount(s));
          }
        }
      },
    };
  },
});

export function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}
