/**
 * The engine's thread pool in the page: Web Workers sharing the world's SharedArrayBuffers, which
 * the page may create because the server makes it cross-origin isolated (COOP and COEP).
 */
import { ThreadPool } from '../../src/core/engine/pool.ts';

export function webThreadPool(threads: number): ThreadPool {
  const workers = Array.from({ length: threads }, (_, t) => new Worker(new URL('./engine-thread.ts', import.meta.url), { type: 'module', name: `engine thread ${t + 1}` }));
  const pool = new ThreadPool(workers.map((w) => ({ post: (r) => w.postMessage(r), terminate: () => w.terminate() })));
  for (const w of workers) {
    w.onmessage = () => pool.answered();
    w.onerror = (e) => {
      e.preventDefault();
      pool.fail(new Error(`an engine thread failed: ${e.message}`));
    };
  }
  return pool;
}
