// The fused LSTM and GRU cells (src/backends/js/recurrent.ts) on float32 arrays in this
// module's memory: each element in float64 and rounded once where it is stored, as the
// reference, two units at a time (f64x2 lanes) with vmath's exp, logistic and tanh; an odd
// last unit runs the same vector code on one lane.
import { sigmoid2, tanh2 } from './vmath';

// Two float32 at p (or one, in both lanes, where `two` is false) as float64 lanes.
@inline
function ld(p: usize, two: bool): v128 {
  return two ? f64x2.promote_low_f32x4(v128.load64_zero(p)) : f64x2.splat(<f64>load<f32>(p));
}

// Stores two float64 lanes at p as float32 (or the first lane only).
@inline
function st(p: usize, v: v128, two: bool): void {
  if (two) v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
  else store<f32>(p, <f32>f64x2.extract_lane(v, 0));
}

// v rounded to float32, as float64 lanes.
@inline
function round32(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}

@inline
function splat(x: f64): v128 {
  return f64x2.splat(x);
}

// The gates' activations (src/backends/js/recurrent.ts's gateKept, gateValue, gateSlope): the
// logistic, or (hard) the hard sigmoid, whose gate `act` keeps as its float32 line before the
// clip (a float32 product of two float32 values is exact in float64, so each rounding is float32's).
const SLOPE: f64 = <f64><f32>0.2;

@inline
function gateKept(x: v128, hard: bool): v128 {
  if (!hard) return sigmoid2(x);
  return round32(f64x2.add(round32(f64x2.mul(round32(x), splat(SLOPE))), splat(0.5)));
}

@inline
function gateValue(a: v128, hard: bool): v128 {
  return hard ? f64x2.min(f64x2.max(a, splat(0)), splat(1)) : a;
}

// term times the gate's derivative from what act kept: term·a(1 − a), or term·0.2 where 0 ≤ a ≤ 1.
@inline
function gateSlope(term: v128, a: v128, hard: bool): v128 {
  if (!hard) return f64x2.mul(f64x2.mul(term, a), f64x2.sub(splat(1), a));
  const inside = v128.and(f64x2.ge(a, splat(0)), f64x2.le(a, splat(1)));
  return v128.and(f64x2.mul(term, splat(SLOPE)), inside);
}

/** h, c [rows, units] and act [rows, 5·units] (i, f, g, o, tanh c) from z [rows, 4·units] and cPrev. */
export function lstmCell(z: usize, cPrev: usize, rows: i32, units: i32, h: usize, c: usize, act: usize, gate: i32): void {
  const u = <usize>units << 2;
  const hard = gate == 1;
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * 4 * u;
    const ar = act + <usize>r * 5 * u;
    const s = <usize>r * u;
    for (let j: usize = 0; j < u; j += 8) {
      const two = j + 8 <= u;
      const i = gateKept(ld(zr + j, two), hard);
      const fg = gateKept(ld(zr + u + j, two), hard);
      const g = tanh2(ld(zr + 2 * u + j, two));
      const o = gateKept(ld(zr + 3 * u + j, two), hard);
      const cs = round32(f64x2.add(f64x2.mul(gateValue(fg, hard), ld(cPrev + s + j, two)), f64x2.mul(gateValue(i, hard), g)));
      st(c + s + j, cs, two);
      const t = tanh2(cs);
      st(h + s + j, f64x2.mul(gateValue(o, hard), t), two);
      st(ar + j, i, two);
      st(ar + u + j, fg, two);
      st(ar + 2 * u + j, g, two);
      st(ar + 3 * u + j, o, two);
      st(ar + 4 * u + j, t, two);
    }
  }
}

