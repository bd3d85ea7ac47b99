/**
 * Helpers for declaring primitives: run a kernel into a fresh output and convert numbers
 * to scalar tensors. A primitive = a kernel call + `record` with its backward rule.
 */
import type { BinaryOp, UnaryOp } from '../backends/backend.js';
import { emptyTensor, getContext } from '../context/context.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** A tensor, or a number standing for a scalar tensor. */
export type TensorLike = Tensor | number;

/** Numbers become scalar tensors in the current precision; tensors pass through. */
/**
 * tfjs's dtype rule for an op that keeps integers (add, mul, max, …): int32 when every input is
 * int32 or bool and one is int32 (tfjs's upcast), else float32. A number is float32, as tfjs
 * converts it. Values stay float32 here (exact to 2²⁴); only the tag follows tfjs.
 */
export function intOf(a: Tensor, b?: Tensor): boolean {
  // Fixed arguments, not a rest list: every elementwise op asks, and a list would be allocated each time.
  const ta = a.dtypeTag;
  const tb = b === undefined ? ta : b.dtypeTag;
  return ta !== undefined && tb !== undefined && (ta === 'int32' || tb === 'int32');
}

/** `y` tagged int32 when `intOf(a, b)`; returns `y`. */
export function keepInt(y: Tensor, a: Tensor, b?: Tensor): Tensor {
  if (intOf(a, b)) y.dtypeTag = 'int32';
  return y;
}

export function asTensor(x: TensorLike, op = 'op'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new Error(`${op}: expected a Tensor or a number, got ${describe(x)}`);
  const t = emptyTensor([]);
  t.values[0] = x;
  // An op's own temporary: tfjs disposes the scalars it makes from numbers, so memory() does not count it.
  t.dispose();
  return t;
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if ((x as { dtype?: unknown } | undefined)?.dtype === 'complex64') return 'a complex64 tensor (take tf.real, tf.imag or tf.abs of it first)';
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  return typeof x;
}

/** Runs a unary kernel into a new tensor of the same shape. */
export function runUnary(op: UnaryOp, x: Tensor): Tensor {
  const out = emptyTensor(x.shape);
  getContext().backend.kernels[op](x.values, out.values);
  return out;
}

/** Runs a broadcasting binary kernel into a new tensor of the broadcast shape. */
export function runBinary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = emptyTensor(shape);
  getContext().backend.kernels[op](a.values, a.shape, b.values, b.shape, out.values, shape);
  return out;
}
