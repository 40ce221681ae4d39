// After tsc: ship the built-in scenarios beside the code, make the CLI executable, and link it as
// node_modules/.bin/sclab (npm links the bins of dependencies, not a package's own).
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';

cpSync('src/scenarios/library', 'dist/scenarios/library', { recursive: true });
chmodSync('dist/cli/main.js', 0o755);
if (existsSync('node_modules')) {
  mkdirSync('node_modules/.bin', { recursive: true });
  rmSync('node_modules/.bin/sclab', { force: true });
  symlinkSync('../../dist/cli/main.js', 'node_modules/.bin/sclab');
}
