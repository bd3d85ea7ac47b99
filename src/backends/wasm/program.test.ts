// The sequencer (src/backends/wasm/program.ts, assembly/program.ts) against the reference
// kernels: each instruction bit for bit (NaN counted as NaN), transcendental functions within
// an ulp of float32 (the module's exp and log are not V8's), on odd and tiny sizes; runs of
// several instructions as the calls one by one; and the calls it refuses.
import { describe, expect, test } from 'vitest';
import type { Kernels } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { Rng } from '../../tensor/random.js';
import { wasmBackend, wasmSimdSupported } from './index.js';
import { sameBits } from '../../../test/harness/bits.js';

const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1, -1, 0.5];

describe.runIf(wasmSimdSupported())('WebAssembly sequencer', () => {
  const ref = jsBackend().kernels;
  const be = wasmBackend({ threads: 1 });
  const seq = be.sequence!;
  const rng = new Rng(5);
  const values = (n: number, specials = true): Float32Array => {
    const r = be.allocResident!(n);
    for (let i = 0; i < n; i++) r[i] = specials && rng.uniform() < 0.15 ? SPECIAL[rng.int(SPECIAL.length)]! : (rng.uniform() - 0.5) * 6;
    return r;
  };
  /** Runs `kernel` through the sequencer on `args` and the reference on copies; returns both outputs. */
  const both = (kernel: keyof Kernels, args: unknown[], outs: number[]): Array<[Float32Array, Float32Array]> => {
    const copies = args.map((a) => (a instanceof Float32Array ? Float32Array.from(a) : a));
    const instruction = seq.encode(kernel, args);
    expect(instruction, `${kernel} encodes`).not.toBeNull();
    seq.load([instruction!])();
    (ref[kernel] as unknown as (...a: unknown[]) => void)(...copies);
    return outs.map((i) => [args[i] as Float32Array, copies[i] as Float32Array]);
  };
  const exact = (kernel: keyof Kernels, args: unknown[], outs: number[], label: string): void => {
    for (const [got, want] of both(kernel, args, outs)) sameBits(got, want, `${kernel} ${label}`);
  };

  test('products, every transpose, tiny and odd sizes, bit for bit', () => {
    for (const [m, n, k] of [[1, 1, 1], [4, 2, 2], [2, 1, 4], [3, 5, 7], [7, 3, 1], [5, 9, 6]] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) exact('gemm', [values(m * k, false), values(k * n, false), values(m * n), m, n, k, ta, tb], [2], `${m}·${n}·${k} ${ta} ${tb}`);
      }
    }
  });

  test('arithmetic and comparisons in every layout, where, copy, bit for bit', () => {
    const ops = ['add', 'sub', 'mul', 'div', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'] as const;
    for (const op of ops) {
      for (const [rows, n] of [[1, 1], [4, 1], [3, 5], [2, 7]] as const) {
        const size = rows * n;
        for (const [as, bs] of [[[rows, n], [rows, n]], [[rows, n], []], [[], [rows, n]], [[rows, n], [n]], [[n], [rows, n]], [[rows, n], [rows, 1]], [[rows, 1], [rows, n]]] as const) {
          const len = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
          if (n === 1 && (as.length === 1 || bs.length === 1)) continue;
          exact(op, [values(len(as)), as, values(len(bs)), bs, values(size), [rows, n]], [4], `[${as}] [${bs}]`);
        }
      }
    }
    for (const n of [1, 3, 9]) {
      exact('where', [values(n), [n], values(n), [n], values(n), [n], values(n), [n]], [6], `${n}`);
      exact('where', [values(n), [n], values(n), [n], values(1), [], values(n), [n]], [6], `${n} scalar b`);
      exact('copy', [values(n), values(n)], [1], `${n}`);
    }
  });

  test('sums over trailing and leading axes, bias + activation, its gradient, SGD, bit for bit', () => {
    for (const [rows, n] of [[1, 1], [4, 1], [4, 2], [3, 7], [5, 3]] as const) {
      exact('sum', [values(rows * n), [rows, n], [1], values(rows)], [3], `[${rows},${n}] last axis`);
      exact('sum', [values(rows * n), [rows, n], [0], values(n)], [3], `[${rows},${n}] first axis`);
      exact('sum', [values(rows * n), [rows, n], [0, 1], values(1)], [3], `[${rows},${n}] all`);
      exact('biasGrad', [values(rows * n), values(n), rows, n], [1], `${rows}×${n}`);
      for (const act of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
        exact('biasAct', [values(rows * n), values(n), rows, n, act], [0], `${act} ${rows}×${n}`);
        exact('biasAct', [values(rows * n), null, rows, n, act], [0], `${act} no bias`);
        exact('actGrad', [values(rows * n), values(rows * n), rows * n, act], [1], `${act}`);
      }
    }
    for (const len of [1, 3, 10]) {
      exact('sgdUpdate', [values(len, false), values(len, false), null, len, 0.1, 0, false], [0], `plain ${len}`);
      for (const nesterov of [false, true]) exact('sgdUpdate', [values(len, false), values(len, false), values(len, false), len, 0.05, 0.9, nesterov], [0, 2], `momentum ${len} ${nesterov}`);
    }
  });

  test('unary maps: exact ones bit for bit, exp, log, sigmoid, tanh and softplus within an ulp', () => {
    for (const op of ['neg', 'abs', 'sqrt', 'sign', 'step'] as const) for (const n of [1, 5, 33]) exact(op, [values(n), values(n)], [1], `${n}`);
    for (const op of ['exp', 'log', 'sigmoid', 'tanh', 'softplus'] as const) {
      for (const n of [1, 5, 33]) {
        const x = values(n);
        if (op === 'log') for (let i = 0; i < n; i++) x[i] = Math.abs(x[i]!);
        for (const [got, want] of both(op, [x, values(n)], [1])) {
          for (let i = 0; i < n; i++) {
            const w = want[i]!;
            if (Number.isNaN(w)) expect(got[i], `${op}(${x[i]})`).toBeNaN();
            else if (!Number.isFinite(w)) expect(got[i], `${op}(${x[i]})`).toBe(w);
            // One float32 ulp of the reference's value.
            else expect(Math.abs(got[i]! - w), `${op}(${x[i]})`).toBeLessThanOrEqual(Math.max(Math.abs(w) * 2 ** -23, 2 ** -149));
          }
        }
      }
    }
  });

  test('a run of instructions gives what the calls give one by one', () => {
    // A tiny layer and its loss: h = sigmoid(x·W + b), e = h − y, s = Σ e·e, dW = xᵀ·e.
    const x = values(8, false), W = values(6, false), b = values(3, false), y = values(12, false);
    const h = be.allocResident!(12), e = be.allocResident!(12), sq = be.allocResident!(12), s = be.allocResident!(1), dW = be.allocResident!(6);
    const calls: Array<[keyof Kernels, unknown[]]> = [
      ['gemm', [x, W, h, 4, 3, 2, false, false]], ['biasAct', [h, b, 4, 3, 'sigmoid']], ['sub', [h, [4, 3], y, [4, 3], e, [4, 3]]],
      ['mul', [e, [4, 3], e, [4, 3], sq, [4, 3]]], ['sum', [sq, [4, 3], [0, 1], s]], ['gemm', [x, e, dW, 2, 3, 4, true, false]],
    ];
    seq.load(calls.map(([k, a]) => seq.encode(k, a)!))();
    const got = [h, e, s, dW].map((t) => Float32Array.from(t));
    for (const t of [h, e, sq, s, dW]) t.fill(0);
    for (const [k, a] of calls) (ref[k] as unknown as (...a: unknown[]) => void)(...a);
    [h, e, s, dW].forEach((t, i) => sameBits(got[i]!, t, `output ${i}`));
  });

  test('live numbers: each run reads the learning rate and momentum where the host last wrote them', () => {
    const owner = be.allocResident!(4);
    const live = new Float64Array(owner.buffer, owner.byteOffset, 2);
    const p = values(7, false), g = values(7, false), v = values(7, false);
    const [rp, rv] = [Float32Array.from(p), Float32Array.from(v)];
    const run = seq.load([seq.encode('sgdUpdate', [p, g, v, 7, { live: 0 }, { live: 1 }, true])!], live);
    for (const [lr, mu] of [[0.1, 0.9], [0.05, 0.5], [0.3, 0]] as const) {
      live.set([lr, mu]);
      run();
      ref.sgdUpdate(rp, g, rv, 7, lr, mu, true);
      sameBits(p, rp, `p after lr ${lr}`);
      sameBits(v, rv, `v after lr ${lr}`);
    }
    // Outside the module's memory, the live numbers cannot be read there.
    expect(() => seq.load([], new Float64Array(2))).toThrow(/live numbers must be in the module's memory/);
  });

  test('refuses what it does not cover: buffers outside the module, float64, other broadcasts, kernels and axes it lacks', () => {
    const a = values(6);
    const out = values(6);
    expect(seq.encode('neg', [new Float32Array(6), out])).toBeNull();
    expect(seq.encode('neg', [new Float64Array(6), out])).toBeNull();
    expect(seq.encode('add', [values(2), [2, 1], values(3), [1, 3], out, [2, 3]])).toBeNull();
    expect(seq.encode('pow', [a, [6], a, [6], out, [6]])).toBeNull();
    expect(seq.encode('sum', [values(24), [2, 3, 4], [1], values(8)])).toBeNull();
    expect(seq.encode('biasAct', [a, values(3), 2, 3, 'softmax' as never])).toBeNull();
    expect(seq.encode('transpose', [a, [2, 3], [1, 0], out])).toBeNull();
    expect(seq.encode('neg', [a, out])).not.toBeNull();
  });
});
