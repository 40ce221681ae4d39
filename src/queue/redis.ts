import { Redis } from 'ioredis';

/** The one queue every sweep puts its runs on and every worker takes them from. */
export const QUEUE_NAME = 'sclab-runs';

/** Attempts per run before the queue gives up on it and the sweep stores it as failed. */
export const ATTEMPTS = 3;

/** A queue address as the command line takes it. */
export function parseQueueUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--queue: expected a Redis address such as redis://127.0.0.1:6379, found "${text}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--queue: expected a redis:// or rediss:// address, found "${text}"`);
  return url;
}

/**
 * A connection that waits out an outage instead of failing: BullMQ's blocking commands need
 * `maxRetriesPerRequest: null`, and a sweep or worker should ride through a Redis restart.
 */
export function connect(url: URL): Redis {
  return new Redis(url.href, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (times) => Math.min(200 * times, 2000) });
}
