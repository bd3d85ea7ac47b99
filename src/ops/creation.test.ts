import { describe, expect, test } from 'vitest';
import {
  eye, fill, oneHot, ones, randomNormal, randomUniform, range, setSeed, tensor, truncatedNormal, variable, zeros, onesLike, createContext, withContext,
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
