/**
 * The playground end to end in headless Chromium (driven by playwright-core): the static build
 * (`vite build`) served cross-origin isolated, then used as a person would: pick data, grow the
 * network, train, upload a CSV, share a link, edit a weight, download the model. Skipped loudly
 * without a browser (a fresh machine); a failure under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadLayersModel, tensor } from 'neurite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gridPoints } from '../playground/src/features.js';
import { OUTPUT_GRID, type UpdateMessage } from '../playground/src/protocol.js';
import { NO_CHROMIUM, chromiumOrNull, launchOptions } from './harness/chromium.js';
import { serveStatic, type StaticServer } from './harness/static-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const found = chromiumOrNull();
const ci = process.env.CI === 'true';
if (found === null && !ci) console.warn(`\n*** SKIPPED: the playground tests did not run: ${NO_CHROMIUM} ***\n`);
test.runIf(found === null && ci)('a browser is available under CI=true', () => {
  throw new Error(NO_CHROMIUM);
});
/** NEURITE_SCREENSHOTS=docs writes the README's screenshots there. */
const shots = process.env.NEURITE_SCREENSHOTS;

type Snapshot = Pick<UpdateMessage, 'epoch' | 'playing' | 'trainLoss' | 'testLoss' | 'trainAccuracy' | 'testAccuracy'>;

