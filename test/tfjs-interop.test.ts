/**
 * Interop with the real @tensorflow/tfjs package, both ways: a model built and saved by tfjs
 * loads in neurite and predicts the same values (within 1e-5), and a model saved by neurite
 * loads in tfjs and predicts the same. tfjs's Node file:// layout (model.json + weights.bin)
 * is reproduced from tfjs's own save artifacts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { type Tensor, initializers, input, layers, layers as ntLayers, loadLayersModel, model as functionalModel, randomNormal, sequential, serialization, setSeed, tensor } from '../src/index.js';

tf.setBackend('cpu');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'neurite-tfjs-'));
}

/** Saves a tfjs model the way tfjs-node's file:// handler lays it out. */
async function saveTfjs(model: tf.LayersModel, dir: string, legacy = false): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (a) => {
    const topology = a.modelTopology as { config: { layers: unknown[] } };
    const modelTopology = legacy ? { ...topology, config: topology.config.layers } : topology;
    const json = { modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

/** Saves a neurite model with its file:// handler and loads the files in tfjs. */
async function loadInTfjs(model: { save(url: string): Promise<unknown> }): Promise<tf.LayersModel> {
  const dir = tmp();
  await model.save(`file://${dir}`);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weightData = new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
}

function tfjsModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.rescaling({ scale: 0.5, offset: -0.25, inputShape: [2, 3] }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 8, activation: 'relu' }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.leakyReLU({ alpha: 0.1 }));
  m.add(tf.layers.dense({ units: 5, activation: 'tanh' }));
  m.add(tf.layers.dense({ units: 3 }));
  m.add(tf.layers.activation({ activation: 'softmax' }));
  // Non-trivial batch-norm statistics: moving mean and variance away from 0 and 1.
  const bn = m.layers[4]!;
  const [gamma, beta, mean, variance] = bn.getWeights();
  bn.setWeights([gamma!.add(0.5), beta!.add(-0.2), mean!.add(tf.randomUniform([8], -1, 1, 'float32', 1)), variance!.mul(tf.randomUniform([8], 0.5, 2, 'float32', 2))]);
  return m;
}

function closeTo(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
}

describe('TensorFlow.js interop', () => {
  const input = Array.from({ length: 4 * 6 }, (_, i) => Math.sin(i * 1.3) * 2);

  for (const legacy of [false, true]) {
    test(`a model saved by tfjs loads in neurite and predicts the same (${legacy ? 'legacy bare-array config' : 'modern config'})`, async () => {
      const dir = tmp();
      const tfModel = tfjsModel();
      await saveTfjs(tfModel, dir, legacy);
      const expected = await (tfModel.predict(tf.tensor(input, [4, 2, 3])) as tf.Tensor).data();
      const model = await loadLayersModel(`file://${dir}/model.json`);
      expect(model.layers.map((l) => l.className)).toEqual(['Rescaling', 'Flatten', 'Dense', 'Dropout', 'BatchNormalization', 'LeakyReLU', 'Dense', 'Dense', 'Activation']);
      closeTo((model.predict(tensor(input, [4, 2, 3])) as Tensor).values, expected);
    });
  }

  test('a model saved by neurite loads in tfjs and predicts the same', async () => {
    setSeed(5);
    const model = sequential();
    model.add(layers.rescaling({ scale: 2, offset: -1, inputShape: [4] }));
    model.add(layers.dense({ units: 6, activation: 'relu' }));
    model.add(layers.dropout({ rate: 0.25 }));
    model.add(layers.batchNormalization());
    model.add(layers.leakyReLU({ alpha: 0.2 }));
    model.add(layers.dense({ units: 4, activation: 'hardSigmoid' }));
    model.add(layers.dense({ units: 3, activation: 'softmax' }));
    // Move the batch-norm statistics by training a little.
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = randomNormal([32, 4], 0, 1, { seed: 1 });
    await model.fit(x, tensor(Array.from({ length: 96 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [32, 3]), { epochs: 3, batchSize: 8, verbose: 0 });
    const dir = tmp();
    await model.save(`file://${dir}`);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const weightData = new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer;
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
    const probe = randomNormal([5, 4], 0, 1, { seed: 9 });
    const expected = model.predict(probe).values;
    const got = await (tfModel.predict(tf.tensor(Array.from(probe.values), [5, 4])) as tf.Tensor).data();
    closeTo(got, expected);
  });

  test('an explicit inputLayer is one of a Sequential\'s layers on both sides, through files both ways', async () => {
    // tfjs lists tf.layers.inputLayer in model.layers and writes it first in the file.
    const tfModel = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [3], name: 'pixels' }), tf.layers.dense({ units: 2, activation: 'tanh', name: 'out' })] });
    expect(tfModel.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense']);
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const model = await loadLayersModel(`file://${dir}/model.json`);
    expect(model.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['InputLayer pixels', 'Dense out']);
    const probe = [0.5, -1, 2, 1, 0, -0.25];
    const expected = await (tfModel.predict(tf.tensor(probe, [2, 3])) as tf.Tensor).data();
    closeTo((model.predict(tensor(probe, [2, 3])) as Tensor).values, expected);
    // And back: tfjs reads neurite's file with the InputLayer listed again.
    const again = await loadInTfjs(model);
    expect(again.layers.map((l) => `${l.getClassName()} ${l.name}`)).toEqual(['InputLayer pixels', 'Dense out']);
    closeTo(await (again.predict(tf.tensor(probe, [2, 3])) as tf.Tensor).data(), expected);
  });
});

