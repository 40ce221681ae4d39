import { CompileError } from '../core/engine/world.ts';

/** The categories of an acts column; every category a parameter names must be one of them. */
export function knownCategories(labels: readonly string[] | undefined, named: string[], module: string, param: string): readonly string[] {
  if (!labels) throw new CompileError('an acts column with named categories (from the acts module)', 'a column without them');
  const unknown = named.filter((c) => !labels.includes(c));
  if (unknown.length) throw new CompileError(`${module} ${param} for categories of the acts (${labels.join(', ')})`, `"${unknown.join('", "')}"`);
  return labels;
}
