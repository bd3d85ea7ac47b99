import { describe, expect, test } from 'vitest';
import { GRU, LSTM, getContext, layers, noGrad, sequential, setSeed, tensor } from '../index.js';
import { record } from '../compile/trace.js';
import { Tensor } from '../tensor/tensor.js';
import type { Layer } from './layer.js';
import { testLayer } from '../../test/harness/layer.js';

testLayer('simpleRNN', { make: () => layers.simpleRNN({ units: 3 }), input: [2, 4, 3], output: [2, 3], params: 3 * 3 + 3 * 3 + 3, weightNames: ['kernel', 'recurrent_kernel', 'bias'] });
testLayer('simpleRNN returnSequences, goBackwards', {
  make: () => layers.simpleRNN({ units: 2, returnSequences: true, goBackwards: true, activation: 'relu' }),
  input: [2, 3, 2], output: [2, 3, 2], params: 2 * 2 + 2 * 2 + 2, weightNames: ['kernel', 'recurrent_kernel', 'bias'],
});
testLayer('lstm', { make: () => layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }), input: [2, 4, 2], output: [2, 3], params: 2 * 12 + 3 * 12 + 12, weightNames: ['kernel', 'recurrent_kernel', 'bias'] });
testLayer('lstm returnSequences, hardSigmoid gates, unitForgetBias', {
  make: () => layers.lstm({ units: 2, returnSequences: true, unitForgetBias: true }),
  input: [2, 3, 3], output: [2, 3, 2], params: 3 * 8 + 2 * 8 + 8, weightNames: ['kernel', 'recurrent_kernel', 'bias'],
});
testLayer('gru', { make: () => layers.gru({ units: 3, recurrentActivation: 'sigmoid' }), input: [2, 4, 2], output: [2, 3], params: 2 * 9 + 3 * 9 + 9, weightNames: ['kernel', 'recurrent_kernel', 'bias'] });
testLayer('gru resetAfter (Keras layout), goBackwards', {
  make: () => layers.gru({ units: 2, resetAfter: true, goBackwards: true, recurrentActivation: 'sigmoid', biasInitializer: 'randomNormal' }),
  input: [2, 3, 2], output: [2, 2], params: 2 * 6 + 2 * 6 + 12, weightNames: ['kernel', 'recurrent_kernel', 'bias'],
});
testLayer('lstm with dropout and recurrentDropout (training, fixed seed)', {
  make: () => layers.lstm({ units: 2, dropout: 0.3, recurrentDropout: 0.3 }),
  input: [2, 3, 2], output: [2, 2], params: 2 * 8 + 2 * 8 + 8, weightNames: ['kernel', 'recurrent_kernel', 'bias'], training: true, gradCheck: false,
});
testLayer('embedding', {
  make: () => layers.embedding({ inputDim: 7, outputDim: 3 }), input: [2, 4], output: [2, 4, 3], params: 21, weightNames: ['embeddings'],
  sample: (r) => Math.floor(r.uniform() * 7), inputGradient: false,
});