describe('weight constraints, both ways', () => {
  test('tfjs writes kernelConstraint/biasConstraint/gammaConstraint; neurite reads and applies them, and writes them back as tfjs reads them', async () => {
    const tfModel = tf.sequential({ layers: [
      tf.layers.dense({ units: 3, inputShape: [4], kernelConstraint: tf.constraints.maxNorm({ maxValue: 0.4, axis: 0 }), biasConstraint: tf.constraints.nonNeg() }),
      tf.layers.batchNormalization({ gammaConstraint: tf.constraints.minMaxNorm({ minValue: 0.5, maxValue: 1, rate: 1 }) }),
      tf.layers.dense({ units: 1, kernelConstraint: tf.constraints.unitNorm({ axis: 0 }) }),
    ] });
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const model = await loadLayersModel(`file://${dir}/model.json`);
    const probe = randomNormal([5, 4], 0, 1, { seed: 2 });
    closeTo((model.predict(probe) as Tensor).values, await (tfModel.predict(tf.tensor(Array.from(probe.values), [5, 4])) as tf.Tensor).data());
    // Trained here, each constraint holds after the updates.
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await model.fit(randomNormal([32, 4], 0, 1, { seed: 3 }), randomNormal([32, 1], 2, 1, { seed: 4 }), { epochs: 3, batchSize: 8, verbose: 0 });
    const [k1, b1] = model.layers[0]!.getWeights();
    for (let j = 0; j < 3; j++) expect(Math.hypot(...[0, 1, 2, 3].map((i) => k1!.values[i * 3 + j]!))).toBeLessThanOrEqual(0.4 + 1e-6);
    expect(Array.from(b1!.values).every((v) => v >= 0)).toBe(true);
    const k2 = model.layers[2]!.getWeights()[0]!;
    expect(Math.hypot(...Array.from(k2.values))).toBeCloseTo(1, 5);
    // Saved by neurite: tfjs reads the same constraints back.
    const out = tmp();
    await model.save(`file://${out}`);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const back = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(readFileSync(join(out, 'weights.bin'))).buffer }));
    const cfg = back.layers.map((l) => l.getConfig());
    expect(cfg[0]!.kernelConstraint).toEqual({ className: 'MaxNorm', config: { maxValue: 0.4, axis: 0 } });
    expect(cfg[0]!.biasConstraint).toEqual({ className: 'NonNeg', config: {} });
    expect(cfg[1]!.gammaConstraint).toEqual({ className: 'MinMaxNorm', config: { minValue: 0.5, maxValue: 1, rate: 1, axis: 0 } });
    expect(cfg[2]!.kernelConstraint).toEqual({ className: 'UnitNorm', config: { axis: 0 } });
  });
});

describe('quantized weights (tfjs-examples quantization: tensorflowjs_converter --quantization_bytes 1 and 2)', () => {
  test('a model.json whose weights are stored as uint8 and uint16 with scale and min: neurite and tfjs load it and predict the same', async () => {
    setSeed(8);
    const model = sequential({ layers: [layers.dense({ units: 6, activation: 'relu', inputShape: [4] }), layers.dense({ units: 3 })] });
    const dir = tmp();
    await model.save(`file://${dir}`);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const floats = new Float32Array(new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer);
    // The converter's scheme: q = round((v − min) / scale), scale = (max − min) / (2^bits − 1);
    // the reader computes v ≈ q·scale + min. Kernels as uint8, biases as uint16.
    type Spec = { name: string; shape: number[]; dtype: string; quantization?: { dtype: string; scale: number; min: number } };
    const specs = json.weightsManifest[0].weights as Spec[];
    const parts: Uint8Array[] = [];
    let at = 0;
    for (const spec of specs) {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const v = floats.subarray(at, at + n);
      at += n;
      const bits = spec.name.endsWith('kernel') ? 8 : 16;
      const min = Math.min(...v);
      const scale = (Math.max(...v) - min) / (2 ** bits - 1) || 1;
      const q = (bits === 8 ? new Uint8Array(n) : new Uint16Array(n)).map((_, i) => Math.round((v[i]! - min) / scale));
      spec.quantization = { dtype: bits === 8 ? 'uint8' : 'uint16', scale, min };
      parts.push(new Uint8Array(q.buffer));
    }
    const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    parts.reduce((o, p) => (bytes.set(p, o), o + p.length), 0);
    // As the converter writes it: without neurite's own metadata (its checksum is of the float weights).
    delete json.userDefinedMetadata;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'weights.bin'), bytes);
    const quantized = await loadLayersModel(`file://${dir}/model.json`);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData: bytes.buffer }));
    const probe = randomNormal([5, 4], 0, 1, { seed: 3 });
    const got = (quantized.predict(probe) as Tensor).values;
    closeTo(got, await (tfModel.predict(tf.tensor(Array.from(probe.values), [5, 4])) as tf.Tensor).data());
    // The weights did change: uint8 kernels are off by up to half a step somewhere.
    expect(Array.from(got)).not.toEqual(Array.from((model.predict(probe) as Tensor).values));
    // A quantization this reader does not know is named, not guessed at.
    specs[0]!.quantization!.dtype = 'int4';
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadLayersModel(`file://${dir}/model.json`)).rejects.toThrow(`${join(dir, 'model.json')}: weight "dense/kernel" (weightsManifest[0].weights[0]): unsupported quantization dtype "int4"`);
  });
});

