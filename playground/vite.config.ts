/**
 * The playground's dev server (`npm run playground`) and static build (`npm run
 * build:playground` → playground/dist/). neurite is bundled from its sources. The headers make
 * the page cross-origin isolated, so the WebAssembly backend runs on worker threads; a static
 * server without them still works, on one thread (the page says which).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^neurite$/, replacement: fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
      // csv-parse's package exports name its Node build only; its browser build is in dist/esm.
      { find: /^csv-parse\/sync$/, replacement: fileURLToPath(new URL('../node_modules/csv-parse/dist/esm/sync.js', import.meta.url)) },
      { find: /^csv-parse$/, replacement: fileURLToPath(new URL('../node_modules/csv-parse/dist/esm/index.js', import.meta.url)) },
    ],
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
});
