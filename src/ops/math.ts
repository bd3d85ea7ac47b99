/**
 * More elementwise and reduction maths, composed from the primitives (so each has its
 * gradient from theirs): the ones TensorFlow.js programs use beyond the core set.
 */
import { fmt, normalizeAxes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { abs, add, atan, cos, div, equal, exp, floor, greater, greaterEqual, less, log, maximum, mul, neg, notEqual, pow, sign, sin, softplus, sqrt, square, sub, where } from './elementwise.js';
import { type Axes, max, mean, sum } from './reduce.js';
import { matmul } from './matmul.js';
import { gather, pad, reshape, slice, transpose } from './layout.js';
import { reverse } from './select.js';
import { type TfjsDType, castTo, fill, oneHot, tensor } from './creation.js';
import { type TensorLike, asTensor, keepInt } from './primitive.js';

/** 1/√x. */
export function rsqrt(x: TensorLike): Tensor {
  return div(1, sqrt(x));
}

/** ln(1 + x). */
export function log1p(x: TensorLike): Tensor {
  return log(add(x, 1));
}

/** eˣ − 1. */
export function expm1(x: TensorLike): Tensor {
  return sub(exp(x), 1);
}

/** (a − b)², broadcast. */
export function squaredDifference(a: TensorLike, b: TensorLike): Tensor {
  return square(sub(a, b));
}

/** ⌊a / b⌋. Zero gradient. */
export function floorDiv(a: TensorLike, b: TensorLike): Tensor {
  return floor(div(a, b));
}

/** a − ⌊a/b⌋·b: the remainder with the divisor's sign (as Python and TensorFlow). d/da = 1, d/db = −⌊a/b⌋. */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  return sub(a, mul(floorDiv(a, b), b));
}

/** 1 where x is NaN, else 0. */
export function isNaN(x: TensorLike): Tensor {
  const t = asTensor(x, 'isNaN');
  return notEqual(t, t);
}

/** 1 where x is 0, else 0: logical not (any non-zero value counts as true). */
export function logicalNot(x: TensorLike): Tensor {
  return equal(x, 0);
}

/** 1 where both are non-zero. */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  const y = mul(notEqual(a, 0), notEqual(b, 0));
  y.dtypeTag = 'bool';
  return y;
}

/** 1 where either is non-zero. */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return notEqual(add(notEqual(a, 0), notEqual(b, 0)), 0);
}

/** 1 where exactly one is non-zero. */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return notEqual(notEqual(a, 0), notEqual(b, 0));
}

/**
 * A scan along `axis` (cumsum, cumprod) as one over the rows of a [rows, n] matrix: `scan` gets
 * `x` with the axis moved last and the others merged, and its result goes back to x's layout.
 */
function alongRows(op: string, xl: TensorLike, axis: number, scan: (rows: Tensor, n: number) => Tensor): Tensor {
  const x = asTensor(xl, op);
  if (x.rank === 0) throw new Error(`${op}: expected a tensor of rank ≥ 1, got a scalar`);
  const ax = axis < 0 ? axis + x.rank : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= x.rank) throw new Error(`${op}: axis ${axis} is out of range for rank ${x.rank}`);
  const n = x.shape[ax]!;
  const perm = [...x.shape.keys()].filter((i) => i !== ax);
  perm.push(ax);
  const moved = ax === x.rank - 1 ? x : transpose(x, perm);
  const y = keepInt(reshape(scan(reshape(moved, [-1, n]), n), moved.shape), x);
  return ax === x.rank - 1 ? y : transpose(y, perm.map((_, i) => perm.indexOf(i)));
}

/** A scan's options from neurite's object or tfjs's positional `(exclusive, reverse)`. */
function scanOptions(exclusiveOrOptions: CumsumOptions | boolean, reversed: boolean | undefined): CumsumOptions {
  return typeof exclusiveOrOptions === 'boolean' || reversed !== undefined
    ? { exclusive: exclusiveOrOptions === true, reverse: reversed === true }
    : exclusiveOrOptions;
}

export interface CumsumOptions {
  /** Leave each position's own value out (tfjs `exclusive`). */
  exclusive?: boolean;
  /** Sum from the end (tfjs `reverse`). */
  reverse?: boolean;
}

