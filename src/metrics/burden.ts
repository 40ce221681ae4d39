import type { World } from '../core/engine/world.ts';

/** A burden's rate in each group over the run, and the ratio of the highest rate to the lowest. */
export interface GroupBurden {
  burden: string;
  by: string;
  groups: readonly string[];
  rates: number[];
  /** Highest rate over lowest; null when the lowest is 0 (or fewer than two groups have members). */
  ratio: number | null;
}

/**
 * Disparities between groups, from the histograms `<burden>By<Group>` and `agentsBy<Group>` (see
 * the group-audit module): rate = person-days with the burden / person-days in the group, over all
 * days run. That serves a state (listed) and a daily event (observed) alike.
 */
export function groupBurdens(world: World, series: Float64Array, days: number): GroupBurden[] {
  if (days < 1) return [];
  const values = (slot: number, width: number): number[] => {
    const sum = new Array<number>(width).fill(0);
    for (let d = 0; d < days; d++) for (let g = 0; g < width; g++) sum[g]! += series[d * world.metricWidth + slot + g]!;
    return sum;
  };
  const out: GroupBurden[] = [];
  for (const m of world.metrics) {
    const match = /^(.+)By([A-Z]\w*)$/.exec(m.name);
    if (!match || match[1] === 'agents' || m.kind !== 'histogram') continue;
    const sizes = world.metrics.find((x) => x.name === `agentsBy${match[2]}`);
    if (!sizes || sizes.width !== m.width) continue;
    const n = values(sizes.slot, sizes.width);
    const rates = values(m.slot, m.width).map((c, g) => (n[g]! > 0 ? c / n[g]! : 0));
    const present = rates.filter((_, g) => n[g]! > 0);
    const lo = Math.min(...present);
    out.push({
      burden: match[1]!,
      by: match[2]!.charAt(0).toLowerCase() + match[2]!.slice(1),
      groups: m.bins ?? [],
      rates,
      ratio: present.length >= 2 && lo > 0 ? Math.max(...present) / lo : null,
    });
  }
  return out;
}
