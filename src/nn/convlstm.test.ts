import { describe, expect, test } from 'vitest';
import { ConvLSTM2D, layers, noGrad, sequential, tensor } from '../index.js';
import type { Tensor } from '../tensor/tensor.js';
import { testLayer } from '../../test/harness/layer.js';

// kernel [kH, kW, channels, 4·filters] + recurrent_kernel [kH, kW, filters, 4·filters] + bias [4·filters].
testLayer('convLstm2d same padding', {
  make: () => layers.convLstm2d({ filters: 2, kernelSize: 3, padding: 'same', recurrentActivation: 'sigmoid' }),
  input: [2, 3, 4, 4, 1], output: [2, 4, 4, 2], params: 3 * 3 * 1 * 8 + 3 * 3 * 2 * 8 + 8, weightNames: ['kernel', 'recurrent_kernel', 'bias'],
});
testLayer('convLstm2d valid, strides 2, returnSequences, channelsFirst, hardSigmoid gates', {
  // rows and cols: floor((5 − 2) / 2) + 1 = 2.
  make: () => layers.convLstm2d({ filters: 3, kernelSize: 2, strides: 2, returnSequences: true, dataFormat: 'channelsFirst' }),
  input: [2, 2, 2, 5, 5], output: [2, 2, 3, 2, 2], params: 2 * 2 * 2 * 12 + 2 * 2 * 3 * 12 + 12, weightNames: ['kernel', 'recurrent_kernel', 'bias'],
});
testLayer('convLstm2d dilated, goBackwards, returnState, relu activation (composed cell)', {
  // rows: 5 − (2 − 1)·2 = 3, cols: 4 − 2 = 2.
  make: () => layers.convLstm2d({ filters: 1, kernelSize: [2, 1], dilationRate: 2, goBackwards: true, activation: 'relu', useBias: false }),
  input: [1, 3, 5, 2, 2], output: [1, 3, 2, 1], params: 2 * 1 * 2 * 4 + 2 * 1 * 1 * 4, weightNames: ['kernel', 'recurrent_kernel'],
});

/** Gate σ: the logistic, or tfjs's hardSigmoid clip(0.2·x + 0.5, 0, 1). */
const GATE = { sigmoid: (v: number) => 1 / (1 + Math.exp(-v)), hardSigmoid: (v: number) => Math.min(1, Math.max(0, 0.2 * v + 0.5)) };

interface Geometry { k: [number, number]; s: [number, number]; d: [number, number]; same: boolean }

/** out[r][c][o] = Σ_{i,j,ch} in[r·s + i·d − top][c·s + j·d − left][ch] · w[i][j][ch][o] (zero outside), TensorFlow's 'same' split. */
function convAt(input: Float64Array, [R, C, CH]: number[], w: ArrayLike<number>, outCh: number, g: Geometry): { out: Float64Array; R: number; C: number } {
  const span = (n: number, a: 0 | 1): number => (g.same ? Math.ceil(n / g.s[a]) : Math.floor((n - ((g.k[a] - 1) * g.d[a] + 1)) / g.s[a]) + 1);
  const [oR, oC] = [span(R!, 0), span(C!, 1)];
  const pad = (n: number, o: number, a: 0 | 1): number => (g.same ? Math.floor(Math.max((o - 1) * g.s[a] + (g.k[a] - 1) * g.d[a] + 1 - n, 0) / 2) : 0);
  const [top, left] = [pad(R!, oR, 0), pad(C!, oC, 1)];
  const out = new Float64Array(oR * oC * outCh);
  for (let r = 0; r < oR; r++) for (let c = 0; c < oC; c++) for (let o = 0; o < outCh; o++) {
    let acc = 0;
    for (let i = 0; i < g.k[0]; i++) for (let j = 0; j < g.k[1]; j++) {
      const y = r * g.s[0] + i * g.d[0] - top;
      const x = c * g.s[1] + j * g.d[1] - left;
      if (y < 0 || y >= R! || x < 0 || x >= C!) continue;
      for (let ch = 0; ch < CH!; ch++) acc += input[(y * C! + x) * CH! + ch]! * w[((i * g.k[1] + j) * CH! + ch) * outCh + o]!;
    }
    out[(r * oC + c) * outCh + o] = acc;
  }
  return { out, R: oR, C: oC };
}

