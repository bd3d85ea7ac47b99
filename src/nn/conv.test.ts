import { describe, expect, test } from 'vitest';
import { conv2d, layers, noGrad, tensor, transpose } from '../index.js';
import { testLayer } from '../../test/harness/layer.js';

testLayer('conv2d 3×3 relu, valid', {
  make: () => layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
  input: [2, 5, 6, 3], output: [2, 3, 4, 4], params: 3 * 3 * 3 * 4 + 4, weightNames: ['kernel', 'bias'],
});
testLayer('conv2d strides 2, same, no bias', {
  make: () => layers.conv2d({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', useBias: false }),
  input: [1, 5, 5, 2], output: [1, 3, 3, 2], params: 3 * 2 * 2 * 2, weightNames: ['kernel'],
});
testLayer('conv2d dilated, channelsFirst', {
  make: () => layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, dataFormat: 'channelsFirst', activation: 'tanh' }),
  input: [2, 3, 5, 4], output: [2, 2, 3, 2], params: 2 * 2 * 3 * 2 + 2, weightNames: ['kernel', 'bias'],
});
testLayer('conv1d causal', {
  make: () => layers.conv1d({ filters: 3, kernelSize: 3, padding: 'causal', dilationRate: 2 }),
  input: [2, 7, 2], output: [2, 7, 3], params: 3 * 2 * 3 + 3, weightNames: ['kernel', 'bias'],
});
testLayer('conv1d strides 2 valid', {
  make: () => layers.conv1d({ filters: 2, kernelSize: 2, strides: 2 }),
  input: [2, 7, 3], output: [2, 3, 2], params: 2 * 3 * 2 + 2, weightNames: ['kernel', 'bias'],
});
testLayer('conv2dTranspose strides 2 valid', {
  make: () => layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 }),
  input: [2, 3, 2, 3], output: [2, 7, 5, 2], params: 3 * 3 * 2 * 3 + 2, weightNames: ['kernel', 'bias'],
});
testLayer('conv2dTranspose same', {
  make: () => layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, padding: 'same', activation: 'sigmoid' }),
  input: [1, 2, 3, 2], output: [1, 4, 6, 3], params: 2 * 2 * 3 * 2 + 3, weightNames: ['kernel', 'bias'],
});
testLayer('depthwiseConv2d multiplier 2', {
  make: () => layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
  input: [2, 4, 4, 3], output: [2, 4, 4, 6], params: 3 * 3 * 3 * 2 + 6, weightNames: ['depthwise_kernel', 'bias'],
});
testLayer('separableConv2d', {
  make: () => layers.separableConv2d({ filters: 4, kernelSize: 2, strides: 2 }),
  input: [2, 5, 4, 3], output: [2, 2, 2, 4], params: 2 * 2 * 3 + 3 * 4 + 4, weightNames: ['depthwise_kernel', 'pointwise_kernel', 'bias'],
});
testLayer('conv3d same, strides [1, 2, 2], relu', {
  make: () => layers.conv3d({ filters: 3, kernelSize: [2, 3, 3], strides: [1, 2, 2], padding: 'same', activation: 'relu' }),
  input: [2, 3, 4, 5, 2], output: [2, 3, 2, 3, 3], params: 2 * 3 * 3 * 2 * 3 + 3, weightNames: ['kernel', 'bias'],
});
testLayer('conv3d dilated, channelsFirst', {
  make: () => layers.conv3d({ filters: 2, kernelSize: 2, dilationRate: 2, dataFormat: 'channelsFirst', activation: 'tanh' }),
  input: [1, 2, 3, 4, 3], output: [1, 2, 1, 2, 1], params: 2 * 2 * 2 * 2 * 2 + 2, weightNames: ['kernel', 'bias'],
});
testLayer('conv3dTranspose strides 2 valid', {
  make: () => layers.conv3dTranspose({ filters: 2, kernelSize: 3, strides: 2 }),
  input: [1, 2, 1, 2, 3], output: [1, 5, 3, 5, 2], params: 3 * 3 * 3 * 2 * 3 + 2, weightNames: ['kernel', 'bias'],
});
testLayer('maxPooling3d', { make: () => layers.maxPooling3d({ poolSize: 2 }), input: [2, 4, 5, 4, 2], output: [2, 2, 2, 2, 2], params: 0, weightNames: [] });
testLayer('averagePooling3d same strides 1, channelsFirst', { make: () => layers.averagePooling3d({ poolSize: [2, 3, 2], strides: 1, padding: 'same', dataFormat: 'channelsFirst' }), input: [1, 2, 3, 3, 2], output: [1, 2, 3, 3, 2], params: 0, weightNames: [] });
testLayer('maxPooling2d', { make: () => layers.maxPooling2d({ poolSize: 2 }), input: [2, 5, 4, 3], output: [2, 2, 2, 3], params: 0, weightNames: [] });
testLayer('maxPooling2d same strides 1', { make: () => layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }), input: [1, 4, 3, 2], output: [1, 4, 3, 2], params: 0, weightNames: [] });
testLayer('averagePooling2d same', { make: () => layers.averagePooling2d({ poolSize: [2, 3], padding: 'same' }), input: [2, 5, 4, 2], output: [2, 3, 2, 2], params: 0, weightNames: [] });
testLayer('maxPooling1d', { make: () => layers.maxPooling1d({ poolSize: 3, strides: 2 }), input: [2, 7, 3], output: [2, 3, 3], params: 0, weightNames: [] });
testLayer('averagePooling1d channelsFirst', { make: () => layers.averagePooling1d({ dataFormat: 'channelsFirst' }), input: [2, 3, 6], output: [2, 3, 3], params: 0, weightNames: [] });
testLayer('globalMaxPooling2d', { make: () => layers.globalMaxPooling2d(), input: [2, 3, 4, 5], output: [2, 5], params: 0, weightNames: [] });
testLayer('globalAveragePooling2d', { make: () => layers.globalAveragePooling2d(), input: [2, 3, 4, 5], output: [2, 5], params: 0, weightNames: [] });
testLayer('globalMaxPooling1d', { make: () => layers.globalMaxPooling1d(), input: [2, 6, 3], output: [2, 3], params: 0, weightNames: [] });
testLayer('globalAveragePooling1d keepDims', { make: () => layers.globalAveragePooling1d({ keepDims: true }), input: [2, 6, 3], output: [2, 1, 3], params: 0, weightNames: [] });
testLayer('zeroPadding2d', { make: () => layers.zeroPadding2d({ padding: [[1, 0], [2, 1]] }), input: [2, 3, 2, 2], output: [2, 4, 5, 2], params: 0, weightNames: [] });
testLayer('cropping2D', { make: () => layers.cropping2D({ cropping: [1, 2] }), input: [2, 4, 5, 2], output: [2, 2, 1, 2], params: 0, weightNames: [] });
testLayer('upSampling2d bilinear', { make: () => layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }), input: [2, 2, 2, 3], output: [2, 4, 6, 3], params: 0, weightNames: [] });
testLayer('upSampling2d bilinear channels first', { make: () => layers.upSampling2d({ size: 2, interpolation: 'bilinear', dataFormat: 'channelsFirst' }), input: [2, 3, 2, 2], output: [2, 3, 4, 4], params: 0, weightNames: [] });
test('upSampling2d bilinear by hand, as tfjs (no aligned corners, no half-pixel centres)', () => {
  // a row [0, 1] widened ×2: source positions i·(2/4) = 0, 0.5, 1, 1.5 → 0, 0.5, 1, 1 (the last clamps)
  const up = layers.upSampling2d({ size: [1, 2], interpolation: 'bilinear' });
  expect(Array.from(up.apply(tensor([0, 1], [1, 1, 2, 1])).values)).toEqual([0, 0.5, 1, 1]);
  const first = layers.upSampling2d({ size: [1, 2], interpolation: 'bilinear', dataFormat: 'channelsFirst' });
  expect(Array.from(first.apply(tensor([0, 1], [1, 1, 1, 2])).values)).toEqual([0, 0.5, 1, 1]);
});
testLayer('upSampling2d', { make: () => layers.upSampling2d({ size: [2, 3] }), input: [2, 2, 2, 3], output: [2, 4, 6, 3], params: 0, weightNames: [] });
testLayer('reshape', { make: () => layers.reshape({ targetShape: [3, -1] }), input: [2, 6, 2], output: [2, 3, 4], params: 0, weightNames: [] });
testLayer('permute', { make: () => layers.permute({ dims: [2, 1] }), input: [2, 3, 4], output: [2, 4, 3], params: 0, weightNames: [] });
testLayer('repeatVector', { make: () => layers.repeatVector({ n: 3 }), input: [2, 4], output: [2, 3, 4], params: 0, weightNames: [] });