describe('training matches TensorFlow.js', () => {
  test('same initial weights and batch order: the same weights after an epoch of SGD (784-30-30-10 on MNIST)', async () => {
    const { datasets, oneHot, SGD } = await import('../src/index.js');
    const { train } = await datasets.mnist({ trainLimit: 640 });
    setSeed(1);
    const m = sequential({ layers: [layers.dense({ units: 30, activation: 'relu', inputShape: [784] }), layers.dense({ units: 30, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })] });
    m.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
    const t = tf.sequential({ layers: [tf.layers.dense({ units: 30, activation: 'relu', inputShape: [784] }), tf.layers.dense({ units: 30, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    t.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    t.setWeights(m.getWeights().map((w) => tf.tensor(Array.from(w.values), [...w.shape])));
    const y = oneHot(train.labels, 10);
    const h1 = await m.fit(train.images, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    const h2 = await t.fit(tf.tensor(Array.from(train.images.values), [640, 784]), tf.tensor(Array.from(y.values), [640, 10]), { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    expect(h1.history.loss![0]).toBeCloseTo(h2.history.loss![0] as number, 5);
    const ours = m.getWeights().flatMap((w) => Array.from(w.values));
    const theirs = (await Promise.all(t.getWeights().map((w) => w.data()))).flatMap((d) => Array.from(d));
    closeTo(ours, theirs, 1e-6);
  });

  test.each(['lstm', 'gru'] as const)('%s with tfjs\'s defaults (hardSigmoid gates; the GRU resetting before its product), through neurite\'s fused cells: the same weights after 4 SGD steps', async (kind) => {
    const { SGD } = await import('../src/index.js');
    // Inputs of scale ~2 put many gates past the hard sigmoid's edges (|z| > 2.5), where its slope is 0.
    const x = Array.from({ length: 16 * 6 * 3 }, (_, i) => 2.5 * Math.sin(i * 0.61 + 0.3));
    const y = Array.from({ length: 16 }, (_, i) => Math.cos(i));
    setSeed(5);
    const m = sequential({ layers: [layers[kind]({ units: 4, inputShape: [6, 3] }), layers.dense({ units: 1 })] });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const t = tf.sequential({ layers: [tf.layers[kind]({ units: 4, inputShape: [6, 3] }), tf.layers.dense({ units: 1 })] });
    t.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    t.setWeights(m.getWeights().map((w) => tf.tensor(Array.from(w.values), [...w.shape])));
    const h1 = await m.fit(tensor(x, [16, 6, 3]), tensor(y, [16, 1]), { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    const h2 = await t.fit(tf.tensor(x, [16, 6, 3]), tf.tensor(y, [16, 1]), { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    expect(h1.params!.path).toBe('compiled');
    expect(h1.history.loss![0]).toBeCloseTo(h2.history.loss![0] as number, 5);
    const ours = m.getWeights().flatMap((w) => Array.from(w.values));
    const theirs = (await Promise.all(t.getWeights().map((w) => w.data()))).flatMap((d) => Array.from(d));
    closeTo(ours, theirs, 1e-5);
  });
});

describe('TensorFlow.js interop: stateful recurrent layers', () => {
  test('a stateful LSTM and GRU: tfjs and neurite carry the state from one predict to the next alike', async () => {
    const tfModel = tf.sequential({ layers: [
      tf.layers.lstm({ units: 4, stateful: true, returnSequences: true, batchInputShape: [2, 3, 2], biasInitializer: 'randomNormal' }),
      tf.layers.gru({ units: 3, stateful: true }),
      tf.layers.dense({ units: 1 }),
    ] });
    // Fixed weights (tfjs's initializers draw from an unseeded generator), so the
    // figures below are the same on every run.
    tfModel.setWeights(tfModel.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => 0.6 * Math.sin(1.3 * i + 0.7 * k + 0.2)), w.shape)));
    const parts = [0, 1, 2].map((p) => Array.from({ length: 12 }, (_, i) => Math.sin(0.5 * (i + 12 * p))));
    const expected: Float32Array[] = [];
    for (const p of parts) expected.push((await (tfModel.predict(tf.tensor(p, [2, 3, 2])) as tf.Tensor).data()) as Float32Array);
    // tfjs's own resetStates: the first part again gives the first answer
    tfModel.resetStates();
    closeTo(await (tfModel.predict(tf.tensor(parts[0]!, [2, 3, 2])) as tf.Tensor).data(), expected[0]!);
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const model = await loadLayersModel(`file://${dir}/model.json`);
    parts.forEach((p, i) => closeTo((model.predict(tensor(p, [2, 3, 2])) as Tensor).values, expected[i]!));
    model.resetStates();
    closeTo((model.predict(tensor(parts[0]!, [2, 3, 2])) as Tensor).values, expected[0]!);
    // The states carry: the second part from fresh states answers differently
    // from the second part after the first
    model.resetStates();
    const fresh = (model.predict(tensor(parts[1]!, [2, 3, 2])) as Tensor).values;
    const moved = Math.max(...Array.from(expected[1]!, (v, i) => Math.abs(v - fresh[i]!)));
    expect(moved).toBeGreaterThan(1e-2);
  });
});

describe('TensorFlow.js interop: convolution, pooling and reshaping layers', () => {
  /** Models built in tfjs, each with weights drawn by tfjs: [name, input shape, builder]. */
  const MODELS: Array<[string, number[], () => tf.Sequential]> = [
    ['images', [9, 8, 3], () => tf.sequential({ layers: [
      tf.layers.zeroPadding2d({ padding: [[1, 0], [2, 1]], inputShape: [9, 8, 3] }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', biasInitializer: 'randomNormal' }),
      tf.layers.separableConv2d({ filters: 5, kernelSize: 2, activation: 'tanh', biasInitializer: 'randomNormal' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.upSampling2d({ size: [2, 1] }),
      tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, biasInitializer: 'randomNormal' }),
      tf.layers.cropping2D({ cropping: [[1, 2], [0, 1]] }),
      tf.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }),
      tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tf.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, padding: 'same', activation: 'sigmoid' }),
      tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 3 }),
    ] })],
    ['channels first', [3, 7, 6], () => tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: [3, 2], dataFormat: 'channelsFirst', inputShape: [3, 7, 6], biasInitializer: 'randomNormal' }),
      tf.layers.maxPooling2d({ poolSize: 2, dataFormat: 'channelsFirst' }),
      // (no upSampling2d here: tfjs 4.22's, with channelsFirst, outputs shape [n, c, NaN, NaN] in either interpolation)
      tf.layers.globalMaxPooling2d({ dataFormat: 'channelsFirst' }),
    ] })],
    ['volumes', [4, 5, 6, 2], () => tf.sequential({ layers: [
      tf.layers.conv3d({ filters: 3, kernelSize: [2, 3, 3], strides: [1, 2, 1], padding: 'same', activation: 'relu', inputShape: [4, 5, 6, 2], biasInitializer: 'randomNormal' }),
      tf.layers.maxPooling3d({ poolSize: [2, 2, 2], strides: 1 }),
      tf.layers.conv3d({ filters: 2, kernelSize: 2, dilationRate: [1, 1, 2], biasInitializer: 'randomNormal' }),
      tf.layers.conv3dTranspose({ filters: 3, kernelSize: 3, strides: 2, biasInitializer: 'randomNormal' }),
      tf.layers.averagePooling3d({ poolSize: 3, strides: 2, padding: 'same' }),
      tf.layers.conv3dTranspose({ filters: 2, kernelSize: 2, strides: [2, 1, 2], padding: 'same' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3 }),
    ] })],
    ['convolutional LSTMs', [3, 6, 5, 2], () => tf.sequential({ layers: [
      tf.layers.convLstm2d({ filters: 3, kernelSize: 3, padding: 'same', returnSequences: true, inputShape: [3, 6, 5, 2], biasInitializer: 'randomNormal' }),
      tf.layers.convLstm2d({ filters: 2, kernelSize: [2, 3], strides: [2, 1], dilationRate: 1, goBackwards: true, recurrentActivation: 'sigmoid', unitForgetBias: true }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2 }),
    ] })],
    ['dilated convolutional recurrence, channels first (untrained: tfjs has no dilated gradient)', [2, 2, 7, 6], () => tf.sequential({ layers: [
      tf.layers.convLstm2d({ filters: 2, kernelSize: 2, dilationRate: 2, dataFormat: 'channelsFirst', returnSequences: true, inputShape: [2, 2, 7, 6], biasInitializer: 'randomNormal' }),
      tf.layers.reshape({ targetShape: [2 * 2 * 5 * 4] }),
      tf.layers.dense({ units: 2 }),
    ] })],
    ['sequences', [10, 3], () => tf.sequential({ layers: [
      tf.layers.conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, activation: 'relu', inputShape: [10, 3], biasInitializer: 'randomNormal' }),
      tf.layers.maxPooling1d({ poolSize: 2 }),
      tf.layers.conv1d({ filters: 6, kernelSize: 2, strides: 2, padding: 'same' }),
      tf.layers.averagePooling1d({ poolSize: 2, strides: 1, padding: 'same' }),
      tf.layers.permute({ dims: [2, 1] }),
      tf.layers.reshape({ targetShape: [3, 4] }),
      tf.layers.globalMaxPooling1d({}),
      tf.layers.repeatVector({ n: 2 }),
      tf.layers.globalAveragePooling1d({}),
      tf.layers.dense({ units: 2 }),
    ] })],
  ];

  MODELS.push(
    ['embedding and LSTM', [6], () => tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 6 }),
      tf.layers.lstm({ units: 5, returnSequences: true, biasInitializer: 'randomNormal', unitForgetBias: true }),
      tf.layers.lstm({ units: 3, goBackwards: true, recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: 2 }),
    ] })],
    ['activation layers', [6], () => tf.sequential({ layers: [
      tf.layers.dense({ units: 5, inputShape: [6], biasInitializer: 'randomNormal' }),
      tf.layers.elu({}), // tfjs refuses an alpha other than 1 (NotImplementedError); ours takes any
      tf.layers.dense({ units: 4, biasInitializer: 'randomNormal' }),
      tf.layers.reLU({ maxValue: 0.4 }),
      tf.layers.dense({ units: 3, biasInitializer: 'randomNormal' }),
      tf.layers.softmax({ axis: -1 }),
    ] })],
    ['normalization, PReLU and noise layers', [6], () => tf.sequential({ layers: [
      tf.layers.dense({ units: 5, inputShape: [6], biasInitializer: 'randomNormal' }),
      tf.layers.layerNormalization({ epsilon: 0.01, gammaInitializer: 'randomNormal', betaInitializer: 'randomNormal' }),
      tf.layers.prelu({ alphaInitializer: 'randomNormal' }),
      tf.layers.gaussianNoise({ stddev: 0.3 }),
      tf.layers.dense({ units: 8, biasInitializer: 'randomNormal' }),
      tf.layers.thresholdedReLU({ theta: 0.2 }),
      tf.layers.gaussianDropout({ rate: 0.2 }),
      tf.layers.alphaDropout({ rate: 0.1 }),
      tf.layers.reshape({ targetShape: [4, 2] }),
      tf.layers.spatialDropout1d({ rate: 0.3 }),
      tf.layers.layerNormalization({ axis: [1, 2], center: false }),
      tf.layers.prelu({ sharedAxes: [1], alphaInitializer: 'randomUniform' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2 }),
    ] })],
    ['embedding with maskZero, masked LSTM and GRU', [6], () => tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 6, maskZero: true }),
      tf.layers.lstm({ units: 5, returnSequences: true, biasInitializer: 'randomNormal' }),
      tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true }) as never, mergeMode: 'sum' }),
      tf.layers.gru({ units: 3, goBackwards: true }),
      tf.layers.dense({ units: 2 }),
    ] })],
    ['masking layer and SimpleRNN', [5, 3], () => tf.sequential({ layers: [
      tf.layers.masking({ maskValue: 0, inputShape: [5, 3] }),
      tf.layers.simpleRNN({ units: 4, returnSequences: true, biasInitializer: 'randomNormal' }),
      tf.layers.lstm({ units: 2 }),
    ] })],
    // (tfjs 4.22 overwrites a CategoryEncoding's input shape with numTokens, so in a model it works only where they are equal)
    ['category encoding', [4], () => tf.sequential({ layers: [
      tf.layers.categoryEncoding({ numTokens: 4, outputMode: 'count', inputShape: [4] }),
      tf.layers.dense({ units: 3, biasInitializer: 'randomNormal' }),
    ] })],
    ['IRNN (a SimpleRNN from an identity recurrent kernel)', [5, 3], () => tf.sequential({ layers: [
      tf.layers.simpleRNN({ units: 4, activation: 'relu', recurrentInitializer: tf.initializers.identity({ gain: 0.9 }), kernelInitializer: 'randomNormal', inputShape: [5, 3] }),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.identity({ gain: 1 }) as never }),
    ] })],
    ['GRU and SimpleRNN', [5, 3], () => tf.sequential({ layers: [
      tf.layers.gru({ units: 4, returnSequences: true, inputShape: [5, 3], biasInitializer: 'randomNormal' }),
      tf.layers.simpleRNN({ units: 3, returnSequences: true, activation: 'relu', biasInitializer: 'randomNormal' }),
      tf.layers.gru({ units: 2, goBackwards: true, recurrentActivation: 'sigmoid' }),
    ] })],
  );

  for (const [name, shape, build] of MODELS) {
    test(`${name}: tfjs → neurite predicts the same, and neurite → tfjs again`, async () => {
      const tfModel = build();
      const size = shape.reduce((p, d) => p * d, 1);
      // Ids in [0, 11) for the embedding model; smooth values otherwise.
      // (for the Masking model every third step of every sample is all zeros: padding)
      const input = Array.from({ length: 3 * size }, (_, i) => (name.startsWith('embedding') ? (i * 7) % 11 : name.startsWith('category') ? (i * 3) % 4 : name.startsWith('masking') && Math.floor(i / 3) % 3 === 1 ? 0 : Math.sin(i * 0.37) * 2));
      // The recurrent models are trained a little by tfjs first, so their weights are tfjs's own
      // updates, not only its initializers (tfjs cannot train the dilated convolutions above).
      const xs = tf.tensor(input, [3, ...shape]);
      if (name.includes('LSTM') || name.includes('GRU') || name.includes('SimpleRNN')) {
        tfModel.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
        await tfModel.fit(xs, tf.onesLike(tfModel.predict(xs) as tf.Tensor), { epochs: 3, verbose: 0 });
      }
      const expected = await (tfModel.predict(xs) as tf.Tensor).data();
      const dir = tmp();
      await saveTfjs(tfModel, dir);
      const model = await loadLayersModel(`file://${dir}/model.json`);
      expect(model.layers.map((l) => l.className)).toEqual(tfModel.layers.map((l) => l.getClassName()));
      closeTo((model.predict(tensor(input, [3, ...shape])) as Tensor).values, expected);
      const back = tmp();
      await model.save(`file://${back}`);
      const json = JSON.parse(readFileSync(join(back, 'model.json'), 'utf8'));
      const weightData = new Uint8Array(readFileSync(join(back, 'weights.bin'))).buffer;
      const again = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
      closeTo(await (again.predict(tf.tensor(input, [3, ...shape])) as tf.Tensor).data(), expected);
    });
  }
});

