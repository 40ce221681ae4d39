/**
 * One of the engine's threads in the page (a Web Worker started by the engine's worker): given its
 * share of a world whose columns live in SharedArrayBuffers, it sets up its agents, then runs each
 * batch of days it is sent. The browser's counterpart of src/host/node/worker.ts.
 */
import { ThreadWork, type ThreadRequest } from '../../src/core/engine/thread.ts';
import { MODULES } from '../../src/modules/index.ts';

interface Scope {
  postMessage(message: 'done'): void;
  onmessage: ((e: MessageEvent<ThreadRequest>) => void) | null;
}
const scope = globalThis as unknown as Scope;

let work: ThreadWork | undefined;
scope.onmessage = (e) => {
  const req = e.data;
  if (req.kind === 'run') work!.run(req.from, req.to);
  else {
    // The page loads no modules beyond the built-in ones, so `req.plugins` is always empty here.
    work = new ThreadWork(req.init, MODULES);
    if (!req.resume) work.setup();
  }
  scope.postMessage('done');
};
