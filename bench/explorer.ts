/**
 * The explorer's speed in Chromium, and whether the page stays responsive while the engine runs:
 * `npm run bench:explorer [-- --agents N --seconds S]`. For each scenario at N agents (100,000 by
 * default), it runs at full speed and, for S seconds in the middle of the run, records in the page
 * every animation frame's interval and every long task (> 50 ms on the page's own thread), and the
 * days shown in that time (days/s on the clock, what a viewer sees), beside the engine's own rate
 * (days per second of its compute time). One engine on one thread and on two, and Compare (two
 * engines in two workers, a thread each).
 */
import type { Page } from 'playwright-core';
import { day, openExplorer } from '../test/explorer-page.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const AGENTS = arg('agents', 100_000);
const SECONDS = arg('seconds', 5);
/** Long enough that the run is still going when the watch ends (rm1 runs hundreds of days a second). */
const DAYS: Record<string, number> = { rm1: 5000, 'planning-outline': 365 };

interface Responsiveness {
  frames: number;
  p50: number;
  p95: number;
  worst: number;
  longTasks: number;
  longestTask: number;
}

/**
 * Frames and long tasks on the page's thread for `ms` milliseconds. The probe is page code given as
 * text: the bench runs under tsx, whose helpers (__name) would not exist in the page.
 */
function watchPage(page: Page, ms: number): Promise<Responsiveness> {
  return page.evaluate(`(async () => {
    const gaps = [];
    const tasks = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration); });
    observer.observe({ type: 'longtask' });
    await new Promise((done) => {
      let last = performance.now();
      const end = last + ${ms};
      const frame = (t) => { gaps.push(t - last); last = t; if (t < end) requestAnimationFrame(frame); else done(); };
      requestAnimationFrame(frame);
    });
    observer.disconnect();
    gaps.sort((a, b) => a - b);
    const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] ?? 0;
    return { frames: gaps.length, p50: q(0.5), p95: q(0.95), worst: gaps[gaps.length - 1] ?? 0, longTasks: tasks.length, longestTask: Math.max(0, ...tasks) };
  })()`);
}

async function measure(page: Page, scenario: string, compare: boolean, threads: number): Promise<Responsiveness & { rate: number; wall: number }> {
  await page.getByLabel('Scenario', { exact: true }).selectOption(scenario);
  await page.getByLabel('Agents', { exact: true }).fill(String(AGENTS));
  await page.getByLabel('Days', { exact: true }).fill(String(DAYS[scenario]));
  await page.getByLabel('Speed').selectOption('0');
  await page.getByLabel('Engine threads').selectOption(String(threads));
  const box = page.getByLabel('Compare', { exact: true });
  if (compare) await box.check();
  else await box.uncheck();
  await page.getByRole('button', { name: 'Run' }).click();
  // Past the set-up and the first days, so that what is watched is the steady state.
  const deadline = Date.now() + 300_000;
  while ((await day(page)) < 5 && Date.now() < deadline) await page.waitForTimeout(200);
  const [d0, t0] = [await day(page), performance.now()];
  const r = await watchPage(page, SECONDS * 1000);
  const [d1, t1] = [await day(page), performance.now()];
  const rate = Number(await page.locator('#rate').getAttribute('data-days-per-second'));
  const pause = page.getByRole('button', { name: 'Pause' });
  if (await pause.isEnabled()) await pause.click();
  await page.getByRole('button', { name: 'Reset' }).click();
  return { ...r, rate, wall: ((d1 - d0) * 1000) / (t1 - t0) };
}

const session = await openExplorer();
try {
  await session.page.goto(session.server.url);
  await session.page.locator('body[data-ready="true"]').waitFor();
  console.log(`explorer in Chromium (${AGENTS.toLocaleString('en-US')} agents, full speed; page watched ${SECONDS} s mid-run)`);
  console.log('scenario          engines  threads  days/s (clock)  days/s (engine)  frames  frame p50  p95       worst     long tasks (longest)');
  for (const scenario of ['rm1', 'planning-outline']) {
    for (const [compare, threads] of [[false, 1], [false, 2], [true, 1]] as const) {
      const m = await measure(session.page, scenario, compare, threads);
      const ms = (x: number): string => `${x.toFixed(1)} ms`.padEnd(8);
      console.log(
        `${scenario.padEnd(18)}${(compare ? '2' : '1').padEnd(9)}${String(threads).padEnd(9)}${m.wall.toFixed(1).padEnd(16)}${m.rate.toFixed(1).padEnd(17)}${String(m.frames).padEnd(8)}${ms(m.p50)}   ${ms(m.p95)}  ${ms(m.worst)}  ${m.longTasks} (${m.longestTask.toFixed(0)} ms)`,
      );
    }
  }
  if (session.errors.length) throw new Error(`the page reported errors:\n${session.errors.join('\n')}`);
} finally {
  await session.close();
}
