import { describe, expect, test } from 'vitest';
import { Bidirectional, Tensor, computeGrads, concat, jsBackend, layers, mul, noGrad, randomNormal, reverse, setSeed, sum, tensor, withContext } from '../index.js';
import type { Layer } from './layer.js';

/** The layer's weights and input gradients against float64 central differences (as the layer harness does). */
function checkGradients(layer: Layer, x: Tensor): void {
  const ws = layer.trainableWeights;
  const saved = ws.map((w) => w.values);
  try {
    withContext({ backend: jsBackend(), dtype: 'float64', gradEnabled: true }, () => {
      for (const w of ws) w.values = Float64Array.from(w.values);
      const x64 = new Tensor(Float64Array.from(x.values), x.shape, { requiresGrad: true });
      const out0 = noGrad(() => layer.apply(x64));
      const r = new Tensor(Float64Array.from({ length: out0.size }, (_, i) => 0.5 + ((i * 7) % 10) / 10), out0.shape);
      const f = (): Tensor => sum(mul(layer.apply(x64), r));
      const grads = computeGrads(f());
      for (const t of [x64, ...ws]) {
        const g = grads.get(t)!;
        for (let i = 0; i < t.size; i++) {
          const v = t.values[i]!;
          t.values[i] = v + 1e-6;
          const up = f().values[0]!;
          t.values[i] = v - 1e-6;
          const down = f().values[0]!;
          t.values[i] = v;
          expect(g.values[i]).toBeCloseTo((up - down) / 2e-6, 5);
        }
      }
    });
  } finally {
    ws.forEach((w, i) => (w.values = saved[i]!));
  }
}

describe('wrappers', () => {
  test('timeDistributed applies its layer to every step, sharing its weights', () => {
    setSeed(2);
    const d = layers.dense({ units: 3 });
    const td = layers.timeDistributed({ layer: d });
    const x = randomNormal([2, 4, 5], 0, 1, { seed: 1 });
    const y = td.apply(x);
    expect(y.shape).toEqual([2, 4, 3]);
    expect(td.computeOutputShape([null, 4, 5])).toEqual([null, 4, 3]);
    expect(td.countParams()).toBe(5 * 3 + 3);
    // Step 2 of sample 1 is the dense layer on that row alone.
    const row = d.apply(x.slice([1, 2, 0], [1, 1, 5]).reshape([1, 5]));
    Array.from(row.values).forEach((v, i) => expect(y.values[(1 * 4 + 2) * 3 + i]).toBeCloseTo(v, 6));
    checkGradients(td, x);
  });

  test('bidirectional: a forward and a backward copy, merged; with sequences the backward outputs in time order', () => {
    setSeed(3);
    const x = randomNormal([2, 4, 3], 0, 1, { seed: 2 });
    const bi = layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true }) }) as Bidirectional;
    const y = bi.apply(x);
    expect(y.shape).toEqual([2, 4, 4]);
    expect(bi.weightEntries.map((w) => w.name)).toEqual(['forward_lstm/kernel', 'forward_lstm/recurrent_kernel', 'forward_lstm/bias', 'backward_lstm/kernel', 'backward_lstm/recurrent_kernel', 'backward_lstm/bias']);
    // By hand: the forward copy on x, the backward copy's outputs reversed in time, concatenated.
    const f = bi.forwardLayer.apply(x);
    const b = reverse(bi.backwardLayer.apply(x), 1);
    expect(Array.from(y.values)).toEqual(Array.from(concat([f, b], -1).values));
    for (const mode of ['sum', 'mul', 'ave'] as const) {
      setSeed(3);
      const m = layers.bidirectional({ layer: layers.gru({ units: 2 }), mergeMode: mode });
      expect(m.apply(x).shape).toEqual([2, 2]);
    }
    checkGradients(layers.bidirectional({ layer: layers.simpleRNN({ units: 2 }) }), x);
    expect(() => layers.bidirectional({ layer: layers.dense({ units: 2 }) as never })).toThrow('bidirectional: config.layer must be a simpleRNN, lstm or gru layer, got Dense');
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: 'max' as never })).toThrow("bidirectional: mergeMode must be 'concat', 'sum', 'mul' or 'ave', got \"max\"");
    expect(() => layers.timeDistributed({ layer: layers.dense({ units: 2 }) }).apply(tensor([[1, 2]]))).toThrow('timeDistributed: expected input of rank ≥ 3 (batch, time, …), got shape (None, 2)');
  });
});
