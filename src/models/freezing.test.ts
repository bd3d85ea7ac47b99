/**
 * Freezing (`trainable = false`) on layers and whole models, with Keras's rule: a model trains
 * the weights that were trainable when it was compiled. The GAN pattern of tfjs-examples
 * mnist-acgan (a discriminator compiled, then frozen for a combined generator + discriminator
 * model) depends on it: the combined model trains the generator alone, the discriminator still
 * trains on its own. References: a twin never frozen (the same seed, so the same weights), and
 * the gradient of the combined loss by autograd for the plain SGD update w − lr·g.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import '../index.js';
import { computeGrads } from '../autograd/engine.js';
import { setSeed, withContext } from '../context/context.js';
import { layers } from '../nn/index.js';
import { randomNormal, tensor } from '../ops/creation.js';
import { mean } from '../ops/reduce.js';
import { square, sub } from '../ops/elementwise.js';
import { SGD } from '../optim/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { input, model } from './functional.js';
import { Sequential } from './sequential.js';

const values = (ws: Tensor[]) => ws.map((w) => Array.from(w.values));

/** An acgan-shaped discriminator: a nested Sequential body, then two heads. */
function discriminator(seed: number) {
  setSeed(seed);
  const body = new Sequential({ layers: [layers.dense({ units: 5, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 4, activation: 'relu' })] });
  const x = input({ shape: [3] });
  const f = body.apply(x) as ReturnType<typeof input>;
  const real = layers.dense({ units: 1, activation: 'sigmoid' }).apply(f) as ReturnType<typeof input>;
  const aux = layers.dense({ units: 2 }).apply(f) as ReturnType<typeof input>;
  const d = model({ inputs: x, outputs: [real, aux] });
  d.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: ['binaryCrossentropy', 'meanSquaredError'] });
  return d;
}

const batch = () => ({
  x: randomNormal([6, 3], 0, 1, { seed: 11 }),
  real: tensor([[1], [0], [1], [0], [1], [0]]),
  aux: randomNormal([6, 2], 0, 1, { seed: 12 }),
});

