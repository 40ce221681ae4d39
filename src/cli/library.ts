import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ScenarioLibrary } from '../scenario/load.ts';
import { readScenarioFile } from '../scenario/file.ts';

/** The built-in scenarios: the YAML files shipped in scenarios/library beside the code. */
const dir = fileURLToPath(new URL('../scenarios/library/', import.meta.url));

export const builtins: ScenarioLibrary = {
  names: () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -5))
      .sort(),
  open(name) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !this.names().includes(name)) return undefined;
    return readScenarioFile(`${dir}${name}.yaml`);
  },
};
