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

describe('image.transform', () => {
  // A 1×1×4 row 0, 10, 20, 30 (one channel): output x reads input a0·x + a2.
  const row = tensor([0, 10, 20, 30], [1, 1, 4, 1]);
  const shift = (a2: number) => tensor([[1, 0, a2, 0, 1, 0, 0, 0]]);
  test('by hand: an identity, a shift by 1 (the last pixel filled), a half-pixel shift blended', () => {
    expect(Array.from(image.transform(row, tensor([[1, 0, 0, 0, 1, 0, 0, 0]])).values)).toEqual([0, 10, 20, 30]);
    expect(Array.from(image.transform(row, shift(1), 'nearest', 'constant', -1).values)).toEqual([10, 20, 30, -1]);
    // Bilinear at x + 0.5: halfway between neighbours; the last reads 30 and the fill 0 half each.
    expect(Array.from(image.transform(row, shift(0.5), 'bilinear').values)).toEqual([5, 15, 25, 15]);
  });
  test('fill modes on a shift by −2: constant, nearest (edge repeated), reflect (dcba|abcd), wrap (abcd|abcd)', () => {
    const at = (mode: 'constant' | 'nearest' | 'reflect' | 'wrap') => Array.from(image.transform(row, shift(-2), 'nearest', mode, 7).values);
    expect(at('constant')).toEqual([7, 7, 0, 10]);
    expect(at('nearest')).toEqual([0, 0, 0, 10]);
    // Sources −2, −1 reflect to 1, 0.
    expect(at('reflect')).toEqual([10, 0, 0, 10]);
    // Sources −2, −1 wrap by TensorFlow's rule (−x + 4·(⌊x/3⌋ + 1)): 2, 3.
    expect(at('wrap')).toEqual([20, 30, 0, 10]);
  });
  test('one transform per image; outputShape; the gradient reaches the pixels read', () => {
    const two = tensor([0, 10, 20, 30, 1, 2, 3, 4], [2, 1, 4, 1]);
    const y = image.transform(two, tensor([[1, 0, 1, 0, 1, 0, 0, 0], [1, 0, -1, 0, 1, 0, 0, 0]]));
    expect(Array.from(y.values)).toEqual([10, 20, 30, 0, 0, 1, 2, 3]);
    expect(image.transform(row, shift(0), 'nearest', 'constant', 0, [2, 3]).shape).toEqual([1, 2, 3, 1]);
    const x = randomUniform([1, 3, 4, 2], 0, 1, { seed: 5 });
    const warp = tensor([[0.9, 0.1, 0.2, -0.1, 1.1, 0.3, 0.02, -0.03]]);
    expect(gradCheck((a) => image.transform(a!, warp, 'bilinear', 'reflect'), [x]).passed).toBe(true);
  });
  test('errors', () => {
    expect(() => image.transform(tensor([1]), shift(0))).toThrow('image.transform: expected images [batch, height, width, channels], got shape [1]');
    expect(() => image.transform(row, tensor([[1, 0, 0]]))).toThrow('image.transform: transforms must be [1, 8] or [1, 8], got shape [1,3]');
    expect(() => image.transform(row, shift(0), 'cubic' as never)).toThrow(`image.transform: interpolation must be 'nearest' or 'bilinear', got "cubic"`);
    expect(() => image.transform(row, shift(0), 'nearest', 'mirror' as never)).toThrow(`image.transform: fillMode must be 'constant', 'reflect', 'wrap' or 'nearest', got "mirror"`);
    expect(() => image.transform(row, shift(0), 'nearest', 'constant', 0, [0, 2])).toThrow('image.transform: outputShape must be [height, width] of positive integers, got [0,2]');
  });
});

describe('image.rotateWithOffset, threshold, nonMaxSuppressionPadded', () => {
  test('a quarter turn about the centre of a 4×4: output (x, y) reads input (4 − y, x); row 0 falls outside', () => {
    const x = tensor(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
    const y = Array.from(image.rotateWithOffset(x, Math.PI / 2, -1).values);
    // Output row y, column x ← input row x, column 4 − y (value 4x + 4 − y + 1), −1 where 4 − y = 4.
    const expected = Array.from({ length: 16 }, (_, i) => {
      const [r, c] = [Math.floor(i / 4), i % 4];
      return r === 0 ? -1 : 4 * c + (4 - r) + 1;
    });
    expect(y).toEqual(expected);
    expect(Array.from(image.rotateWithOffset(x, 0).values)).toEqual(Array.from(x.values));
  });
  test('per-channel fill: [r, g, b], alpha 255', () => {
    const rgba = tensor(new Float32Array(2 * 2 * 4).fill(1), [1, 2, 2, 4]);
    // A half turn about the corner (0, 0): pixel (0, 0) stays, every other source is outside.
    expect(Array.from(image.rotateWithOffset(rgba, Math.PI, [10, 20, 30], 0).values)).toEqual([1, 1, 1, 1, 10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255]);
  });
  test('threshold: binary at threshValue·255, inverted; Otsu splits a two-level image between its levels', () => {
    const gray = tensor([10, 200, 130, 120], [2, 2, 1]);
    const y = image.threshold(gray);
    expect(Array.from(y.values)).toEqual([0, 255, 255, 0]);
    expect(y.dtype).toBe('int32');
    expect(Array.from(image.threshold(gray, 'binary', true, 0.6).values)).toEqual([255, 0, 255, 255]);
    // Levels 40 and 180: any cut in [40, 179] separates them with the same variance; the first, 40, is chosen.
    const twoLevel = tensor([40, 40, 180, 40, 180, 180], [2, 3, 1]);
    expect(Array.from(image.threshold(twoLevel, 'otsu').values)).toEqual([0, 0, 255, 0, 255, 255]);
    // RGB through its luma (0.2989, 0.587, 0.114): pure green 200 → 117.4 > 0.45·255 = 114.75.
    expect(Array.from(image.threshold(tensor([0, 200, 0], [1, 1, 3]), 'binary', false, 0.45).values)).toEqual([255]);
    expect(() => image.threshold(tensor(new Float32Array(8), [2, 2, 2]))).toThrow('image.threshold: expected an image [height, width, 3 or 1], got shape [2,2,2]');
    expect(() => image.threshold(gray, 'mean' as never)).toThrow(`image.threshold: method must be 'binary' or 'otsu', got "mean"`);
  });
  test('nonMaxSuppressionPadded: zeros after the kept, up to maxOutputSize (at most the number of boxes)', () => {
    const boxes = tensor([[0, 0, 1, 1], [0, 0.05, 1, 1.05], [3, 3, 4, 4]]);
    const scores = tensor([0.9, 0.8, 0.7]);
    const r = image.nonMaxSuppressionPadded(boxes, scores, 5, 0.5, -Infinity, true);
    expect(Array.from(r.selectedIndices.values)).toEqual([0, 2, 0]);
    expect(r.validOutputs.item()).toBe(2);
    expect(Array.from(image.nonMaxSuppressionPadded(boxes, scores, 5).selectedIndices.values)).toEqual([0, 2]);
  });
});