describe('freezing', () => {
  afterEach(() => vi.restoreAllMocks());

  test('model.trainable freezes and unfreezes every layer, nested models too', () => {
    const d = discriminator(1);
    expect(d.trainable).toBe(true);
    expect(d.trainableWeights).toHaveLength(8);
    d.trainable = false;
    expect(d.trainable).toBe(false);
    expect(d.trainableWeights).toHaveLength(0);
    expect(d.nonTrainableWeights).toHaveLength(8);
    expect(d.weights.every((w) => !w.requiresGrad)).toBe(true);
    d.trainable = true;
    expect(d.trainableWeights).toHaveLength(8);
    expect(d.weights.every((w) => w.requiresGrad)).toBe(true);
  });

  test.each([false, true])('the GAN pattern (runEagerly %s): the combined model trains the generator alone, the discriminator still trains', async (eager) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const d = discriminator(1);
    const twin = discriminator(1);
    expect(values(twin.weights)).toEqual(values(d.weights));
    if (eager) for (const m of [d, twin]) m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: ['binaryCrossentropy', 'meanSquaredError'], runEagerly: true });
    setSeed(2);
    const generator = new Sequential({ layers: [layers.dense({ units: 3, inputShape: [2] })] });
    const z = input({ shape: [2] });
    d.trainable = false;
    const [real, aux] = d.apply(generator.apply(z) as ReturnType<typeof input>) as ReturnType<typeof input>[];
    const combined = model({ inputs: z, outputs: [real!, aux!] });
    combined.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: ['binaryCrossentropy', 'meanSquaredError'], runEagerly: eager });
    expect(combined.trainableWeights.length === 2 && combined.trainableWeights.every((w, i) => w === generator.weights[i])).toBe(true);

    // The combined step: SGD on the generator's weights by the gradient of the combined loss.
    const zs = randomNormal([6, 2], 0, 1, { seed: 13 });
    const { real: ones, aux: auxY } = batch();
    const expected = withContext({ gradEnabled: true }, () => {
      const [p, q] = combined.call(zs, { training: true }) as Tensor[];
      const eps = 1e-7;
      // binaryCrossentropy on clipped probabilities, plus the mean squared error of the aux head.
      const bce = mean(p!.clip(eps, 1 - eps).log().mul(ones).add(p!.clip(eps, 1 - eps).neg().add(1).log().mul(ones.neg().add(1))).neg());
      const loss = bce.add(mean(square(sub(q!, auxY))));
      const g = computeGrads(loss);
      return generator.weights.map((w) => Array.from(w.values, (v, i) => v - 0.5 * g.get(w)!.values[i]!));
    });
    const dBefore = values(d.weights);
    await combined.trainOnBatch(zs, [ones, auxY]);
    expect(values(d.weights)).toEqual(dBefore);
    generator.weights.forEach((w, k) => Array.from(w.values).forEach((v, i) => expect(v).toBeCloseTo(expected[k]![i]!, 5)));

    // The discriminator, compiled before it was frozen, trains every weight as its never-frozen twin.
    const b = batch();
    await d.trainOnBatch(b.x, [b.real, b.aux]);
    await twin.trainOnBatch(b.x, [b.real, b.aux]);
    values(d.weights).forEach((w, k) => {
      expect(w).not.toEqual(dBefore[k]);
      w.forEach((v, i) => expect(v).toBeCloseTo(values(twin.weights)[k]![i]!, 6));
    });
    // Its weights stay frozen for everything else.
    expect(d.weights.every((w) => !w.requiresGrad)).toBe(true);
    expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('trainable changed since compile'))).toEqual([
      'neurite: model: trainable changed since compile (0 trainable weight tensors now, 8 then); training updates the ones it was compiled with, as Keras does: call compile again to train the others',
    ]);
  });

  test('freezing a layer takes effect at the next compile (Keras), with a warning until then', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    setSeed(3);
    const m = new Sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [2] }), layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = randomNormal([8, 2], 0, 1, { seed: 4 });
    const y = randomNormal([8, 1], 0, 1, { seed: 5 });
    m.layers[0]!.trainable = false;
    const first = Array.from(m.layers[0]!.weights[0]!.values);
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Array.from(m.layers[0]!.weights[0]!.values)).not.toEqual(first);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('(2 trainable weight tensors now, 4 then)'));
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const frozen = Array.from(m.layers[0]!.weights[0]!.values);
    const top = Array.from(m.layers[1]!.weights[0]!.values);
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Array.from(m.layers[0]!.weights[0]!.values)).toEqual(frozen);
    expect(Array.from(m.layers[1]!.weights[0]!.values)).not.toEqual(top);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  test('a model built after compile takes its trainable weights at the first step', async () => {
    setSeed(6);
    const m = new Sequential({ layers: [layers.dense({ units: 3 }), layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    m.layers[0]!.trainable = false;
    const x = randomNormal([4, 2], 0, 1, { seed: 7 });
    await m.trainOnBatch(x, randomNormal([4, 1], 0, 1, { seed: 8 }));
    const frozen = Array.from(m.layers[0]!.weights[0]!.values);
    await m.trainOnBatch(x, randomNormal([4, 1], 0, 1, { seed: 9 }));
    expect(Array.from(m.layers[0]!.weights[0]!.values)).toEqual(frozen);
  });

  test('freezing a wrapper freezes the layer it wraps', () => {
    const b = layers.bidirectional({ layer: layers.lstm({ units: 2 }) });
    b.build([null, 3, 2]);
    b.trainable = false;
    expect(b.trainableWeights).toHaveLength(0);
    expect(b.weights.every((w) => !w.requiresGrad)).toBe(true);
    b.trainable = true;
    expect(b.weights.every((w) => w.requiresGrad)).toBe(true);
  });
});