describe('recurrent layers by hand', () => {
  test('simpleRNN with W = 1, U = 0.5, b = 0 and linear activation: h_t = x_t + 0.5·h_{t−1}', () => {
    // x = [1, 2, 3]: h = 1, 2 + 0.5 = 2.5, 3 + 1.25 = 4.25.
    const l = layers.simpleRNN({ units: 1, activation: 'linear', returnSequences: true });
    l.build([null, 3, 1]);
    l.kernel!.assign([1]);
    l.recurrentKernel!.assign([0.5]);
    expect(Array.from(l.apply(tensor([1, 2, 3], [1, 3, 1])).values)).toEqual([1, 2.5, 4.25]);
    // Keras's layer.units
    expect([l.units, layers.lstm({ units: 7 }).units, layers.gru({ units: 3 }).units]).toEqual([1, 7, 3]);
  });

  test('lstm cell by hand: one step from zero state', () => {
    // units 1, all kernel weights 1, no recurrence effect at t = 0, sigmoid gates, x = 0.5:
    // z = 0.5 for every gate; c = σ(.5)·tanh(.5); h = σ(.5)·tanh(c).
    const l = new LSTM({ units: 1, recurrentActivation: 'sigmoid' });
    l.build([null, 1, 1]);
    l.kernel!.assign([1, 1, 1, 1]);
    const s = 1 / (1 + Math.exp(-0.5));
    const c = s * Math.tanh(0.5);
    expect(noGrad(() => l.apply(tensor([0.5], [1, 1, 1]))).item()).toBeCloseTo(s * Math.tanh(c), 6);
  });

  test('gru: an update gate of 1 keeps the state (h stays 0 from the zero state)', () => {
    const l = new GRU({ units: 1, recurrentActivation: 'sigmoid' });
    l.build([null, 2, 1]);
    // Gate z's bias +100 → z = 1 → h = 1·h + 0·ĥ = h = 0.
    l.bias!.assign([100, 0, 0]);
    l.kernel!.assign([0, 1, 1]);
    expect(noGrad(() => l.apply(tensor([3, -2], [1, 2, 1]))).item()).toBe(0);
  });

  test('embedding looks rows up; ids outside the table are named', () => {
    const e = layers.embedding({ inputDim: 3, outputDim: 2 });
    e.build([null, 2]);
    e.embeddings!.assign([0, 1, 10, 11, 20, 21]);
    expect(e.apply(tensor([[2, 0]])).arraySync()).toEqual([[[20, 21], [0, 1]]]);
    expect(() => e.apply(tensor([[3]]))).toThrow('gather: index 3 at position 0 is out of range [0, 3)');
    expect(() => e.apply(tensor([[1.5]]))).toThrow('gather: index 1.5 at position 0 is out of range [0, 3)');
  });

  test('returnState gives the final state; initialState starts from one (continuing a sequence = running it whole)', () => {
    for (const make of [() => layers.lstm({ units: 3, returnState: true }), () => layers.gru({ units: 3, returnState: true, resetAfter: true }), () => layers.simpleRNN({ units: 3, returnState: true })]) {
      const layer = make();
      const x = tensor(Array.from({ length: 2 * 5 * 2 }, (_, i) => Math.sin(i)), [2, 5, 2]);
      const whole = noGrad(() => layer.apply(x)) as unknown as ReturnType<typeof tensor>[];
      const n = layer instanceof LSTM ? 3 : 2;
      expect(whole).toHaveLength(n);
      // Without returnSequences the output is the last h.
      expect(Array.from(whole[0]!.values)).toEqual(Array.from(whole[1]!.values));
      // The first 3 steps, then the last 2 from that state: the same final state as all 5 at once.
      const first = noGrad(() => layer.apply(x.slice([0, 0, 0], [2, 3, 2]))) as unknown as ReturnType<typeof tensor>[];
      const rest = noGrad(() => layer.apply(x.slice([0, 3, 0], [2, 2, 2]), { initialState: first.slice(1) })) as unknown as ReturnType<typeof tensor>[];
      rest.forEach((t, i) => Array.from(t.values).forEach((v, k) => expect(v).toBeCloseTo(whole[i]!.values[k]!, 6)));
      expect(layer.computeOutputShape([null, 5, 2])).toEqual([[null, 3], ...Array.from({ length: n - 1 }, () => [null, 3])]);
    }
  });

  test('errors: units, dropout, unsupported options, input rank', () => {
    expect(() => layers.lstm({ units: 0 })).toThrow('lstm: units must be a positive integer, got 0');
    expect(() => layers.gru({ units: 2, dropout: 1 })).toThrow('gru: dropout must be in [0, 1), got 1');
    const l = layers.lstm({ units: 2 });
    expect(() => l.apply(tensor([[[1, 2]]]), { initialState: [tensor([[0, 0]])] })).toThrow('lstm: initialState must be [h, c] (2 tensors of shape [batch, 2]), got 1');
    expect(() => l.apply(tensor([[[1, 2]]]), { initialState: [tensor([[0, 0, 0]]), tensor([[0, 0]])] })).toThrow('lstm: each initial state must have shape [1, 2], got [1,3]');
    expect(() => layers.lstm({ units: 2 }).build([null, 4])).toThrow('lstm: expected input of rank 3 (batch, time, features), got shape (None, 4)');
    expect(() => layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow('embedding: inputDim must be a positive integer, got 0');
  });
});

describe('which recurrent layers step through the fused cells', () => {
  // The kernels a training step records: the fused cell (with its gate code, 0 logistic, 1 hard
  // sigmoid) where the layer's activations are tanh with sigmoid or hardSigmoid gates; the
  // composed ops otherwise.
  const kernelsOf = (layer: Layer): { kernel: string; args: readonly unknown[] }[] => {
    setSeed(4);
    const m = sequential({ layers: [layer, layers.dense({ units: 1 })] });
    m.build([2, 3, 2]);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const backend = getContext().backend;
    const x = new Tensor(new Float32Array(12).map((_, i) => Math.sin(i)), [2, 3, 2]);
    const y = new Tensor(new Float32Array([0.5, -0.5]), [2, 1]);
    return record(backend, () => m.trainStep(x, y)).calls;
  };
  const gates = (calls: { kernel: string; args: readonly unknown[] }[], kernel: string, at: number) => [...new Set(calls.filter((c) => c.kernel === kernel).map((c) => c.args[at]))];

  test.each([
    ['lstm, tfjs defaults (hardSigmoid gates)', () => layers.lstm({ units: 2 }), 'lstmCell', 7, 1],
    ['lstm, Keras defaults (sigmoid gates)', () => layers.lstm({ units: 2, recurrentActivation: 'sigmoid' }), 'lstmCell', 7, 0],
    ['lstm, hard_sigmoid by its Keras name', () => layers.lstm({ units: 2, recurrentActivation: 'hard_sigmoid' as 'hardSigmoid' }), 'lstmCell', 7, 1],
    ['gru resetAfter, hardSigmoid gates', () => layers.gru({ units: 2, resetAfter: true }), 'gruCell', 7, 1],
    ['gru resetAfter, sigmoid gates', () => layers.gru({ units: 2, resetAfter: true, recurrentActivation: 'sigmoid' }), 'gruCell', 7, 0],
    ['gru, tfjs defaults (resetting before its product, hardSigmoid gates)', () => layers.gru({ units: 2 }), 'gruGates', 8, 1],
    ['gru resetting before its product, sigmoid gates', () => layers.gru({ units: 2, recurrentActivation: 'sigmoid' }), 'gruGates', 8, 0],
  ] as const)('%s: one fused cell each way per step', (_name, make, kernel, at, code) => {
    const calls = kernelsOf(make());
    expect(gates(calls, kernel, at)).toEqual([code]);
    expect(gates(calls, `${kernel}Grad`, kernel === 'lstmCell' ? 8 : 9)).toEqual([code]);
    expect(calls.filter((c) => c.kernel === kernel)).toHaveLength(3);
    if (kernel === 'gruGates') expect(calls.filter((c) => c.kernel === 'gruOutput' || c.kernel === 'gruOutputGrad')).toHaveLength(6);
    expect(calls.some((c) => c.kernel === 'minimum' || c.kernel === 'sigmoid')).toBe(false);
  });

  test.each([
    ['lstm with relu activation', () => layers.lstm({ units: 2, activation: 'relu' })],
    ['lstm with tanh gates', () => layers.lstm({ units: 2, recurrentActivation: 'tanh' })],
    ['gru with relu activation', () => layers.gru({ units: 2, activation: 'relu' })],
    ['gru resetAfter with linear gates', () => layers.gru({ units: 2, resetAfter: true, recurrentActivation: 'linear' })],
  ] as const)('%s: the composed ops', (_name, make) => {
    const calls = kernelsOf(make());
    expect(calls.some((c) => /^(lstmCell|gruCell|gruGates|gruOutput)/.test(c.kernel))).toBe(false);
  });
});

// tfjs's rnn over stacked cells: an LSTM cell feeding a GRU cell, read from the end.
testLayer('rnn over stacked cells (lstmCell → gruCell, goBackwards)', {
  make: () => layers.rnn({ cell: [layers.lstmCell({ units: 3, recurrentActivation: 'sigmoid' }), layers.gruCell({ units: 2 })], returnSequences: true, goBackwards: true }),
  input: [2, 4, 2], output: [2, 4, 2], params: (2 * 12 + 3 * 12 + 12) + (3 * 6 + 2 * 6 + 6),
  weightNames: ['RNNCell_0/kernel', 'RNNCell_0/recurrent_kernel', 'RNNCell_0/bias', 'RNNCell_1/kernel', 'RNNCell_1/recurrent_kernel', 'RNNCell_1/bias'],
});

describe('rnn over cells', () => {
  test('one cell is its layer; stacked cells save as tfjs writes them (class RNN over StackedRNNCells); bad cells are named', async () => {
    const one = layers.rnn({ cell: layers.gruCell({ units: 2, resetAfter: true }), returnSequences: true, name: 'g' });
    expect([one.className, one.name, (one.config as { resetAfter?: boolean; returnSequences?: boolean }).resetAfter, (one.config as { returnSequences?: boolean }).returnSequences]).toEqual(['GRU', 'g', true, true]);
    const m = sequential({ layers: [layers.rnn({ cell: [layers.lstmCell({ units: 2 }), layers.gruCell({ units: 2 })], inputShape: [3, 2] })] });
    const written = (m.toJSON(null, false) as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }).config.layers[0]!;
    expect(written.class_name).toBe('RNN');
    expect(written.config).toMatchObject({ return_sequences: false, go_backwards: false, batch_input_shape: [null, 3, 2], cell: { class_name: 'StackedRNNCells' } });
    const cells = (written.config.cell as { config: { cells: Array<{ class_name: string; config: Record<string, unknown> }> } }).config.cells;
    expect(cells.map((c) => `${c.class_name} ${c.config.units}`)).toEqual(['LSTMCell 2', 'GRUCell 2']);
    // The sequence options are the rnn's alone.
    expect(cells.every((c) => !('return_sequences' in c.config) && !('batch_input_shape' in c.config))).toBe(true);
    expect(() => layers.rnn({ cell: layers.dense({ units: 2 }) as never })).toThrow('rnn: config.cell must be a cell (lstmCell, gruCell, simpleRNNCell), a list of them or stackedRNNCells');
    expect(() => layers.lstmCell({ units: 0 })).toThrow('LSTMCell: units must be a positive integer, got 0');
    expect(() => layers.stackedRNNCells({ cells: [] })).toThrow('stackedRNNCells: cells must be a non-empty list of cells (lstmCell, gruCell, simpleRNNCell)');
    expect(layers.lstmCell({ units: 3 }).stateSize).toEqual([3, 3]);
  });
});
