/**
 * neurite in a browser: the built library (dist/) loaded as ES modules in headless Chromium.
 * On a cross-origin-isolated page the WebAssembly backend runs its kernels on Web Workers
 * sharing its memory; elsewhere it runs on one thread. Training and products agree with the
 * TypeScript reference run in the same page.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { NO_CHROMIUM, chromiumOrNull, launchOptions, runInChromium } from './harness/chromium.js';
import { serveStatic } from './harness/static-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Without any browser on the machine (a fresh one: nothing but Node and npm) these tests say so
// in one loud line and do not run, so `npm ci && npm test` passes; under CI=true (.ci/run sets
// it, and installs Chromium) a missing browser is a failure.
const browser = chromiumOrNull();
const ci = process.env.CI === 'true';
if (browser === null && !ci) console.warn(`\n*** SKIPPED: the browser tests did not run: ${NO_CHROMIUM} ***\n`);
test.runIf(browser === null && ci)('a browser is available under CI=true', () => {
  throw new Error(NO_CHROMIUM);
});

/** Page code shared by the tests: products and a training run, each on a backend and on the reference. */
const CHECKS = `
  const nt = await import('/dist/index.js');
  const js = nt.jsBackend();
  const maxDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
  const product = (backend) => {
    const a = nt.randomNormal([300, 257], 0, 1, { seed: 1 });
    const b = nt.randomNormal([300, 129], 0, 1, { seed: 2 });
    return nt.withContext({ backend }, () => nt.matmul(a, b, { transposeA: true })).values;
  };
  const fitLosses = async (backend) => {
    const prev = nt.getContext().backend;
    nt.setBackend(backend);
    try {
      nt.setSeed(7);
      const x = nt.randomNormal([256, 64], 0, 1, { seed: 3 });
      const y = nt.oneHot(nt.tensor(Array.from({ length: 256 }, (_, i) => (i * 7) % 10)), 10);
      const model = nt.sequential({ layers: [
        nt.layers.dense({ units: 300, activation: 'relu', inputShape: [64] }),
        nt.layers.dense({ units: 10, activation: 'softmax' }) ] });
      model.compile({ optimizer: new nt.Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
      const h = await model.fit(x, y, { epochs: 3, batchSize: 64, shuffle: false, verbose: 0 });
      return h.history.loss;
    } finally {
      nt.setBackend(prev);
    }
  };
  const xor = async () => {
    nt.setSeed(1);
    const x = nt.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = nt.tensor([[0], [1], [1], [0]]);
    const model = nt.sequential({ layers: [
      nt.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
      nt.layers.dense({ units: 1, activation: 'sigmoid' }) ] });
    model.compile({ optimizer: new nt.Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
    await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
    return Array.from(model.predict(x).values).map((p) => Math.round(p));
  };
`;

