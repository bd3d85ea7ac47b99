/**
 * Masks: an Embedding with maskZero or a Masking layer marks padding steps, the recurrent
 * layers skip them (the state is kept), GlobalAveragePooling1D averages the others. The
 * reference is independent: a padded batch must give what each sample's unpadded sequence gives.
 */
import { describe, expect, test, vi } from 'vitest';
import { Tensor, computeGrads, input, layers, model as functionalModel, sequential, setSeed, sum, tensor } from '../index.js';
import type { Layer } from './layer.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};

/** embedding(maskZero) → rnn; its weights shared with a model on unpadded sequences. */
function pair(rnn: () => Layer): { padded: ReturnType<typeof sequential>; plain: ReturnType<typeof sequential> } {
  setSeed(5);
  const padded = sequential({ layers: [layers.embedding({ inputDim: 9, outputDim: 3, maskZero: true, batchInputShape: [null, null] }), rnn()] });
  setSeed(5);
  const plain = sequential({ layers: [layers.embedding({ inputDim: 9, outputDim: 3, batchInputShape: [null, null] }), rnn()] });
  padded.predict(tensor([[1, 2]]));
  plain.predict(tensor([[1, 2]]));
  plain.setWeights(padded.getWeights());
  return { padded, plain };
}

describe('masks', () => {
  const RNNS: Array<[string, (o: { returnSequences?: boolean; goBackwards?: boolean }) => Layer]> = [
    ['simpleRNN', (o) => layers.simpleRNN({ units: 4, ...o })],
    ['lstm', (o) => layers.lstm({ units: 4, ...o })],
    ['gru', (o) => layers.gru({ units: 4, ...o })],
  ];

  test.each(RNNS)('%s: padding after or before a sequence (id 0) gives what the sequence alone gives', (_n, make) => {
    for (const goBackwards of [false, true]) {
      const { padded, plain } = pair(() => make({ goBackwards }));
      // [3, 5, 7] padded at the end, [4, 1] padded at the start, [2, 6, 8, 1] not padded
      const out = (padded.predict(tensor([[3, 5, 7, 0], [0, 0, 4, 1], [2, 6, 8, 1]])) as Tensor).values;
      const alone = [[3, 5, 7], [4, 1], [2, 6, 8, 1]].map((s) => (plain.predict(tensor([s])) as Tensor).values);
      close(out.slice(0, 4), alone[0]!);
      close(out.slice(4, 8), alone[1]!);
      close(out.slice(8, 12), alone[2]!);
    }
  });

  test.each(RNNS)('%s with returnSequences: a masked step repeats the last output (zero before the first step)', (_n, make) => {
    const { padded, plain } = pair(() => make({ returnSequences: true }));
    const out = (padded.predict(tensor([[0, 3, 0, 5]])) as Tensor).values;
    const seq = (plain.predict(tensor([[3, 5]])) as Tensor).values;
    // steps: masked (state 0), 3, masked (repeat), 5
    close(out.slice(0, 4), [0, 0, 0, 0]);
    close(out.slice(4, 8), seq.slice(0, 4));
    close(out.slice(8, 12), seq.slice(0, 4));
    close(out.slice(12, 16), seq.slice(4, 8));
  });

  test('gradients: none reach a masked step; the others equal the unpadded sequence\'s', () => {
    setSeed(2);
    const lstm = layers.lstm({ units: 3 });
    const x = new Tensor(Float32Array.from({ length: 8 }, (_, i) => Math.sin(i + 1)), [1, 4, 2], { requiresGrad: true });
    const mask = tensor([[1, 1, 1, 0]]);
    const g = computeGrads(sum(lstm.apply(x, { mask }))).get(x)!.values;
    const x3 = new Tensor(x.values.slice(0, 6), [1, 3, 2], { requiresGrad: true });
    const g3 = computeGrads(sum(lstm.apply(x3))).get(x3)!.values;
    close(g.slice(0, 6), g3);
    expect(Array.from(g.slice(6))).toEqual([0, 0]);
  });

  test('masking: steps whose features all equal maskValue are zeroed and skipped', () => {
    setSeed(3);
    const gru = () => layers.gru({ units: 2 });
    const m = sequential({ layers: [layers.masking({ maskValue: -1, inputShape: [3, 2] }), gru()] });
    const steps = [[0.5, 0.2], [-1, -1], [0.3, -1]];
    const out = (m.predict(tensor([steps])) as Tensor).values;
    const g = m.layers[1]!;
    // The same GRU on the two unmasked steps ([-1, -1] is padding; [0.3, -1] is not)
    close(out, (g.apply(tensor([[[0.5, 0.2], [0.3, -1]]])) as Tensor).values);
    close((m.layers[0]!.apply(tensor([steps])) as Tensor).values, [0.5, 0.2, 0, 0, 0.3, -1]);
  });

  test('globalAveragePooling1d averages the unmasked steps only; bidirectional passes the mask to both directions', () => {
    setSeed(4);
    const ids = input({ shape: [4] });
    const e = layers.embedding({ inputDim: 6, outputDim: 2, maskZero: true }).apply(ids);
    const pooled = layers.globalAveragePooling1d().apply(e);
    const m = functionalModel({ inputs: ids, outputs: pooled });
    const emb = (m.layers[1]!.getWeights()[0]!).values;
    const row = (id: number): number[] => [emb[2 * id]!, emb[2 * id + 1]!];
    // [2, 5, 0, 0]: the mean of rows 2 and 5
    const want = [0, 1].map((k) => (row(2)[k]! + row(5)[k]!) / 2);
    close((m.predict(tensor([[2, 5, 0, 0]])) as Tensor).values, want);

    const { padded, plain } = pair(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }) }));
    close((padded.predict(tensor([[0, 3, 4, 0]])) as Tensor).values, (plain.predict(tensor([[3, 4]])) as Tensor).values);
  });

  test('a mask reaching a layer that cannot use it stops there, as in tfjs, said once; computeMask itself refuses it; a wrong-shaped mask is refused', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const make = (maskZero: boolean) => {
        setSeed(3);
        return sequential({ layers: [layers.embedding({ inputDim: 5, outputDim: 2, maskZero, inputLength: 3 }), layers.flatten({ name: 'flat' }), layers.dense({ units: 1 })] });
      };
      const masked = make(true);
      const x = tensor([[1, 2, 0], [0, 3, 4]]);
      // TensorFlow.js's model execution passes no mask on from a layer without supportsMasking:
      // the same outputs as the model without the mask.
      expect(Array.from((masked.predict(x) as Tensor).values)).toEqual(Array.from((make(false).predict(x) as Tensor).values));
      masked.compile({ optimizer: 'sgd', loss: 'mse' });
      await masked.fit(x, tensor([[1], [0]]), { epochs: 2, verbose: 0 });
      const told = warn.mock.calls.filter((c) => String(c[0]).includes("Flatten 'flat' does not support masking"));
      expect(told).toHaveLength(1);
      expect(told[0]![0]).toBe("neurite: Flatten 'flat' does not support masking: the mask from an Embedding with maskZero or a Masking layer stops here, as in TensorFlow.js, and the padded steps count as data from here on (a layer consuming the mask before it, such as a recurrent layer or globalAveragePooling1d, keeps them out)");
    } finally {
      warn.mockRestore();
    }
    expect(() => layers.flatten({ name: 'f2' }).computeMask(tensor([[[1]]]), tensor([[1]]))).toThrow("Flatten 'f2' does not support masking, but its input carries a mask (from an Embedding with maskZero or a Masking layer); consume it first (a recurrent layer, or globalAveragePooling1d) or remove the mask");
    expect(() => layers.lstm({ units: 2 }).apply(tensor([[[1], [2]]]), { mask: tensor([[1, 0, 1]]) })).toThrow('lstm: the input\'s mask must have shape [1, 2] (batch, time), got [1,3]');
  });

  test('a masked model trains, and the compiled step equals the eager one', async () => {
    setSeed(6);
    const make = () => sequential({ layers: [layers.embedding({ inputDim: 7, outputDim: 3, maskZero: true, inputLength: 5 }), layers.lstm({ units: 4 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    const x = tensor([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [6, 1, 2, 3, 4], [0, 0, 0, 2, 5]]);
    const y = tensor([[1], [0], [1], [0]]);
    const run = async (runEagerly: boolean): Promise<number[]> => {
      setSeed(6);
      const m = make();
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', runEagerly });
      const h = await m.fit(x, y, { epochs: 5, batchSize: 2, verbose: 0, shuffle: false });
      expect(h.params!.path).toBe(runEagerly ? 'eager' : 'compiled');
      return h.history.loss as number[];
    };
    const eager = await run(true);
    const fast = await run(false);
    close(fast, eager, 1e-5);
    expect(fast[4]!).toBeLessThan(fast[0]!);
  });
});
