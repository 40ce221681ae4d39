import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// End to end: `sclab explore` serves the built explorer (npm test builds first), and headless Chromium
// drives it. No browser is downloaded: Debian's chromium is used, as in report-browser.test.ts.
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const rm1 = readFileSync(new URL('../src/scenarios/library/rm1.yaml', import.meta.url), 'utf8');

/** Starts `sclab explore --port 0` and resolves with the address it prints. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, 'explore', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no address printed in 15 s: ${out}${err}`)), 15_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /explorer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sclab explore exited (${code}): ${out}${err}`));
    });
  });
}

const points = async (page: Page, metric: string): Promise<number> => Number(await page.locator(`[data-metric="${metric}"]`).getAttribute('data-points'));
const day = async (page: Page): Promise<number> => Number(await page.locator('#day').textContent());

describe.skipIf(!hasChromium && !process.env.CI)('explorer in a browser', () => {
  let server: { child: ChildProcess; url: string } | undefined;
  let browser: Browser | undefined;
  const errors: string[] = [];
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`Chromium is missing at ${CHROMIUM}; CI must install it (apt-get install chromium) to test the explorer.`);
    if (!existsSync(main)) throw new Error('dist/cli/main.js is missing: run npm run build first');
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await (await browser.newContext({ viewport: { width: 1500, height: 1000 } })).newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('request', (req) => {
      if (!req.url().startsWith(server!.url) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) errors.push(`outside request: ${req.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
  });

  it('serves the page cross-origin isolated, with the built-in scenarios', async () => {
    const res = await page.goto(server!.url);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(res?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated)).toBe(true);
    const options = await page.locator('#scenario option').allTextContents();
    expect(options).toContain('rm1');
    expect(options).toContain('planning-outline');
    expect(await page.locator('#yaml').inputValue()).toBe(rm1);
    expect(errors).toEqual([]);
  });

  it('runs rm1 and the charts fill as the days go by', async () => {
    await page.getByLabel('Scenario', { exact: true }).selectOption('rm1');
    await page.getByLabel('Agents').fill('2000');
    await page.getByLabel('Days').fill('120');
    await page.getByLabel('Speed').selectOption('60');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => day(page), { timeout: 20_000 }).toBeGreaterThan(10);
    expect(await points(page, 'listed')).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause' }).click();
    const paused = await day(page);
    await page.waitForTimeout(300);
    expect(await day(page)).toBe(paused);
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => day(page)).toBe(paused + 1);
    await page.screenshot({ path: `${ARTIFACTS}explorer-run.png`, fullPage: true });
    await page.getByLabel('Speed').selectOption('0');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.locator('#state').textContent(), { timeout: 30_000 }).toBe('finished');
    expect(await day(page)).toBe(120);
    expect(await points(page, 'listed')).toBe(120);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => points(page, 'listed')).toBe(0);
    expect(await day(page)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows a problem in the YAML at its line', async () => {
    const lines = rm1.split('\n');
    const line = lines.findIndex((l) => l.startsWith('agents:')) + 1;
    lines[line - 1] = 'agents: -5';
    await page.getByLabel('Agents').fill('');
    await page.getByRole('textbox', { name: /^Scenario YAML/ }).fill(lines.join('\n'));
    await page.getByRole('button', { name: 'Run' }).click();
    const problem = page.locator('#problems button').first();
    await expect.poll(() => problem.getAttribute('data-line')).toBe(String(line));
    expect(await problem.textContent()).toMatch(new RegExp(`^line ${line}, column \\d+agents: expected`));
    expect(await page.locator(`#gutter .bad[data-line="${line}"]`).count()).toBe(1);
    expect(await page.locator('#marks div').count()).toBe(1);
    expect(await page.locator('#state').textContent()).toBe('1 problem in the scenario');
    await page.screenshot({ path: `${ARTIFACTS}explorer-error.png`, fullPage: true });
    // Picking a scenario again brings back its text, and the problems go.
    await page.getByLabel('Scenario', { exact: true }).selectOption('rm1');
    expect(await page.locator('#problems li').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('measures the engine in the page', async () => {
    const rates: Record<string, number> = {};
    for (const [name, agents] of [['rm1', 100_000], ['planning-outline', 100_000]] as const) {
      await page.getByLabel('Scenario', { exact: true }).selectOption(name);
      await page.getByLabel('Agents').fill(String(agents));
      await page.getByLabel('Days').fill('365');
      await page.getByLabel('Speed').selectOption('0');
      await page.getByRole('button', { name: 'Run' }).click();
      await expect.poll(() => day(page), { timeout: 120_000 }).toBeGreaterThan(100);
      await page.getByRole('button', { name: 'Pause' }).click();
      expect(await page.locator('#population').textContent()).toBe(agents.toLocaleString('en-US'));
      expect(await page.locator('#horizon').textContent()).toBe('365');
      rates[name] = Number(await page.locator('#rate').getAttribute('data-days-per-second'));
      if (name === 'planning-outline') await page.screenshot({ path: `${ARTIFACTS}explorer-planning-outline.png`, fullPage: true });
    }
    process.stdout.write(`explorer, 100000 agents, 1 worker: rm1 ${rates.rm1!.toFixed(1)} days/s, planning-outline ${rates['planning-outline']!.toFixed(1)} days/s\n`);
    expect(rates.rm1).toBeGreaterThan(0);
    expect(rates['planning-outline']).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
