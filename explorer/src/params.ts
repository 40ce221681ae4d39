/**
 * The main levers of the built-in scenarios, offered as labelled controls: each is a module's
 * parameter, changed through the same `path=value` (`--set`) changes as the comparison's B.
 */

export interface ParamControl {
  /** The module (its definition's name) the parameter belongs to. */
  module: string;
  /** The parameter's path under `params`. */
  param: string;
  label: string;
  kind: 'bool' | 'number';
  min?: number;
  max?: number;
}

export const PARAMS: readonly ParamControl[] = [
  { module: 'joint-punishment', param: 'spillover', label: 'Sanctions spill over onto the household', kind: 'bool' },
  { module: 'blacklist', param: 'below', label: 'Blacklist: listed below score', kind: 'number' },
  { module: 'blacklist', param: 'days', label: 'Blacklist: days on the list', kind: 'number', min: 0 },
  { module: 'court-enforcement', param: 'graceDays', label: 'Court enforcement: grace days before listing', kind: 'number', min: 0 },
  { module: 'citizen-reporting', param: 'reward', label: 'Citizen reporting: reward (points)', kind: 'number', min: 0 },
  { module: 'reporting', param: 'reward', label: 'Reporting: reward (points)', kind: 'number', min: 0 },
  { module: 'face-recognition', param: 'falseMatchRate', label: 'Face recognition: false-match rate per gallery face', kind: 'number', min: 0 },
  { module: 'surveillance', param: 'coverage.fraud', label: 'Surveillance: coverage of fraud', kind: 'number', min: 0, max: 1 },
  { module: 'observation', param: 'probability', label: 'Observation: chance a violation is seen', kind: 'number', min: 0, max: 1 },
];

const get = (v: unknown, key: string): unknown => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined);

/** The controls for the modules a (parsed) scenario has, with their `--set` paths and current values. */
export function paramsIn(doc: unknown): (ParamControl & { path: string; current: unknown })[] {
  const list = get(doc, 'modules');
  if (!Array.isArray(list)) return [];
  const modules = list as unknown[];
  return PARAMS.flatMap((c) => {
    const use = modules.find((m) => get(m, 'module') === c.module);
    if (use === undefined) return [];
    const raw = get(use, 'id');
    const id = typeof raw === 'string' ? raw : c.module;
    const current = c.param.split('.').reduce<unknown>((v, k) => get(v, k), get(use, 'params'));
    return [{ ...c, path: `modules.${id}.params.${c.param}`, current }];
  });
}
