/**
 * The LSTM and GRU cell kernels of a backend against the reference (src/backends/js/recurrent.ts),
 * for the native and WebAssembly kernel tests, with logistic and hard sigmoid gates: odd units,
 * saturated gates (pre-activations to ±60, and on the hard sigmoid's edges ±2.5), large states.
 * Each output is a few float32 roundings of terms of magnitude at most |state| + 1 (the gates
 * lie in [0, 1]), and the backends' exp and tanh may differ from V8's in a float64's last bit:
 * within 1e-6 of max(1, |reference|).
 */
import { expect } from 'vitest';
import { GATES, type Kernels } from '../../src/backends/backend.js';
import { jsBackend } from '../../src/backends/js/index.js';
import { Rng } from '../../src/tensor/random.js';

/** The kernels checkCells checks. */
export const CELL_KERNELS = ['lstmCell', 'lstmCellGrad', 'gruCell', 'gruCellGrad', 'gruGates', 'gruGatesGrad', 'gruOutput', 'gruOutputGrad'] as const;

const SIZES = [[3, 37, 4], [64, 64, 1], [2, 5, 60], [1, 16, 8]] as const;

function near(a: Float32Array, b: Float32Array, label: string): void {
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= 1e-6 * Math.max(1, Math.abs(b[i]!)))) expect.fail(`${label}[${i}] = ${a[i]}, the reference ${b[i]}`);
}

/** Checks `kernels`' cells on arrays from `alloc` (zero-filled float32 of n values: plain, or resident where a backend runs natively). */
export function checkCells(kernels: Pick<Kernels, (typeof CELL_KERNELS)[number]>, alloc: (n: number) => Float32Array): void {
  const ref = jsBackend().kernels;
  const rng = new Rng(11);
  const fill = (n: number, scale = 1): Float32Array => {
    const a = alloc(n);
    for (let i = 0; i < n; i++) a[i] = (rng.uniform() - 0.5) * 2 * scale;
    return a;
  };
  for (const [gate, [rows, units, scale]] of [0, 1].flatMap((gate) => SIZES.map((size) => [gate, size] as const))) {
    const at = `(${GATES[gate]} gates, rows ${rows}, units ${units})`;
    const cPrev = fill(rows * units, 3), dh = fill(rows * units), dc = fill(rows * units);
    const z = fill(rows * 4 * units, scale);
    // The hard sigmoid's edges, 0.2·(±2.5) + 0.5 = 1 and 0 (slope 0.2: the clip's ties pass the gradient).
    z[0] = 2.5; z[units] = -2.5; z[3 * units] = 2.5;
    const lstm = () => ({ h: alloc(rows * units), c: alloc(rows * units), act: alloc(rows * 5 * units), dz: alloc(rows * 4 * units), dcPrev: alloc(rows * units) });
    const want = lstm(), got = lstm();
    ref.lstmCell(z, cPrev, rows, units, want.h, want.c, want.act, gate);
    kernels.lstmCell(z, cPrev, rows, units, got.h, got.c, got.act, gate);
    near(got.c, want.c, `lstm c ${at}`);
    near(got.h, want.h, `lstm h ${at}`);
    near(got.act, want.act, `lstm act ${at}`);
    ref.lstmCellGrad(want.act, cPrev, dh, dc, rows, units, want.dz, want.dcPrev, gate);
    kernels.lstmCellGrad(want.act, cPrev, dh, dc, rows, units, got.dz, got.dcPrev, gate);
    near(got.dz, want.dz, `lstm dz ${at}`);
    near(got.dcPrev, want.dcPrev, `lstm dcPrev ${at}`);

    const x = fill(rows * 3 * units, scale), inner = fill(rows * 3 * units, scale), h = fill(rows * units, 2), dOut = fill(rows * units);
    x[0] = 2; inner[0] = 0.5; x[units] = -2; inner[units] = -0.5;
    const gru = () => ({ y: alloc(rows * units), act: alloc(rows * 3 * units), dx: alloc(rows * 3 * units), dInner: alloc(rows * 3 * units), dh: alloc(rows * units) });
    const w = gru(), g = gru();
    ref.gruCell(x, inner, h, rows, units, w.y, w.act, gate);
    kernels.gruCell(x, inner, h, rows, units, g.y, g.act, gate);
    near(g.y, w.y, `gru out ${at}`);
    near(g.act, w.act, `gru act ${at}`);
    ref.gruCellGrad(w.act, inner, h, dOut, rows, units, w.dx, w.dInner, w.dh, gate);
    kernels.gruCellGrad(w.act, inner, h, dOut, rows, units, g.dx, g.dInner, g.dh, gate);
    near(g.dx, w.dx, `gru dx ${at}`);
    near(g.dInner, w.dInner, `gru dInner ${at}`);
    near(g.dh, w.dh, `gru dh ${at}`);

    // The GRU resetting before its product: the gates, then (with q for the product) the output.
    const inner2 = fill(rows * 2 * units, scale), dz = fill(rows * units), drh = fill(rows * units), q = fill(rows * units, scale);
    inner2[0] = 0.5; inner2[units] = -0.5;
    const gates = () => ({ z: alloc(rows * units), rh: alloc(rows * units), act: alloc(rows * 2 * units), dx: alloc(rows * 3 * units), dInner: alloc(rows * 2 * units), dhr: alloc(rows * units) });
    const wg = gates(), gg = gates();
    ref.gruGates(x, inner2, h, rows, units, wg.z, wg.rh, wg.act, gate);
    kernels.gruGates(x, inner2, h, rows, units, gg.z, gg.rh, gg.act, gate);
    for (const k of ['z', 'rh', 'act'] as const) near(gg[k], wg[k], `gruGates ${k} ${at}`);
    ref.gruGatesGrad(wg.act, h, dz, drh, rows, units, wg.dx, wg.dInner, wg.dhr, gate);
    kernels.gruGatesGrad(wg.act, h, dz, drh, rows, units, gg.dx, gg.dInner, gg.dhr, gate);
    for (const k of ['dx', 'dInner', 'dhr'] as const) near(gg[k], wg[k], `gruGatesGrad ${k} ${at}`);
    const output = () => ({ out: alloc(rows * units), act: alloc(rows * units), dx: alloc(rows * 3 * units).fill(7), dq: alloc(rows * units), dh: alloc(rows * units), dz: alloc(rows * units) });
    const wo = output(), go = output();
    ref.gruOutput(x, q, h, wg.z, rows, units, wo.out, wo.act);
    kernels.gruOutput(x, q, h, wg.z, rows, units, go.out, go.act);
    for (const k of ['out', 'act'] as const) near(go[k], wo[k], `gruOutput ${k} ${at}`);
    ref.gruOutputGrad(wo.act, h, wg.z, dOut, rows, units, wo.dx, wo.dq, wo.dh, wo.dz);
    kernels.gruOutputGrad(wo.act, h, wg.z, dOut, rows, units, go.dx, go.dq, go.dh, go.dz);
    for (const k of ['dx', 'dq', 'dh', 'dz'] as const) near(go[k], wo[k], `gruOutputGrad ${k} ${at}`);
  }
}
