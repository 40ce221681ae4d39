// Development only: lets a worker thread run TypeScript sources (tsx does not hook worker_threads
// on Node 20). Built code starts worker.js directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
