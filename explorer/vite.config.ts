import { defineConfig } from 'vite';

// Built with `vite build explorer`: the root is this folder, so the paths here are relative to it.
export default defineConfig({
  base: './',
  build: { outDir: '../dist/explorer', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
  worker: { format: 'es' },
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  preview: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
});
