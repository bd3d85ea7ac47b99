import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CategoryEncoding, RandomWidth, type Tensor, layers, loadLayersModel, range, sequential, tensor, image, setSeed } from '../index.js';
import { testLayer } from '../../test/harness/layer.js';

testLayer('resizing, bilinear, corners aligned (tfjs 4)', { make: () => layers.resizing({ height: 5, width: 2 }), input: [2, 3, 4, 2], output: [2, 5, 2, 2], params: 0, weightNames: [] });
testLayer('resizing, nearest, cropToAspectRatio', { make: () => layers.resizing({ height: 2, width: 7, interpolation: 'nearest', cropToAspectRatio: true }), input: [2, 3, 4, 1], output: [2, 2, 7, 1], params: 0, weightNames: [] });
testLayer('centerCrop, cropping', { make: () => layers.centerCrop({ height: 3, width: 2 }), input: [2, 5, 4, 2], output: [2, 3, 2, 2], params: 0, weightNames: [] });
testLayer('centerCrop, upsizing a smaller image', { make: () => layers.centerCrop({ height: 4, width: 3 }), input: [2, 3, 3, 1], output: [2, 4, 3, 1], params: 0, weightNames: [] });
testLayer('categoryEncoding, count', {
  make: () => layers.categoryEncoding({ numTokens: 5, outputMode: 'count' }),
  input: [3, 4], output: [3, 5], params: 0, weightNames: [], inputGradient: false, sample: (r) => r.int(5),
});

/** 0, 1, 2, … in a [batch, h, w, 1] image: pixel (y, x) of image b is b·h·w + y·w + x. */
const ramp = (b: number, h: number, w: number) => range(0, b * h * w).reshape([b, h, w, 1]);
const rows = (t: { values: ArrayLike<number>; shape: readonly number[] }) => {
  const [h, w] = t.shape.slice(-3, -1) as [number, number];
  return Array.from({ length: h }, (_, y) => Array.from(t.values).slice(y * w, y * w + w));
};

describe('centerCrop', () => {
  test('picks the central window: offsets floor((in − out)/2)', () => {
    // 5×7 → 3×4: rows from floor(2/2) = 1, columns from floor(3/2) = 1; pixel (y, x) = 7y + x.
    expect(rows(layers.centerCrop({ height: 3, width: 4 }).apply(ramp(2, 5, 7)))).toEqual([[8, 9, 10, 11], [15, 16, 17, 18], [22, 23, 24, 25]]);
    // 5×7 → 4×4: a row offset of floor(1/2) = 0.
    expect(rows(layers.centerCrop({ height: 4, width: 4 }).apply(ramp(1, 5, 7)))).toEqual([[1, 2, 3, 4], [8, 9, 10, 11], [15, 16, 17, 18], [22, 23, 24, 25]]);
  });
  test('widths one apart start at column 1, as tfjs (its offset is at least 1 when the widths differ)', () => {
    expect(rows(layers.centerCrop({ height: 3, width: 6 }).apply(ramp(1, 5, 7)))).toEqual([[8, 9, 10, 11, 12, 13], [15, 16, 17, 18, 19, 20], [22, 23, 24, 25, 26, 27]]);
  });
  test('an image smaller in either size is resized (bilinear) instead; same sizes are the identity; [h, w, c] works too', () => {
    const x = ramp(2, 5, 7);
    expect(Array.from(layers.centerCrop({ height: 6, width: 4 }).apply(x).values)).toEqual(Array.from(image.resizeBilinear(x, [6, 4]).values));
    expect(Array.from(layers.centerCrop({ height: 5, width: 7 }).apply(x).values)).toEqual(Array.from(x.values));
    const one = layers.centerCrop({ height: 3, width: 4 }).apply(range(0, 35).reshape([5, 7, 1]));
    expect(one.shape).toEqual([3, 4, 1]);
    expect(rows(one)[0]).toEqual([8, 9, 10, 11]);
  });
});

describe('resizing', () => {
  test('aligned corners by default (tfjs 4), half-open scale with cropToAspectRatio', () => {
    const x = tensor([0, 10, 20], [1, 1, 3, 1]);
    // Aligned: 3 → 5 samples at 0, 0.5, 1, 1.5, 2 → 0, 5, 10, 15, 20.
    expect(Array.from(layers.resizing({ height: 1, width: 5 }).apply(x).values)).toEqual([0, 5, 10, 15, 20]);
    // Not aligned: at i·3/5 = 0, 0.6, 1.2, 1.8, 2.4 (the last clamped to 2) → 0, 6, 12, 18, 20.
    const y = Array.from(layers.resizing({ height: 1, width: 5, cropToAspectRatio: true }).apply(x).values);
    [0, 6, 12, 18, 20].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
    // Nearest, aligned: round(0, 0.5, 1, 1.5, 2) → pixels 0, 1, 1, 2, 2 (Math.round: 0.5 → 1, 1.5 → 2).
    expect(Array.from(layers.resizing({ height: 1, width: 5, interpolation: 'nearest' }).apply(x).values)).toEqual([0, 10, 10, 20, 20]);
  });
  test('in a model: the output shape keeps the batch axis (tfjs 4.22 drops it, so its next layer breaks)', () => {
    const m = sequential({ layers: [layers.resizing({ height: 4, width: 3, inputShape: [6, 5, 2] }), layers.flatten(), layers.dense({ units: 2 })] });
    expect(m.outputShape).toEqual([null, 2]);
    expect(m.predict(tensor(new Float32Array(2 * 60), [2, 6, 5, 2])).shape).toEqual([2, 2]);
  });
});

