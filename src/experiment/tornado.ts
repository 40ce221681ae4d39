// How a tornado chart orders its parameters, shared by the HTML report and the explorer's Results
// view so that both list them alike. Imports nothing, so the browser can use it.

type Kind = 'main-effects' | 'morris' | 'sobol';

/**
 * How much a parameter moves an output: the span of its main effect, else the larger of its two
 * measures (μ* for Morris, whose `low` is 0; near enough the total index for Sobol). A missing or
 * NaN measure (a constant output) counts as no effect.
 */
export function importance(kind: Kind, r: { low: number; high: number }): number {
  const v = kind === 'main-effects' ? Math.abs(r.high - r.low) : Math.max(r.low, r.high);
  return Number.isFinite(v) ? v : 0;
}

/** The rows, most important first; ties keep the design's order of parameters. */
export function byImportance<T extends { low: number; high: number }>(kind: Kind, rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => importance(kind, b) - importance(kind, a));
}