describe('image preprocessing layers in files, both ways (tfjs 4.22 computes them only outside models)', () => {
  // tfjs's Resizing gives an output shape without the batch axis and its CenterCrop overwrites
  // its input's shape, so tfjs cannot predict with a model holding one: its layer is applied alone.
  const x = Array.from({ length: 2 * 7 * 6 * 2 }, (_, i) => Math.sin(i * 0.37) * 2);
  const CASES: Array<[string, Record<string, unknown>]> = [
    ['Resizing', { height: 4, width: 9 }],
    ['Resizing', { height: 3, width: 2, interpolation: 'nearest', cropToAspectRatio: true }],
    ['CenterCrop', { height: 5, width: 3 }],
    ['CenterCrop', { height: 9, width: 4 }],
  ];
  const make = { Resizing: [tf.layers.resizing, ntLayers.resizing], CenterCrop: [tf.layers.centerCrop, ntLayers.centerCrop] } as const;
  for (const [cls, config] of CASES) {
    const [tfMake, ntMake] = make[cls as keyof typeof make];
    test(`${cls} ${JSON.stringify(config)}: neurite → tfjs and tfjs → neurite give tfjs's values`, async () => {
      const expected = await ((tfMake as (c: unknown) => tf.layers.Layer)(config).apply(tf.tensor(x, [2, 7, 6, 2])) as tf.Tensor).data();
      const m = sequential({ layers: [(ntMake as (c: unknown) => ReturnType<typeof ntLayers.resizing>)({ ...config, inputShape: [7, 6, 2] })] });
      closeTo((m.predict(tensor(x, [2, 7, 6, 2])) as Tensor).values, expected);
      const inTfjs = await loadInTfjs(m);
      expect(inTfjs.layers.map((l) => l.getClassName())).toEqual([cls]);
      closeTo(await (inTfjs.layers[0]!.apply(tf.tensor(x, [2, 7, 6, 2])) as tf.Tensor).data(), expected);
      const tfModel = tf.sequential({ layers: [tf.layers.reshape({ targetShape: [7, 6, 2], inputShape: [84] }), (tfMake as (c: unknown) => tf.layers.Layer)(config)] });
      const dir = tmp();
      await saveTfjs(tfModel, dir);
      const loaded = await loadLayersModel(`file://${dir}/model.json`);
      expect(loaded.layers.map((l) => l.className)).toEqual(['Reshape', cls]);
      closeTo((loaded.predict(tensor(x, [2, 84])) as Tensor).values, expected);
    });
  }
});