describe('categoryEncoding', () => {
  const ids = tensor([[0, 1, 1], [3, 2, 0]]);
  test('multiHot (the default), count, count with weights, oneHot', () => {
    expect(Array.from(layers.categoryEncoding({ numTokens: 4 }).apply(ids).values)).toEqual([1, 1, 0, 0, 1, 0, 1, 1]);
    expect(Array.from(layers.categoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(ids).values)).toEqual([1, 2, 0, 0, 1, 0, 1, 1]);
    // Weights summed per id: row 0 has id 0 (w 1) and id 1 twice (2 + 3); row 1 ids 3, 2, 0 with 4, 5, 6.
    const counted = layers.categoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(ids, { countWeights: tensor([[1, 2, 3], [4, 5, 6]]) } as never);
    expect(Array.from(counted.values)).toEqual([1, 5, 0, 0, 6, 0, 5, 4]);
    const hot = layers.categoryEncoding({ numTokens: 4, outputMode: 'oneHot' });
    expect(Array.from(hot.apply(tensor([0, 3, 2])).values)).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]);
    expect(hot.apply(tensor([[0], [3], [2]])).shape).toEqual([3, 4]);
  });
  test('a vector is one sample; multiHot is 0/1 there too (tfjs 4.22 counts: its 1-D denseBincount ignores binaryOutput)', () => {
    const y = layers.categoryEncoding({ numTokens: 5 }).apply(tensor([1, 4, 4]));
    expect(y.shape).toEqual([5]);
    expect(Array.from(y.values)).toEqual([0, 1, 0, 0, 1]);
  });
  test('Keras spellings of the modes; in a Sequential (tfjs 4.22 overwrites its input shape with numTokens)', () => {
    expect(layers.categoryEncoding({ numTokens: 3, outputMode: 'one_hot' }).outputMode).toBe('oneHot');
    expect(layers.categoryEncoding({ numTokens: 3, outputMode: 'multi_hot' }).outputMode).toBe('multiHot');
    const m = sequential({ layers: [layers.categoryEncoding({ numTokens: 5, inputShape: [3] }), layers.dense({ units: 2 })] });
    expect(m.layers[0]!.computeOutputShape([null, 3])).toEqual([null, 5]);
    expect(m.predict(tensor([[0, 1, 4]])).shape).toEqual([1, 2]);
  });
  test('errors', () => {
    expect(() => layers.categoryEncoding({ numTokens: 0 })).toThrow('categoryEncoding: numTokens must be a positive integer, got 0');
    expect(() => layers.categoryEncoding({ numTokens: 3, outputMode: 'tfIdf' as never })).toThrow(`categoryEncoding: outputMode must be 'multiHot', 'oneHot' or 'count', got "tfIdf"`);
    expect(() => layers.categoryEncoding({ numTokens: 4 }).apply(tensor([[0, 4]]))).toThrow('gather: index 4 at position 1 is out of range [0, 4)');
    expect(() => layers.categoryEncoding({ numTokens: 4 }).apply(tensor([[[0, 1]]]))).toThrow('categoryEncoding: expected ids [batch, n] or [n], got shape (1, 1, 2)');
    expect(() => layers.categoryEncoding({ numTokens: 4, outputMode: 'oneHot' }).apply(ids)).toThrow("categoryEncoding: outputMode 'oneHot' takes ids [batch] or [batch, 1], got shape (2, 3)");
    expect(() => layers.categoryEncoding({ numTokens: 4 }).apply(ids, { countWeights: ids } as never)).toThrow("categoryEncoding: countWeights are for outputMode 'count', this layer's is 'multiHot'");
    expect(() => layers.categoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(ids, { countWeights: tensor([1, 2]) } as never)).toThrow('categoryEncoding: countWeights must have the ids\' shape [2,3], got [2]');
  });
});

