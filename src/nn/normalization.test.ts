/** LayerNormalization, PReLU and ThresholdedReLU by hand (the layer harness checks gradients, configs, saving). */
import { describe, expect, test } from 'vitest';
import { layers, tensor } from '../index.js';

describe('layerNormalization', () => {
  test('each row normalized by its own mean and biased variance', () => {
    // row [1, 2, 3]: μ = 2, σ² = 2/3 → (x − 2)/√(2/3 + 0.001); row [0, 0, 6]: μ = 2, σ² = 8
    const y = layers.layerNormalization().apply(tensor([[1, 2, 3], [0, 0, 6]])).values;
    const s1 = Math.sqrt(2 / 3 + 1e-3);
    const s2 = Math.sqrt(8 + 1e-3);
    [-1 / s1, 0, 1 / s1, -2 / s2, -2 / s2, 4 / s2].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
  });

  test('γ and β scale and shift per feature; the same in training and inference', () => {
    const ln = layers.layerNormalization({ epsilon: 0.5 });
    const x = tensor([[1, 3]]);
    ln.apply(x);
    ln.setWeights([tensor([2, 10]), tensor([1, -1])]);
    // μ = 2, σ² = 1: (x − μ)/√1.5 = ∓0.8165; then ·[2, 10] + [1, −1]
    const y = ln.apply(x).values;
    expect(y[0]).toBeCloseTo(1 - 2 / Math.sqrt(1.5), 5);
    expect(y[1]).toBeCloseTo(-1 + 10 / Math.sqrt(1.5), 5);
    expect(Array.from(ln.apply(x, { training: true }).values)).toEqual(Array.from(y));
  });

  test('bad configs are named', () => {
    expect(() => layers.layerNormalization({ epsilon: 0 })).toThrow('layerNormalization: epsilon must be a positive number, got 0');
    expect(() => layers.layerNormalization({ axis: [] })).toThrow('layerNormalization: axis must be an integer or a non-empty list of them, got []');
    expect(() => layers.layerNormalization({ axis: 0 }).apply(tensor([[1, 2]]))).toThrow('layerNormalization: axis 0 includes the batch axis of input shape (None, 2)');
  });
});

describe('prelu and thresholdedReLU', () => {
  test('prelu: x for x > 0, αx below, α learned per unit', () => {
    const p = layers.prelu();
    const x = tensor([[-2, 3, -4]]);
    // α starts at zeros: ReLU
    expect(Array.from(p.apply(x).values)).toEqual([0, 3, 0]);
    p.setWeights([tensor([0.25, 0.5, -1])]);
    // −2·0.25 = −0.5; 3; −4·(−1) = 4
    expect(Array.from(p.apply(x).values)).toEqual([-0.5, 3, 4]);
    expect(() => layers.prelu({ sharedAxes: [0] }).apply(x)).toThrow('prelu: sharedAxes must be axes 1..1 of input shape (None, 3), got [0]');
  });

  test('thresholdedReLU: x where x > θ (strictly), else 0', () => {
    expect(Array.from(layers.thresholdedReLU({ theta: 1 }).apply(tensor([0.5, 1, 1.5, -3])).values)).toEqual([0, 0, 1.5, -0]);
    expect(Array.from(layers.thresholdedReLU().apply(tensor([2])).values)).toEqual([2]);
    expect(() => layers.thresholdedReLU({ theta: Infinity })).toThrow('thresholdedReLU: theta must be a finite number, got Infinity');
  });
});
