import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import {
  Adam, callbacks, decodeSafetensors, input, models, model as functionalModel, serialization, encodeSafetensors, layers, loadLayersModel, randomNormal, sequential, setSeed, tensor, oneHot, type Sequential, type Tensor,
} from '../index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-io-'));

function small(): Sequential {
  setSeed(2);
  const m = sequential();
  m.add(layers.dense({ units: 3, activation: 'relu', inputShape: [2] }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  return m;
}

async function saved(): Promise<{ dir: string; json: Record<string, unknown>; weights: Buffer }> {
  const dir = tmp();
  await small().save(`file://${dir}`);
  return { dir, json: JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), weights: readFileSync(join(dir, 'weights.bin')) };
}

function rewrite(dir: string, json: unknown, weights?: Uint8Array): string {
  writeFileSync(join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
  if (weights !== undefined) writeFileSync(join(dir, 'weights.bin'), weights);
  return join(dir, 'model.json');
}

describe('save and load', () => {
  test('round trip: same predictions, same layers and names; files as tfjs lays them out', async () => {
    const m = small();
    const dir = tmp();
    await m.save(`file://${dir}`);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    // 2·3 + 3 + 3·1 + 1 = 13 floats = 52 bytes.
    expect(readFileSync(join(dir, 'weights.bin')).length).toBe(52);
    const back = await loadLayersModel(`file://${dir}/model.json`);
    expect(back.layers.map((l) => l.name)).toEqual(['dense', 'dense_1']);
    const x = randomNormal([4, 2], 0, 1, { seed: 3 });
    expect(Array.from((back.predict(x) as Tensor).values)).toEqual(Array.from(m.predict(x).values));
  });

  test('safetensors weights round trip with the layer weight names', async () => {
    const m = small();
    const file = join(tmp(), 'w.safetensors');
    await m.saveWeights(file);
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(file)));
    expect(tensors.map((t) => t.name)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    expect(metadata.format).toBe('neurite');
    const other = small();
    other.layers[0]!.weights[0]!.assign(new Float32Array(6));
    await other.loadWeights(file);
    expect(other.getWeights().map((w) => Array.from(w.values))).toEqual(m.getWeights().map((w) => Array.from(w.values)));
  });

  test('resuming from a save with the optimizer equals an uninterrupted run (same seed)', async () => {
    const x = randomNormal([48, 2], 0, 1, { seed: 4 });
    const y = oneHot(Array.from({ length: 48 }, (_, i) => (x.values[2 * i]! > 0 ? 1 : 0)), 2);
    const make = (): Sequential => {
      setSeed(8);
      const m = sequential({ layers: [layers.dense({ units: 4, activation: 'tanh', inputShape: [2] }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 2, activation: 'softmax' })] });
      m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    };
    const whole = make();
    await whole.fit(x, y, { epochs: 8, batchSize: 8, verbose: 0 });
    const first = make();
    await first.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
    const dir = tmp();
    await first.save(`file://${dir}`, { includeOptimizer: true });
    setSeed(12345); // disturb the generator: the saved state must be what resumes
    const resumed = await loadLayersModel(`file://${dir}`, { restoreRng: true });
    expect(resumed.optimizer.iterations).toBe(24);
    await resumed.fit(x, y, { epochs: 8, initialEpoch: 4, batchSize: 8, verbose: 0 });
    const a = whole.getWeights().flatMap((w) => Array.from(w.values));
    const b = resumed.getWeights().flatMap((w) => Array.from(w.values));
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-6));
  });

  test('modelCheckpoint saves every epoch, or only the best', async () => {
    const m = small();
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const dir = tmp();
    const every = callbacks.modelCheckpoint(join(dir, 'epoch-{epoch:02d}'));
    const x = tensor([[0, 1], [1, 0]]);
    const y = tensor([[1], [0]]);
    await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: every });
    expect(every.saved).toEqual(['01', '02', '03'].map((e) => join(dir, `epoch-${e}`)));
    expect(existsSync(join(dir, 'epoch-03', 'model.json'))).toBe(true);
    const best = callbacks.modelCheckpoint(join(dir, 'best'), { monitor: 'loss', saveBestOnly: true, includeOptimizer: true });
    await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: best });
    expect(best.saved.length).toBeGreaterThanOrEqual(1);
    expect((await loadLayersModel(join(dir, 'best'))).optimizer.className).toBe('SGD');
  });
});

