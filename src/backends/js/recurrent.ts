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

/**
 * The GRU cell with the reset gate after its product (Keras's `resetAfter`), on `rows` rows:
 * from the input's part x [rows, 3·units] and the recurrent product's inner = h·U + b_r
 * [rows, 3·units] (blocks z, r, h each), z = σ(x_z + inner_z), r = σ(x_r + inner_r),
 * ĥ = tanh(x_h + r·inner_h) and out = z·h + (1 − z)·ĥ. `act` [rows, 3·units] keeps z, r and ĥ.
 */
export function gruCell(x: Buf, inner: Buf, h: Buf, rows: number, units: number, out: Buf, act: Buf): void {
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * units;
    const s = r * units;
    for (let j = 0; j < units; j++) {
      const z = sigmoidScalar(x[g + j]! + inner[g + j]!);
      const rg = sigmoidScalar(x[g + units + j]! + inner[g + units + j]!);
      const hc = Math.tanh(x[g + 2 * units + j]! + rg * inner[g + 2 * units + j]!);
      out[s + j] = z * h[s + j]! + (1 - z) * hc;
      act[g + j] = z;
      act[g + units + j] = rg;
      act[g + 2 * units + j] = hc;
    }
  }
}

/**
 * gruCell's adjoint from dOut and its `act`: dz' = dOut·(h − ĥ)·z(1 − z), dĥ' = dOut·(1 − z)(1 − ĥ²),
 * dr' = dĥ'·inner_h·r(1 − r); dx = [dz', dr', dĥ'], dInner = [dz', dr', dĥ'·r], dh = dOut·z.
 */
export function gruCellGrad(act: Buf, inner: Buf, h: Buf, dOut: Buf, rows: number, units: number, dx: Buf, dInner: Buf, dh: Buf): void {
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * units;
    const s = r * units;
    for (let j = 0; j < units; j++) {
      const z = act[g + j]!;
      const rg = act[g + units + j]!;
      const hc = act[g + 2 * units + j]!;
      const go = dOut[s + j]!;
      const dzp = go * (h[s + j]! - hc) * z * (1 - z);
      const dhp = go * (1 - z) * (1 - hc * hc);
      const drp = dhp * inner[g + 2 * units + j]! * rg * (1 - rg);
      dx[g + j] = dzp;
      dx[g + units + j] = drp;
      dx[g + 2 * units + j] = dhp;
      dInner[g + j] = dzp;
      dInner[g + units + j] = drp;
      dInner[g + 2 * units + j] = dhp * rg;
      dh[s + j] = go * z;
    }
  }
}
