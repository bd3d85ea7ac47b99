import { describe, expect, test } from 'vitest';
import { depthwiseFilterGrad, depthwiseInputGrad, maxPoolGrad } from './conv.js';
import {
  type Shape, Tensor, gradCheck, jsBackend, window2d, sum, mul, dilation2d, pool, maxPoolWithArgmax, avgPool1d, avgPool2d, avgPool, conv1d, conv2d, conv2dTranspose, depthwiseConv2d, maxPool1d, maxPool2d, maxPool, pad, randomNormal, tensor,
} from '../index.js';
import { testOp } from '../../test/harness/op.js';

type Ref = { values: number[]; shape: Shape };
type Pad = 'valid' | 'same';

/**
 * Padding by TensorFlow's rule, written out independently: 'same' gives ⌈n/s⌉ outputs and pads
 * (out−1)·s + eff − n in total, the smaller half before; 'valid' gives ⌊(n − eff)/s⌋ + 1.
 */
function geometry(n: number, k: number, s: number, d: number, padding: Pad): { out: number; before: number } {
  const eff = (k - 1) * d + 1;
  if (padding === 'valid') return { out: Math.floor((n - eff) / s) + 1, before: 0 };
  const out = Math.ceil(n / s);
  return { out, before: Math.floor(Math.max(0, (out - 1) * s + eff - n) / 2) };
}

const at4 = (t: Tensor, a: number, b: number, c: number, d: number): number =>
  t.values[((a * t.shape[1]! + b) * t.shape[2]! + c) * t.shape[3]! + d]!;

/** y[n,i,j,f] = Σ x[n, i·s − p + ky·d, j·s − p + kx·d, c] · w[ky,kx,c,f], straight from the definition. */
function conv2dRef(x: Tensor, w: Tensor, s: [number, number], d: [number, number], padding: Pad): Ref {
  const [N, H, W, C] = x.shape as number[] as [number, number, number, number];
  const [KH, KW, , F] = w.shape as number[] as [number, number, number, number];
  const gh = geometry(H, KH, s[0], d[0], padding);
  const gw = geometry(W, KW, s[1], d[1], padding);
  const values: number[] = [];
  for (let n = 0; n < N; n++) for (let i = 0; i < gh.out; i++) for (let j = 0; j < gw.out; j++) for (let f = 0; f < F; f++) {
    let acc = 0;
    for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
      const y = i * s[0] - gh.before + ky * d[0];
      const xx = j * s[1] - gw.before + kx * d[1];
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      for (let c = 0; c < C; c++) acc += at4(x, n, y, xx, c) * at4(w, ky, kx, c, f);
    }
    values.push(acc);
  }
  return { values, shape: [N, gh.out, gw.out, F] };
}

/**
 * Pooling by the definition. Dilated windows (d) with `zeros` count the taps in the padding as
 * zeros (TensorFlow's space-to-batch pooling); otherwise only the taps inside the image count.
 */
function poolRef(x: Tensor, k: [number, number], s: [number, number], padding: Pad, kind: 'max' | 'avg', d: [number, number] = [1, 1], zeros = false): Ref {
  const [N, H, W, C] = x.shape as number[] as [number, number, number, number];
  const gh = geometry(H, k[0], s[0], d[0], padding);
  const gw = geometry(W, k[1], s[1], d[1], padding);
  const values: number[] = [];
  for (let n = 0; n < N; n++) for (let i = 0; i < gh.out; i++) for (let j = 0; j < gw.out; j++) for (let c = 0; c < C; c++) {
    let best = -Infinity;
    let total = 0;
    let count = 0;
    for (let ky = 0; ky < k[0]; ky++) for (let kx = 0; kx < k[1]; kx++) {
      const y = i * s[0] - gh.before + ky * d[0];
      const xx = j * s[1] - gw.before + kx * d[1];
      const outside = y < 0 || y >= H || xx < 0 || xx >= W;
      if (outside && !zeros) continue;
      const v = outside ? 0 : at4(x, n, y, xx, c);
      best = Math.max(best, v);
      total += v;
      count++;
    }
    values.push(kind === 'max' ? best : total / count);
  }
  return { values, shape: [N, gh.out, gw.out, C] };
}