describe('functional models', () => {
  /** a [3], b [2] → a shared Dense(2) on both → add → 'o1'; concatenate → 'o2'. */
  function graph() {
    setSeed(4);
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const shared = layers.dense({ units: 2, activation: 'tanh', name: 'shared' });
    const sa = shared.apply(a);
    const sb = shared.apply(b);
    return functionalModel({ inputs: [a, b], outputs: [layers.add({ name: 'o1' }).apply([sa, sb]), layers.concatenate({ name: 'o2' }).apply([sa, sb, a])], name: 'g' });
  }

  test('round trip: the file lists inbound nodes as Keras does; the same predictions and weights come back', async () => {
    const m = graph();
    const dir = tmp();
    await m.save(`file://${dir}`);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const t = json.modelTopology;
    expect(t.class_name).toBe('Model');
    expect(t.config.input_layers).toEqual([['a', 0, 0], ['b', 0, 0]]);
    expect(t.config.output_layers).toEqual([['o1', 0, 0], ['o2', 0, 0]]);
    const shared = t.config.layers.find((l: { name: string }) => l.name === 'shared');
    expect(shared.inbound_nodes).toEqual([[['a', 0, 0, {}]], [['b', 0, 0, {}]]]);
    const o2 = t.config.layers.find((l: { name: string }) => l.name === 'o2');
    expect(o2.inbound_nodes).toEqual([[['shared', 0, 0, {}], ['shared', 1, 0, {}], ['a', 0, 0, {}]]]);
    const back = await loadLayersModel(`file://${dir}/model.json`);
    expect(back.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    const xs = [randomNormal([5, 3], 0, 1, { seed: 1 }), randomNormal([5, 3], 0, 1, { seed: 2 })];
    const want = m.predict(xs) as Tensor[];
    (back.predict(xs) as Tensor[]).forEach((p, i) => expect(Array.from(p.values)).toEqual(Array.from(want[i]!.values)));
  });

  test('two outputs with their own losses, weights and metrics: resuming from a save with the optimizer equals an uninterrupted run', async () => {
    const xs = [randomNormal([24, 3], 0, 1, { seed: 5 }), randomNormal([24, 3], 0, 1, { seed: 6 })];
    const ys = [randomNormal([24, 2], 0, 1, { seed: 7 }), randomNormal([24, 7], 0, 1, { seed: 8 })];
    const make = () => {
      const m = graph();
      m.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: ['mse', 'meanAbsoluteError'], lossWeights: { o2: 0.25 }, metrics: { o1: ['mae'], o2: ['mse', 'mae'] } });
      return m;
    };
    const whole = make();
    const h = await whole.fit(xs, ys, { epochs: 6, batchSize: 5, verbose: 0 });
    const first = make();
    await first.fit(xs, ys, { epochs: 3, batchSize: 5, verbose: 0 });
    const dir = tmp();
    await first.save(`file://${dir}`, { includeOptimizer: true });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.userDefinedMetadata.neurite.compile).toEqual({ loss: ['meanSquaredError', 'meanAbsoluteError'], metrics: { o1: ['mae'], o2: ['mse', 'mae'] }, lossWeights: [1, 0.25] });
    // tfjs's loader reads one metric list for all outputs or one name per output, and refuses
    // loss weights: per-output lists and the weights are neurite's record only.
    expect(json.trainingConfig.loss).toEqual(['meanSquaredError', 'meanAbsoluteError']);
    expect(json.trainingConfig.metrics).toBeUndefined();
    setSeed(999); // disturb the generator: the saved state must be what resumes (fit shuffles)
    const resumed = await loadLayersModel(`file://${dir}`, { restoreRng: true });
    expect(resumed.optimizer.iterations).toBe(15);
    const h2 = await resumed.fit(xs, ys, { epochs: 6, initialEpoch: 3, batchSize: 5, verbose: 0 });
    // The same logs under the same names: the loss weights and metrics came back.
    expect(Object.keys(h2.history).sort()).toEqual(Object.keys(h.history).sort());
    expect(Object.keys(h.history)).toContain('o2_mse');
    for (const key of Object.keys(h.history)) expect(Math.abs(h2.history[key]!.at(-1)! - h.history[key]!.at(-1)!), key).toBeLessThan(1e-5);
    const a = whole.getWeights().flatMap((w) => Array.from(w.values));
    const b = resumed.getWeights().flatMap((w) => Array.from(w.values));
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-6));
  });

  test('a saved compile record that does not fit the model is refused by name', async () => {
    const m = graph();
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const dir = tmp();
    await m.save(`file://${dir}`, { includeOptimizer: true });
    const original = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    // Shared metrics for every output go to tfjs's record as one list.
    expect(original.trainingConfig.metrics).toEqual(['mae']);
    const edit = (f: (c: Record<string, unknown>) => void): string => {
      const json = structuredClone(original);
      f(json.userDefinedMetadata.neurite.compile);
      return rewrite(dir, json);
    };
    let file = edit((c) => { c.loss = ['mse']; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: userDefinedMetadata.neurite.compile.loss must be a loss name or a list of 2 (one per output: o1, o2), got ["mse"]`);
    file = edit((c) => { c.metrics = { o3: ['mae'] }; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: userDefinedMetadata.neurite.compile.metrics must be a list of metric names, or lists keyed by output name (o1, o2), got {"o3":["mae"]}`);
    file = edit((c) => { c.lossWeights = [1, '2']; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: userDefinedMetadata.neurite.compile.lossWeights must be a list of 2 numbers (one per output), got [1,"2"]`);
    file = edit((c) => { c.lossWeights = [1, -2]; });
    await expect(loadLayersModel(file)).rejects.toThrow("compile: lossWeights for output 'o2' must be a finite number ≥ 0, got -2");
  });

  test('hostile graphs: unknown layers in inbound nodes, graphs that never make a tensor, bad references', async () => {
    const m = graph();
    const dir = tmp();
    await m.save(`file://${dir}`);
    const original = readFileSync(join(dir, 'model.json'), 'utf8');
    const edit = (f: (t: { config: { layers: Array<{ name: string; inbound_nodes: unknown }>; output_layers: unknown } }) => void): string => {
      const json = JSON.parse(original);
      f(json.modelTopology);
      return rewrite(dir, json);
    };
    let file = edit((t) => { t.config.layers.find((l) => l.name === 'o1')!.inbound_nodes = [[['ghost', 0, 0, {}], ['shared', 1, 0, {}]]]; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: layer 'o1': inbound node 0 names layer 'ghost', which the model does not have`);
    file = edit((t) => { t.config.layers.find((l) => l.name === 'o1')!.inbound_nodes = [[['shared', 5, 0, {}], ['shared', 1, 0, {}]]]; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: layer 'o1' needs output 0 of node 5 of layer 'shared', which the graph never makes`);
    file = edit((t) => { t.config.layers.find((l) => l.name === 'o1')!.inbound_nodes = [[['shared', 0]]]; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: layer 3 ('o1'): inbound node 0, input 0: expected [layer name, node index, tensor index], got ["shared",0]`);
    file = edit((t) => { t.config.layers.find((l) => l.name === 'o1')!.inbound_nodes = [[['shared', 0, 0, { mask: 'x' }], ['shared', 1, 0, {}]]]; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: layer 3 ('o1'): inbound node 0: unsupported call arguments mask`);
    file = edit((t) => { t.config.output_layers = [['o1', 0, 3]]; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: output_layers[0] names ["o1",0,3], which the graph does not make`);
    file = edit((t) => { t.config.layers[0]!.name = 'b'; });
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: layer 1: two layers are named 'b'`);
    const json = JSON.parse(original);
    json.modelTopology.class_name = 'Graph';
    file = rewrite(dir, json);
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: model class "Graph" is not supported (Sequential, Model, Functional)`);
  });
});

describe('custom layers', () => {
  class Unregistered extends layers.Layer {
    static className = 'Unregistered';
    call(x: Tensor | Tensor[]): Tensor {
      return Array.isArray(x) ? x[0]! : x;
    }
  }
  class WithFunction extends layers.Layer {
    static className = 'WithFunction';
    override getConfig() {
      return { ...super.getConfig(), f: () => 1 } as never;
    }
    call(x: Tensor | Tensor[]): Tensor {
      return Array.isArray(x) ? x[0]! : x;
    }
  }
  serialization.registerClass(WithFunction as never);
  test('an unregistered class, or a config that is not JSON, is refused by name', async () => {
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [2] }), new Unregistered()] });
    await expect(m.save(`file://${tmp()}`)).rejects.toThrow("save: layer 'unregistered' of class Unregistered cannot be serialized; a custom layer needs serialization.registerClass(Unregistered) and a static className");
    const f = sequential({ layers: [layers.dense({ units: 2, inputShape: [2] }), new WithFunction()] });
    await expect(f.save(`file://${tmp()}`)).rejects.toThrow("save: custom layer 'with_function' (WithFunction): config 'f' is not plain JSON (getConfig() must return numbers, strings, booleans, lists and objects)");
    expect(() => serialization.registerClass(class extends layers.Layer { call(x: Tensor) { return x; } } as never)).toThrow('has no static className');
  });
  test("getRegisteredName, SerializationMap, Serializable: tfjs's names ('Custom>' unless a package is given)", () => {
    class Named extends layers.Layer {
      static className = 'NamedLayer';
      call(x: Tensor) { return x; }
    }
    class Packaged extends layers.Layer {
      static className = 'Packaged';
      call(x: Tensor) { return x; }
    }
    serialization.registerClass(Named as never);
    serialization.registerClass(Packaged as never, 'mypkg', 'Pkg');
    expect(serialization.getRegisteredName(Named)).toBe('Custom>NamedLayer');
    expect(serialization.getRegisteredName(Packaged)).toBe('mypkg>Pkg');
    expect(serialization.getRegisteredName(class { static className = 'Loose'; })).toBe('Loose');
    expect(serialization.SerializationMap.getMap().classNameMap.NamedLayer![0]).toBe(Named);
    class Scale extends serialization.Serializable {
      static className = 'Scale';
      constructor(readonly config: { k: number }) { super(); }
      getConfig() { return { k: this.config.k }; }
    }
    const s = serialization.Serializable.fromConfig(Scale, { k: 2 });
    expect([s.getClassName(), s.getConfig()]).toEqual(['Scale', { k: 2 }]);
  });
});

describe('safe I/O', () => {
  test('weights shorter or longer than the manifest', async () => {
    const { dir, json, weights } = await saved();
    const file = rewrite(dir, json, weights.subarray(0, 40));
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: the weights manifest describes 52 bytes but weights.bin holds 40`);
    rewrite(dir, json, Buffer.concat([weights, Buffer.alloc(8)]));
    await expect(loadLayersModel(file)).rejects.toThrow('describes 52 bytes but weights.bin holds 60');
  });

  test('shapes that do not match the topology', async () => {
    const { dir, json } = await saved();
    const manifest = json.weightsManifest as Array<{ weights: Array<{ shape: number[] }> }>;
    manifest[0]!.weights[0]!.shape = [3, 2]; // same byte count, wrong shape
    const file = rewrite(dir, json);
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: weight 'dense/kernel' has shape [3,2] in the file but the layer needs [2,3]`);
  });

  test('an absurd size (1e12 elements) is refused before anything is allocated', async () => {
    const { dir, json } = await saved();
    const manifest = json.weightsManifest as Array<{ weights: Array<{ shape: number[] }> }>;
    manifest[0]!.weights[0]!.shape = [1_000_000, 1_000_000];
    const file = rewrite(dir, json);
    // 1e12 float32 weights, 4e12 bytes: past the 8 GiB limit, refused before any file is read.
    await expect(loadLayersModel(file)).rejects.toThrow(/model\.json: the weights manifest lists 4000000000\d+ bytes of weights, more than the limit of 8589934592 bytes/);
    // Within a raised limit, the weight file is then too short for it.
    await expect(loadLayersModel(file, { maxWeightBytes: 1e13 })).rejects.toThrow(/the weights manifest describes 4000000000\d+ bytes but weights.bin holds 52/);
  });

  test('unknown layer classes list the supported ones', async () => {
    const { dir, json } = await saved();
    (json.modelTopology as { config: { layers: Array<{ class_name: string }> } }).config.layers[1]!.class_name = 'MultiHeadAttention';
    const file = rewrite(dir, json);
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: layer 1: unknown layer class 'MultiHeadAttention'; supported: Dense, Dropout, Activation, Flatten, LeakyReLU, Rescaling, BatchNormalization, Maxout, InputLayer, TimeDistributed, Bidirectional, RNN, Conv1D, Conv2D`);
  });

  test('convolution and pooling configs are read strictly: unknown keys, unsupported settings and bad values are named', async () => {
    const { layerFromJson } = await import('./topology.js');
    const conv = (extra: Record<string, unknown>) => <import('../nn/layer.js').Layer>layerFromJson({ class_name: 'Conv2D', config: { filters: 2, kernel_size: [3, 3], ...extra } } as never, 'm.json', 'layer 0');
    expect(conv({ padding: 'same', data_format: 'channels_first', kernel_constraint: null, groups: 1 }).getConfig()).toMatchObject({ filters: 2, kernelSize: [3, 3], padding: 'same', dataFormat: 'channelsFirst' });
    // One flipped bit in a key is an error, not a silent default.
    expect(() => conv({ acti6ation: 'relu' })).toThrow("m.json: layer 0 (Conv2D): unknown config key 'acti6ation'; Conv2D takes filters, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias");
    expect(() => conv({ groups: 2 })).toThrow("m.json: layer 0 (Conv2D): 'groups' 2 is not supported (only 1)");
    expect((conv({ kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 3, axis: [0, 1, 2] } } }).getConfig() as unknown as Record<string, unknown>).kernelConstraint).toMatchObject({ className: 'MaxNorm', config: { maxValue: 3, axis: [0, 1, 2] } });
    expect(() => conv({ kernel_constraint: { class_name: 'RadialConstraint', config: {} } })).toThrow("m.json: layer 0 (Conv2D): 'kernel_constraint': unknown constraint class 'RadialConstraint' (MaxNorm, MinMaxNorm, NonNeg, UnitNorm)");
    expect(() => conv({ kernel_constraint: 'max_norm' })).toThrow("m.json: layer 0 (Conv2D): 'kernel_constraint' must be {class_name, config}, got \"max_norm\"");
    expect(() => conv({ kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 'big' } } })).toThrow("'kernel_constraint': constraint MaxNorm: max_value must be a number, got \"big\"");
    expect(() => conv({ data_format: 'NCHW' })).toThrow("m.json: layer 0 (Conv2D): 'data_format' must be 'channels_last' or 'channels_first', got \"NCHW\"");
    expect(() => conv({ strides: [1.5, 1] })).toThrow("'strides' must be a size or a list of sizes, got [1.5,1]");
    expect(() => conv({ padding: 'full' })).toThrow("'padding' must be 'valid', 'same' or 'causal', got \"full\"");
    expect(() => layerFromJson({ class_name: 'ZeroPadding2D', config: { padding: [[1, 2], 'x'] } } as never, 'm.json', 'layer 3')).toThrow("m.json: layer 3 (ZeroPadding2D): 'padding' must be n, [h, w] or [[top, bottom], [left, right]], got [[1,2],\"x\"]");
  });

  test('__proto__ and constructor keys are refused', async () => {
    const { dir, json } = await saved();
    const text = JSON.stringify(json).replace('"units":3', '"units":3,"__proto__":{"polluted":true}');
    const file = rewrite(dir, text);
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: forbidden key '__proto__' at model.json.modelTopology.config.layers[0].config`);
    rewrite(dir, JSON.stringify(json).replace('"format"', '"constructor":1,"format"'));
    await expect(loadLayersModel(file)).rejects.toThrow("forbidden key 'constructor' at model.json");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('weight paths outside the model directory, corrupted JSON, missing files, a checksum mismatch', async () => {
    const { dir, json, weights } = await saved();
    (json.weightsManifest as Array<{ paths: string[] }>)[0]!.paths = ['../../etc/passwd'];
    const file = rewrite(dir, json);
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: weight file path "../../etc/passwd" must be a plain relative name beside model.json`);
    rewrite(dir, '{"modelTopology": {');
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: not valid JSON`);
    await expect(loadLayersModel(join(dir, 'nope.json'))).rejects.toThrow(`${join(dir, 'nope.json')}: no such model file`);
    const ok = await saved();
    const flipped = Buffer.from(ok.weights);
    flipped[0] = flipped[0]! ^ 0xff;
    writeFileSync(join(ok.dir, 'weights.bin'), flipped);
    await expect(loadLayersModel(ok.dir)).rejects.toThrow('the weight files do not match this model.json (checksum differs); a save was probably interrupted');
    void weights;
  });
});

describe('hostile safetensors', () => {
  const good = (): Uint8Array => encodeSafetensors([{ name: 'a', shape: [2], values: [1, 2] }, { name: 'b', shape: [1], values: [3] }]);
  const withHeader = (header: string, data: Uint8Array): Uint8Array => {
    const h = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(data, 8 + h.length);
    return out;
  };

  test('a well-formed file decodes; the header is padded to 8 bytes', () => {
    const bytes = good();
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    expect(decodeSafetensors(bytes).tensors.map((t) => [t.name, Array.from(t.values)])).toEqual([['a', [1, 2]], ['b', [3]]]);
  });

  test('scalars, empty tensors and other dtypes (F16, I32) are read', () => {
    const data = new Uint8Array([0x00, 0x3c, 5, 0, 0, 0]); // F16 1.0, I32 5
    const f = withHeader('{"s":{"dtype":"F16","shape":[],"data_offsets":[0,2]},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[2,2]},"i":{"dtype":"I32","shape":[1],"data_offsets":[2,6]}}', data);
    const t = decodeSafetensors(f).tensors;
    expect(t.map((x) => [x.name, x.shape, Array.from(x.values)])).toEqual([['s', [], [1]], ['e', [0, 3], []], ['i', [1], [5]]]);
  });

  test('a header that lies about offsets: holes, overlaps, sizes, total length', () => {
    const data = new Uint8Array(12);
    expect(() => decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}', data), 'x.safetensors'))
      .toThrow("x.safetensors: data offsets are not contiguous: tensor 'a' starts at 4, expected 0");
    expect(() => decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', data), 'x'))
      .toThrow("x: data offsets are not contiguous: tensor 'b' starts at 4, expected 8");
    expect(() => decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}', data), 'x'))
      .toThrow("x: tensor 'a' (F32, shape [2]) needs 8 bytes but its offsets [0, 12] span 12");
    expect(() => decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', data), 'x'))
      .toThrow('x: the header describes 8 bytes of data but the file holds 12');
  });

  test('a header over 100 MB, or longer than the file, is refused before reading it', () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, BigInt(200 * 1024 * 1024), true);
    expect(() => decodeSafetensors(huge, 'x')).toThrow('x: header length 209715200 exceeds the 100 MB limit');
    new DataView(huge.buffer).setBigUint64(0, 1000n, true);
    expect(() => decodeSafetensors(huge, 'x')).toThrow('x: header length 1000 runs past the end of the file (16 bytes)');
    expect(() => decodeSafetensors(new Uint8Array(4), 'x')).toThrow('x: too short for a safetensors file');
  });

  test('duplicate names, bad dtypes, non-JSON headers, forbidden names', () => {
    const d = new Uint8Array(8);
    expect(() => decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', d), 'x'))
      .toThrow("x: tensor name 'a' appears twice in the header");
    expect(() => decodeSafetensors(withHeader('{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}', d.subarray(0, 4)), 'x')).toThrow('x: tensor \'a\' has unknown dtype "Q4"');
    expect(() => decodeSafetensors(withHeader('[1,2]', d), 'x')).toThrow("x: the header must be a JSON object starting with '{'");
    expect(() => decodeSafetensors(withHeader('{"a":', d), 'x')).toThrow('x: the header is not valid JSON');
    expect(() => decodeSafetensors(withHeader('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', d.subarray(0, 4)), 'x')).toThrow("x: forbidden tensor name '__proto__'");
  });

  test('loadWeights with a missing name or a wrong shape changes nothing', async () => {
    const m = small();
    const before = m.getWeights().map((w) => Array.from(w.values));
    const file = join(tmp(), 'bad.safetensors');
    writeFileSync(file, encodeSafetensors([{ name: 'dense/kernel', shape: [3, 2], values: [1, 2, 3, 4, 5, 6] }]));
    await expect(m.loadWeights(file)).rejects.toThrow(`${file}: tensor 'dense/kernel' has shape [3,2] but the layer needs [2,3]`);
    writeFileSync(file, encodeSafetensors([{ name: 'dense/kernel', shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }]));
    await expect(m.loadWeights(file)).rejects.toThrow(`${file}: no tensor named 'dense/bias' (the file has: dense/kernel)`);
    expect(m.getWeights().map((w) => Array.from(w.values))).toEqual(before);
  });
});

describe('an interrupted save', () => {
  test("killed between the weights' rename and model.json's: the previous save loads from .prev, and the next save cleans up", async () => {
    const { renameSync } = await import('node:fs');
    const m = small();
    const dir = tmp();
    await m.save(`file://${dir}`);
    const before = Array.from(m.weights[0]!.values);
    // What the kill leaves: the old weights moved aside, the new ones in place, model.json still the old one.
    renameSync(join(dir, 'weights.bin'), join(dir, '.weights.bin.prev'));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(readFileSync(join(dir, '.weights.bin.prev')).length).fill(9));
    const back = await loadLayersModel(`file://${dir}/model.json`);
    expect(Array.from(back.weights[0]!.values)).toEqual(before);
    // Without the .prev file the mismatch is an error, not a wrong model.
    const copy = tmp();
    for (const f of ['model.json', 'weights.bin']) writeFileSync(join(copy, f), readFileSync(join(dir, f)));
    await expect(loadLayersModel(`file://${copy}/model.json`)).rejects.toThrow('the weight files do not match this model.json (checksum differs); a save was probably interrupted');
    // The next save puts the committed weights back first, then saves as usual.
    m.weights[0]!.values.fill(2);
    await m.save(`file://${dir}`);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(Array.from((await loadLayersModel(`file://${dir}/model.json`)).weights[0]!.values).every((v) => v === 2)).toBe(true);
  });
});

describe('strict reading of the first layers too (a flipped bit is an error, not a silent default)', () => {
  test('Dense, Dropout, BatchNormalization: unknown keys, unsupported settings and bad values are named', async () => {
    const { layerFromJson } = await import('./topology.js');
    const read = (cls: string, config: Record<string, unknown>) => () => layerFromJson({ class_name: cls, config } as never, 'm.json', 'layer 1');
    expect(read('Dense', { units: 2, acti6ation: 'relu' })).toThrow("m.json: layer 1 (Dense): unknown config key 'acti6ation'; Dense takes kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint, units, activation, use_bias, kernel_initializer, bias_initializer");
    expect(read('Dense', { units: 2, kernel_constraint: { class_name: 'NonNeg', config: {} } })).not.toThrow();
    expect(read('Dense', { units: 2, kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 }, extra: 1 } })).not.toThrow();
    expect(read('Dense', { units: 2, bias_constraint: { class_name: 'Frob' } })).toThrow("m.json: layer 1 (Dense): 'bias_constraint': unknown constraint class 'Frob' (MaxNorm, MinMaxNorm, NonNeg, UnitNorm)");
    expect(read('Dense', { units: 2, activation: 'relu', kernel_constraint: null, activity_regularizer: null, dtype: 'float32', name: 'd', trainable: true })).not.toThrow();
    expect(read('Dropout', { rate: 0.5, seed: null, noise_shape: null })).not.toThrow();
    expect(read('Dropout', { rate: 0.5, noise_shape: [1, 2] })).toThrow("m.json: layer 1 (Dropout): 'noise_shape' [1,2] is not supported (only null)");
    expect(read('BatchNormalization', { epsilon: -10 })).toThrow('batchNormalization: epsilon must be a positive number, got -10');
    expect(read('BatchNormalization', { momentum: 1.5 })).toThrow('batchNormalization: momentum must be in [0, 1], got 1.5');
    expect(read('BatchNormalization', { axis: [-1], beta_regularizer: null, gamma_constraint: null })).not.toThrow();
    expect(read('Flatten', { data_format: 'channels_last' })).toThrow("m.json: layer 1 (Flatten): unknown config key 'data_format'");
    // Keras writes ReLU as {max_value, negative_slope, threshold}; only tfjs's part (max_value) is taken.
    const keras = read('ReLU', { max_value: null, negative_slope: 0.0, threshold: 0.0 })() as import('../nn/layer.js').Layer;
    expect([keras.className, (keras.getConfig() as { maxValue?: number }).maxValue]).toEqual(['ReLU', undefined]);
    expect((read('ReLU', { max_value: 6 })() as import('../nn/layer.js').Layer).getConfig()).toMatchObject({ maxValue: 6 });
    expect(read('ReLU', { negative_slope: 0.1 })).toThrow("m.json: layer 1 (ReLU): 'negative_slope' 0.1 is not supported (only 0)");
    expect(read('ReLU', { max_value: -1 })).toThrow('reLU: maxValue must be >= 0, got -1');
    expect(read('ELU', { alpha: 0.5 })).not.toThrow();
    expect(read('Softmax', { axis: 1.5 })).toThrow("m.json: layer 1 (Softmax): 'axis' must be an axis or a pair of axes, got 1.5");
    expect(read('Softmax', { axis: [1, 2] })).toThrow('softmax: axis must be an integer, got 1,2');
  });
});

describe('the training state in a file', () => {
  test('negative iterations are refused (they would train to NaN); the optimizer state is under the checksum', async () => {
    const m = small();
    m.compile({ optimizer: new Adam(), loss: 'mse' });
    await m.fit(tensor([[1, 2]]), tensor([[1]]), { epochs: 1, verbose: 0 });
    const dir = tmp();
    await m.save(`file://${dir}`, { includeOptimizer: true });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(typeof json.userDefinedMetadata.neurite.optimizerCrc32).toBe('number');
    const opt = readFileSync(join(dir, 'optimizer.bin'));
    opt[5] = opt[5]! ^ 1;
    writeFileSync(join(dir, 'optimizer.bin'), opt);
    await expect(loadLayersModel(`file://${dir}/model.json`)).rejects.toThrow('optimizer.bin does not match this model.json (checksum differs or the file is missing); a save was probably interrupted');
    opt[5] = opt[5]! ^ 1;
    writeFileSync(join(dir, 'optimizer.bin'), opt);
    json.userDefinedMetadata.neurite.optimizer.iterations = -5;
    const file = rewrite(dir, json);
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: the optimizer's iterations must be a non-negative integer, got -5`);
  });
});

describe('hostile files that ask for resources', () => {
  test('a tiny model.json asking for huge layers fails at once, before allocating them', async () => {
    const { dir, json } = await saved();
    const layers0 = (json.modelTopology as { config: { layers: Array<{ config: Record<string, unknown> }> } }).config.layers;
    layers0[1]!.config.units = 100_000_000;
    const file = rewrite(dir, json);
    // Refused by the layer asking (before its weights exist), not later by the manifest check.
    await expect(loadLayersModel(file)).rejects.toThrow(`${file}: layer 'dense_1' needs a kernel of shape [3, 100000000], more weights than the file's manifest lists; the topology and the weights do not match`);
  });

  test('deep nesting is refused by name, not by a stack overflow', async () => {
    const { dir, json } = await saved();
    // A 20 KB-ish file nesting 20,000 lists (written as text: JSON.stringify itself would overflow).
    const text = JSON.stringify(json).replace(/}$/, `,"extra":${'['.repeat(20_000)}1${']'.repeat(20_000)}}`);
    const file = rewrite(dir, text);
    await expect(loadLayersModel(file)).rejects.toThrow(/nested (more than 256 levels deep|too deeply to read)/);
    let t: unknown = 1;
    for (let i = 0; i < 20_000; i++) t = [t];
    expect(() => tensor(t as never)).toThrow('tensor: the values are nested more than 64 levels deep (a tensor has at most 64 axes here)');
  });

  // Quadratic, 100,000 layers took 107 s; the timeout (not a timing measurement) catches a return to that.
  test('100,000 layers load', async () => {
    const { dir, json } = await saved();
    const cfg = (json.modelTopology as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }).config;
    for (let i = 0; i < 100_000; i++) cfg.layers.push({ class_name: 'Activation', config: { activation: 'linear', name: `act_${i}` } });
    const file = rewrite(dir, json);
    const m = await loadLayersModel(file);
    expect(m.layers).toHaveLength(100_002);
  }, 60_000);
});