/**
 * Running sums along `axis` (default 0, as tfjs): y_i = Σ_{j≤i} x_j. A product with a
 * triangular matrix of ones, so its gradient is the reversed running sum.
 */
export function cumsum(xl: TensorLike, axis = 0, exclusiveOrOptions: CumsumOptions | boolean = {}, reversed?: boolean): Tensor {
  const options = scanOptions(exclusiveOrOptions, reversed);
  return alongRows('cumsum', xl, axis, (rows, n) => {
    // T[j][i] = 1 where x_j counts in y_i.
    const t = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const counts = options.reverse === true ? (options.exclusive === true ? j > i : j >= i) : options.exclusive === true ? j < i : j <= i;
        if (counts) t[j * n + i] = 1;
      }
    }
    return matmul(rows, tensor(t, [n, n]));
  });
}

/** Mean and (population) variance over `axes` (tfjs `tf.moments`). */
export function moments(xl: TensorLike, axes?: Axes, keepDims = false): { mean: Tensor; variance: Tensor } {
  const x = asTensor(xl, 'moments');
  const m = mean(x, axes, true);
  const variance = mean(square(sub(x, m)), axes, keepDims);
  return { mean: keepDims ? m : mean(x, axes, false), variance };
}

/**
 * A vector or matrix norm (tfjs `tf.norm`): 'euclidean' (default; 2), 1, Infinity, or any
 * p > 0 over `axes` (all by default). 'fro' is the Euclidean norm of all entries.
 */
export function norm(xl: TensorLike, ord: number | 'euclidean' | 'fro' = 'euclidean', axes?: Axes, keepDims = false): Tensor {
  const x = asTensor(xl, 'norm');
  if (ord === 'euclidean' || ord === 'fro' || ord === 2) return sqrt(sum(square(x), axes, keepDims));
  if (ord === 1) return sum(abs(x), axes, keepDims);
  if (ord === Infinity) return max(abs(x), axes, keepDims);
  if (typeof ord !== 'number' || !(ord > 0)) throw new Error(`norm: ord must be 'euclidean', 'fro', 1, 2, Infinity or a positive number, got ${String(ord)}`);
  return pow(sum(pow(abs(x), ord), axes, keepDims), 1 / ord);
}

/** x / max(‖x‖₂, ε) along `axis` (tfjs `tf.l2Normalize`… in Keras's form: ε = 1e-12). */
export function l2Normalize(xl: TensorLike, axis?: Axes, epsilon = 1e-12): Tensor {
  const x = asTensor(xl, 'l2Normalize');
  return div(x, sqrt(maximum(sum(square(x), axis, true), epsilon * epsilon)));
}