describe('functional models with two inputs and two outputs, both ways', () => {
  const N = 12;
  const xa = Array.from({ length: N * 4 }, (_, i) => Math.sin(i * 0.61));
  const xb = Array.from({ length: N * 3 }, (_, i) => Math.cos(i * 0.43));
  const yc = Array.from({ length: N * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
  const yr = Array.from({ length: N }, (_, i) => Math.sin(i));

  /**
   * a [4] and b [3] → a shared Dense(5) on a and on Dense(4)(b) → concatenate → Dense(6) →
   * 'cls' softmax(3); multiply/average/maximum/minimum/add/dot of the two branches → 'reg' (1).
   * (tfjs has no Subtract layer, so it is not here.)
   * `L` is tfjs's layers or neurite's, `input` their input function.
   */
  function build<S>(L: Record<string, (c?: never) => { apply(x: never): unknown }>, input: (c: { shape: number[]; name: string }) => S): { inputs: S[]; outputs: S[] } {
    const ap = <T>(layer: { apply(x: never): unknown }, x: T): S => layer.apply(x as never) as S;
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const shared = L.dense!({ units: 5, activation: 'tanh', name: 'shared' } as never);
    const sa = ap(shared, a);
    const sb = ap(shared, ap(L.dense!({ units: 4, name: 'proj' } as never), b));
    const h = ap(L.dense!({ units: 6, activation: 'relu', name: 'h' } as never), ap(L.concatenate!({ name: 'cat' } as never), [sa, sb]));
    const cls = ap(L.dense!({ units: 3, activation: 'softmax', name: 'cls' } as never), h);
    const m = ap(L.multiply!({ name: 'mul' } as never), [sa, sb]);
    const av = ap(L.average!({ name: 'avg' } as never), [sa, sb]);
    const both = ap(L.add!({ name: 'maxmin' } as never), [ap(L.maximum!({ name: 'max' } as never), [m, av]), ap(L.minimum!({ name: 'min' } as never), [m, av])]);
    const d = ap(L.dot!({ axes: 1, normalize: true, name: 'dot' } as never), [sa, sb]);
    const reg = ap(L.dense!({ units: 1, name: 'reg' } as never), ap(L.concatenate!({ name: 'cat2' } as never), [ap(L.add!({ name: 'add' } as never), [both, m]), d]));
    return { inputs: [a, b], outputs: [cls, reg] };
  }

  async function tfjsPredict(model: tf.LayersModel): Promise<Float32Array[]> {
    const out = model.predict([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])]) as tf.Tensor[];
    return Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  }

  function neuritePredict(model: { predict(x: Tensor[]): Tensor | Tensor[] }): ArrayLike<number>[] {
    return (model.predict([tensor(xa, [N, 4]), tensor(xb, [N, 3])]) as Tensor[]).map((t) => t.values);
  }

  async function intoTfjs(dir: string): Promise<tf.LayersModel> {
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const weightData = new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer;
    return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
  }

  test('trained by tfjs → neurite predicts the same (within 1e-5), and neurite → tfjs again', async () => {
    const g = build(tf.layers as never, tf.input);
    const tfModel = tf.model({ inputs: g.inputs, outputs: g.outputs, name: 'two_by_two' });
    tfModel.compile({ optimizer: tf.train.adam(0.05), loss: ['categoricalCrossentropy', 'meanSquaredError'] });
    await tfModel.fit([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])], [tf.tensor(yc, [N, 3]), tf.tensor(yr, [N, 1])], { epochs: 3, verbose: 0 });
    const expected = await tfjsPredict(tfModel);
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const model = await loadLayersModel(`file://${dir}/model.json`);
    expect(model.constructor.name).toBe('Functional');
    expect(model.layers.map((l) => l.name)).toEqual(tfModel.layers.map((l) => l.name));
    neuritePredict(model).forEach((v, i) => closeTo(v, expected[i]!));
    const back = tmp();
    await model.save(`file://${back}`);
    const again = await intoTfjs(back);
    (await tfjsPredict(again)).forEach((v, i) => closeTo(v, expected[i]!));
  });

  test('trained by neurite → tfjs predicts the same, and back', async () => {
    setSeed(11);
    const g = build(layers as never, input);
    const model = functionalModel({ inputs: g.inputs, outputs: g.outputs, name: 'two_by_two' });
    model.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'mse'] });
    const h = await model.fit([tensor(xa, [N, 4]), tensor(xb, [N, 3])], [tensor(yc, [N, 3]), tensor(yr, [N, 1])], { epochs: 5, batchSize: 4, verbose: 0 });
    expect(h.params!.path).toBe('compiled');
    const expected = neuritePredict(model);
    const dir = tmp();
    await model.save(`file://${dir}`);
    const tfModel = await intoTfjs(dir);
    expect(tfModel.outputNames).toEqual(['cls', 'reg']);
    (await tfjsPredict(tfModel)).forEach((v, i) => closeTo(v, expected[i]!));
    const back = tmp();
    await saveTfjs(tfModel, back);
    const again = await loadLayersModel(`file://${back}/model.json`);
    neuritePredict(again).forEach((v, i) => closeTo(v, expected[i]!));
  });

  test('saved with its training state: tfjs reads the losses, metrics and optimizer and trains on; neurite resumes it', async () => {
    setSeed(12);
    const g = build(layers as never, input);
    const model = functionalModel({ inputs: g.inputs, outputs: g.outputs, name: 'two_by_two' });
    model.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'mse'], metrics: { cls: ['accuracy'], reg: ['mae'] } });
    const xs = [tensor(xa, [N, 4]), tensor(xb, [N, 3])];
    const ys = [tensor(yc, [N, 3]), tensor(yr, [N, 1])];
    await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
    const dir = tmp();
    await model.save(`file://${dir}`, { includeOptimizer: true });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const weightData = new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer;
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData, trainingConfig: json.trainingConfig }));
    expect(tfModel.loss).toEqual(['categoricalCrossentropy', 'meanSquaredError']);
    expect(tfModel.optimizer.getClassName()).toBe('Adam');
    // tfjs evaluates the same losses and metrics on the same weights: total, per output, acc, mae.
    const tfScores = await Promise.all((tfModel.evaluate([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])], [tf.tensor(yc, [N, 3]), tf.tensor(yr, [N, 1])]) as tf.Scalar[]).map(async (t) => (await t.data())[0]!));
    expect(tfModel.metricsNames).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_acc', 'reg_mae']);
    const ours = model.evaluate(xs, ys) as Tensor[];
    // tfjs 4's evaluate of a model with several outputs leads with one value more than its
    // metricsNames lists (the first output's loss again); the five named ones are the last five.
    expect(tfScores.length).toBe(6);
    closeTo(tfScores.slice(1), ours.map((t) => t.item()));
    const h = await tfModel.fit([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])], [tf.tensor(yc, [N, 3]), tf.tensor(yr, [N, 1])], { epochs: 1, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['cls_acc', 'cls_loss', 'loss', 'reg_loss', 'reg_mae']);
    const resumed = await loadLayersModel(`file://${dir}`);
    expect(resumed.optimizer.iterations).toBe(6);
    const h2 = await resumed.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
    // neurite lists Keras's spelling, with tfjs's as an alias of the same figures.
    expect(Object.keys(h2.history).sort()).toEqual(['cls_accuracy', 'cls_loss', 'loss', 'reg_loss', 'reg_mae']);
    expect(h2.history.cls_acc).toEqual(h2.history.cls_accuracy);
  });
});

