import { describe, expect, test, vi } from 'vitest';
import { SGD, layers, randomNormal, sequential, setSeed, tensor, train } from '../index.js';

describe('no silent NaN', () => {
  test('a diverging fit warns once, naming the optimizer and its learning rate', async () => {
    setSeed(1);
    const m = sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), layers.dense({ units: 1 })] });
    m.compile({ optimizer: train.sgd(1e6), loss: 'mse' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const h = await m.fit(randomNormal([16, 3], 0, 10, { seed: 2 }), randomNormal([16, 1], 0, 10, { seed: 3 }), { epochs: 4, batchSize: 4, verbose: 0 });
      const last = h.history.loss![3]!;
      expect(Number.isFinite(last)).toBe(false);
      const calls = warn.mock.calls.map((c) => String(c[0]));
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(/^fit: the loss is (NaN|Infinity) at epoch \d: training diverged \(a learning rate too large for this model\? SGD at 1000000\); the weights are no longer usable/);
    } finally {
      warn.mockRestore();
    }
  });

  test('an infinite learning rate and a NaN sample weight are refused before training', async () => {
    expect(() => new SGD({ learningRate: Infinity })).toThrow('SGD: learningRate must be a finite non-negative number, got Infinity');
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(m.fit(tensor([[1, 2], [3, 4]]), tensor([[1], [2]]), { sampleWeight: tensor([1, Number.NaN]), verbose: 0 })).rejects.toThrow('fit: sampleWeight contains NaN at row 1, column 0 (shape [2])');
  });
});
