import { describe, expect, test, vi } from 'vitest';
import {
  Adadelta, Adagrad, Adam, AdamW, Adamax, RMSprop, SGD, callbacks, cosineDecay, data, exponentialDecay, layers, piecewiseConstantDecay, randomNormal,
  sequential, setSeed, tensor, train, zeros,
} from '../index.js';

/** 3-4-1 relu network with SGD at 1e6: its loss leaves float range within the first batches. */
function diverging() {
  setSeed(1);
  const m = sequential({ layers: [layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), layers.dense({ units: 1 })] });
  m.compile({ optimizer: train.sgd(1e6), loss: 'mse' });
  return { m, x: randomNormal([16, 3], 0, 10, { seed: 2 }), y: randomNormal([16, 1], 0, 10, { seed: 3 }) };
}

describe('no silent NaN', () => {
  test('a diverging fit stops with an error naming the epoch, the batch, the optimizer and its learning rate', async () => {
    const { m, x, y } = diverging();
    await expect(m.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0 }))
      .rejects.toThrow(/^fit: the loss is (NaN|Infinity) at epoch \d, batch \d of 4: training diverged \(a learning rate too large for this model\? SGD at 1000000\); the weights are no longer usable\. Lower the learning rate; callbacks\.terminateOnNaN\(\) stops fit without an error, \{onNaN: 'warn'\} goes on$/);
  });

  test("{onNaN: 'warn'} warns once and goes on; terminateOnNaN stops quietly at that batch", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { m, x, y } = diverging();
      const h = await m.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0, onNaN: 'warn' });
      expect(h.history.loss).toHaveLength(4);
      expect(Number.isFinite(h.history.loss[3]!)).toBe(false);
      const calls = warn.mock.calls.map((c) => String(c[0]));
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(/^fit: the loss is (NaN|Infinity) at epoch \d, batch \d of 4: training diverged/);
    } finally {
      warn.mockRestore();
    }
    const { m, x, y } = diverging();
    const stop = callbacks.terminateOnNaN({ write: () => true });
    const h = await m.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0, callbacks: stop });
    expect(stop.stoppedAt).not.toBeNull();
    expect(h.history.loss.length).toBeLessThanOrEqual(stop.stoppedAt!.epoch + 1);
    await expect(m.fit(x, y, { onNaN: 'maybe' as 'warn', verbose: 0 })).rejects.toThrow(`fit: onNaN must be 'throw' or 'warn', got "maybe"`);
  });

  test('trainOnBatch and fitDataset refuse a non-finite loss too', async () => {
    const { m, x, y } = diverging();
    let error: Error | null = null;
    try {
      for (let i = 0; i < 20; i++) await m.trainOnBatch(x, y);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^trainOnBatch: the loss is (NaN|Infinity) at this batch: training diverged .*; the weights are no longer usable\. Lower the learning rate$/);
    const d = diverging();
    const ds = data.zip({ xs: data.array(d.x.arraySync() as number[][]), ys: data.array(d.y.arraySync() as number[][]) }).batch(4);
    await expect(d.m.fitDataset(ds, { epochs: 4, verbose: 0 })).rejects.toThrow(/^fitDataset: the loss is (NaN|Infinity) at epoch \d, batch \d: training diverged/);
  });

  test('an infinite learning rate and a NaN sample weight are refused before training', async () => {
    expect(() => new SGD({ learningRate: Infinity })).toThrow('SGD: learningRate must be a finite non-negative number or a schedule, got Infinity');
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(m.fit(tensor([[1, 2], [3, 4]]), tensor([[1], [2]]), { sampleWeight: tensor([1, Number.NaN]), verbose: 0 })).rejects.toThrow('fit: sampleWeight contains NaN at row 1, column 0 (shape [2])');
  });
});