/**
 * A ConvLSTM2D in plain loops (float64), channels last: per step z = conv(x_t, W) + b + conv(h, U, 1, same),
 * i = σ(z_i), f = σ(z_f), c = f·c + i·tanh(z_c), h = σ(z_o)·tanh(c). Returns every step's h.
 */
function reference(x: Tensor, W: Tensor, U: Tensor, b: Tensor | null, F: number, g: Geometry, gate: keyof typeof GATE): { hs: Float64Array[][]; R: number; C: number } {
  const [B, T, R, C, CH] = x.shape as number[];
  const hs: Float64Array[][] = [];
  let oR = 0;
  let oC = 0;
  for (let n = 0; n < B!; n++) {
    let h: Float64Array | null = null;
    let c: Float64Array | null = null;
    const seq: Float64Array[] = [];
    for (let t = 0; t < T!; t++) {
      const frame = Float64Array.from(x.values.subarray(((n * T! + t) * R! * C! * CH!), ((n * T! + t + 1) * R! * C! * CH!)));
      const zx = convAt(frame, [R!, C!, CH!], W.values, 4 * F, g);
      [oR, oC] = [zx.R, zx.C];
      const hPrev: Float64Array = h ?? new Float64Array(oR * oC * F);
      const cPrev: Float64Array = c ?? new Float64Array(oR * oC * F);
      const zh = convAt(hPrev, [oR, oC, F], U.values, 4 * F, { k: g.k, s: [1, 1], d: [1, 1], same: true });
      const nh = new Float64Array(hPrev.length);
      const nc = new Float64Array(cPrev.length);
      for (let p = 0; p < oR * oC; p++) for (let u = 0; u < F; u++) {
        const z = (k: number): number => zx.out[p * 4 * F + k * F + u]! + zh.out[p * 4 * F + k * F + u]! + (b === null ? 0 : b.values[k * F + u]!);
        const cell = GATE[gate](z(1)) * cPrev[p * F + u]! + GATE[gate](z(0)) * Math.tanh(z(2));
        nc[p * F + u] = cell;
        nh[p * F + u] = GATE[gate](z(3)) * Math.tanh(cell);
      }
      [h, c] = [nh, nc];
      seq.push(nh);
    }
    hs.push(seq);
  }
  return { hs, R: oR, C: oC };
}

const wave = (shape: readonly number[], f = 0.37): Tensor => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * f + 0.3)), shape);

function built(config: ConstructorParameters<typeof ConvLSTM2D>[0], inputShape: readonly number[]): ConvLSTM2D {
  const l = layers.convLstm2d(config);
  l.build([null, ...inputShape.slice(1)]);
  l.kernel!.assign(wave(l.kernel!.shape, 0.53).values);
  l.recurrentKernel!.assign(wave(l.recurrentKernel!.shape, 0.71).values);
  if (l.bias !== null) l.bias.assign(wave(l.bias.shape, 1.3).values);
  return l;
}

