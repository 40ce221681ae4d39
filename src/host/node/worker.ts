import { parentPort } from 'node:worker_threads';
import { ThreadWork, type ThreadRequest } from '../../core/engine/thread.ts';
import { MODULES } from '../../modules/index.ts';

// One engine thread: given its world, it sets up its agents, then runs each batch of days it is sent.
const port = parentPort!;
let work: ThreadWork | undefined;
port.on('message', (req: ThreadRequest) => {
  if (req.kind === 'init') {
    work = new ThreadWork(req.init, MODULES);
    work.setup();
  } else work!.run(req.from, req.to);
  port.postMessage('done');
});