describe('convolution layers', () => {
  test('conv2d channelsFirst gives the channels-last result transposed', () => {
    const x = tensor(Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => Math.sin(i)), [2, 4, 4, 3]);
    const a = layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' });
    const b = layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst' });
    a.build([null, 4, 4, 3]);
    b.build([null, 3, 4, 4]);
    b.kernel!.assign(a.kernel!);
    const ya = noGrad(() => a.apply(x));
    const yb = noGrad(() => b.apply(transpose(x, [0, 3, 1, 2])));
    expect(Array.from(transpose(yb, [0, 2, 3, 1]).values)).toEqual(Array.from(ya.values));
  });

  test('conv2d layer is the conv2d op plus bias', () => {
    const l = layers.conv2d({ filters: 1, kernelSize: 2, biasInitializer: 'ones' });
    l.build([null, 3, 3, 1]);
    l.kernel!.assign([1, 0, 0, -1]);
    // Every window x[i,j] − x[i+1,j+1] = −4 on 1…9 (see the op test), plus bias 1.
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    expect(Array.from(l.apply(x).values)).toEqual([-3, -3, -3, -3]);
    expect(Array.from(conv2d(x, l.kernel!).values)).toEqual([-4, -4, -4, -4]);
  });

  test('upSampling2d repeats pixels; permute and repeatVector by hand', () => {
    expect(layers.upSampling2d().apply(tensor([1, 2], [1, 1, 2, 1])).arraySync()).toEqual([[[[1], [1], [2], [2]], [[1], [1], [2], [2]]]]);
    expect(layers.permute({ dims: [2, 1] }).apply(tensor([[[1, 2, 3], [4, 5, 6]]])).arraySync()).toEqual([[[1, 4], [2, 5], [3, 6]]]);
    expect(layers.repeatVector({ n: 2 }).apply(tensor([[1, 2]])).arraySync()).toEqual([[[1, 2], [1, 2]]]);
  });

  test('errors: bad filters, sizes, padding, data format, input rank, cropping', () => {
    expect(() => layers.conv2d({ filters: 0, kernelSize: 3 })).toThrow('conv2d: filters must be a positive integer, got 0');
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, padding: 'causal' })).toThrow("conv2d: padding must be 'valid' or 'same', got \"causal\"");
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow("conv1d: padding must be 'valid' or 'same' or 'causal', got \"full\"");
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'NHWC' as never })).toThrow("conv2d: dataFormat must be 'channelsLast' or 'channelsFirst', got \"NHWC\"");
    // Sizes are checked when the layer is made, not when it first sees data.
    expect(() => layers.conv2d({ filters: 2, kernelSize: [3, 3, 3] })).toThrow('conv2d: kernelSize must be a positive integer or 2 of them, got [3,3,3]');
    expect(() => layers.conv2d({ filters: 2, kernelSize: 0 })).toThrow('conv2d: kernelSize must be a positive integer or 2 of them, got 0');
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, strides: 1.5 })).toThrow('conv1d: strides must be a positive integer or 1 of them, got 1.5');
    expect(() => layers.separableConv2d({ filters: 2, kernelSize: 3, dilationRate: [1, -1] })).toThrow('separableConv2d: dilationRate must be a positive integer or 2 of them, got [1,-1]');
    expect(() => layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 0 })).toThrow(/^conv2dTranspose: strides must be a positive integer or 2 of them, got 0$/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3 }).build([null, 5, 1])).toThrow('conv2d: expected input of rank 4 (batch, height, width, channels), got shape (None, 5, 1)');
    const built = layers.conv2d({ filters: 2, kernelSize: 1 });
    built.build([null, 2, 2, 3]);
    expect(() => built.apply(tensor(new Float32Array(8), [1, 2, 2, 2]))).toThrow('conv2d: expected input of rank 4 with 3 channels (channelsLast), got [1,2,2,2]');
    expect(() => layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 0 })).toThrow('depthwiseConv2d: depthMultiplier must be a positive integer, got 0');
    expect(() => layers.conv3d({ filters: 2, kernelSize: [3, 3] })).toThrow('conv3d: kernelSize must be a positive integer or 3 of them, got [3,3]');
    expect(() => layers.conv3d({ filters: 2, kernelSize: 3 }).build([null, 5, 5, 1])).toThrow('conv3d: expected input of rank 5 (batch, depth, height, width, channels), got shape (None, 5, 5, 1)');
    expect(() => layers.conv3dTranspose({ filters: 2, kernelSize: 2, dilationRate: 2 })).toThrow('conv3dTranspose: dilationRate other than 1 is not supported (as in TensorFlow.js)');
    expect(() => layers.maxPooling3d({ poolSize: [2, 2] })).toThrow('maxPooling3d: poolSize must be a positive integer or 3 of them, got [2,2]');
    expect(() => layers.maxPooling2d({ padding: 'causal' as never })).toThrow("maxPooling2d: padding must be 'valid' or 'same', got \"causal\"");
    expect(() => layers.cropping2D({ cropping: 2 }).apply(tensor(new Float32Array(16), [1, 4, 4, 1]))).toThrow('cropping2D: cropping 2 + 2 leaves nothing of size 4 (axis 1 of [1,4,4,1])');
    expect(() => layers.zeroPadding2d({ padding: -1 })).toThrow('zeroPadding2d: padding must be n, [height, width] or [[top, bottom], [left, right]] of non-negative integers, got -1');
    expect(() => layers.upSampling2d({ interpolation: 'bicubic' as 'bilinear' })).toThrow(`upSampling2d: interpolation must be 'nearest' or 'bilinear', got "bicubic"`);
    expect(() => layers.reshape({ targetShape: [-1, -1] })).toThrow('reshape: targetShape must be a list of positive sizes with at most one -1, got [-1,-1]');
    expect(() => layers.permute({ dims: [0, 1] })).toThrow('permute: dims must be a permutation of 1…2, got [0,1]');
    expect(() => layers.repeatVector({ n: 0 })).toThrow('repeatVector: n must be a positive integer, got 0');
  });
});

describe('Keras spellings', () => {
  test('snake_case options mean the camelCase ones; both at once is an error', () => {
    const a = layers.conv2d({ filters: 2, kernel_size: 3, use_bias: false, data_format: 'channelsLast' } as never);
    expect(a.getConfig()).toMatchObject({ filters: 2, kernelSize: 3, useBias: false, dataFormat: 'channelsLast' });
    a.build([null, 5, 5, 1]);
    expect(a.weights).toHaveLength(1);
    expect(layers.globalAveragePooling1d({ keepdims: true } as never).computeOutputShape([null, 4, 3])).toEqual([null, 1, 3]);
    expect(() => layers.dense({ units: 2, useBias: true, use_bias: false } as never)).toThrow("layer config: 'use_bias' and 'useBias' are the same option; give one");
  });
});