const CONV_CASES: Array<{ x: Shape; w: Shape; s: [number, number]; d: [number, number]; padding: Pad }> = [
  { x: [2, 5, 4, 3], w: [3, 3, 3, 2], s: [1, 1], d: [1, 1], padding: 'valid' },
  { x: [1, 5, 4, 2], w: [3, 2, 2, 3], s: [2, 1], d: [1, 1], padding: 'same' },
  { x: [1, 6, 6, 1], w: [2, 2, 1, 2], s: [3, 3], d: [1, 1], padding: 'valid' }, // stride > kernel
  { x: [1, 3, 3, 2], w: [5, 5, 2, 1], s: [1, 1], d: [1, 1], padding: 'same' }, // kernel larger than the input
  { x: [2, 3, 4, 2], w: [1, 1, 2, 3], s: [1, 1], d: [1, 1], padding: 'valid' }, // 1×1 (no im2col)
  { x: [1, 4, 4, 3], w: [1, 1, 3, 2], s: [2, 2], d: [1, 1], padding: 'same' }, // strided 1×1
  { x: [1, 7, 6, 1], w: [3, 2, 1, 2], s: [1, 2], d: [2, 2], padding: 'valid' }, // dilation
  { x: [1, 5, 5, 2], w: [2, 3, 2, 2], s: [2, 2], d: [2, 1], padding: 'same' },
];

for (const c of CONV_CASES) {
  testOp(`conv2d ${c.padding} strides ${c.s} dilations ${c.d}`, {
    fn: (x, w) => conv2d(x!, w!, { strides: c.s, dilations: c.d, padding: c.padding }),
    cases: [[c.x, c.w]],
    reference: (x, w) => conv2dRef(x!, w!, c.s, c.d, c.padding),
  });
}

// Large enough for the WebAssembly GEMM and threads; forward only (gradients are checked above).
testOp('conv2d, kernel-sized', {
  fn: (x, w) => conv2d(x!, w!, { padding: 'same' }),
  cases: [[[3, 13, 11, 5], [3, 3, 5, 17]]],
  reference: (x, w) => conv2dRef(x!, w!, [1, 1], [1, 1], 'same'),
  grad: false,
  atol: 1e-4,
});

for (const [k, s, padding] of [[[2, 2], [2, 2], 'valid'], [[3, 3], [2, 2], 'same'], [[2, 3], [1, 2], 'same'], [[3, 1], [3, 1], 'valid']] as Array<[[number, number], [number, number], Pad]>) {
  testOp(`maxPool2d ${k} strides ${s} ${padding}`, {
    fn: (x) => maxPool2d(x!, { poolSize: k, strides: s, padding }),
    cases: [[[2, 5, 6, 3]]],
    reference: (x) => poolRef(x!, k, s, padding, 'max'),
  });
  testOp(`avgPool2d ${k} strides ${s} ${padding}`, {
    fn: (x) => avgPool2d(x!, { poolSize: k, strides: s, padding }),
    cases: [[[2, 5, 6, 3]]],
    reference: (x) => poolRef(x!, k, s, padding, 'avg'),
  });
}

// tf.pool: strided, or dilated (with 'same', the padding's zeros are taps: TensorFlow's space-to-batch form).
for (const [k, kind, padding, d, st] of [
  [[2, 2], 'max', 'valid', [2, 2], [1, 1]], [[2, 3], 'avg', 'valid', [1, 2], [1, 1]], [[3, 3], 'avg', 'same', [2, 2], [1, 1]],
  [[2, 3], 'max', 'same', [3, 2], [1, 1]], [[2, 2], 'avg', 'same', [1, 1], [2, 2]],
] as Array<[[number, number], 'max' | 'avg', Pad, [number, number], [number, number]]>) {
  testOp(`pool ${kind} ${k} ${padding} dilations ${d} strides ${st}`, {
    fn: (x) => pool(x!, k, kind, padding, d, st),
    cases: [[[2, 7, 6, 2]]],
    reference: (x) => poolRef(x!, k, st, padding, kind, d, d[0] > 1 || d[1] > 1),
  });
}

