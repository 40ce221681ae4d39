/**
 * What the explorer can chart, in plain words: the engine's metrics under readable titles, a few
 * figures derived from them day by day (the trust game's cooperation rate), and the set charted
 * before anyone chooses: the questions of the lab (blacklist, wrongful listings, family members
 * punished, chilled dissent, trust, approval, the score distribution), where the scenario has them.
 */

import type { MetricView } from './protocol.ts';

export interface ChartMetric {
  /** The engine's metric name (or the derived figure's): what the address and the tests name. */
  name: string;
  title: string;
  /** What the chart shows, in its units. */
  description: string;
  /** The engine's own description, where the chart's differs from it. */
  detail?: string;
  /** A line over days, or (a histogram) a heatmap of the bins' shares over days. */
  kind: 'line' | 'heatmap';
  /** Heatmaps: the bins' labels, in the engine's order. */
  bins: readonly string[];
  /** Lines: the day's value from the day's metric vector, in chart units; null where undefined. */
  value(vector: Float64Array, at: number, agents: number): number | null;
  /** Heatmaps: the slot of the first bin. */
  slot: number;
}

/** Readable titles of the engine's metrics; names not here are spelled out from their camelCase. */
const TITLES: Record<string, string> = {
  listed: 'On the blacklist',
  newListings: 'New listings',
  delistings: 'Taken off the blacklist',
  wrongfulListings: 'Wrongful listings (ground truth)',
  listingsOfInnocents: 'Listings of people with no serious violation (ground truth)',
  listedUnableToPay: 'Listed though unable to pay (ground truth)',
  sanctionedAgents: 'Punished for their own record',
  sanctionedDays: 'Days listed people spend under sanctions',
  collateralAgents: "Family members punished for someone else's record",
  collateralDays: "Days family members are punished for someone else's record",
  collateralChildren: "Children punished for a family member's record",
  sanctionedInnocents: 'Punished with no serious violation (ground truth)',
  culpableAgents: 'Committed a serious violation (ground truth)',
  dissentIndex: 'Chilled dissent',
  ruleBreakingIndex: 'Rule-breaking',
  evasionIndex: 'Evasion of surveillance',
  approvalIndex: 'Approval of the system',
  programmeInForce: 'Living under the programme',
  cooperationRate: 'Trust: cooperation in the trust game',
  scoreSum: 'Sum of all scores',
  scoreHistogram: 'Score distribution',
  grades: 'Score distribution: agents per grade',
  namedAgents: 'Named and shamed in public',
  rewardedAgents: 'Holding a reward',
  redlisted: 'On the red list',
  debtors: 'In default on a debt',
  falseMatches: 'Face recognition: false matches',
  falseReportsConfirmed: 'False reports confirmed (ground truth)',
  goodReputation: 'Good reputation',
  strategies: 'Strategies in the population',
};

/** The default set, in order: from each group the first metric the scenario has. */
const PREFERRED: readonly (readonly string[])[] = [
  ['listed'],
  ['wrongfulListings', 'listingsOfInnocents'],
  ['sanctionedAgents', 'sanctionedDays'],
  ['collateralAgents', 'collateralDays'],
  ['dissentIndex'],
  ['cooperationRate'],
  ['approvalIndex'],
];
/** Scenarios with few of the preferred metrics get their first others, up to this many charts. */
const MIN_DEFAULT = 4;

const isIndex = (name: string): boolean => name.endsWith('Index');

/** Histograms of a score (or of its grades): shown by default, unlike other histograms (groups, strategies). */
export const isScoreHistogram = (m: MetricView): boolean => m.kind === 'histogram' && (m.name === 'grades' || m.name.endsWith('Histogram'));

/** `ruleBreaking` as `rule breaking`. */
const words = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

function spelledOut(name: string): string {
  const w = words(name);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** An index metric's description as charted: per agent (the engine sums 1000 x the value over agents). */
function perAgent(m: MetricView): string {
  const trait = /1000 x (\w+) \/ its starting value/.exec(m.description);
  if (trait) return `${words(trait[1]!)} per agent, relative to its starting value (1: unchanged; lower: less ${words(trait[1]!)})`;
  const share = /round\(1000 x (\w+)\)/.exec(m.description);
  if (share) return `${words(share[1]!)} per agent, from 0 (none) to 1 (full)`;
  return `${m.description}, per agent (the sum / 1000 n)`;
}

function titleOf(m: MetricView): string {
  if (m.name === 'listed' && /court/.test(m.description)) return 'On the court blacklist';
  const histogram = /^(.+)Histogram$/.exec(m.name);
  if (histogram && m.name !== 'scoreHistogram') return `Score distribution: ${histogram[1]}`;
  return TITLES[m.name] ?? spelledOut(m.name);
}

/** Every chart a world's metrics allow, the derived ones after the metrics they come from. */
export function chartMetrics(metrics: readonly MetricView[]): ChartMetric[] {
  const out: ChartMetric[] = [];
  for (const m of metrics) {
    const base = { name: m.name, title: titleOf(m), slot: m.slot, bins: m.bins ?? [] };
    if (m.width === 1) {
      const slot = m.slot;
      const index = isIndex(m.name);
      out.push({
        ...base,
        kind: 'line',
        ...(index ? { description: perAgent(m), detail: m.description } : { description: m.description }),
        value: index ? (v, at, agents) => v[at + slot]! / (1000 * agents) : (v, at) => v[at + slot]!,
      });
    } else if (m.kind === 'histogram') {
      out.push({ ...base, kind: 'heatmap', description: `${m.description}: each day's share of agents in each band`, value: () => null });
    }
  }
  const slot = (name: string): number | undefined => metrics.find((m) => m.name === name && m.width === 1)?.slot;
  const [coop, games] = [slot('cooperations'), slot('donations')];
  if (coop !== undefined && games !== undefined && !out.some((m) => m.name === 'cooperationRate')) {
    const trust = /investment/.test(metrics.find((m) => m.name === 'cooperations')!.description);
    out.push({
      name: 'cooperationRate',
      title: TITLES.cooperationRate!,
      description: `cooperations / donations each day: the share of chances to ${trust ? 'invest' : 'help'} that were taken (the audit's cooperationRate, day by day)`,
      kind: 'line',
      bins: [],
      slot: coop,
      value: (v, at) => (v[at + games]! > 0 ? v[at + coop]! / v[at + games]! : null),
    });
  }
  return out;
}

/** The charts shown until the user chooses: the lab's questions, the score distribution, then others to make up a few. */
export function defaultChoice(all: readonly ChartMetric[], metrics: readonly MetricView[]): string[] {
  const has = new Set(all.map((m) => m.name));
  const chosen = PREFERRED.flatMap((group) => group.filter((n) => has.has(n)).slice(0, 1));
  chosen.push(...metrics.filter(isScoreHistogram).map((m) => m.name));
  for (const m of all) {
    if (chosen.length >= MIN_DEFAULT) break;
    if (m.kind === 'line' && !chosen.includes(m.name)) chosen.push(m.name);
  }
  return chosen;
}
