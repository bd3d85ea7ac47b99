// The compiled step against the eager path it is recorded from: same updates for every layer,
// activation, loss, optimizer, regularizer and fit option; dropout masks new per step and
// reproducible by seed; the road reported, with the reason when a step stays eager.
import { describe, expect, test } from 'vitest';
import {
  ACTIVATIONS, type ActivationName, Adadelta, Adagrad, Adam, AdamW, Adamax, Layer, RMSprop, SGD, type CompileArgs, type FitArgs, type Tensor,
  Sequential, cosineDecay, exponentialDecay, gather, input, layers, lossNames, model, mul, oneHot, optimizerNames, randomNormal, randomUniform, regularizers, constraints, sequential, setSeed, tensor,
  type Model, type SymbolicTensor, type SymbolicShape, initializers,
} from '../index.js';
import { getContext } from '../context/context.js';
import { compileStep } from './compiled.js';

const X = randomNormal([24, 4], 0, 1, { seed: 3 });
const LABELS = tensor(Array.from({ length: 24 }, (_, i) => i % 3));
const Y3 = oneHot(LABELS, 3);
const Y1 = tensor(Array.from({ length: 24 }, (_, i) => [i % 2]));

/** Trains the model eagerly and compiled from the same seed; returns both runs' weights and roads. */
async function both<M extends Model>(make: () => M, compile: () => CompileArgs<string, string, string>, x: Tensor, y: Tensor, fit: FitArgs = {}) {
  const run = async (runEagerly: boolean) => {
    setSeed(7);
    const m = make();
    m.compile({ ...compile(), runEagerly });
    const h = await m.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0, ...fit });
    return { weights: m.getWeights().map((w) => Array.from(w.values)), history: h, model: m };
  };
  return { eager: await run(true), compiled: await run(false) };
}

function expectSameWeights(a: number[][], b: number[][]): void {
  expect(a.length).toBe(b.length);
  a.forEach((w, i) => {
    const worst = w.reduce((m, v, j) => Math.max(m, Math.abs(v - b[i]![j]!)), 0);
    expect(worst, `weight ${i}`).toBeLessThanOrEqual(1e-6);
  });
}

