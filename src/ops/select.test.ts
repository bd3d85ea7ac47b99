import { describe, expect, test } from 'vitest';
import { booleanMaskAsync, gradCheck, mul, randomUniform, reverse, split, sum, tensor, tile, topk, whereAsync } from '../index.js';

const v = (t: { values: ArrayLike<number> }) => Array.from(t.values);

describe('selecting and rearranging', () => {
  test('topk: largest first, ties to the lower index, unsorted keeps index order; gradients to the picked values', () => {
    const x = tensor([[1, 5, 3, 5], [4, 0, 2, 1]]);
    const { values, indices } = topk(x, 2);
    expect(values.shape).toEqual([2, 2]);
    expect(v(values)).toEqual([5, 5, 4, 2]);
    expect(v(indices)).toEqual([1, 3, 0, 2]);
    expect(v(topk(tensor([3, 1, 2]), 2, false).indices)).toEqual([0, 2]);
    expect(() => topk(tensor([1, 2]), 3)).toThrow('topk: k must be an integer in [0, 2] (the last axis), got 3');
    const r = tensor([[1.5, -0.5]]);
    expect(gradCheck((t) => sum(mul(topk(t!, 2).values, r)), [tensor([[0.3, 2.1, -1.2, 0.9]])]).passed).toBe(true);
  });

  test('split into equal parts or given sizes (one may be −1)', () => {
    const x = tensor([[1, 2, 3, 4, 5, 6]]);
    expect(split(x, 3, 1).map(v)).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(split(x, [1, -1, 2], 1).map(v)).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(() => split(x, 4, 1)).toThrow('split: 4 parts do not divide axis 1 of size 6 evenly');
    expect(() => split(x, [1, 2], 1)).toThrow('split: sizes [1, 2] do not add up to axis 1 of size 6');
    expect(gradCheck((t) => sum(mul(split(t!, [1, 2], 1)[1]!, tensor([[2, 3]]))), [tensor([[0.1, 0.2, 0.3]])]).passed).toBe(true);
  });

  test('tile and reverse, with gradients', () => {
    expect(v(tile(tensor([[1, 2]]), [2, 2]))).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(tile(tensor([[1, 2]]), [3, 1]).shape).toEqual([3, 2]);
    expect(() => tile(tensor([1]), [1, 2])).toThrow('tile: reps must give a non-negative integer for each of the 1 axes of [1], got [1, 2]');
    expect(v(reverse(tensor([[1, 2], [3, 4]])))).toEqual([4, 3, 2, 1]);
    expect(v(reverse(tensor([[1, 2], [3, 4]]), 1))).toEqual([2, 1, 4, 3]);
    const r = randomUniform([4, 6], 0.5, 1.5, { seed: 2 });
    expect(gradCheck((t) => sum(mul(tile(t!, [2, 3]), r)), [tensor([[0.1, -0.4], [0.7, 0.2]])]).passed).toBe(true);
    expect(gradCheck((t) => sum(mul(reverse(t!, 0), tensor([[1, 2], [3, 4]]))), [tensor([[0.1, -0.4], [0.7, 0.2]])]).passed).toBe(true);
  });

  test('whereAsync gives coordinates; booleanMaskAsync keeps the masked rows', async () => {
    const c = await whereAsync(tensor([[0, 1], [1, 0]]));
    expect(c.shape).toEqual([2, 2]);
    expect(v(c)).toEqual([0, 1, 1, 0]);
    const m = await booleanMaskAsync(tensor([[1, 2], [3, 4], [5, 6]]), tensor([1, 0, 1]));
    expect(v(m)).toEqual([1, 2, 5, 6]);
    await expect(booleanMaskAsync(tensor([[1, 2]]), tensor([1, 0]))).rejects.toThrow("booleanMaskAsync: the mask's shape [2] must match x's axes from 0 ([1])");
  });
});