/** Morphological dilation by the definition: the max over the window's taps inside the image of x + filter. */
function dilationRef(x: Tensor, f: Tensor, s: [number, number], d: [number, number], padding: Pad): Ref {
  const [N, H, W, C] = x.shape as number[] as [number, number, number, number];
  const [KH, KW] = f.shape as number[] as [number, number];
  const gh = geometry(H, KH, s[0], d[0], padding);
  const gw = geometry(W, KW, s[1], d[1], padding);
  const values: number[] = [];
  for (let n = 0; n < N; n++) for (let i = 0; i < gh.out; i++) for (let j = 0; j < gw.out; j++) for (let c = 0; c < C; c++) {
    let best = -Infinity;
    for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
      const y = i * s[0] - gh.before + ky * d[0];
      const xx = j * s[1] - gw.before + kx * d[1];
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      best = Math.max(best, at4(x, n, y, xx, c) + f.values[(ky * KW + kx) * C + c]!);
    }
    values.push(best);
  }
  return { values, shape: [N, gh.out, gw.out, C] };
}

for (const [fShape, st, d, padding] of [[[3, 3, 2], [1, 1], [1, 1], 'same'], [[2, 3, 2], [2, 1], [1, 1], 'valid'], [[2, 2, 2], [1, 1], [2, 2], 'same']] as Array<[Shape, [number, number], [number, number], Pad]>) {
  testOp(`dilation2d ${fShape} strides ${st} dilations ${d} ${padding}`, {
    fn: (x, f) => dilation2d(x!, f!, st, padding, d),
    cases: [[[2, 5, 6, 2], fShape]],
    reference: (x, f) => dilationRef(x!, f!, st, d, padding),
  });
}

describe('maxPoolWithArgmax and the window ops\' errors', () => {
  test('indexes by hand: (y·W + x)·C + c, the batch in them when asked', () => {
    // A 2×4 image, one channel, two images: 2×2 windows with stride 2 → maxima at (1, 1) and (0, 3) of each.
    const x = tensor([[[[0], [1], [2], [9]], [[3], [8], [4], [5]]], [[[0], [1], [2], [9]], [[3], [8], [4], [5]]]]);
    const { result, indexes } = maxPoolWithArgmax(x, 2, 2, 'valid');
    expect(Array.from(result.values)).toEqual([8, 9, 8, 9]);
    expect(Array.from(indexes.values)).toEqual([5, 3, 5, 3]);
    expect(indexes.dtype).toBe('int32');
    // With the batch: image 1's positions are offset by H·W·C = 8.
    expect(Array.from(maxPoolWithArgmax(x, 2, 2, 'valid', true).indexes.values)).toEqual([5, 3, 13, 11]);
  });
  test("tfjs's positional conv1d and conv2dTranspose equal the options forms; their errors", async () => {
    const { conv1d: c1, conv2dTranspose: c2t } = await import('../index.js');
    const seq = randomNormal([2, 7, 3], 0, 1, { seed: 1 });
    const f = randomNormal([3, 3, 2], 0, 1, { seed: 2 });
    expect(Array.from(c1(seq, f, 2, 'same').values)).toEqual(Array.from(c1(seq, f, { stride: 2, padding: 'same' }).values));
    expect(Array.from(c1(seq, f, 1, 'valid', 'NWC', 2).values)).toEqual(Array.from(c1(seq, f, { dilation: 2 }).values));
    const img = randomNormal([1, 3, 3, 2], 0, 1, { seed: 3 });
    const ft = randomNormal([2, 2, 4, 2], 0, 1, { seed: 4 });
    expect(Array.from(c2t(img, ft, [1, 6, 6, 4], 2, 'same').values)).toEqual(Array.from(c2t(img, ft, [1, 6, 6, 4], { strides: 2, padding: 'same' }).values));
    expect(() => c1(seq, f, 1, 'full' as never)).toThrow(`conv1d: pad must be 'same', 'valid', 'causal' or 0, got "full"`);
    expect(() => c1(seq, f, 1, 'same', 'NCW' as never)).toThrow(`conv1d: dataFormat must be 'NWC' (channels last), got "NCW"`);
  });
  test('errors', () => {
    const x = tensor(new Float32Array(2 * 4 * 4 * 2), [2, 4, 4, 2]);
    expect(() => dilation2d(x, tensor(new Float32Array(8), [2, 2, 2, 1]))).toThrow('dilation2d: filter must be [filterHeight, filterWidth, 2] (the input\'s channels), got [2,2,2,1]');
    expect(() => dilation2d(tensor([1, 2]), tensor(new Float32Array(4), [2, 2, 1]))).toThrow('dilation2d: expected images [batch, height, width, channels] or [height, width, channels], got shape [2]');
    expect(() => pool(x, 2, 'min' as never, 'valid')).toThrow(`pool: poolingType must be 'max' or 'avg', got "min"`);
    expect(() => pool(x, 2, 'max', 'valid', 2, 2)).toThrow('pool: either the strides or the dilations must be 1, got strides 2 and dilations 2');
    expect(() => maxPoolWithArgmax(tensor(new Float32Array(4), [2, 2, 1]), 2, 2, 'valid')).toThrow('maxPoolWithArgmax: expected images [batch, height, width, channels], got shape [2,2,1]');
  });
});