const cases: Array<[string, () => Sequential, () => CompileArgs<string, string, string>, Tensor, FitArgs?]> = [
  ['dense + dropout, softmax CE, Adam', () => sequential({ layers: [layers.dense({ units: 6, activation: 'relu', inputShape: [4] }), layers.dropout({ rate: 0.3 }), layers.dense({ units: 3, activation: 'softmax' })] }), () => ({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] }), Y3],
  ['batch normalization + leakyReLU, sigmoid BCE, centered RMSprop with momentum', () => sequential({ layers: [layers.dense({ units: 5, inputShape: [4] }), layers.batchNormalization(), layers.leakyReLU(), layers.dense({ units: 1, activation: 'sigmoid' })] }), () => ({ optimizer: new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true }), loss: 'binaryCrossentropy' }), Y1],
  ['maxout, MSE, Nesterov SGD with clipNorm', () => sequential({ layers: [layers.maxout({ units: 4, pieces: 3, inputShape: [4] }), layers.dense({ units: 1 })] }), () => ({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, clipNorm: 0.5 }), loss: 'meanSquaredError' }), Y1],
  ['rescaling + L2 regularizer, huber, Adagrad', () => sequential({ layers: [layers.rescaling({ scale: 0.5, offset: 0.1, inputShape: [4] }), layers.dense({ units: 5, activation: 'tanh', kernelRegularizer: regularizers.l2({ l2: 0.01 }), biasRegularizer: regularizers.l1({ l1: 0.01 }) }), layers.dense({ units: 1 })] }), () => ({ optimizer: new Adagrad({ learningRate: 0.1 }), loss: 'huber' }), Y1],
  ['activation layer, sparse CE, Adadelta, global clipping', () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.activation({ activation: 'softmax' })] }), () => ({ optimizer: new Adadelta({ learningRate: 1, globalClipNorm: 1 }), loss: 'sparseCategoricalCrossentropy' }), LABELS],
  ['dropout, hinge, AdamW', () => sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [4] }), layers.dropout({ rate: 0.5, seed: 11 }), layers.dense({ units: 1, activation: 'tanh' })] }), () => ({ optimizer: new AdamW({ learningRate: 0.01 }), loss: 'hinge' }), Y1],
  ['dropout, MAE, Adamax with clipValue', () => sequential({ layers: [layers.dense({ units: 4, activation: 'elu', inputShape: [4] }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3 })] }), () => ({ optimizer: new Adamax({ learningRate: 0.01, clipValue: 0.1 }), loss: 'meanAbsoluteError' }), Y3],
  ['dropout, SSE, amsgrad Adam', () => sequential({ layers: [layers.dense({ units: 3, activation: 'sigmoid', inputShape: [4] }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 1, activation: 'sigmoid' })] }), () => ({ optimizer: new Adam({ learningRate: 0.01, amsgrad: true }), loss: 'sumSquaredError' }), Y1],
  ['dropout, Adamax, its update inside the program', () => sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [4] }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3, activation: 'softmax' })] }), () => ({ optimizer: new Adamax({ learningRate: 0.02 }), loss: 'categoricalCrossentropy' }), Y3],
  ['dropout, Nesterov SGD on an exponential decay schedule', () => sequential({ layers: [layers.dense({ units: 4, activation: 'tanh', inputShape: [4] }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 1 })] }), () => ({ optimizer: new SGD({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 }), momentum: 0.8, nesterov: true }), loss: 'meanSquaredError' }), Y1],
  ['dropout, AdamW on a cosine schedule with warm-up', () => sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [4] }), layers.dropout({ rate: 0.3 }), layers.dense({ units: 3, activation: 'softmax' })] }), () => ({ optimizer: new AdamW({ learningRate: cosineDecay({ initialLearningRate: 0.05, decaySteps: 8, warmupTarget: 0.1, warmupSteps: 3 }), weightDecay: 0.1 }), loss: 'categoricalCrossentropy' }), Y3],
  ['a Dense stack, softmax CE, SGD', () => sequential({ layers: [layers.dense({ units: 5, activation: 'relu', inputShape: [4] }), layers.dense({ units: 5, activation: 'relu' }), layers.dense({ units: 3, activation: 'softmax' })] }), () => ({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] }), Y3],
  ['a Dense stack, sparse CE, Adam', () => sequential({ layers: [layers.dense({ units: 5, activation: 'relu', inputShape: [4] }), layers.dense({ units: 3, activation: 'softmax' })] }), () => ({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy' }), LABELS],
  ['a Dense stack, sigmoid BCE, Adam', () => sequential({ layers: [layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }), layers.dense({ units: 1, activation: 'sigmoid' })] }), () => ({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' }), Y1],
  ['a Dense stack, linear MSE, Nesterov SGD', () => sequential({ layers: [layers.dense({ units: 5, activation: 'relu', inputShape: [4] }), layers.dense({ units: 1 })] }), () => ({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), loss: 'meanSquaredError' }), Y1],
  ['Rescaling then a Dense stack, softmax CE, SGD', () => sequential({ layers: [layers.rescaling({ scale: 1 / 3, offset: -0.5, inputShape: [4] }), layers.dense({ units: 5, activation: 'relu' }), layers.dense({ units: 3, activation: 'softmax' })] }), () => ({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' }), Y3],
  ['the notes\' 2-2-1 XOR shape, a tiny program (the WebAssembly sequencer), BCE, SGD', () => sequential({ layers: [layers.dense({ units: 2, activation: 'sigmoid', inputShape: [4] }), layers.dense({ units: 1, activation: 'sigmoid' })] }), () => ({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'binaryCrossentropy' }), Y1, { batchSize: 4 }],
  ['a tiny tanh program, MSE, SGD with momentum', () => sequential({ layers: [layers.dense({ units: 3, activation: 'tanh', inputShape: [4] }), layers.dense({ units: 1 })] }), () => ({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9 }), loss: 'meanSquaredError' }), Y1, { batchSize: 3 }],
  ['sample weights', () => sequential({ layers: [layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] }), () => ({ optimizer: 'sgd', loss: 'categoricalCrossentropy' }), Y3, { sampleWeight: tensor(Array.from({ length: 24 }, (_, i) => 1 + (i % 4))) }],
  ['class weights', () => sequential({ layers: [layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] }), () => ({ optimizer: 'adam', loss: 'categoricalCrossentropy' }), Y3, { classWeight: { 0: 1, 1: 3, 2: 0.5 } }],
  ['accumulateSteps and validation data', () => sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [4] }), layers.dropout({ rate: 0.25 }), layers.dense({ units: 3, activation: 'softmax' })] }), () => ({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] }), Y3, { accumulateSteps: 2, validationData: [X, Y3] }],
];

