import { describe, expect, test } from 'vitest';
import { Tensor, tensor, scalar, zeros } from '../index.js';

describe('Tensor', () => {
  test('shape, size, rank, dtype of a matrix, a scalar and an empty tensor', () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]]);
    expect([m.shape, m.size, m.rank, m.dtype]).toEqual([[2, 3], 6, 2, 'float32']);
    const s = scalar(3);
    expect([s.shape, s.size, s.rank]).toEqual([[], 1, 0]);
    const e = zeros([0, 4]);
    expect([e.shape, e.size, e.rank]).toEqual([[0, 4], 0, 2]);
    expect(e.arraySync()).toEqual([]);
  });

  test('reading values: dataSync copies, data() resolves, arraySync nests, item', async () => {
    const m = tensor([[1, 2], [3, 4]]);
    const d = m.dataSync();
    d[0] = 99;
    expect(m.values[0]).toBe(1);
    expect(Array.from(await m.data())).toEqual([1, 2, 3, 4]);
    expect(m.arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(m.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(scalar(2.5).item()).toBe(2.5);
    expect(scalar(2.5).arraySync()).toBe(2.5);
  });

  test('values are stored as float32', () => {
    expect(tensor([0.1]).values[0]).toBe(Math.fround(0.1));
  });

  test('item on many values, assign with the wrong shape, a value count that does not match', () => {
    expect(() => tensor([1, 2]).item()).toThrow('item: expected a tensor with one element, got shape [2] (2 elements)');
    expect(() => tensor([1, 2]).assign(tensor([1, 2, 3]))).toThrow('assign: cannot assign shape [3] to a tensor of shape [2]');
    expect(() => tensor([1, 2]).assign([1])).toThrow('assign: expected 2 values for shape [2], got 1');
    expect(() => new Tensor(new Float32Array(3), [2, 2])).toThrow('tensor: shape [2,2] needs 4 values but 3 were given');
  });

  test('assign overwrites in place', () => {
    const t = tensor([1, 2]);
    t.assign([5, 6]);
    expect(Array.from(t.values)).toEqual([5, 6]);
  });

  test('toString shows shape and values', () => {
    expect(String(tensor([[1, 2]]))).toBe('Tensor([1,2]) [[1,2]]');
  });
});
