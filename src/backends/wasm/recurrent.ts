/**
 * The LSTM and GRU cell kernels (assembly/recurrent.ts) bound to a module's exports: native on
 * float32 arrays resident in its memory (a compiled step's buffers), the reference otherwise.
 */
import type { Kernels } from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { Buf } from '../../tensor/tensor.js';
import { NATIVE_MIN } from './elementwise.js';

export interface RecurrentExports {
  lstmCell(z: number, cPrev: number, rows: number, units: number, h: number, c: number, act: number, gate: number): void;
  lstmCellGrad(act: number, cPrev: number, dh: number, dc: number, rows: number, units: number, dz: number, dcPrev: number, gate: number): void;
  gruCell(x: number, inner: number, h: number, rows: number, units: number, out: number, act: number, gate: number): void;
  gruCellGrad(act: number, inner: number, h: number, dOut: number, rows: number, units: number, dx: number, dInner: number, dh: number, gate: number): void;
  gruGates(x: number, inner: number, hr: number, rows: number, units: number, z: number, rh: number, act: number, gate: number): void;
  gruGatesGrad(act: number, hr: number, dz: number, drh: number, rows: number, units: number, dx: number, dInner: number, dhr: number, gate: number): void;
  gruOutput(x: number, q: number, h: number, z: number, rows: number, units: number, out: number, act: number): void;
  gruOutputGrad(act: number, h: number, z: number, dOut: number, rows: number, units: number, dx: number, dq: number, dh: number, dz: number): void;
}

/** The kernels this file makes native, for `nativeKernels`. */
export const RECURRENT_KERNELS = ['lstmCell', 'lstmCellGrad', 'gruCell', 'gruCellGrad', 'gruGates', 'gruGatesGrad', 'gruOutput', 'gruOutputGrad'] as const;

export function nativeRecurrent(e: RecurrentExports, resident: (x: Buf) => boolean): Pick<Kernels, (typeof RECURRENT_KERNELS)[number]> {
  const reference = jsBackend().kernels;
  // No rest parameters in these wrappers: an array per call would be garbage per step.
  const r = resident;
  return {
    lstmCell: (z, cPrev, rows, units, h, c, act, gate) => {
      if (rows * units >= NATIVE_MIN && r(z) && r(cPrev) && r(h) && r(c) && r(act)) e.lstmCell(z.byteOffset, cPrev.byteOffset, rows, units, h.byteOffset, c.byteOffset, act.byteOffset, gate);
      else reference.lstmCell(z, cPrev, rows, units, h, c, act, gate);
    },
    lstmCellGrad: (act, cPrev, dh, dc, rows, units, dz, dcPrev, gate) => {
      if (rows * units >= NATIVE_MIN && r(act) && r(cPrev) && r(dh) && r(dc) && r(dz) && r(dcPrev)) e.lstmCellGrad(act.byteOffset, cPrev.byteOffset, dh.byteOffset, dc.byteOffset, rows, units, dz.byteOffset, dcPrev.byteOffset, gate);
      else reference.lstmCellGrad(act, cPrev, dh, dc, rows, units, dz, dcPrev, gate);
    },
    gruCell: (x, inner, h, rows, units, out, act, gate) => {
      if (rows * units >= NATIVE_MIN && r(x) && r(inner) && r(h) && r(out) && r(act)) e.gruCell(x.byteOffset, inner.byteOffset, h.byteOffset, rows, units, out.byteOffset, act.byteOffset, gate);
      else reference.gruCell(x, inner, h, rows, units, out, act, gate);
    },
    gruCellGrad: (act, inner, h, dOut, rows, units, dx, dInner, dh, gate) => {
      if (rows * units >= NATIVE_MIN && r(act) && r(inner) && r(h) && r(dOut) && r(dx) && r(dInner) && r(dh)) e.gruCellGrad(act.byteOffset, inner.byteOffset, h.byteOffset, dOut.byteOffset, rows, units, dx.byteOffset, dInner.byteOffset, dh.byteOffset, gate);
      else reference.gruCellGrad(act, inner, h, dOut, rows, units, dx, dInner, dh, gate);
    },
    gruGates: (x, inner, hr, rows, units, z, rh, act, gate) => {
      if (rows * units >= NATIVE_MIN && r(x) && r(inner) && r(hr) && r(z) && r(rh) && r(act)) e.gruGates(x.byteOffset, inner.byteOffset, hr.byteOffset, rows, units, z.byteOffset, rh.byteOffset, act.byteOffset, gate);
      else reference.gruGates(x, inner, hr, rows, units, z, rh, act, gate);
    },
    gruGatesGrad: (act, hr, dz, drh, rows, units, dx, dInner, dhr, gate) => {
      if (rows * units >= NATIVE_MIN && r(act) && r(hr) && r(dz) && r(drh) && r(dx) && r(dInner) && r(dhr)) e.gruGatesGrad(act.byteOffset, hr.byteOffset, dz.byteOffset, drh.byteOffset, rows, units, dx.byteOffset, dInner.byteOffset, dhr.byteOffset, gate);
      else reference.gruGatesGrad(act, hr, dz, drh, rows, units, dx, dInner, dhr, gate);
    },
    gruOutput: (x, q, h, z, rows, units, out, act) => {
      if (rows * units >= NATIVE_MIN && r(x) && r(q) && r(h) && r(z) && r(out) && r(act)) e.gruOutput(x.byteOffset, q.byteOffset, h.byteOffset, z.byteOffset, rows, units, out.byteOffset, act.byteOffset);
      else reference.gruOutput(x, q, h, z, rows, units, out, act);
    },
    gruOutputGrad: (act, h, z, dOut, rows, units, dx, dq, dh, dz) => {
      if (rows * units >= NATIVE_MIN && r(act) && r(h) && r(z) && r(dOut) && r(dx) && r(dq) && r(dh) && r(dz)) e.gruOutputGrad(act.byteOffset, h.byteOffset, z.byteOffset, dOut.byteOffset, rows, units, dx.byteOffset, dq.byteOffset, dh.byteOffset, dz.byteOffset);
      else reference.gruOutputGrad(act, h, z, dOut, rows, units, dx, dq, dh, dz);
    },
  };
}