describe('custom layers registered on both sides', () => {
  // The same layer, written once against each library's Layer base: y = x·w·alpha, w one per feature.
  function scaled<B extends abstract new (config?: never) => object>(Base: B, init: () => unknown) {
    abstract class Scaled extends (Base as unknown as new (config?: unknown) => {
      addWeight(...a: unknown[]): { read(): unknown }; getConfig(): Record<string, unknown>;
    }) {
      static className = 'Scaled';
      alpha: number;
      w: { read(): unknown } | null = null;
      constructor(config: { alpha?: number } = {}) {
        super(config);
        this.alpha = config.alpha ?? 1;
      }
      build(shape: number[]): void {
        this.w = this.addWeight('w', [shape[shape.length - 1]!], 'float32', init());
      }
      computeOutputShape(shape: number[]): number[] {
        return shape;
      }
      override getConfig(): Record<string, unknown> {
        return { ...super.getConfig(), alpha: this.alpha };
      }
    }
    return Scaled;
  }
  const TfScaled = class extends scaled(tf.layers.Layer as never, () => tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5 })) {
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const t = Array.isArray(x) ? x[0]! : x;
      return tf.mul(tf.mul(t, this.w!.read() as tf.Tensor), this.alpha);
    }
  };
  const NtScaled = class extends scaled(ntLayers.Layer as never, () => initializers.randomUniform({ minval: 0.5, maxval: 1.5 })) {
    call(x: Tensor | Tensor[]): Tensor {
      const t = Array.isArray(x) ? x[0]! : x;
      return (t.mul(this.w!.read() as Tensor)).mul(this.alpha);
    }
  };
  tf.serialization.registerClass(TfScaled as never);
  serialization.registerClass(NtScaled as never);
  const input = Array.from({ length: 4 * 3 }, (_, i) => Math.cos(i * 0.7));

  test('tfjs → neurite and neurite → tfjs predict the same, config and weights carried', async () => {
    const tfModel = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3], activation: 'tanh' }), new TfScaled({ alpha: 2.5 }) as never, tf.layers.dense({ units: 2 })] });
    const expected = await (tfModel.predict(tf.tensor(input, [4, 3])) as tf.Tensor).data();
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const model = await loadLayersModel(`file://${dir}/model.json`);
    expect(model.layers[1]!.className).toBe('Scaled');
    expect((model.layers[1] as unknown as { alpha: number }).alpha).toBe(2.5);
    closeTo((model.predict(tensor(input, [4, 3])) as Tensor).values, expected);
    const back = tmp();
    await model.save(`file://${back}`);
    const json = JSON.parse(readFileSync(join(back, 'model.json'), 'utf8'));
    expect(json.modelTopology.config.layers[1].class_name).toBe('Scaled');
    expect(json.modelTopology.config.layers[1].config.alpha).toBe(2.5);
    const weightData = new Uint8Array(readFileSync(join(back, 'weights.bin'))).buffer;
    const again = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
    closeTo(await (again.predict(tf.tensor(input, [4, 3])) as tf.Tensor).data(), expected);
  });
});

