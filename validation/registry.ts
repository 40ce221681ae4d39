import type { Reproduction } from './types.ts';
import { watts2002 } from './watts-2002.ts';

/**
 * Every reproduction, in the order the runner runs them. To add one, write
 * validation/<name>.ts exporting a `Reproduction` (validation/types.ts) and list it here; the
 * runner, the results file and the fast test (test/validation-fast.test.ts) pick it up.
 */
export const REPRODUCTIONS: readonly Reproduction[] = [
  watts2002,
  // Planned, not written yet (each will be its own file):
  // - nowak-sigmund-1998: Nowak and Sigmund (1998), "Evolution of indirect reciprocity by image scoring", Nature 393:573-577.
  // - pacheco-2006: Pacheco, Santos and Chalub (2006), "Stern-judging: a simple, successful norm which promotes cooperation under indirect reciprocity", PLoS Comput. Biol. 2(12):e178.
  // - private-vs-public-assessment: reputations kept privately versus one public reputation, under indirect reciprocity.
  // - an analytic anchor: a case of the lab with a closed-form answer, checked to sampling error.
];

/** The reproductions named, in the registry's order; all of them for no names. Throws on an unknown name. */
export function selectReproductions(names: readonly string[]): Reproduction[] {
  const unknown = names.filter((n) => !REPRODUCTIONS.some((r) => r.name === n));
  if (unknown.length) {
    throw new Error(`no reproduction named ${unknown.map((n) => JSON.stringify(n)).join(', ')} (there are: ${REPRODUCTIONS.map((r) => r.name).join(', ')})`);
  }
  return REPRODUCTIONS.filter((r) => names.length === 0 || names.includes(r.name));
}
