import { describe, expect, test, vi } from 'vitest';
import {
  Callback, CustomCallback, EarlyStopping, type Logs, SGD, callbacks, layers, losses, sequential, setSeed, tensor, train, Adam, oneHot, randomNormal, Tensor, model as functionalModel, type SymbolicTensor,
} from '../index.js';

const XOR_X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const XOR_Y = tensor([[0], [1], [1], [0]]);

function mnistModel(separateActivations: boolean) {
  const m = sequential();
  if (separateActivations) {
    m.add(layers.dense({ units: 30, inputShape: [784] }));
    m.add(layers.activation({ activation: 'relu' }));
    m.add(layers.dense({ units: 30 }));
    m.add(layers.activation({ activation: 'relu' }));
    m.add(layers.dense({ units: 10 }));
    m.add(layers.activation({ activation: 'softmax' }));
  } else {
    m.add(layers.dense({ units: 30, activation: 'relu', inputShape: [784] }));
    m.add(layers.dense({ units: 30, activation: 'relu' }));
    m.add(layers.dense({ units: 10, activation: 'softmax' }));
  }
  return m;
}

function capture(isTTY: boolean): { stream: { write(s: string): void; isTTY: boolean }; text(): string } {
  let out = '';
  return { stream: { write: (s: string) => void (out += s), isTTY }, text: () => out };
}

/** Two Gaussian blobs, labels 0/1, for quick training tests. */
function blobs(n: number, seed: number): [Tensor, Tensor] {
  const x = randomNormal([n, 2], 0, 0.5, { seed });
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x.values[2 * i] = x.values[2 * i]! + (i % 2 ? 1.5 : -1.5);
  }
  return [x, tensor(y, [n, 1])];
}

test('default layer names follow Keras and tfjs (to_snake_case): Conv2D is conv2d, not conv2_d', () => {
  // Keras's to_snake_case: `_` before a capital that starts a lower-case word, then between a
  // lower-case letter and a capital; these are the names Keras gives (and tfjs before its number).
  const m = sequential({ layers: [
    layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3 }), layers.maxPooling2d({ poolSize: 2 }), layers.reLU(), layers.prelu(),
    layers.conv2dTranspose({ filters: 1, kernelSize: 1 }), layers.globalAveragePooling2d(), layers.repeatVector({ n: 2 }),
    layers.simpleRNN({ units: 2, returnSequences: true }), layers.lstm({ units: 2, returnSequences: true }), layers.batchNormalization(), layers.conv1d({ filters: 1, kernelSize: 1 }),
  ] });
  expect(m.layers.map((l) => l.name)).toEqual([
    'conv2d', 'max_pooling2d', 're_lu', 'p_re_lu', 'conv2d_transpose', 'global_average_pooling2d', 'repeat_vector', 'simple_rnn', 'lstm', 'batch_normalization', 'conv1d',
  ]);
});

describe('the stack as a graph (tfjs Sequential inputs, outputs, layer.output)', () => {
  test('inputs and outputs are symbolic tensors; a functional model cut at an inner layer predicts what the stack computes there', () => {
    setSeed(3);
    const m = sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [3], name: 'h' }), layers.dense({ units: 2, name: 'out' })] });
    expect(m.inputs.map((t) => t.shape)).toEqual([[null, 3]]);
    expect(m.outputs.map((t) => t.shape)).toEqual([[null, 2]]);
    expect(m.inputs[0]!.sourceLayer.name).toBe('h_input');
    // The graph is made once: the same tensors on every read.
    expect(m.outputs[0]).toBe(m.outputs[0]);
    const cut = functionalModel({ inputs: m.inputs, outputs: m.getLayer('h').output as SymbolicTensor });
    const x = randomNormal([5, 3], 0, 1, { seed: 1 });
    const [w, b] = m.getLayer('h').getWeights();
    // relu(x·W + b), the first layer alone
    const want = Array.from(x.matmul(w!).add(b!).relu().values);
    expect(Array.from((cut.predict(x) as Tensor).values)).toEqual(want);
    expect(Array.from((functionalModel({ inputs: m.inputs, outputs: m.outputs }).predict(x) as Tensor).values)).toEqual(Array.from(m.predict(x).values));
    // A layer added later extends the graph.
    m.add(layers.dense({ units: 1, name: 'more' }));
    expect(m.outputs[0]!.shape).toEqual([null, 1]);
    expect(() => sequential({ layers: [layers.dense({ units: 1 })] }).inputs).toThrow('Sequential.inputs: the model has no input shape yet (give the first layer an inputShape, or fit it)');
  });
});

