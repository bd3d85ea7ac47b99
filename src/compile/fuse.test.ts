import { describe, expect, test } from 'vitest';
import { getContext, layers, oneHot, randomNormal, sequential, setSeed } from '../index.js';
import { adopt } from '../models/compiled.js';
import { Tensor } from '../tensor/tensor.js';
import { fuseBiasActivation } from './fuse.js';
import { fold, link, prune, record } from './trace.js';

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
