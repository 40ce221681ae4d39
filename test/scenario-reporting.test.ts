import { describe, expect, it } from 'vitest';
import type { RunDocument } from '../src/cli/report.ts';
import { runBuiltin } from './helpers.ts';

const total = (d: RunDocument, name: string): number => d.totals[name] as number;
const series = (d: RunDocument, name: string): number[] => d.daily[name] as number[];
const last = (d: RunDocument, name: string): number => series(d, name).at(-1)!;
const figure = (d: RunDocument, name: string): number | null => d.audit.indicators.find((i) => i.name === name)!.value;
const effect = (d: RunDocument, metric: string) => d.audit.counterfactual!.effects.find((e) => e.metric === metric)!;

describe('honest-shanghai', () => {
  const small = { agents: 5000, days: 365 };

  it('rates everyone from the records but rewards and troubles only the enrolled, who look better than the population', async () => {
    const doc = await runBuiltin('honest-shanghai', small, 2, true);
    const [compared, bad, rewarded, participants] = [series(doc, 'enrolledCompared'), series(doc, 'enrolledFlaggedA'), series(doc, 'rewardedAgents'), series(doc, 'participants')];
    for (let d = 1; d < doc.days; d++) {
      // Compared in the sanction phase of day d: those enrolled at the end of day d - 1.
      expect(compared[d]).toBe(participants[d - 1]);
      // Every enrolled agent rated good or very good gets the discounts; nobody else does.
      expect(rewarded[d]).toBe(compared[d]! - bad[d]!);
    }
    // The app grows from 5% through perks and contacts.
    expect(last(doc, 'participants') / small.agents).toBeGreaterThan(0.15);
    expect(total(doc, 'left')).toBeGreaterThan(0);
    // Selection: the bad-rated leave, so the enrolled are rated bad far less often than everyone.
    const grades = doc.totals.grades as number[];
    expect(grades.reduce((a, b) => a + b, 0)).toBe(small.agents);
    const badShare = grades[2]! / small.agents;
    expect(badShare).toBeGreaterThan(0.02);
    expect(badShare).toBeLessThan(0.15);
    expect(last(doc, 'enrolledFlaggedA') / last(doc, 'enrolledCompared')).toBeLessThan(0.6 * badShare);
    expect(total(doc, 'badRatingSanctioned')).toBeGreaterThan(0);
    // Deductions deter through the lessons of those punished; no lawful act costs points, so nothing is chilled.
    const cf = doc.audit.counterfactual!.indicators;
    const deterrence = cf.find((i) => i.name === 'deterrence')!.value!;
    expect(deterrence).toBeGreaterThan(0.02);
    expect(deterrence).toBeLessThan(0.2);
    expect(cf.find((i) => i.name === 'chillingEffect')!.value).toBe(0);
    expect(effect(doc, 'lawfulActs').actual).toBe(effect(doc, 'lawfulActs').counterfactual);
  });

  it('gives nothing and punishes nobody when nobody enrols, though the records still rate people bad', async () => {
    const doc = await runBuiltin('honest-shanghai', { ...small, days: 200, set: ['modules.participation.params.initialShare=0', 'modules.participation.params.join=0'] }, 2);
    expect(total(doc, 'airlineDiscountsRewarded')).toBe(0);
    expect(total(doc, 'badRatingSanctioned')).toBe(0);
    expect(total(doc, 'participants')).toBe(0);
    expect((doc.totals.grades as number[])[2]).toBeGreaterThan(0);
    // Nobody sanctioned: approval stays where it started.
    expect(figure(doc, 'approval')).toBeCloseTo(0.8, 6);
  });

  it('without deductions nobody falls below very good and approval does not move', async () => {
    const doc = await runBuiltin('honest-shanghai', { ...small, counterfactual: true }, 2);
    const grades = doc.totals.grades as number[];
    expect(grades[1]! + grades[2]!).toBe(0);
    expect(total(doc, 'badRatingSanctioned')).toBe(0);
    expect(figure(doc, 'approval')).toBeCloseTo(0.8, 6);
    expect(total(doc, 'rewardedAgents')).toBe(last(doc, 'enrolledCompared'));
  });
});