describe('summary', () => {
  // 784·30 + 30 = 23,550; 30·30 + 30 = 930; 30·10 + 10 = 310; total 24,790.
  for (const separate of [false, true]) {
    test(`784-30-30-10 ${separate ? 'with separate Activation layers' : 'with activations in Dense'}`, () => {
      const lines: string[] = [];
      mnistModel(separate).summary((l) => lines.push(l));
      const text = lines.join('\n');
      expect(text).toContain('Model: "sequential"');
      expect(text).toMatch(/dense \(Dense\)\s+\(None, 30\)\s+23550/);
      expect(text).toMatch(/dense_1 \(Dense\)\s+\(None, 30\)\s+930/);
      expect(text).toMatch(/dense_2 \(Dense\)\s+\(None, 10\)\s+310/);
      if (separate) expect(text).toMatch(/activation_2 \(Activation\)\s+\(None, 10\)\s+0/);
      expect(text).toContain('Total params: 24,790');
      expect(text).toContain('Trainable params: 24,790');
      expect(text).toContain('Non-trainable params: 0');
    });
  }

  test('non-trainable parameters of batch normalization are counted apart', () => {
    const m = sequential({ layers: [layers.dense({ units: 4, inputDim: 3 }), layers.batchNormalization()] });
    const lines: string[] = [];
    m.summary((l) => lines.push(l));
    // Dense 3·4 + 4 = 16; BN γ, β (8 trainable) + moving mean, variance (8 non-trainable).
    expect(lines).toContain('Total params: 32');
    expect(lines).toContain('Non-trainable params: 8');
  });

  test('an unbuilt model says how to build it', () => {
    expect(() => sequential({ layers: [layers.dense({ units: 1 })] }).summary()).toThrow('summary: the model has not been built yet; give the first layer an inputShape');
  });
});

