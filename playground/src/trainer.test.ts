/**
 * The worker protocol, run in Node: the trainer answers configure/step/play/pause/reset/
 * setWeight/export as the page expects, reproducibly, and the "copy code" program trains to the
 * same loss as the page.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLayersModel, tensor } from 'neurite';
import { afterAll, describe, expect, test } from 'vitest';
import { snippet } from './code.js';
import { gridPoints } from './features.js';
import { planNetwork } from './network.js';
import { OUTPUT_GRID, type DataMessage, type FromWorker, type ModelMessage, type ToWorker, type UpdateMessage } from './protocol.js';
import { defaultState, type PlaygroundState } from './state.js';
import { Trainer } from './trainer.js';

/** A trainer and everything it posted. */
function harness(): { trainer: Trainer; posted: FromWorker[]; send: (m: ToWorker) => Promise<void>; last: () => UpdateMessage; errors: () => string[] } {
  const posted: FromWorker[] = [];
  const trainer = new Trainer((m) => posted.push(m));
  const updates = (): UpdateMessage[] => posted.filter((m): m is UpdateMessage => m.type === 'update');
  return {
    trainer, posted,
    send: (m) => trainer.receive(m),
    last: () => updates()[updates().length - 1]!,
    errors: () => posted.flatMap((m) => (m.type === 'error' ? [m.message] : [])),
  };
}

const spiral: PlaygroundState = { ...defaultState(), dataset: 'spiral', classes: 3, points: 300, noise: 0.05, hidden: [{ units: 16, activation: 'tanh' }, { units: 16, activation: 'tanh' }], learningRate: 0.03 };

