// The native sliding-window kernels (assembly/window.ts, and the native backend's im2col,
// col2im, max pooling and depthwise kernels in native/window.cc, and the WebAssembly ones on one thread and split across two) against the reference,
// bit for bit (NaN counted as NaN), on odd sizes: strides, dilations, padding on every side, a
// kernel larger than the image, channel counts that are and are not multiples of 4, −∞ fill.
import { describe, expect, test } from 'vitest';
import type { Window2d } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { window2d } from '../../ops/conv.js';
import { Rng } from '../../tensor/random.js';
import { wasmBackend, wasmSimdSupported } from './index.js';
import { nativeBackend, nativeSupported } from '../native/index.js';
import { sameBits } from '../../../test/harness/bits.js';

const WINDOWS: Array<[number[], [number, number], Parameters<typeof window2d>[3]]> = [
  [[2, 7, 6, 3], [3, 3], { padding: 'same' }],
  [[1, 9, 8, 4], [3, 2], { strides: [2, 3], padding: 'same' }],
  [[2, 8, 9, 5], [2, 3], { dilations: [2, 3], padding: 'same' }],
  [[1, 3, 3, 8], [5, 5], { padding: 'same' }], // kernel larger than the image
  [[3, 10, 7, 1], [3, 3], {}],
  [[1, 12, 11, 6], [2, 2], { strides: 3 }], // stride > kernel
  [[1, 1, 13, 7], [1, 4], { padding: 'causal', dilations: [1, 2] }],
  [[3, 30, 30, 16], [3, 3], { padding: 'same' }], // large enough to be split across threads
  [[4, 40, 40, 12], [2, 2], { strides: 2 }], // a pooling window, on an image large enough to split
];

const BACKENDS = wasmSimdSupported()
  ? [wasmBackend({ threads: 1, relaxed: false }), wasmBackend({ threads: 2 }), ...(nativeSupported() ? [nativeBackend({ threads: 1 }), nativeBackend({ threads: 2 })] : [])]
  : [];

describe.runIf(wasmSimdSupported())('the WebAssembly window kernels on two threads', () => {
  test('large windows are split by image across the workers (and give the reference\'s bits, below)', async () => {
    const backend = wasmBackend({ threads: 2 });
    expect(await backend.ready()).toBe(2);
    const w = window2d('test', [4, 40, 40, 12], [3, 3], { padding: 'same' });
    const alloc = backend.allocResident!;
    const x = alloc(4 * 40 * 40 * 12).fill(1);
    const cols = alloc(w.batch * w.outH * w.outW * 9 * 12);
    // Each call's second band of two images goes to the worker, or, when the worker is late (a
    // busy machine: the CI's other test files), runs here: a few tries until one has gone.
    const before = backend.workerBands();
    const pool = alloc(x.length), taps = alloc(x.length);
    for (let i = 0; i < 20 && backend.workerBands() === before; i++) {
      backend.kernels.im2col(x, w, 0, cols);
      backend.kernels.maxPool(x, w, pool, taps);
    }
    expect(backend.workerBands() - before).toBeGreaterThanOrEqual(1);
    // The depthwise filter gradient's second half of the batch goes to the worker too.
    const between = backend.workerBands();
    const g = alloc(x.length).fill(1), df = alloc(9 * 12);
    for (let i = 0; i < 20 && backend.workerBands() === between; i++) backend.kernels.depthwiseConvGradFilter(x, g, w, 1, df);
    expect(backend.workerBands() - between).toBeGreaterThanOrEqual(1);
  });

  test('the depthwise filter gradient sums in the same order on one thread and on two: the same bits, on values whose sums round', async () => {
    const one = wasmBackend({ threads: 1, relaxed: false });
    const two = wasmBackend({ threads: 2, relaxed: false });
    expect(await two.ready()).toBe(2);
    const rng = new Rng(9);
    for (const [shape, M] of [[[3, 30, 30, 16], 1], [[5, 24, 24, 7], 2]] as const) {
      const w = window2d('test', [...shape], [3, 3], { padding: 'same' });
      const image = shape.reduce((p, d) => p * d, 1);
      const xs = Float32Array.from({ length: image }, () => rng.uniform() - 0.5);
      const gs = Float32Array.from({ length: w.batch * w.outH * w.outW * w.channels * M }, () => rng.uniform() - 0.5);
      const run = (b: typeof one): Float32Array => {
        const out = b.allocResident!(9 * w.channels * M).fill(Number.NaN);
        const x = b.allocResident!(xs.length), g = b.allocResident!(gs.length);
        x.set(xs);
        g.set(gs);
        b.kernels.depthwiseConvGradFilter(x, g, w, M, out);
        return Float32Array.from(out);
      };
      const a = run(one), b = run(two);
      sameBits(b, a, `depthwiseConvGradFilter [${shape}] multiplier ${M}`);
      // and within float32 rounding of the reference's one sum over all images
      const ref = new Float32Array(a.length);
      jsBackend().kernels.depthwiseConvGradFilter(xs, gs, w, M, ref);
      a.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref[i]!))));
    }
  });
});

