import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storeOption } from './experiment.ts';
import { storeApi, type ApiAnswer } from './explore-api.ts';
import { stopOnSignals } from './signals.ts';

/** The built explorer (vite build explorer), beside the compiled CLI: dist/explorer. */
const ROOT = fileURLToPath(new URL('../explorer/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.yaml': 'text/yaml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Headers on every answer. COOP and COEP make the page cross-origin isolated, which SharedArrayBuffer
 * (the engine's threads sharing one world) needs; the rest keep a local tool from being framed or sniffed.
 */
const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-cache',
};

/**
 * Serves the files under `root` (index.html for `/`) on 127.0.0.1 only, and, given `api`, its JSON
 * answers under /api/ (read-only: only GET and HEAD, like the files).
 */
export function serveExplorer(root: string, port: number, api?: (path: string) => Promise<ApiAnswer>): Promise<Server> {
  const server = createServer((req, res) => {
    const isApi = /^\/api(\/|$)/.test(req.url ?? '');
    const fail = (status: number, text: string): void => {
      if (isApi) return json({ status, body: { error: text } });
      res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end(text + '\n');
    };
    const json = (a: ApiAnswer): void => {
      const body = JSON.stringify(a.body);
      res.writeHead(a.status, { ...HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...(a.status === 405 ? { Allow: 'GET, HEAD' } : {}) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return fail(400, 'bad request');
    }
    if (isApi) {
      if (!api) return fail(404, 'no API here');
      void api(path).then(json, (e: unknown) => json({ status: 500, body: { error: e instanceof Error ? e.message : String(e) } }));
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    // No way out of the root, whatever the path says.
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep) || path.includes('\0')) return fail(404, 'not found');
    let size: number;
    try {
      const s = statSync(file);
      if (!s.isFile()) return fail(404, 'not found');
      size = s.size;
    } catch {
      return fail(404, 'not found');
    }
    res.writeHead(200, { ...HEADERS, 'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

const port = (text: string): number => {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError(`expected a port, an integer in [0, 65535], found "${text}"`);
  return Number(text);
};

export function exploreCommand(cli: Command): void {
  cli
    .command('explore')
    .description('serve the explorer (run and watch scenarios, browse the result store) in a browser on 127.0.0.1 and print its address')
    .option('--port <n>', 'port to listen on (0: any free port)', port, 0)
    .addOption(storeOption())
    .action(async (o: { port: number; store: string }) => {
      if (!existsSync(join(ROOT, 'index.html'))) throw new Error(`the explorer is not built (no ${ROOT}index.html): run npm run build`);
      const server = await serveExplorer(ROOT, o.port, storeApi(o.store));
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : o.port;
      process.stdout.write(`explorer: http://127.0.0.1:${bound}/\n`);
      process.stdout.write('press Ctrl-C to stop\n');
      await new Promise<void>((resolve) => {
        const signals = stopOnSignals(() => {
          signals.dispose();
          server.close(() => resolve());
          server.closeAllConnections();
        });
      });
    });
}
