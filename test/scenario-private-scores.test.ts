import { describe, expect, it } from 'vitest';
import type { RunDocument } from '../src/cli/report.ts';
import { runBuiltin } from './helpers.ts';

const N = 4000;
const DAYS = 365;

/** Each run once, shared by the tests that read it. */
const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};
const sesame = once(() => runBuiltin('sesame-credit', { agents: N, days: DAYS }, 2, true));
const tencent = once(() => runBuiltin('tencent-credit', { agents: N, days: DAYS }, 2));

/** Sum over the run of a daily gauge or counter (person-days for a gauge). */
const total = (d: RunDocument, name: string): number => (d.daily[name] as number[]).reduce((a, b) => a + b, 0);
const figure = (d: RunDocument, name: string): number => d.audit.indicators.find((i) => i.name === name)!.value!;
const burden = (d: RunDocument, name: string) => d.audit.byGroup.find((b) => b.burden === name && b.by === 'registration')!;

/** 1 - Jaccard over the run, from a scorer-agreement's daily counts (person-days). */
function disagreement(d: RunDocument, prefix: string): { a: number; b: number; both: number; compared: number; value: number } {
  const [a, b, both, compared] = ['FlaggedA', 'FlaggedB', 'FlaggedBoth', 'Compared'].map((s) => total(d, `${prefix}${s}`)) as [number, number, number, number];
  return { a, b, both, compared, value: (a + b - 2 * both) / (a + b - both) };
}

describe('sesame-credit', () => {
  it('gives perks only to the enrolled, to fewer at each higher threshold, near the Hangzhou share at 600', async () => {
    const d = await sesame();
    const enrolled = d.daily.enrolledByRegistration as number[][];
    const rewarded = d.daily.rewardedByRegistration as number[][];
    for (let day = 0; day < DAYS; day++) for (const g of [0, 1]) expect(rewarded[day]![g]).toBeLessThanOrEqual(enrolled[day]![g]!);
    // Everyone is scored (the record exists for all), within 350-950.
    expect(d.daily.sesameScored).toEqual(new Array(DAYS).fill(N));
    expect((d.totals.sesameHistogram as number[]).reduce((a, b) => a + b, 0)).toBe(N);
    // Hangzhou 2018: 40% of the population qualified for deposit exemptions [S69]; here the share of person-days.
    const depositFree = total(d, 'depositFreeRentalsRewarded') / (N * DAYS);
    expect(depositFree).toBeGreaterThan(0.25);
    expect(depositFree).toBeLessThan(0.55);
    const [at600, at650, at700, at750] = ['depositFreeRentals', 'datingProfile', 'carRentalDepositFree', 'visaFastTrack'].map((r) => total(d, `${r}Rewarded`)) as [number, number, number, number];
    expect(at650).toBeLessThan(at600 / 2);
    expect(at700).toBeLessThan(at650);
    expect(at750).toBeLessThan(at700);
    expect(at750).toBeGreaterThan(0);
    // People join and leave; the share enrolled stays near Hangzhou's 76% [S69].
    expect(total(d, 'joined')).toBeGreaterThan(0);
    expect(total(d, 'left')).toBeGreaterThan(0);
    expect(figure(d, 'participation')).toBeGreaterThan(0.6);
    expect(figure(d, 'participation')).toBeLessThan(0.85);
  });

  it('turns a small identity shift against rural registration into a large gap in perks', async () => {
    const d = await sesame();
    // The shift is at most 0.15 x 0.15 x 600 = 13.5 points, but scores crowd just above 600.
    const perks = burden(d, 'rewarded');
    expect(perks.rates[0]!).toBeGreaterThan(perks.rates[1]!);
    expect(perks.ratio!).toBeGreaterThan(1.3);
    // Enrolment differs far less: the gap is the score's, not the opt-in's.
    expect(burden(d, 'enrolled').ratio!).toBeLessThan(1.15);
  });

  it('prunes low-scored contacts, which lifts perks a little and makes scores disassortative', async () => {
    const pruned = await sesame();
    // The counterfactual itself, for the figures the paired table does not hold.
    const kept = await runBuiltin('sesame-credit', { agents: N, days: DAYS, counterfactual: true }, 2);
    expect(pruned.totals.tiesCut).toBeGreaterThan(N);
    expect(kept.totals.tiesCut).toBe(0);
    // Contacts count, so cutting the low-scored ones raises one's own score: more perk-days.
    expect(total(pruned, 'rewardedAgents')).toBeGreaterThan(total(kept, 'rewardedAgents'));
    // Everyone drops the same low-scored people from their own row, so ties point to the high-scored
    // from every score: homophily falls below the no-pruning run, and below 0.
    const h = (d: RunDocument) => figure(d, 'scoreHomophily.contacts');
    expect(h(pruned)).toBeLessThan(h(kept) - 0.03);
    expect(h(pruned)).toBeLessThan(0);
    // Nothing here feeds back into anyone's finances: the paired debts are identical (common random numbers).
    const debtors = pruned.audit.counterfactual!.effects.find((e) => e.metric === 'debtors')!;
    expect(debtors.actual).toBe(debtors.counterfactual);
  });
});

describe('tencent-credit', () => {
  it('two scorers fed different data flag about as many people but not the same ones', async () => {
    const d = await tencent();
    const bad = disagreement(d, 'bad');
    expect(bad.compared).toBe(N * DAYS);
    // Thresholds chosen so that each flags about half.
    for (const share of [bad.a / bad.compared, bad.b / bad.compared]) {
      expect(share).toBeGreaterThan(0.35);
      expect(share).toBeLessThan(0.7);
    }
    expect(bad.value).toBeGreaterThan(0.2);
    expect(bad.value).toBeLessThan(0.8);
    // In the poorest band both see the same defaults: they agree far more there.
    const poor = disagreement(d, 'poor');
    expect(poor.both).toBeGreaterThan(0);
    expect(poor.value).toBeLessThan(bad.value / 2);
  });

  it('flags rural agents more under the scorer whose identity dimension is shifted', async () => {
    const d = await tencent();
    const all = disagreement(d, 'bad');
    const rural = disagreement(d, 'rural');
    expect(rural.compared).toBeGreaterThan(0.25 * N * DAYS);
    expect(rural.compared).toBeLessThan(0.5 * N * DAYS);
    // Overall the two flag about as many; among rural agents Sesame flags clearly more.
    expect(all.a / all.b).toBeGreaterThan(0.85);
    expect(all.a / all.b).toBeLessThan(1.15);
    expect(rural.a / rural.b).toBeGreaterThan(1.15);
  });

  it('reads no disagreement when the second scorer is given the first one\'s data and weights', async () => {
    const d = await runBuiltin(
      'tencent-credit',
      {
        agents: 1000,
        days: 60,
        set: [
          // Identity draws come from distinct streams, so it is off in both.
          'modules.sesame-score.params.weights.identity=0',
          'modules.tencent-score.params.weights={history: 0.35, capacity: 0.25, identity: 0, behaviour: 0.2, connections: 0.05}',
          'modules.tencent-score.params.behaviour.column=digital',
          'modules.tencent-score.params.connections.none=0.5',
          'modules.bad.params.b.below=600',
        ],
      },
      2,
    );
    const bad = disagreement(d, 'bad');
    expect(bad.a).toBeGreaterThan(0);
    expect(bad.both).toBe(bad.a);
    expect(bad.b).toBe(bad.a);
    expect(d.daily.tencentSum).toEqual(d.daily.sesameSum);
  });
});
