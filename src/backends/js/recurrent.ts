/**
 * Reference kernels of the fused LSTM cell (ops/recurrent.ts): for each of `rows` rows, gates
 * from the pre-activations z [rows, 4·units] in Keras's block order i, f, g, o —
 * i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o) — then c = f·cPrev + i·g and h = o·tanh(c),
 * each element in float64 and rounded once where it is stored (h from c as stored). The gates
 * and tanh(c) are kept in `act` [rows, 5·units] (blocks i, f, g, o, tanh c) for the adjoint,
 * which then needs no transcendental function.
 */
import type { Buf } from '../../tensor/tensor.js';
import { sigmoidScalar } from './elementwise.js';

export function lstmCell(z: Buf, cPrev: Buf, rows: number, units: number, h: Buf, c: Buf, act: Buf): void {
  for (let r = 0; r < rows; r++) {
    const zr = r * 4 * units;
    const ar = r * 5 * units;
    const s = r * units;
    for (let j = 0; j < units; j++) {
      const i = sigmoidScalar(z[zr + j]!);
      const f = sigmoidScalar(z[zr + units + j]!);
      const g = Math.tanh(z[zr + 2 * units + j]!);
      const o = sigmoidScalar(z[zr + 3 * units + j]!);
      c[s + j] = f * cPrev[s + j]! + i * g;
      const t = Math.tanh(c[s + j]!);
      h[s + j] = o * t;
      act[ar + j] = i;
      act[ar + units + j] = f;
      act[ar + 2 * units + j] = g;
      act[ar + 3 * units + j] = o;
      act[ar + 4 * units + j] = t;
    }
  }
}

/**
 * The cell's adjoint from the gradients dh, dc of its outputs and the forward's `act`: with
 * dc' = dc + dh·o·(1 − t²): dz_i = dc'·g·i(1 − i), dz_f = dc'·cPrev·f(1 − f),
 * dz_g = dc'·i·(1 − g²), dz_o = dh·t·o(1 − o), dcPrev = dc'·f.
 */
export function lstmCellGrad(act: Buf, cPrev: Buf, dh: Buf, dc: Buf, rows: number, units: number, dz: Buf, dcPrev: Buf): void {
  for (let r = 0; r < rows; r++) {
    const zr = r * 4 * units;
    const ar = r * 5 * units;
    const s = r * units;
    for (let j = 0; j < units; j++) {
      const i = act[ar + j]!;
      const f = act[ar + units + j]!;
      const g = act[ar + 2 * units + j]!;
      const o = act[ar + 3 * units + j]!;
      const t = act[ar + 4 * units + j]!;
      const gh = dh[s + j]!;
      const gc = dc[s + j]! + gh * o * (1 - t * t);
      dz[zr + j] = gc * g * i * (1 - i);
      dz[zr + units + j] = gc * cPrev[s + j]! * f * (1 - f);
      dz[zr + 2 * units + j] = gc * i * (1 - g * g);
      dz[zr + 3 * units + j] = gh * t * o * (1 - o);
      dcPrev[s + j] = gc * f;
    }
  }
}