describe('the compiled step makes the eager path\'s updates', () => {
  test.each(cases)('%s', async (_name, make, compile, y, fit) => {
    const { eager, compiled } = await both(make, compile, X, y, fit);
    expect(compiled.history.params!.path).toBe('compiled');
    expect(eager.history.params!.path).toBe('eager');
    expect(eager.history.params!.pathReason).toBe('compile({runEagerly: true})');
    expectSameWeights(compiled.weights, eager.weights);
    for (const k of Object.keys(eager.history.history)) {
      eager.history.history[k]!.forEach((v, i) => expect(compiled.history.history[k]![i]).toBeCloseTo(v, 5));
    }
  });

  // Every activation a layer accepts by name, but the step function (whose gradient refuses).
  const trainable = Object.keys(ACTIVATIONS).filter((a) => a !== 'step' && a !== 'heaviside') as ActivationName[];
  test.each(trainable)('activation %s', async (activation) => {
    const make = () => sequential({ layers: [layers.dense({ units: 4, activation, inputShape: [4] }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3, activation: 'softmax' })] });
    const { eager, compiled } = await both(make, () => ({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' }), X, Y3);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
  });
});

class Doubler extends Layer {
  readonly className = 'Doubler';
  call(x: Tensor): Tensor {
    return mul(x, 2);
  }
}

/** A custom layer written as tfjs programs write them: static className, positional addWeight, read(). */
class TfjsScale extends layers.Layer {
  static className = 'TfjsScale';
  w: Tensor | null = null;
  override build(shape: SymbolicShape): void {
    this.w = this.addWeight('w', [shape[shape.length - 1]!], 'float32', initializers.randomUniform({ minval: 0.5, maxval: 1.5 }));
  }
  call(x: Tensor | Tensor[]): Tensor {
    return mul(Array.isArray(x) ? x[0]! : x, this.w!.read());
  }
}

/** Reads a value into plain code (item()), which a recorded program cannot replay. */
class ScaledByFirst extends Layer {
  readonly className = 'ScaledByFirst';
  call(x: Tensor): Tensor {
    return mul(x, x.slice([0, 0], [1, 1]).item());
  }
}

/** Picks rows by indices held in a tensor: traceable, the kernel reads them on each replay. */
class FirstRowOnly extends Layer {
  readonly className = 'FirstRowOnly';
  call(x: Tensor): Tensor {
    return gather(x, tensor(Array.from({ length: x.shape[0]! }, () => 0)));
  }
}

/** Scales its input by its own mean, computed in plain code from .values: invisible to a recording. */
class MeanScaled extends Layer {
  readonly className = 'MeanScaled';
  call(x: Tensor): Tensor {
    let m = 0;
    for (const v of x.values) m += Math.abs(v);
    return mul(x, 1 / (1 + m / x.size));
  }
}

describe('the update inside the program', () => {
  const make = () => sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [4] }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3, activation: 'softmax' })] });
  const program = (optimizer: CompileArgs<string, string, string>['optimizer']) => {
    const m = make();
    m.compile({ optimizer, loss: 'categoricalCrossentropy' });
    return m.compiledTrainStep([X], [Y3], 5, false);
  };
  test.each([['SGD', new SGD()], ['Adam', new Adam()], ['AdamW', new AdamW()], ['RMSprop', new RMSprop({ centered: true, momentum: 0.5 })], ['Adagrad', new Adagrad()], ['Adadelta', new Adadelta()], ['Adamax', new Adamax()],
    ['SGD with clipNorm', new SGD({ clipNorm: 1 })], ['Adam with clipValue', new Adam({ clipValue: 1 })], ['RMSprop with globalClipNorm', new RMSprop({ globalClipNorm: 1 })]] as const)(
    '%s: recorded, the program updates the weights and gives no gradients to apply', (_name, optimizer) => {
      const p = program(optimizer);
      expect('why' in p).toBe(false);
      if ('why' in p) return;
      expect(p.updates).toBe(true);
      expect(p.grads).toEqual([]);
      const before = optimizer.iterations;
      p.run();
      // A replay is one update: the optimizer counts it.
      expect(optimizer.iterations).toBe(before + 1);
    });
  test.each([['AMSGrad', new Adam({ amsgrad: true })]] as const)(
    '%s: the update stays the optimizer\'s, after each replay, from the program\'s gradients', (_name, optimizer) => {
      const p = program(optimizer);
      if ('why' in p) throw new Error(p.why);
      expect(p.updates).toBe(false);
      expect(p.grads.length).toBe(4);
    });
  test('gradients accumulated over batches keep the update outside', () => {
    const m = make();
    m.compile({ optimizer: new SGD(), loss: 'categoricalCrossentropy' });
    const p = m.compiledTrainStep([X], [Y3], 5, false, false);
    if ('why' in p) throw new Error(p.why);
    expect(p.updates).toBe(false);
  });
});

