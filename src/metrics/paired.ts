import type { Indicator, MetricReader } from './audit.ts';

/** A counter in the run and in its counterfactual twin (same seed, system switched off). */
export interface PairedEffect {
  metric: string;
  actual: number;
  counterfactual: number;
  /** actual / counterfactual - 1; null when the counterfactual is 0. */
  change: number | null;
}

/** Besides the acts, the harms compared between the twins (gauges in person-days: debtors, sanctionedInnocents, collateralAgents). */
const HARMS = ['debtors', 'newDefaults', 'defaultsUnderSanction', 'newListings', 'listingsOfInnocents', 'sanctionedInnocents', 'collateralAgents', 'reportsConfirmed', 'falseReportsConfirmed'];

/**
 * Paired differences between a run and its counterfactual, for the given metrics of acts and the
 * harms. Both ran under the same seed, so the
 * same agents drew the same random numbers wherever the system did not change their path (common
 * random numbers): the difference is the system's effect on this population, not sampling noise.
 */
export function pairedEffects(actual: MetricReader, counterfactual: MetricReader, acts: readonly string[]): { indicators: Indicator[]; effects: PairedEffect[] } {
  const effects: PairedEffect[] = [...acts, ...HARMS]
    .filter((name) => actual.has(name) && counterfactual.has(name) && (actual.sum(name) !== 0 || counterfactual.sum(name) !== 0))
    .map((metric) => {
      const [a, c] = [actual.sum(metric), counterfactual.sum(metric)];
      return { metric, actual: a, counterfactual: c, change: c > 0 ? a / c - 1 : null };
    });
  const reduction = (a: number, c: number): number | null => (c > 0 ? 1 - a / c : null);
  const both = (name: string): boolean => actual.has(name) && counterfactual.has(name);
  const indicators: Indicator[] = [];
  if (both('lawfulActs')) {
    indicators.push({
      name: 'chillingEffect',
      value: reduction(actual.sum('lawfulActs'), counterfactual.sum('lawfulActs')),
      formula: '1 - lawfulActs / lawfulActs in the counterfactual: share of lawful expression that did not happen because of the system',
    });
  }
  if (both('seriousActs') && both('minorActs')) {
    const rules = (r: MetricReader): number => r.sum('seriousActs') + r.sum('minorActs');
    indicators.push({
      name: 'deterrence',
      value: reduction(rules(actual), rules(counterfactual)),
      formula: '1 - (seriousActs + minorActs) / the same in the counterfactual: share of violations prevented',
    });
  }
  if (both('newDefaults')) {
    indicators.push({
      name: 'extraDefaults',
      value: actual.sum('newDefaults') - counterfactual.sum('newDefaults'),
      formula: 'newDefaults - newDefaults in the counterfactual: defaults the system caused (debt traps)',
    });
  }
  return { indicators, effects };
}
