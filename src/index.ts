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
export { saveCheckpoint, loadCheckpoint, CheckpointFileError } from './host/node/checkpoint-file.ts';
// Experiments: plans, designs, sweeps on this machine or a queue, the result store and its analysis.
export { experimentSchema, type Experiment } from './experiment/schema.ts';
export { planExperiment, readExperiment, type ExperimentPlan, type RunSpec } from './experiment/plan.ts';
export { makeDesign, type Design, type DesignMethod, type Parameter } from './experiment/design.ts';
export { morrisIndices, sobolIndices, mainEffects } from './experiment/sensitivity.ts';
export { ci95, pairedCi95, type Interval } from './experiment/stats.ts';
export { executeRun, type RunOutcome } from './experiment/execute.ts';
export { sweep, localBackend, type Backend, type Finished, type Progress } from './experiment/sweep.ts';
export { queueBackend } from './queue/backend.ts';
export { startWorker } from './queue/worker.ts';
export { Store, DEFAULT_STORE } from './store/store.ts';
export { analyse, type Analysis } from './experiment/analysis.ts';
export { reportData } from './experiment/report-data.ts';
export { reportHtml, writeReport, type ReportData } from './experiment/report-html.ts';
