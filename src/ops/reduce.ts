/**
 * Reductions over axes (all axes when none are given), with `keepDims`, plus argmax/argmin
 * and the stable logSumExp.
 */
import type { ReduceOp } from '../backends/backend.js';
import { record, setGraphOps } from '../autograd/engine.js';
import { emptyTensor, getContext, noGrad } from '../context/context.js';
import { normalizeAxes, normalizeAxis, reducedShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, equal, log, mul, exp, notEqual, sub, where } from './elementwise.js';
import { broadcastTo, reshape } from './layout.js';
import { type TensorLike, asTensor } from './primitive.js';

export type Axes = number | readonly number[];

function runReduce(op: ReduceOp, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  const y = emptyTensor(reducedShape(x.shape, axes, keepDims));
  getContext().backend.kernels[op](x.values, x.shape, axes, y.values);
  return y;
}

/**
 * Σ over `axes`. Gradient: g broadcast back over the reduced axes.
 * @example sum(tensor([[1, 2], [3, 4]]), 1) // [3, 7]
 */
export function sum(xl: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const x = asTensor(xl, 'sum');
  const ax = normalizeAxes(axes, x.rank, 'sum');
  const y = runReduce('sum', x, ax, keepDims);
  // tfjs sums integers and truth values to int32.
  if (x.dtypeTag !== undefined) y.dtypeTag = 'int32';
  const kept = reducedShape(x.shape, ax, true);
  return record(y, 'sum', [x], (g) => [broadcastTo(reshape(g, kept), x.shape)]);
}

/** Arithmetic mean over `axes`: sum / count. */
export function mean(xl: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const x = asTensor(xl, 'mean');
  const ax = normalizeAxes(axes, x.rank, 'mean');
  let count = 1;
  for (const a of ax) count *= x.shape[a]!;
  return div(sum(x, ax, keepDims), count);
}

function extreme(op: 'max' | 'min') {
  return (xl: TensorLike, axes?: Axes, keepDims = false): Tensor => {
    const x = asTensor(xl, op);
    const ax = normalizeAxes(axes, x.rank, op);
    const y = runReduce(op, x, ax, keepDims);
    y.dtypeTag = x.dtypeTag;
    const kept = reducedShape(x.shape, ax, true);
    // Ties share the gradient equally: g · [x = max] / #[x = max].
    return record(y, op, [x], (g) => {
      const mask = equal(x, reshape(y, kept));
      const count = sum(mask, ax, true);
      return [div(mul(reshape(g, kept), mask), count)];
    });
  };
}

/** Largest value over `axes` (NaN propagates). Ties share the gradient. */
export const max = extreme('max');
/** Smallest value over `axes` (NaN propagates). Ties share the gradient. */
export const min = extreme('min');

/** 1 where every value over `axes` is non-zero (tfjs `all`), as a bool tensor. */
export function all(xl: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const y = min(notEqual(asTensor(xl, 'all'), 0), axes, keepDims);
  y.dtypeTag = 'bool';
  return y;
}

/** 1 where some value over `axes` is non-zero (tfjs `any`), as a bool tensor. */
export function any(xl: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const y = max(notEqual(asTensor(xl, 'any'), 0), axes, keepDims);
  y.dtypeTag = 'bool';
  return y;
}

function argExtreme(op: 'argmax' | 'argmin') {
  return (xl: TensorLike, axis = -1): Tensor => {
    const x = asTensor(xl, op);
    if (x.rank === 0) throw new Error(`${op}: expected a tensor of rank ≥ 1, got a scalar`);
    const ax = normalizeAxis(axis, x.rank, op);
    const y = emptyTensor(x.shape.filter((_, i) => i !== ax));
    getContext().backend.kernels[op](x.values, x.shape, ax, y.values);
    y.dtypeTag = 'int32';
    return y;
  };
}

/** Index of the largest value along `axis` (default last), int32 (stored as float). No gradient. */
export const argmax = argExtreme('argmax');
/** Index of the smallest value along `axis` (default last). No gradient. */
export const argmin = argExtreme('argmin');

/**
 * log Σ exp(x) over `axes`, computed as m + log Σ exp(x − m) with m = max (held constant:
 * the identity holds for any m, so the gradient, softmax(x), is unaffected).
 */
export function logSumExp(xl: TensorLike, axes?: Axes, keepDims = false): Tensor {
  const x = asTensor(xl, 'logSumExp');
  const ax = normalizeAxes(axes, x.rank, 'logSumExp');
  const m = noGrad(() => {
    const raw = max(x, ax, true);
    // An all-(−∞) or infinite slice would give ∞ − ∞; shift by 0 there instead.
    return where(equal(sub(raw, raw), 0), raw, 0);
  });
  const out = add(log(sum(exp(sub(x, m)), ax, true)), m);
  return keepDims ? out : reshape(out, reducedShape(x.shape, ax, false));
}

/** `g` summed over the axes broadcasting added to reach `shape` (the engine's sumToShape, differentiable). */
function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes, true), shape);
}

setGraphOps({ add: (a, b) => add(a, b), sumTo });