describe('convLstm2d against plain loops', () => {
  test.each([
    ['same padding, hardSigmoid gates', { filters: 2, kernelSize: 3, padding: 'same' as const }, [2, 3, 4, 5, 2], { k: [3, 3], s: [1, 1], d: [1, 1], same: true }, 'hardSigmoid'],
    ['valid, strides [2, 1], sigmoid gates', { filters: 3, kernelSize: [2, 3], strides: [2, 1], recurrentActivation: 'sigmoid' as const }, [1, 4, 5, 6, 1], { k: [2, 3], s: [2, 1], d: [1, 1], same: false }, 'sigmoid'],
    ['dilated, no bias', { filters: 1, kernelSize: 2, dilationRate: [2, 1], useBias: false }, [2, 2, 6, 4, 3], { k: [2, 2], s: [1, 1], d: [2, 1], same: false }, 'hardSigmoid'],
    ['same padding with strides 2 (odd sizes)', { filters: 2, kernelSize: 3, strides: 2, padding: 'same' as const, recurrentActivation: 'sigmoid' as const }, [1, 3, 5, 7, 1], { k: [3, 3], s: [2, 2], d: [1, 1], same: true }, 'sigmoid'],
  ] as const)('%s: every step within 1e-5', (_name, config, shape, g, gate) => {
    const l = built({ ...config, returnSequences: true }, [...shape]);
    const x = wave([...shape]);
    const got = noGrad(() => l.apply(x)) as Tensor;
    const want = reference(x, l.kernel!, l.recurrentKernel!, l.bias, config.filters, g as Geometry, gate);
    expect(got.shape).toEqual([shape[0], shape[1], want.R, want.C, config.filters]);
    const flat = want.hs.flatMap((seq) => seq.flatMap((h) => Array.from(h)));
    expect(Math.max(...Array.from(got.values, (v, i) => Math.abs(v - flat[i]!)))).toBeLessThan(1e-5);
  });

  test('channelsFirst is channels last transposed in and out; goBackwards reads the steps from the end', () => {
    const x = wave([2, 3, 4, 4, 2]);
    const last = built({ filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, goBackwards: true }, x.shape);
    const first = built({ filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, goBackwards: true, dataFormat: 'channelsFirst' }, [2, 3, 2, 4, 4]);
    const a = noGrad(() => last.apply(x)) as Tensor;
    const b = noGrad(() => first.apply(x.transpose([0, 1, 4, 2, 3]))) as Tensor;
    expect(b.shape).toEqual([2, 3, 2, 4, 4]);
    expect(Array.from(b.transpose([0, 1, 3, 4, 2]).values)).toEqual(Array.from(a.values));
    expect(first.computeOutputShape([null, 3, 2, 4, 4])).toEqual([null, 3, 2, 4, 4]);
    // goBackwards: the first output is the step over x's last frame from the zero state.
    const fwd = built({ filters: 2, kernelSize: 2, padding: 'same' }, [2, 1, 4, 4, 2]);
    const lastFrame = noGrad(() => fwd.apply(x.slice([0, 2, 0, 0, 0], [2, 1, 4, 4, 2]))) as Tensor;
    expect(Array.from(a.slice([0, 0, 0, 0, 0], [2, 1, 4, 4, 2]).values)).toEqual(Array.from(lastFrame.values));
  });

  test('returnState gives [output, h, c]; continuing from a state is running the sequence whole; stateful carries it', () => {
    const x = wave([2, 5, 3, 3, 1]);
    const l = built({ filters: 2, kernelSize: 3, padding: 'same', returnState: true }, x.shape);
    const whole = noGrad(() => l.apply(x)) as unknown as Tensor[];
    expect(whole.map((t) => t.shape)).toEqual([[2, 3, 3, 2], [2, 3, 3, 2], [2, 3, 3, 2]]);
    expect(Array.from(whole[0]!.values)).toEqual(Array.from(whole[1]!.values));
    const head = noGrad(() => l.apply(x.slice([0, 0, 0, 0, 0], [2, 2, 3, 3, 1]))) as unknown as Tensor[];
    const rest = noGrad(() => l.apply(x.slice([0, 2, 0, 0, 0], [2, 3, 3, 3, 1]), { initialState: head.slice(1) })) as unknown as Tensor[];
    rest.forEach((t, i) => t.values.forEach((v, k) => expect(v).toBeCloseTo(whole[i]!.values[k]!, 6)));
    expect(l.computeOutputShape([null, 5, 3, 3, 1])).toEqual([[null, 3, 3, 2], [null, 3, 3, 2], [null, 3, 3, 2]]);

    const s = layers.convLstm2d({ filters: 2, kernelSize: 3, padding: 'same', stateful: true, batchInputShape: [2, null, 3, 3, 1] });
    const m = sequential({ layers: [s] });
    s.kernel!.assign(l.kernel!.values);
    s.recurrentKernel!.assign(l.recurrentKernel!.values);
    s.bias!.assign(l.bias!.values);
    m.predict(x.slice([0, 0, 0, 0, 0], [2, 2, 3, 3, 1]));
    const carried = m.predict(x.slice([0, 2, 0, 0, 0], [2, 3, 3, 3, 1])) as Tensor;
    carried.values.forEach((v, k) => expect(v).toBeCloseTo(whole[0]!.values[k]!, 6));
    s.resetStates();
    const fresh = m.predict(x.slice([0, 2, 0, 0, 0], [2, 3, 3, 3, 1])) as Tensor;
    expect(Array.from(fresh.values)).not.toEqual(Array.from(carried.values));
    expect(() => s.resetStates([tensor(new Array(18).fill(0), [2, 3, 3, 1])])).toThrow('convLstm2d: resetStates takes [h, c], each [batch, rows, cols, filters] (channels last), got [2,3,3,1]');
  });

  test('rnn over a convLstm2dCell is the convLstm2d layer', () => {
    const cell = layers.convLstm2dCell({ filters: 2, kernelSize: 2, recurrentActivation: 'sigmoid' });
    expect(cell.stateSize).toEqual([2, 2]);
    const r = layers.rnn({ cell, returnSequences: true });
    expect(r).toBeInstanceOf(ConvLSTM2D);
    expect((r.config as { returnSequences?: boolean; kernelSize?: number }).returnSequences).toBe(true);
    expect(() => layers.stackedRNNCells({ cells: [cell, layers.lstmCell({ units: 2 })] })).toThrow('stackedRNNCells: ConvLSTM2D cells cannot be stacked (as in tfjs); stack convLstm2d layers instead');
    expect(() => layers.convLstm2dCell({ filters: 0, kernelSize: 2 })).toThrow('ConvLSTM2DCell: filters must be a positive integer, got 0');
  });

  test('errors name what was expected and what was given', () => {
    expect(() => layers.convLstm2d({ filters: 0, kernelSize: 3 })).toThrow('convLstm2d: filters must be a positive integer, got 0');
    expect(() => layers.convLstm2d({ filters: 2 } as never)).toThrow('convLstm2d: kernelSize is required (a positive integer or [rows, cols])');
    expect(() => layers.convLstm2d({ filters: 2, kernelSize: [3, 3, 3] })).toThrow('convLstm2d: kernelSize must be a positive integer or 2 of them, got [3,3,3]');
    expect(() => layers.convLstm2d({ filters: 2, kernelSize: 3, padding: 'causal' })).toThrow(`convLstm2d: padding must be 'valid' or 'same', got "causal"`);
    expect(() => layers.convLstm2d({ filters: 2, kernelSize: 3, unroll: true })).toThrow('convLstm2d: unroll is not possible with convolutional recurrent layers (as in tfjs)');
    expect(() => layers.convLstm2d({ filters: 2, kernelSize: 3, dataFormat: 'nhwc' as never })).toThrow(`convLstm2d: dataFormat must be 'channelsLast' or 'channelsFirst', got "nhwc"`);
    expect(() => layers.convLstm2d({ filters: 2, kernelSize: 3, dropout: 1 })).toThrow('convLstm2d: dropout must be in [0, 1), got 1');
    expect(() => layers.convLstm2d({ filters: 2, kernelSize: 3 }).build([null, 4, 4, 1])).toThrow('convLstm2d: expected input of rank 5 (batch, time, rows, cols, channels), got shape (None, 4, 4, 1)');
    expect(() => layers.convLstm2d({ filters: 2, kernelSize: 3 }).build([null, 4, 4, 4, null])).toThrow('convLstm2d: the channel dimension of the input shape (None, 4, 4, 4, None) must be known to build the layer');
    const l = built({ filters: 2, kernelSize: 3 }, [1, 2, 4, 4, 1]);
    expect(() => l.apply(wave([1, 2, 4, 4, 2]))).toThrow('convLstm2d: expected input of shape [batch, time, rows, cols, 1], got [1,2,4,4,2]');
    expect(() => l.apply(wave([1, 2, 2, 4, 1]))).toThrow("convLstm2d: the input's rows and cols [2,4] are smaller than the kernel [3,3] spans (with padding 'valid')");
    expect(() => l.apply(wave([1, 2, 4, 4, 1]), { initialState: [wave([1, 2, 2, 2])] })).toThrow('convLstm2d: initialState must be [h, c] (2 tensors of shape [batch, rows, cols, filters] (channels last)), got 1');
    expect(() => l.apply(wave([1, 2, 4, 4, 1]), { initialState: [wave([1, 2, 2, 3]), wave([1, 2, 2, 3])] })).toThrow('convLstm2d: each initial state must have shape [1, 2, 2, 2], got [1,2,2,3]');
    expect(() => layers.convLstm2d({ filters: 2, kernelSize: 3, stateful: true, batchInputShape: [1, 2, null, 4, 1] }).build([1, 2, null, 4, 1])).toThrow('convLstm2d: a stateful layer needs to know its state\'s shape, got (1, None, 2, 2) from the input shape (1, 2, None, 4, 1)');
  });
});