describe('training', () => {
  test("the notes' XOR 2-2-1, sigmoid, SGD on binary cross-entropy, 50,000 epochs at batch 4, reaches accuracy 1.0", async () => {
    setSeed(6);
    const model = sequential();
    model.add(layers.dense({ units: 2, inputDim: 2, activation: 'sigmoid' }));
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ loss: 'binary_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    await model.fit(XOR_X, XOR_Y, { epochs: 50000, batchSize: 4, verbose: 0 });
    const [loss, acc] = model.evaluate(XOR_X, XOR_Y) as Tensor[];
    expect(acc!.item()).toBe(1);
    expect(loss!.item()).toBeLessThan(0.1);
  });

  test('XOR without a hidden layer cannot be learned: outputs stay near 0.5, accuracy ≤ 0.75', async () => {
    setSeed(678);
    const model = sequential({ layers: [layers.dense({ units: 1, inputDim: 2, activation: 'sigmoid' })] });
    model.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    await model.fit(XOR_X, XOR_Y, { epochs: 5000, batchSize: 4, verbose: 0 });
    const [, acc] = model.evaluate(XOR_X, XOR_Y) as Tensor[];
    expect(acc!.item()).toBeLessThanOrEqual(0.75);
    for (const p of model.predict(XOR_X).values) expect(Math.abs(p - 0.5)).toBeLessThan(0.1);
  });

  test('a 2-8-1 network solves XOR for 10 of 10 seeds', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      setSeed(seed);
      const model = sequential({ layers: [layers.dense({ units: 8, inputDim: 2, activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })] });
      model.compile({ loss: 'binaryCrossentropy', optimizer: new Adam({ learningRate: 0.05 }), metrics: ['accuracy'] });
      await model.fit(XOR_X, XOR_Y, { epochs: 300, batchSize: 4, verbose: 0 });
      expect((model.evaluate(XOR_X, XOR_Y) as Tensor[])[1]!.item(), `seed ${seed}`).toBe(1);
    }
  });

  test('the same seed gives the same weights and the same history', async () => {
    const runOnce = async () => {
      setSeed(11);
      const [x, y] = blobs(64, 3);
      const m = sequential({ layers: [layers.dense({ units: 4, inputDim: 2, activation: 'relu' }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ loss: 'binaryCrossentropy', optimizer: 'adam' });
      const h = await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
      return [h.history.loss, m.getWeights().map((w) => Array.from(w.values))];
    };
    expect(await runOnce()).toEqual(await runOnce());
  });

  test('validationSplit holds out the last samples and reports val_loss and val metrics', async () => {
    setSeed(1);
    const [x, y] = blobs(100, 1);
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 2, activation: 'sigmoid' })] });
    m.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ learningRate: 0.5 }), metrics: ['accuracy'] });
    const seen: number[] = [];
    const h = await m.fit(x, y, { epochs: 5, batchSize: 10, validationSplit: 0.2, verbose: 0, callbacks: { onBatchEnd: (_b, logs) => void seen.push(logs.size!) } });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(h.history.val_loss).toHaveLength(5);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(5 * 80);
    expect(h.history.acc).toBe(h.history.accuracy);
    expect(h.history.val_accuracy!.at(-1)).toBeGreaterThan(0.9);
  });

  test('earlyStopping stops when val_loss stops improving and restores the best weights', async () => {
    setSeed(2);
    const [x, y] = blobs(40, 2);
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 2, activation: 'sigmoid' })] });
    // A learning rate this large makes val_loss oscillate, so patience 2 triggers early.
    m.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ learningRate: 50 }) });
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    let bestWeights: number[] = [];
    let bestVal = Infinity;
    const track = { onEpochEnd: (_e: number, logs: Logs) => {
      if (logs.val_loss! < bestVal) { bestVal = logs.val_loss!; bestWeights = m.getWeights().flatMap((w) => Array.from(w.values)); }
    } };
    const h = await m.fit(x, y, { epochs: 100, batchSize: 40, validationData: [x, y], verbose: 0, shuffle: false, callbacks: [track, es] });
    expect(h.epoch.length).toBeLessThan(100);
    expect(es.stoppedEpoch).toBe(h.epoch.length - 1);
    expect(m.getWeights().flatMap((w) => Array.from(w.values))).toEqual(bestWeights);
  });

  test('accumulateSteps 4 at batch 8 equals batch 32 (SGD, no shuffle)', async () => {
    const make = () => {
      setSeed(9);
      const m = sequential({ layers: [layers.dense({ units: 3, inputDim: 2, activation: 'tanh' }), layers.dense({ units: 1 })] });
      m.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.1 }) });
      return m;
    };
    const [x, y] = blobs(64, 4);
    const a = make();
    await a.fit(x, y, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 });
    const b = make();
    await b.fit(x, y, { epochs: 3, batchSize: 8, accumulateSteps: 4, shuffle: false, verbose: 0 });
    const wa = a.getWeights().flatMap((w) => Array.from(w.values));
    const wb = b.getWeights().flatMap((w) => Array.from(w.values));
    wa.forEach((v, i) => expect(wb[i]).toBeCloseTo(v, 5));
  });

  test('classWeight and sampleWeight change the loss as Keras does', async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 1, kernelInitializer: 'zeros' })] });
    m.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0 }) });
    const x = tensor([[1], [1]]);
    const y = tensor([[1], [0]]);
    // Predictions are 0: per-sample losses [1, 0]; weights [3, 1] → (3 + 0)/2 = 1.5.
    const h1 = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, classWeight: { 1: 3 } });
    expect(h1.history.loss![0]).toBeCloseTo(1.5, 6);
    const h2 = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, sampleWeight: tensor([0.5, 7]) });
    expect(h2.history.loss![0]).toBeCloseTo(0.25, 6);
  });

  test('callbacks run in order; stopTraining stops; fit yields to the event loop', async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 1 })] });
    m.compile({ loss: 'mse', optimizer: 'sgd' });
    const events: string[] = [];
    // An immediate queued before fit can only run if fit yields to the event loop.
    let yielded = false;
    setImmediate(() => (yielded = true));
    let yieldedBeforeEnd = false;
    class Recorder extends Callback {
      onTrainBegin() { events.push('trainBegin'); }
      onEpochBegin(e: number) { events.push(`epochBegin ${e}`); }
      onBatchEnd(b: number) { events.push(`batchEnd ${b}`); }
      onEpochEnd(e: number) { events.push(`epochEnd ${e}`); if (e === 1) this.model!.stopTraining = true; }
      onTrainEnd() { events.push('trainEnd'); yieldedBeforeEnd = yielded; }
    }
    await m.fit(tensor([[1], [2], [3]]), tensor([[1], [2], [3]]), { epochs: 10, batchSize: 2, verbose: 0, callbacks: new Recorder(), yieldEvery: 'batch' });
    expect(events).toEqual(['trainBegin', 'epochBegin 0', 'batchEnd 0', 'batchEnd 1', 'epochEnd 0', 'epochBegin 1', 'batchEnd 0', 'batchEnd 1', 'epochEnd 1', 'trainEnd']);
    expect(yieldedBeforeEnd).toBe(true);
  });

  test('a vector of targets (or inputs) is a column, one value per sample, as tfjs and Keras read it: the same training as [n, 1]', async () => {
    const run = async (y: Tensor, x: Tensor) => {
      setSeed(5);
      const m = sequential({ layers: [layers.dense({ units: 3, activation: 'sigmoid', inputShape: [1] }), layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ loss: 'binaryCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, validationSplit: 0.25 });
      const ev = m.evaluate(x, y) as Tensor[];
      return [h.history.loss, h.history.val_acc, ev.map((t) => t.item()), Array.from((m.predict(x) as Tensor).values)];
    };
    const column = await run(tensor([[0], [1], [1], [0]]), tensor([[0.1], [0.9], [0.8], [0.2]]));
    expect(await run(tensor([0, 1, 1, 0]), tensor([0.1, 0.9, 0.8, 0.2]))).toEqual(column);
  });

  test("CustomCallback (tfjs) runs the hooks it was given, bound to their object; it refuses what is not a hook", async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 1 })] });
    m.compile({ loss: 'mse', optimizer: 'sgd' });
    const hooks = { seen: [] as string[], onEpochEnd(e: number) { this.seen.push(`epochEnd ${e}`); }, onTrainEnd() { this.seen.push('trainEnd'); } };
    await m.fit(tensor([[1], [2]]), tensor([[1], [2]]), { epochs: 2, verbose: 0, callbacks: [new CustomCallback(hooks)] });
    expect(hooks.seen).toEqual(['epochEnd 0', 'epochEnd 1', 'trainEnd']);
    expect(() => new CustomCallback(null as never)).toThrow('CustomCallback: expected an object of hooks (onEpochEnd…), got null');
    expect(() => new CustomCallback({ onEpochEnd: 3 } as never)).toThrow('CustomCallback: onEpochEnd must be a function, got number');
  });

  test('by default fit yields about every 25 ms even when a batch takes microseconds; with yieldEvery never, not at all', async () => {
    const m = sequential({ layers: [layers.dense({ units: 2, activation: 'sigmoid', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd' });
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([[0], [1], [1], [0]]);
    const during = async (args: { yieldEvery?: 'never' }): Promise<{ ticks: number; ms: number }> => {
      let ticks = 0;
      let running = true;
      const tick = (): void => {
        ticks++;
        if (running) setImmediate(tick);
      };
      setImmediate(tick);
      const t0 = performance.now();
      // One-batch epochs until the fit has lasted 150 ms at least (XOR's epochs take microseconds).
      let epochs = 2000;
      for (;;) {
        ticks = 0;
        const s = performance.now();
        await m.fit(x, y, { epochs, batchSize: 4, verbose: 0, ...args });
        if (performance.now() - s >= 150) break;
        epochs *= 2;
      }
      running = false;
      return { ticks, ms: performance.now() - t0 };
    };
    const free = await during({});
    // A yield at least every 25 ms (and a little: the clock is read every few batches) over ≥ 150 ms.
    expect(free.ticks).toBeGreaterThanOrEqual(4);
    const never = await during({ yieldEvery: 'never' });
    // The one immediate queued before that fit runs after it, not during.
    expect(never.ticks).toBeLessThanOrEqual(1);
  });

  test('reduceLROnPlateau and learningRateScheduler set the rate', async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 1 })] });
    const opt = new SGD({ learningRate: 0 });
    m.compile({ loss: 'mse', optimizer: opt });
    const x = tensor([[1]]);
    const h = await m.fit(x, x, { epochs: 1, verbose: 0, callbacks: callbacks.learningRateScheduler((e) => 0.1 / (e + 1)) });
    expect(opt.learningRate).toBeCloseTo(0.1, 12);
    expect(h.history.learning_rate).toEqual([0.1]);
    // A frozen model's loss never improves: with patience 1 the rate halves after every
    // epoch but the first: 0.1 → 0.05 → 0.025 → 0.0125 → 0.00625 over 5 epochs.
    m.layers[0]!.trainable = false;
    m.compile({ loss: 'mse', optimizer: opt }); // freezing takes effect at compile (Keras)
    opt.learningRate = 0.1;
    const r = callbacks.reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5 });
    const h2 = await m.fit(x, x, { epochs: 5, verbose: 0, callbacks: r });
    expect(opt.learningRate).toBeCloseTo(0.00625, 12);
    expect(h2.history.learning_rate!.map((v) => +v.toFixed(6))).toEqual([0.1, 0.05, 0.025, 0.0125, 0.00625]);
  });

  test('terminateOnNaN stops at the batch whose loss is NaN and says which', async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 1 })] });
    m.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 1e30 }) });
    const out = capture(false);
    const t = callbacks.terminateOnNaN(out.stream);
    const x = tensor([[1e10], [1e10], [1e10], [1e10]]);
    await m.fit(x, x, { epochs: 5, batchSize: 1, verbose: 0, shuffle: false, callbacks: t });
    expect(t.stoppedAt).not.toBeNull();
    expect(out.text()).toMatch(/^Epoch 1, batch \d+: invalid loss \((NaN|Infinity)\), terminating training\n$/);
  });

  test('csvLogger writes one row per epoch', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'neurite-')), 'log.csv');
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 1 })] });
    m.compile({ loss: 'mse', optimizer: 'sgd', metrics: ['mae'] });
    await m.fit(tensor([[1]]), tensor([[2]]), { epochs: 2, verbose: 0, callbacks: callbacks.csvLogger(file) });
    const rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('epoch,loss,mae');
    expect(rows).toHaveLength(3);
    expect(rows[2]!.startsWith('1,')).toBe(true);
  });

  test('trainOnBatch, evaluate, predict, getWeights/setWeights', async () => {
    setSeed(4);
    const m = sequential({ layers: [layers.dense({ units: 2, inputDim: 3, activation: 'softmax' })] });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: train.sgd(0.1), metrics: ['accuracy'] });
    const x = randomNormal([5, 3], 0, 1, { seed: 1 });
    const y = oneHot([0, 1, 0, 1, 1], 2);
    const r = (await m.trainOnBatch(x, y)) as number[];
    expect(r).toHaveLength(2);
    const ev = m.evaluate(x, y, { batchSize: 2 }) as Tensor[];
    expect(ev[0]!.rank).toBe(0);
    // evaluate's loss equals the loss function applied to predict's output.
    expect(ev[0]!.item()).toBeCloseTo(losses.categoricalCrossentropy(y, m.predict(x, { batchSize: 2 })).item(), 5);
    const w = m.getWeights();
    w[0]!.assign(new Float32Array(6));
    expect(m.getWeights()[0]!.values.some((v) => v !== 0)).toBe(true);
    m.setWeights(w);
    expect(m.getWeights()[0]!.values.every((v) => v === 0)).toBe(true);
    expect(() => m.setWeights([w[0]!])).toThrow('setWeights: the model has 2 weight tensors, got 1');
  });
});

