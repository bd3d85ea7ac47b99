import { describe, expect, test } from 'vitest';
import { getContext, layers, oneHot, randomNormal, sequential, setSeed, sum } from '../index.js';
import { adopt } from '../models/compiled.js';
import { Tensor } from '../tensor/tensor.js';
import { fuseBiasActivation, fuseConvolutions } from './fuse.js';
import { compile, fold, link, productsAsGemm, prune, record } from './trace.js';
import { conv2d, im2col, window2d } from '../ops/conv.js';

describe('bias + activation fusion', () => {
  // A training step of dense(16, act) → dense(3, softmax), recorded, then replayed unfused and
  // fused on new inputs: the same bits, in fewer calls.
  test.each(['relu', 'sigmoid', 'tanh'] as const)('%s: biasAct (and relu\'s actGrad) replace the ops, with the same results', (act) => {
    setSeed(3);
    const backend = getContext().backend;
    const m = sequential({ layers: [layers.dense({ units: 16, activation: act, inputShape: [12] }), layers.dense({ units: 3, activation: 'softmax' })] });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    for (const w of m.weights) adopt(w, backend);
    const buf = (n: number) => backend.allocResident?.(n) ?? new Float32Array(n);
    const x = new Tensor(buf(8 * 12), [8, 12]);
    const y = new Tensor(buf(8 * 3), [8, 3]);
    const rec = record(backend, () => m.trainStep(x, y));
    const outputs = [rec.result.loss, rec.result.pred as Tensor, ...m.trainableWeights.map((w) => rec.result.grads.get(w)!)];
    const keep = new Set(outputs.map((t) => t.values));
    const plain = fold(prune(rec.calls, keep, rec.owned), rec.owned);
    const fused = fuseBiasActivation(plain, keep, rec.owned);
    const kinds = fused.map((c) => c.kernel);
    expect(kinds).toContain('biasAct');
    // The hidden layer's add and activation, and the output layer's add alone (its softmax is fused with the loss).
    expect(fused.filter((c) => c.kernel === 'biasAct').map((c) => c.args[4])).toEqual([act, 'linear']);
    expect(kinds).not.toContain('add');
    if (act === 'relu') {
      expect(kinds).toContain('actGrad');
      // relu's greater and where go, and so does the where of its gradient.
      const count = (calls: readonly { kernel: string }[], k: string) => calls.filter((c) => c.kernel === k).length;
      expect(count(fused, 'greater')).toBe(count(plain, 'greater') - 1);
      expect(count(fused, 'where')).toBe(count(plain, 'where') - 2);
    } else expect(kinds).not.toContain(act);
    expect(fused.length).toBeLessThan(plain.length);
    const run = (calls: typeof plain) => {
      x.values.set(randomNormal([8, 12], 0, 1, { seed: 5 }).values);
      y.values.set(oneHot([0, 1, 2, 0, 1, 2, 0, 1], 3).values);
      link(calls, backend)();
      return outputs.map((t) => Array.from(t.values));
    };
    expect(run(fused)).toEqual(run(plain));
  });
});