describe('models nested in models, both ways', () => {
  const N = 5;
  const x = Array.from({ length: N * 6 }, (_, i) => Math.sin(i * 0.53));

  test('tfjs → neurite: an autoencoder of an encoder and a decoder model, and a Sequential holding a model', async () => {
    const xi = tf.input({ shape: [6] });
    const eh = tf.layers.dense({ units: 4, activation: 'tanh' }).apply(xi) as tf.SymbolicTensor;
    const encoder = tf.model({ inputs: xi, outputs: [tf.layers.dense({ units: 2 }).apply(eh) as tf.SymbolicTensor, tf.layers.dense({ units: 2 }).apply(eh) as tf.SymbolicTensor], name: 'encoder' });
    const zi = tf.input({ shape: [2] });
    const decoder = tf.model({ inputs: zi, outputs: tf.layers.dense({ units: 6 }).apply(tf.layers.dense({ units: 4, activation: 'relu' }).apply(zi)) as tf.SymbolicTensor, name: 'decoder' });
    const inp = tf.input({ shape: [6] });
    const [mean] = encoder.apply(inp) as tf.SymbolicTensor[];
    const ae = tf.model({ inputs: inp, outputs: decoder.apply(mean!) as tf.SymbolicTensor, name: 'ae' });
    ae.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    await ae.fit(tf.tensor(x, [N, 6]), tf.tensor(x, [N, 6]), { epochs: 3, verbose: 0 });
    const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [6], activation: 'relu' })], name: 'base' });
    const stacked = tf.sequential({ layers: [base, tf.layers.dense({ units: 2 })] });
    for (const m of [ae, stacked] as tf.LayersModel[]) {
      const expected = await (m.predict(tf.tensor(x, [N, 6])) as tf.Tensor).data();
      const dir = tmp();
      await saveTfjs(m, dir);
      const loaded = await loadLayersModel(`file://${dir}/model.json`);
      closeTo((loaded.predict(tensor(x, [N, 6])) as Tensor).values, expected);
      // And back to tfjs.
      const back = tmp();
      await loaded.save(`file://${back}`);
      const json = JSON.parse(readFileSync(join(back, 'model.json'), 'utf8'));
      const weightData = new Uint8Array(readFileSync(join(back, 'weights.bin'))).buffer;
      const again = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
      closeTo(await (again.predict(tf.tensor(x, [N, 6])) as tf.Tensor).data(), expected);
    }
  });
});

describe('attention over masked sequences (tfjs-examples date-conversion-attention)', () => {
  test('padded encoder and decoder sequences, dot-product attention between them: tfjs → neurite predicts the same, and trains', async () => {
    // Masks of two lengths meet at the dot products: tfjs passes the first input's mask and none
    // after a Dot, and a layer that cannot use a mask (Flatten here) drops it.
    const ei = tf.input({ shape: [6], name: 'enc_ids' });
    const di = tf.input({ shape: [5], name: 'dec_ids' });
    // (No initial state from the encoder here: tfjs 4's executor then fails on a masked graph.)
    const encSeq = tf.layers.lstm({ units: 5, returnSequences: true, name: 'enc' }).apply(tf.layers.embedding({ inputDim: 9, outputDim: 4, maskZero: true, name: 'enc_emb' }).apply(ei)) as tf.SymbolicTensor;
    const decSeq = tf.layers.lstm({ units: 5, returnSequences: true, name: 'dec' }).apply(tf.layers.embedding({ inputDim: 7, outputDim: 4, maskZero: true, name: 'dec_emb' }).apply(di)) as tf.SymbolicTensor;
    const attention = tf.layers.activation({ activation: 'softmax', name: 'attention' }).apply(tf.layers.dot({ axes: [2, 2], name: 'scores' }).apply([decSeq, encSeq])) as tf.SymbolicTensor;
    const context = tf.layers.dot({ axes: [2, 1], name: 'context' }).apply([attention, encSeq]) as tf.SymbolicTensor;
    const out = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 7, activation: 'softmax' }), name: 'out' }).apply(tf.layers.concatenate({ name: 'cat' }).apply([context, decSeq])) as tf.SymbolicTensor;
    const flat = tf.layers.dense({ units: 1, name: 'flat_out' }).apply(tf.layers.flatten({ name: 'flat' }).apply(tf.layers.embedding({ inputDim: 9, outputDim: 2, maskZero: true, name: 'side_emb' }).apply(ei))) as tf.SymbolicTensor;
    const tfModel = tf.model({ inputs: [ei, di], outputs: [out, flat], name: 'dates' });
    // Ids with padding (0) at the ends, and one decoder sequence all padding after its start.
    const enc = [[3, 1, 4, 1, 0, 0], [2, 7, 1, 8, 2, 8], [5, 0, 0, 0, 0, 0]];
    const dec = [[1, 2, 3, 0, 0], [1, 6, 5, 4, 3], [1, 0, 0, 0, 0]];
    const expected = await Promise.all((tfModel.predict([tf.tensor(enc), tf.tensor(dec)]) as tf.Tensor[]).map((t) => t.data()));
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const model = await loadLayersModel(`file://${dir}/model.json`);
    const warn = console.warn;
    console.warn = () => {};
    try {
      const got = model.predict([tensor(enc), tensor(dec)]) as Tensor[];
      got.forEach((t, i) => closeTo(t.values, expected[i]!));
      model.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'mse'] });
      const y = tensor(dec.flatMap((row) => row.map((id) => Array.from({ length: 7 }, (_, k) => (k === id ? 1 : 0)))), [3, 5, 7]);
      const hist = await model.fit([tensor(enc), tensor(dec)], [y, tensor([[1], [0], [1]])], { epochs: 3, verbose: 0 });
      expect(hist.params!.path).toBe('compiled');
      expect(hist.history.loss.at(-1)!).toBeLessThan(hist.history.loss[0]!);
    } finally {
      console.warn = warn;
    }
  });
});

