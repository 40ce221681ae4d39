import { formatPath, ScenarioError } from './errors.ts';
import { mergeScenario, OverrideError, parsePath, setPath, type Path } from './merge.ts';
import { CompileError, type Registry } from '../core/engine/world.ts';
import { planScenario } from './compile.ts';
import { scenarioSchema, type Scenario } from './schema.ts';
import { parseScenarioText, type SourceDoc } from './source.ts';
import { validate } from './validate.ts';

/** Where built-in scenarios come from: files on disk for the CLI, bundled text in a browser. */
export interface ScenarioLibrary {
  names(): string[];
  /** The scenario's source, or undefined when there is no such built-in. */
  open(name: string): SourceDoc | undefined;
}

/** Changes asked for on the command line, applied after `extends` and before validation. */
export interface Overrides {
  agents?: number;
  days?: number;
  seed?: string;
  /** `path=value` assignments; the value is read as YAML (`3`, `true`, `[1, 2]`, `text`). */
  set?: readonly string[];
  /** Resolve the scenario's counterfactual: its `audit.counterfactual.set` applied after everything else. */
  counterfactual?: boolean;
}

const MAX_EXTENDS = 8;

/** Reads, merges, overrides and validates a scenario: the first two steps of the pipeline. */
export function resolveScenario(doc: SourceDoc, library: ScenarioLibrary, registry: Registry, overrides: Overrides = {}): Scenario {
  const { value, locate, toFile } = withBase(doc, library, 0);
  const data = structuredClone(value);
  const changed: { path: Path; by: string }[] = [];
  const assign = (path: Path, v: unknown, what: string): void => {
    try {
      changed.push({ path: setPath(data, path, v), by: what });
    } catch (e) {
      if (e instanceof OverrideError) throw problem(what, path, 'a path into the scenario', e.message);
      throw e;
    }
  };
  if (overrides.agents !== undefined) assign(['agents'], overrides.agents, '--agents');
  if (overrides.days !== undefined) assign(['days'], overrides.days, '--days');
  if (overrides.seed !== undefined) assign(['seed'], overrides.seed, '--seed');
  for (const text of overrides.set ?? []) {
    const eq = text.indexOf('=');
    const path = eq > 0 ? parsePath(text.slice(0, eq)) : undefined;
    if (!path) throw problem('--set', [], 'path=value, e.g. modules.blacklist.params.below=550', JSON.stringify(text));
    assign(path, parseScenarioText(text.slice(eq + 1), `--set ${text.slice(0, eq)}`).value, `--set ${text.slice(0, eq)}`);
  }
  if (overrides.counterfactual) {
    const changes = counterfactualSet(data);
    if (!changes) throw problem(doc.file, ['audit', 'counterfactual'], 'a counterfactual to run (audit.counterfactual.set)', 'none', doc);
    for (const [text, v] of Object.entries(changes)) {
      const path = parsePath(text);
      const by = `audit.counterfactual.set[${JSON.stringify(text)}]`;
      if (!path) throw problem(by, [], 'a path into the scenario, e.g. modules.penalties.params.points', JSON.stringify(text));
      assign(path, v, by);
    }
  }
  // A value changed on the command line has no place in the file: its errors name the option.
  const changedBy = (path: Path): string | undefined =>
    changed.findLast((c) => c.path.every((k, i) => path[i] === k))?.by;
  const overridden = (path: Path): boolean => changedBy(path) !== undefined;
  try {
    const scenario = validate(
      {
        file: doc.file,
        value: data,
        locate: (path, at) => (overridden(path) ? undefined : locate(path, at)),
      },
      scenarioSchema(registry),
    );
    try {
      planScenario(scenario, registry);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      const path = [...e.path];
      throw new ScenarioError([{ file: doc.file, path, pathText: formatPath(path), expected: e.expected, found: e.found, ...locate(path) }]);
    }
    return scenario;
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    // Name each problem by the path the user wrote: modules of an extending file are numbered there.
    throw new ScenarioError(
      e.problems.map((p) => {
        const by = changedBy(p.path);
        if (by) return { ...p, file: by };
        const own = toFile(p.path);
        return own ? { ...p, path: [...own], pathText: formatPath(own) } : p;
      }),
    );
  }
}

/** The counterfactual's changes, if the (merged, unvalidated) scenario has a well-formed set of them. */
function counterfactualSet(data: unknown): Record<string, unknown> | undefined {
  const get = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined);
  const set = get(get(get(data, 'audit'), 'counterfactual'), 'set');
  return typeof set === 'object' && set !== null && !Array.isArray(set) ? (set as Record<string, unknown>) : undefined;
}

interface Layered {
  value: unknown;
  locate: SourceDoc['locate'];
  /** The path in this file of a path in the merged value, when this file says something there. */
  toFile: (path: Path) => Path | undefined;
}

function withBase(doc: SourceDoc, library: ScenarioLibrary, depth: number): Layered {
  const raw = doc.value;
  const base = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>).extends : undefined;
  if (base === undefined) return { value: raw, locate: (path, at) => doc.locate(path, at), toFile: (path) => path };
  if (typeof base !== 'string') throw problem(doc.file, ['extends'], 'the name of a built-in scenario', JSON.stringify(base), doc);
  if (depth >= MAX_EXTENDS) throw problem(doc.file, ['extends'], `at most ${MAX_EXTENDS} levels of extends`, 'a longer chain (a cycle?)', doc);
  const parent = library.open(base);
  if (!parent) {
    throw problem(doc.file, ['extends'], `a built-in scenario (${library.names().join(', ')})`, JSON.stringify(base), doc);
  }
  const below = withBase(parent, library, depth + 1);
  const { value, moduleOrigin } = mergeScenario(below.value, raw);
  // Errors are shown where the extending file says something; elsewhere they belong to the base.
  const toFile = (path: Path): Path | undefined => {
    if (path[0] !== 'modules' || typeof path[1] !== 'number') return path;
    const i = moduleOrigin.get(path[1]);
    return i === undefined ? undefined : ['modules', i, ...path.slice(2)];
  };
  const locate: SourceDoc['locate'] = (path, at) => {
    const own = toFile(path);
    return own ? doc.locate(own, at) : undefined;
  };
  return { value, locate, toFile };
}

function problem(file: string, path: Path, expected: string, found: string, doc?: SourceDoc): ScenarioError {
  const at = doc?.locate(path);
  return new ScenarioError([{ file, path: [...path], pathText: formatPath(path), expected, found, ...at }]);
}