describe('convolutions without their window matrices', () => {
  // A training step of conv 'same' (relu) → strided, dilated conv → dense softmax, recorded, then
  // replayed unfused and with the window matrices fused away: the same bits, and no im2col or
  // col2im left (the first convolution's input gradient was never needed).
  test('im2col, its products and col2im become conv, convGradFilter and convGradInput, with the same results', () => {
    setSeed(5);
    const backend = getContext().backend;
    const m = sequential({ layers: [
      layers.conv2d({ inputShape: [9, 8, 3], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      layers.conv2d({ filters: 5, kernelSize: [3, 2], strides: [2, 1], dilationRate: [1, 2], activation: 'tanh' }),
      layers.flatten(), layers.dense({ units: 3, activation: 'softmax' }),
    ] });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    for (const w of m.weights) adopt(w, backend);
    const buf = (n: number) => backend.allocResident?.(n) ?? new Float32Array(n);
    const x = new Tensor(buf(6 * 9 * 8 * 3), [6, 9, 8, 3]);
    const y = new Tensor(buf(6 * 3), [6, 3]);
    const rec = record(backend, () => m.trainStep(x, y));
    const outputs = [rec.result.loss, rec.result.pred as Tensor, ...m.trainableWeights.map((w) => rec.result.grads.get(w)!)];
    const keep = new Set(outputs.map((t) => t.values));
    const plain = productsAsGemm(fold(prune(rec.calls, keep, rec.owned), rec.owned));
    const fused = fuseConvolutions(plain, keep, rec.owned);
    const count = (calls: readonly { kernel: string }[], k: string) => calls.filter((c) => c.kernel === k).length;
    expect(count(plain, 'im2col')).toBe(2);
    expect(count(plain, 'col2im')).toBe(1);
    expect([count(fused, 'im2col'), count(fused, 'col2im')]).toEqual([0, 0]);
    expect([count(fused, 'conv'), count(fused, 'convGradFilter'), count(fused, 'convGradInput')]).toEqual([2, 2, 1]);
    // 2 im2col + 4 products + 1 product and col2im → 5 calls.
    expect(plain.length - fused.length).toBe(3);
    const run = (calls: typeof plain) => {
      x.values.set(randomNormal([6, 9, 8, 3], 0, 1, { seed: 8 }).values);
      y.values.set(oneHot([0, 1, 2, 0, 1, 2], 3).values);
      link(calls, backend)();
      return outputs.map((t) => Array.from(t.values));
    };
    // Bit for bit where the fused kernels are the backend's own (native) or the unfused calls'
    // composition on the same kernels (the reference backend); on WebAssembly, which runs the
    // products in its SIMD GEMM but has no window-free kernels (compile does not fuse there), the
    // fused calls are the reference's: within the products' rounding.
    const native = backend.nativeKernels ?? [];
    const [got, want] = [run(fused), run(plain)];
    if (native.includes('conv') || !native.includes('gemm')) expect(got).toEqual(want);
    else got.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - want[i]![j]!)).toBeLessThan(1e-5 * (1 + Math.abs(want[i]![j]!)))));
  });

  test('a window matrix something else reads stays', () => {
    const backend = getContext().backend;
    const x = new Tensor(new Float32Array(2 * 5 * 5 * 2).fill(1), [2, 5, 5, 2]);
    const filter = new Tensor(new Float32Array(3 * 3 * 2 * 4).fill(0.5), [3, 3, 2, 4]);
    const rec = record(backend, () => {
      const w = window2d('test', x.shape, 3);
      const cols = im2col(x, w);
      return [conv2d(x, filter), sum(cols)];
    });
    const keep = new Set(rec.result.map((t) => t.values));
    const calls = productsAsGemm(fold(prune(rec.calls, keep, rec.owned), rec.owned));
    // conv2d's own im2col fuses with its product; the one summed stays.
    const fused = fuseConvolutions(calls, keep, rec.owned);
    expect(fused.map((c) => c.kernel)).toEqual(['im2col', 'conv', 'sum']);
  });
});

describe('where convolutions are fused', () => {
  test('compile fuses the window matrices away only on a backend that runs the window-free kernels natively', () => {
    setSeed(2);
    const base = getContext().backend;
    const m = sequential({ layers: [layers.conv2d({ inputShape: [7, 7, 2], filters: 3, kernelSize: 3, activation: 'relu' }), layers.conv2d({ filters: 4, kernelSize: 2 }), layers.flatten(), layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = new Tensor(new Float32Array(4 * 7 * 7 * 2).fill(0.5), [4, 7, 7, 2]);
    const y = new Tensor(new Float32Array(4), [4, 1]);
    const callsOn = (nativeKernels: readonly string[]): number => {
      const backend = { ...base, nativeKernels };
      const rec = record(backend, () => m.trainStep(x, y), {}, { dry: true });
      const outputs = [rec.result.loss, ...m.trainableWeights.map((w) => rec.result.grads.get(w)!)].map((t) => t.values);
      return compile(rec, outputs, backend).calls;
    };
    // 2 im2col + 4 products → 4 fused calls; the second convolution's input gradient, a product and col2im → 1.
    expect(callsOn(['gemm']) - callsOn(['gemm', 'conv'])).toBe(3);
  });
});
