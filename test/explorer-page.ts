import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

// What the explorer's end-to-end tests share: `sclab explore` serving the built explorer (npm test
// builds first) and Debian's headless Chromium driving it. No browser is downloaded.
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

export interface Server {
  child: ChildProcess;
  url: string;
}

/** Starts `sclab explore --port 0 [...args]` and resolves with the address it prints. */
export function startServer(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, 'explore', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
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

export interface Session {
  server: Server;
  browser: Browser;
  page: Page;
  /** Page errors, console errors and requests that left the server, as they happen. */
  errors: string[];
  close(): Promise<void>;
}

/** Starts the server and a headless Chromium page on it, recording anything that goes wrong. */
export async function openExplorer(opts: { args?: string[]; env?: NodeJS.ProcessEnv; width?: number; height?: number } = {}): Promise<Session> {
  if (!hasChromium) throw new Error(`Chromium is missing at ${CHROMIUM}; CI must install it (apt-get install chromium) to test the explorer.`);
  if (!existsSync(main)) throw new Error('dist/cli/main.js is missing: run npm run build first');
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServer(opts.args, opts.env);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext({ viewport: { width: opts.width ?? 1500, height: opts.height ?? 1000 }, acceptDownloads: true })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('request', (req) => {
    if (!req.url().startsWith(server.url) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) errors.push(`outside request: ${req.url()}`);
  });
  return {
    server,
    browser,
    page,
    errors,
    async close() {
      await browser.close();
      server.child.kill('SIGTERM');
    },
  };
}

export const points = async (page: Page, metric: string): Promise<number> => Number(await page.locator(`[data-metric="${metric}"]`).getAttribute('data-points'));
export const day = async (page: Page): Promise<number> => Number(await page.locator('#day').textContent());
