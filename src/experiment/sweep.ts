import { availableParallelism } from 'node:os';
import type { Store } from '../store/store.ts';
import type { RunOutcome } from './execute.ts';
import { runRequest, scenarioJson, type ExperimentPlan, type RunSpec } from './plan.ts';
import { balance, ProcessPool } from './pool.ts';
import { versions, workerName } from './versions.ts';

/** A run's end, as a backend reports it: its outcome, or its error, with who ran it and when. */
export type Finished = { id: string; worker: string; started: Date; finished: Date; versions: Record<string, string> } & (
  | { ok: true; outcome: RunOutcome }
  | { ok: false; error: string }
);

/** Somewhere runs execute: this machine's processes, or a job queue's workers. */
export interface Backend {
  /**
   * Runs every run once, reporting each as it ends; returns when all have ended or `stop` fires.
   * `report` resolves once the run is in the store (and rejects if it could not be stored).
   */
  execute(runs: readonly RunSpec[], report: (f: Finished) => Promise<void>, stop: AbortSignal): Promise<void>;
}

export interface Progress {
  total: number;
  /** Runs stored before this sweep began. */
  skipped: number;
  done: number;
  failed: number;
  /** Seconds since this sweep's first run started. */
  elapsed: number;
}

export interface SweepResult extends Progress {
  interrupted: boolean;
  /** Runs of an earlier version of the experiment, removed from the store. */
  removed: number;
  errors: { id: string; error: string }[];
}

/**
 * Runs what an experiment still lacks: records the plan, skips runs already stored (so an
 * interrupted sweep resumes where it stopped), executes the rest on a backend and stores each as it
 * ends. A failed run is stored as failed and the others go on; the next sweep tries it again.
 */
export async function sweep(plan: ExperimentPlan, store: Store, backend: Backend, o: { command: string; stop: AbortSignal; progress?: (p: Progress) => void }): Promise<SweepResult> {
  const e = plan.experiment;
  const removed = await store.saveExperiment(
    { name: e.name, title: e.title, file: plan.file, text: plan.text, spec: e, design: plan.design ?? null, command: o.command, versions: versions() },
    plan.runs.map((r) => ({ id: r.id, point: r.point, arm: r.arm, replicate: r.replicate, seed: r.seed, params: r.params, scenario: scenarioJson(r.scenario), agents: r.scenario.agents, days: r.scenario.days })),
  );
  const stored = await store.doneIds(e.name);
  const todo = plan.runs.filter((r) => !stored.has(r.id));
  const p: Progress = { total: plan.runs.length, skipped: plan.runs.length - todo.length, done: 0, failed: 0, elapsed: 0 };
  const errors: SweepResult['errors'] = [];
  const start = performance.now();
  // One connection writes the store. Finished runs wait in a queue and are written together, a
  // batch per transaction, while the next runs go on: a commit costs more than a small run's rows.
  // `report` returns when its run is committed, for a backend that must not forget a result before.
  const waiting: { f: Finished; done: () => void; fail: (e: unknown) => void }[] = [];
  let writing: Promise<void> | undefined;
  let failure: unknown;
  const meta = (f: Finished) => ({ worker: f.worker, started: f.started, finished: f.finished, versions: f.versions });
  const write = async (): Promise<void> => {
    while (waiting.length) {
      const batch = waiting.splice(0);
      try {
        const ok = batch.flatMap(({ f }) => (f.ok ? [{ id: f.id, outcome: f.outcome, meta: meta(f) }] : []));
        p.done += (await store.recordRuns(ok)).filter(Boolean).length;
        for (const { f } of batch) {
          if (f.ok) continue;
          await store.recordFailure(f.id, f.error, meta(f));
          p.failed++;
          errors.push({ id: f.id, error: f.error });
        }
        for (const w of batch) w.done();
      } catch (e) {
        // The batch's runs stay pending (a later sweep runs them); the sweep ends with the error.
        failure ??= e;
        for (const w of batch) w.fail(e);
      }
      p.elapsed = (performance.now() - start) / 1000;
      o.progress?.({ ...p });
    }
  };
  const report = (f: Finished): Promise<void> =>
    new Promise<void>((done, fail) => {
      waiting.push({ f, done, fail });
      writing ??= write().finally(() => (writing = undefined));
    });
  const flush = async (): Promise<void> => {
    while (writing || waiting.length) await (writing ?? (writing = write().finally(() => (writing = undefined))));
    if (failure) throw failure instanceof Error ? failure : new Error('the result store could not be written', { cause: failure });
  };
  o.progress?.({ ...p });
  try {
    if (todo.length) await backend.execute(todo, report, o.stop);
  } finally {
    // What finished is stored, even when the sweep was stopped.
    await flush();
  }
  p.elapsed = (performance.now() - start) / 1000;
  return { ...p, interrupted: o.stop.aborted, removed, errors };
}

/**
 * This machine: runner processes, as many as `balance` finds for the runs and cores, each run on
 * the threads left per process. Stopped, it kills its processes: runs in flight stay pending.
 */
export function localBackend(o: { workers?: number | undefined; threads?: number | undefined } = {}): Backend {
  return {
    async execute(runs, report, stop) {
      const cores = availableParallelism();
      const { workers } = balance(runs.length, cores, o);
      const pool = new ProcessPool(workers);
      const onStop = (): void => void pool.close();
      stop.addEventListener('abort', onStop);
      let next = 0;
      let busy = 0;
      const loop = async (): Promise<void> => {
        while (!stop.aborted && next < runs.length) {
          const run = runs[next++]!;
          const started = new Date();
          const who = { id: run.id, worker: workerName(), started, versions: versions() };
          // Threads for this run: the cores shared among the runs still to come or in flight.
          const threads = balance(runs.length - next + 1 + busy, cores, { workers, threads: o.threads }).threads;
          busy++;
          try {
            const outcome = await pool.run({ ...runRequest(run), threads });
            // Not awaited: the next run starts while this one is stored. A failed write ends the sweep (flush).
            if (!stop.aborted) report({ ...who, finished: new Date(), ok: true, outcome }).catch(() => {});
          } catch (err) {
            if (!stop.aborted) report({ ...who, finished: new Date(), ok: false, error: err instanceof Error ? err.message : String(err) }).catch(() => {});
          } finally {
            busy--;
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: workers }, loop));
      } finally {
        stop.removeEventListener('abort', onStop);
        await pool.close();
      }
    },
  };
}
