import { describe, expect, test } from 'vitest';
import { gradCheck, image, mul, randomUniform, sum, tensor } from '../index.js';

describe('image resizing', () => {
  test('by hand: a 1×2 row doubled, bilinear and nearest', () => {
    // [0, 10] to width 4, scale 1/2: sources 0, 0.5, 1, 1.5 → 0, 5, 10, 10 (clamped at the edge).
    const row = tensor([0, 10], [1, 2, 1]);
    expect(Array.from(image.resizeBilinear(row, [1, 4]).values)).toEqual([0, 5, 10, 10]);
    // alignCorners: the corners map to the corners, scale 1/3: 0, 10/3, 20/3, 10.
    Array.from(image.resizeBilinear(row, [1, 4], true).values).forEach((v, i) => expect(v).toBeCloseTo((i * 10) / 3, 5));
    expect(Array.from(image.resizeNearestNeighbor(row, [1, 4]).values)).toEqual([0, 0, 10, 10]);
  });

  test('gradients reach the pixels read (float64 central differences)', () => {
    const r = randomUniform([1, 5, 3, 2], 0.5, 1.5, { seed: 3 });
    const x = randomUniform([1, 3, 2, 2], -1, 1, { seed: 4 });
    expect(gradCheck((t) => sum(mul(image.resizeBilinear(t!, [5, 3], false, true), r)), [x]).passed).toBe(true);
    expect(gradCheck((t) => sum(mul(image.resizeBilinear(t!, [5, 3], true), r)), [x]).passed).toBe(true);
    expect(gradCheck((t) => sum(mul(image.resizeNearestNeighbor(t!, [5, 3]), r)), [x]).passed).toBe(true);
  });

  test('errors', () => {
    expect(() => image.resizeBilinear(tensor([1, 2]), [2, 2])).toThrow('image.resizeBilinear: expected images [batch, height, width, channels] or [height, width, channels], got shape [2]');
    expect(() => image.resizeNearestNeighbor(tensor([[[1]]]), [0, 2])).toThrow('image.resizeNearestNeighbor: size must be [newHeight, newWidth] of positive integers, got [0,2]');
  });
});
