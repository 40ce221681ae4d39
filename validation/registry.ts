import { anchorImageScoring } from './anchor-image-scoring.ts';
import { nowakSigmund1998 } from './nowak-sigmund-1998.ts';
import { pacheco2006 } from './pacheco-2006.ts';
import { privatePublicAssessment } from './private-public-assessment.ts';
import type { Reproduction } from './types.ts';
import { watts2002 } from './watts-2002.ts';

/**
 * Every reproduction, in the order the runner runs them. To add one, write
 * validation/<name>.ts exporting a `Reproduction` (validation/types.ts) and list it here; the
 * runner, the results file and the fast test (test/validation-fast.test.ts) pick it up.
 */
export const REPRODUCTIONS: readonly Reproduction[] = [
  watts2002,
  nowakSigmund1998,
  anchorImageScoring,
  pacheco2006,
  privatePublicAssessment,
];

/** The reproductions named, in the registry's order; all of them for no names. Throws on an unknown name. */
export function selectReproductions(names: readonly string[]): Reproduction[] {
  const unknown = names.filter((n) => !REPRODUCTIONS.some((r) => r.name === n));
  if (unknown.length) {
    throw new Error(`no reproduction named ${unknown.map((n) => JSON.stringify(n)).join(', ')} (there are: ${REPRODUCTIONS.map((r) => r.name).join(', ')})`);
  }
  return REPRODUCTIONS.filter((r) => names.length === 0 || names.includes(r.name));
}