describe('rewarded-reporting', () => {
  const small = { agents: 5000, days: 365 };

  it('confirms false reports at the verification rate, and they list innocents', async () => {
    const doc = await runBuiltin('rewarded-reporting', small, 2, true);
    const t = (m: string) => total(doc, m);
    const motives = t('reportsGrudge') + t('reportsRewardSeeking') + t('reportsRetaliation');
    expect(t('reportsRewardSeeking')).toBeGreaterThan(0);
    expect(t('reportsRetaliation')).toBeGreaterThan(0);
    expect(t('informantsSilenced')).toBeGreaterThan(0);
    // falseConfirm 0.15 of the motive reports, less the few that hit a target who did offend that day.
    expect(t('falseReportsConfirmed')).toBeGreaterThan(0.75 * 0.15 * motives);
    expect(t('falseReportsConfirmed')).toBeLessThan(1.2 * 0.15 * motives);
    // trueConfirm 0.9 of the witnessed reports, plus those motive reports.
    const trueConfirmed = t('reportsConfirmed') - t('falseReportsConfirmed');
    expect(trueConfirmed).toBeGreaterThan(0.8 * t('reportsTrue'));
    expect(trueConfirmed).toBeLessThan(0.95 * t('reportsTrue') + 0.05 * motives);
    const falseShare = t('falseReportsConfirmed') / t('reportsConfirmed');
    expect(falseShare).toBeGreaterThan(0.3);
    expect(falseShare).toBeLessThan(0.7);
    expect(t('pointsForFalseReports')).toBe(100 * t('falseReportsConfirmed'));
    expect(t('rewardsPaid')).toBe(50 * t('reportsConfirmed'));

    // Listings the false points alone caused, innocents listed and sanctioned.
    expect(t('wrongfulListings')).toBeGreaterThan(0);
    expect(figure(doc, 'listingsCausedByFalseReports')).toBeGreaterThan(0.05);
    expect(figure(doc, 'listingsCausedByFalseReports')).toBeLessThan(0.5);
    expect(figure(doc, 'wrongfulListingShare')).toBeGreaterThan(0);
    expect(figure(doc, 'listingPrecision')).toBeGreaterThan(0.7);
    expect(figure(doc, 'sanctionedInnocentDays')).toBeGreaterThan(0);
    expect(figure(doc, 'falseReportsConfirmed')).toBe(t('falseReportsConfirmed'));

    // The paired effect of the reward: a little deterrence (people learn from being reported), many more listings.
    const deterrence = doc.audit.counterfactual!.indicators.find((i) => i.name === 'deterrence')!.value!;
    expect(deterrence).toBeGreaterThan(0);
    expect(deterrence).toBeLessThan(0.1);
    expect(effect(doc, 'seriousActs').actual).toBeLessThan(effect(doc, 'seriousActs').counterfactual);
    expect(effect(doc, 'newListings').actual).toBeGreaterThan(1.2 * effect(doc, 'newListings').counterfactual);
  });

  it('without a reward nobody reports for it, and witnessed acts are reported at the base rate', async () => {
    const [paid, unpaid] = await Promise.all([runBuiltin('rewarded-reporting', small, 2), runBuiltin('rewarded-reporting', { ...small, counterfactual: true }, 2)]);
    expect(total(unpaid, 'reportsRewardSeeking')).toBe(0);
    expect(total(unpaid, 'rewardsPaid')).toBe(0);
    // report x (1 + 2 x 50 / 100): the reward doubles the reporting of witnessed acts.
    const ratio = total(unpaid, 'reportsTrue') / total(paid, 'reportsTrue');
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(0.65);
    expect(total(unpaid, 'reportsConfirmed')).toBeLessThan(total(paid, 'reportsConfirmed'));
    expect(total(unpaid, 'falseReportsConfirmed')).toBeLessThan(total(paid, 'falseReportsConfirmed'));
    // Grudges do not depend on the reward (only silencing differs between the runs).
    expect(total(unpaid, 'reportsGrudge')).toBeGreaterThan(0.9 * total(paid, 'reportsGrudge'));
  });

  it('loses approval only through innocents sanctioned, which only false reports create here', async () => {
    const onlyWrong = 'modules.approval.params.rightful=0';
    const [fallible, exact] = await Promise.all([
      runBuiltin('rewarded-reporting', { ...small, set: [onlyWrong] }, 2),
      runBuiltin('rewarded-reporting', { ...small, set: [onlyWrong, 'modules.citizen-reporting.params.falseConfirm=0'] }, 2),
    ]);
    expect(total(exact, 'falseReportsConfirmed')).toBe(0);
    expect(total(exact, 'wrongfulListings')).toBe(0);
    expect(total(exact, 'listingsOfInnocents')).toBe(0);
    expect(figure(exact, 'approval')).toBeCloseTo(0.8, 6);
    expect(total(fallible, 'listingsOfInnocents')).toBeGreaterThan(0);
    expect(figure(fallible, 'approval')!).toBeLessThan(0.799);
  });
});