describe.runIf(browser !== null)('in headless Chromium', () => {
  test('on a cross-origin-isolated page: kernels run on 2 threads (Web Workers), results match the reference', async () => {
    const { value, warnings } = await runInChromium<Record<string, unknown>>(`${CHECKS}
      const two = nt.wasmBackend({ threads: 2 });
      const ready = await two.ready();
      const before = two.workerBands();
      const ref = product(js);
      let diff = 0;
      let calls = 0;
      for (; calls < 50 && two.workerBands() === before; calls++) diff = Math.max(diff, maxDiff(product(two), ref));
      const productBands = two.workerBands() - before;
      const lossesTwo = await fitLosses(two);
      const lossesJs = await fitLosses(js);
      return { isolated: crossOriginIsolated, name: two.name, ready, relaxed: two.relaxed, diff, productBands, calls,
        trainingBands: two.workerBands() - before - productBands, lossesTwo, lossesJs,
        readyDefault: await nt.ready(), defaultBackend: nt.getContext().backend.name, family: nt.getBackend(), defaultThreads: await nt.getContext().backend.ready(), xor: await xor() };
    `);
    expect(value.isolated).toBe(true);
    expect(value.ready).toBe(2);
    expect(value.name).toBe('wasm relaxed-simd (2 threads)');
    expect(value.diff as number).toBeLessThan(1e-3);
    // 257×129 output, split by rows: one band per product to the worker, when it is awake in
    // time (else the page's thread does it), so repeated until it has taken one.
    expect(value.productBands).toBe(1);
    // The compiled step's products above THREAD_MIN (64·300·64 multiply-adds and up) go to the worker too.
    expect(value.trainingBands as number).toBeGreaterThan(0);
    const [two, ref] = [value.lossesTwo as number[], value.lossesJs as number[]];
    expect(two).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(two[i]! - ref[i]!)).toBeLessThan(1e-4 * Math.abs(ref[i]!));
    expect(two[2]!).toBeLessThan(two[0]!);
    // The default backend uses navigator.hardwareConcurrency threads.
    expect(value.defaultBackend).toMatch(/^wasm relaxed-simd/);
    expect(value.family).toBe('wasm');
    expect(value.defaultThreads).toBeGreaterThanOrEqual(1);
    expect(value.xor).toEqual([0, 1, 1, 0]);
    expect(warnings).toEqual([]);
  });

  test('on a page that is not cross-origin isolated: one thread, no warning, same results', async () => {
    const { value, warnings } = await runInChromium<Record<string, unknown>>(`${CHECKS}
      const b = nt.wasmBackend({ threads: 2 });
      return { isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer, threads: b.threads, ready: await b.ready(),
        diff: maxDiff(product(b), product(js)), xor: await xor() };
    `, { isolated: false });
    expect(value).toMatchObject({ isolated: false, sab: 'undefined', threads: 1, ready: 1, xor: [0, 1, 1, 0] });
    expect(value.diff as number).toBeLessThan(1e-3);
    expect(warnings).toEqual([]);
  });

  test('when the page forbids workers: the calling thread does their share, with one warning', async () => {
    const { value, warnings } = await runInChromium<Record<string, unknown>>(`${CHECKS}
      const b = nt.wasmBackend({ threads: 2 });
      const ready = await b.ready();
      const diffs = [maxDiff(product(b), product(js)), maxDiff(product(b), product(js))];
      return { ready, diffs, bands: b.workerBands() };
    `, { headers: { 'Content-Security-Policy': "worker-src 'none'" } });
    expect(value.ready).toBe(1);
    expect(value.bands).toBe(0);
    for (const d of value.diffs as number[]) expect(d).toBeLessThan(1e-3);
    const ours = warnings.filter((w) => w.startsWith('neurite:'));
    // Chromium reports the blocked worker with an error event (after the constructor returned).
    expect(ours).toEqual(['neurite: a WebAssembly worker thread is not running: worker 1 failed to start; its share runs on the calling thread']);
  });

  test("the README's page, served from a project with neurite installed, learns XOR", async () => {
    const html = /```html\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))![1]!;
    // A project: index.html beside node_modules/neurite (this checkout) and node_modules/csv-parse.
    const project = mkdtempSync(join(tmpdir(), 'neurite-page-'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(ROOT, join(project, 'node_modules/neurite'));
    symlinkSync(join(ROOT, 'node_modules/csv-parse'), join(project, 'node_modules/csv-parse'));
    writeFileSync(join(project, 'index.html'), html);
    const server = await serveStatic(project);
    const b = await chromium.launch(launchOptions(browser!));
    try {
      const page = await b.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      const text = await page.waitForFunction(() => {
        const t = document.getElementById('out')!.textContent!;
        return t.startsWith('loss') ? t : null;
      }, null, { timeout: 60_000 }).then((h) => h.jsonValue()).catch((e: Error) => { throw new Error(`the page showed no result (page errors: ${errors.join('; ') || 'none'}): ${e.message}`); });
      const m = /^loss (\S+), predictions (\S+) (\S+) (\S+) (\S+)$/.exec(text as string);
      expect(m, text as string).not.toBeNull();
      expect(Number(m![1])).toBeLessThan(0.1);
      expect(m!.slice(2).map((p) => Math.round(Number(p)))).toEqual([0, 1, 1, 0]);
      expect(errors).toEqual([]);
    } finally {
      await b.close();
      await server.close();
      rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);
});
