import { parentPort, workerData } from 'node:worker_threads';
import { ThreadWork, type ThreadInit, type ThreadRequest } from '../../core/engine/thread.ts';
import { MODULES } from '../../modules/index.ts';

// One engine thread: set up on start, then run each batch of days it is sent.
const port = parentPort!;
const work = new ThreadWork(workerData as ThreadInit, MODULES);
work.setup();
port.postMessage('ready');
port.on('message', (req: ThreadRequest) => {
  work.run(req.from, req.to);
  port.postMessage('done');
});
