import { parentPort } from 'node:worker_threads';
import { ThreadWork, type ThreadRequest } from '../../core/engine/thread.ts';
import { MODULES } from '../../modules/index.ts';
import { registryWith } from './plugins.ts';

// One engine thread: given its world, it sets up its agents, then runs each batch of days it is sent.
const port = parentPort!;
let work: ThreadWork | undefined;
port.on('message', (req: ThreadRequest) => {
  if (req.kind === 'run') {
    work!.run(req.from, req.to);
    port.postMessage('done');
    return;
  }
  // A failure here rejects unhandled, which ends the thread with an 'error' its pool reports.
  void (req.plugins.length ? registryWith(req.plugins) : Promise.resolve(MODULES)).then((registry) => {
    work = new ThreadWork(req.init, registry);
    if (!req.resume) work.setup();
    port.postMessage('done');
  });
});