describe.runIf(found !== null)('the playground in headless Chromium', () => {
  let out: string;
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'neurite-playground-'));
    const built = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'playground/vite.config.ts'), '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
    server = await serveStatic(out);
    browser = await chromium.launch(launchOptions(found!));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(out, { recursive: true, force: true });
  });

  /** A fresh page at `fragment`, once the worker has sent its first update. */
  async function open(fragment = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}${fragment}`);
    await page.waitForFunction(() => (window as unknown as { neuritePlayground?: { update: unknown } }).neuritePlayground?.update != null, null, { timeout: 30_000 })
      .catch((e: Error) => { throw new Error(`the playground sent no update (page errors: ${errors.join('; ') || 'none'}; notice: ${e.message})`); });
    return page;
  }
  const snapshot = (page: Page): Promise<Snapshot> => page.evaluate(() => {
    const u = (window as unknown as { neuritePlayground: { update: Snapshot } }).neuritePlayground.update;
    return { epoch: u.epoch, playing: u.playing, trainLoss: u.trainLoss, testLoss: u.testLoss, trainAccuracy: u.trainAccuracy, testAccuracy: u.testAccuracy };
  });
  const waitFor = (page: Page, what: string, timeout: number): Promise<unknown> =>
    page.waitForFunction(`(() => { const u = window.neuritePlayground.update; return u !== null && (${what}); })()`, null, { timeout, polling: 100 });
  /** Sets an input's value as a person would (typing, then leaving the field). */
  async function setInput(page: Page, id: string, value: string): Promise<void> {
    await page.evaluate(([i, v]) => {
      const el = document.getElementById(i!) as HTMLInputElement;
      el.value = v!;
      el.dispatchEvent(new Event('change'));
    }, [id, value]);
  }
  async function steps(page: Page, n: number): Promise<Snapshot> {
    for (let i = 0; i < n; i++) {
      const before = (await snapshot(page)).epoch;
      await page.click('#step');
      await waitFor(page, `u.epoch === ${before + 1}`, 10_000);
    }
    return snapshot(page);
  }
  const heatmapColours = (page: Page): Promise<{ distinct: number; white: number }> => page.evaluate(() => {
    const c = document.getElementById('heatmap') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    let white = 0;
    for (let i = 0; i < d.length; i += 4) {
      seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      if (d[i]! > 250 && d[i + 1]! > 250 && d[i + 2]! > 250) white++;
    }
    return { distinct: seen.size, white: white / (d.length / 4) };
  });

  test('spiral: add a layer, widen them, play; test accuracy reaches 0.95 and the heat map is drawn', async () => {
    const page = await open();
    await page.selectOption('#dataset', 'spiral');
    await setInput(page, 'noise', '0.02');
    await setInput(page, 'lr', '0.01');
    await page.click('#add-layer');
    // three hidden layers (4, 2, 2 units) widened to 8 each with their + buttons
    for (let layer = 0; layer < 3; layer++) {
      // Read the state, which a click changes at once (the label follows on the next frame).
      const units = () => page.evaluate((l) => (window as unknown as { neuritePlayground: { state: { hidden: Array<{ units: number }> } } }).neuritePlayground.state.hidden[l]!.units, layer);
      while ((await units()) < 8) await page.locator('.layer-control').nth(layer).locator('.unit-plus').click();
      await expect.poll(() => page.locator('.layer-control').nth(layer).locator('.units span').textContent()).toBe('8');
    }
    const state = await page.evaluate(() => (window as unknown as { neuritePlayground: { state: { hidden: unknown } } }).neuritePlayground.state.hidden);
    expect(state).toEqual([{ units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }]);
    expect(page.url()).toContain('layers=8:tanh,8:tanh,8:tanh');
    await page.click('#play');
    await waitFor(page, 'u.testAccuracy >= 0.95', 150_000);
    await page.click('#play');
    await waitFor(page, '!u.playing', 10_000);
    expect(await page.textContent('#play')).toBe('play');
    expect(await page.textContent('#backend')).toMatch(/^wasm.*\(2 threads\)$|^wasm/);
    const colours = await heatmapColours(page);
    expect(colours.distinct).toBeGreaterThan(100);
    expect(colours.white).toBeLessThan(0.5);
    if (shots !== undefined) await page.screenshot({ path: join(ROOT, shots, 'playground-spiral.png') });
    await page.close();
  }, 200_000);

  test('a click is answered within 100 ms while training', async () => {
    const page = await open('#data=spiral&layers=32:relu,32:relu,32:relu&points=1000');
    await page.click('#play');
    await waitFor(page, 'u.playing && u.epoch > 5', 30_000);
    const delays = await page.evaluate(async () => {
      const box = document.getElementById('show-test') as HTMLInputElement;
      const out: number[] = [];
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 150));
        const t0 = performance.now();
        box.click();
        // answered: the click handled and the frame that shows it begun
        await new Promise((r) => requestAnimationFrame(r));
        out.push(performance.now() - t0);
      }
      return out;
    });
    const playing = await snapshot(page);
    expect(playing.playing).toBe(true);
    expect(Math.max(...delays), `click-to-frame delays while training: ${delays.map((d) => d.toFixed(1)).join(', ')} ms`).toBeLessThan(100);
    await page.close();
  }, 60_000);

  test('a link reproduces the state and the losses step by step, after a reload', async () => {
    const fragment = '#data=moons&noise=0.15&layers=6:relu,5:elu&opt=rmsprop&lr=0.02&seed=7&batch=16&features=x1,x2,x1x2';
    const page = await open(fragment);
    expect(await page.inputValue('#dataset')).toBe('moons');
    expect(await page.inputValue('#optimizer')).toBe('rmsprop');
    expect(await page.inputValue('#lr')).toBe('0.02');
    expect(await page.isChecked('#feature-x1x2')).toBe(true);
    expect(await page.isChecked('#feature-x1sq')).toBe(false);
    expect(await page.locator('.layer-control .activation').evaluateAll((s) => s.map((e) => (e as HTMLSelectElement).value))).toEqual(['relu', 'elu']);
    const first = await steps(page, 5);
    expect(first.epoch).toBe(5);
    await page.reload();
    await waitFor(page, 'u.epoch === 0', 30_000);
    const again = await steps(page, 5);
    expect(again).toEqual(first);
    const other = await open(fragment);
    expect(await steps(other, 5)).toEqual(first);
    await other.close();
    // A bad setting is named, the rest kept
    await page.goto(`${server.url}${fragment.replace('lr=0.02', 'lr=lots')}`);
    await page.reload();
    await waitFor(page, 'u.epoch === 0', 30_000);
    expect(await page.textContent('#notice')).toContain("lr: expected a number in [0.000001, 10], got 'lots'");
    expect(await page.inputValue('#optimizer')).toBe('rmsprop');
    await page.close();
  }, 90_000);

  test('a 3-class CSV: uploaded, drawn, trained', async () => {
    const rows = ['petal_length,petal_width,sepal,species'];
    for (let i = 0; i < 150; i++) {
      const c = i % 3;
      const j = (i * 37) % 101 / 101;
      rows.push(`${(1.5 + 2.5 * c + j).toFixed(3)},${(0.2 + 0.8 * c + 0.3 * ((i * 13) % 7) / 7).toFixed(3)},${(5 + j).toFixed(2)},${['setosa', 'versicolor', 'virginica'][c]}`);
    }
    const page = await open();
    await page.setInputFiles('#csv-file', { name: 'flowers.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.waitForFunction(() => (window as unknown as { neuritePlayground: { data: { classNames: string[] } | null } }).neuritePlayground.data?.classNames.length === 3, null, { timeout: 30_000 });
    expect(await page.inputValue('#dataset')).toBe('csv');
    expect(await page.inputValue('#target')).toBe('species');
    expect(await page.locator('#legend span').allTextContents()).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(await page.textContent('#model-inputs')).toBe("The downloaded model's inputs, in order: petal_length, petal_width, sepal.");
    expect(await page.isDisabled('#feature-x1')).toBe(true);
    await page.selectOption('#y-column', 'sepal');
    await waitFor(page, 'u.epoch === 0', 10_000);
    await page.click('#play');
    await waitFor(page, 'u.testAccuracy >= 0.95', 60_000);
    await page.click('#play');
    if (shots !== undefined) await page.screenshot({ path: join(ROOT, shots, 'playground-csv.png') });
    expect(page.url()).toContain('target=species');
    expect(page.url()).toContain('y=sepal');
    // A second file dropped on the data panel replaces it: two classes now, one sigmoid output
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['a,b,label\n0,0,no\n0,1,yes\n1,0,yes\n1,1,no\n0.1,0.1,no\n0.9,0.1,yes\n'], 'two.csv', { type: 'text/csv' }));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => (window as unknown as { neuritePlayground: { data: { classNames: string[]; units: number[] } | null } }).neuritePlayground.data?.classNames.join() === 'no,yes', null, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { neuritePlayground: { data: { kind: string; units: number[] } } }).neuritePlayground.data)).toMatchObject({ kind: 'binary', units: [2, 4, 2, 1] });
    expect(await page.inputValue('#target')).toBe('label');
    await page.close();
  }, 90_000);

  test('hover a link for its weight, click it to edit; download the model and load it', async () => {
    const page = await open('#data=xor&layers=3:tanh&seed=3');
    await steps(page, 3);
    const weight = await page.evaluate(() => (window as unknown as { neuritePlayground: { update: { kernels: Float32Array[] } } }).neuritePlayground.update.kernels[0]![0]!);
    // The link from input x₁ to hidden unit 1: found by moving over the canvas until the tooltip names it
    let found = false;
    const box = (await page.locator('#network').boundingBox())!;
    for (let fx = 0.2; fx < 0.5 && !found; fx += 0.02) {
      for (let fy = 0.05; fy < 0.95 && !found; fy += 0.01) {
        await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
        const text = await page.textContent('#tooltip-text');
        if (!(await page.isHidden('#tooltip')) && text?.startsWith('weight') && text.includes('from input x₁ to layer 1, unit 1:')) found = true;
      }
    }
    expect(found).toBe(true);
    expect(await page.textContent('#tooltip-text')).toContain(`weight ${weight.toPrecision(4)} from input x₁ to layer 1, unit 1: tanh — click to edit`);
    await page.mouse.down();
    await page.mouse.up();
    await page.fill('#weight-editor', '2.5');
    await page.press('#weight-editor', 'Enter');
    await page.waitForFunction(() => (window as unknown as { neuritePlayground: { update: { kernels: Float32Array[] } } }).neuritePlayground.update.kernels[0]![0] === 2.5, null, { timeout: 10_000 });

    const downloads: Array<import('playwright-core').Download> = [];
    page.on('download', (d) => downloads.push(d));
    await page.click('#download');
    await expect.poll(() => downloads.length, { timeout: 10_000 }).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'playground-download-'));
    try {
      const got = await Promise.all(downloads.map(async (file) => {
        const name = file.suggestedFilename();
        await file.saveAs(join(dir, name));
        return name;
      }));
      expect(got.sort()).toEqual(['model.json', 'weights.bin']);
      const model = await loadLayersModel(`file://${join(dir, 'model.json')}`);
      const { domain, output } = await page.evaluate(() => {
        const p = (window as unknown as { neuritePlayground: { data: { domain: object }; update: { output: Float32Array } } }).neuritePlayground;
        return { domain: p.data.domain, output: Array.from(p.update.output) };
      });
      const mine = model.predict(tensor(gridPoints(domain as Parameters<typeof gridPoints>[0], OUTPUT_GRID), [OUTPUT_GRID * OUTPUT_GRID, 2]));
      const values = (Array.isArray(mine) ? mine[0]! : mine).values;
      let worst = 0;
      for (let i = 0; i < output.length; i++) worst = Math.max(worst, Math.abs(values[i]! - output[i]!));
      expect(values.length).toBe(output.length);
      expect(worst).toBeLessThan(1e-5);
      expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).format).toBe('layers-model');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // copy code: the program for this network and these 3 epochs
    await page.click('#copy-code');
    const code = await page.textContent('#code');
    expect(code).toContain("layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }),");
    expect(code).toContain('epochs: 3,');
    expect(await page.textContent('#notice')).toContain('without the weights you edited by hand');
    await page.close();
  }, 120_000);
});