describe("a newer file's extra keys: an error by default, a warning on request", () => {
  test("unknownKeys: 'warn' loads the model with the key ignored and says so once per key", async () => {
    const dir = tmp();
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3], activation: 'tanh' }), layers.dense({ units: 1 })] });
    await m.save(`file://${dir}`);
    const file = join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.modelTopology.config.layers[0].config.future_option = 3;
    writeFileSync(file, JSON.stringify(json));
    await expect(loadLayersModel(`file://${file}`)).rejects.toThrow("unknown config key 'future_option'; Dense takes");
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const again = await loadLayersModel(`file://${file}`, { unknownKeys: 'warn' });
      expect(again.predict(tensor([[1, 2, 3]])).values).toEqual(m.predict(tensor([[1, 2, 3]])).values);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/: layer 0 \(Dense\): unknown config key 'future_option' ignored \(loaded with unknownKeys: 'warn'\); Dense takes /)]);
    } finally {
      warn.mockRestore();
    }
    await expect(loadLayersModel(`file://${file}`, { unknownKeys: 'skip' as 'warn' })).rejects.toThrow(`loadLayersModel: unknownKeys must be 'error' or 'warn', got "skip"`);
  });
});

describe('user metadata (tfjs setUserDefinedMetadata)', () => {
  test('saved in model.json with the weights, loaded back; the library keeps its own key', async () => {
    const dir = tmp();
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    m.setUserDefinedMetadata({ trainedOn: 'iris.csv', classes: ['a', 'b'], epochs: 3 });
    await m.save(`file://${dir}`, { includeOptimizer: true });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.userDefinedMetadata.trainedOn).toBe('iris.csv');
    expect(typeof json.userDefinedMetadata.neurite.weightsCrc32).toBe('number');
    const again = await loadLayersModel(`file://${dir}`);
    expect(again.getUserDefinedMetadata()).toEqual({ trainedOn: 'iris.csv', classes: ['a', 'b'], epochs: 3 });
    // A copy each way: changing what was given or got changes nothing saved.
    again.getUserDefinedMetadata()!.epochs = 99;
    expect(again.getUserDefinedMetadata()!.epochs).toBe(3);
    expect(sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] }).getUserDefinedMetadata()).toBeUndefined();
  });
  test('refused: the library key, non-objects, values that are not JSON', () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    expect(() => m.setUserDefinedMetadata({ neurite: 1 })).toThrow("setUserDefinedMetadata: the key 'neurite' is the library's own");
    expect(() => m.setUserDefinedMetadata([1] as never)).toThrow('setUserDefinedMetadata: expected a plain object, got an array');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => m.setUserDefinedMetadata(loop)).toThrow(/^setUserDefinedMetadata: the metadata must be JSON: /);
  });
});