/** 1-D cases through the 2-D references on [n, 1, length, c]. */
const image = (t: Tensor): Tensor => new Tensor(t.values, [t.shape[0]!, 1, t.shape[1]!, t.shape[2]!]);
const sequence = (r: Ref): Ref => ({ values: r.values, shape: [r.shape[0]!, r.shape[2]!, r.shape[3]!] });

testOp('conv1d valid, stride 2', {
  fn: (x, w) => conv1d(x!, w!, { stride: 2 }),
  cases: [[[2, 9, 3], [3, 3, 4]]],
  reference: (x, w) => sequence(conv2dRef(image(x!), new Tensor(w!.values, [1, ...w!.shape]), [1, 2], [1, 1], 'valid')),
});
testOp('conv1d same, dilation 2', {
  fn: (x, w) => conv1d(x!, w!, { padding: 'same', dilation: 2 }),
  cases: [[[1, 7, 2], [3, 2, 2]]],
  reference: (x, w) => sequence(conv2dRef(image(x!), new Tensor(w!.values, [1, ...w!.shape]), [1, 1], [1, 2], 'same')),
});
testOp('conv1d causal: output t sees inputs ≤ t', {
  fn: (x, w) => conv1d(x!, w!, { padding: 'causal', dilation: 2 }),
  cases: [[[1, 6, 2], [2, 2, 3]]],
  // Causal = pad (k − 1)·d zeros on the left, then 'valid': y[t] = Σ_k x[t − (K−1−k)·d] w[k].
  reference: (x, w) => {
    const [, L, C] = x!.shape as number[] as [number, number, number];
    const [K, , F] = w!.shape as number[] as [number, number, number];
    const values: number[] = [];
    for (let t = 0; t < L; t++) for (let f = 0; f < F; f++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const src = t - (K - 1 - k) * 2;
        if (src >= 0) for (let c = 0; c < C; c++) acc += x!.values[src * C + c]! * w!.values[(k * C + c) * F + f]!;
      }
      values.push(acc);
    }
    return { values, shape: [1, L, F] };
  },
});
testOp('maxPool1d and avgPool1d', {
  fn: (x) => maxPool1d(x!, { poolSize: 3, strides: 2, padding: 'same' }),
  cases: [[[2, 7, 3]]],
  reference: (x) => sequence(poolRef(image(x!), [1, 3], [1, 2], 'same', 'max')),
});
testOp('avgPool1d', {
  fn: (x) => avgPool1d(x!, { poolSize: 2 }),
  cases: [[[2, 7, 3]]],
  reference: (x) => sequence(poolRef(image(x!), [1, 2], [1, 2], 'valid', 'avg')),
});

/** Transposed convolution by its definition: each input pixel adds filter · x at its window's taps. */
function conv2dTransposeRef(x: Tensor, w: Tensor, out: [number, number, number, number], s: [number, number], padding: Pad): Ref {
  const [N, H, W, Ci] = x.shape as number[] as [number, number, number, number];
  const [KH, KW, Co] = w.shape as number[] as [number, number, number, number];
  const [, OH, OW] = out;
  const before = [geometry(OH, KH, s[0], 1, padding).before, geometry(OW, KW, s[1], 1, padding).before];
  const values = new Array<number>(N * OH * OW * Co).fill(0);
  for (let n = 0; n < N; n++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let ci = 0; ci < Ci; ci++) {
    const v = at4(x, n, i, j, ci);
    for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
      const y = i * s[0] - before[0]! + ky;
      const xx = j * s[1] - before[1]! + kx;
      if (y < 0 || y >= OH || xx < 0 || xx >= OW) continue;
      for (let co = 0; co < Co; co++) values[((n * OH + y) * OW + xx) * Co + co]! += v * at4(w, ky, kx, co, ci);
    }
  }
  return { values, shape: out };
}

