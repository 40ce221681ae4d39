// Before the tests: the Debian packages that two of them drive for real, Redis (the job-queue test)
// and Chromium (the report test). On a Debian machine where we are root (CI, a fresh container) they
// are installed if missing; elsewhere this says how, and those tests skip (under CI=true they fail).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = [
  ['redis-server', '/usr/bin/redis-server'],
  ['chromium', '/usr/bin/chromium'],
];
const missing = wanted.filter(([, path]) => !existsSync(path)).map(([pkg]) => pkg);
if (missing.length) {
  const root = process.getuid?.() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (root && apt) {
    process.stderr.write(`installing Debian packages for the tests: ${missing.join(', ')}\n`);
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    if (!install()) {
      spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (!install()) {
        process.stderr.write(`could not install ${missing.join(', ')}\n`);
        process.exit(1);
      }
    }
  } else {
    process.stderr.write(`note: ${missing.join(' and ')} not installed (sudo apt-get install ${missing.join(' ')}): the tests that need them will be skipped\n`);
  }
}
