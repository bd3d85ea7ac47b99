/**
 * Reference elementwise kernels: unary maps, broadcasting binary maps and `where`.
 * Broadcasting walks the output row-major with an odometer over the outer axes and a tight
 * loop over the last axis; inputs use stride 0 on broadcast axes.
 */
import type { BinaryKernel, BinaryOp, UnaryKernel, UnaryOp } from '../backend.js';
import { type Shape, broadcastStrides, sameShape } from '../../tensor/shape.js';
import type { Buf } from '../../tensor/tensor.js';
import { specialize } from './specialize.js';

const unaryLoop = (f: (x: number) => number): UnaryKernel => (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
};
const unary = (f: (x: number) => number): UnaryKernel => specialize(unaryLoop)(f);

/** Numerically stable logistic: never evaluates exp of a large positive number. */
export function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
function softplusScalar(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * erf to float64 accuracy: Maclaurin series below |x| = 2.5, continued fraction for erfc above.
 * Accuracy matters: gelu's gradient is checked against float64 central differences.
 */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up.
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

export const unaryKernels: Record<UnaryOp, UnaryKernel> = {
  neg: unary((x) => -x),
  exp: unary(Math.exp),
  log: unary(Math.log),
  sqrt: unary(Math.sqrt),
  abs: unary(Math.abs),
  sign: unary(Math.sign),
  sigmoid: unary(sigmoidScalar),
  tanh: unary(Math.tanh),
  softplus: unary(softplusScalar),
  erf: unary(erfScalar),
  // Heaviside as in the notes: 1 if z > 0, 0 if z ≤ 0; NaN stays NaN.
  step: unary((x) => (x > 0 ? 1 : x <= 0 ? 0 : x)),
  floor: unary(Math.floor),
  ceil: unary(Math.ceil),
  // Halves to even (banker's rounding), as TensorFlow's round.
  round: unary((x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  atan: unary(Math.atan),
};

function binary(f: (a: number, b: number) => number): BinaryKernel {
  return specialize(binaryLoops)(f, sameShape, walkBinary, broadcastKind);
}

/**
 * How `shape` broadcasts to `outShape` in the two cases a training step is full of, handled
 * without the general walk (which allocates its index arrays): 1 when it is one row of the last
 * axis (a bias), 2 when it is one value per row (a softmax's max or sum), 0 otherwise.
 */
export function broadcastKind(shape: Shape, outShape: Shape): 0 | 1 | 2 {
  const rank = outShape.length;
  const r = shape.length;
  if (rank === 0 || r === 0) return 0;
  const last = outShape[rank - 1]!;
  if (shape[r - 1] === last && last !== 1) {
    for (let i = 0; i < r - 1; i++) if (shape[i] !== 1) return 0;
    return 1;
  }
  if (shape[r - 1] === 1 && r === rank) {
    for (let i = 0; i < r - 1; i++) if (shape[i] !== outShape[i]) return 0;
    return 2;
  }
  return 0;
}

function binaryLoops(f: (a: number, b: number) => number, same: typeof sameShape, walk: typeof walkBinary, kind: typeof broadcastKind): BinaryKernel {
  return (a, aShape, b, bShape, out, outShape) => {
    const n = out.length;
    if (n === 0) return;
    if (a.length === n && b.length === n && same(aShape, bShape)) {
      for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
      return;
    }
    if (b.length === 1 && a.length === n) {
      const bv = b[0]!;
      for (let i = 0; i < n; i++) out[i] = f(a[i]!, bv);
      return;
    }
    if (a.length === 1 && b.length === n) {
      const av = a[0]!;
      for (let i = 0; i < n; i++) out[i] = f(av, b[i]!);
      return;
    }
    // Each operand as a 2-D [rows, len] view with a row step and a column step: the whole
    // array (len, 1), one row (0, 1), one value per row (1, 0), or one value (0, 0). Covers a
    // training step's broadcasts without the general walk, which allocates.
    const len = outShape[outShape.length - 1]!;
    const ka = a.length === n ? 3 : a.length === 1 ? 0 : kind(aShape, outShape);
    const kb = b.length === n ? 3 : b.length === 1 ? 0 : kind(bShape, outShape);
    if (len > 0 && (ka !== 0 || a.length === 1) && (kb !== 0 || b.length === 1)) {
      const ar = ka === 3 ? len : ka === 2 ? 1 : 0;
      const ac = ka === 3 || ka === 1 ? 1 : 0;
      const br = kb === 3 ? len : kb === 2 ? 1 : 0;
      const bc = kb === 3 || kb === 1 ? 1 : 0;
      for (let o = 0, r = 0; o < n; o += len, r++) {
        const ao = r * ar;
        const bo = r * br;
        for (let j = 0; j < len; j++) out[o + j] = f(a[ao + j * ac]!, b[bo + j * bc]!);
      }
      return;
    }
    walk(f, a, aShape, b, bShape, out, outShape);
  };
}

/**
 * The general broadcast, in a function of its own: a closure inside the kernel would make every
 * call of the kernel allocate a context for the variables it captures.
 */
function walkBinary(f: (a: number, b: number) => number, a: Buf, aShape: Shape, b: Buf, bShape: Shape, out: Buf, outShape: Shape): void {
  walk2(aShape, bShape, outShape, (o, ao, as, bo, bs, len) => {
    for (let j = 0; j < len; j++) out[o + j] = f(a[ao + j * as]!, b[bo + j * bs]!);
  });
}

/**
 * Visits the output row by row (last axis), giving each row's output offset and the matching
 * offsets and last-axis strides of two broadcast inputs.
 */
function walk2(
  aShape: Shape, bShape: Shape, outShape: Shape,
  row: (o: number, ao: number, as: number, bo: number, bs: number, len: number) => void,
): void {
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const len = outShape[rank - 1]!;
  const total = outShape.reduce((p, d) => p * d, 1);
  const idx = new Array<number>(rank).fill(0);
  let ao = 0;
  let bo = 0;
  for (let o = 0; o < total; o += len) {
    row(o, ao, sa[rank - 1]!, bo, sb[rank - 1]!, len);
    for (let d = rank - 2; d >= 0; d--) {
      ao += sa[d]!;
      bo += sb[d]!;
      if (++idx[d]! < outShape[d]!) break;
      ao -= sa[d]! * outShape[d]!;
      bo -= sb[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

export const binaryKernels: Record<BinaryOp, BinaryKernel> = {
  add: binary((a, b) => a + b),
  sub: binary((a, b) => a - b),
  mul: binary((a, b) => a * b),
  div: binary((a, b) => a / b),
  pow: binary(Math.pow),
  // NaN in either input propagates, as in NumPy.
  maximum: binary((a, b) => (a !== a || b !== b ? NaN : a > b ? a : b)),
  minimum: binary((a, b) => (a !== a || b !== b ? NaN : a < b ? a : b)),
  greater: binary((a, b) => (a > b ? 1 : 0)),
  greaterEqual: binary((a, b) => (a >= b ? 1 : 0)),
  less: binary((a, b) => (a < b ? 1 : 0)),
  lessEqual: binary((a, b) => (a <= b ? 1 : 0)),
  equal: binary((a, b) => (a === b ? 1 : 0)),
  notEqual: binary((a, b) => (a !== b ? 1 : 0)),
};

export function where(cond: Buf, cShape: Shape, a: Buf, aShape: Shape, b: Buf, bShape: Shape, out: Buf, outShape: Shape): void {
  const n = out.length;
  if (n === 0) return;
  // The common cases without broadcasting walks: relu's where(x > 0, x, 0) and its gradient.
  if (cond.length === n && a.length === n && (b.length === n || b.length === 1)) {
    if (b.length === 1) {
      const bv = b[0]!;
      for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? a[i]! : bv;
    } else for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? a[i]! : b[i]!;
    return;
  }
  if (cond.length === n && a.length === 1 && b.length === n) {
    const av = a[0]!;
    for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? av : b[i]!;
    return;
  }
  const rank = outShape.length;
  const sc = broadcastStrides(cShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(rank).fill(0);
  let co = 0;
  let ao = 0;
  let bo = 0;
  for (let o = 0; o < n; o++) {
    out[o] = cond[co] !== 0 ? a[ao]! : b[bo]!;
    for (let d = rank - 1; d >= 0; d--) {
      co += sc[d]!;
      ao += sa[d]!;
      bo += sb[d]!;
      if (++idx[d]! < outShape[d]!) break;
      co -= sc[d]! * outShape[d]!;
      ao -= sa[d]! * outShape[d]!;
      bo -= sb[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}
