import { describe, expect, test, vi } from 'vitest';
import '../index.js';
import { computeGrads } from '../autograd/engine.js';
import { gradCheck } from '../autograd/gradcheck.js';
import { jsBackend } from '../backends/js/index.js';
import { setSeed, withContext } from '../context/context.js';
import { layers } from '../nn/index.js';
import { Dense } from '../nn/dense.js';
import { add, mul, sub } from '../ops/elementwise.js';
import { concat } from '../ops/layout.js';
import { matmul } from '../ops/matmul.js';
import { sum } from '../ops/reduce.js';
import { relu } from '../ops/activations.js';
import { oneHot, randomNormal, randomUniform, tensor } from '../ops/creation.js';
import { Tensor } from '../tensor/tensor.js';
import type { SymbolicTensor } from '../nn/symbolic.js';
import type { SymbolicShape } from '../nn/layer.js';
import { Functional, input, model } from './functional.js';
import { Sequential } from './sequential.js';
import { artifactsInfo, fromMemory, type ModelArtifacts, withSaveHandler } from '../io/handlers.js';
import { loadLayersModel } from '../io/index.js';

/** Two inputs, two outputs: a [4] and b [3]; a shared Dense(5) on a twice … (see the body). */
function twoByTwo() {
  const a = input({ shape: [4], name: 'a' });
  const b = input({ shape: [3], name: 'b' });
  const h = layers.dense({ units: 6, activation: 'relu', name: 'h' }).apply(layers.concatenate().apply([a, b]));
  const cls = layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(h);
  const reg = layers.dense({ units: 1, name: 'reg' }).apply(layers.add().apply([h, layers.dense({ units: 6, name: 'skip' }).apply(a)]));
  return model({ inputs: [a, b], outputs: [cls, reg], name: 'two' });
}

function data(n: number, seed: number) {
  const xa = randomNormal([n, 4], 0, 1, { seed });
  const xb = randomNormal([n, 3], 0, 1, { seed: seed + 1 });
  const labels = Array.from({ length: n }, (_, i) => (xa.values[i * 4]! > 0 ? 1 : xb.values[i * 3]! > 0 ? 2 : 0));
  const yc = oneHot(labels, 3);
  const yr = tensor(Array.from({ length: n }, (_, i) => [xa.values[i * 4 + 1]! - xb.values[i * 3 + 2]!]));
  return { xa, xb, yc, yr };
}