describe('recurrent states in graphs (tfjs-examples translation)', () => {
  test('an encoder LSTM returns its state, a decoder LSTM starts from it: tfjs → neurite → tfjs, and it trains here', async () => {
    const enc = tf.input({ shape: [4, 3] });
    const [, h, c] = tf.layers.lstm({ units: 5, returnState: true, name: 'encoder_lstm' }).apply(enc) as tf.SymbolicTensor[];
    const dec = tf.input({ shape: [6, 2] });
    const decLstm = tf.layers.lstm({ units: 5, returnSequences: true, returnState: true, name: 'decoder_lstm' });
    const [seq] = decLstm.apply(dec, { initialState: [h!, c!] }) as tf.SymbolicTensor[];
    const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'next_char' }).apply(seq!) as tf.SymbolicTensor;
    const tfModel = tf.model({ inputs: [enc, dec], outputs: out });
    const xe = Array.from({ length: 4 * 4 * 3 }, (_, i) => Math.sin(i * 0.41));
    const xd = Array.from({ length: 4 * 6 * 2 }, (_, i) => Math.cos(i * 0.29));
    tfModel.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const yt = tf.oneHot(tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % 3), 'int32'), 3).reshape([4, 6, 3]);
    await tfModel.fit([tf.tensor(xe, [4, 4, 3]), tf.tensor(xd, [4, 6, 2])], yt, { epochs: 2, verbose: 0 });
    const expected = await (tfModel.predict([tf.tensor(xe, [4, 4, 3]), tf.tensor(xd, [4, 6, 2])]) as tf.Tensor).data();
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const model = await loadLayersModel(`file://${dir}/model.json`);
    closeTo((model.predict([tensor(xe, [4, 4, 3]), tensor(xd, [4, 6, 2])]) as Tensor).values, expected);
    const back = tmp();
    await model.save(`file://${back}`);
    const json = JSON.parse(readFileSync(join(back, 'model.json'), 'utf8'));
    const weightData = new Uint8Array(readFileSync(join(back, 'weights.bin'))).buffer;
    const again = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
    closeTo(await (again.predict([tf.tensor(xe, [4, 4, 3]), tf.tensor(xd, [4, 6, 2])]) as tf.Tensor).data(), expected);
    // Trained here: the compiled step, the loss falls.
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const ys = tensor(Array.from(await yt.data()), [4, 6, 3]);
    const hist = await model.fit([tensor(xe, [4, 4, 3]), tensor(xd, [4, 6, 2])], ys, { epochs: 20, verbose: 0 });
    expect(hist.params!.path).toBe('compiled');
    expect(hist.history.loss![19]).toBeLessThan(hist.history.loss![0]!);
  });
});

describe('wrappers (tfjs-examples addition-rnn: repeatVector + timeDistributed; sentiment: bidirectional)', () => {
  test('tfjs → neurite → tfjs: the same predictions, weights under tfjs\'s names', async () => {
    const tfModel = tf.sequential({ layers: [
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) as never, inputShape: [5, 3], mergeMode: 'concat' }) as never,
      tf.layers.repeatVector({ n: 3 }),
      tf.layers.gru({ units: 4, returnSequences: true }),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'softmax' }) }),
    ] });
    const x = Array.from({ length: 3 * 5 * 3 }, (_, i) => Math.sin(i * 0.37));
    tfModel.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 9 }, (_, i) => i % 2), 'int32'), 2).reshape([3, 3, 2]);
    await tfModel.fit(tf.tensor(x, [3, 5, 3]), y, { epochs: 2, verbose: 0 });
    const expected = await (tfModel.predict(tf.tensor(x, [3, 5, 3])) as tf.Tensor).data();
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const model = await loadLayersModel(`file://${dir}/model.json`);
    expect(model.layers.map((l) => l.className)).toEqual(['Bidirectional', 'RepeatVector', 'GRU', 'TimeDistributed']);
    closeTo((model.predict(tensor(x, [3, 5, 3])) as Tensor).values, expected);
    const back = tmp();
    await model.save(`file://${back}`);
    const json = JSON.parse(readFileSync(join(back, 'model.json'), 'utf8'));
    const weightData = new Uint8Array(readFileSync(join(back, 'weights.bin'))).buffer;
    const again = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
    closeTo(await (again.predict(tf.tensor(x, [3, 5, 3])) as tf.Tensor).data(), expected);
  });
});

describe('tf.layers.rnn over cells (one cell, stacked cells) in files, both ways', () => {
  const cases: Array<[string, () => tf.layers.Layer]> = [
    ['one LSTM cell, returning its sequence', () => tf.layers.rnn({ cell: tf.layers.lstmCell({ units: 3 }), returnSequences: true, inputShape: [5, 2] })],
    ['a GRU cell stacked on a simpleRNN cell, read from the end', () => tf.layers.rnn({ cell: [tf.layers.gruCell({ units: 2 }), tf.layers.simpleRNNCell({ units: 4, activation: 'relu' })], goBackwards: true, inputShape: [5, 2] })],
    ['stackedRNNCells of two LSTM cells', () => tf.layers.rnn({ cell: tf.layers.stackedRNNCells({ cells: [tf.layers.lstmCell({ units: 3 }), tf.layers.lstmCell({ units: 2, recurrentActivation: 'sigmoid' })] }), inputShape: [5, 2] })],
  ];
  for (const [what, make] of cases) {
    test(`${what}: tfjs → neurite predicts the same, weights under tfjs's names, and neurite → tfjs again`, async () => {
      const tfModel = tf.sequential({ layers: [make(), tf.layers.dense({ units: 1 })] });
      const x = Array.from({ length: 3 * 5 * 2 }, (_, i) => Math.cos(i * 0.41));
      const expected = await (tfModel.predict(tf.tensor(x, [3, 5, 2])) as tf.Tensor).data();
      const dir = tmp();
      await saveTfjs(tfModel, dir);
      const model = await loadLayersModel(`file://${dir}/model.json`);
      closeTo((model.predict(tensor(x, [3, 5, 2])) as Tensor).values, expected);
      expect(model.weights.map((w) => w.name)).toEqual(tfModel.weights.map((w) => w.name));
      const again = await loadInTfjs(model);
      closeTo(await (again.predict(tf.tensor(x, [3, 5, 2])) as tf.Tensor).data(), expected);
    });
  }

  test('a file whose copy of the cell beside it disagrees, or a cell class not supported, is refused with what differs', async () => {
    const tfModel = tf.sequential({ layers: [tf.layers.rnn({ cell: tf.layers.lstmCell({ units: 3 }), inputShape: [5, 2] })] });
    const dir = tmp();
    await saveTfjs(tfModel, dir);
    const file = join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const layer = json.modelTopology.config.layers[0];
    layer.config.units = 4;
    writeFileSync(file, JSON.stringify(json));
    await expect(loadLayersModel(`file://${file}`)).rejects.toThrow(`${file}: layer 0 (RNN): 'units' 4 differs from the cell's 3`);
    layer.config.units = 3;
    layer.config.cell.class_name = 'ConvLSTM2DCell';
    writeFileSync(file, JSON.stringify(json));
    await expect(loadLayersModel(`file://${file}`)).rejects.toThrow(`${file}: layer 0 (RNN): cell: cell class 'ConvLSTM2DCell' is not supported (LSTMCell, GRUCell, SimpleRNNCell, or StackedRNNCells of them)`);
    layer.config.cell = { class_name: 'StackedRNNCells', config: { cells: [] } };
    writeFileSync(file, JSON.stringify(json));
    await expect(loadLayersModel(`file://${file}`)).rejects.toThrow(`${file}: layer 0 (RNN): StackedRNNCells: 'cells' must be a non-empty list of cells`);
  });
});
