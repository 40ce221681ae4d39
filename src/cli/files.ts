import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/**
 * Why `path` cannot be written, or undefined if it can: checked before a run, so that a long run
 * does not end in an output it cannot save.
 */
export function unwritable(path: string): string | undefined {
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    accessSync(dir, constants.W_OK);
  } catch {
    return `the directory ${dir} does not exist or cannot be written`;
  }
  try {
    if (statSync(path).isDirectory()) return `${path} is a directory`;
  } catch {
    // Not there yet: that is the usual case.
  }
  return undefined;
}

/**
 * Writes files atomically: each into a temporary file beside it, flushed; only when all are
 * written are they renamed over their targets. A crash, a full disk or Ctrl-C leaves the old files
 * or the new ones, never half of one, and never one new output without the others.
 */
export function writeAllAtomic(files: readonly { path: string; text: string }[]): void {
  const tmps: string[] = [];
  try {
    for (const { path, text } of files) {
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      tmps.push(tmp);
      const fd = openSync(tmp, 'w', 0o644);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  } catch (e) {
    for (const tmp of tmps) rmSync(tmp, { force: true });
    throw e;
  }
  files.forEach(({ path }, k) => renameSync(tmps[k]!, path));
}
