/**
 * Reference kernels of the fused LSTM cell (ops/recurrent.ts): for each of `rows` rows, gates
 * from the pre-activations z [rows, 4·units] in Keras's block order i, f, g, o —
 * i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o), σ the logistic or the hard sigmoid — then
 * c = f·cPrev + i·g and h = o·tanh(c), each element in float64 and rounded once where it is
 * stored (h from c as stored). The gates (as gateKept) and tanh(c) are kept in `act`
 * [rows, 5·units] (blocks i, f, g, o, tanh c) for the adjoint, which then needs no
 * transcendental function.
 */
import type { Buf } from '../../tensor/tensor.js';
import { sigmoidScalar } from './elementwise.js';

// The gates' activation, a kernel argument: 0 the logistic σ (Keras), 1 the hard sigmoid
// clip(0.2x + 0.5, 0, 1) (tfjs's default). For the logistic `act` keeps σ(x); for the hard
// sigmoid it keeps the line y = 0.2x + 0.5 before the clip, computed as the composed
// hardSigmoid computes it in the buffers' type (float32: each step rounded, so the forward is
// its bits), since the gate clip(y) alone cannot tell the adjoint whether y sat on the clip's
// edge (slope 0.2: the clip's ties pass the gradient) or beyond it (slope 0).
// (Plain functions of flags, not objects of closures: one call site per kernel then stays
// monomorphic for V8 to inline, where a table of closures made the hard backward 4-7x slower.)
const SLOPE32 = Math.fround(0.2);

/** What `act` keeps of a gate with pre-activation x (f32: the buffers are float32). */
function gateKept(x: number, hard: boolean, f32: boolean): number {
  if (!hard) return sigmoidScalar(x);
  return f32 ? Math.fround(Math.fround(Math.fround(x) * SLOPE32) + 0.5) : x * 0.2 + 0.5;
}

/** The gate from what `act` kept (NaN stays NaN). */
function gateValue(a: number, hard: boolean): number {
  return hard ? (a < 0 ? 0 : a > 1 ? 1 : a) : a;
}

/** term times the gate's derivative, from what `act` kept: term·a(1 − a), or term·0.2 where 0 ≤ a ≤ 1 and 0 elsewhere. */
function gateSlope(term: number, a: number, hard: boolean, f32: boolean): number {
  if (!hard) return term * a * (1 - a);
  return a >= 0 && a <= 1 ? term * (f32 ? SLOPE32 : 0.2) : 0;
}

export function lstmCell(z: Buf, cPrev: Buf, rows: number, units: number, h: Buf, c: Buf, act: Buf, gate: number): void {
  const hard = gate === 1, f32 = !(act instanceof Float64Array);
  for (let r = 0; r < rows; r++) {
    const zr = r * 4 * units;
    const ar = r * 5 * units;
    const s = r * units;
    for (let j = 0; j < units; j++) {
      const ki = gateKept(z[zr + j]!, hard, f32);
      const kf = gateKept(z[zr + units + j]!, hard, f32);
      const g = Math.tanh(z[zr + 2 * units + j]!);
      const ko = gateKept(z[zr + 3 * units + j]!, hard, f32);
      c[s + j] = gateValue(kf, hard) * cPrev[s + j]! + gateValue(ki, hard) * g;
      const t = Math.tanh(c[s + j]!);
      h[s + j] = gateValue(ko, hard) * t;
      act[ar + j] = ki;
      act[ar + units + j] = kf;
      act[ar + 2 * units + j] = g;
      act[ar + 3 * units + j] = ko;
      act[ar + 4 * units + j] = t;
    }
  }
}

/**
 * The cell's adjoint from the gradients dh, dc of its outputs and the forward's `act`: with
 * dc' = dc + dh·o·(1 − t²): dz_i = dc'·g·i(1 − i), dz_f = dc'·cPrev·f(1 − f),
 * dz_g = dc'·i·(1 − g²), dz_o = dh·t·o(1 − o), dcPrev = dc'·f.
 */
