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
 * Writes a file atomically: into a temporary file beside it, flushed, then renamed over the target.
 * A crash or Ctrl-C leaves either the old file or the new one, never half of one.
 */
export function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
