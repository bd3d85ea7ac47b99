import { describe, expect, test } from 'vitest';
import type { StepActivation } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { Rng } from '../../tensor/random.js';
import { wasmBackend, wasmSimdSupported } from './index.js';

const ACTS: StepActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

describe.runIf(wasmSimdSupported())('WebAssembly training-step kernels', () => {
  const ref = jsBackend().kernels;
  const backends = [wasmBackend({ threads: 1, relaxed: false }), wasmBackend({ threads: 2 })];
  const rng = new Rng(7);

  /** A resident array and a plain copy with the same values. */
  const pair = (be: (typeof backends)[number], n: number, scale = 3): [Float32Array, Float32Array] => {
    const r = be.allocResident!(n);
    for (let i = 0; i < n; i++) r[i] = (rng.uniform() - 0.5) * scale;
    return [r, Float32Array.from(r)];
  };

  for (const be of backends) {
    test(`${be.name}: biasAct, actGrad and biasGrad equal the reference bit for bit (odd sizes)`, () => {
      for (const [rows, n] of [[1, 1], [3, 17], [5, 31], [2, 129], [3, 33], [65, 1], [1, 67]] as const) {
        for (const act of ACTS) {
          for (const withBias of [true, false]) {
            const [z, zRef] = pair(be, rows * n, 8);
            const [b, bRef] = pair(be, n);
            be.kernels.biasAct(z, withBias ? b : null, rows, n, act);
            ref.biasAct(zRef, withBias ? bRef : null, rows, n, act);
            expect(Array.from(z), `biasAct ${act} ${rows}×${n}`).toEqual(Array.from(zRef));
            const [dz, dzRef] = pair(be, rows * n);
            be.kernels.actGrad(z, dz, rows * n, act);
            ref.actGrad(zRef, dzRef, rows * n, act);
            expect(Array.from(dz), `actGrad ${act} ${rows}×${n}`).toEqual(Array.from(dzRef));
          }
        }
        const [dz, dzRef] = pair(be, rows * n);
        const db = be.allocResident!(n);
        const dbRef = new Float32Array(n);
        be.kernels.biasGrad(dz, db, rows, n);
        ref.biasGrad(dzRef, dbRef, rows, n);
        expect(Array.from(db)).toEqual(Array.from(dbRef));
      }
    });

    test(`${be.name}: relu keeps NaN in the native kernel`, () => {
      const z = be.allocResident!(5);
      z.set([NaN, -1, 2, NaN, -0]);
      be.kernels.biasAct(z, null, 1, 5, 'relu');
      expect(Array.from(z)).toEqual([NaN, 0, 2, NaN, 0]);
      expect(Object.is(z[4], 0)).toBe(true);
    });

    test(`${be.name}: sgdUpdate and adamUpdate equal the reference bit for bit over several steps`, () => {
      for (const n of [1, 3, 17, 65, 67, 130, 131]) {
        for (const [mu, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
          const [p, pRef] = pair(be, n);
          const [v, vRef] = pair(be, n, 0.1);
          for (let t = 0; t < 3; t++) {
            const [g, gRef] = pair(be, n);
            be.kernels.sgdUpdate(p, g, mu === 0 ? null : v, n, 0.05, mu, nesterov);
            ref.sgdUpdate(pRef, gRef, mu === 0 ? null : vRef, n, 0.05, mu, nesterov);
          }
          expect(Array.from(p), `sgd μ=${mu} nesterov=${nesterov} n=${n}`).toEqual(Array.from(pRef));
          expect(Array.from(v)).toEqual(Array.from(vRef));
        }
        const [p, pRef] = pair(be, n);
        const m = be.allocResident!(n);
        const v = be.allocResident!(n);
        const mRef = new Float32Array(n);
        const vRef = new Float32Array(n);
        for (let t = 1; t <= 3; t++) {
          const [g, gRef] = pair(be, n);
          const alpha = (1e-3 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
          be.kernels.adamUpdate(p, g, m, v, n, alpha, 0.9, 0.999, 1e-7);
          ref.adamUpdate(pRef, gRef, mRef, vRef, n, alpha, 0.9, 0.999, 1e-7);
        }
        expect(Array.from(p), `adam n=${n}`).toEqual(Array.from(pRef));
        expect(Array.from(m)).toEqual(Array.from(mRef));
        expect(Array.from(v)).toEqual(Array.from(vRef));
      }
    });

    test(`${be.name}: rmspropUpdate equals the reference bit for bit over several steps`, () => {
      for (const n of [1, 64, 67, 131]) {
        for (const [mu, centered] of [[0, false], [0.9, false], [0, true], [0.5, true]] as const) {
          const [p, pRef] = pair(be, n);
          const slots = [be.allocResident!(n), be.allocResident!(n), be.allocResident!(n)] as const;
          const refSlots = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
          for (let t = 0; t < 3; t++) {
            const [g, gRef] = pair(be, n);
            be.kernels.rmspropUpdate(p, g, ...slots, n, 1e-3, 0.9, mu, 1e-7, centered);
            ref.rmspropUpdate(pRef, gRef, ...refSlots, n, 1e-3, 0.9, mu, 1e-7, centered);
          }
          const what = `rmsprop μ=${mu} centered=${centered} n=${n}`;
          expect(Array.from(p), what).toEqual(Array.from(pRef));
          slots.forEach((sl, i) => expect(Array.from(sl), what).toEqual(Array.from(refSlots[i]!)));
        }
      }
    });

    test(`${be.name}: adagrad, adadelta, adamax and AdamW's decay equal the reference bit for bit over several steps`, () => {
      for (const n of [1, 64, 67, 131]) {
        const run = (name: string, step: (k: typeof be.kernels, p: Float32Array, g: Float32Array, s: readonly Float32Array[], t: number) => void, slots: number) => {
          const [p, pRef] = pair(be, n);
          const mine = Array.from({ length: slots }, () => be.allocResident!(n).fill(0.1));
          const theirs = Array.from({ length: slots }, () => new Float32Array(n).fill(0.1));
          for (let t = 1; t <= 3; t++) {
            const [g, gRef] = pair(be, n);
            if (t === 2) g[0] = gRef[0] = 0; // an exact zero gradient among the others
            step(be.kernels, p, g, mine, t);
            step(ref, pRef, gRef, theirs, t);
          }
          expect(Array.from(p), `${name} n=${n}`).toEqual(Array.from(pRef));
          mine.forEach((sl, i) => expect(Array.from(sl), `${name} slot ${i} n=${n}`).toEqual(Array.from(theirs[i]!)));
        };
        run('adagrad', (k, p, g, s) => k.adagradUpdate(p, g, s[0]!, n, 0.01, 1e-7), 1);
        run('adadelta', (k, p, g, s) => k.adadeltaUpdate(p, g, s[0]!, s[1]!, n, 1, 0.95, 1e-7), 2);
        run('adamax', (k, p, g, s, t) => k.adamaxUpdate(p, g, s[0]!, s[1]!, n, 0.002, 0.9, 0.999, 1e-7, 1 - 0.9 ** t), 2);
        run('scale', (k, p) => k.scaleUpdate(p, n, 1 - 0.001 * 0.004), 0);
      }
    });
  }

  test('resident arrays keep their values when the memory grows, and products use them in place', () => {
    const be = wasmBackend({ threads: 1 });
    const a = be.allocResident!(64 * 48);
    const b = be.allocResident!(48 * 40);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
    for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
    const before = Float32Array.from(a);
    const big = be.allocResident!(16 << 20); // 64 MB: the memory must grow
    big[big.length - 1] = 1;
    expect(Array.from(a)).toEqual(Array.from(before));
    expect(be.isResident!(a)).toBe(true);
    expect(be.isResident!(new Float32Array(4))).toBe(false);
    const c = be.allocResident!(64 * 40);
    const cRef = new Float32Array(64 * 40);
    be.kernels.gemm(a, b, c, 64, 40, 48, false, false);
    ref.gemm(a, b, cRef, 64, 40, 48, false, false);
    for (let i = 0; i < c.length; i++) expect(Math.abs(c[i]! - cRef[i]!)).toBeLessThan(1e-4);
  });

  test('without shared memory there are no resident arrays; kernels copy or use the reference', () => {
    const be = wasmBackend({ shared: false });
    expect(be.allocResident).toBeUndefined();
    expect(be.threads).toBe(1);
    const a = Float32Array.from({ length: 33 * 20 }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: 20 * 17 }, (_, i) => Math.cos(i));
    const c = new Float32Array(33 * 17);
    const cRef = new Float32Array(33 * 17);
    be.kernels.gemm(a, b, c, 33, 17, 20, false, false);
    ref.gemm(a, b, cRef, 33, 17, 20, false, false);
    for (let i = 0; i < c.length; i++) expect(Math.abs(c[i]! - cRef[i]!)).toBeLessThan(1e-4);
    const z = Float32Array.from([-1, 2]);
    be.kernels.biasAct(z, null, 1, 2, 'relu');
    expect(Array.from(z)).toEqual([0, 2]);
  });
});
