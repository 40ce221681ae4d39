import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';

const require = createRequire(import.meta.url);
const packageVersion = (file: string): string => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;

/** The lab's version, read once from its package.json. */
export const SCLAB_VERSION = packageVersion(new URL('../../package.json', import.meta.url).pathname);

/** What produced a run, recorded with it: enough to reproduce it, or to know why it differs. */
export function versions(): Record<string, string> {
  const dep = (name: string): string => {
    try {
      return packageVersion(require.resolve(`${name}/package.json`));
    } catch {
      return 'unknown';
    }
  };
  return { sclab: SCLAB_VERSION, node: process.version, platform: `${process.platform}-${process.arch}`, duckdb: dep('@duckdb/node-api'), bullmq: dep('bullmq') };
}

/** Who ran a run: the machine and process, as a queue worker reports itself. */
export const workerName = (): string => `${hostname()}:${process.pid}`;
