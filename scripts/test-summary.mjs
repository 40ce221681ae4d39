// Prints "N passed, N failed" from vitest's JSON report. A failure before vitest ran (build, type
// check, lint) counts as one failed test, so a red run never reads as "0 failed".
import { existsSync, readFileSync } from 'node:fs';

const [file, status] = process.argv.slice(2);
if (!existsSync(file)) {
  console.log(`0 passed, ${status === '0' ? 0 : 1} failed`);
} else {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const failed = r.numFailedTests + (status !== '0' && r.numFailedTests === 0 ? 1 : 0);
  const skipped = r.numPendingTests + r.numTodoTests;
  if (skipped) console.log(`(${skipped} skipped)`);
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
}