/** The dot product of vectors, or a matrix product (tfjs `tf.dot`: ranks 1 and 2). */
export function dot(al: TensorLike, bl: TensorLike): Tensor {
  const a = asTensor(al, 'dot');
  const b = asTensor(bl, 'dot');
  if (a.rank < 1 || a.rank > 2 || b.rank < 1 || b.rank > 2) throw new Error(`dot: inputs must have rank 1 or 2, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const a2 = a.rank === 1 ? reshape(a, [1, -1]) : a;
  const b2 = b.rank === 1 ? reshape(b, [-1, 1]) : b;
  const y = matmul(a2, b2);
  if (a.rank === 1 && b.rank === 1) return reshape(y, []);
  if (a.rank === 1) return reshape(y, [y.shape[1]!]);
  if (b.rank === 1) return reshape(y, [y.shape[0]!]);
  return y;
}

/** a ⊗ b for vectors: [m] and [n] → [m, n]. */
export function outerProduct(al: TensorLike, bl: TensorLike): Tensor {
  const a = asTensor(al, 'outerProduct');
  const b = asTensor(bl, 'outerProduct');
  if (a.rank !== 1 || b.rank !== 1) throw new Error(`outerProduct: inputs must be vectors, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return matmul(reshape(a, [-1, 1]), reshape(b, [1, -1]));
}

/**
 * `x` as tfjs's `cast(x, dtype)` gives it: float32 is `x` itself; int32 truncates and bool
 * makes 0/1, as new tensors without gradient (neurite keeps them as floats).
 */
export function cast(xl: TensorLike, dtype: TfjsDType): Tensor {
  const x = asTensor(xl, 'cast');
  if (dtype === 'float32' && x.dtypeTag === undefined) return x;
  // Float of int or bool values: the same numbers, read as float32 (no graph: ints have no gradient).
  if (dtype === 'float32') return new Tensor(x.values, x.shape);
  return castTo(x.clone(), dtype, 'cast');
}

// ---- tfjs's hyperbolic, trigonometric and safe ops, composed (their gradients from the parts) ----

/** tan x = sin x / cos x. */
export function tan(x: TensorLike): Tensor {
  const t = asTensor(x, 'tan');
  return div(sin(t), cos(t));
}

/** sinh x = (eˣ − e⁻ˣ) / 2. */
export function sinh(x: TensorLike): Tensor {
  const t = asTensor(x, 'sinh');
  return mul(sub(exp(t), exp(neg(t))), 0.5);
}

/** cosh x = (eˣ + e⁻ˣ) / 2. */
export function cosh(x: TensorLike): Tensor {
  const t = asTensor(x, 'cosh');
  return mul(add(exp(t), exp(neg(t))), 0.5);
}

/** asinh x = sign(x)·ln(|x| + √(x² + 1)) (odd, so exact for negative x too). */
export function asinh(x: TensorLike): Tensor {
  const t = asTensor(x, 'asinh');
  const a = abs(t);
  return mul(sign(t), log(add(a, sqrt(add(square(a), 1)))));
}

/** acosh x = ln(x + √(x² − 1)), x ≥ 1 (NaN below). */
export function acosh(x: TensorLike): Tensor {
  const t = asTensor(x, 'acosh');
  return log(add(t, sqrt(sub(square(t), 1))));
}

/** atanh x = ½·ln((1 + x)/(1 − x)), |x| < 1. */
export function atanh(x: TensorLike): Tensor {
  const t = asTensor(x, 'atanh');
  return mul(log(div(add(t, 1), sub(1, t))), 0.5);
}

/** log σ(x) = −softplus(−x), without σ's underflow. */
export function logSigmoid(x: TensorLike): Tensor {
  return neg(softplus(neg(asTensor(x, 'logSigmoid'))));
}

/** a / b, and 0 where b is 0 (tfjs `divNoNan`). */
export function divNoNan(a: TensorLike, b: TensorLike): Tensor {
  const at = asTensor(a, 'divNoNan');
  const bt = asTensor(b, 'divNoNan');
  const zero = equal(bt, 0);
  // The quotient by 1 where b is 0, then replaced: no 0/0 on the way (its gradient would be NaN).
  return where(zero, 0, div(at, where(zero, 1, bt)));
}

/** 1 where x is finite (not NaN, not ±∞), as a bool tensor. */
export function isFinite(x: TensorLike): Tensor {
  const t = asTensor(x, 'isFinite');
  // x − x is 0 for finite x and NaN for NaN and ±∞.
  return equal(sub(t, t), 0);
}

/** 1 where x is +∞ or −∞. */
export function isInf(x: TensorLike): Tensor {
  return equal(abs(asTensor(x, 'isInf')), Infinity);
}

/** √Σx² over `axes` (tfjs `euclideanNorm`). */
export function euclideanNorm(x: TensorLike, axes?: Axes, keepDims = false): Tensor {
  return norm(x, 'euclidean', axes, keepDims);
}

/** `x` with `axes` moved last and merged: [rest…, n] as [outer, n], and how to undo it. */
function axesLast(x: Tensor, axes: readonly number[]): { flat: Tensor; kept: number[] } {
  const rest = [...x.shape.keys()].filter((i) => !axes.includes(i));
  const perm = [...rest, ...axes];
  const moved = perm.every((p, i) => p === i) ? x : transpose(x, perm);
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  return { flat: reshape(moved, [x.size / Math.max(1, n), n]), kept: rest.map((i) => x.shape[i]!) };
}

/**
 * Π over `axes` (all by default; tfjs `prod`), as a tree of pairwise products (log₂ n muls,
 * ones padding an odd count): exact with zeros, and its gradient is the muls', not y/x.
 */
export function prod(xl: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const x = asTensor(xl, 'prod');
  const ax = normalizeAxes(axes, x.rank, 'prod');
  const { flat, kept } = axesLast(x, ax);
  let y = flat;
  while (y.shape[1]! > 1) {
    const n = y.shape[1]!;
    if (n % 2 === 1) y = pad(y, [[0, 0], [0, 1]], 1);
    const halves = reshape(y, [y.shape[0]!, (n + (n % 2)) / 2, 2]);
    y = reshape(mul(slice(halves, [0, 0, 0], [-1, -1, 1]), slice(halves, [0, 0, 1], [-1, -1, 1])), [y.shape[0]!, (n + (n % 2)) / 2]);
  }
  if (y.shape[1] === 0) y = fill([y.shape[0]!, 1], 1);
  const out = keepInt(reshape(y, keepDims ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : kept), x);
  return out;
}

/**
 * Running products along `axis` (tfjs `cumprod`, with `exclusive` and `reverse`, as options or
 * tfjs's positional arguments): a doubling
 * scan, y ← y · (y shifted by 1, 2, 4, … with ones), so log₂ n products, each differentiable.
 */
export function cumprod(xl: TensorLike, axis = 0, exclusiveOrOptions: CumsumOptions | boolean = {}, reversed?: boolean): Tensor {
  const options = scanOptions(exclusiveOrOptions, reversed);
  return alongRows('cumprod', xl, axis, (rows, n) => {
    const r = rows.shape[0]!;
    let y = options.reverse === true ? reverse(rows, 1) : rows;
    // Exclusive: shift right by one first (a 1 in front, the last value dropped).
    if (options.exclusive === true && n > 0) y = slice(pad(y, [[0, 0], [1, 0]], 1), [0, 0], [r, n]);
    for (let d = 1; d < n; d *= 2) y = mul(y, slice(pad(y, [[0, 0], [d, 0]], 1), [0, 0], [r, n]));
    return options.reverse === true ? reverse(y, 1) : y;
  });
}

/**
 * (x − mean)·scale/√(variance + ε) + offset (tfjs `batchNorm`: the statistics given; ε 0.001
 * by default), broadcast.
 */
export function batchNorm(xl: TensorLike, meanl: TensorLike, variancel: TensorLike, offset?: TensorLike, scale?: TensorLike, varianceEpsilon = 0.001): Tensor {
  let y = div(sub(asTensor(xl, 'batchNorm'), meanl), sqrt(add(variancel, varianceEpsilon)));
  if (scale !== undefined && scale !== null) y = mul(y, scale);
  return offset !== undefined && offset !== null ? add(y, offset) : y;
}

/** A tensor of shape [...x.shape, ...x.shape] with x on its diagonal (tfjs `diag`): a vector becomes a diagonal matrix. */
export function diag(xl: TensorLike): Tensor {
  const x = asTensor(xl, 'diag');
  const n = x.size;
  const eye = new Float32Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return keepInt(reshape(mul(reshape(x, [n, 1]), tensor(eye, [n, n])), [...x.shape, ...x.shape]), x);
}

/**
 * Coordinate grids of two vectors (tfjs `meshgrid`): with 'xy' indexing (the default) both of
 * shape [y.length, x.length], x varying along the rows; with 'ij', [x.length, y.length].
 */
export function meshgrid(xl: TensorLike, yl?: TensorLike, options: { indexing?: 'xy' | 'ij' } = {}): Tensor[] {
  const x = reshape(asTensor(xl, 'meshgrid'), [-1]);
  const y = reshape(yl === undefined ? x : asTensor(yl, 'meshgrid'), [-1]);
  const indexing = options.indexing ?? 'xy';
  if (indexing !== 'xy' && indexing !== 'ij') throw new Error(`meshgrid: indexing must be 'xy' or 'ij', got ${JSON.stringify(indexing)}`);
  const [nx, ny] = [x.size, y.size];
  if (indexing === 'xy') return [keepInt(mul(reshape(x, [1, nx]), fill([ny, 1], 1)), x), keepInt(mul(reshape(y, [ny, 1]), fill([1, nx], 1)), y)];
  return [keepInt(mul(reshape(x, [nx, 1]), fill([1, ny], 1)), x), keepInt(mul(reshape(y, [1, ny]), fill([nx, 1], 1)), y)];
}

/**
 * Sums of x's rows by segment (tfjs `unsortedSegmentSum`): out[s] = Σ x[i] over the i with
 * segmentIds[i] = s, for s < numSegments. A product with the ids' one-hot matrix, so it is
 * differentiable in x.
 */
export function unsortedSegmentSum(xl: TensorLike, segmentIds: Tensor | ArrayLike<number>, numSegments: number): Tensor {
  const x = asTensor(xl, 'unsortedSegmentSum');
  if (x.rank === 0) throw new Error('unsortedSegmentSum: expected a tensor of rank ≥ 1, got a scalar');
  const ids = segmentIds instanceof Tensor ? segmentIds : tensor(Array.from(segmentIds));
  if (ids.rank !== 1 || ids.shape[0] !== x.shape[0]) throw new Error(`unsortedSegmentSum: segmentIds must be a vector of ${x.shape[0]} ids (one per row of x), got shape ${fmt(ids.shape)}`);
  const n = x.shape[0]!;
  const rows = reshape(x, [n, n === 0 ? 0 : x.size / n]);
  const summed = matmul(oneHot(ids, numSegments), rows, { transposeA: true });
  return keepInt(reshape(summed, [numSegments, ...x.shape.slice(1)]), x);
}

/**
 * Slices of x picked by index tuples (tfjs `gatherND`): indices [..., k] name positions in x's
 * first k axes; the result is [...indices.shape[:-1], ...x.shape[k:]]. A gather over x's rows
 * at the tuples' flat positions, so differentiable in x.
 */
export function gatherND(xl: TensorLike, indicesl: Tensor | number[] | number[][]): Tensor {
  const x = asTensor(xl, 'gatherND');
  const indices = indicesl instanceof Tensor ? indicesl : tensor(indicesl as number[][]);
  if (indices.rank === 0) throw new Error('gatherND: indices must have at least one axis (the index tuples along the last)');
  const k = indices.shape[indices.rank - 1]!;
  if (k > x.rank) throw new Error(`gatherND: index tuples of length ${k} for a tensor of rank ${x.rank} (shape ${fmt(x.shape)})`);
  const strides = x.shape.slice(0, k).map((_, i) => x.shape.slice(i + 1, k).reduce((p, d) => p * d, 1));
  const lead = indices.shape.slice(0, -1);
  const tuples = reshape(indices, [-1, k]);
  const flat = reshape(matmul(tuples, tensor(strides, [k, 1])), [-1]);
  const inner = x.shape.slice(k);
  const rowsOf = reshape(x, [x.shape.slice(0, k).reduce((p, d) => p * d, 1), inner.reduce((p, d) => p * d, 1)]);
  const picked = gather(rowsOf, flat, 0);
  picked.dtypeTag = x.dtypeTag;
  return reshape(picked, [...lead, ...inner]);
}

/** arcsin x = atan(x/√(1 − x²)), |x| ≤ 1 (±π/2 at ±1, NaN beyond). */
export function asin(x: TensorLike): Tensor {
  const t = asTensor(x, 'asin');
  return atan(div(t, sqrt(sub(1, square(t)))));
}

/** arccos x = π/2 − arcsin x. */
export function acos(x: TensorLike): Tensor {
  return sub(Math.PI / 2, asin(asTensor(x, 'acos')));
}

/**
 * The angle of the point (b, a) (tfjs `atan2(a, b)`, in (−π, π]): atan(a/b), moved by ±π when
 * b < 0, ±π/2 when b = 0. Its gradient is atan's, b/(a² + b²) and −a/(a² + b²), away from 0.
 */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  const at = asTensor(a, 'atan2');
  const bt = asTensor(b, 'atan2');
  const base = atan(div(at, where(equal(bt, 0), 1, bt)));
  const up = where(greaterEqual(at, 0), Math.PI, -Math.PI);
  const left = add(base, up);
  const vertical = mul(sign(at), Math.PI / 2);
  return where(greater(bt, 0), base, where(less(bt, 0), left, vertical));
}
