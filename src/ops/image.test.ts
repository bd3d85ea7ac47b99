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

describe('flips and colour conversions', () => {
  test('by hand, their gradients by central differences, their errors', () => {
    // One 1×2 image of two RGB pixels: flipped, the pixels swap; the luma of (1, 0, 0) is 0.2989.
    const x = tensor([1, 0, 0, 0, 1, 0], [1, 1, 2, 3]);
    expect(Array.from(image.flipLeftRight(x).values)).toEqual([0, 1, 0, 1, 0, 0]);
    const g = image.rgbToGrayscale(x);
    expect(g.shape).toEqual([1, 1, 2, 1]);
    expect(Array.from(g.values).map((v) => +v.toFixed(4))).toEqual([0.2989, 0.587]);
    expect(image.grayscaleToRGB(g).shape).toEqual([1, 1, 2, 3]);
    const r = randomUniform([2, 2, 3, 3], 0, 1, { seed: 3 });
    for (const f of [image.flipLeftRight, image.rgbToGrayscale, (t: typeof r) => image.grayscaleToRGB(image.rgbToGrayscale(t))]) {
      expect(gradCheck((t) => sum(mul(f(t), f(t))), [r]).passed).toBe(true);
    }
    expect(() => image.flipLeftRight(tensor([1, 2]))).toThrow('image.flipLeftRight: expected a batch of images [batch, height, width, channels], got shape [2]');
    expect(() => image.rgbToGrayscale(tensor([[1, 2]]))).toThrow('image.rgbToGrayscale: the last axis must hold 3 channels (RGB), got shape [1,2]');
    expect(() => image.grayscaleToRGB(tensor([[1, 2]]))).toThrow('image.grayscaleToRGB: the last axis must hold 1 channel, got shape [1,2]');
  });
});
