import { fork, type ChildProcess } from 'node:child_process';
import type { RunOutcome } from './execute.ts';

export interface ChildRequest {
  id: string;
  /** The resolved scenario as JSON (see plan.ts scenarioJson). */
  scenario: string;
  threads: number;
  /** With a branch: the warm-up scenario (JSON) and its day. */
  warmup?: { scenario: string; day: number } | undefined;
}

export type ChildReply =
  | { id: string; ok: true; ready: true }
  | { id: string; ok: true; outcome: RunOutcome }
  | { id: string; ok: false; error: string; stack?: string | undefined };

/** A run that failed inside a runner process: its error, or the process's death. */
export class RunFailure extends Error {
  override name = 'RunFailure';
}

/**
 * How to split the machine between runs at once and threads per run: as many runs at once as there
 * are cores while runs are plenty, since small runs gain little from threads; the cores left over
 * go to each run as threads, so the last runs of a sweep, or a single big one, get them all.
 */
export function balance(runs: number, cores: number, ask: { workers?: number | undefined; threads?: number | undefined } = {}): { workers: number; threads: number } {
  const workers = Math.max(1, Math.min(runs, ask.workers ?? (ask.threads ? Math.floor(cores / ask.threads) : cores)));
  return { workers, threads: ask.threads ?? Math.max(1, Math.floor(cores / workers)) };
}

const here = import.meta.url;
/** Runner processes that die before they are ready, one after another, before the pool gives up. */
const MAX_FAILED_STARTS = 3;
const fromSource = here.endsWith('.ts');

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  busy?: { id: string; resolve: (o: RunOutcome) => void; reject: (e: Error) => void } | undefined;
}

/**
 * A fixed number of long-lived runner processes (child.ts). `run` waits for a free one; a process
 * that dies fails its run and is replaced, so one bad run never stops the others.
 */
export class ProcessPool {
  private readonly slots: Slot[] = [];
  private readonly free: Slot[] = [];
  private readonly waiting: ((s: Slot) => void)[] = [];
  private closed = false;
  private failedStarts = 0;
  private broken: RunFailure | undefined;

  constructor(readonly size: number) {
    for (let k = 0; k < size; k++) {
      const slot = {} as Slot;
      this.start(slot);
      this.slots.push(slot);
      this.free.push(slot);
    }
  }

  /** Runs one scenario on a free process. */
  async run(req: ChildRequest): Promise<RunOutcome> {
    const slot = this.free.pop() ?? (await new Promise<Slot>((resolve) => this.waiting.push(resolve)));
    try {
      await slot.ready;
      if (this.broken) throw this.broken;
      if (this.closed) throw new RunFailure('the pool was closed');
      return await new Promise<RunOutcome>((resolve, reject) => {
        slot.busy = { id: req.id, resolve, reject };
        // A process that died just before: its 'exit' fails the run; this covers a closed channel.
        slot.child.send(req, (e) => e && reject(new RunFailure(`the runner process could not take the run: ${e.message}`)));
      });
    } finally {
      slot.busy = undefined;
      const next = this.waiting.shift();
      if (next) next(slot);
      else this.free.push(slot);
    }
  }

  /** Stops every process at once; runs in flight fail with "the pool was closed". */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map((s) => {
        if (s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve();
        const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
        s.child.kill('SIGKILL');
        return exited;
      }),
    );
  }

  /** Starts a runner process in `slot`; when it dies, fails its run and starts another. */
  private start(slot: Slot): void {
    const entry = new URL(fromSource ? './child.ts' : './child.js', here);
    // From sources (tests, tsx) the child needs tsx's loader too; built code runs as it is.
    const child = fork(entry, [], { execArgv: fromSource ? ['--import', 'tsx'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let ready!: () => void;
    let started = false;
    slot.child = child;
    slot.ready = new Promise<void>((r) => (ready = r));
    child.on('message', (m: ChildReply) => {
      if ('ready' in m) {
        started = true;
        this.failedStarts = 0;
        return ready();
      }
      const busy = slot.busy;
      if (!busy || busy.id !== m.id) return;
      if (m.ok) busy.resolve(m.outcome);
      else busy.reject(Object.assign(new RunFailure(m.error), { stack: m.stack }));
    });
    const died = (why: string): void => {
      slot.busy?.reject(new RunFailure(this.closed ? 'the pool was closed' : why));
      if (this.closed) return ready();
      // Replaced at once, before the slot serves its next run.
      if (started) return this.start(slot);
      // A runner that cannot even start (a broken install) is retried a few times, then given up.
      if (++this.failedStarts > MAX_FAILED_STARTS) {
        this.broken = new RunFailure(`runner processes keep dying before they start (${why}): is the installation complete?`);
        return ready();
      }
      slot.ready = new Promise<void>((r) =>
        setTimeout(() => {
          this.start(slot);
          void slot.ready.then(r);
        }, 200 * this.failedStarts),
      );
      // A run waiting on this process goes to its replacement.
      void slot.ready.then(ready);
    };
    child.on('exit', (code, signal) => died(`the runner process died (${signal ?? `exit code ${code}`})`));
    // Only when the process could not be started at all (no 'exit' follows then).
    child.on('error', (e) => {
      if (child.pid === undefined) died(`the runner process could not start: ${e.message}`);
    });
  }
}