testOp('conv2dTranspose valid, stride 2', {
  fn: (x, w) => conv2dTranspose(x!, w!, [2, 7, 5, 3], { strides: 2 }),
  cases: [[[2, 3, 2, 2], [3, 3, 3, 2]]],
  reference: (x, w) => conv2dTransposeRef(x!, w!, [2, 7, 5, 3], [2, 2], 'valid'),
});
testOp('conv2dTranspose same, stride 2', {
  fn: (x, w) => conv2dTranspose(x!, w!, [1, 6, 4, 2], { strides: 2, padding: 'same' }),
  cases: [[[1, 3, 2, 3], [3, 2, 2, 3]]],
  reference: (x, w) => conv2dTransposeRef(x!, w!, [1, 6, 4, 2], [2, 2], 'same'),
});

/** Channel c·M + m of a depthwise convolution is channel c convolved with filter [:, :, c, m]. */
function depthwiseRef(x: Tensor, w: Tensor, strides: [number, number], dilation: [number, number], padding: 'same' | 'valid'): { values: number[]; shape: number[] } {
  const [N, H, W, C] = x.shape as number[] as [number, number, number, number];
  const [kH, kW, , M] = w.shape as number[] as [number, number, number, number];
  const outs = Array.from({ length: C }, (_, c) => {
    const xc = new Tensor(Float32Array.from({ length: N * H * W }, (_, p) => x.values[p * C + c]!), [N, H, W, 1]);
    const wc = new Tensor(Float32Array.from({ length: kH * kW * M }, (_, p) => w.values[(Math.floor(p / M) * C + c) * M + (p % M)]!), [kH, kW, 1, M]);
    return conv2dRef(xc, wc, strides, dilation, padding);
  });
  const shape = outs[0]!.shape;
  const P = shape[0]! * shape[1]! * shape[2]!;
  const values: number[] = [];
  for (let p = 0; p < P; p++) for (let c = 0; c < C; c++) for (let m = 0; m < M; m++) values.push(outs[c]!.values[p * M + m]!);
  return { values, shape: [shape[0]!, shape[1]!, shape[2]!, C * M] };
}

testOp('depthwiseConv2d, multiplier 2, same, stride 2', {
  fn: (x, w) => depthwiseConv2d(x!, w!, { strides: 2, padding: 'same' }),
  cases: [[[2, 5, 4, 3], [3, 3, 3, 2]]],
  reference: (x, w) => depthwiseRef(x!, w!, [2, 2], [1, 1], 'same'),
});
testOp('depthwiseConv2d, multiplier 1, valid, dilation 2 (the one-filter-per-channel kernels)', {
  fn: (x, w) => depthwiseConv2d(x!, w!, { dilations: 2 }),
  cases: [[[2, 7, 6, 5], [2, 3, 5, 1]]],
  reference: (x, w) => depthwiseRef(x!, w!, [1, 1], [2, 2], 'valid'),
});

