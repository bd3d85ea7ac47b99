import { describe, expect, test } from 'vitest';
import { Adam, RMSprop, SGD, layers, oneHot, randomNormal, sequential, setSeed, tensor, withContext, jsBackend, wasmBackend, wasmSimdSupported, type ActivationName, type Backend, type Optimizer, type Tensor } from '../index.js';

/**
 * The fused step of tiny Dense stacks (assembly/dense-step.ts, one call into WebAssembly per
 * step) is taken where it applies and trains exactly as the kernel-by-kernel planned step on the
 * reference backend: same weights and losses for every head, activation and optimizer it covers.
 */
describe.runIf(wasmSimdSupported())('fused Dense step', () => {
  const wasm = wasmBackend({ threads: 1 });
  let calls = 0;
  const counted: Backend = {
    ...wasm,
    denseStep: (spec) => {
      const run = wasm.denseStep!(spec);
      return run === null ? null : (lr, alpha, epsilon) => { calls++; return run(lr, alpha, epsilon); };
    },
  };

  async function train(backend: Backend, hidden: ActivationName, out: ActivationName, loss: string, y: Tensor, opt: () => Optimizer): Promise<{ weights: number[]; losses: number[] }> {
    return withContext({ backend }, async () => {
      setSeed(3);
      const units = loss === 'sparseCategoricalCrossentropy' ? 3 : y.shape[1]!;
      const m = sequential({ layers: [layers.dense({ units: 5, activation: hidden, inputShape: [3] }), layers.dense({ units, activation: out })] });
      m.compile({ optimizer: opt(), loss });
      const x = randomNormal([22, 3], 0, 1, { seed: 4 });
      const h = await m.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
      return { weights: m.getWeights().flatMap((w) => Array.from(w.values)), losses: h.history.loss! };
    });
  }

  const classes = [0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 1, 1, 0, 2, 0, 1, 2, 2, 0, 1];
  const cases: Array<[ActivationName, ActivationName, string, Tensor]> = [
    ['relu', 'softmax', 'categoricalCrossentropy', oneHot(classes, 3)],
    ['tanh', 'softmax', 'sparseCategoricalCrossentropy', tensor(classes)],
    ['sigmoid', 'sigmoid', 'binaryCrossentropy', tensor(classes.map((c) => [c === 1 ? 1 : 0, c === 2 ? 1 : 0]))],
    ['linear', 'tanh', 'meanSquaredError', randomNormal([22, 2], 0, 0.5, { seed: 9 })],
  ];
  const optimizers: Array<[string, () => Optimizer]> = [
    ['SGD', () => new SGD({ learningRate: 0.1 })],
    ['SGD with Nesterov momentum', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
    ['Adam', () => new Adam({ learningRate: 0.01 })],
  ];
  for (const [hidden, out, loss, y] of cases) {
    for (const [name, opt] of optimizers) {
      test(`${hidden}/${out}, ${loss}, ${name}: fused and equal to the reference step`, async () => {
        calls = 0;
        const fused = await train(counted, hidden, out, loss, y, opt);
        expect(calls, 'the fused step ran').toBe(12); // 4 epochs × 3 batches
        const ref = await train(jsBackend(), hidden, out, loss, y, opt);
        // Same arithmetic; exp and log come from two libms (V8's and AssemblyScript's).
        fused.weights.forEach((v, i) => expect(Math.abs(v - ref.weights[i]!), `weight ${i}`).toBeLessThan(1e-6));
        fused.losses.forEach((l, i) => expect(l).toBeCloseTo(ref.losses[i]!, 6));
      });
    }
  }

  test('optimizers and options it does not cover take the kernel-by-kernel step', async () => {
    for (const opt of [() => new RMSprop(), () => new SGD({ learningRate: 0.1, clipNorm: 1 }), () => new Adam({ amsgrad: true })]) {
      calls = 0;
      await train(counted, 'relu', 'softmax', 'categoricalCrossentropy', oneHot(classes, 3), opt);
      expect(calls).toBe(0);
    }
  });
});