describe('randomWidth', () => {
  const x = ramp(2, 3, 10);
  test('in training, a width drawn from [round((1 + lo)·w), round((1 + hi)·w)], resized; the same seed, the same widths', () => {
    const widths = (seed: number) => {
      const l = layers.randomWidth({ factor: [-0.5, 0.3], seed });
      return Array.from({ length: 20 }, () => l.apply(x, { training: true }).shape[2]!);
    };
    const w = widths(7);
    expect(w.every((d) => d >= 5 && d <= 13)).toBe(true);
    expect(new Set(w).size).toBeGreaterThan(3);
    expect(widths(7)).toEqual(w);
    // Each output is the resize of the input to its width (bilinear, corners not aligned).
    const l = layers.randomWidth({ factor: 0.2, seed: 3, interpolation: 'nearest' });
    const y = l.apply(x, { training: true });
    expect(Array.from(y.values)).toEqual(Array.from(image.resizeNearestNeighbor(x, [3, y.shape[2]!]).values));
  });
  test('the identity at inference; the width unknown in a model', () => {
    const l = layers.randomWidth({ factor: 0.5 });
    expect(l.apply(x)).toBe(x);
    expect(l.computeOutputShape([null, 3, 10, 1])).toEqual([null, 3, null, 1]);
  });
  test('a model holding one trains on the eager step and says why', async () => {
    setSeed(1);
    const m = sequential({ layers: [layers.randomWidth({ factor: 0.3, inputShape: [3, 10, 1] }), layers.conv2d({ filters: 2, kernelSize: 2 }), layers.globalAveragePooling2d(), layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const h = await m.fit(x, tensor([[1], [0]]), { epochs: 2, verbose: 0 });
    expect(h.params!.path).toBe('eager');
    expect(h.params!.pathReason).toBe('the step could not be compiled: randomWidth (a random width for each batch)');
  });
  test('errors', () => {
    expect(() => layers.randomWidth({ factor: 0 })).toThrow('randomWidth: factor must be a number > 0 or [lower, upper], got 0');
    expect(() => layers.randomWidth({ factor: [0.5] as never })).toThrow('randomWidth: factor must be a number > 0 or [lower, upper], got [0.5]');
    expect(() => layers.randomWidth({ factor: [-1.5, 0] })).toThrow("randomWidth: factor's bounds must be ≥ -1, got [-1.5,0]");
    expect(() => layers.randomWidth({ factor: [0.5, 0.2] })).toThrow("randomWidth: factor's upper bound 0.2 is below its lower bound 0.5");
    expect(() => layers.randomWidth({ factor: 0.2, interpolation: 'bicubic' as never })).toThrow(`randomWidth: interpolation must be 'bilinear' or 'nearest', got "bicubic"`);
    expect(() => layers.randomWidth({ factor: 0.2, seed: 1.5 })).toThrow('randomWidth: seed must be an integer, got 1.5');
    expect(() => layers.randomWidth({ factor: 0.2 }).apply(tensor([1, 2]))).toThrow('randomWidth: expected images [batch, height, width, channels] or [height, width, channels], got shape (2,)');
  });
});

describe('resizing and centerCrop errors', () => {
  test('messages', () => {
    expect(() => layers.resizing({ height: 0, width: 2 })).toThrow('resizing: height must be a positive integer, got 0');
    expect(() => layers.resizing({ height: 2, width: 2.5 })).toThrow('resizing: width must be a positive integer, got 2.5');
    expect(() => layers.resizing({ height: 2, width: 2, interpolation: 'area' as never })).toThrow(`resizing: interpolation must be 'bilinear' or 'nearest', got "area"`);
    expect(() => layers.resizing({ height: 2, width: 2 }).apply(tensor([[1, 2]]))).toThrow('resizing: expected images [batch, height, width, channels] or [height, width, channels], got shape (1, 2)');
    expect(() => layers.centerCrop({ height: 2 } as never)).toThrow('centerCrop: width must be a positive integer, got undefined');
    expect(() => sequential({ layers: [layers.centerCrop({ height: 2, width: 2, inputShape: [4] })] })).toThrow('centerCrop: expected images [batch, height, width, channels] or [height, width, channels], got shape (None, 4)');
  });
});

describe('in files (tfjs Layers format)', () => {
  const roundTrip = async (m: ReturnType<typeof sequential>) => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-pre-'));
    await m.save(`file://${dir}`);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    return { configs: json.modelTopology.config.layers.map((l: { config: Record<string, unknown> }) => l.config), back: await loadLayersModel(`file://${dir}/model.json`) };
  };
  test('randomWidth keeps its options', async () => {
    const { configs, back } = await roundTrip(sequential({ layers: [
      layers.randomWidth({ factor: [-0.2, 0.4], interpolation: 'nearest', seed: 5, inputShape: [4, 6, 1] }), layers.conv2d({ filters: 3, kernelSize: 1 }), layers.globalMaxPooling2d(),
    ] }));
    expect(configs[0]).toMatchObject({ factor: [-0.2, 0.4], interpolation: 'nearest', seed: 5 });
    const rw = back.layers[0] as RandomWidth;
    expect([rw.bounds, rw.interpolation, rw.config.seed]).toEqual([[-0.2, 0.4], 'nearest', 5]);
  });
  test("categoryEncoding: Keras's mode spelling is written as tfjs's", async () => {
    const { configs, back } = await roundTrip(sequential({ layers: [layers.categoryEncoding({ numTokens: 3, outputMode: 'one_hot', inputShape: [1] }), layers.dense({ units: 2 })] }));
    expect(configs[0]).toMatchObject({ num_tokens: 3, output_mode: 'oneHot' });
    expect((back.layers[0] as CategoryEncoding).outputMode).toBe('oneHot');
    expect((back.predict(tensor([[2], [0]])) as Tensor).shape).toEqual([2, 2]);
  });
});
