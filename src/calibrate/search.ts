/**
 * Nelder–Mead's simplex search (1965), in the form of Lagarias et al. (1998): reflection 1,
 * expansion 2, contraction 1/2, shrink 1/2, bounded by projecting every trial point onto the unit
 * cube. It needs no gradients and tolerates the small steps a simulated objective takes under
 * common random numbers, and it asks for points in batches (a shrink's d points together), so
 * that the caller can run them in parallel.
 */

/** Evaluates points of the unit cube; resolves to one value per point, in order. */
export type BatchObjective = (points: number[][]) => Promise<number[]>;

export interface SearchOptions {
  /** Most points to evaluate (the starting point, evaluated already, does not count). */
  budget: number;
  /** Stop once every vertex is within this of the best in every coordinate (unit scale). */
  tolerance?: number;
  stop?: AbortSignal | undefined;
}

export interface SearchResult {
  x: number[];
  fx: number;
  /** Points evaluated, the starting simplex's included. */
  evaluations: number;
  iterations: number;
  /** Why the search ended: `budget`, `converged` or `stopped`. */
  reason: 'budget' | 'converged' | 'stopped';
}

const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
const along = (c: readonly number[], toward: readonly number[], t: number): number[] => c.map((ci, j) => clamp01(ci + t * (toward[j]! - ci)));

/**
 * Minimises f over [0,1]^d from x0 (with its value f0), starting from the simplex x0 + step_j e_j
 * (a step that would leave the cube goes the other way).
 */
export async function nelderMead(f: BatchObjective, x0: readonly number[], f0: number, steps: readonly number[], o: SearchOptions): Promise<SearchResult> {
  const d = x0.length;
  const tolerance = o.tolerance ?? 1e-4;
  let evaluations = 0;
  let iterations = 0;
  const evaluate = async (points: number[][]): Promise<number[]> => {
    evaluations += points.length;
    return f(points);
  };
  const result = (reason: SearchResult['reason']): SearchResult => ({ x: simplex[0]!.x, fx: simplex[0]!.fx, evaluations, iterations, reason });
  const sort = (): void => void simplex.sort((a, b) => a.fx - b.fx);

  const start = x0.map(clamp01);
  const simplex: { x: number[]; fx: number }[] = [{ x: start, fx: f0 }];
  if (o.stop?.aborted) return result('stopped');
  if (o.budget < d) return result('budget');
  const edges = start.map((xj, j) => {
    const s = steps[j]!;
    const e = [...start];
    e[j] = xj + s <= 1 ? xj + s : Math.max(0, xj - s);
    return e;
  });
  (await evaluate(edges)).forEach((fx, j) => simplex.push({ x: edges[j]!, fx }));
  sort();

  for (;;) {
    if (o.stop?.aborted) return result('stopped');
    const best = simplex[0]!;
    if (simplex.every((v) => v.x.every((xj, j) => Math.abs(xj - best.x[j]!) <= tolerance))) return result('converged');
    if (evaluations >= o.budget) return result('budget');
    iterations++;
    const worst = simplex[d]!;
    const second = simplex[d - 1]!;
    const centroid = Array.from({ length: d }, (_, j) => simplex.slice(0, d).reduce((s, v) => s + v.x[j]!, 0) / d);
    const xr = along(centroid, worst.x, -REFLECT);
    const [fr] = (await evaluate([xr])) as [number];
    if (fr < best.fx) {
      // Better than the best: try going further.
      if (evaluations >= o.budget) {
        simplex[d] = { x: xr, fx: fr };
      } else {
        const xe = along(centroid, worst.x, -EXPAND);
        const [fe] = (await evaluate([xe])) as [number];
        simplex[d] = fe < fr ? { x: xe, fx: fe } : { x: xr, fx: fr };
      }
    } else if (fr < second.fx) {
      simplex[d] = { x: xr, fx: fr };
    } else {
      if (evaluations >= o.budget) return (sort(), result('budget'));
      // Outside contraction when the reflected point beats the worst, inside contraction otherwise.
      const outside = fr < worst.fx;
      const xc = outside ? along(centroid, xr, CONTRACT) : along(centroid, worst.x, CONTRACT);
      const [fc] = (await evaluate([xc])) as [number];
      if (outside ? fc <= fr : fc < worst.fx) {
        simplex[d] = { x: xc, fx: fc };
      } else {
        if (evaluations + d > o.budget) return (sort(), result('budget'));
        const shrunk = simplex.slice(1).map((v) => along(best.x, v.x, SHRINK));
        const values = await evaluate(shrunk);
        for (let k = 0; k < d; k++) simplex[k + 1] = { x: shrunk[k]!, fx: values[k]! };
      }
    }
    sort();
  }
}