describe('progress output', () => {
  const fitWith = async (verbose: 1 | 2, isTTY: boolean) => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 1, activation: 'sigmoid' })] });
    m.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    const out = capture(isTTY);
    await m.fit(tensor([[0], [1], [2], [3]]), tensor([[0], [0], [1], [1]]), { epochs: 2, batchSize: 1, verbose, stream: out.stream });
    return out.text();
  };

  test('verbose 1 on a terminal draws a live bar with carriage returns', async () => {
    const text = await fitWith(1, true);
    expect(text).toContain('Epoch 1/2\n');
    expect(text).toContain('\r');
    expect(text).toMatch(/4\/4 \[==============================\] - \d+s \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
  });

  test('verbose 1 on a pipe writes plain lines, no escape or carriage-return codes', async () => {
    const text = await fitWith(1, false);
    expect(text).not.toMatch(/[\r\u001b]/);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(5);
    // The header names the road the step takes (a Dense stack: the compiled step).
    expect(lines[0]).toBe('Training step: compiled');
    expect(lines[1]).toBe('Epoch 1/2');
    expect(lines[2]).toMatch(/^4\/4 \[={30}\] - \d+s \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
  });

  test('verbose 2 writes one line per epoch', async () => {
    const lines = (await fitWith(2, true)).trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^4\/4 - \d+s - \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
  });
});

