import { describe, expect, test } from 'vitest';
import { broadcastShapes, broadcastStrides, checkShape, normalizeAxes, stridesOf } from './shape.js';

describe('shapes', () => {
  test('NumPy broadcasting examples', () => {
    // From NumPy's broadcasting rules: align right, sizes equal or one of them 1.
    expect(broadcastShapes('op', [8, 1, 6, 1], [7, 1, 5])).toEqual([8, 7, 6, 5]);
    expect(broadcastShapes('op', [5, 4], [1])).toEqual([5, 4]);
    expect(broadcastShapes('op', [], [3])).toEqual([3]);
    expect(broadcastShapes('op', [0, 3], [1, 3])).toEqual([0, 3]);
    expect(() => broadcastShapes('add', [2, 1], [8, 4, 3])).toThrow('add: shapes [2,1] and [8,4,3] cannot be broadcast together (axis -2: 2 vs 4)');
  });

  test('strides', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(broadcastStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
  });

  test('non-integer and negative dimensions are refused', () => {
    expect(() => checkShape([2, -1])).toThrow('tensor: dimension 1 of shape [2, -1] is -1; dimensions must be non-negative integers');
    expect(() => checkShape([1.5], 'zeros')).toThrow('zeros: dimension 0 of shape [1.5] is 1.5; dimensions must be non-negative integers');
  });

  test('axes normalize, sort and reject out-of-range values', () => {
    expect(normalizeAxes([-1, 0], 3, 'sum')).toEqual([0, 2]);
    expect(normalizeAxes(undefined, 2, 'sum')).toEqual([0, 1]);
    expect(() => normalizeAxes(3, 3, 'sum')).toThrow('sum: axis 3 is out of range for a tensor of rank 3 (valid: -3 to 2)');
  });
});