describe('options are checked where they enter', () => {
  test('optimizer options: ranges and types, named', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => new Adam({ beta1: 1.5 }), 'Adam: beta1 must be in [0, 1), got 1.5'],
      [() => new Adam({ beta2: -0.1 }), 'Adam: beta2 must be in [0, 1), got -0.1'],
      [() => new Adam({ epsilon: 0 }), 'Adam: epsilon must be a positive number, got 0'],
      [() => new Adamax({ beta1: Number.NaN }), 'Adamax: beta1 must be in [0, 1), got NaN'],
      [() => new AdamW({ weightDecay: -1 }), 'AdamW: weightDecay must be a number ≥ 0, got -1'],
      [() => new SGD({ learningRate: '0.1' as unknown as number }), "SGD: learningRate must be a finite non-negative number or a schedule, got the string '0.1'"],
      [() => new SGD({ momentum: 1 }), 'SGD: momentum must be in [0, 1), got 1'],
      [() => new RMSprop({ rho: 2 }), 'RMSprop: rho must be in [0, 1), got 2'],
      [() => new Adagrad({ initialAccumulatorValue: -0.1 }), 'Adagrad: initialAccumulatorValue must be a number ≥ 0, got -0.1'],
      [() => new Adadelta({ epsilon: -1e-7 }), 'Adadelta: epsilon must be a positive number, got -1e-7'],
      [() => new SGD({ clipNorm: 0 }), 'SGD: clipNorm must be a positive number, got 0'],
      [() => new SGD({ params: 'w' as unknown as [] }), 'SGD: params must be a list of tensors, got string'],
    ];
    for (const [make, message] of cases) expect(make, message).toThrow(message);
    // The defaults and tfjs's positional factories still build.
    expect(new Adam().beta1).toBe(0.9);
    expect(train.rmsprop(0.01, 0.9, 0.5).momentum).toBe(0.5);
  });

  const model = () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return m;
  };
  const x = tensor([[1, 2], [3, 4]]);
  const y = tensor([[1], [2]]);

  test('schedules and callbacks: ranges, modes and unknown keys, named', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => exponentialDecay({ initialLearningRate: -1, decaySteps: 10, decayRate: 0.9 }), 'exponentialDecay: initialLearningRate must be a number ≥ 0, got -1'],
      [() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }), 'exponentialDecay: decaySteps must be positive, got 0'],
      [() => piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] }), 'piecewiseConstantDecay: boundaries[1] must be greater than boundaries[0] (10), got 5'],
      [() => piecewiseConstantDecay({ boundaries: [10], values: [0.1, -1] }), 'piecewiseConstantDecay: values[1] must be a learning rate ≥ 0, got -1'],
      [() => cosineDecay({ initialLearningRate: 0.1, decaySteps: -5 }), 'cosineDecay: decaySteps must be positive, got -5'],
      [() => cosineDecay({ initialLearningRate: 0.1, decaySteps: 5, alpha: 2 }), 'cosineDecay: alpha must be in [0, 1], got 2'],
      [() => callbacks.earlyStopping({ patience: -1 }), 'earlyStopping: patience must be an integer ≥ 0, got -1'],
      [() => callbacks.earlyStopping({ mode: 'sideways' as 'min' }), `earlyStopping: mode must be 'auto', 'min' or 'max', got "sideways"`],
      [() => callbacks.earlyStopping({ paitence: 3 } as never), "earlyStopping: unknown option 'paitence' (did you mean 'patience'?); earlyStopping takes monitor, minDelta, patience, mode, baseline, restoreBestWeights, verbose"],
      [() => callbacks.reduceLROnPlateau({ factor: 2 }), 'reduceLROnPlateau: factor must be in (0, 1), got 2'],
      [() => callbacks.reduceLROnPlateau({ cooldown: 1.5 }), 'reduceLROnPlateau: cooldown must be an integer ≥ 0, got 1.5'],
    ];
    for (const [make, message] of cases) expect(make, message).toThrow(message);
  });

  test('fit options: unknown keys (with the nearest known one), verbose, initialEpoch, shuffle', async () => {
    await expect(model().fit(x, y, { epoch: 5 } as never)).rejects.toThrow("fit: unknown option 'epoch' (did you mean 'epochs'?); fit takes epochs, batchSize, shuffle, verbose");
    await expect(model().fit(x, y, { batch_size: 2 } as never)).rejects.toThrow("fit: unknown option 'batch_size' (did you mean 'batchSize'?)");
    await expect(model().fit(x, y, { verbose: 7 as 0 })).rejects.toThrow('fit: verbose must be 0 (silent), 1 (progress bar) or 2 (a line per epoch), got 7');
    await expect(model().fit(x, y, { initialEpoch: -1, verbose: 0 })).rejects.toThrow('fit: initialEpoch must be an integer ≥ 0, got -1');
    await expect(model().fit(x, y, { shuffle: 'yes' as never, verbose: 0 })).rejects.toThrow('fit: shuffle must be true or false, got "yes"');
    await expect(model().fitDataset(data.array([{ xs: [1, 2], ys: [1] }]).batch(1), { epochs: 1, batchSize: 4 } as never)).rejects.toThrow("fitDataset: unknown option 'batchSize'");
  });

  test('fit refuses an empty dataset and a validationSplit outside [0, 1)', async () => {
    await expect(model().fit(zeros([0, 2]), zeros([0, 1]), { verbose: 0 })).rejects.toThrow('fit: x has no samples (shape [0,2]): there is nothing to train on');
    for (const split of [-0.2, Number.NaN, 1]) {
      await expect(model().fit(x, y, { validationSplit: split, verbose: 0 })).rejects.toThrow(`fit: validationSplit must be a fraction in [0, 1), got ${split}`);
    }
  });

  test('a second fit while one runs is refused, as tfjs refuses it; the model trains again after', async () => {
    const m = model();
    const first = m.fit(x, y, { epochs: 200, verbose: 0, yieldEvery: 'batch' });
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow('Cannot start training because another fit() call is ongoing.');
    await first;
    await expect(m.fit(x, y, { verbose: 0 })).resolves.toBeDefined();
  });

  test('JavaScript arrays where tensors belong: clear errors, not TypeErrors', async () => {
    await expect(model().fit([[1, 2], [3, 4]] as never, y, { verbose: 0 })).rejects.toThrow('fit: inputs must be tensors, got a JavaScript array of numbers; wrap it: tensor([[…], …])');
    await expect(model().fit(null as never, y, { verbose: 0 })).rejects.toThrow('fit: expected a tensor, a list of tensors or an object of them keyed by input name, got null');
    expect(() => model().setWeights([[[1], [2]], [0]] as never)).toThrow('setWeights: weight 0 (dense/kernel) must be a tensor of shape [2,1], got a JavaScript array (wrap it: tensor(…))');
    expect(() => model().setWeights(null as never)).toThrow('setWeights: expected a list of 2 tensors, got null');
  });
});
