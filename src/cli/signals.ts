/**
 * Ctrl-C (or SIGTERM) for a long command: the first signal aborts `stop`, for the command to end
 * cleanly; a second one exits at once (130 or 143), even while the command waits on something that
 * does not answer. What the command writes, it writes whole (transactions, atomic files).
 */
export function stopOnSignals(onStop?: () => void): { stop: AbortController; signal: () => NodeJS.Signals | undefined; dispose: () => void } {
  const stop = new AbortController();
  let got: NodeJS.Signals | undefined;
  const on = (s: NodeJS.Signals): void => {
    if (got) process.exit(s === 'SIGTERM' ? 143 : 130);
    got = s;
    stop.abort();
    onStop?.();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { stop, signal: () => got, dispose: () => (process.off('SIGINT', on), process.off('SIGTERM', on)) };
}
