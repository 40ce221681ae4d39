import type { ScenarioLibrary } from '../../src/scenario/load.ts';
import { parseScenarioText } from '../../src/scenario/source.ts';

/** The built-in scenarios' YAML, bundled into the page: the same files the CLI reads from disk. */
const files = import.meta.glob<string>('../../src/scenarios/library/*.yaml', { query: '?raw', import: 'default', eager: true });

export const texts: ReadonlyMap<string, string> = new Map(
  Object.entries(files)
    .map(([path, text]): [string, string] => [path.slice(path.lastIndexOf('/') + 1, -'.yaml'.length), text])
    .sort(([a], [b]) => a.localeCompare(b)),
);

export const library: ScenarioLibrary = {
  names: () => [...texts.keys()],
  open(name) {
    const text = texts.get(name);
    return text === undefined ? undefined : parseScenarioText(text, `${name}.yaml`);
  },
};