/** lstmCell's adjoint: dz [rows, 4·units] and dcPrev from dh, dc and the forward's act. */
export function lstmCellGrad(act: usize, cPrev: usize, dh: usize, dc: usize, rows: i32, units: i32, dz: usize, dcPrev: usize, gate: i32): void {
  const u = <usize>units << 2;
  const hard = gate == 1;
  const one = splat(1);
  for (let r = 0; r < rows; r++) {
    const dzr = dz + <usize>r * 4 * u;
    const ar = act + <usize>r * 5 * u;
    const s = <usize>r * u;
    for (let j: usize = 0; j < u; j += 8) {
      const two = j + 8 <= u;
      const i = ld(ar + j, two);
      const fg = ld(ar + u + j, two);
      const g = ld(ar + 2 * u + j, two);
      const o = ld(ar + 3 * u + j, two);
      const t = ld(ar + 4 * u + j, two);
      const gh = ld(dh + s + j, two);
      // gc = dc + dh·o·(1 − t²)
      const gc = f64x2.add(ld(dc + s + j, two), f64x2.mul(f64x2.mul(gh, gateValue(o, hard)), f64x2.sub(one, f64x2.mul(t, t))));
      st(dzr + j, gateSlope(f64x2.mul(gc, g), i, hard), two);
      st(dzr + u + j, gateSlope(f64x2.mul(gc, ld(cPrev + s + j, two)), fg, hard), two);
      st(dzr + 2 * u + j, f64x2.mul(f64x2.mul(gc, gateValue(i, hard)), f64x2.sub(one, f64x2.mul(g, g))), two);
      st(dzr + 3 * u + j, gateSlope(f64x2.mul(gh, t), o, hard), two);
      st(dcPrev + s + j, f64x2.mul(gc, gateValue(fg, hard)), two);
    }
  }
}

/** The reset-after GRU cell: out [rows, units] and act (z, r, ĥ) [rows, 3·units] from x, inner [rows, 3·units] and h. */
export function gruCell(x: usize, inner: usize, h: usize, rows: i32, units: i32, out: usize, act: usize, gate: i32): void {
  const u = <usize>units << 2;
  const hard = gate == 1;
  const one = splat(1);
  for (let r = 0; r < rows; r++) {
    const g = <usize>r * 3 * u;
    const s = <usize>r * u;
    for (let j: usize = 0; j < u; j += 8) {
      const two = j + 8 <= u;
      const zg = gateKept(f64x2.add(ld(x + g + j, two), ld(inner + g + j, two)), hard);
      const rg = gateKept(f64x2.add(ld(x + g + u + j, two), ld(inner + g + u + j, two)), hard);
      const hc = tanh2(f64x2.add(ld(x + g + 2 * u + j, two), f64x2.mul(gateValue(rg, hard), ld(inner + g + 2 * u + j, two))));
      const zv = gateValue(zg, hard);
      st(out + s + j, f64x2.add(f64x2.mul(zv, ld(h + s + j, two)), f64x2.mul(f64x2.sub(one, zv), hc)), two);
      st(act + g + j, zg, two);
      st(act + g + u + j, rg, two);
      st(act + g + 2 * u + j, hc, two);
    }
  }
}

/** gruCell's adjoint: dx, dInner [rows, 3·units] and dh from dOut and the forward's act. */
export function gruCellGrad(act: usize, inner: usize, h: usize, dOut: usize, rows: i32, units: i32, dx: usize, dInner: usize, dh: usize, gate: i32): void {
  const u = <usize>units << 2;
  const hard = gate == 1;
  const one = splat(1);
  for (let r = 0; r < rows; r++) {
    const g = <usize>r * 3 * u;
    const s = <usize>r * u;
    for (let j: usize = 0; j < u; j += 8) {
      const two = j + 8 <= u;
      const kz = ld(act + g + j, two), zg = gateValue(kz, hard);
      const kr = ld(act + g + u + j, two), rg = gateValue(kr, hard);
      const hc = ld(act + g + 2 * u + j, two);
      const go = ld(dOut + s + j, two);
      // dz' = dOut·(h − ĥ)·σ'(z), dĥ' = dOut·(1 − z)(1 − ĥ²), dr' = dĥ'·inner_h·σ'(r)
      const dzp = gateSlope(f64x2.mul(go, f64x2.sub(ld(h + s + j, two), hc)), kz, hard);
      const dhp = f64x2.mul(f64x2.mul(go, f64x2.sub(one, zg)), f64x2.sub(one, f64x2.mul(hc, hc)));
      const drp = gateSlope(f64x2.mul(dhp, ld(inner + g + 2 * u + j, two)), kr, hard);
      st(dx + g + j, dzp, two);
      st(dx + g + u + j, drp, two);
      st(dx + g + 2 * u + j, dhp, two);
      st(dInner + g + j, dzp, two);
      st(dInner + g + u + j, drp, two);
      st(dInner + g + 2 * u + j, f64x2.mul(dhp, rg), two);
      st(dh + s + j, f64x2.mul(go, zg), two);
    }
  }
}

