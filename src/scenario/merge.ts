/**
 * How a scenario that `extends` another, and `--set` overrides, change plain scenario data before
 * it is validated. Objects merge key by key; arrays are replaced, except `modules`, whose entries
 * are matched by id (or module name) so that an override changes one module's parameters.
 */

type Plain = Record<string, unknown>;
export type Path = readonly (string | number)[];

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

const moduleKey = (m: unknown): unknown => (isPlain(m) ? (m.id ?? m.module) : undefined);

/** Keys that would reach Object.prototype: never a scenario key (the parser refuses them too). */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Entries that name a different kind of thing (another generator, another module) replace, never merge. */
const sameKind = (a: Plain, b: Plain): boolean =>
  (b.generator === undefined || a.generator === b.generator) && (b.module === undefined || a.module === b.module);

export interface Merged {
  value: unknown;
  /** For each module of the result that came from the override: its index in the override. */
  moduleOrigin: Map<number, number>;
}

export function mergeScenario(base: unknown, over: unknown): Merged {
  const moduleOrigin = new Map<number, number>();
  if (!isPlain(base) || !isPlain(over)) return { value: over, moduleOrigin };
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'extends') continue;
    if (k === 'modules' && Array.isArray(v) && Array.isArray(base.modules)) {
      const modules = [...(base.modules as unknown[])];
      v.forEach((m, i) => {
        const at = modules.findIndex((b) => moduleKey(b) !== undefined && moduleKey(b) === moduleKey(m));
        const target = at >= 0 ? at : modules.length;
        modules[target] = at >= 0 ? deepMerge(modules[at], m) : m;
        moduleOrigin.set(target, i);
      });
      out.modules = modules;
    } else out[k] = deepMerge(base[k], v);
  }
  return { value: out, moduleOrigin };
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over) || !sameKind(base, over)) return over;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Parses `modules.ledger.params.start`, `modules[4].params.start` or `layers.contacts.degree`. */
export function parsePath(text: string): Path | undefined {
  const path: (string | number)[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\./gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    if (m[1] !== undefined) {
      if (!expectKey || FORBIDDEN.has(m[1])) return undefined;
      path.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (expectKey && path.length === 0) return undefined;
      path.push(Number(m[2]));
      expectKey = false;
    } else {
      if (expectKey) return undefined;
      expectKey = true;
    }
  }
  return re.lastIndex === text.length && !expectKey && path.length > 0 ? path : undefined;
}

export class OverrideError extends Error {
  override name = 'OverrideError';
}

/**
 * Sets `path` in plain data, creating objects on the way. Inside `modules`, a name selects the
 * module with that id (or module name). Returns the path with module names turned into indices.
 */
export function setPath(root: unknown, path: Path, value: unknown): Path {
  if (!isPlain(root)) throw new OverrideError('the scenario is not an object');
  const resolved: (string | number)[] = [];
  let node: unknown = root;
  for (let k = 0; k < path.length; k++) {
    let key = path[k]!;
    if (Array.isArray(node) && typeof key === 'string') {
      const idx = node.findIndex((m) => moduleKey(m) === key);
      if (idx < 0) {
        const names = node.map(moduleKey).filter((x) => typeof x === 'string');
        throw new OverrideError(`no entry "${key}" in ${resolved.join('.') || 'the scenario'} (have: ${names.join(', ')})`);
      }
      key = idx;
    }
    resolved.push(key);
    const last = k === path.length - 1;
    if (Array.isArray(node)) {
      // One past the end appends: `--set modules[7]={module: population}` adds a module.
      if (typeof key !== 'number' || key > node.length) throw new OverrideError(`${formatResolved(resolved)} is past the end of the list`);
      if (last) node[key] = value;
      else node = node[key] ??= {};
    } else if (isPlain(node)) {
      if (typeof key === 'number') throw new OverrideError(`${formatResolved(resolved)}: ${formatResolved(resolved.slice(0, -1))} is not a list`);
      if (last) node[key] = value;
      else {
        if (!Object.hasOwn(node, key)) node[key] = {};
        node = node[key];
      }
    } else throw new OverrideError(`${formatResolved(resolved.slice(0, -1))} is not an object or a list`);
  }
  return resolved;
}

function formatResolved(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}