describe('the road taken', () => {
  test('a custom layer that computes on values unseen is caught on a second batch: eager, with the reason, same training', async () => {
    const make = () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), new MeanScaled({}), layers.dense({ units: 1 })] });
    const { eager, compiled } = await both(make, () => ({ optimizer: 'sgd', loss: 'mse' }), X, Y1);
    expect(compiled.history.params!.path).toBe('eager');
    expect(compiled.history.params!.pathReason).toMatch(/^the step could not be compiled: replayed on a second batch, the recorded step gives the loss .* where the eager step gives .*: some code computes on tensor values outside ops/);
    expectSameWeights(compiled.weights, eager.weights);
    // predict checks its program too: the eager forward pass, not a replay of the first batch.
    // (The layer's output depends on its batch: compare batch by batch, 8 rows each.)
    const m = compiled.model;
    const manual = [0, 8, 16].flatMap((s) => Array.from(m.predictOnBatch(X.slice([s, 0], [8, 4])).values));
    Array.from(m.predict(X, { batchSize: 8 }).values).forEach((v, i) => expect(v).toBeCloseTo(manual[i]!, 5));
  });

  test('a custom layer after an embedding compiles: the second-batch check keeps token ids whole (scaled ids would not exist)', async () => {
    // ids 0..7 into an 8-row table: scaled by 7/8 the check's ids would be fractions the
    // embedding refuses (the failure tfjs-examples' date-conversion model met).
    const ids = tensor(Array.from({ length: 24 }, (_, i) => [(i * 3) % 8, (i * 5 + 1) % 8, 7 - (i % 8)]));
    const make = () => sequential({ layers: [layers.embedding({ inputDim: 8, outputDim: 2, inputLength: 3 }), new TfjsScale({}), layers.flatten(), layers.dense({ units: 1 })] });
    const { eager, compiled } = await both(make, () => ({ optimizer: 'sgd', loss: 'mse' }), ids, Y1);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
    expect(compiled.model.predict(ids).shape).toEqual([24, 1]);
  });

  test('a custom layer written with ops compiles', async () => {
    const { eager, compiled } = await both(() => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), new Doubler({}), layers.dense({ units: 1 })] }), () => ({ optimizer: 'sgd', loss: 'mse' }), X, Y1);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
  });

  test('a layer that reads values in plain code stays eager, says why, and trains as before', async () => {
    const make = () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), new ScaledByFirst({}), layers.dense({ units: 1 })] });
    const { eager, compiled } = await both(make, () => ({ optimizer: 'sgd', loss: 'mse' }), X, Y1);
    expect(compiled.history.params!.path).toBe('eager');
    expect(compiled.history.params!.pathReason).toBe('the step could not be compiled: tensor.item() (a value read into plain code)');
    expectSameWeights(compiled.weights, eager.weights);
    // verbose 1 opens with it.
    let out = '';
    const m = make();
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await m.fit(X, Y1, { epochs: 1, verbose: 1, stream: { write: (s: string) => void (out += s) } });
    expect(out.split('\n')[0]).toBe('Training step: eager (the step could not be compiled: tensor.item() (a value read into plain code))');
  });

  test('gather with indices from a tensor compiles: the kernel reads them on each replay', async () => {
    const make = () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), new FirstRowOnly({}), layers.dense({ units: 1 })] });
    const { eager, compiled } = await both(make, () => ({ optimizer: 'sgd', loss: 'mse' }), X, Y1);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
  });

  test('a Dense stack takes the compiled step too, its update inside the program', async () => {
    const m = sequential({ layers: [layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const h = await m.fit(X, Y3, { verbose: 0 });
    expect(h.params!.path).toBe('compiled');
    expect(h.params!.pathReason).toBeUndefined();
    const p = m.compiledTrainStep([X], [Y3], 5, false);
    expect('why' in p ? p.why : p.updates).toBe(true);
  });
});

describe('dropout in the compiled step', () => {
  const model = () => sequential({ layers: [layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 2 })] });

  test('a new mask every replay', () => {
    setSeed(1);
    const m = model();
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const y = randomUniform([6, 2], 0, 1, { seed: 2 });
    const step = compileStep({ step: (xb, yb) => { const r = m.trainStep(xb[0]!, yb[0]!); return { loss: r.loss, preds: [r.pred as Tensor], outputLosses: [], grads: r.grads }; }, layers: m.layers, batch: 6, xs: [X], ys: [y], weighted: false, backend: getContext().backend }, m.trainableWeights);
    if ('why' in step) throw new Error(step.why);
    step.run();
    const first = Array.from(step.preds[0]!.values);
    step.run();
    expect(Array.from(step.preds[0]!.values)).not.toEqual(first);
  });

  test('the same seed reproduces the whole run, bit for bit', async () => {
    const run = async () => {
      setSeed(5);
      const m = model();
      m.compile({ optimizer: 'adam', loss: 'mse' });
      await m.fit(X, randomUniform([24, 2], 0, 1, { seed: 2 }), { epochs: 3, batchSize: 4, verbose: 0 });
      return m.getWeights().map((w) => Array.from(w.values));
    };
    expect(await run()).toEqual(await run());
  });

  test('inference applies no mask', async () => {
    setSeed(5);
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    await m.fit(X, randomUniform([24, 2], 0, 1, { seed: 2 }), { epochs: 1, batchSize: 4, verbose: 0 });
    const a = m.predict(X).values;
    expect(Array.from(m.predict(X).values)).toEqual(Array.from(a));
    const manual = m.layers[2]!.apply(m.layers[0]!.apply(X));
    Array.from(manual.values).forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));
  });
});

