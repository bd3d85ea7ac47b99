/**
 * Stateful recurrent layers: the state left by one call starts the next, until resetStates.
 * The reference: a sequence fed in two halves equals the whole sequence fed at once.
 */
import { describe, expect, test } from 'vitest';
import { Tensor, layers, sequential, setSeed, slice, tensor } from '../index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};
const seq = new Tensor(Float32Array.from({ length: 2 * 6 * 3 }, (_, i) => Math.sin(0.7 * i)), [2, 6, 3]);

describe('stateful recurrent layers', () => {
  test.each([['simpleRNN'], ['lstm'], ['gru']] as const)('%s: two halves in turn give what the whole sequence gives; resetStates starts again', (kind) => {
    setSeed(8);
    const stateful = layers[kind]({ units: 4, stateful: true, returnSequences: true, batchInputShape: [2, 3, 3] });
    setSeed(8);
    const plain = layers[kind]({ units: 4, returnSequences: true });
    const whole = (plain.apply(seq) as Tensor).values;
    stateful.apply(slice(seq, [0, 0, 0], [2, 3, 3]));
    stateful.setWeights(plain.getWeights());
    stateful.resetStates();
    const first = (stateful.apply(slice(seq, [0, 0, 0], [2, 3, 3])) as Tensor).values;
    const second = (stateful.apply(slice(seq, [0, 3, 0], [2, 3, 3])) as Tensor).values;
    // whole is [2, 6, 4]: sample 0's steps 0–2 then 3–5, then sample 1's
    close(first, [...whole.slice(0, 12), ...whole.slice(24, 36)]);
    close(second, [...whole.slice(12, 24), ...whole.slice(36, 48)]);
    stateful.resetStates();
    close((stateful.apply(slice(seq, [0, 0, 0], [2, 3, 3])) as Tensor).values, first);
  });

  test('resetStates to given states; a model resets all its stateful layers', () => {
    setSeed(9);
    const m = sequential({ layers: [layers.lstm({ units: 2, stateful: true, batchInputShape: [1, 2, 1] }), layers.dense({ units: 1 })] });
    const x = tensor([[[0.5], [-0.3]]]);
    const a = (m.predict(x) as Tensor).values[0]!;
    const b = (m.predict(x) as Tensor).values[0]!;
    expect(b).not.toBe(a);
    m.resetStates();
    expect((m.predict(x) as Tensor).values[0]).toBe(a);
    const lstm = m.layers[0] as ReturnType<typeof layers.lstm>;
    lstm.resetStates([tensor([[0, 0]]), tensor([[0, 0]])]);
    expect((m.predict(x) as Tensor).values[0]).toBe(a);
  });

  test('a stateful model trains (the state carried between batches), the compiled step as the eager one', async () => {
    const x = new Tensor(Float32Array.from({ length: 8 * 4 * 2 }, (_, i) => Math.cos(0.3 * i)), [8, 4, 2]);
    const y = new Tensor(Float32Array.from({ length: 8 }, (_, i) => i % 2), [8, 1]);
    const run = async (runEagerly: boolean): Promise<number[]> => {
      setSeed(10);
      const m = sequential({ layers: [layers.gru({ units: 3, stateful: true, batchInputShape: [4, 4, 2] }), layers.dense({ units: 1 })] });
      m.compile({ optimizer: 'adam', loss: 'mse', runEagerly });
      const h = await m.fit(x, y, { epochs: 4, batchSize: 4, shuffle: false, verbose: 0 });
      expect(h.params!.path).toBe(runEagerly ? 'eager' : 'compiled');
      return h.history.loss as number[];
    };
    const eager = await run(true);
    close(await run(false), eager, 1e-5);
  });

  test('errors: a batch of another size, resetStates on a layer that is not stateful, wrong states', () => {
    expect(() => layers.simpleRNN({ units: 2, stateful: true }).apply(tensor([[[1]]]))).toThrow('simpleRNN: a stateful layer needs to know its batch size: give the model\'s first layer batchInputShape [batch, …] (or batchSize), as tfjs requires');
    const l = layers.simpleRNN({ units: 2, stateful: true, batchInputShape: [2, 1, 1] });
    l.apply(tensor([[[1]], [[2]]]));
    expect(() => l.apply(tensor([[[1]]]))).toThrow('simpleRNN: this stateful layer keeps the state of batches of 2; got a batch of 1 (every batch must have the same size: give fit and predict batchSize 2)');
    expect(() => layers.lstm({ units: 2 }).resetStates()).toThrow('lstm: resetStates is for stateful layers (stateful: true)');
    expect(() => layers.lstm({ units: 2, stateful: true }).resetStates([tensor([[0, 0]])])).toThrow('lstm: resetStates takes [h, c], each [batch, 2], got [1,2]');
  });
});
