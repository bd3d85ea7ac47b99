import { describe, expect, test } from 'vitest';
import { Adam, SGD, layers, oneHot, randomNormal, sequential, setSeed, tensor, type ActivationName, type Optimizer, type Sequential, type Tensor } from '../index.js';
import { planStep } from './plan.js';
import { getLoss } from '../losses/index.js';
import { getContext } from '../context/context.js';

/**
 * The planned step must make exactly the updates the general (autograd) path makes: each
 * configuration trains twice from the same weights on the same batches — once through fit
 * (planned) and once through trainOnBatch (general) — and the weights must agree.
 */
function model(hidden: ActivationName, out: ActivationName, units: number, seed: number, rescale = false): Sequential {
  setSeed(seed);
  // Two leading Rescaling layers (the plan folds them into gathering the rows): (x/3 + 0.25)·2 − 1.
  const pre = rescale ? [layers.rescaling({ scale: 1 / 3, offset: 0.25, inputShape: [3] }), layers.rescaling({ scale: 2, offset: -1 })] : [];
  return sequential({ layers: [...pre, layers.dense({ units: 5, activation: hidden, ...(rescale ? {} : { inputShape: [3] }) }), layers.dense({ units: 4, activation: hidden }), layers.dense({ units, activation: out })] });
}

async function compare(hidden: ActivationName, out: ActivationName, loss: string, y: Tensor, makeOpt: () => Optimizer, rescale = false): Promise<void> {
  const units = loss === 'sparseCategoricalCrossentropy' ? 3 : y.shape[1]!;
  const x = randomNormal([22, 3], 0, 1, { seed: 4 });
  const a = model(hidden, out, units, 7, rescale);
  const b = model(hidden, out, units, 7, rescale);
  a.compile({ optimizer: makeOpt(), loss });
  b.compile({ optimizer: makeOpt(), loss });
  expect(planStep(a.layers, getLoss(loss), a.optimizer, getContext().backend), 'the plan applies').not.toBeNull();
  const h = await a.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
  const losses: number[] = [];
  for (let e = 0; e < 3; e++) {
    let sum = 0;
    for (let s = 0; s < 22; s += 8) {
      const end = Math.min(22, s + 8);
      const r = await b.trainOnBatch(x.slice([s], [end - s]), y.slice([s], [end - s]));
      sum += (r as number) * (end - s);
    }
    losses.push(sum / 22);
  }
  const wa = a.getWeights().flatMap((w) => Array.from(w.values));
  const wb = b.getWeights().flatMap((w) => Array.from(w.values));
  wa.forEach((v, i) => expect(Math.abs(v - wb[i]!), `weight ${i}`).toBeLessThan(2e-5));
  h.history.loss!.forEach((l, i) => expect(l).toBeCloseTo(losses[i]!, 4));
}

const classes = [0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 1, 1, 0, 2, 0, 1, 2, 2, 0, 1];
const onehot = oneHot(classes, 3);
const sparse = tensor(classes);
const binary = tensor(classes.map((c) => [c === 1 ? 1 : 0, c === 2 ? 1 : 0]));
const regression = randomNormal([22, 2], 0, 1, { seed: 9 });

describe('planned training step equals the general path', () => {
  const sgd = (): Optimizer => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
  const adam = (): Optimizer => new Adam({ learningRate: 0.01 });
  for (const hidden of ['relu', 'tanh', 'sigmoid', 'linear'] as const) {
    test(`${hidden} hidden layers, softmax + categorical cross-entropy, SGD`, () => compare(hidden, 'softmax', 'categoricalCrossentropy', onehot, sgd));
  }
  test('softmax + sparse categorical cross-entropy, Adam', () => compare('relu', 'softmax', 'sparseCategoricalCrossentropy', sparse, adam));
  test('sigmoid + binary cross-entropy, Adam', () => compare('tanh', 'sigmoid', 'binaryCrossentropy', binary, adam));
  test('linear + mean squared error, SGD', () => compare('relu', 'linear', 'meanSquaredError', regression, sgd));
  test('sigmoid + mean squared error, Adam', () => compare('tanh', 'sigmoid', 'meanSquaredError', binary, adam));
  test('after leading Rescaling layers, softmax + categorical cross-entropy, SGD', () => compare('relu', 'softmax', 'categoricalCrossentropy', onehot, sgd, true));

  test('planned predict equals the general forward pass', () => {
    for (const [hidden, out, rescale] of [['relu', 'softmax', false], ['tanh', 'sigmoid', false], ['sigmoid', 'linear', false], ['linear', 'tanh', false], ['relu', 'softmax', true]] as const) {
      const m = model(hidden, out, 3, 5, rescale);
      const x = randomNormal([37, 3], 0, 1, { seed: 6 });
      const planned = m.predict(x, { batchSize: 16 });
      const general = m.apply(x);
      expect(planned.shape).toEqual([37, 3]);
      planned.values.forEach((v, i) => expect(Math.abs(v - general.values[i]!), `${hidden}/${out} element ${i}`).toBeLessThan(1e-6));
    }
  });

  test('models outside the plan use the general path', () => {
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [2] }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(planStep(m.layers, getLoss('mse'), m.optimizer, getContext().backend)).toBeNull();
    const h = sequential({ layers: [layers.dense({ units: 2, inputShape: [2], activation: 'softmax' })] });
    h.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    expect(planStep(h.layers, getLoss('binaryCrossentropy'), h.optimizer, getContext().backend)).toBeNull();
    // Rescaling is folded in only before the first Dense layer.
    const r = sequential({ layers: [layers.dense({ units: 2, inputShape: [2] }), layers.rescaling({ scale: 2 }), layers.dense({ units: 1 })] });
    r.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(planStep(r.layers, getLoss('mse'), r.optimizer, getContext().backend)).toBeNull();
  });
});