// A screenshot run writes into docs/; make sure it exists.
if (shots !== undefined) mkdirSync(join(ROOT, shots), { recursive: true });

describe.runIf(found !== null)('the playground served other ways', () => {
  test('from a static server without the isolation headers: it trains on one thread and says so', async () => {
    const out = mkdtempSync(join(tmpdir(), 'neurite-playground-plain-'));
    const built = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'playground/vite.config.ts'), '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const server = await serveStatic(out, { isolated: false });
    const browser = await chromium.launch(launchOptions(found!));
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}#data=xor`);
      await page.waitForFunction(() => document.getElementById('backend')!.textContent!.includes('one thread'), null, { timeout: 30_000 });
      expect(await page.textContent('#backend')).toMatch(/^wasm.* \(one thread: the page is not cross-origin isolated\)$/);
      await page.click('#step');
      await page.waitForFunction(() => (window as unknown as { neuritePlayground: { update: { epoch: number } | null } }).neuritePlayground.update?.epoch === 1, null, { timeout: 30_000 });
    } finally {
      await browser.close();
      await server.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);

  test('npm run playground: the Vite dev server sends the isolation headers and the page trains', async () => {
    const { createServer } = await import('vite');
    const dev = await createServer({ configFile: join(ROOT, 'playground/vite.config.ts'), server: { port: 0, host: '127.0.0.1' }, logLevel: 'silent' });
    await dev.listen();
    const url = dev.resolvedUrls!.local[0]!;
    const browser = await chromium.launch(launchOptions(found!));
    try {
      const res = await fetch(url);
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      const page = await browser.newPage();
      await page.goto(`${url}#data=moons`);
      await page.waitForFunction(() => (window as unknown as { neuritePlayground?: { update: unknown } }).neuritePlayground?.update != null, null, { timeout: 60_000 });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await page.click('#step');
      await page.waitForFunction(() => (window as unknown as { neuritePlayground: { update: { epoch: number } | null } }).neuritePlayground.update?.epoch === 1, null, { timeout: 30_000 });
    } finally {
      await browser.close();
      await dev.close();
    }
  }, 120_000);
});
