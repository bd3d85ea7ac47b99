/**
 * TensorFlow.js's spellings of ops whose neurite names or defaults differ: `matMul` with
 * positional transpose flags, `argMax`/`argMin` along axis 0 by default, `clipByValue`, `print`.
 */
import './tfjs-methods.js';
import type { Tensor } from '../tensor/tensor.js';
import { clip } from './elementwise.js';
import { matmul } from './matmul.js';
import { asTensor, type TensorLike } from './primitive.js';
import { argmax, argmin } from './reduce.js';

/** tfjs `tf.matMul(a, b, transposeA, transposeB)`. */
export function matMul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  return matmul(a, b, { transposeA, transposeB });
}

/** Index of the largest value along `axis`, 0 by default as in tfjs (neurite's `argmax` defaults to the last axis). */
export function argMax(x: TensorLike, axis = 0): Tensor {
  return argmax(x, axis);
}

/** Index of the smallest value along `axis` (default 0, as tfjs). */
export function argMin(x: TensorLike, axis = 0): Tensor {
  return argmin(x, axis);
}

/** tfjs's name for `clip`. */
export function clipByValue(x: TensorLike, min: number, max: number): Tensor {
  return clip(x, min, max);
}

/** Prints `x` (tfjs `tf.print`). */
export function print(x: TensorLike, verbose = false): void {
  asTensor(x, 'print').print(verbose);
}