describe('convolution by hand', () => {
  test('a 2×2 kernel over a 3×3 image, valid: each output is the sum of its window weighted', () => {
    // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,0],[0,−1]]: y[i,j] = x[i,j] − x[i+1,j+1] = −4 everywhere.
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tensor([1, 0, 0, -1], [2, 2, 1, 1]);
    expect(Array.from(conv2d(x, w).values)).toEqual([-4, -4, -4, -4]);
  });

  test('same padding on a 3×3 image with a 3×3 ones kernel sums each 3×3 neighbourhood', () => {
    // Corner (0,0): 1+2+4+5 = 12; centre: 45; edge (0,1): 1+2+3+4+5+6 = 21.
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const y = conv2d(x, tensor(new Array(9).fill(1), [3, 3, 1, 1]), { padding: 'same' });
    expect(Array.from(y.values)).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  test('max and average pooling, 2×2: the window maximum, and the mean of the taps inside the image', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    expect(Array.from(maxPool2d(x).values)).toEqual([5]);
    // 'same' on 3×3 with stride 2: windows at rows/cols {0,1} and {2}; the mean of [3, 6] is 4.5, of [9] is 9.
    expect(Array.from(avgPool2d(x, { padding: 'same' }).values)).toEqual([3, 4.5, 7.5, 9]);
  });

  test('max pooling gives the whole gradient to the first maximum of a tie, and NaN wins', () => {
    // Window [3, 3, 1, 2]: the first 3 (tap 0) takes the gradient 1; tap 1 gets nothing.
    const x = tensor([3, 3, 1, 2], [1, 2, 2, 1], { requiresGrad: true });
    sum(maxPool2d(x)).backward();
    expect(Array.from(x.grad!.values)).toEqual([1, 0, 0, 0]);
    expect(maxPool2d(tensor([1, Number.NaN, 5, 2], [1, 2, 2, 1])).item()).toBeNaN();
  });

  test.each([[1], [2]])('depthwise convolution\'s gradients are differentiable too (multiplier %i): its three kernels are each other\'s adjoints', (M) => {
    // Each of depthwiseInputGrad(g, f) and depthwiseFilterGrad(x, g) is bilinear; their
    // gradients (written with the other two kernels) are checked against central differences.
    const x = tensor(Float32Array.from({ length: 2 * 5 * 4 * 3 }, (_, i) => Math.sin(i * 1.3)), [2, 5, 4, 3]);
    const w = window2d('depthwiseConv2d', x.shape, 3, { strides: 2, padding: 'same' });
    const f = tensor(Float32Array.from({ length: 9 * 3 * M }, (_, i) => Math.cos(i * 0.7)), [3, 3, 3, M]);
    const g = tensor(Float32Array.from({ length: 2 * w.outH * w.outW * 3 * M }, (_, i) => Math.sin(i * 0.9)), [2, w.outH, w.outW, 3 * M]);
    const rx = tensor(Float32Array.from({ length: x.size }, (_, i) => Math.cos(i)), x.shape);
    const rf = tensor(Float32Array.from({ length: f.size }, (_, i) => Math.sin(i + 1)), f.shape);
    expect(gradCheck((gg, ff) => sum(mul(depthwiseInputGrad(gg!, ff!, w), rx)), [g, f]).passed).toBe(true);
    expect(gradCheck((xx, gg) => sum(mul(depthwiseFilterGrad(xx!, gg!, w, f.shape), rf)), [x, g]).passed).toBe(true);
  });

  test('the gradient of max pooling is itself differentiable: d/dg picks the chosen taps back out', () => {
    // maxPoolGrad is linear in g, so its gradient check is exact up to rounding; the taps come
    // from the reference kernel on a fixed input.
    const x = tensor(Float32Array.from({ length: 2 * 5 * 4 * 3 }, (_, i) => Math.sin(i * 1.7)), [2, 5, 4, 3]);
    const w = window2d('maxPool2d', x.shape, 2, { strides: 1, padding: 'same' });
    const taps = new Tensor(new Float32Array(2 * 5 * 4 * 3), [2, 5, 4, 3]);
    jsBackend().kernels.maxPool(x.values, w, new Float32Array(taps.size), taps.values);
    const r = new Tensor(Float32Array.from({ length: x.size }, (_, i) => Math.cos(i)), x.shape);
    const g = new Tensor(Float32Array.from({ length: taps.size }, (_, i) => Math.sin(i)), taps.shape);
    expect(gradCheck((t) => sum(mul(maxPoolGrad(t!, taps, w), r)), [g]).passed).toBe(true);
  });

  test('errors name what was expected and given', () => {
    const x = tensor(new Float32Array(9), [1, 3, 3, 1]);
    expect(() => conv2d(tensor(new Float32Array(9), [3, 3]), tensor(new Float32Array(1), [1, 1, 1, 1]))).toThrow('conv2d: expected input of rank 4 [batch, height, width, channels], got shape [3,3]');
    expect(() => conv2d(x, tensor(new Float32Array(8), [2, 2, 2, 1]))).toThrow('conv2d: expected a filter of rank 4 with 1 input channels on axis 2 (the input\'s), got shape [2,2,2,1]');
    expect(() => conv2d(x, tensor(new Float32Array(16), [4, 4, 1, 1]))).toThrow("conv2d: a 4×4 window (kernel 4×4, dilation 1×1) does not fit a 3×3 input with 'valid' padding; use 'same' or a smaller kernel");
    expect(() => conv2d(x, tensor(new Float32Array(1), [1, 1, 1, 1]), { strides: 0 })).toThrow('conv2d: strides must be a positive integer or a pair of them, got 0');
    expect(() => conv2d(x, tensor(new Float32Array(1), [1, 1, 1, 1]), { padding: 'full' as never })).toThrow('conv2d: padding must be \'valid\', \'same\' or \'causal\', got "full"');
    expect(() => maxPool2d(x, { padding: 'causal' as never })).toThrow("maxPool2d: 'causal' padding is for 1-D inputs (a kernel of height 1), got a 2×2 kernel");
    expect(() => conv1d(x, tensor(new Float32Array(1), [1, 1, 1]))).toThrow('conv1d: expected input of rank 3 [batch, length, channels], got shape [1,3,3,1]');
    expect(() => conv2dTranspose(tensor(new Float32Array(4), [1, 2, 2, 1]), tensor(new Float32Array(9), [3, 3, 1, 1]), [1, 9, 9, 1], { strides: 2 }))
      .toThrow('conv2dTranspose: a conv2d with these options maps outputShape [1,9,9,1] to 4×4, not the input\'s 2×2');
  });
});

describe("tfjs's positional forms (tfjs-examples' mnist-core: xs.conv2d(w, 1, 'same').relu().maxPool([2, 2], 2, 0))", () => {
  test('conv2d(x, f, strides, pad, dataFormat, dilations), maxPool and avgPool(x, size, strides, pad), and the tensor methods, equal the options forms', () => {
    const x = randomNormal([2, 6, 5, 3], 0, 1, { seed: 4 });
    const f = randomNormal([3, 3, 3, 4], 0, 1, { seed: 5 });
    const same = (a: Tensor, b: Tensor): void => expect([a.shape, Array.from(a.values)]).toEqual([b.shape, Array.from(b.values)]);
    same(conv2d(x, f, 1, 'same'), conv2d(x, f, { padding: 'same' }));
    same(conv2d(x, f, [2, 1], 0, 'NHWC', 1), conv2d(x, f, { strides: [2, 1], padding: 'valid' }));
    same(x.conv2d(f, 1, 'same', 'NHWC', [2, 2]), conv2d(x, f, { padding: 'same', dilations: 2 }));
    same(x.conv2d(f), conv2d(x, f));
    same(maxPool(x, [2, 2], 2, 0), maxPool2d(x, { poolSize: 2, strides: 2 }));
    same(x.maxPool(3, 1, 'same'), maxPool2d(x, { poolSize: 3, strides: 1, padding: 'same' }));
    same(x.avgPool([2, 2], 2, 'valid'), avgPool2d(x, { poolSize: 2 }));
    same(avgPool(x, 3, 1, 'same'), avgPool2d(x, { poolSize: 3, strides: 1, padding: 'same' }));
    expect(() => conv2d(x, f, 1, 2)).toThrow('conv2d: pad must be \'same\', \'valid\' or 0, got 2');
    expect(() => conv2d(x, f, 1, 'same', 'NCHW' as never)).toThrow('conv2d: dataFormat must be \'NHWC\' (channels last), got "NCHW"');
    expect(() => maxPool(x, 2, 2, 'full' as never)).toThrow('maxPool: pad must be \'same\', \'valid\' or 0, got "full"');
  });

  test("pad's constant value (tfjs pad(x, paddings, constantValue)): inside exactly x, the border the constant; the gradient is x's alone", () => {
    const x = tensor([[1e-8, 2], [3, 4]], undefined, { requiresGrad: true });
    const y = x.pad([[1, 0], [0, 1]], 7);
    // row 0 padding, then [1e-8, 2, 7], [3, 4, 7]
    expect(Array.from(y.values)).toEqual([7, 7, 7, Math.fround(1e-8), 2, 7, 3, 4, 7]);
    expect(Array.from(pad(x, [[0, 0], [1, 1]]).values)).toEqual([0, Math.fround(1e-8), 2, 0, 0, 3, 4, 0]);
    y.mul(tensor([[1, 1, 1], [2, 3, 1], [4, 5, 1]])).sum().backward();
    expect(Array.from(x.gradOrThrow().values)).toEqual([2, 3, 4, 5]);
  });
});