describe('playground trainer', () => {
  test('configure sends the data and the untrained network', async () => {
    const h = harness();
    await h.send({ type: 'configure', state: spiral, csv: null });
    const data = h.posted[0] as DataMessage;
    expect(data.type).toBe('data');
    expect(data.kind).toBe('multiclass');
    expect(data.classNames).toEqual(['class 0', 'class 1', 'class 2']);
    expect(data.units).toEqual([2, 16, 16, 3]);
    expect(data.activations).toEqual(['tanh', 'tanh', 'softmax']);
    expect(data.xy.length).toBe(600);
    // trainRatio 0.5: 150 test points
    expect(data.isTest.reduce((s, v) => s + v, 0)).toBe(150);
    const u = h.last();
    expect(u.epoch).toBe(0);
    expect(u.output.length).toBe(OUTPUT_GRID * OUTPUT_GRID * 3);
    expect(u.neurons.map((n) => n.length / (24 * 24))).toEqual([2, 16, 16, 3]);
    expect(u.kernels.map((k) => k.length)).toEqual([2 * 16, 16 * 16, 16 * 3]);
    // Untrained on three balanced classes: loss near ln 3 = 1.0986
    expect(u.trainLoss).toBeGreaterThan(0.9);
    expect(u.trainLoss).toBeLessThan(1.4);
  });

  test('steps train; the same state gives the same losses step by step', async () => {
    const run = async (): Promise<number[]> => {
      const h = harness();
      await h.send({ type: 'configure', state: spiral, csv: null });
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) {
        await h.send({ type: 'step' });
        losses.push(h.last().trainLoss);
        expect(h.last().epoch).toBe(i + 1);
      }
      return losses;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a[4]).toBeLessThan(a[0]!);
  });

  test('play trains until pause, letting commands in between epochs', async () => {
    const h = harness();
    await h.send({ type: 'configure', state: spiral, csv: null });
    await h.send({ type: 'play' });
    await new Promise((r) => setTimeout(r, 300));
    await h.send({ type: 'pause' });
    const paused = h.last();
    expect(paused.playing).toBe(false);
    expect(paused.epoch).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.last().epoch).toBe(paused.epoch);
    // reset: back to epoch 0 and the initial weights
    await h.send({ type: 'reset' });
    const first = harness();
    await first.send({ type: 'configure', state: spiral, csv: null });
    expect(h.last().epoch).toBe(0);
    expect(h.last().trainLoss).toBe(first.last().trainLoss);
    expect(h.errors()).toEqual([]);
  });

  test('spiral reaches test accuracy ≥ 0.95 within 300 epochs', async () => {
    const h = harness();
    await h.send({ type: 'configure', state: spiral, csv: null });
    for (let i = 0; i < 300 && (h.last().testAccuracy ?? 0) < 0.95; i++) await h.send({ type: 'step' });
    expect(h.last().testAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  test('setWeight changes one kernel entry; bad ones are refused with the shape', async () => {
    const h = harness();
    await h.send({ type: 'configure', state: spiral, csv: null });
    const before = h.last();
    await h.send({ type: 'setWeight', layer: 1, from: 2, to: 3, value: 4.5 });
    const after = h.last();
    expect(after.kernels[1]![2 * 16 + 3]).toBe(4.5);
    const changed = after.kernels[1]!.reduce((n, v, i) => n + (v !== before.kernels[1]![i] ? 1 : 0), 0);
    expect(changed).toBe(1);
    expect(after.trainLoss).not.toBe(before.trainLoss);
    await h.send({ type: 'setWeight', layer: 1, from: 16, to: 0, value: 1 });
    await h.send({ type: 'setWeight', layer: 7, from: 0, to: 0, value: 1 });
    await h.send({ type: 'setWeight', layer: 0, from: 0, to: 0, value: NaN });
    expect(h.errors()).toEqual([
      "setWeight: layer 1's kernel is 16×16; got entry (16, 0)",
      'setWeight: no Dense layer 7 (the network has 3)',
      'setWeight: expected a finite number, got NaN',
    ]);
  });

  test('errors come back as messages', async () => {
    const h = harness();
    await h.send({ type: 'step' });
    await h.send({ type: 'configure', state: { ...spiral, dataset: 'csv' }, csv: null });
    await h.send({ type: 'configure', state: { ...spiral, loss: 'binaryCrossentropy' }, csv: null });
    await h.send({ type: 'configure', state: { ...spiral, dataset: 'csv', target: 'nope' }, csv: { name: 'a.csv', text: 'u,v\n1,2\n' } });
    await h.send({ type: 'configure', state: { ...spiral, hidden: [{ units: 4, activation: 'step' }] }, csv: null });
    await h.send({ type: 'step' });
    const errors = h.errors();
    expect(errors.slice(0, 4)).toEqual([
      "step: there is no network yet (send 'configure' first)",
      'choose a CSV file first (drop it on the data panel, or use the file picker)',
      "loss 'binaryCrossentropy' does not fit a multiclass problem; expected one of sparseCategoricalCrossentropy",
      "a.csv: no column 'nope' to predict (columns: u, v)",
    ]);
    expect(errors[4]).toMatch(/^step activation: its gradient is zero everywhere/);
  });

  test('a diverging run stops with a message naming the learning rate', async () => {
    const h = harness();
    const state: PlaygroundState = { ...defaultState(), dataset: 'plane', optimizer: 'sgd', learningRate: 10, hidden: [{ units: 8, activation: 'relu' }, { units: 8, activation: 'relu' }] };
    await h.send({ type: 'configure', state, csv: null });
    for (let i = 0; i < 20 && h.errors().length === 0; i++) await h.send({ type: 'step' });
    expect(h.errors()[0]).toMatch(/^the training loss is (NaN|Infinity) after epoch \d+: training diverged. Lower the learning rate \(now 10\) and press reset.$/);
  });

  test('a 3-class CSV trains, its columns standardized', async () => {
    const rows = ['length,width,kind'];
    for (let i = 0; i < 90; i++) {
      const c = i % 3;
      rows.push(`${10 + 5 * c + ((i * 7) % 5) / 5},${100 - 20 * c + ((i * 3) % 7) / 7},${['a', 'b', 'c'][c]}`);
    }
    const h = harness();
    await h.send({ type: 'configure', state: { ...spiral, dataset: 'csv', target: 'kind', xColumn: 'width', yColumn: 'length' }, csv: { name: 'k.csv', text: rows.join('\n') } });
    const data = h.posted[0] as DataMessage;
    expect(data.kind).toBe('multiclass');
    expect(data.classNames).toEqual(['a', 'b', 'c']);
    expect(data.inputNames).toEqual(['length', 'width']);
    // Drawn: width then length, standardized (mean 0)
    const mean = (k: number): number => data.xy.filter((_, i) => i % 2 === k).reduce((s, v) => s + v, 0) / 90;
    expect(Math.abs(mean(0))).toBeLessThan(1e-5);
    expect(data.xy[0]).toBeGreaterThan(0); // the first row has the largest width
    for (let i = 0; i < 40; i++) await h.send({ type: 'step' });
    expect(h.last().testAccuracy).toBe(1);
  });

  test('export gives model.json and weights.bin that neurite and TensorFlow.js load and that predict as the page', async () => {
    const h = harness();
    await h.send({ type: 'configure', state: spiral, csv: null });
    for (let i = 0; i < 3; i++) await h.send({ type: 'step' });
    await h.send({ type: 'export' });
    const m = h.posted.find((p): p is ModelMessage => p.type === 'model')!;
    const dir = mkdtempSync(join(tmpdir(), 'playground-export-'));
    try {
      writeFileSync(join(dir, 'model.json'), m.json);
      writeFileSync(join(dir, 'weights.bin'), m.weights);
      const model = await loadLayersModel(`file://${join(dir, 'model.json')}`);
      const data = h.posted[0] as DataMessage;
      const grid = gridPoints(data.domain, OUTPUT_GRID);
      const p = model.predict(tensor(grid, [OUTPUT_GRID * OUTPUT_GRID, 2]));
      const page = h.last().output;
      const values = (Array.isArray(p) ? p[0]! : p).values;
      expect(values.length).toBe(page.length);
      let worst = 0;
      for (let i = 0; i < page.length; i++) worst = Math.max(worst, Math.abs(values[i]! - page[i]!));
      expect(worst).toBeLessThan(1e-6);
      // and the real TensorFlow.js reads the same two files
      const tf = await import('@tensorflow/tfjs');
      const json = JSON.parse(m.json) as { modelTopology: object; weightsManifest: Array<{ weights: never[] }> };
      const weightData = m.weights.buffer.slice(m.weights.byteOffset, m.weights.byteOffset + m.weights.byteLength) as ArrayBuffer;
      const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData }));
      const theirs = (tfModel.predict(tf.tensor2d(grid, [OUTPUT_GRID * OUTPUT_GRID, 2])) as import('@tensorflow/tfjs').Tensor).dataSync();
      let worstTf = 0;
      for (let i = 0; i < page.length; i++) worstTf = Math.max(worstTf, Math.abs(theirs[i]! - page[i]!));
      expect(worstTf).toBeLessThan(1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('copy code', () => {
  const dir = fileURLToPath(new URL('../.snippet-test/', import.meta.url));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, PlaygroundState]> = [
    ['spiral, three features, dropout', { ...spiral, features: ['x1', 'x2', 'x1x2'], dropout: 0.1 }],
    ['blobs, 5 classes, L1/L2, rmsprop', { ...defaultState(), dataset: 'blobs', classes: 5, l1: 0.001, l2: 0.01, optimizer: 'rmsprop', learningRate: 0.01 }],
    ['circles, squares, sgd', { ...defaultState(), dataset: 'circles', features: ['x1sq', 'x2sq'], optimizer: 'sgd', learningRate: 0.1 }],
    ['peaks regression, sin features', { ...defaultState(), dataset: 'peaks', features: ['x1', 'x2', 'sinx1', 'sinx2'], hidden: [{ units: 8, activation: 'relu' }] }],
  ];
  /** A small 3-class table: two informative columns and a text column. */
  const flowers = (): string => {
    const rows = ['length,width,colour,kind'];
    for (let i = 0; i < 60; i++) rows.push(`${10 + 4 * (i % 3) + ((i * 7) % 5) / 5},${3 - (i % 3) + ((i * 3) % 7) / 7},${['red', 'blue'][i % 2]},${['a', 'b', 'c'][i % 3]}`);
    return rows.join('\n');
  };
  const csvFile = join(mkdtempSync(join(tmpdir(), 'playground-csv-')), 'flowers.csv');
  writeFileSync(csvFile, flowers());
  afterAll(() => rmSync(csvFile, { force: true }));
  cases.push(['a CSV with a text column, adamax', { ...defaultState(), dataset: 'csv', target: 'kind', optimizer: 'adamax', learningRate: 0.02 }]);

  test.each(cases)('%s: the snippet reaches the page\'s loss after the same epochs', async (_name, state) => {
    const epochs = 4;
    const h = harness();
    const csv = state.dataset === 'csv' ? { name: 'flowers.csv', text: flowers() } : null;
    await h.send({ type: 'configure', state, csv });
    expect(h.errors()).toEqual([]);
    for (let i = 0; i < epochs; i++) await h.send({ type: 'step' });
    const page = h.last();
    const data = h.posted[0] as DataMessage;
    const code = snippet(state, planNetwork(state, data.kind, data.inputNames.length, data.classNames.length), epochs, csvFile);
    mkdirSync(dir, { recursive: true });
    const file = `${dir}${_name.replace(/\W+/g, '-')}.ts`;
    writeFileSync(file, code);
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      console.log = log;
    }
    const m = /^epoch 4: train loss (\S+), test loss (\S+?)(, test accuracy (\S+))?$/.exec(lines[0] ?? '');
    expect(m, `${lines.join('\n')}\n--- the snippet:\n${code}`).not.toBeNull();
    expect(Number(m![1])).toBe(page.trainLoss);
    expect(Number(m![2])).toBe(page.testLoss);
    if (page.testAccuracy !== null) expect(Number(m![4])).toBe(page.testAccuracy);
  });
});