describe('the Model base class and its steps', () => {
  /** A Sequential whose step doubles the loss (so the gradients): trainStep is the model's to change. */
  class DoubledLoss extends Sequential {
    override trainStep(x: Tensor, y: Tensor, sampleWeight?: Tensor) {
      const r = super.trainStep(x, y, sampleWeight);
      return { ...r, loss: mul(r.loss, 2), grads: new Map([...r.grads].map(([w, g]) => [w, mul(g, 2)] as const)) };
    }
  }

  test('an overridden trainStep is what fit compiles', async () => {
    const make = (doubled: boolean) => {
      const layersList = [layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })];
      return doubled ? new DoubledLoss({ layers: layersList }) : sequential({ layers: layersList });
    };
    const { eager, compiled } = await both(() => make(true), () => ({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' }), X, Y3);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
    // Doubling the gradient with SGD = doubling the learning rate.
    const plain = await both(() => make(false), () => ({ optimizer: new SGD({ learningRate: 0.2 }), loss: 'categoricalCrossentropy' }), X, Y3);
    expect(plain.compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, plain.compiled.weights);
    compiled.history.history.loss!.forEach((v, i) => expect(v).toBeCloseTo(2 * plain.compiled.history.history.loss![i]!, 5));
  });

  test('evaluate and predict replay compiled programs with the eager results (dropout and batch normalization at inference)', async () => {
    setSeed(2);
    const m = sequential({ layers: [layers.dense({ units: 6, activation: 'relu', inputShape: [4] }), layers.batchNormalization(), layers.dropout({ rate: 0.5 }), layers.dense({ units: 3, activation: 'softmax' })] });
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await m.fit(X, Y3, { epochs: 2, batchSize: 8, verbose: 0 });
    const compiledEval = m.evaluateValues(X, Y3, { batchSize: 7 });
    const compiledPred = Array.from(m.predict(X, { batchSize: 7 }).values);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'], runEagerly: true });
    const eagerEval = m.evaluateValues(X, Y3, { batchSize: 7 });
    const eagerPred = Array.from(m.layers.reduce((h, l) => l.apply(h, { training: false }), X).values);
    compiledEval.forEach((v, i) => expect(v).toBeCloseTo(eagerEval[i]!, 6));
    compiledPred.forEach((v, i) => expect(v).toBeCloseTo(eagerPred[i]!, 6));
    // A second call reuses the programs and still follows the weights.
    m.layers[3]!.weights[1]!.values.fill(0.5);
    const after = m.predict(X, { batchSize: 7 });
    expect(Array.from(after.values)).not.toEqual(compiledPred);
  });
});

// Every loss, optimizer, layer and regularizer the library has, enumerated from its registries:
// a new one without an entry here fails the coverage check.
describe('everything in the library trains on the compiled step', () => {
  const dropoutNet = (last: () => ReturnType<typeof layers.dense>) => () => sequential({ layers: [layers.dense({ units: 5, activation: 'relu', inputShape: [4] }), layers.dropout({ rate: 0.2 }), last()] });

  test.each([...lossNames])('loss %s', async (loss) => {
    const sparse = loss === 'sparseCategoricalCrossentropy';
    const wide = sparse || loss === 'categoricalCrossentropy';
    const last = () => layers.dense({ units: wide ? 3 : 1, activation: wide ? 'softmax' : loss === 'binaryCrossentropy' ? 'sigmoid' : 'linear' });
    const { eager, compiled } = await both(dropoutNet(last), () => ({ optimizer: 'adam', loss }), X, sparse ? LABELS : wide ? Y3 : Y1);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
  });

  test.each([...optimizerNames])('optimizer %s', async (optimizer) => {
    const { eager, compiled } = await both(dropoutNet(() => layers.dense({ units: 3, activation: 'softmax' })), () => ({ optimizer, loss: 'categoricalCrossentropy' }), X, Y3);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
  });

  /** dense 4 → reshape to `shape` → `layer` → flatten → dense 1: the layer gets gradients from both sides. */
  const around = (shape: number[], layer: Layer): Sequential => sequential({ layers: [
    layers.dense({ units: 4, inputShape: [4], activation: 'tanh' }), layers.reshape({ targetShape: shape }), layer, layers.flatten(), layers.dense({ units: 1 }),
  ] });

  // One model per layer factory.
  /** input 4 → two Dense(3) branches → the merge layer → Dense(1): a functional model. */
  const merged = (merge: (a: SymbolicTensor, b: SymbolicTensor) => SymbolicTensor): Model => {
    const i = input({ shape: [4] });
    const a = layers.dense({ units: 3, activation: 'tanh' }).apply(i);
    const b = layers.dense({ units: 3 }).apply(i);
    return model({ inputs: i, outputs: layers.dense({ units: 1 }).apply(merge(a, b)) });
  };
  const LAYER_MODELS: Record<string, () => Model> = {
    dense: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 1 })] }),
    activation: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.activation({ activation: 'tanh' }), layers.dense({ units: 1 })] }),
    dropout: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.dropout({ rate: 0.4 }), layers.dense({ units: 1 })] }),
    batchNormalization: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.batchNormalization({ momentum: 0.5 }), layers.dense({ units: 1 })] }),
    flatten: () => sequential({ layers: [layers.flatten({ inputShape: [2, 2] }), layers.dense({ units: 1 })] }),
    leakyReLU: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.leakyReLU({ alpha: 0.1 }), layers.dense({ units: 1 })] }),
    elu: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.elu({ alpha: 0.5 }), layers.dense({ units: 1 })] }),
    reLU: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.reLU({ maxValue: 0.5 }), layers.dense({ units: 1 })] }),
    thresholdedReLU: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.thresholdedReLU({ theta: 0.1 }), layers.dense({ units: 1 })] }),
    prelu: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.prelu({ alphaInitializer: 'randomUniform' }), layers.dense({ units: 1 })] }),
    layerNormalization: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.layerNormalization(), layers.dense({ units: 1 })] }),
    gaussianNoise: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.gaussianNoise({ stddev: 0.2 }), layers.dense({ units: 1 })] }),
    gaussianDropout: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.gaussianDropout({ rate: 0.2 }), layers.dense({ units: 1 })] }),
    alphaDropout: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4], activation: 'selu' }), layers.alphaDropout({ rate: 0.2 }), layers.dense({ units: 1 })] }),
    spatialDropout1d: () => around([2, 2], layers.spatialDropout1d({ rate: 0.3 })),
    masking: () => sequential({ layers: [layers.reshape({ targetShape: [2, 2], inputShape: [4] }), layers.masking({ maskValue: 0.5 }), layers.gru({ units: 3 }), layers.dense({ units: 1 })] }),
    softmax: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4] }), layers.softmax(), layers.dense({ units: 1 })] }),
    rescaling: () => sequential({ layers: [layers.rescaling({ scale: 2, offset: -1, inputShape: [4] }), layers.dense({ units: 3 }), layers.leakyReLU(), layers.dense({ units: 1 })] }),
    maxout: () => sequential({ layers: [layers.maxout({ units: 2, inputShape: [4] }), layers.dense({ units: 1 })] }),
    input: () => sequential({ layers: [layers.input({ shape: [4] }), layers.dense({ units: 3 }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 1 })] }),
    inputLayer: () => sequential({ layers: [layers.inputLayer({ inputShape: [4] }), layers.dense({ units: 3 }), layers.dense({ units: 1 })] }),
    conv1d: () => around([4, 1], layers.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', activation: 'relu' })),
    conv2d: () => around([2, 2, 1], layers.conv2d({ filters: 2, kernelSize: 2, padding: 'same', activation: 'relu' })),
    conv2dTranspose: () => around([2, 2, 1], layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 })),
    depthwiseConv2d: () => around([2, 2, 1], layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, padding: 'same' })),
    separableConv2d: () => around([2, 2, 1], layers.separableConv2d({ filters: 2, kernelSize: 2, padding: 'same' })),
    conv3d: () => around([1, 2, 2, 1], layers.conv3d({ filters: 2, kernelSize: 2, padding: 'same', activation: 'relu' })),
    conv3dTranspose: () => around([1, 2, 2, 1], layers.conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2 })),
    ...Object.fromEntries(['maxPooling3d', 'averagePooling3d', 'avgPool3d', 'avgPooling3d'].map((f) => [f, () => around([1, 2, 2, 1], layers[f as 'maxPooling3d']({ poolSize: 2, strides: 1, padding: 'same' }))])),
    ...Object.fromEntries(['maxPooling1d', 'maxPool1d', 'averagePooling1d', 'avgPool1d', 'avgPooling1d'].map((f) => [f, () => around([4, 1], layers[f as 'maxPooling1d']({ poolSize: 2 }))])),
    ...Object.fromEntries(['maxPooling2d', 'maxPool2d', 'averagePooling2d', 'avgPool2d', 'avgPooling2d'].map((f) => [f, () => around([2, 2, 1], layers[f as 'maxPooling2d']({ poolSize: 2, strides: 1, padding: 'same' }))])),
    ...Object.fromEntries(['globalMaxPooling1d', 'globalMaxPool1d', 'globalAveragePooling1d'].map((f) => [f, () => around([2, 2], layers[f as 'globalMaxPooling1d']())])),
    ...Object.fromEntries(['globalMaxPooling2d', 'globalMaxPool2d', 'globalAveragePooling2d'].map((f) => [f, () => around([2, 1, 2], layers[f as 'globalMaxPooling2d']())])),
    zeroPadding2d: () => around([2, 2, 1], layers.zeroPadding2d({ padding: 1 })),
    cropping2D: () => around([2, 2, 1], layers.cropping2D({ cropping: [[1, 0], [0, 0]] })),
    upSampling2d: () => around([2, 2, 1], layers.upSampling2d({ size: 2 })),
    reshape: () => around([2, 2], layers.reshape({ targetShape: [4, 1] })),
    permute: () => around([2, 2], layers.permute({ dims: [2, 1] })),
    repeatVector: () => around([4], layers.repeatVector({ n: 2 })),
    embedding: () => sequential({ layers: [layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 4 }), layers.flatten(), layers.dense({ units: 1 })] }),
    simpleRNN: () => around([2, 2], layers.simpleRNN({ units: 3, dropout: 0.2, recurrentDropout: 0.2 })),
    lstm: () => around([2, 2], layers.lstm({ units: 3, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 })),
    gru: () => around([2, 2], layers.gru({ units: 3, resetAfter: true, goBackwards: true, recurrentDropout: 0.2 })),
    rnn: () => around([2, 2], layers.rnn({ cell: [layers.lstmCell({ units: 3 }), layers.gruCell({ units: 2 })], returnSequences: true, goBackwards: true })),
    lstmCell: () => around([2, 2], layers.rnn({ cell: layers.lstmCell({ units: 3 }), returnSequences: true })),
    gruCell: () => around([2, 2], layers.rnn({ cell: layers.gruCell({ units: 3, resetAfter: true }) })),
    simpleRNNCell: () => around([2, 2], layers.rnn({ cell: layers.simpleRNNCell({ units: 3 }), returnSequences: true })),
    convLstm2d: () => around([2, 1, 2, 1], layers.convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 })),
    convLstm2dCell: () => around([2, 1, 2, 1], layers.rnn({ cell: layers.convLstm2dCell({ filters: 2, kernelSize: [1, 2] }) })),
    stackedRNNCells: () => around([2, 2], layers.rnn({ cell: layers.stackedRNNCells({ cells: [layers.simpleRNNCell({ units: 2 }), layers.lstmCell({ units: 3 })] }) })),
    ...Object.fromEntries((['add', 'subtract', 'multiply', 'average', 'maximum', 'minimum', 'concatenate'] as const).map((f) => [f, () => merged((a, b) => layers[f]().apply([a, b]))])),
    dot: () => merged((a, b) => layers.dot({ axes: 1, normalize: true }).apply([a, b])),
    Layer: () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4], activation: 'tanh' }), new TfjsScale(), layers.dense({ units: 1 })] }),
    timeDistributed: () => around([2, 2], layers.timeDistributed({ layer: layers.dense({ units: 3, activation: 'tanh' }) })),
    bidirectional: () => around([2, 2], layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true, recurrentDropout: 0.2 }) })),
    resizing: () => around([2, 2, 1], layers.resizing({ height: 3, width: 2 })),
    centerCrop: () => around([2, 2, 1], layers.centerCrop({ height: 1, width: 2 })),
    categoryEncoding: () => sequential({ layers: [layers.categoryEncoding({ numTokens: 5, outputMode: 'count', inputShape: [4] }), layers.dense({ units: 3, activation: 'tanh' }), layers.dense({ units: 1 })] }),
    randomWidth: () => sequential({ layers: [
      layers.dense({ units: 4, inputShape: [4], activation: 'tanh' }), layers.reshape({ targetShape: [2, 2, 1] }), layers.randomWidth({ factor: 0.4, seed: 2 }),
      layers.conv2d({ filters: 2, kernelSize: 1 }), layers.globalAveragePooling2d(), layers.dense({ units: 1 }),
    ] }),
  };
  /** Layers whose step cannot be recorded, and the reason fit reports. */
  const EAGER: Record<string, string> = { randomWidth: 'the step could not be compiled: randomWidth (a random width for each batch)' };
  /** Integer ids in [0, 5) for the embedding. */
  const IDS = tensor(Array.from({ length: 24 }, (_, i) => [i % 5, (i * 3) % 5, (i * 7) % 5, 4 - (i % 5)]));
  test('every layer factory has a model here', () => {
    expect(Object.keys(LAYER_MODELS).sort()).toEqual(Object.keys(layers).sort());
  });
  test.each(Object.keys(LAYER_MODELS))('layer %s', async (name) => {
    const x = name === 'flatten' ? X.reshape([24, 2, 2]) : name === 'embedding' || name === 'categoryEncoding' ? IDS : X;
    const { eager, compiled } = await both(LAYER_MODELS[name]!, () => ({ optimizer: 'rmsprop', loss: 'mse' }), x, Y1);
    expect(compiled.history.params!.path).toBe(EAGER[name] === undefined ? 'compiled' : 'eager');
    expect(compiled.history.params!.pathReason).toBe(EAGER[name]);
    expectSameWeights(compiled.weights, eager.weights);
  });

  test.each(['l1', 'l2', 'l1l2'] as const)('regularizer %s', async (name) => {
    expect(Object.keys(regularizers)).toContain(name);
    const reg = regularizers[name]({});
    const make = () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4], kernelRegularizer: reg, biasRegularizer: reg }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 1 })] });
    const { eager, compiled } = await both(make, () => ({ optimizer: 'sgd', loss: 'mse' }), X, Y1);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
  });

  test.each(['maxNorm', 'minMaxNorm', 'nonNeg', 'unitNorm'] as const)('constraint %s (applied inside the program, after the update)', async (name) => {
    expect(Object.keys(constraints)).toContain(name);
    const c = constraints[name]({});
    const make = () => sequential({ layers: [layers.dense({ units: 3, inputShape: [4], kernelConstraint: c, biasConstraint: c }), layers.batchNormalization({ gammaConstraint: c }), layers.dense({ units: 1 })] });
    const { eager, compiled } = await both(make, () => ({ optimizer: 'adam', loss: 'mse' }), X, Y1);
    expect(compiled.history.params!.path).toBe('compiled');
    expectSameWeights(compiled.weights, eager.weights);
  });
});