describe('bad input', () => {
  const model = () => {
    const m = sequential({ layers: [layers.dense({ units: 2, inputDim: 3, activation: 'softmax' })] });
    m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd' });
    return m;
  };
  const x = randomNormal([4, 3], 0, 1, { seed: 1 });

  test('x and y with different sample counts', async () => {
    // A vector of targets is read as a column (tfjs and Keras), so the shapes name it so.
    await expect(model().fit(x, tensor([0, 1, 1]), { verbose: 0 })).rejects.toThrow('fit: x has 4 samples (shape [4,3]) but y has 3 (shape [3,1])');
  });
  test('wrong feature width for the first layer', async () => {
    await expect(model().fit(randomNormal([4, 5]), tensor([0, 1, 1, 0]), { verbose: 0 })).rejects.toThrow('fit: the model expects input of shape (None, 3), got [4,5]');
    expect(() => model().predict(randomNormal([2, 2]))).toThrow('predict: the model expects input of shape (None, 3), got [2,2]');
  });
  test('labels out of range for sparse cross-entropy', async () => {
    await expect(model().fit(x, tensor([0, 1, 2, 0]), { verbose: 0, batchSize: 4 })).rejects.toThrow('fit: label 2 at row 2 of y is not an integer class in [0, 2) (sparseCategoricalCrossentropy over 2 outputs)');
  });
  test('NaN or Infinity in x or y', async () => {
    const bad = x.clone();
    bad.values[4] = Number.NaN;
    await expect(model().fit(bad, tensor([0, 1, 1, 0]), { verbose: 0 })).rejects.toThrow('fit: x contains NaN at row 1, column 1 (shape [4,3])');
    await expect(model().fit(x, tensor([0, Infinity, 1, 0]), { verbose: 0 })).rejects.toThrow('fit: y contains Infinity at row 1, column 0 (shape [4,1])');
  });
  test('unknown loss, optimizer, activation and metric names list the valid ones', () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 1 })] });
    // Typos in literals are compile errors too (the @ts-expect-error lines); from JavaScript, or
    // strings from variables, they are caught here.
    // @ts-expect-error 'msee' is not a loss name
    expect(() => m.compile({ loss: 'msee', optimizer: 'sgd' })).toThrow("Unknown loss 'msee'. Valid losses: meanSquaredError, mse");
    // @ts-expect-error 'sgdd' is not an optimizer name
    expect(() => m.compile({ loss: 'mse', optimizer: 'sgdd' })).toThrow("Unknown optimizer 'sgdd'. Valid optimizers: sgd, adam");
    // @ts-expect-error 'sigmoidd' is not an activation name
    expect(() => layers.dense({ units: 1, activation: 'sigmoidd' })).toThrow("Unknown activation 'sigmoidd'. Valid activations: linear, sigmoid");
    // @ts-expect-error 'acuracy' is not a metric name
    m.compile({ loss: 'mse', optimizer: 'sgd', metrics: ['acuracy'] });
    expect(() => m.makeMetrics()).toThrow("Unknown metric 'acuracy'. Valid metrics: accuracy, acc");
  });
  test('fit before compile', async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputDim: 3 })] });
    await expect(m.fit(x, tensor([[0], [1], [1], [0]]))).rejects.toThrow("fit: the model must be compiled first: model.compile({optimizer: 'sgd', loss: 'meanSquaredError'})");
  });
  test('batchSize ≤ 0', async () => {
    await expect(model().fit(x, tensor([0, 1, 1, 0]), { batchSize: 0, verbose: 0 })).rejects.toThrow('fit: batchSize must be a positive integer, got 0');
    expect(() => model().predict(x, { batchSize: -1 })).toThrow('predict: batchSize must be a positive integer, got -1');
  });
  test('binary cross-entropy on a softmax over one-hot targets of width > 1 warns', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const m = sequential({ layers: [layers.dense({ units: 3, inputDim: 3, activation: 'softmax' })] });
    m.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd' });
    await m.fit(x, oneHot([0, 1, 2, 0], 3), { verbose: 0 });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("binaryCrossentropy with a softmax output over 3 one-hot classes"));
    warn.mockRestore();
  });
});