describe('a size limit, checked before reading', () => {
  test('maxWeightBytes refuses a manifest listing more, naming the file and the sizes', async () => {
    const dir = tmp();
    const m = sequential({ layers: [layers.dense({ units: 4, inputShape: [3] })] });
    await m.save(`file://${dir}`);
    // 3·4 + 4 = 16 floats, 64 bytes.
    await expect(loadLayersModel(`file://${dir}`, { maxWeightBytes: 63 })).rejects.toThrow(`${join(dir, 'model.json')}: the weights manifest lists 64 bytes of weights, more than the limit of 63 bytes (loadLayersModel's maxWeightBytes option raises it)`);
    await expect(loadLayersModel(`file://${dir}`, { maxWeightBytes: 64 })).resolves.toBeDefined();
    await expect(loadLayersModel(`file://${dir}`, { maxWeightBytes: -1 })).rejects.toThrow('loadLayersModel: maxWeightBytes must be an integer ≥ 0, got -1');
  });
});

describe('model.toJSON and models.modelFromJSON (tfjs): the topology alone, fresh weights', () => {
  test('a functional model and a Sequential come back with the same layers and shapes and new weights; the string form parses to the object form', async () => {
    setSeed(4);
    const a = input({ shape: [3], name: 'a' });
    const h = layers.dense({ units: 4, activation: 'relu', name: 'h' }).apply(a);
    const g = functionalModel({ inputs: a, outputs: [layers.dense({ units: 2, name: 'o1' }).apply(h), layers.dense({ units: 1, name: 'o2' }).apply(h)] });
    for (const m of [g, small()]) {
      const text = m.toJSON() as string;
      expect(JSON.parse(text)).toEqual(m.toJSON(null, false));
      const back = await models.modelFromJSON({ modelTopology: m.toJSON(null, false) });
      expect(back.layers.map((l) => [l.name, l.className])).toEqual(m.layers.map((l) => [l.name, l.className]));
      expect(back.weights.map((w) => w.shape)).toEqual(m.weights.map((w) => w.shape));
      expect(Array.from(back.weights[0]!.values)).not.toEqual(Array.from(m.weights[0]!.values));
      // The topology itself, or as a string, is taken too.
      expect((await models.modelFromJSON(text)).countParams()).toBe(m.countParams());
    }
  });

  test('what it refuses is named', async () => {
    const t = small().toJSON(null, false);
    await expect(models.modelFromJSON('{')).rejects.toThrow('modelFromJSON: the topology is not JSON:');
    await expect(models.modelFromJSON([] as never)).rejects.toThrow('modelFromJSON: expected {modelTopology} or a model topology ({class_name, config}), got an array');
    await expect(models.modelFromJSON({ modelTopology: t, weightsManifest: [] })).rejects.toThrow("modelFromJSON: weights are not read here; load the model with loadLayersModel('file://…/model.json') to get them");
    await expect(models.modelFromJSON({ class_name: 'Graph', config: {} })).rejects.toThrow('modelFromJSON: model class "Graph" is not supported (Sequential, Model, Functional)');
    // dense: 2·3 + 3 = 9 weights, then 3·1 + 1 = 4: a limit of 10 stops at the second kernel.
    await expect(models.modelFromJSON(t, { maxParams: 10 })).rejects.toThrow("modelFromJSON: layer 'dense_1' needs a kernel of shape [3, 1], more than 10 weights in all (the maxParams option raises the limit)");
    await expect(models.modelFromJSON(t, { maxParams: -1 })).rejects.toThrow('modelFromJSON: maxParams must be an integer ≥ 0, got -1');
  });
});