describe('programs too large for kernel memory', () => {
  test('a program that cannot get its buffers is refused with a warning, and that batch size runs eagerly with the same results', async () => {
    const { jsBackend, withContext } = await import('../index.js');
    const base = jsBackend();
    // A backend whose kernel memory is full: every resident allocation fails as WebAssembly's grow does.
    const full = { ...base, name: 'full', allocResident: (): Float32Array => { throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'); }, isResident: () => false };
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (s: string) => void warnings.push(s);
    try {
      await withContext({ backend: full }, async () => {
        setSeed(4);
        const m = sequential({ layers: [layers.dense({ units: 3, activation: 'tanh', inputShape: [4] }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 1 })] });
        const eager = Array.from(m.layers.reduce((h, l) => l.apply(h, { training: false }), X).values);
        expect(Array.from(m.predict(X, { batchSize: 24 }).values)).toEqual(eager);
        m.compile({ optimizer: 'sgd', loss: 'mse' });
        const h = await m.fit(X, Y1, { epochs: 1, batchSize: 8, verbose: 0 });
        expect(h.params!.path).toBe('eager');
        expect(h.params!.pathReason).toBe('the step could not be compiled: a compiled program for batches of 8 needs more WebAssembly memory than the module can grow to (2 GB); it runs eagerly, a smaller batchSize compiles');
      });
    } finally {
      console.warn = warn;
    }
    const why = (slot: string, n: number) => `neurite: ${slot}: a compiled program for batches of ${n} needs more WebAssembly memory than the module can grow to (2 GB); it runs eagerly, a smaller batchSize compiles`;
    expect(warnings).toEqual([why('forward', 24), why('train', 8)]);
  });
});

describe('a program holds what is alive at once, not every intermediate', () => {
  test('a 12-layer stack\'s forward program keeps two layers\' outputs, and predicts as the eager pass', async () => {
    const { compileForward } = await import('./compiled.js');
    setSeed(6);
    const m = sequential({ layers: [layers.dense({ units: 256, activation: 'relu', inputShape: [32] }), ...Array.from({ length: 11 }, () => layers.dense({ units: 256, activation: 'relu' }))] });
    const x = randomNormal([64, 32], 0, 1, { seed: 2 });
    const p = compileForward(m.layers, (ts) => m.forward(ts, { training: false }), 64, [x], getContext().backend);
    if ('why' in p) throw new Error(p.why);
    // Each layer's product lives from its GEMM to the next layer's (bias and relu fused in
    // place); the last layer, whose relu writes the output, keeps its product, sum and mask:
    // 14 intermediates of 64×256 apart, never more than two alive at once.
    expect(p.memory.separate).toBe(14 * 64 * 256);
    expect(p.memory.shared).toBe(2 * 64 * 256);
    p.xs[0]!.values.set(x.values);
    p.run();
    const eager = m.layers.reduce((h, l) => l.apply(h, { training: false }), x);
    expect(Array.from(p.outs[0]!.values)).toEqual(Array.from(eager.values));
  });
});