export function lstmCellGrad(act: Buf, cPrev: Buf, dh: Buf, dc: Buf, rows: number, units: number, dz: Buf, dcPrev: Buf, gate: number): void {
  const hard = gate === 1, f32 = !(act instanceof Float64Array);
  for (let r = 0; r < rows; r++) {
    const zr = r * 4 * units;
    const ar = r * 5 * units;
    const s = r * units;
    for (let j = 0; j < units; j++) {
      const ki = act[ar + j]!, i = gateValue(ki, hard);
      const kf = act[ar + units + j]!, f = gateValue(kf, hard);
      const g = act[ar + 2 * units + j]!;
      const ko = act[ar + 3 * units + j]!, o = gateValue(ko, hard);
      const t = act[ar + 4 * units + j]!;
      const gh = dh[s + j]!;
      const gc = dc[s + j]! + gh * o * (1 - t * t);
      dz[zr + j] = gateSlope(gc * g, ki, hard, f32);
      dz[zr + units + j] = gateSlope(gc * cPrev[s + j]!, kf, hard, f32);
      dz[zr + 2 * units + j] = gc * i * (1 - g * g);
      dz[zr + 3 * units + j] = gateSlope(gh * t, ko, hard, f32);
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
export function gruCell(x: Buf, inner: Buf, h: Buf, rows: number, units: number, out: Buf, act: Buf, gate: number): void {
  const hard = gate === 1, f32 = !(act instanceof Float64Array);
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * units;
    const s = r * units;
    for (let j = 0; j < units; j++) {
      const kz = gateKept(x[g + j]! + inner[g + j]!, hard, f32), z = gateValue(kz, hard);
      const kr = gateKept(x[g + units + j]! + inner[g + units + j]!, hard, f32);
      const hc = Math.tanh(x[g + 2 * units + j]! + gateValue(kr, hard) * inner[g + 2 * units + j]!);
      out[s + j] = z * h[s + j]! + (1 - z) * hc;
      act[g + j] = kz;
      act[g + units + j] = kr;
      act[g + 2 * units + j] = hc;
    }
  }
}

/**
 * gruCell's adjoint from dOut and its `act`: dz' = dOut·(h − ĥ)·z(1 − z), dĥ' = dOut·(1 − z)(1 − ĥ²),
 * dr' = dĥ'·inner_h·r(1 − r); dx = [dz', dr', dĥ'], dInner = [dz', dr', dĥ'·r], dh = dOut·z.
 */
export function gruCellGrad(act: Buf, inner: Buf, h: Buf, dOut: Buf, rows: number, units: number, dx: Buf, dInner: Buf, dh: Buf, gate: number): void {
  const hard = gate === 1, f32 = !(act instanceof Float64Array);
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * units;
    const s = r * units;
    for (let j = 0; j < units; j++) {
      const kz = act[g + j]!, z = gateValue(kz, hard);
      const kr = act[g + units + j]!, rg = gateValue(kr, hard);
      const hc = act[g + 2 * units + j]!;
      const go = dOut[s + j]!;
      const dzp = gateSlope(go * (h[s + j]! - hc), kz, hard, f32);
      const dhp = go * (1 - z) * (1 - hc * hc);
      const drp = gateSlope(dhp * inner[g + 2 * units + j]!, kr, hard, f32);
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

/**
 * The GRU with the reset gate before its product (tfjs's layout, Keras's `resetAfter: false`),
 * whose candidate ĥ = tanh(x_h + (r·h)·U_h) needs a product between the gates and the output, so
 * it is two cells around it. The gates: from x [rows, 3·units] (blocks z, r, h; the h block is
 * gruOutput's), inner = h·U_zr [rows, 2·units] and the recurrent input hr [rows, units],
 * z = σ(x_z + inner_z) and rh = σ(x_r + inner_r)·hr, each [rows, units]; `act` [rows, 2·units]
 * keeps the gates (as gateKept).
 */
export function gruGates(x: Buf, inner: Buf, hr: Buf, rows: number, units: number, z: Buf, rh: Buf, act: Buf, gate: number): void {
  const hard = gate === 1, f32 = !(act instanceof Float64Array);
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * units, a = r * 2 * units, s = r * units;
    for (let j = 0; j < units; j++) {
      const kz = gateKept(x[g + j]! + inner[a + j]!, hard, f32);
      const kr = gateKept(x[g + units + j]! + inner[a + units + j]!, hard, f32);
      z[s + j] = gateValue(kz, hard);
      rh[s + j] = gateValue(kr, hard) * hr[s + j]!;
      act[a + j] = kz;
      act[a + units + j] = kr;
    }
  }
}

/**
 * gruGates' adjoint from the gradients dz and drh of its outputs: dz' = dz·σ'(z),
 * dr' = drh·hr·σ'(r); dx = [dz', dr', 0], dInner = [dz', dr'], dhr = drh·r.
 */
export function gruGatesGrad(act: Buf, hr: Buf, dz: Buf, drh: Buf, rows: number, units: number, dx: Buf, dInner: Buf, dhr: Buf, gate: number): void {
  const hard = gate === 1, f32 = !(act instanceof Float64Array);
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * units, a = r * 2 * units, s = r * units;
    for (let j = 0; j < units; j++) {
      const kz = act[a + j]!, kr = act[a + units + j]!;
      const dzp = gateSlope(dz[s + j]!, kz, hard, f32);
      const drp = gateSlope(drh[s + j]! * hr[s + j]!, kr, hard, f32);
      dx[g + j] = dzp;
      dx[g + units + j] = drp;
      dx[g + 2 * units + j] = 0;
      dInner[a + j] = dzp;
      dInner[a + units + j] = drp;
      dhr[s + j] = drh[s + j]! * gateValue(kr, hard);
    }
  }
}

/**
 * The reset-before GRU's output from x [rows, 3·units] (its h block), the product q = (r·h)·U_h,
 * the state h and the update gate z (each [rows, units]): ĥ = tanh(x_h + q), out = z·h + (1 − z)·ĥ;
 * `act` [rows, units] keeps ĥ.
 */
export function gruOutput(x: Buf, q: Buf, h: Buf, z: Buf, rows: number, units: number, out: Buf, act: Buf): void {
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * units, s = r * units;
    for (let j = 0; j < units; j++) {
      const hc = Math.tanh(x[g + 2 * units + j]! + q[s + j]!);
      const zj = z[s + j]!;
      out[s + j] = zj * h[s + j]! + (1 - zj) * hc;
      act[s + j] = hc;
    }
  }
}

/**
 * gruOutput's adjoint from dOut: dĥ' = dOut·(1 − z)(1 − ĥ²); dx = [0, 0, dĥ'], dq = dĥ',
 * dh = dOut·z, dz = dOut·(h − ĥ).
 */
export function gruOutputGrad(act: Buf, h: Buf, z: Buf, dOut: Buf, rows: number, units: number, dx: Buf, dq: Buf, dh: Buf, dz: Buf): void {
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * units, s = r * units;
    for (let j = 0; j < units; j++) {
      const hc = act[s + j]!, zj = z[s + j]!, go = dOut[s + j]!;
      const dhp = go * (1 - zj) * (1 - hc * hc);
      dx[g + j] = 0;
      dx[g + units + j] = 0;
      dx[g + 2 * units + j] = dhp;
      dq[s + j] = dhp;
      dh[s + j] = go * zj;
      dz[s + j] = go * (h[s + j]! - hc);
    }
  }
}
