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

describe('cropAndResize', () => {
  // One 2×2 image [[0, 1], [2, 3]].
  const img = tensor([0, 1, 2, 3], [1, 2, 2, 1]);

  test('by hand: the whole image to 3×3, a 1×1 crop, a flipped box, outside the image', () => {
    // Box [0, 0, 1, 1] to 3×3 samples rows and columns at 0, 0.5, 1: bilinear between the pixels.
    expect(Array.from(image.cropAndResize(img, tensor([[0, 0, 1, 1]]), tensor([0]), [3, 3]).values)).toEqual([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
    // A 1×1 crop samples the box's centre (0.5, 0.5): the mean of the four pixels.
    expect(Array.from(image.cropAndResize(img, tensor([[0, 0, 1, 1]]), tensor([0]), [1, 1]).values)).toEqual([1.5]);
    // y2 < y1 flips the crop upside down.
    expect(Array.from(image.cropAndResize(img, tensor([[1, 0, 0, 1]]), tensor([0]), [2, 2]).values)).toEqual([2, 3, 0, 1]);
    // Box [−1, 0, 0, 1]: the first row samples y = −1, outside, so it is the extrapolation value.
    expect(Array.from(image.cropAndResize(img, tensor([[-1, 0, 0, 1]]), tensor([0]), [2, 2], 'nearest', 7).values)).toEqual([7, 7, 0, 1]);
    // Nearest on a half-way sample (0.5 → 1 by rounding) and boxInd choosing the second image.
    const two = tensor([0, 1, 2, 3, 10, 11, 12, 13], [2, 2, 2, 1]);
    expect(Array.from(image.cropAndResize(two, tensor([[0.5, 0.5, 1, 1]]), tensor([1]), [1, 1], 'nearest').values)).toEqual([13]);
  });

  test('errors', () => {
    expect(() => image.cropAndResize(tensor([[[1]]]), tensor([[0, 0, 1, 1]]), tensor([0]), [1, 1])).toThrow('image.cropAndResize: expected images [batch, height, width, channels], got shape [1,1,1]');
    expect(() => image.cropAndResize(img, tensor([[0, 0, 1]]), tensor([0]), [1, 1])).toThrow('image.cropAndResize: boxes must be [numBoxes, 4] ([y1, x1, y2, x2] each), got shape [1,3]');
    expect(() => image.cropAndResize(img, tensor([[0, 0, 1, 1]]), tensor([0, 0]), [1, 1])).toThrow('image.cropAndResize: boxInd must be [1] (an image index per box), got shape [2]');
    expect(() => image.cropAndResize(img, tensor([[0, 0, 1, 1]]), tensor([1]), [1, 1])).toThrow('image.cropAndResize: boxInd[0] is 1, the batch has 1 images');
    expect(() => image.cropAndResize(img, tensor([[0, 0, 1, 1]]), tensor([0]), [0, 1])).toThrow('image.cropAndResize: cropSize must be [cropHeight, cropWidth] of positive integers, got [0,1]');
    expect(() => image.cropAndResize(img, tensor([[0, 0, 1, 1]]), tensor([0]), [1, 1], 'cubic' as never)).toThrow('image.cropAndResize: method must be \'bilinear\' or \'nearest\', got "cubic"');
  });
});

describe('nonMaxSuppression', () => {
  // A [0,0,1,1] and B [0,0.1,1,1.1] overlap by 0.9 of 1.1 (IoU 0.818); C [2,2,3,3] touches neither.
  const boxes = tensor([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [2, 2, 3, 3]]);
  const scores = tensor([0.9, 0.8, 0.7]);

  test('by hand: greedy by score, overlaps above the threshold dropped, int32 indices', async () => {
    const kept = image.nonMaxSuppression(boxes, scores, 10);
    expect(Array.from(kept.values)).toEqual([0, 2]);
    expect(kept.dtype).toBe('int32');
    expect(Array.from(image.nonMaxSuppression(boxes, scores, 1).values)).toEqual([0]);
    expect(Array.from(image.nonMaxSuppression(boxes, scores, 10, 0.9).values)).toEqual([0, 1, 2]);
    expect(Array.from(image.nonMaxSuppression(boxes, scores, 10, 0.5, 0.75).values)).toEqual([0]);
    // Tied scores: the lower index first.
    expect(Array.from((await image.nonMaxSuppressionAsync(boxes, tensor([0.5, 0.5, 0.5]), 10)).values)).toEqual([0, 2]);
  });

  test('Soft-NMS by hand: an overlap decays the score by e^(−IoU²/(2σ))', async () => {
    // B' [0,0.5,1,1.5] overlaps A by 0.5 of 1.5 (IoU 1/3 ≤ 0.5): with σ = 0.5 its score 0.8 becomes
    // 0.8·e^(−1/9) = 0.715867; B (IoU 0.818 > 0.5) goes to 0, under the score threshold.
    const b = tensor([[0, 0, 1, 1], [0, 0.5, 1, 1.5], [0, 0.1, 1, 1.1]]);
    const r = await image.nonMaxSuppressionWithScoreAsync(b, tensor([0.9, 0.8, 0.7]), 10, 0.5, 0.1, 0.5);
    expect(Array.from(r.selectedIndices.values)).toEqual([0, 1]);
    const s = Array.from(r.selectedScores.values);
    expect(s[0]).toBeCloseTo(0.9, 6);
    expect(s[1]).toBeCloseTo(0.8 * Math.exp(-1 / 9), 6);
    // σ = 0 is hard NMS.
    expect(Array.from(image.nonMaxSuppressionWithScore(b, tensor([0.9, 0.8, 0.7]), 10).selectedIndices.values)).toEqual([0, 1]);
  });

  test('errors', () => {
    expect(() => image.nonMaxSuppression(tensor([[0, 0, 1]]), tensor([1]), 1)).toThrow('image.nonMaxSuppression: boxes must be [numBoxes, 4] ([y1, x1, y2, x2] each), got shape [1,3]');
    expect(() => image.nonMaxSuppression(boxes, tensor([1, 2]), 1)).toThrow('image.nonMaxSuppression: scores must be [3] (a score per box), got shape [2]');
    expect(() => image.nonMaxSuppression(boxes, scores, -1)).toThrow('image.nonMaxSuppression: maxOutputSize must be an integer ≥ 0, got -1');
    expect(() => image.nonMaxSuppressionWithScore(boxes, scores, 2, 1.5)).toThrow('image.nonMaxSuppressionWithScore: iouThreshold must be in [0, 1], got 1.5');
  });
});