describe.each(BACKENDS.map((b) => [b.name, b] as const))('%s sliding-window kernels', (_name, backend) => {
  const ref = jsBackend().kernels;
  const rng = new Rng(5);
  const values = (n: number, specials = false): Float32Array => {
    const r = backend.allocResident!(n);
    // Halves repeat often, so max pooling meets ties; NaN and ±∞ where asked.
    for (let i = 0; i < n; i++) r[i] = specials && rng.uniform() < 0.05 ? [NaN, Infinity, -Infinity][rng.int(3)]! : Math.round((rng.uniform() - 0.5) * 8) / 2;
    return r;
  };
  const cols = (w: Window2d): number => w.batch * w.outH * w.outW * w.kH * w.kW * w.channels;

  for (const [shape, kernel, options] of WINDOWS) {
    const w = window2d('test', shape, kernel, options);
    const label = `[${shape}] ${kernel.join('×')} ${JSON.stringify(options)}`;
    const image = shape.reduce((p, d) => p * d, 1);
    const pooled = w.batch * w.outH * w.outW * w.channels;

    test(`im2col and col2im ${label}`, () => {
      for (const fill of [0, -Infinity]) {
        const x = values(image);
        const out = backend.allocResident!(cols(w));
        const expected = new Float32Array(out.length);
        backend.kernels.im2col(x, w, fill, out);
        ref.im2col(Float32Array.from(x), w, fill, expected);
        sameBits(out, expected, `im2col fill ${fill}`);
      }
      const c = values(cols(w));
      const back = backend.allocResident!(image).fill(7); // the kernel zeroes it
      const expected = new Float32Array(image);
      backend.kernels.col2im(c, w, back);
      ref.col2im(Float32Array.from(c), w, expected);
      sameBits(back, expected, 'col2im');
    });

    test(`maxPool and maxPoolGrad ${label}`, () => {
      const x = values(image, true);
      const out = backend.allocResident!(pooled);
      const taps = backend.allocResident!(pooled);
      const eOut = new Float32Array(pooled);
      const eTaps = new Float32Array(pooled);
      backend.kernels.maxPool(x, w, out, taps);
      ref.maxPool(Float32Array.from(x), w, eOut, eTaps);
      sameBits(out, eOut, 'maxPool values');
      sameBits(taps, eTaps, 'maxPool taps');
      const g = values(pooled);
      const dx = backend.allocResident!(image).fill(3);
      const eDx = new Float32Array(image);
      backend.kernels.maxPoolGrad(g, taps, w, dx);
      ref.maxPoolGrad(Float32Array.from(g), eTaps, w, eDx);
      sameBits(dx, eDx, 'maxPoolGrad');
    });

    test(`a convolution's products without the window matrix ${label}`, () => {
      // Halves times halves, summed over at most 200 taps or 30·30·3 rows: exact in float32, so
      // every backend's blocked products give the reference's bits.
      const rows = w.batch * w.outH * w.outW, taps = w.kH * w.kW * w.channels, n = 7;
      const x = values(image), f = values(taps * n), g = values(rows * n);
      const out = (size: number) => backend.allocResident!(size).fill(Number.NaN);
      const y = out(rows * n), df = out(taps * n), dx = out(image);
      backend.kernels.conv(x, w, f, n, y);
      backend.kernels.convGradFilter(x, w, g, n, df);
      backend.kernels.convGradInput(g, f, w, n, dx);
      const ey = new Float32Array(rows * n), edf = new Float32Array(taps * n), edx = new Float32Array(image);
      ref.conv(Float32Array.from(x), w, Float32Array.from(f), n, ey);
      ref.convGradFilter(Float32Array.from(x), w, Float32Array.from(g), n, edf);
      ref.convGradInput(Float32Array.from(g), Float32Array.from(f), w, n, edx);
      sameBits(y, ey, 'conv');
      sameBits(df, edf, 'convGradFilter');
      sameBits(dx, edx, 'convGradInput');
    });

    // Halves times halves are exact quarters, and their sums here stay exact in float32: the
    // kernels' float32 products and sums then give the reference's bits.
    test.each([1, 2])(`depthwise convolution and its adjoints ${label}, multiplier %i`, (M) => {
      const x = values(image);
      const f = values(w.kH * w.kW * w.channels * M);
      const g = values(pooled * M);
      const y = backend.allocResident!(pooled * M).fill(5);
      const eY = new Float32Array(pooled * M);
      backend.kernels.depthwiseConv(x, f, w, M, y);
      ref.depthwiseConv(Float32Array.from(x), Float32Array.from(f), w, M, eY);
      sameBits(y, eY, 'depthwiseConv');
      const dx = backend.allocResident!(image).fill(5);
      const eDx = new Float32Array(image);
      backend.kernels.depthwiseConvGradInput(g, f, w, M, dx);
      ref.depthwiseConvGradInput(Float32Array.from(g), Float32Array.from(f), w, M, eDx);
      sameBits(dx, eDx, 'depthwiseConvGradInput');
      const df = backend.allocResident!(f.length).fill(5);
      const eDf = new Float32Array(f.length);
      backend.kernels.depthwiseConvGradFilter(x, g, w, M, df);
      ref.depthwiseConvGradFilter(Float32Array.from(x), Float32Array.from(g), w, M, eDf);
      sameBits(df, eDf, 'depthwiseConvGradFilter');
    });
  }
});
