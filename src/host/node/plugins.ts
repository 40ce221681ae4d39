import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleDef } from '../../core/engine/module.ts';
import type { Registry } from '../../core/engine/world.ts';
import { MODULES } from '../../modules/index.ts';

/**
 * Modules written outside the lab: ES module files whose exports include module definitions
 * (`defineModule({...})`). They are code, so they come only from the command line (`--module`),
 * never from a scenario file; every worker thread imports the same files.
 */
export class PluginError extends Error {
  override name = 'PluginError';
}

export interface Plugins {
  /** The built-in modules and the plugins' together. */
  registry: Registry;
  /** The files' URLs, for worker threads to import. */
  urls: string[];
}

const isModuleDef = (x: unknown): x is ModuleDef =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as ModuleDef).name === 'string' &&
  typeof (x as ModuleDef).declare === 'function' &&
  typeof (x as ModuleDef).bind === 'function' &&
  typeof (x as { params?: { safeParse?: unknown } }).params?.safeParse === 'function';

/** Imports module files given as paths and adds their modules to the built-in ones. */
export async function loadPlugins(paths: readonly string[]): Promise<Plugins> {
  const urls = paths.map((p) => {
    if (!existsSync(p)) throw new PluginError(`--module ${p}: no such file`);
    return pathToFileURL(resolve(p)).href;
  });
  return { registry: await registryWith(urls), urls };
}

/** The built-in modules plus those exported by the files at `urls`. */
export async function registryWith(urls: readonly string[]): Promise<Registry> {
  const registry: Record<string, ModuleDef> = { ...MODULES };
  for (const url of urls) {
    let exports: Record<string, unknown>;
    try {
      exports = (await import(url)) as Record<string, unknown>;
    } catch (e) {
      throw new PluginError(`--module ${url}: cannot be loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    const defs = Object.values(exports).filter(isModuleDef);
    if (!defs.length) throw new PluginError(`--module ${url}: exports no module definition (see docs/modules.md)`);
    for (const def of defs) {
      if (registry[def.name] && registry[def.name] !== def) throw new PluginError(`--module ${url}: a module named "${def.name}" exists already`);
      registry[def.name] = def;
    }
  }
  return registry;
}
