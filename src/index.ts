// social-credit-lab's public API for Node: the core, the built-in modules, scenario files and runs.
export * from './core/index.ts';
export { MODULES } from './modules/index.ts';
export { scenarioSchema, scenarioJsonSchema, moduleId, type Scenario } from './scenario/schema.ts';
export { resolveScenario, type ScenarioLibrary, type Overrides } from './scenario/load.ts';
export { compileScenario, planScenario } from './scenario/compile.ts';
export { parseScenarioText, type SourceDoc } from './scenario/source.ts';
export { readScenarioFile } from './scenario/file.ts';
export { ScenarioError, type Problem } from './scenario/errors.ts';
export { simulate, type SimulateOptions } from './host/node/simulate.ts';
export { startDriver, ThreadPool, defaultThreads } from './host/node/threads.ts';
export { builtins } from './cli/library.ts';
export { runDocument, type RunDocument } from './cli/report.ts';
