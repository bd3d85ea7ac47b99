// The native elementwise kernels (assembly/elementwise.ts) against the reference, bit for bit
// (NaN counted as NaN whatever its sign bit), on odd sizes, every layout, both thread counts.
import { describe, expect, test } from 'vitest';
import type { BinaryOp } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { Rng } from '../../tensor/random.js';
import { wasmBackend, wasmSimdSupported } from './index.js';
import { sameBits } from '../../../test/harness/bits.js';

const OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'];
const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1, -1, 0.5];

describe.runIf(wasmSimdSupported())('WebAssembly elementwise kernels', () => {
  const ref = jsBackend().kernels;
  const backends = [wasmBackend({ threads: 1, relaxed: false }), wasmBackend({ threads: 2 })];
  const rng = new Rng(11);

  for (const be of backends) {
    // Values with specials mixed in, and repeats so comparisons meet equal pairs.
    const values = (n: number): Float32Array => {
      const r = be.allocResident!(n);
      for (let i = 0; i < n; i++) r[i] = rng.uniform() < 0.2 ? SPECIAL[rng.int(SPECIAL.length)]! : Math.round((rng.uniform() - 0.5) * 8) / 2;
      return r;
    };
    const check = (op: BinaryOp, aShape: number[], bShape: number[], outShape: number[]): void => {
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const a = values(size(aShape));
      const b = values(size(bShape));
      const out = be.allocResident!(size(outShape));
      const expected = new Float32Array(out.length);
      be.kernels[op](a, aShape, b, bShape, out, outShape);
      ref[op](Float32Array.from(a), aShape, Float32Array.from(b), bShape, expected, outShape);
      sameBits(out, expected, `${be.name} ${op} [${aShape}] [${bShape}]`);
    };

    test(`${be.name}: arithmetic and comparisons, alike, one value, one row (odd sizes)`, () => {
      for (const op of OPS) {
        for (const [rows, n] of [[1, 67], [3, 67], [65, 3], [5, 131], [2, 257]] as const) {
          check(op, [rows, n], [rows, n], [rows, n]);
          check(op, [rows, n], [], [rows, n]);
          check(op, [], [rows, n], [rows, n]);
          check(op, [rows, n], [n], [rows, n]);
          check(op, [n], [rows, n], [rows, n]);
          check(op, [rows, n], [1, n], [rows, n]);
          check(op, [rows, n], [rows, 1], [rows, n]);
          check(op, [rows, 1], [rows, n], [rows, n]);
          check(op, [2, rows, n], [2, rows, 1], [2, rows, n]);
        }
        // Broadcasts outside the native layouts take the reference path.
        check(op, [65, 1], [1, 3], [65, 3]);
      }
    });

    test(`${be.name}: where with a scalar branch, and column sums`, () => {
      for (const n of [64, 67, 131, 1000]) {
        const cond = values(n);
        const a = values(n);
        const b = values(n);
        const one = values(1);
        for (const [x, y] of [[a, b], [a, one], [one, b]] as const) {
          const out = be.allocResident!(n);
          const expected = new Float32Array(n);
          be.kernels.where(cond, [n], x, [x.length], y, [y.length], out, [n]);
          ref.where(Float32Array.from(cond), [n], Float32Array.from(x), [x.length], Float32Array.from(y), [y.length], expected, [n]);
          sameBits(out, expected, `${be.name} where ${x.length} ${y.length}`);
        }
      }
      for (const [rows, n] of [[64, 1], [3, 67], [128, 10], [7, 129]] as const) {
        const x = values(rows * n);
        const out = be.allocResident!(n);
        const expected = new Float32Array(n);
        be.kernels.sum(x, [rows, n], [0], out);
        ref.sum(Float32Array.from(x), [rows, n], [0], expected);
        sameBits(out, expected, `${be.name} sum ${rows}×${n}`);
      }
    });

    test(`${be.name}: uniform draws are the reference's stream, and leave the generator where it would`, () => {
      for (const n of [64, 67, 1001]) {
        const mine = new Rng(n);
        const theirs = new Rng(n);
        mine.normal(); // a spare normal pending: uniform draws must not touch it
        theirs.normal();
        const out = be.allocResident!(n);
        const expected = new Float32Array(n);
        be.kernels.fillRandom(out, mine, 'uniform', -0.5, 2);
        ref.fillRandom(expected, theirs, 'uniform', -0.5, 2);
        sameBits(out, expected, `${be.name} uniform ${n}`);
        expect(mine.getState()).toEqual(theirs.getState());
        expect(mine.uniform()).toBe(theirs.uniform());
      }
    });

    test(`${be.name}: the native kernels are listed`, () => {
      for (const k of [...OPS, 'where', 'sum', 'fillRandom']) expect(be.nativeKernels).toContain(k);
    });
  }
});
