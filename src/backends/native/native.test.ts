import { describe, expect, test } from 'vitest';
import { sameBits } from '../../../test/harness/bits.js';
import { checkCells } from '../../../test/harness/cells.js';
import { jsBackend } from '../js/index.js';
import { Rng } from '../../tensor/random.js';
import { gatherRows } from '../../models/data.js';
import { BINARY_OPS, REDUCE_OPS } from '../backend.js';
import { broadcastShapes, type Shape } from '../../tensor/shape.js';
import { type NativeIsa, NATIVE_MATMUL_MIN, nativeAddon, nativeBackend, nativeSupported, reduceBlock } from './index.js';

// Where the addon built (every CI run: `npm ci` builds it), every instruction set this CPU runs
// is checked against the reference; without it (no compiler) the file says so. Under CI the
// addon must exist.
const ci = process.env.CI === 'true';
test.runIf(ci)('the native addon built (CI installs a compiler)', () => {
  expect(nativeAddon()).toHaveProperty('addon');
});
if (!ci && !nativeSupported()) {
  console.warn(`*** SKIPPED *** native backend tests: ${(nativeAddon() as { why: string }).why}`);
}

describe.runIf(nativeSupported())('native backend', () => {
  const ref = jsBackend().kernels;
  const isas = (nativeAddon() as { addon: { info(): { isas: NativeIsa[] } } }).addon.info().isas;
  const rng = new Rng(11);
  const fill = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => (rng.uniform() - 0.5) * 2 * scale);
  // The product's rounding differs from the reference's (blocked sums, fused multiply-add): each
  // element within a few float32 ulps of |A|·|B| per multiply-add.
  const close = (got: Float32Array, want: Float32Array, k: number, label: string): void => {
    const tol = 4e-7 * Math.max(1, k);
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i]! - want[i]!) <= tol)) expect.fail(`${label}: element ${i} is ${got[i]}, the reference ${want[i]}`);
    }
  };
  // Odd sizes around the tiles (12×32 AVX-512, 6×16 AVX2, 4×8 generic), the blocks (k 256 and m 192 on AVX-512 and generic, k 512 and m 144 on AVX2),
  // and both ways of reading each operand (B in place up to 256 rows, packed above; A in place
  // with one or two column strips).
  const SHAPES: Array<[number, number, number]> = [[1, 1, 2048], [13, 33, 7], [37, 71, 300], [100, 17, 513], [5, 200, 3], [250, 129, 260], [193, 31, 1], [12, 32, 256], [2, 4100, 3], [300, 70, 40], [520, 40, 300]];

  for (const isa of isas) {
    test(`${isa}: gemm equals the reference within float tolerance, every transpose, 1 and 2 threads the same bits`, () => {
      const one = nativeBackend({ threads: 1, isa });
      const two = nativeBackend({ threads: 2, isa });
      for (const [m, n, k] of SHAPES) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const a = fill(m * k);
            const b = fill(k * n);
            const want = new Float32Array(m * n);
            ref.gemm(a, b, want, m, n, k, ta, tb);
            const got1 = new Float32Array(m * n).fill(Number.NaN);
            const got2 = new Float32Array(m * n).fill(Number.NaN);
            one.kernels.gemm(a, b, got1, m, n, k, ta, tb);
            two.kernels.gemm(a, b, got2, m, n, k, ta, tb);
            const label = `${isa} ${m}×${k}·${k}×${n} transA ${ta} transB ${tb}`;
            close(got1, want, k, label);
            sameBits(got2, got1, `${label}, two threads against one`);
          }
        }
      }
    });
  }

  test('gemm with k = 0 writes zeros; products below NATIVE_MATMUL_MIN use the reference bit for bit', () => {
    const be = nativeBackend({ threads: 2 });
    const c = new Float32Array(6).fill(5);
    be.kernels.gemm(new Float32Array(0), new Float32Array(0), c, 2, 3, 0, false, false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
    const [m, n, k] = [4, 5, 6];
    expect(m * n * k).toBeLessThan(NATIVE_MATMUL_MIN);
    const a = fill(m * k);
    const b = fill(k * n);
    const want = new Float32Array(m * n);
    const got = new Float32Array(m * n);
    ref.gemm(a, b, want, m, n, k, false, true);
    be.kernels.gemm(a, b, got, m, n, k, false, true);
    sameBits(got, want, 'small product');
  });

  test('batched matmul broadcasts batch axes as the reference, reading views where they lie', () => {
    const be = nativeBackend({ threads: 2 });
    // [2, 1, 20, 30] · [3, 30, 40] → [2, 3, 20, 40], A transposed in a view at an offset.
    const backing = fill(7 + 2 * 30 * 20);
    const a = backing.subarray(7);
    const b = fill(3 * 30 * 40);
    const want = new Float32Array(2 * 3 * 20 * 40);
    const got = new Float32Array(want.length);
    ref.matmul(a, [2, 1, 30, 20], b, [3, 30, 40], true, false, want, [2, 3, 20, 40]);
    be.kernels.matmul(a, [2, 1, 30, 20], b, [3, 30, 40], true, false, got, [2, 3, 20, 40]);
    close(got, want, 30, 'batched');
  });

  test('SGD (plain, momentum, Nesterov), Adam, RMSprop (plain, momentum, centered), Adagrad, Adadelta, Adamax and AdamW\'s decay equal the reference bit for bit, 1 and 2 threads', () => {
    for (const threads of [1, 2]) {
      const be = nativeBackend({ threads });
      // Odd lengths, and one past the threading threshold (1 << 16) that is not a multiple of 16.
      for (const n of [1, 67, 130, 70001]) {
        const run = (label: string, step: (k: typeof ref, bufs: Float32Array[], g: Float32Array) => void, slots: number): void => {
          const start = Array.from({ length: slots + 1 }, (_, i) => (i === 0 ? fill(n) : Float32Array.from(fill(n), Math.abs)));
          const mine = start.map((x) => Float32Array.from(x));
          const theirs = start.map((x) => Float32Array.from(x));
          for (let t = 0; t < 3; t++) {
            const g = fill(n, 2);
            step(be.kernels, mine, g);
            step(ref, theirs, g);
          }
          mine.forEach((x, i) => sameBits(x, theirs[i]!, `${label} n=${n} threads=${threads} buffer ${i}`));
        };
        run('sgd', (k, [p], g) => k.sgdUpdate(p!, g, null, n, 0.1, 0, false), 0);
        run('sgd momentum', (k, [p, v], g) => k.sgdUpdate(p!, g, v!, n, 0.1, 0.9, false), 1);
        run('sgd nesterov', (k, [p, v], g) => k.sgdUpdate(p!, g, v!, n, 0.1, 0.9, true), 1);
        run('adam', (k, [p, m, v], g) => k.adamUpdate(p!, g, m!, v!, n, 0.001 * Math.sqrt(1 - 0.999) / (1 - 0.9), 0.9, 0.999, 1e-7), 2);
        for (const [mu, centered] of [[0, false], [0.9, false], [0, true], [0.5, true]] as const) {
          run(`rmsprop mu=${mu} centered=${centered}`, (k, [p, s, m, avg], g) => k.rmspropUpdate(p!, g, s!, m!, avg!, n, 0.01, 0.9, mu, 1e-7, centered), 3);
        }
        run('adagrad', (k, [p, a], g) => k.adagradUpdate(p!, g, a!, n, 0.01, 1e-7), 1);
        run('adadelta', (k, [p, eg, ed], g) => k.adadeltaUpdate(p!, g, eg!, ed!, n, 1, 0.95, 1e-7), 2);
        run('adamax', (k, [p, m, u], g) => k.adamaxUpdate(p!, g, m!, u!, n, 0.002, 0.9, 0.999, 1e-7, 1 - 0.9 ** 3), 2);
        run('scale (AdamW decay)', (k, [p], g) => k.scaleUpdate(p!, n, 1 - 0.001 * g[0]!), 0);
      }
    }
  });

  // Values where float32 arithmetic has its edges: signed zeros, infinities, NaN, subnormals, the
  // largest finite value, and magnitudes whose sums lose bits in float32 but not in float64.
  const EDGES = [0, -0, Infinity, -Infinity, Number.NaN, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38, 1, -1, 16777216, 1e8, -1e8, 0.1];
  const edgy = (n: number, k: number): Float32Array => {
    const x = fill(n, 4);
    for (let i = k % 7; i < n; i += 7) x[i] = EDGES[(i + k) % EDGES.length]!;
    return x;
  };
  const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

  test('arithmetic and comparisons in every layout (alike, a scalar, a row, a value per row, either side) equal the reference bit for bit, 1 and 2 threads, in place too', () => {
    // 9×130 (rows not a multiple of the vector width) and 70×1000 (past the threading threshold); and one broadcast no layout covers, which falls back.
    const pairs = (m: number, n: number): Array<[Shape, Shape]> => [[[m, n], [m, n]], [[m, n], []], [[], [m, n]], [[m, n], [n]], [[n], [m, n]], [[m, n], [m, 1]], [[m, 1], [m, n]], [[2, m, 1], [1, 1, n]]];
    for (const threads of [1, 2]) {
      const be = nativeBackend({ threads });
      for (const [m, n] of [[9, 130], [70, 1000]] as const) {
        for (const [as, bs] of pairs(m, n)) {
          const os = broadcastShapes('test', as, bs);
          const a = edgy(size(as), 1), b = edgy(size(bs), 2);
          for (const op of BINARY_OPS) {
            if (op === 'pow' || op === 'maximum' || op === 'minimum') continue;
            const want = new Float32Array(size(os));
            const got = new Float32Array(size(os)).fill(7);
            ref[op](a, as, b, bs, want, os);
            be.kernels[op](a, as, b, bs, got, os);
            sameBits(got, want, `${op} [${as}] with [${bs}], ${threads} thread(s)`);
            if (size(as) === size(os)) {
              const inPlace = Float32Array.from(a);
              be.kernels[op](inPlace, as, b, bs, inPlace, os);
              sameBits(inPlace, want, `${op} [${as}] with [${bs}] in place`);
            }
          }
        }
      }
    }
  });

  test('where, every layout: the reference bit for bit (NaN conditions count as true)', () => {
    for (const threads of [1, 2]) {
      const be = nativeBackend({ threads });
      for (const n of [67, 70001]) {
        const cond = edgy(n, 3).map((v, i) => (i % 3 === 0 ? 0 : v));
        for (const [as, bs] of [[[n], [n]], [[n], []], [[], [n]]] as Array<[Shape, Shape]>) {
          const a = edgy(size(as), 4), b = edgy(size(bs), 5);
          const want = new Float32Array(n);
          const got = new Float32Array(n);
          ref.where(cond, [n], a, as, b, bs, want, [n]);
          be.kernels.where(cond, [n], a, as, b, bs, got, [n]);
          sameBits(got, want, `where [${as}] [${bs}], n=${n}, ${threads} thread(s)`);
        }
      }
    }
  });

  test('sum, max and min along any axes equal the reference bit for bit: float64 sums along the last axes, float32 elsewhere, NaN and ±0 as it keeps them', () => {
    const cases: Array<[Shape, number[]]> = [
      [[64, 33], [1]], [[64, 33], [0]], [[64, 33], [0, 1]], [[5, 7, 9], [1]], [[5, 7, 9], [1, 2]], [[5, 7, 9], [0, 1]], [[4, 5, 1], [1]], [[5, 7, 9], [0, 2]], [[6, 11], []],
      [[3, 70000], [1]], [[70000, 3], [0]], [[200, 400], [0]], [[200, 2, 400], [1]],
    ];
    for (const threads of [1, 2]) {
      const be = nativeBackend({ threads });
      for (const [shape, axes] of cases) {
        const x = edgy(size(shape), 6);
        // Mostly finite rows, so that most sums are numbers whose rounding tells the two accumulators apart.
        for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!) && i % 5 !== 0) x[i] = 1e8;
        const outLen = size(shape.map((d, i) => (axes.includes(i) ? 1 : d)));
        for (const op of REDUCE_OPS) {
          const want = new Float32Array(outLen);
          const got = new Float32Array(outLen).fill(7);
          ref[op](x, shape, axes, want);
          be.kernels[op](x, shape, axes, got);
          sameBits(got, want, `${op} of [${shape}] along [${axes}], ${threads} thread(s)`);
        }
      }
    }
    // The blocks the addon is given: the last axes, leading or middle runs; a run followed by size-1 axes, or two runs, are the reference's.
    const b = [0, 0, 0];
    expect(reduceBlock([5, 7, 9], [1, 2], b) && b).toEqual([5, 63, 1]);
    expect(reduceBlock([5, 7, 9], [0, 1], b) && b).toEqual([1, 35, 9]);
    expect(reduceBlock([5, 7, 9], [1], b) && b).toEqual([5, 7, 9]);
    expect(reduceBlock([4, 5, 1], [1], b)).toBe(false);
    expect(reduceBlock([5, 7, 9], [0, 2], b)).toBe(false);
  });

  test('a Dense layer\'s fused kernels: bias + linear or relu, the derivatives and the bias gradient bit for bit; bias + sigmoid or tanh within a float32 ulp', () => {
    for (const threads of [1, 2]) {
      const be = nativeBackend({ threads });
      for (const [rows, n] of [[7, 13], [300, 260]] as const) {
        const z0 = edgy(rows * n, 7);
        for (const bias of [null, edgy(n, 8)]) {
          for (const act of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
            const want = Float32Array.from(z0);
            const got = Float32Array.from(z0);
            ref.biasAct(want, bias, rows, n, act);
            be.kernels.biasAct(got, bias, rows, n, act);
            const label = `biasAct ${act} ${rows}×${n}${bias === null ? ' without bias' : ''}, ${threads} thread(s)`;
            if (act === 'linear' || act === 'relu') sameBits(got, want, label);
            else {
              for (let i = 0; i < want.length; i++) {
                const w = want[i]!, g = got[i]!;
                if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= 1.2e-7 * Math.max(Math.abs(w), 1e-30))) expect.fail(`${label}: element ${i} is ${g}, the reference ${w}`);
              }
            }
            // The derivative from the activation's output (want), on gradients with edges.
            const dzWant = edgy(rows * n, 9);
            const dzGot = Float32Array.from(dzWant);
            ref.actGrad(want, dzWant, rows * n, act);
            be.kernels.actGrad(want, dzGot, rows * n, act);
            sameBits(dzGot, dzWant, `actGrad ${act} ${rows}×${n}, ${threads} thread(s)`);
          }
        }
        const dz = edgy(rows * n, 10).map((v) => (Number.isFinite(v) ? v : 1e8));
        const dbWant = new Float32Array(n);
        const dbGot = new Float32Array(n).fill(7);
        ref.biasGrad(dz, dbWant, rows, n);
        be.kernels.biasGrad(dz, dbGot, rows, n);
        sameBits(dbGot, dbWant, `biasGrad ${rows}×${n}, ${threads} thread(s)`);
      }
    }
  });

  test('gather and scatterAdd along any axis equal the reference bit for bit (float and int32 indices, repeated ones summed in order); a bad index is refused before anything is written', () => {
    const be = nativeBackend();
    for (const [shape, axis] of [[[10000, 16], 0], [[3, 50, 7], 1], [[4, 5, 33], 2]] as Array<[number[], number]>) {
      const len = shape[axis]!;
      const q = 97;
      const idx = Float32Array.from({ length: q }, (_, i) => (i * 31 + 7) % len);
      idx[5] = idx[3]!;
      const x = edgy(size(shape), 11).map((v) => (Number.isFinite(v) ? v : 3));
      const outShape = shape.map((d, i) => (i === axis ? q : d));
      for (const indices of [idx, Int32Array.from(idx)]) {
        const want = new Float32Array(size(outShape));
        const got = new Float32Array(size(outShape)).fill(7);
        ref.gather(x, shape, indices, axis, want);
        be.kernels.gather(x, shape, indices, axis, got);
        sameBits(got, want, `gather [${shape}] along ${axis}`);
        const g = edgy(size(outShape), 12).map((v) => (Number.isFinite(v) ? v : 1e8));
        const sWant = new Float32Array(size(shape));
        const sGot = new Float32Array(size(shape)).fill(7);
        ref.scatterAdd(g, indices, axis, sWant, shape);
        be.kernels.scatterAdd(g, indices, axis, sGot, shape);
        sameBits(sGot, sWant, `scatterAdd into [${shape}] along ${axis}`);
      }
    }
    const x = fill(100 * 4);
    const out = new Float32Array(20 * 4).fill(7);
    for (const bad of [100, -1, 2.5, Number.NaN]) {
      const indices = Float32Array.from({ length: 20 }, (_, i) => i);
      indices[13] = bad;
      expect(() => be.kernels.gather(x, [100, 4], indices, 0, out)).toThrow(`gather: index ${bad} at position 13 is out of range [0, 100)`);
      expect(() => ref.gather(x, [100, 4], indices, 0, out)).toThrow(`gather: index ${bad} at position 13 is out of range [0, 100)`);
      expect(() => be.kernels.scatterAdd(out, indices, 0, x, [100, 4])).toThrow(`scatterAdd: index ${bad} at position 13 is out of range [0, 100)`);
    }
    expect(out.every((v) => v === 7)).toBe(true);
    expect(() => be.kernels.gather(x, [100, 4], Int32Array.from({ length: 20 }, (_, i) => (i === 4 ? 100 : i)), 0, out)).toThrow('gather: index 100 at position 4 is out of range [0, 100)');
  });

  test('exp, log, sigmoid, tanh and softplus: within one float32 ulp of the reference, edges (±0, ±∞, NaN, overflow) as the reference', () => {
    const be = nativeBackend();
    const edges = [-1000, -88.8, -20, -1e-8, 0, -0, 1e-8, 0.5, 20, 88.8, 1000, Number.NaN, Infinity, -Infinity];
    const x = Float32Array.from([...edges, ...fill(200, 12)]);
    const ulp = (v: number): number => {
      const b = new Float32Array([Math.abs(v)]);
      const u = new Uint32Array(b.buffer);
      u[0]! += 1;
      return b[0]! - Math.abs(v);
    };
    for (const op of ['exp', 'log', 'sigmoid', 'tanh', 'softplus'] as const) {
      const want = new Float32Array(x.length);
      const got = new Float32Array(x.length);
      ref[op](x, want);
      be.kernels[op](x, got);
      for (let i = 0; i < x.length; i++) {
        const w = want[i]!;
        const g = got[i]!;
        if (Number.isNaN(w) || !Number.isFinite(w)) expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${op}(${x[i]}) = ${g}, the reference ${w}`).toBe(true);
        else if (!(Math.abs(g - w) <= ulp(w))) expect.fail(`${op}(${x[i]}) = ${g}, the reference ${w}`);
      }
    }
  });

  test('softmax cross-entropy: within float32 rounding of the reference (odd widths, large logits, soft and sparse targets)', () => {
    const be = nativeBackend();
    for (const [rows, n, scale] of [[32, 10, 3], [30, 3, 40], [5, 129, 1], [64, 1, 2]] as const) {
      const z = fill(rows * n, scale);
      // Targets: one-hot rows, then a soft row (non-negative, summing to 1).
      const y = new Float32Array(rows * n);
      for (let r = 0; r < rows; r++) y[r * n + ((r * 7) % n)] = 1;
      if (n > 1) for (let j = 0; j < n; j++) y[j] = 1 / n;
      // An infinite logit of a class not targeted: the reference skips its term (no NaN).
      if (n > 2) z[n + ((7 + 1) % n)] = -Infinity;
      const want = { loss: new Float32Array(rows), probs: new Float32Array(rows * n) };
      const got = { loss: new Float32Array(rows), probs: new Float32Array(rows * n) };
      ref.softmaxCrossEntropy(z, y, rows, n, want.loss, want.probs);
      be.kernels.softmaxCrossEntropy(z, y, rows, n, got.loss, got.probs);
      for (const k of ['loss', 'probs'] as const) {
        for (let i = 0; i < want[k].length; i++) {
          // A loss is lse·Σt − Σt·z: terms up to |z| summed, a few float32 roundings of them.
          if (!(Math.abs(got[k][i]! - want[k][i]!) <= 2e-6 * Math.max(1, scale, Math.abs(want[k][i]!)))) expect.fail(`${k}[${i}] = ${got[k][i]}, the reference ${want[k][i]} (rows ${rows}, n ${n})`);
        }
      }
    }
  });

  test('gatherRows packs the rows an order names, as the JavaScript loop does; allFinite finds NaN and ±∞ anywhere', () => {
    const be = nativeBackend();
    for (const width of [1, 3, 784]) {
      const rows = 37;
      const src = fill(rows * width);
      const order = Int32Array.from({ length: rows }, (_, i) => (i * 17 + 5) % rows);
      const got = new Float32Array(11 * width);
      const want = new Float32Array(11 * width);
      be.gatherRows!(src, width, got, order, 9, 20);
      gatherRows(src, width, want, order, 9, 20);
      sameBits(got, want, `gatherRows width ${width}`);
    }
    const x = fill(10000);
    expect(be.allFinite!(x)).toBe(true);
    expect(be.allFinite!(new Float32Array(0))).toBe(true);
    for (const at of [0, 4095, 4096, 9999]) {
      for (const bad of [Number.NaN, Infinity, -Infinity]) {
        const y = Float32Array.from(x);
        y[at] = bad;
        expect(be.allFinite!(y), `${bad} at ${at}`).toBe(false);
      }
    }
    // The largest finite float32 and the smallest subnormal are finite.
    expect(be.allFinite!(Float32Array.from([3.4028234663852886e38, -3.4028234663852886e38, 1e-45]))).toBe(true);
  });

  test('the LSTM and GRU (reset after) cells and their adjoints: within float32 rounding of the reference (odd units, saturated gates, large states)', () => {
    checkCells(nativeBackend().kernels, (n) => new Float32Array(n));
  });

  test('uniform draws equal the reference bit for bit and leave the generator where the reference does', () => {
    const be = nativeBackend();
    const a = new Rng(5);
    const b = new Rng(5);
    const got = new Float32Array(1001);
    const want = new Float32Array(1001);
    be.kernels.fillRandom(got, a, 'uniform', -2, 3);
    ref.fillRandom(want, b, 'uniform', -2, 3);
    sameBits(got, want, 'fillRandom');
    expect(a.getState()).toEqual(b.getState());
    expect(a.uniform()).toBe(b.uniform());
  });

  test.each([[1], [3]])('depthwise convolution and its adjoints equal the reference, split over 2 threads (multiplier %i)', (M) => {
    // Large enough (> 2^16 output values) that the addon splits by image, and the filter
    // gradient into its two halves of the batch; each part's sums run in the reference's order,
    // so within rounding.
    const w = { batch: 4, inH: 30, inW: 26, channels: 24, kH: 3, kW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1, outH: 30, outW: 26 };
    const rng = new Rng(4);
    const fill = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
    const image = w.batch * w.inH * w.inW * w.channels, output = w.batch * w.outH * w.outW * w.channels * M, filter = 9 * w.channels * M;
    expect(output).toBeGreaterThan(1 << 16);
    const x = fill(image), f = fill(filter), g = fill(output);
    const be = nativeBackend({ threads: 2 });
    // The filter gradient sums 4·30·26 = 3,120 products per entry in float32 (the reference rounds
    // after each product-add as well, but from a double product): errors grow like √3120·2⁻²⁴ of
    // the terms' scale, so 1e-4 relative to 1 + |value|; the others sum at most 9·3 terms.
    const check = (run: (k: typeof ref, out: Float32Array) => void, size: number, what: string, tol = 1e-5): void => {
      const got = new Float32Array(size).fill(Number.NaN);
      const want = new Float32Array(size);
      run(be.kernels, got);
      run(ref, want);
      let worst = 0;
      for (let i = 0; i < size; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
      expect(worst, what).toBeLessThan(tol);
    };
    check((k, out) => k.depthwiseConv(x, f, w, M, out), output, 'forward');
    check((k, out) => k.depthwiseConvGradInput(g, f, w, M, out), image, 'input gradient');
    check((k, out) => k.depthwiseConvGradFilter(x, g, w, M, out), filter, 'filter gradient', 1e-4);
    // The filter gradient's order is the batch's alone: one thread gives two threads' bits, for an
    // odd batch too (halves of 3 and 2 images).
    const one = nativeBackend({ threads: 1 });
    for (const batch of [4, 5]) {
      const wb = { ...w, batch };
      const xb = fill(batch * w.inH * w.inW * w.channels), gb = fill(batch * w.outH * w.outW * w.channels * M);
      const a = new Float32Array(filter).fill(Number.NaN), b = new Float32Array(filter).fill(Number.NaN);
      one.kernels.depthwiseConvGradFilter(xb, gb, wb, M, a);
      be.kernels.depthwiseConvGradFilter(xb, gb, wb, M, b);
      sameBits(b, a, `filter gradient, ${batch} images, 1 and 2 threads`);
    }
  });

  for (const isa of isas) {
    test(`${isa}: a convolution's products without the window matrix give the bits of im2col, gemm and col2im, on 1 and 2 threads`, () => {
      // 8 images 30×29, 16 channels, 3×3 'same' (padding on every side), 33 filters: 6,960 rows (not
      // a multiple of the 256- or 512-row k-block), 144 taps; over 2^22 multiply-adds, so the addon splits.
      const w = { batch: 8, inH: 30, inW: 29, channels: 16, kH: 3, kW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1, outH: 30, outW: 29 };
      const strided = { ...w, batch: 3, kH: 4, kW: 3, strideH: 2, strideW: 3, dilationH: 2, padTop: 2, padLeft: 0, outH: 14, outW: 9 };
      for (const win of [w, strided]) {
        const rows = win.batch * win.outH * win.outW, taps = win.kH * win.kW * win.channels, n = 33;
        const image = win.batch * win.inH * win.inW * win.channels;
        const x = fill(image), f = fill(taps * n), g = fill(rows * n);
        for (const threads of [1, 2]) {
          const k = nativeBackend({ threads, isa }).kernels;
          const cols = new Float32Array(rows * taps);
          k.im2col(x, win, 0, cols);
          const want = { y: new Float32Array(rows * n), df: new Float32Array(taps * n), dx: new Float32Array(image) };
          k.gemm(cols, f, want.y, rows, n, taps, false, false);
          k.gemm(cols, g, want.df, taps, n, rows, true, false);
          const dcols = new Float32Array(rows * taps);
          k.gemm(g, f, dcols, rows, taps, n, false, true);
          k.col2im(dcols, win, want.dx);
          const got = { y: new Float32Array(rows * n).fill(Number.NaN), df: new Float32Array(taps * n).fill(Number.NaN), dx: new Float32Array(image).fill(Number.NaN) };
          k.conv(x, win, f, n, got.y);
          k.convGradFilter(x, win, g, n, got.df);
          k.convGradInput(g, f, win, n, got.dx);
          const label = `${win.kH}×${win.kW} window, ${threads} thread(s)`;
          sameBits(got.y, want.y, `conv, ${label}`);
          sameBits(got.df, want.df, `convGradFilter, ${label}`);
          sameBits(got.dx, want.dx, `convGradInput, ${label}`);
          // And the definition, within the products' rounding.
          const ry = new Float32Array(rows * n);
          ref.conv(x, win, f, n, ry);
          close(got.y, ry, taps, `conv against the reference, ${label}`);
        }
      }
    });
  }

  test('the addon refuses bad arguments with messages that name them', () => {
    const { addon } = nativeAddon() as unknown as { addon: Record<string, (...args: unknown[]) => unknown> };
    const f = new Float32Array(4);
    expect(() => addon.sgemm!(f, 0, f, 0, f, 0, 2, 2, 2)).toThrow('sgemm expects 13 arguments');
    expect(() => addon.sgemm!(new Float64Array(4), 0, f, 0, f, 0, 2, 2, 1, false, false, 1, 0)).toThrow('sgemm: a must be a Float32Array');
    expect(() => addon.sgemm!(f, 0, f, 0, f, 1, 2, 2, 1, false, false, 1, 0)).toThrow('sgemm: c has 3 values past its offset, the product needs 4');
    expect(() => addon.sgemm!(f, 0, f, 0, f, 0, 2, 2, 1, false, false, 0, 0)).toThrow('sgemm: threads must be an integer in [1, 64]');
    expect(() => addon.sgemm!(f, 0, f, 0, f, 0, 2, 2, 1, false, false, 1, 9)).toThrow(/sgemm: isa must be an integer in \[0, \d\]/);
    expect(() => addon.adamUpdate!(f, f, f, new Float32Array(2), 4, 1, 0.9, 0.999, 1e-7, 1)).toThrow('adamUpdate: v has 2 values, the update needs 4');
    expect(() => addon.sgdUpdate!(f, f, 'v', 4, 0.1, 0.9, false, 1)).toThrow('sgdUpdate: v must be a Float32Array');
    expect(() => addon.fillUniform!(new Int32Array(3), f, 0, 1)).toThrow("fillUniform: state must be the generator's 4 words as an Int32Array");
    expect(() => addon.unary!(7, f, f)).toThrow('unary: op must be an integer in [0, 5)');
    expect(() => addon.unary!(0, f, new Float32Array(2))).toThrow('unary: out has 2 values, x 4');
    expect(() => addon.softmaxCrossEntropy!(f, f, 2, 2, f)).toThrow('softmaxCrossEntropy expects 6 arguments (logits, labels, rows, n, loss, probs), got 5');
    expect(() => addon.softmaxCrossEntropy!(f, f, 2, -2, f, f)).toThrow('softmaxCrossEntropy: rows and n must be non-negative integers');
    expect(() => addon.softmaxCrossEntropy!(f, new Float64Array(4), 2, 2, f, f)).toThrow('softmaxCrossEntropy: labels must be a Float32Array');
    expect(() => addon.softmaxCrossEntropy!(f, f, 2, 2, new Float32Array(1), f)).toThrow('softmaxCrossEntropy: loss has 1 values, needs 2');
    expect(() => addon.softmaxCrossEntropy!(f, f, 2, 2, f, new Float32Array(3))).toThrow('softmaxCrossEntropy: probs has 3 values, needs 4');
    const order = Int32Array.from([0, 1]);
    expect(() => addon.gatherRows!(f, 2, f, [0, 1], 0, 2)).toThrow('gatherRows: order must be an Int32Array');
    expect(() => addon.gatherRows!(f, 0, f, order, 0, 2)).toThrow('gatherRows: width must be an integer ≥ 1');
    expect(() => addon.gatherRows!(f, 2, f, order, 1, 3)).toThrow('gatherRows: start and end must satisfy 0 ≤ start ≤ end ≤ order.length (2)');
    expect(() => addon.gatherRows!(f, 2, new Float32Array(3), order, 0, 2)).toThrow('gatherRows: dst has 3 values, 2 rows of 2 need 4');
    expect(() => addon.gatherRows!(f, 2, f, Int32Array.from([0, 2]), 0, 2)).toThrow('gatherRows: order[1] is 2, src has 2 rows');
    expect(() => addon.gatherRows!(f, 2, f, Int32Array.from([-1, 0]), 0, 2)).toThrow('gatherRows: order[0] is -1, src has 2 rows');
    expect(() => addon.allFinite!(new Float64Array(2))).toThrow('allFinite: x must be a Float32Array');
    const f5 = new Float32Array(5);
    expect(() => addon.lstmCell!(f, f, 1, 1, f, f, f5)).toThrow('lstmCell expects 8 arguments (z, cPrev, rows, units, h, c, act, gate), got 7');
    expect(() => addon.lstmCell!(f, f, -1, 1, f, f, f5, 0)).toThrow('lstmCell: rows and units must be non-negative integers');
    expect(() => addon.lstmCell!(f, new Float64Array(1), 1, 1, f, f, f5, 0)).toThrow('lstmCell: cPrev must be a Float32Array');
    expect(() => addon.lstmCell!(f, f, 1, 2, f, f, f5, 0)).toThrow('lstmCell: z has 4 values, needs 8');
    expect(() => addon.lstmCell!(f, f, 1, 1, f, f, f, 0)).toThrow('lstmCell: act has 4 values, needs 5');
    expect(() => addon.lstmCell!(f, f, 1, 1, f, f, f5, 2)).toThrow('lstmCell: gate must be 0 (sigmoid) or 1 (hardSigmoid)');
    expect(() => addon.lstmCellGrad!(f5, f, f, f, 1, 1, new Float32Array(3), f, 0)).toThrow('lstmCellGrad: dz has 3 values, needs 4');
    expect(() => addon.gruCell!(f, f, f, 1, 1, f, new Float32Array(2), 1)).toThrow('gruCell: act has 2 values, needs 3');
    expect(() => addon.gruCell!(f, f, f, 1, 1, f, f, 0.5)).toThrow('gruCell: gate must be 0 (sigmoid) or 1 (hardSigmoid)');
    expect(() => addon.gruGates!(f, new Float32Array(1), f, 1, 1, f, f, f, 0)).toThrow('gruGates: inner has 1 values, needs 2');
    expect(() => addon.gruGates!(f, f, f, 1, 1, f, f, f, -1)).toThrow('gruGates: gate must be 0 (sigmoid) or 1 (hardSigmoid)');
    expect(() => addon.gruGatesGrad!(f, f, f, f, 1, 1, new Float32Array(2), f, f, 0)).toThrow('gruGatesGrad: dx has 2 values, needs 3');
    expect(() => addon.gruOutput!(f, f, f, f, 1, 1, f)).toThrow('gruOutput expects 8 arguments (x, q, h, z, rows, units, out, act), got 7');
    expect(() => addon.gruOutputGrad!(f, f, f, f, 1, 2, f, f, f, f)).toThrow('gruOutputGrad: dx has 4 values, needs 6');
    expect(() => addon.gruCellGrad!(f, f, f, f, 1, 2, f, f, f, 0)).toThrow('gruCellGrad: act has 4 values, needs 6');
    const win = Int32Array.from([1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 2, 2]);
    expect(() => addon.im2col!(f, new Int32Array(13), 0, f, 1)).toThrow('im2col: the window must be an Int32Array of its 14 fields');
    expect(() => addon.im2col!(f, Int32Array.from([1, 2, 2, 1, 0, 1, 1, 1, 1, 1, 0, 0, 2, 2]), 0, f, 1)).toThrow("im2col: the window's sizes must be ≥ 0, its kernel, strides and dilations ≥ 1");
    expect(() => addon.col2im!(new Float32Array(3), win, f, 1)).toThrow('col2im: cols has 3 values, the update needs 4');
    expect(() => addon.depthwise!(3, f, f, win, 1, f, 1)).toThrow('depthwise: kind must be 0 (forward), 1 (input gradient) or 2 (filter gradient)');
    expect(() => addon.depthwise!(0, f, f, win, 0, f, 1)).toThrow('depthwise: multiplier must be an integer ≥ 1');
    expect(() => addon.depthwise!(0, f, f, win, 1, new Float32Array(3), 1)).toThrow('depthwise: out has 3 values, the update needs 4');
    expect(() => addon.maxPool!(2, f, f, win, f, 1)).toThrow('maxPool: kind must be 0 (pooling) or 1 (its gradient)');
    expect(() => addon.conv!(3, f, f, win, 1, f, 1, 0)).toThrow('conv: kind must be 0 (forward), 1 (filter gradient) or 2 (input gradient)');
    expect(() => addon.conv!(0, f, f, win, -1, f, 1, 0)).toThrow('conv: n (the filters) must be an integer in [0, 2^31)');
    expect(() => addon.conv!(0, f, f, win, 2, f, 1, 0)).toThrow('conv: out has 4 values, the update needs 8');
    expect(() => addon.conv!(0, f, f, win, 1, f, 1, 7)).toThrow(/conv: isa must be an integer in \[0, \d\]/);
    expect(() => addon.maxPool!(0, f, new Float32Array(3), win, f, 1)).toThrow('maxPool: taps has 3 values, the update needs 4');
    expect(() => addon.maxPool!(1, new Float64Array(4), f, win, f, 1)).toThrow('maxPool: g must be a Float32Array');
    expect(() => addon.adagradUpdate!(f, f, f, 4, 0.1, 1e-7)).toThrow('adagradUpdate expects 7 arguments (p, g, a, len, lr, eps, threads), got 6');
    expect(() => addon.adagradUpdate!(f, f, new Float32Array(3), 4, 0.1, 1e-7, 1)).toThrow('adagradUpdate: a has 3 values, the update needs 4');
    expect(() => addon.adadeltaUpdate!(f, f, f, f, -1, 1, 0.95, 1e-7, 1)).toThrow('adadeltaUpdate: len must be an integer ≥ 0');
    expect(() => addon.adadeltaUpdate!(f, f, f, f, 4, 1, 'rho', 1e-7, 1)).toThrow('adadeltaUpdate: lr, rho and eps must be numbers');
    expect(() => addon.adamaxUpdate!(f, f, f, new Float64Array(4), 4, 1, 0.9, 0.999, 1e-7, 0.1, 1)).toThrow('adamaxUpdate: u must be a Float32Array');
    expect(() => addon.scaleUpdate!(f, 4, 0.5, 0)).toThrow('scaleUpdate: threads must be an integer in [1, 64]');
    expect(() => addon.binary!(10, 0, f, f, f, 2, 2, 1)).toThrow('binary: op must be an integer in [0, 10)');
    expect(() => addon.binary!(0, 7, f, f, f, 2, 2, 1)).toThrow('binary: layout must be an integer in [0, 7)');
    expect(() => addon.binary!(0, 3, f, new Float32Array(1), f, 2, 2, 1)).toThrow('binary: b has 1 values, needs 2');
    expect(() => addon.binary!(0, 0, f, f, new Float32Array(2), 2, 2, 1)).toThrow('binary: out has 2 values, needs 4');
    expect(() => addon.binary!(0, 0, f, f, f, -2, 2, 1)).toThrow('binary: rows and n must be integers in [0, 2^31)');
    expect(() => addon.select!(f, f, f, f, 3, 1)).toThrow('select: layout must be 0 (all alike), 1 (b one value) or 2 (a one value)');
    expect(() => addon.select!(new Float32Array(2), f, f, f, 0, 1)).toThrow('select: cond has 2 values, needs 4');
    expect(() => addon.reduce!(3, f, f, 1, 4, 1, 1)).toThrow('reduce: op must be 0 (sum), 1 (max) or 2 (min)');
    expect(() => addon.reduce!(0, f, f, 2, 4, 1, 1)).toThrow('reduce: x has 4 values, needs 8');
    expect(() => addon.reduce!(0, f, new Float32Array(0), 1, 4, 1, 1)).toThrow('reduce: out has 0 values, needs 1');
    expect(() => addon.biasAct!(f, new Float32Array(1), 2, 2, 1, 1)).toThrow('biasAct: bias has 1 values, the update needs 2');
    expect(() => addon.biasAct!(f, null, 2, 2, 4, 1)).toThrow('biasAct: act must be 0 (linear), 1 (relu), 2 (sigmoid) or 3 (tanh)');
    expect(() => addon.actGrad!(f, new Float32Array(2), 4, 1, 1)).toThrow('actGrad: dz has 2 values, the update needs 4');
    expect(() => addon.gather!(f, 1, 4, 1, [0, 1], f)).toThrow('gather: indices must be a Float32Array or an Int32Array');
    expect(() => addon.gather!(f, 1, 4, 1, new Float32Array(5), f)).toThrow('gather: out has 4 values, needs 5');
    expect(() => addon.scatterAdd!(f, -1, 4, 1, f, f)).toThrow('scatterAdd: outer, len and inner must be integers in [0, 2^31)');
    expect(() => addon.scatterAdd!(new Float32Array(2), 1, 4, 1, f, f)).toThrow('scatterAdd: g has 2 values, needs 4');
  });

  test('nativeBackend refuses an instruction set this CPU lacks, naming those it runs', () => {
    const missing = (['avx512', 'avx2', 'generic'] as const).find((i) => !isas.includes(i));
    if (missing !== undefined) expect(() => nativeBackend({ isa: missing })).toThrow(`nativeBackend: isa '${missing}' is not one this CPU runs`);
    expect(() => nativeBackend({ isa: 'sse9' as NativeIsa })).toThrow(`nativeBackend: isa 'sse9' is not one this CPU runs; it runs '${isas[0]}'`);
  });

  test('its name says the instruction set and threads; its lists say where each kernel runs', () => {
    const be = nativeBackend({ threads: 2, isa: isas[0] });
    expect(be.name).toBe(`native ${isas[0]} (2 threads)`);
    expect(be.nativeKernels).toEqual(expect.arrayContaining(['gemm', 'matmul', 'adamUpdate', 'sgdUpdate', 'rmspropUpdate', 'fillRandom', 'sigmoid', 'tanh', 'exp']));
    expect(be.nativeKernels).toEqual(expect.arrayContaining(['im2col', 'col2im', 'conv', 'convGradFilter', 'convGradInput', 'maxPool', 'maxPoolGrad']));
    expect(be.wasmKernels).not.toContain('maxPool');
    expect(be.nativeKernels).toEqual(expect.arrayContaining(['depthwiseConv', 'depthwiseConvGradInput', 'depthwiseConvGradFilter']));
    expect(be.wasmKernels).not.toContain('gemm');
    // Every kernel the WebAssembly backend makes native runs in the addon here.
    expect(be.wasmKernels).toEqual([]);
    expect(be.nativeKernels).toEqual(expect.arrayContaining(['add', 'mul', 'where', 'sum', 'max', 'biasAct', 'actGrad', 'biasGrad', 'adagradUpdate', 'adadeltaUpdate', 'adamaxUpdate', 'scaleUpdate', 'gather', 'scatterAdd']));
  });
});