describe('functional models', () => {
  test('structure: layers in graph order, names, shapes, getLayer', () => {
    setSeed(1);
    const m = twoByTwo();
    // Keras's order: by depth from the outputs (a, b 4; concatenate 3; h, skip 2; add 1; cls, reg 0), ties by first visit.
    expect(m.layers.map((l) => l.name)).toEqual(['a', 'b', 'concatenate', 'h', 'skip', 'add', 'cls', 'reg']);
    expect(m.inputNames).toEqual(['a', 'b']);
    expect(m.outputNames).toEqual(['cls', 'reg']);
    expect(m.outputShape).toEqual([[null, 3], [null, 1]]);
    expect(m.inputShape).toEqual([[null, 4], [null, 3]]);
    expect(m.getLayer('h')).toBe(m.layers[3]);
    expect(m.getLayer(6).name).toBe('cls');
    // (4+3)·6+6 + 6·3+3 + 4·6+6 + 6·1+1
    expect(m.countParams()).toBe(48 + 21 + 30 + 7);
    expect(() => m.getLayer('nope')).toThrow("getLayer: no layer named 'nope'; the model's layers are a, b, concatenate, h, skip, add, cls, reg");
    expect(() => m.getLayer(8)).toThrow('getLayer: index 8 is out of range; the model has 8 layers');
  });

  test("a layer's output and input (tfjs layer.output): a second model on the same graph reads an inner layer", () => {
    setSeed(1);
    const m = twoByTwo();
    const h = m.getLayer('h');
    expect(h.output).toBe(h.inboundNodes[0]!.outputs[0]);
    expect((h.input as SymbolicTensor).shape).toEqual([null, 7]);
    expect((m.getLayer('add').input as SymbolicTensor[]).map((t) => t.sourceLayer.name)).toEqual(['h', 'skip']);
    // The inner layer as a further output, as tfjs-examples' date-conversion reads its attention.
    const both = model({ inputs: m.inputs, outputs: [...m.outputs, h.output as SymbolicTensor] });
    const { xa, xb } = data(3, 4);
    const [cls, , hidden] = both.predict([xa, xb]) as Tensor[];
    expect(Array.from(cls!.values)).toEqual(Array.from((m.predict([xa, xb]) as Tensor[])[0]!.values));
    // relu(concat(a, b)·W + b), from the layer's own weights
    const [w, bias] = h.getWeights();
    const want = relu(add(matmul(concat([xa, xb], 1), w!), bias!));
    expect(Array.from(hidden!.values)).toEqual(Array.from(want.values));
    // A layer applied twice has an output per application; one never applied has none.
    const shared = layers.dense({ units: 2, name: 'twice' });
    const a = input({ shape: [3] });
    const first = shared.apply(a);
    const second = shared.apply(first);
    expect(shared.getOutputAt(1)).toBe(second);
    expect(shared.getInputAt(1)).toBe(first);
    expect(() => shared.output).toThrow("Dense 'twice' is applied 2 times, so its output is ambiguous: use getOutputAt(nodeIndex)");
    expect(() => shared.getOutputAt(2)).toThrow("getOutputAt: Dense 'twice' has 2 applications (node indices 0 to 1), got 2");
    expect(() => layers.dense({ units: 1, name: 'alone' }).input).toThrow("Dense 'alone' is not connected: it has no input (apply it to a symbolic tensor from input() first)");
  });

  test('predict equals the same maths written with ops', () => {
    setSeed(2);
    const m = twoByTwo();
    const { xa, xb } = data(5, 3);
    const [cls, reg] = m.predict([xa, xb]) as Tensor[];
    const d = (name: string) => m.getLayer(name) as Dense;
    const lin = (x: Tensor, l: Dense) => add(matmul(x, l.weights[0]!), l.weights[1]!);
    const h = relu(lin(concat([xa, xb], 1), d('h')));
    const logits = lin(h, d('cls'));
    const e = logits.exp();
    const want = e.div(sum(e, 1, true));
    const wantReg = lin(add(h, lin(xa, d('skip'))), d('reg'));
    expect(cls!.shape).toEqual([5, 3]);
    for (let i = 0; i < want.size; i++) expect(cls!.values[i]).toBeCloseTo(want.values[i]!, 6);
    for (let i = 0; i < wantReg.size; i++) expect(reg!.values[i]).toBeCloseTo(wantReg.values[i]!, 5);
    // The same through apply, and with inputs keyed by name.
    const byName = m.predict({ b: xb, a: xa }) as Tensor[];
    expect(Array.from(byName[1]!.values)).toEqual(Array.from(reg!.values));
    const applied = m.apply([xa, xb]) as Tensor[];
    for (let i = 0; i < wantReg.size; i++) expect(applied[1]!.values[i]).toBeCloseTo(wantReg.values[i]!, 5);
  });

  test('fit: compiled, the eager step gives the same weights, per-output losses and metrics logged as tfjs names them', async () => {
    const { xa, xb, yc, yr } = data(40, 7);
    const run = async (runEagerly: boolean) => {
      setSeed(5);
      const m = twoByTwo();
      m.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'mse'], metrics: { cls: ['accuracy'] }, lossWeights: [1, 0.5], runEagerly });
      const h = await m.fit([xa, xb], { cls: yc, reg: yr }, { epochs: 3, batchSize: 16, verbose: 0, shuffle: false, callbacks: null });
      return { m, h, path: h.params!.path };
    };
    const compiled = await run(false);
    const eager = await run(true);
    expect(compiled.path).toBe('compiled');
    expect(eager.path).toBe('eager');
    expect(Object.keys(compiled.h.history).sort()).toEqual(['cls_accuracy', 'cls_loss', 'loss', 'reg_loss']);
    // tfjs's spelling of the same series.
    expect(compiled.h.history.cls_acc).toBe(compiled.h.history.cls_accuracy);
    // The total is the weighted sum of the outputs' losses (each a mean over the epoch's samples).
    const hh = compiled.h.history;
    for (let e = 0; e < 3; e++) expect(hh.loss![e]).toBeCloseTo(hh.cls_loss![e]! + hh.reg_loss![e]!, 5);
    expect(hh.loss![2]).toBeLessThan(hh.loss![0]!);
    compiled.m.weights.forEach((w, i) => {
      const v = eager.m.weights[i]!.values;
      for (let k = 0; k < w.size; k++) expect(w.values[k]).toBeCloseTo(v[k]!, 5);
    });
    // evaluate: total, each output's loss, then metrics.
    const ev = compiled.m.evaluateValues([xa, xb], [yc, yr], { batchSize: 13 });
    expect(ev).toHaveLength(4);
    expect(ev[0]).toBeCloseTo(ev[1]! + ev[2]!, 5);
  });

  test('a functional stack trains exactly as the same Sequential (softmax fused with its cross-entropy)', async () => {
    const x = randomNormal([30, 5], 0, 1, { seed: 1 });
    const y = oneHot(Array.from({ length: 30 }, (_, i) => i % 3), 3);
    setSeed(9);
    const seq = new Sequential({ layers: [layers.dense({ units: 8, activation: 'tanh', inputShape: [5] }), layers.dense({ units: 3, activation: 'softmax' })] });
    setSeed(9);
    const i = input({ shape: [5] });
    const fun = model({ inputs: i, outputs: layers.dense({ units: 3, activation: 'softmax' }).apply(layers.dense({ units: 8, activation: 'tanh' }).apply(i)) });
    fun.weights.forEach((w, k) => w.assign(seq.weights[k]!));
    for (const m of [seq, fun]) {
      m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'], runEagerly: m === seq });
      await m.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, shuffle: false });
    }
    fun.weights.forEach((w, k) => {
      for (let j = 0; j < w.size; j++) expect(w.values[j]).toBeCloseTo(seq.weights[k]!.values[j]!, 6);
    });
    // One output: its metric keeps its plain name, and predict gives a tensor.
    expect(fun.predict(x)).toBeInstanceOf(Tensor);
  });

  test('a shared layer: one set of weights, gradients summed over its uses (float64 central differences)', () => {
    setSeed(3);
    const a = input({ shape: [3] });
    const b = input({ shape: [3] });
    const shared = layers.dense({ units: 2, activation: 'tanh' });
    const m = model({ inputs: [a, b], outputs: layers.subtract().apply([shared.apply(a), shared.apply(b)]) });
    expect(m.layers.filter((l) => l === shared)).toHaveLength(1);
    expect(shared.inboundNodes).toHaveLength(2);
    expect(m.countParams()).toBe(8);
    const xa = randomNormal([4, 3], 0, 1, { seed: 1 });
    const xb = randomNormal([4, 3], 0, 1, { seed: 2 });
    // The model's analytic gradient against central differences of its own output, in float64.
    withContext({ backend: jsBackend(), dtype: 'float64', gradEnabled: true }, () => {
      for (const w of m.weights) w.values = Float64Array.from(w.values);
      const x64a = new Tensor(Float64Array.from(xa.values), xa.shape);
      const x64b = new Tensor(Float64Array.from(xb.values), xb.shape);
      const f = (): Tensor => {
        const out = m.apply([x64a, x64b]) as Tensor;
        return sum(mul(out, out));
      };
      const grads = computeGrads(f());
      for (const w of m.trainableWeights) {
        const g = grads.get(w)!;
        for (let i = 0; i < w.size; i++) {
          const v = w.values[i]!;
          w.values[i] = v + 1e-6;
          const up = f().values[0]!;
          w.values[i] = v - 1e-6;
          const down = f().values[0]!;
          w.values[i] = v;
          expect(g.values[i]).toBeCloseTo((up - down) / 2e-6, 6);
        }
      }
    });
  });

  test('summary lists each layer with what it is connected to', () => {
    setSeed(1);
    const m = twoByTwo();
    const lines: string[] = [];
    m.summary((l) => lines.push(l));
    expect(lines[0]).toBe('Model: "two"');
    expect(lines[2]).toMatch(/^Layer \(type\) +Output Shape +Param # +Connected to$/);
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} (`))!;
    expect(row('a')).toMatch(/^a \(InputLayer\) +\(None, 4\) +0$/);
    expect(row('concatenate')).toMatch(/^concatenate \(Concatenate\) +\(None, 7\) +0 +a\[0\]\[0\], b\[0\]\[0\]$/);
    expect(row('add')).toMatch(/^add \(Add\) +\(None, 6\) +0 +h\[0\]\[0\], skip\[0\]\[0\]$/);
    expect(lines).toContain('Total params: 106');
    // A layer with several outputs lists each (an LSTM returning its states: output, h, c).
    const x = input({ shape: [3, 2], name: 'x' });
    const states = (layers.lstm({ units: 2, returnState: true, name: 'enc' }).apply(x) as unknown as SymbolicTensor[]).slice(1);
    const enc: string[] = [];
    model({ inputs: x, outputs: states }).summary((l) => enc.push(l));
    expect(enc.find((l) => l.startsWith('enc ('))).toMatch(/^enc \(LSTM\) +\[\(None, 2\), \(None, 2\)/);
  });

  test("tfjs's spellings: layers.input is tf.input (a symbolic tensor), layers.inputLayer the layer; a Sequential takes either first, as Keras's takes keras.Input", () => {
    setSeed(4);
    // tfjs-examples translation: tf.layers.input({shape: [null, tokens]}) feeding an LSTM with returnState.
    const x = layers.input({ shape: [null, 3], name: 'enc' });
    expect(x.shape).toEqual([null, null, 3]);
    const [seq, h, c] = layers.lstm({ units: 2, returnState: true }).apply(x) as unknown as SymbolicTensor[];
    expect([seq!.shape, h!.shape, c!.shape]).toEqual([[null, 2], [null, 2], [null, 2]]);
    const m = model({ inputs: x, outputs: [h!, c!] });
    expect((m.predict(randomNormal([4, 5, 3], 0, 1, { seed: 2 })) as Tensor[]).map((t) => t.shape)).toEqual([[4, 2], [4, 2]]);
    // The same stack three ways: tfjs's inputLayer, Keras's Input, or inputShape on the first layer.
    const dense = () => layers.dense({ units: 2, kernelInitializer: 'ones', biasInitializer: 'zeros' });
    const viaLayer = new Sequential({ layers: [layers.inputLayer({ inputShape: [3] }), dense()] });
    const viaInput = new Sequential({ layers: [input({ shape: 3 }), dense()] });
    const viaBatch = new Sequential();
    viaBatch.add(layers.inputLayer({ batchInputShape: [null, 3] }));
    viaBatch.add(dense());
    const xs = tensor([[1, 2, 3]]);
    // ones kernel: each unit sums the row, 1 + 2 + 3 = 6
    for (const s of [viaLayer, viaInput, viaBatch]) expect(Array.from((s.predict(xs) as Tensor).values)).toEqual([6, 6]);
    expect(viaInput.inputs[0]!.shape).toEqual([null, 3]);
    const inner = layers.dense({ units: 1, name: 'd' }).apply(input({ shape: [3] })) as SymbolicTensor;
    expect(() => new Sequential().add(inner)).toThrow("Sequential.add: expected a layer, a model or an input(), got the output of Dense 'd'; use the functional API (tf.model) for graphs");
  });

  test("an input layer given as a layer is one of a Sequential's layers, as in tfjs (Keras's Input is not); it saves and loads as one", async () => {
    setSeed(3);
    // Measured with @tensorflow/tfjs 4.22: sequential({layers: [inputLayer({inputShape: [3]}), dense]}) has
    // layers [InputLayer, Dense], inputs[0] is the input layer's output, and toJSON lists both.
    const dense = () => layers.dense({ units: 2, kernelInitializer: 'ones', biasInitializer: 'zeros' });
    const viaLayer = new Sequential({ layers: [layers.inputLayer({ inputShape: [3], name: 'pixels' }), dense()] });
    expect(viaLayer.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense']);
    expect(viaLayer.getLayer(undefined, 1).className).toBe('Dense');
    expect(viaLayer.inputNames).toEqual(['pixels']);
    expect(viaLayer.inputs[0]).toBe(viaLayer.layers[0]!.output);
    expect(viaLayer.countParams()).toBe(8);
    const unnamed = new Sequential();
    unnamed.add(layers.inputLayer({ batchInputShape: [null, 3] }));
    unnamed.add(dense());
    expect(unnamed.layers.map((l) => l.name)).toEqual(['input', 'dense']);
    // Keras's Input only declares the shape.
    expect(new Sequential({ layers: [input({ shape: 3 }), dense()] }).layers.map((l) => l.className)).toEqual(['Dense']);
    // It computes nothing: predict, fit (compiled), and a summary row of its own (as tfjs prints one).
    const x = tensor([[1, 2, 3], [0, 1, 0]]);
    // ones kernel: each unit sums the row: 6 and 1
    expect(Array.from(viaLayer.predict(x).values)).toEqual([6, 6, 1, 1]);
    viaLayer.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const h = await viaLayer.fit(x, tensor([[1, 0], [0, 1]]), { epochs: 2, verbose: 0 });
    expect(h.params!.path).toBe('compiled');
    const lines: string[] = [];
    viaLayer.summary((l) => lines.push(l));
    expect(lines.some((l) => /^pixels \(InputLayer\)\s+\(None, 3\)\s+0\s*$/.test(l))).toBe(true);
    // Saved with the InputLayer first (as tfjs writes it), loaded with it listed again.
    let saved: ModelArtifacts | undefined;
    await viaLayer.save(withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: artifactsInfo(a) };
    }));
    const topo = saved!.modelTopology as { config: { layers: Array<{ class_name: string; config: { batch_input_shape?: unknown } }> } };
    expect(topo.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Dense']);
    expect(topo.config.layers[0]!.config.batch_input_shape).toEqual([null, 3]);
    expect(topo.config.layers[1]!.config.batch_input_shape).toBeUndefined();
    const back = await loadLayersModel(fromMemory(saved!));
    expect(back.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['InputLayer pixels', 'Dense dense']);
    expect(Array.from((back.predict(x) as Tensor).values)).toEqual(Array.from(viaLayer.predict(x).values));
    // Nothing after the input layer: what the error says.
    const empty = new Sequential({ layers: [layers.inputLayer({ inputShape: [3] })] });
    expect(() => empty.predict(x)).toThrow('predict: the model has no layers after its input layer');
    expect(() => empty.add(layers.inputLayer({ inputShape: [3] }))).toThrow('Sequential.add: an input layer must come first');
  });

  test('errors name what was expected and what was given', () => {
    setSeed(1);
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [2], name: 'b' });
    const out = layers.add().apply([a, b]);
    expect(() => model({ inputs: a, outputs: out })).toThrow("model: graph disconnected: Add '' needs input 'b' of shape (None, 2), which is not among the model's inputs");
    expect(() => model({ inputs: [a, a], outputs: out })).toThrow('model: inputs[1] is the same input as inputs[0]');
    expect(() => model({ inputs: [out], outputs: out })).toThrow("model: inputs[0] must come from input(), got the output of Add ''");
    expect(() => model({ inputs: [a, b], outputs: [tensor([1]) as never] })).toThrow('model: outputs[0] must be a symbolic tensor (from input() or layer.apply on one), got a Tensor');
    expect(() => model({ inputs: [a, b], outputs: [] })).toThrow('model: outputs must name at least one symbolic tensor');
    const c = input({ shape: [2], name: 'a' });
    expect(() => model({ inputs: [a, c], outputs: layers.add().apply([a, c]) })).toThrow("model: two layers are named 'a'; layer names must be unique in a model");
    expect(() => input({})).toThrow("input: give exactly one of shape (without the batch axis; inputShape in tfjs's inputLayer) and batchShape (with it; batchInputShape), got none");
    expect(() => input({ shape: [2], batchShape: [null, 2] })).toThrow('got shape and batchShape');
    expect(() => layers.inputLayer({ inputShape: [2], batchInputShape: [null, 2] })).toThrow('got inputShape and batchInputShape');
    // @ts-expect-error sparse inputs are not supported
    expect(() => input({ shape: [2], sparse: true })).toThrow('input: sparse inputs are not supported, got sparse: true');

    const m = model({ inputs: [a, b], outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor([[1, 2]]);
    expect(() => m.predict(x)).toThrow('predict: the model has 2 inputs (a, b); give a list or an object keyed by name, got one tensor');
    expect(() => m.predict([x])).toThrow('predict: the model has 2 inputs (a, b), got a list of 1');
    expect(() => m.predict({ a: x, c: x })).toThrow("predict: no input named 'c'; the model's inputs are a, b");
    expect(() => m.predict({ a: x })).toThrow("predict: missing input 'b' (the model's inputs are a, b)");
    expect(() => m.predict([x, tensor([[1, 2, 3]])])).toThrow("predict: input 'b' expects shape (None, 2), got [1,3]");
    expect(() => m.predict([x, tensor([[1, 2], [3, 4]])])).toThrow('predict: input b has 2 samples (shape [2,2]) but input a has 1');
    expect(() => m.compile({ optimizer: 'sgd', loss: ['mse', 'mse'] })).toThrow('compile: loss has 2 entries for 1 outputs (add)');
    expect(() => m.compile({ optimizer: 'sgd', loss: { out: 'mse' } as never })).toThrow("compile: loss names 'out', not an output of the model (add)");
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: [-1] })).toThrow("compile: lossWeights for output 'add' must be a finite number ≥ 0, got -1");
  });
});

describe('custom layers in graphs', () => {
  /** tfjs-examples' VAE writes its sampling layer this way: a list in, the shapes as a list, no static className. */
  class Combine extends layers.Layer {
    override computeOutputShape(shapes: SymbolicShape | SymbolicShape[]): SymbolicShape {
      if (!(Array.isArray(shapes) && shapes.length === 2 && Array.isArray(shapes[0]))) throw new Error(`expected 2 input shapes, got ${JSON.stringify(shapes)}`);
      return shapes[0] as SymbolicShape;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      // tfjs's call hook, as tfjs-examples' custom-layer calls it: nothing to run here.
      this.invokeCallHook(inputs, {});
      const [mean, logVar] = inputs as Tensor[];
      return mean!.add(logVar!.mul(0.5).exp().mul(2));
    }
  }

  test('a custom layer takes a list of inputs as a list (its shapes as a list), in a graph and called directly, and trains', async () => {
    setSeed(5);
    const x = input({ shape: [3] });
    const mean = layers.dense({ units: 2, name: 'mean' }).apply(x);
    const logVar = layers.dense({ units: 2, name: 'log_var' }).apply(x);
    const z = new Combine({ name: 'z' }).apply([mean, logVar]) as SymbolicTensor;
    expect(z.shape).toEqual([null, 2]);
    const m = model({ inputs: x, outputs: z });
    const xs = randomNormal([4, 3], 0, 1, { seed: 2 });
    // mean + exp(logVar / 2)·2, from the two Dense layers' weights
    const [wm, bm] = m.getLayer('mean').getWeights();
    const [wv, bv] = m.getLayer('log_var').getWeights();
    const want = add(add(matmul(xs, wm!), bm!), mul(add(matmul(xs, wv!), bv!).mul(0.5).exp(), 2));
    const got = m.predict(xs) as Tensor;
    Array.from(got.values).forEach((v, i) => expect(v).toBeCloseTo(want.values[i]!, 5));
    // Called on real tensors: the same list reaches call.
    expect(Array.from((new Combine({}).apply([tensor([[1, 2]]), tensor([[0, 0]])]) as Tensor).values)).toEqual([3, 4]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const h = await m.fit(xs, randomNormal([4, 2], 0, 1, { seed: 3 }), { epochs: 3, verbose: 0 });
    expect(h.history.loss.at(-1)!).toBeLessThan(h.history.loss[0]!);
  });
});

describe('merge layers', () => {
  const a = tensor([[1, -2, 3], [0.5, 4, -1]]);
  const b = tensor([[2, 2, -1], [1, -3, 0]]);
  const c = tensor([[0, 1, 1], [2, 0, -2]]);

  test('values (by hand)', () => {
    const v = (t: Tensor | Tensor[]) => Array.from((t as Tensor).values);
    expect(v(layers.add().apply([a, b, c]))).toEqual([3, 1, 3, 3.5, 1, -3]);
    expect(v(layers.subtract().apply([a, b]))).toEqual([-1, -4, 4, -0.5, 7, -1]);
    expect(v(layers.multiply().apply([a, b]))).toEqual([2, -4, -3, 0.5, -12, -0]);
    expect(v(layers.maximum().apply([a, b, c]))).toEqual([2, 2, 3, 2, 4, 0]);
    expect(v(layers.minimum().apply([a, b, c]))).toEqual([0, -2, -1, 0.5, -3, -2]);
    expect(v(layers.average().apply([a, b]))).toEqual([1.5, 0, 1, 0.75, 0.5, -0.5]);
    const cat = layers.concatenate().apply([a, b]) as Tensor;
    expect(cat.shape).toEqual([2, 6]);
    expect(v(cat)).toEqual([1, -2, 3, 2, 2, -1, 0.5, 4, -1, 1, -3, 0]);
    // Row dot products: 1·2 − 2·2 − 3·1 = −5; 0.5 − 12 + 0 = −11.5.
    const dot = layers.dot({ axes: 1 }).apply([a, b]) as Tensor;
    expect(dot.shape).toEqual([2, 1]);
    expect(v(dot)).toEqual([-5, -11.5]);
    // Normalized: cosine similarity −5 / (√14 · 3).
    expect((layers.dot({ axes: 1, normalize: true }).apply([a, b]) as Tensor).values[0]).toBeCloseTo(-5 / (Math.sqrt(14) * 3), 6);
    // Rank 3: [1, 2, 3]·[1, 2, 3] with axes [2, 2] → a's rows dotted with b's: [[−5, 7], [0.5·2 + 4·2 + 1, −11.5]].
    const g = layers.dot({ axes: [2, 2] }).apply([a.reshape([1, 2, 3]), b.reshape([1, 2, 3])]) as Tensor;
    expect(g.shape).toEqual([1, 2, 2]);
    expect(v(g)).toEqual([-5, 7, 10, -11.5]);
  });

  test('symbolic shapes', () => {
    const x = input({ shape: [3, 4] });
    const y = input({ shape: [3, 5] });
    expect(layers.concatenate({ axis: -1 }).apply([x, y]).shape).toEqual([null, 3, 9]);
    expect(layers.concatenate({ axis: 1 }).apply([x, x]).shape).toEqual([null, 6, 4]);
    expect(layers.dot({ axes: [1, 1] }).apply([x, y]).shape).toEqual([null, 4, 5]);
    expect(layers.add().apply([x, x]).shape).toEqual([null, 3, 4]);
  });

  test('gradients (float64 central differences)', () => {
    const r = randomUniform([2, 3], 0.5, 1.5, { seed: 4 });
    const r2 = randomUniform([2, 6], 0.5, 1.5, { seed: 5 });
    const cases: Array<[string, (...xs: Tensor[]) => Tensor]> = [
      ['add', (p, q, s) => sum(mul(layers.add().apply([p!, q!, s!]) as Tensor, r))],
      ['subtract', (p, q) => sum(mul(layers.subtract().apply([p!, q!]) as Tensor, r))],
      ['multiply', (p, q, s) => sum(mul(layers.multiply().apply([p!, q!, s!]) as Tensor, r))],
      ['maximum', (p, q, s) => sum(mul(layers.maximum().apply([p!, q!, s!]) as Tensor, r))],
      ['minimum', (p, q, s) => sum(mul(layers.minimum().apply([p!, q!, s!]) as Tensor, r))],
      ['average', (p, q, s) => sum(mul(layers.average().apply([p!, q!, s!]) as Tensor, r))],
      ['concatenate', (p, q) => sum(mul(layers.concatenate().apply([p!, q!]) as Tensor, r2))],
      ['dot', (p, q) => sum(mul(layers.dot({ axes: 1 }).apply([p!, q!]) as Tensor, tensor([[1.5], [0.7]])))],
      ['dot normalized', (p, q) => sum(mul(layers.dot({ axes: 1, normalize: true }).apply([p!, q!]) as Tensor, tensor([[1.5], [0.7]])))],
      ['dot rank 3', (p, q) => sum(mul(layers.dot({ axes: [1, 1] }).apply([p!.reshape([1, 2, 3]), q!.reshape([1, 2, 3])]) as Tensor, randomUniform([1, 3, 3], 0.5, 1.5, { seed: 6 })))],
    ];
    for (const [name, f] of cases) {
      // Distinct values so max/min have no ties within the differencing step.
      const res = gradCheck(f, [a, sub(b, 0.01), add(c, 0.02)]);
      expect(res.passed, name).toBe(true);
    }
  });

  test("elementwise merges broadcast as tfjs's do: a lower rank gains axes after the batch axis, sizes of 1 stretch (mnist-acgan: latent [b, 100] times embedding [b, 1, 100])", () => {
    const latent = input({ shape: [4] });
    const emb = input({ shape: [1, 4] });
    expect(layers.multiply().apply([latent, emb]).shape).toEqual([null, 1, 4]);
    expect(layers.add().apply([input({ shape: [3, 1] }), input({ shape: [3, 5] })]).shape).toEqual([null, 3, 5]);
    // [[1, 2]] (shape [1, 2]) times [[[3, 4]]] (shape [1, 1, 2]): the first becomes [1, 1, 2], then 1·3, 2·4.
    const y = layers.multiply().apply([tensor([[1, 2]]), tensor([[[3, 4]]])]);
    expect(y.shape).toEqual([1, 1, 2]);
    expect(Array.from(y.values)).toEqual([3, 8]);
    // Gradients flow back through the broadcast to each input's own shape.
    const w = randomUniform([2, 3, 3], 0.5, 1.5, { seed: 7 });
    const res = gradCheck((p, q) => sum(mul(layers.multiply().apply([p!, q!]) as Tensor, w)), [a, sub(b, 0.01).reshape([2, 3, 1]).slice([0, 0, 0], [2, 1, 1]).reshape([2, 1, 1])]);
    expect(res.passed).toBe(true);
  });

  test('errors', () => {
    expect(() => layers.add().apply([a, tensor([[1, 2], [3, 4]])])).toThrow('Add: inputs must have shapes that broadcast together, got (2, 3) and (2, 2)');
    expect(() => layers.add().apply([a, tensor([[1, 2, 3]])])).toThrow('Add: inputs must have the same batch size, got (2, 3) and (1, 3)');
    expect(() => layers.add().apply([a])).toThrow('Add: needs at least 2 inputs, got 1');
    expect(() => layers.add().apply(a as never)).toThrow("Add '': takes a list of inputs, got one tensor of shape [2,3]");
    expect(() => layers.subtract().apply([a, b, c])).toThrow('Subtract: needs exactly 2 inputs, got 3');
    expect(() => layers.concatenate({ axis: 0 }).apply([a, b])).toThrow('Concatenate: axis 0 is not a non-batch axis of inputs of rank 2');
    expect(() => layers.concatenate().apply([a, tensor([[1], [2], [3]])])).toThrow('Concatenate: inputs must agree on every axis but 1, got (2, 3) and (3, 1)');
    expect(() => layers.dot({ axes: 1 }).apply([a, tensor([[1, 2], [3, 4]])])).toThrow('Dot: the contracted axes must have the same size, got 3 (axis 1 of (2, 3)) and 2 (axis 1 of (2, 2))');
    expect(() => layers.dot({ axes: 'x' as never })).toThrow('Dot: axes must be an integer or a pair of integers, got "x"');
    expect(() => new Dense({ units: 2 }).apply([a, b] as never)).toThrow("Dense '': takes one input, got a list of 2");
  });

  test('model() makes a Functional', () => {
    const x = input({ shape: [2] });
    expect(model({ inputs: x, outputs: layers.dense({ units: 1 }).apply(x) })).toBeInstanceOf(Functional);
  });
});

describe('models nested in models', () => {
  /** An encoder (x → mean, spread) and a decoder (z → x̂), composed into one autoencoder graph. */
  function autoencoder() {
    setSeed(8);
    const x = input({ shape: [6], name: 'x' });
    const h = layers.dense({ units: 4, activation: 'tanh', name: 'enc_h' }).apply(x);
    const encoder = model({ inputs: x, outputs: [layers.dense({ units: 2, name: 'z_mean' }).apply(h), layers.dense({ units: 2, name: 'z_spread' }).apply(h)], name: 'encoder' });
    const z = input({ shape: [2], name: 'z' });
    const decoder = model({ inputs: z, outputs: layers.dense({ units: 6, name: 'dec_out' }).apply(layers.dense({ units: 4, activation: 'relu', name: 'dec_h' }).apply(z)), name: 'decoder' });
    const inp = input({ shape: [6], name: 'inp' });
    const [mean] = encoder.apply(inp) as SymbolicTensor[];
    const ae = model({ inputs: inp, outputs: decoder.apply(mean!) as SymbolicTensor, name: 'ae' });
    return { encoder, decoder, ae };
  }

  test('two nested models both named by default are told apart (the later is model_1), as tfjs numbers default names; names the user gave must still differ', () => {
    setSeed(9);
    const gx = input({ shape: [2] });
    const generator = model({ inputs: gx, outputs: layers.dense({ units: 3, name: 'g' }).apply(gx) });
    const dx = input({ shape: [3] });
    const discriminator = model({ inputs: dx, outputs: layers.dense({ units: 1, name: 'd' }).apply(dx) });
    expect([generator.name, discriminator.name]).toEqual(['model', 'model']);
    const z = input({ shape: [2], name: 'z' });
    const combined = model({ inputs: z, outputs: discriminator.apply(generator.apply(z) as SymbolicTensor) as SymbolicTensor, name: 'combined' });
    expect(combined.layers.map((l) => l.name)).toEqual(['z', 'model', 'model_1']);
    const named = (n: string) => {
      const i = input({ shape: [2] });
      return model({ inputs: i, outputs: layers.dense({ units: 2 }).apply(i), name: n });
    };
    const [p, q] = [named('twin'), named('twin')];
    const w = input({ shape: [2], name: 'w' });
    expect(() => model({ inputs: w, outputs: q.apply(p.apply(w) as SymbolicTensor) as SymbolicTensor })).toThrow("model: two layers are named 'twin'; layer names must be unique in a model");
  });

  test('a Sequential called on another shape than it declares runs its layers on it, warning once (Keras and tfjs do; mnist-acgan relies on it)', () => {
    setSeed(10);
    const stack = new Sequential({ layers: [layers.dense({ units: 6, inputShape: [4] }), layers.reshape({ targetShape: [2, 3] })] });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const x = randomNormal([5, 1, 4], 0, 1, { seed: 1 });
      // Dense maps the last axis: [5, 1, 4] → [5, 1, 6], reshaped per sample to [2, 3].
      expect(stack.apply(x).shape).toEqual([5, 2, 3]);
      stack.apply(x);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toBe("neurite: Sequential 'sequential' was built for input of shape (None, 4) but is called on [5,1,4]; its layers run on that shape");
      // The layers still refuse what they cannot take, and predict keeps the declared shape.
      expect(() => stack.apply(randomNormal([5, 3], 0, 1, { seed: 2 }))).toThrow();
      expect(() => stack.predict(x)).toThrow('predict: the model expects input of shape (None, 4), got [5,1,4]');
    } finally {
      warn.mockRestore();
    }
  });

  test('a composed graph runs its inner models, shares their weights, and trains them', async () => {
    const { encoder, decoder, ae } = autoencoder();
    expect(ae.layers.map((l) => `${l.name}:${l.className}`)).toEqual(['inp:InputLayer', 'encoder:Functional', 'decoder:Functional']);
    expect(ae.countParams()).toBe(encoder.countParams() + decoder.countParams());
    expect(ae.weights).toHaveLength(encoder.weights.length + decoder.weights.length);
    const x = randomNormal([10, 6], 0, 1, { seed: 2 });
    const direct = decoder.predict((encoder.predict(x) as Tensor[])[0]!) as Tensor;
    expect(Array.from((ae.predict(x) as Tensor).values)).toEqual(Array.from(direct.values));
    const before = Array.from(encoder.weights[0]!.values);
    ae.compile({ optimizer: 'adam', loss: 'mse' });
    const h = await ae.fit(x, x, { epochs: 5, batchSize: 5, verbose: 0 });
    expect(h.params!.path).toBe('compiled');
    expect(h.history.loss![4]).toBeLessThan(h.history.loss![0]!);
    // The encoder's own weights moved: they are the autoencoder's.
    expect(Array.from(encoder.weights[0]!.values)).not.toEqual(before);
  });

  test('a model added to a Sequential is one layer; freezing it freezes its weights', async () => {
    setSeed(4);
    const base = new Sequential({ layers: [layers.dense({ units: 5, activation: 'relu', inputShape: [3] }), layers.dense({ units: 4 })], name: 'base' });
    const top = new Sequential({ layers: [base, layers.dense({ units: 1 })] });
    expect(top.layers.map((l) => l.className)).toEqual(['Sequential', 'Dense']);
    expect(top.outputShape).toEqual([null, 1]);
    expect(top.trainableWeights).toHaveLength(6);
    top.layers[0]!.trainable = false;
    expect(top.trainableWeights).toHaveLength(2);
    const frozen = Array.from(base.weights[0]!.values);
    top.compile({ optimizer: 'sgd', loss: 'mse' });
    await top.fit(randomNormal([8, 3], 0, 1, { seed: 1 }), randomNormal([8, 1], 0, 1, { seed: 2 }), { epochs: 2, verbose: 0 });
    expect(Array.from(base.weights[0]!.values)).toEqual(frozen);
  });
});