/** The reset-before GRU's gates: z, rh = r·hr [rows, units] and act (z, r) [rows, 2·units] from x [rows, 3·units], inner [rows, 2·units] and hr. */
export function gruGates(x: usize, inner: usize, hr: usize, rows: i32, units: i32, z: usize, rh: usize, act: usize, gate: i32): void {
  const u = <usize>units << 2;
  const hard = gate == 1;
  for (let r = 0; r < rows; r++) {
    const g = <usize>r * 3 * u;
    const a = <usize>r * 2 * u;
    const s = <usize>r * u;
    for (let j: usize = 0; j < u; j += 8) {
      const two = j + 8 <= u;
      const kz = gateKept(f64x2.add(ld(x + g + j, two), ld(inner + a + j, two)), hard);
      const kr = gateKept(f64x2.add(ld(x + g + u + j, two), ld(inner + a + u + j, two)), hard);
      st(z + s + j, gateValue(kz, hard), two);
      st(rh + s + j, f64x2.mul(gateValue(kr, hard), ld(hr + s + j, two)), two);
      st(act + a + j, kz, two);
      st(act + a + u + j, kr, two);
    }
  }
}

/** gruGates' adjoint: dx [rows, 3·units] (its h block 0), dInner [rows, 2·units] and dhr from dz, drh and the forward's act. */
export function gruGatesGrad(act: usize, hr: usize, dz: usize, drh: usize, rows: i32, units: i32, dx: usize, dInner: usize, dhr: usize, gate: i32): void {
  const u = <usize>units << 2;
  const hard = gate == 1;
  for (let r = 0; r < rows; r++) {
    const g = <usize>r * 3 * u;
    const a = <usize>r * 2 * u;
    const s = <usize>r * u;
    for (let j: usize = 0; j < u; j += 8) {
      const two = j + 8 <= u;
      const kz = ld(act + a + j, two), kr = ld(act + a + u + j, two);
      const gr = ld(drh + s + j, two);
      const dzp = gateSlope(ld(dz + s + j, two), kz, hard);
      const drp = gateSlope(f64x2.mul(gr, ld(hr + s + j, two)), kr, hard);
      st(dx + g + j, dzp, two);
      st(dx + g + u + j, drp, two);
      st(dx + g + 2 * u + j, splat(0), two);
      st(dInner + a + j, dzp, two);
      st(dInner + a + u + j, drp, two);
      st(dhr + s + j, f64x2.mul(gr, gateValue(kr, hard)), two);
    }
  }
}

/** The reset-before GRU's output z·h + (1 − z)·ĥ, ĥ = tanh(x_h + q) kept in act [rows, units]. */
export function gruOutput(x: usize, q: usize, h: usize, z: usize, rows: i32, units: i32, out: usize, act: usize): void {
  const u = <usize>units << 2;
  const one = splat(1);
  for (let r = 0; r < rows; r++) {
    const g = <usize>r * 3 * u;
    const s = <usize>r * u;
    for (let j: usize = 0; j < u; j += 8) {
      const two = j + 8 <= u;
      const hc = tanh2(f64x2.add(ld(x + g + 2 * u + j, two), ld(q + s + j, two)));
      const zj = ld(z + s + j, two);
      st(out + s + j, f64x2.add(f64x2.mul(zj, ld(h + s + j, two)), f64x2.mul(f64x2.sub(one, zj), hc)), two);
      st(act + s + j, hc, two);
    }
  }
}

/** gruOutput's adjoint: dx [rows, 3·units] (its z and r blocks 0), dq, dh and dz from dOut and the forward's act. */
export function gruOutputGrad(act: usize, h: usize, z: usize, dOut: usize, rows: i32, units: i32, dx: usize, dq: usize, dh: usize, dz: usize): void {
  const u = <usize>units << 2;
  const one = splat(1);
  for (let r = 0; r < rows; r++) {
    const g = <usize>r * 3 * u;
    const s = <usize>r * u;
    for (let j: usize = 0; j < u; j += 8) {
      const two = j + 8 <= u;
      const hc = ld(act + s + j, two), zj = ld(z + s + j, two), go = ld(dOut + s + j, two);
      const dhp = f64x2.mul(f64x2.mul(go, f64x2.sub(one, zj)), f64x2.sub(one, f64x2.mul(hc, hc)));
      st(dx + g + j, splat(0), two);
      st(dx + g + u + j, splat(0), two);
      st(dx + g + 2 * u + j, dhp, two);
      st(dq + s + j, dhp, two);
      st(dh + s + j, f64x2.mul(go, zj), two);
      st(dz + s + j, f64x2.mul(go, f64x2.sub(ld(h + s + j, two), hc)), two);
    }
  }
}
