import { describe, expect, test } from 'vitest';
import {
  eye, fill, multinomial, oneHot, ones, randomGamma, randomNormal, randomUniform, range, setSeed, tensor, truncatedNormal, variable, zeros, onesLike, createContext, withContext, type Tensor,
} from '../index.js';

describe('creation', () => {
  test('tensor from nested arrays, flat arrays with a shape, typed arrays and numbers', () => {
    expect(tensor([[1, 2], [3, 4]]).shape).toEqual([2, 2]);
    expect(tensor([1, 2, 3, 4], [2, 2]).arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(new Float32Array([1, 2, 3])).shape).toEqual([3]);
    expect(tensor(new Int32Array([1, 2, 3, 4]), [4, 1]).shape).toEqual([4, 1]);
    expect(tensor(7).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
  });

  test('a value count that does not match the shape, ragged arrays, bad dimensions', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: shape [2,2] needs 4 values but 3 were given');
    expect(() => tensor(new Float32Array(5), [2, 3])).toThrow('tensor: shape [2,3] needs 6 values but 5 were given');
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array: expected 2 entries at depth 1 (index [1]), got 1');
    expect(() => tensor([1, 2], [-1, -2])).toThrow('tensor: dimension 0 of shape [-1, -2] is -1; dimensions must be non-negative integers');
    expect(() => zeros([2.5])).toThrow('fill: dimension 0 of shape [2.5] is 2.5; dimensions must be non-negative integers');
    expect(() => tensor(1, [2])).toThrow('tensor: shape [2] needs 2 values but 1 was given');
  });

  test('fills, eye, range, oneHot', () => {
    expect(Array.from(zeros([2]).values)).toEqual([0, 0]);
    expect(Array.from(ones([2]).values)).toEqual([1, 1]);
    expect(Array.from(fill([2], 7).values)).toEqual([7, 7]);
    expect(Array.from(onesLike(zeros([3])).values)).toEqual([1, 1, 1]);
    expect(eye(2, 3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(Array.from(range(3).values)).toEqual([0, 1, 2]);
    expect(Array.from(range(1, 2, 0.25).values)).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(range(3, 0, -1).values)).toEqual([3, 2, 1]);
    expect(() => range(0, 1, 0)).toThrow('range: step must be a non-zero finite number, got 0');
    expect(oneHot([0, 2], 3).arraySync()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(() => oneHot([3], 3)).toThrow('oneHot: index 3 at position 0 is out of range [0, 3)');
    expect(() => oneHot([0], 0)).toThrow('oneHot: depth must be a positive integer, got 0');
  });

  test('variable copies its initial value and requires grad', () => {
    const init = tensor([1, 2]);
    const v = variable(init, { name: 'w' });
    expect(v.requiresGrad).toBe(true);
    expect(v.name).toBe('w');
    v.assign([5, 5]);
    expect(Array.from(init.values)).toEqual([1, 2]);
    expect(variable([1], { trainable: false }).requiresGrad).toBe(false);
  });

  test('setSeed makes random tensors bit-identical across runs', () => {
    setSeed(678);
    const a = randomNormal([100]);
    const b = randomUniform([10], -1, 1);
    setSeed(678);
    expect(randomNormal([100]).values).toEqual(a.values);
    expect(randomUniform([10], -1, 1).values).toEqual(b.values);
  });

  test('a per-call seed or a private context does not disturb the default stream', () => {
    setSeed(1);
    const expected = randomNormal([5]).values;
    setSeed(1);
    randomNormal([3], 0, 1, { seed: 99 });
    withContext(createContext({ seed: 5 }), () => randomNormal([3]));
    expect(randomNormal([5]).values).toEqual(expected);
  });

  test('distribution bounds: uniform in [min, max), truncated normal within 2σ', () => {
    const u = randomUniform([10000], -3, 5, { seed: 2 });
    expect(Math.min(...u.values)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...u.values)).toBeLessThan(5);
    const t = truncatedNormal([10000], 1, 0.5, { seed: 2 });
    expect(Math.min(...t.values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t.values)).toBeLessThanOrEqual(2);
    const n = randomNormal([20000], 3, 2, { seed: 2 });
    const mean = Array.from(n.values).reduce((p, v) => p + v, 0) / n.size;
    // Standard error of the mean: 2/√20000 ≈ 0.014.
    expect(Math.abs(mean - 3)).toBeLessThan(0.06);
    expect(() => randomUniform([2], 1, 0)).toThrow('randomUniform: min (1) must not exceed max (0)');
  });
});

describe('randomGamma (tfjs tf.randomGamma)', () => {
  const moments = (t: Tensor): [number, number] => {
    const v = Array.from(t.values);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return [m, v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length];
  };
  test('mean alpha/beta and variance alpha/beta², alpha above and below 1; seeded; positive', () => {
    // Gamma(2.5, 2): mean 1.25, variance 0.625; 20,000 draws put the mean within ±0.03 (5 standard errors).
    const [m, v] = moments(randomGamma([20000], 2.5, 2, 'float32', 7));
    expect(Math.abs(m - 1.25)).toBeLessThan(0.03);
    expect(Math.abs(v - 0.625)).toBeLessThan(0.05);
    // Gamma(0.5, 1): mean 0.5, variance 0.5 (the boosted branch).
    const small = randomGamma([20000], 0.5, 1, 'float32', 8);
    const [m2, v2] = moments(small);
    expect(Math.abs(m2 - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(v2 - 0.5)).toBeLessThan(0.06);
    expect(Array.from(small.values).every((x) => x >= 0)).toBe(true);
    expect(Array.from(randomGamma([5], 3, 1, 'float32', 9).values)).toEqual(Array.from(randomGamma([5], 3, 1, 'float32', 9).values));
    expect(randomGamma([2, 3], 1).shape).toEqual([2, 3]);
  });
  test('errors', () => {
    expect(() => randomGamma([2], 0)).toThrow('randomGamma: alpha must be a number > 0, got 0');
    expect(() => randomGamma([2], 1, -1)).toThrow('randomGamma: beta must be a number > 0, got -1');
  });
});

describe('multinomial (tfjs tf.multinomial)', () => {
  test('draws classes in proportion to their probabilities, or to exp(logits); seeded; int32 of [samples] or [batch, samples]', () => {
    const count = (t: Tensor, classes: number): number[] => {
      const c = new Array<number>(classes).fill(0);
      for (const v of t.values) c[v]!++;
      return c.map((n) => n / t.size);
    };
    const probs = tensor([0.2, 0.5, 0.3]);
    const a = multinomial(probs, 20000, 3, true);
    expect([a.dtype, ...a.shape]).toEqual(['int32', 20000]);
    // 20,000 draws: the standard error of a frequency is at most sqrt(0.25/20000) ≈ 0.0035.
    count(a, 3).forEach((f, k) => expect(Math.abs(f - [0.2, 0.5, 0.3][k]!)).toBeLessThan(0.015));
    // Unnormalized log-probabilities: log p + any constant gives the same distribution.
    const b = multinomial(tensor([[Math.log(0.2) + 5, Math.log(0.5) + 5, Math.log(0.3) + 5], [0, 0, 40]]), 20000, 4);
    expect(b.shape).toEqual([2, 20000]);
    count(b.slice([0, 0], [1, 20000]), 3).forEach((f, k) => expect(Math.abs(f - [0.2, 0.5, 0.3][k]!)).toBeLessThan(0.015));
    expect(count(b.slice([1, 0], [1, 20000]), 3)).toEqual([0, 0, 1]);
    expect(Array.from(multinomial(probs, 50, 9, true).values)).toEqual(Array.from(multinomial(probs, 50, 9, true).values));
    expect(() => multinomial(tensor([[[1, 2]]]), 1)).toThrow('multinomial: logits must have 1 axis (classes) or 2 (batch, classes), got shape [1,1,2]');
    expect(() => multinomial(probs, 0)).toThrow('multinomial: numSamples must be an integer ≥ 1, got 0');
    expect(() => multinomial(tensor([1]), 1)).toThrow('multinomial: needs at least 2 classes, got 1');
    expect(() => multinomial(tensor([0.5, -0.1]), 1, 1, true)).toThrow('multinomial: row 0 has a probability that is negative or NaN (-0.10000000149011612 at class 1)');
  });
});
