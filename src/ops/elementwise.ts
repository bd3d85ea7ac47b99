/**
 * Elementwise primitives, each a kernel plus its derivative written with ops, side by side.
 * Binary ops broadcast (NumPy rules); the autograd engine sums gradients back to each
 * input's shape, so the rules below return gradients of the output's shape.
 */
import { record } from '../autograd/engine.js';
import { emptyTensor, getContext } from '../context/context.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type TensorLike, asTensor, intOf, keepInt, runBinary, runUnary } from './primitive.js';
import type { BinaryOp, UnaryOp } from '../backends/backend.js';

type UnaryRule = (g: Tensor, x: Tensor, y: Tensor) => Tensor;
type BinaryRule = (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

/** The unary ops whose result of an int32 tensor is int32 in tfjs (the rest give float32). */
const KEEPS_INT = new Set<UnaryOp>(['neg', 'abs', 'sign', 'floor', 'ceil', 'round']);

function unaryOp(op: UnaryOp, rule: UnaryRule): (x: TensorLike) => Tensor {
  const keeps = KEEPS_INT.has(op);
  return (xl) => {
    const x = asTensor(xl, op);
    const y = runUnary(op, x);
    if (keeps && x.dtypeTag === 'int32') y.dtypeTag = 'int32';
    return record(y, op, [x], (g) => [rule(g, x, y)]);
  };
}

function binaryOp(op: BinaryOp, rule: BinaryRule): (a: TensorLike, b: TensorLike) => Tensor {
  return (al, bl) => {
    const a = asTensor(al, op);
    const b = asTensor(bl, op);
    const y = keepInt(runBinary(op, a, b), a, b);
    return record(y, op, [a, b], (g) => rule(g, a, b, y));
  };
}

/** Ops whose result is piecewise constant: no graph is recorded. */
/** A comparison: no gradient, and its 0/1 values read as tfjs's bool. */
function constantOp(op: BinaryOp): (a: TensorLike, b: TensorLike) => Tensor {
  return (a, b) => {
    const y = runBinary(op, asTensor(a, op), asTensor(b, op));
    y.dtypeTag = 'bool';
    return y;
  };
}

const zero = (): Tensor => asTensor(0);

// ---- binary -------------------------------------------------------------------------------
/** a + b, broadcast. d/da = 1, d/db = 1. */
export const add = binaryOp('add', (g) => [g, g]);
/** a − b, broadcast. d/da = 1, d/db = −1. */
export const sub = binaryOp('sub', (g) => [g, neg(g)]);
/** a · b elementwise, broadcast. d/da = b, d/db = a. */
export const mul = binaryOp('mul', (g, a, b) => [mul(g, b), mul(g, a)]);
/** a / b, broadcast. d/da = 1/b, d/db = −a/b² = −y/b. */
const realDiv = binaryOp('div', (g, _a, b, y) => [div(g, b), neg(mul(g, div(y, b)))]);
/** a / b, broadcast; of two int32 tensors, ⌊a / b⌋ (int32), as tfjs divides integers. */
export function div(al: TensorLike, bl: TensorLike): Tensor {
  const a = asTensor(al, 'div');
  const b = asTensor(bl, 'div');
  // realDiv of two int32 tensors is tagged int32, and floor keeps the tag.
  return intOf(a, b) ? floor(realDiv(a, b)) : realDiv(a, b);
}
/** aᵇ, broadcast. d/da = b·a^(b−1); d/db = aᵇ·ln a (taken as 0 where a ≤ 0). */
export const pow = binaryOp('pow', (g, a, b, y) => [
  a.requiresGrad ? mul(g, mul(b, pow(a, sub(b, 1)))) : null,
  b.requiresGrad ? where(greater(a, 0), mul(g, mul(y, log(a))), zero()) : null,
]);
/** Elementwise larger value; on ties the gradient goes to `a`. NaN propagates. */
export const maximum = binaryOp('maximum', (g, a, b) => {
  const m = greaterEqual(a, b);
  return [where(m, g, zero()), where(m, zero(), g)];
});
/** Elementwise smaller value; on ties the gradient goes to `a`. NaN propagates. */
export const minimum = binaryOp('minimum', (g, a, b) => {
  const m = lessEqual(a, b);
  return [where(m, g, zero()), where(m, zero(), g)];
});

// ---- comparisons (1 where true, 0 where false; no gradient) -------------------------------
export const greater = constantOp('greater');
export const greaterEqual = constantOp('greaterEqual');
export const less = constantOp('less');
export const lessEqual = constantOp('lessEqual');
export const equal = constantOp('equal');
export const notEqual = constantOp('notEqual');

/**
 * Picks `a` where `cond` is non-zero and `b` elsewhere; all three broadcast.
 * The gradient flows to the branch that was picked, and none to `cond`.
 */
export function where(condl: TensorLike, al: TensorLike, bl: TensorLike): Tensor {
  const cond = asTensor(condl, 'where');
  const a = asTensor(al, 'where');
  const b = asTensor(bl, 'where');
  const shape = broadcastShapes('where', cond.shape, a.shape, b.shape);
  const y = emptyTensor(shape);
  getContext().backend.kernels.where(cond.values, cond.shape, a.values, a.shape, b.values, b.shape, y.values, shape);
  keepInt(y, a, b);
  return record(y, 'where', [cond, a, b], (g) => [null, where(cond, g, zero()), where(cond, zero(), g)]);
}

// ---- unary --------------------------------------------------------------------------------
/** −x. */
export const neg = unaryOp('neg', (g) => neg(g));
/** eˣ. d/dx = eˣ = y. */
export const exp = unaryOp('exp', (g, _x, y) => mul(g, y));
/** ln x. d/dx = 1/x. */
export const log = unaryOp('log', (g, x) => div(g, x));
/** √x. d/dx = 1/(2√x) = 1/(2y). */
export const sqrt = unaryOp('sqrt', (g, _x, y) => div(g, mul(y, 2)));
/** |x|. d/dx = sign(x) (0 at 0). */
export const abs = unaryOp('abs', (g, x) => mul(g, sign(x)));
/** −1, 0 or 1. Zero gradient. */
export const sign = unaryOp('sign', (g) => emptyTensor(g.shape));
/** Heaviside step: 1 where x > 0, else 0 (the notes' perceptron activation). Zero gradient. */
export const step = unaryOp('step', (g) => emptyTensor(g.shape));
/**
 * Logistic σ(x) = 1/(1 + e⁻ˣ), computed without overflow. d/dx = σ(x)(1 − σ(x)) = y(1 − y).
 * A primitive (not exp-composed) so that σ(±100) and its gradient stay finite.
 */
export const sigmoid = unaryOp('sigmoid', (g, _x, y) => mul(g, mul(y, sub(1, y))));
/** tanh x. d/dx = 1 − tanh²x = 1 − y². */
export const tanh = unaryOp('tanh', (g, _x, y) => mul(g, sub(1, mul(y, y))));
/** softplus(x) = ln(1 + eˣ), stable for large |x|. d/dx = σ(x). A primitive so softplus′(0) = ½ exactly. */
export const softplus = unaryOp('softplus', (g, x) => mul(g, sigmoid(x)));
/** Gauss error function. d/dx = 2/√π · e^(−x²). */
export const erf = unaryOp('erf', (g, x) => mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))));
/** ⌊x⌋. Zero gradient. */
export const floor = unaryOp('floor', (g) => emptyTensor(g.shape));
/** ⌈x⌉. Zero gradient. */
export const ceil = unaryOp('ceil', (g) => emptyTensor(g.shape));
/** The nearest integer, halves to even (as TensorFlow). Zero gradient. */
export const round = unaryOp('round', (g) => emptyTensor(g.shape));
/** sin x. d/dx = cos x. */
export const sin = unaryOp('sin', (g, x) => mul(g, cos(x)));
/** cos x. d/dx = −sin x. */
export const cos = unaryOp('cos', (g, x) => neg(mul(g, sin(x))));
/** arctan x. d/dx = 1/(1 + x²). */
export const atan = unaryOp('atan', (g, x) => div(g, add(mul(x, x), 1)));

// ---- composites (no backward of their own) ------------------------------------------------
/** x². */
export function square(x: TensorLike): Tensor {
  const t = asTensor(x, 'square');
  return mul(t, t);
}

/** 1/x. */
export function reciprocal(x: TensorLike): Tensor {
  return div(1, x);
}

/** Limits values to [lo, hi] (`clipByValue` in tfjs). Gradient 1 inside, 0 outside. */
export function clip(x: TensorLike, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new Error(`clip: min (${lo}) must not exceed max (${hi})`);
  const t = asTensor(x, 'clip');
  return keepInt(minimum(maximum(t, lo), hi), t);
}
