import type { World } from '../core/engine/world.ts';
import { assortativity } from './homophily.ts';
import { gini } from './inequality.ts';

/** One figure of the audit: what it is, its value, and how it was computed (docs/audit.md). */
export interface Indicator {
  name: string;
  /** Null when undefined for this run (a ratio over zero). */
  value: number | null;
  formula: string;
}

/** A run's metrics by name: a counter's sum over days, a gauge's sum over days (person-days) and last value. */
export interface MetricReader {
  days: number;
  n: number;
  has(name: string): boolean;
  /** Sum over all days: a counter's total, a gauge's person-days. */
  sum(name: string): number;
  last(name: string): number;
  /** The first day on which a gauge falls to 0 after having been above it, or null. */
  firstDrop(name: string): number | null;
}

export function metricReader(world: World, series: Float64Array, days: number): MetricReader {
  const slots = new Map(world.metrics.filter((m) => m.width === 1).map((m) => [m.name, m.slot]));
  const at = (name: string, d: number): number => series[d * world.metricWidth + slots.get(name)!]!;
  return {
    days,
    n: world.n,
    has: (name) => slots.has(name),
    sum(name) {
      let s = 0;
      for (let d = 0; d < days; d++) s += at(name, d);
      return s;
    },
    last: (name) => (days > 0 ? at(name, days - 1) : 0),
    firstDrop(name) {
      let d = 0;
      while (d < days && at(name, d) === 0) d++;
      for (; d < days; d++) if (at(name, d) === 0) return d;
      return null;
    },
  };
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

interface Definition {
  name: string;
  formula: string;
  needs: string[];
  value: (r: MetricReader) => number | null;
}

/** Figures computed from the daily metrics, each listed when the run has the metrics it needs. */
const FROM_METRICS: Definition[] = [
  {
    name: 'cooperationRate',
    formula: 'cooperations / donations over the run (trust-game module): the share of chances to help, or to invest, that were taken',
    needs: ['cooperations', 'donations'],
    value: (r) => ratio(r.sum('cooperations'), r.sum('donations')),
  },
  {
    name: 'listingPrecision',
    formula: 'sum over days of listedCulpable / (listedCulpable + listedInnocent): share of listed person-days that were of culpable agents',
    needs: ['listedCulpable', 'listedInnocent'],
    value: (r) => ratio(r.sum('listedCulpable'), r.sum('listedCulpable') + r.sum('listedInnocent')),
  },
  {
    name: 'listingRecall',
    formula: 'sum over days of listedCulpable / culpableAgents: share of culpable person-days spent listed',
    needs: ['listedCulpable', 'culpableAgents'],
    value: (r) => ratio(r.sum('listedCulpable'), r.sum('culpableAgents')),
  },
  {
    name: 'wrongfulListingShare',
    formula: 'listingsOfInnocents / listingsAudited: share of listings of agents with no serious violation',
    needs: ['listingsOfInnocents', 'listingsAudited'],
    value: (r) => ratio(r.sum('listingsOfInnocents'), r.sum('listingsAudited')),
  },
  {
    name: 'listingsCausedByFalseReports',
    formula: 'wrongfulListings / newListings: share of listings that would not have happened without accepted false reports',
    needs: ['wrongfulListings', 'newListings'],
    value: (r) => ratio(r.sum('wrongfulListings'), r.sum('newListings')),
  },
  {
    name: 'listingsOfThoseUnableToPay',
    formula: 'listedUnableToPay / newListings: share of court listings of agents who could not have paid',
    needs: ['listedUnableToPay', 'newListings'],
    value: (r) => ratio(r.sum('listedUnableToPay'), r.sum('newListings')),
  },
  {
    name: 'meanDaysToDelisting',
    formula: 'daysListedBeforeDelisting / delistingsAudited: mean days on the list of those delisted',
    needs: ['daysListedBeforeDelisting', 'delistingsAudited'],
    value: (r) => ratio(r.sum('daysListedBeforeDelisting'), r.sum('delistingsAudited')),
  },
  {
    name: 'sanctionedInnocentDays',
    formula: 'sum over days of sanctionedInnocents: person-days under a sanction of agents with no serious violation',
    needs: ['sanctionedInnocents'],
    value: (r) => r.sum('sanctionedInnocents'),
  },
  {
    name: 'collateralPersonDays',
    formula: 'sum over days of collateralAgents: person-days under a sanction only for a family member\'s record',
    needs: ['collateralAgents'],
    value: (r) => r.sum('collateralAgents'),
  },
  {
    name: 'collateralChildDays',
    formula: 'sum over days of collateralChildren: child-days under a sanction for a family member\'s record',
    needs: ['collateralChildren'],
    value: (r) => r.sum('collateralChildren'),
  },
  {
    name: 'collateralShare',
    formula: 'collateralAgents / (collateralAgents + sanctionedAgents), summed over days: share of sanctioned person-days that were collateral',
    needs: ['collateralAgents', 'sanctionedAgents'],
    value: (r) => ratio(r.sum('collateralAgents'), r.sum('collateralAgents') + r.sum('sanctionedAgents')),
  },
  {
    name: 'debtTrapRate',
    formula: 'defaultsUnderSanction / newDefaults: share of defaults that began under a sanction',
    needs: ['defaultsUnderSanction', 'newDefaults'],
    value: (r) => ratio(r.sum('defaultsUnderSanction'), r.sum('newDefaults')),
  },
  {
    name: 'tiesLost',
    formula: 'tiesCut + tiesLostToNaming: ties dropped because of a contact\'s score or public naming',
    needs: [],
    value: (r) => (r.has('tiesCut') || r.has('tiesLostToNaming') ? (r.has('tiesCut') ? r.sum('tiesCut') : 0) + (r.has('tiesLostToNaming') ? r.sum('tiesLostToNaming') : 0) : null),
  },
  {
    name: 'scorerDisagreement',
    formula: '(A + B - 2 both) / (A + B - both) over person-days, A and B the agents each scorer flags (scorer-agreement): 1 - Jaccard',
    needs: ['flaggedA', 'flaggedB', 'flaggedBoth'],
    value: (r) => {
      const [a, b, both] = [r.sum('flaggedA'), r.sum('flaggedB'), r.sum('flaggedBoth')];
      return ratio(a + b - 2 * both, a + b - both);
    },
  },
  ...(
    [
      ['falseReportsConfirmed', 'confirmed reports of acts that never happened'],
      ['blackMarketPurchases', 'points bought on the black market'],
      ['tamperedRecords', 'records altered by insiders'],
      ['falseMatches', 'acts attributed to the wrong person by face recognition'],
      ['recordsExposed', 'records exposed in data breaches'],
    ] as const
  ).map(([name, what]): Definition => ({ name, formula: `total of ${name}: ${what}`, needs: [name], value: (r) => r.sum(name) })),
  {
    name: 'approval',
    formula: 'approvalIndex / (1000 n) on the last day: mean approval of the programme, 0 to 1',
    needs: ['approvalIndex'],
    value: (r) => r.last('approvalIndex') / (1000 * r.n),
  },
  {
    name: 'participation',
    formula: 'participants / n on the last day: share enrolled',
    needs: ['participants'],
    value: (r) => r.last('participants') / r.n,
  },
  {
    name: 'abandonedOnDay',
    formula: 'first day on which programmeInForce falls to 0 after the launch (none: never abandoned)',
    needs: ['programmeInForce'],
    value: (r) => r.firstDrop('programmeInForce'),
  },
];

const SCORE_COLUMNS = ['score', 'sesame'];

/** The daily metrics each indicator is computed from: what a chart over time of that indicator shows. */
export const INDICATOR_SOURCES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(FROM_METRICS.map((d) => [d.name, d.needs]));

/** Every indicator a run can have, by name pattern: those from metrics, and the end-state ones (`*` a column or layer). */
export const INDICATOR_NAMES: readonly string[] = [...FROM_METRICS.map((d) => d.name), 'gini.income', 'gini.savings', 'gini.welfareLost', 'scoreHomophily.*'];

/**
 * The audit of a finished run: figures from its metrics, inequality of the final state (Gini of
 * income, savings and welfare lost) and score homophily on each network layer of ties.
 */
export function auditIndicators(world: World, series: Float64Array, days: number): Indicator[] {
  const r = metricReader(world, series, days);
  const out: Indicator[] = [];
  for (const d of FROM_METRICS) {
    if (!d.needs.every((name) => r.has(name))) continue;
    const value = d.value(r);
    if (d.needs.length || value !== null) out.push({ name: d.name, value, formula: d.formula });
  }
  if (days > 0) {
    for (const [column, what] of [
      ['income', 'daily income before sanctions'],
      ['savings', 'savings (wealth)'],
      ['welfareLost', 'welfare lost to sanctions'],
    ] as const) {
      const c = world.columns[column];
      if (c) out.push({ name: `gini.${column}`, value: gini(c.array), formula: `Gini coefficient of ${what} over all agents at the end` });
    }
    const score = SCORE_COLUMNS.map((name) => world.columns[name]).find((c) => c !== undefined);
    if (score) {
      for (const [name, layer] of Object.entries(world.layers)) {
        if (layer.kind === 'groups') continue;
        // Sesame-style scores are 350 or more; 0 marks an agent not scored.
        const unscored = score.spec.name === 'sesame' ? 0 : undefined;
        out.push({
          name: `scoreHomophily.${name}`,
          value: assortativity(layer, score.array, unscored),
          formula: `correlation of ${score.spec.name} across the ties of ${name} at the end (assortativity)${unscored === undefined ? '' : ', ties to unscored agents left out'}`,
        });
      }
    }
  }
  return out;
}
