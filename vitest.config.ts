import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Examples and README snippets import 'neurite'; tests run them against the sources.
    alias: { neurite: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'playground/src/**/*.test.ts'],
    testTimeout: 120_000,
    // Unpacks the Chromium of the @sparticuz/chromium dev dependency where the machine has none.
    globalSetup: ['test/harness/browser-setup.ts'],
  },
});
