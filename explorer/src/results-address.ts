/**
 * The Results view's part of the address: `#results` for the list, `#results=NAME` for an open
 * experiment. The run view's settings use `#z=` and `#u=` (share.ts), so the two never clash, and a
 * results address is plain enough to read and to write by hand.
 */

/** The hash (without `#`) that opens experiment `id`. */
export const resultsHash = (id: string): string => `results=${encodeURIComponent(id)}`;

/** The Results view a hash asks for, or undefined when it asks for the run view. */
export function viewOf(hash: string): { id?: string } | undefined {
  const m = /^#?results(?:=(.*))?$/.exec(hash);
  if (!m) return undefined;
  if (m[1] === undefined || m[1] === '') return {};
  try {
    return { id: decodeURIComponent(m[1]) };
  } catch {
    return {};
  }
}
