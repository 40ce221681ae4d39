import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Snapshot } from '../../core/engine/checkpoint.ts';
import { LocalDriver, type Driver } from '../../core/engine/driver.ts';
import { ThreadPool as EnginePool } from '../../core/engine/pool.ts';
import type { Registry, World } from '../../core/engine/world.ts';

/** The number of threads a run uses by default: the cores this process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * A driver on `threads` threads: the calling thread itself for 1, worker threads otherwise. With
 * `from`, the world is restored from that snapshot and the run goes on from its day.
 */
export async function startDriver(world: World, registry: Registry, threads: number, pool?: ThreadPool, from?: Snapshot): Promise<Driver> {
  if (threads <= 1) return new LocalDriver(world, registry, from);
  return (pool ?? new ThreadPool(threads)).start(world, registry, from);
}

const here = import.meta.url;
const fromSource = here.endsWith('.ts');

/**
 * The engine's threads on Node's worker_threads, started as soon as a run is asked for so that they
 * load their code while the calling thread compiles the world; `start` then hands them the world.
 */
export class ThreadPool extends EnginePool {
  constructor(threads: number, plugins: string[] = []) {
    const entry = new URL(fromSource ? './worker.ts' : './worker.js', here);
    const workers = Array.from({ length: threads }, () =>
      fromSource ? new Worker(new URL('./tsx-boot.mjs', here), { workerData: { entry: entry.href } }) : new Worker(entry),
    );
    super(
      workers.map((w) => ({ post: (r) => w.postMessage(r), terminate: () => w.terminate() })),
      plugins,
    );
    for (const w of workers) {
      w.on('message', () => this.answered());
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => this.fail(new Error(`a worker thread stopped (exit code ${code})`)));
    }
  }
}
