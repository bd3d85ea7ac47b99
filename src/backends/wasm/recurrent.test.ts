// The WebAssembly LSTM and GRU cells (assembly/recurrent.ts) against the reference: on resident
// arrays (where they run natively) on both thread counts, and on plain arrays and tiny sizes
// (where the reference runs, so bit for bit).
import { describe, expect, test } from 'vitest';
import { CELL_KERNELS, checkCells } from '../../../test/harness/cells.js';
import { sameBits } from '../../../test/harness/bits.js';
import { jsBackend } from '../js/index.js';
import { wasmBackend, wasmSimdSupported } from './index.js';

describe.runIf(wasmSimdSupported())('WebAssembly LSTM and GRU cells', () => {
  for (const be of [wasmBackend({ threads: 1, relaxed: false }), wasmBackend({ threads: 2 })]) {
    test(`${be.name}: within float32 rounding of the reference on resident arrays (odd units, saturated gates, large states)`, () => {
      expect(be.nativeKernels).toEqual(expect.arrayContaining([...CELL_KERNELS]));
      checkCells(be.kernels, (n) => be.allocResident!(n));
    });
  }

  test('the vector logistic and tanh (assembly/vmath.ts) round to the reference float32 within one ulp, and keep NaN, ±Infinity, ±0', () => {
    // The LSTM cell stores i = σ(z_i) and g = tanh(z_g) unchanged in act, so a sweep of z in
    // every gate block reads the vector functions back; the reference is V8's float64 Math.exp
    // and Math.tanh rounded once to float32 (sigmoidScalar, as the reference cell).
    const be = wasmBackend({ threads: 1 });
    const special = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e-30, -1e-30, 2 ** -13, -(2 ** -13), 2 ** -13 * (1 - 2 ** -24), 2 ** -13 * (1 + 2 ** -23), 20, -20, -104, -88.7, 88.7, -708, -745, 1e30, -1e30];
    const grid = Array.from({ length: 4001 }, (_, i) => (i - 2000) / 100); // −20 … 20 by 0.01
    const values = [...special, ...grid, ...grid.map((v) => v / 1000)];
    const units = values.length, rows = 1;
    const z = be.allocResident!(4 * units), cPrev = be.allocResident!(units);
    for (let b = 0; b < 4; b++) z.set(values, b * units);
    const h = be.allocResident!(units), c = be.allocResident!(units), act = be.allocResident!(5 * units);
    be.kernels.lstmCell(z, cPrev, rows, units, h, c, act, 0);
    const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
    const bits = new Int32Array(1), f = new Float32Array(bits.buffer);
    const ordered = (x: number): number => { f[0] = x; return bits[0]! < 0 ? -0x80000000 - bits[0]! : bits[0]!; };
    let off = 0;
    for (let j = 0; j < units; j++) {
      const x = Math.fround(values[j]!);
      for (const [name, got, want] of [['σ', act[j]!, Math.fround(sigmoid(x))], ['tanh', act[2 * units + j]!, Math.fround(Math.tanh(x))]] as const) {
        const exact = !Number.isFinite(x) || x === 0 || Number.isNaN(x);
        if (exact ? !Object.is(got, want) : Math.abs(ordered(got) - ordered(want)) > 1) expect.fail(`${name}(${x}) = ${got}, the reference ${want}`);
        if (!Object.is(got, want)) off++;
      }
    }
    // Nearly all round to the same float32: only values within ~1e-14 of a rounding boundary differ.
    expect(off).toBeLessThan(values.length / 100);
  });

  test('arrays outside the module, and cells under 64 values, take the reference path: bit for bit', () => {
    const be = wasmBackend({ threads: 1 });
    const ref = jsBackend().kernels;
    for (const resident of [false, true]) {
      const alloc = (n: number): Float32Array => (resident ? be.allocResident!(n) : new Float32Array(n));
      // Plain arrays at 64×64, resident ones at 3×5 (15 values a state).
      const [rows, units] = resident ? [3, 5] : [64, 64];
      const z = alloc(rows * 4 * units), cPrev = alloc(rows * units);
      for (let i = 0; i < z.length; i++) z[i] = Math.sin(i) * 5;
      for (let i = 0; i < cPrev.length; i++) cPrev[i] = Math.cos(i) * 2;
      const outs = () => [alloc(rows * units), alloc(rows * units), alloc(rows * 5 * units)] as const;
      const [h, c, act] = outs();
      const [wh, wc, wact] = [new Float32Array(rows * units), new Float32Array(rows * units), new Float32Array(rows * 5 * units)];
      be.kernels.lstmCell(z, cPrev, rows, units, h, c, act, 0);
      ref.lstmCell(z, cPrev, rows, units, wh, wc, wact, 0);
      sameBits(h, wh, `h (resident ${resident})`);
      sameBits(c, wc, `c (resident ${resident})`);
      sameBits(act, wact, `act (resident ${resident})`);
    }
  });
});
