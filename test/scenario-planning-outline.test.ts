import { describe, expect, it } from 'vitest';
import { runBuiltin } from './helpers.ts';

describe('planning-outline, the flagship', () => {
  it('runs every part together and prints every family of the audit, paired against no programme', async () => {
    const doc = await runBuiltin('planning-outline', { agents: 30_000 }, 2, true);
    const t = doc.totals as Record<string, number | number[]>;
    const figure = (name: string) => {
      const i = [...doc.audit.indicators, ...(doc.audit.counterfactual?.indicators ?? [])].find((x) => x.name === name);
      expect(i, name).toBeDefined();
      return i!.value;
    };
    // Every mechanism leaves a trace.
    for (const name of ['newListings', 'faceMatches', 'falseMatches', 'reportsConfirmed', 'falseReportsConfirmed', 'pointsForLawfulActs', 'repairActs', 'blackMarketPurchases', 'flightsBlocked', 'tiesLostToNaming', 'rewardedAgents']) {
      expect(t[name], name).toBeGreaterThan(0);
    }
    expect((t.grades as number[]).reduce((a, b) => a + b, 0)).toBe(30_000);
    // The audit, family by family.
    expect(figure('listingPrecision')).toBeGreaterThan(0);
    expect(figure('listingPrecision')).toBeLessThan(1);
    expect(figure('wrongfulListingShare')).toBeGreaterThan(0);
    expect(figure('collateralChildDays')).toBeGreaterThan(0);
    expect(figure('gini.income')).toBeGreaterThan(0.3);
    expect(figure('scoreHomophily.contacts')).not.toBeNull();
    expect(figure('falseMatches')).toBeGreaterThan(0);
    const approval = figure('approval')!;
    expect(approval).toBeGreaterThan(0.5);
    expect(approval).toBeLessThan(0.8);
    expect(figure('abandonedOnDay')).toBeNull();
    // Paired: petitions and criticism cost points, so fewer happen; violations are deterred a little.
    expect(figure('chillingEffect')).toBeGreaterThan(0.01);
    expect(figure('chillingEffect')).toBeLessThan(0.3);
    expect(figure('deterrence')).toBeGreaterThan(0);
    // Face recognition errs twice as often for the minority, and its errors fall on the minority.
    const misidentified = doc.audit.byGroup.find((b) => b.burden === 'misidentified' && b.by === 'ethnicity')!;
    expect(misidentified.rates[1]).toBeGreaterThan(1.3 * misidentified.rates[0]!);
  });
});
