import { describe, expect, test, vi } from 'vitest';
import { data, input, layers, model, oneHot, randomNormal, sequential, setSeed, tensor, type Tensor } from '../index.js';

const X = randomNormal([40, 3], 0, 1, { seed: 1 });
const LABELS = Array.from({ length: 40 }, (_, i) => (X.values[i * 3]! > 0 ? 1 : 0));
const Y = oneHot(LABELS, 2);

function net() {
  setSeed(3);
  const m = sequential({ layers: [layers.dense({ units: 6, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** The rows of X and Y as a dataset of {xs, ys} rows. */
const rows = () => data.array(Array.from({ length: 40 }, (_, i) => ({ xs: Array.from(X.values.slice(i * 3, i * 3 + 3)), ys: Array.from(Y.values.slice(i * 2, i * 2 + 2)) })));

describe('fitDataset and evaluateDataset', () => {
  test('a dataset of the same batches trains exactly as fit (no shuffle), on the compiled step, logging tfjs keys', async () => {
    const a = net();
    const ha = await a.fit(X, Y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    const b = net();
    const hb = await b.fitDataset(rows().batch(8), { epochs: 3, verbose: 0 });
    expect(hb.params!.path).toBe('compiled');
    b.weights.forEach((w, i) => {
      for (let k = 0; k < w.size; k++) expect(w.values[k]).toBeCloseTo(a.weights[i]!.values[k]!, 6);
    });
    for (let e = 0; e < 3; e++) {
      expect(hb.history.loss![e]).toBeCloseTo(ha.history.loss![e]!, 5);
      expect(hb.history.acc![e]).toBeCloseTo(ha.history.accuracy![e]!, 6);
    }
    // evaluateDataset agrees with evaluate over the same rows.
    const ev = (b.evaluate(X, Y) as Tensor[]).map((t) => t.item());
    const evd = ((await b.evaluateDataset(rows().batch(16))) as Tensor[]).map((t) => t.item());
    expect(evd[0]).toBeCloseTo(ev[0]!, 5);
    expect(evd[1]).toBeCloseTo(ev[1]!, 6);
  });

  test('batchesPerEpoch reads on across epochs; running out stops training with a warning; validation on a dataset', async () => {
    const m = net();
    const seen: number[] = [];
    const ds = data.generator(function* () { for (let i = 0; i < 5; i++) yield { xs: X.slice([i * 8, 0], [8, 3]), ys: Y.slice([i * 8, 0], [8, 2]) }; });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const h = await m.fitDataset(ds, {
        epochs: 4, batchesPerEpoch: 2, verbose: 0, validationData: rows().batch(20),
        callbacks: { onEpochEnd: (e: number) => void seen.push(e) },
      });
      // 5 batches: epochs 1 and 2 take 4, epoch 3 gets 1 and the data runs out: it does not count (as tfjs).
      expect(seen).toEqual([0, 1]);
      expect(h.history.val_loss).toHaveLength(2);
      expect(warn.mock.calls[0]![0]).toBe('fitDataset: the dataset ran out after 1 of 2 batches in epoch 3; training stops (give a larger dataset or repeat() it)');
    } finally {
      warn.mockRestore();
    }
  });

  test('a two-input model takes object elements keyed by input name', async () => {
    setSeed(2);
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [1], name: 'b' });
    const m = model({ inputs: [a, b], outputs: layers.dense({ units: 1 }).apply(layers.concatenate().apply([a, b])) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const ds = data.array(Array.from({ length: 12 }, (_, i) => ({ xs: { a: [i / 12, 1 - i / 12], b: [0.5] }, ys: [i / 6] }))).batch(4);
    const h = await m.fitDataset(ds, { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
  });

  test('errors name the element and what was expected', async () => {
    const m = net();
    await expect(m.fitDataset(data.array([tensor([[1, 2, 3]])]), { verbose: 0 })).rejects.toThrow('fitDataset: dataset element 0 must be {xs, ys} or [xs, ys] (batches of inputs and targets), got a tensor');
    await expect(m.fitDataset(data.array([{ xs: tensor([[1, 2]]), ys: tensor([[1, 0]]) }]), { verbose: 0 })).rejects.toThrow('fitDataset: the model expects input of shape (None, 3), got [1,2]');
    await expect(m.fitDataset(data.array([{ xs: tensor([[1, 2, 3]]), ys: tensor([[1, 0], [0, 1]]) }]), { verbose: 0 })).rejects.toThrow('fitDataset: xs has 1 samples (shape [1,3]) but ys has 2 (shape [2,2])');
    await expect(m.fitDataset(rows().batch(8).repeat(), { verbose: 0 })).rejects.toThrow('fitDataset: the dataset repeats forever; give batchesPerEpoch');
    await expect(m.evaluateDataset(data.array([]))).rejects.toThrow('evaluateDataset: the dataset gave no batches');
  });
});
