/** Reading a scenario file from disk (Node only); parsing is shared with the browser in source.ts. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ScenarioError } from './errors.ts';
import { MAX_SCENARIO_BYTES, describeBytes, parseScenarioText, type SourceDoc } from './source.ts';

export function readScenarioFile(path: string): SourceDoc {
  return parseScenarioText(readBytes(path), path);
}

function readBytes(path: string): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever.
    // It changes nothing for regular files, the only kind read below.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw fail(path, 'a readable file', describeError(e));
  }
  try {
    // fstat on the open descriptor, not stat on the path, so the checks apply to what is read.
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw fail(path, 'a file', 'a directory');
    if (!stat.isFile()) throw fail(path, 'a regular file', stat.isFIFO() ? 'a named pipe' : stat.isSocket() ? 'a socket' : 'a device');
    if (stat.size > MAX_SCENARIO_BYTES) throw tooBig(path, describeBytes(stat.size));
    return readAtMost(fd, path, stat.size);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw fail(path, 'a readable file', describeError(e));
  } finally {
    closeSync(fd);
  }
}

/** Reads to the end, but never holds more than the cap plus one byte: the file may grow after fstat. */
function readAtMost(fd: number, path: string, size: number): Uint8Array {
  let buffer = new Uint8Array(Math.min(size, MAX_SCENARIO_BYTES) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > MAX_SCENARIO_BYTES) throw tooBig(path, 'a file that grew past that while being read');
      const larger = new Uint8Array(MAX_SCENARIO_BYTES + 1);
      larger.set(buffer);
      buffer = larger;
    }
    const n = readSync(fd, buffer, length, buffer.length - length, null);
    if (n === 0) return buffer.subarray(0, length);
    length += n;
  }
}

function tooBig(path: string, found: string): ScenarioError {
  return fail(path, `at most ${describeBytes(MAX_SCENARIO_BYTES)}`, found, 'scenario files are capped in size');
}

function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'no such file (a part of the path is not a directory)';
    case 'EISDIR':
      return 'a directory';
    case 'EACCES':
    case 'EPERM':
      return 'a file without permission to read it';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'ENAMETOOLONG':
      return 'a path that is too long';
    default:
      return `an error: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function fail(file: string, expected: string, found: string, hint?: string): ScenarioError {
  return new ScenarioError([{ file, path: [], pathText: '', expected, found, ...(hint === undefined ? {} : { hint }) }]);
}
