/**
 * TensorFlow.js's spellings of ops whose neurite names or defaults differ: `matMul` with
 * positional transpose flags, `argMax`/`argMin` along axis 0 by default, `clipByValue`, `print`,
 * the ranked aliases (`concat2d`, `slice1d`, …), tfjs's random signatures.
 */
import './tfjs-methods.js';
import type { Tensor } from '../tensor/tensor.js';
import { clip, floor } from './elementwise.js';
import { matmul } from './matmul.js';
import { asTensor, type TensorLike } from './primitive.js';
import { concat, pad, slice } from './layout.js';
import { reverse } from './select.js';
import { type TfjsDType, randomNormal, randomUniform } from './creation.js';
import { fmt, type Shape } from '../tensor/shape.js';
import { seedOf } from '../tensor/random.js';
import { batchNorm } from './math.js';
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

/** tfjs's ranked aliases: the op itself, checking the rank it names. */
function ranked<A extends unknown[]>(name: string, rank: number, op: (x: Tensor, ...rest: A) => Tensor): (x: TensorLike, ...rest: A) => Tensor {
  return (xl, ...rest) => {
    const x = asTensor(xl, name);
    if (x.rank !== rank) throw new Error(`${name}: expected a tensor of rank ${rank}, got shape ${fmt(x.shape)}`);
    return op(x, ...rest);
  };
}
export const slice1d = ranked('slice1d', 1, (x, begin: number, size: number) => slice(x, [begin], [size]));
export const slice2d = ranked('slice2d', 2, (x, begin: number[], size: number[]) => slice(x, begin, size));
export const slice3d = ranked('slice3d', 3, (x, begin: number[], size: number[]) => slice(x, begin, size));
export const slice4d = ranked('slice4d', 4, (x, begin: number[], size: number[]) => slice(x, begin, size));
export const reverse1d = ranked('reverse1d', 1, (x) => reverse(x));
export const reverse2d = ranked('reverse2d', 2, (x, axis?: number | number[]) => reverse(x, axis));
export const reverse3d = ranked('reverse3d', 3, (x, axis?: number | number[]) => reverse(x, axis));
export const reverse4d = ranked('reverse4d', 4, (x, axis?: number | number[]) => reverse(x, axis));
export const pad1d = ranked('pad1d', 1, (x, paddings: [number, number], value?: number) => pad(x, [paddings], value ?? 0));
export const pad2d = ranked('pad2d', 2, (x, paddings: Array<[number, number]>, value?: number) => pad(x, paddings, value ?? 0));
export const pad3d = ranked('pad3d', 3, (x, paddings: Array<[number, number]>, value?: number) => pad(x, paddings, value ?? 0));
export const pad4d = ranked('pad4d', 4, (x, paddings: Array<[number, number]>, value?: number) => pad(x, paddings, value ?? 0));

/** tfjs's concat1d … concat4d: tensors of that rank joined along `axis`. */
function rankedConcat(name: string, rank: number) {
  return (xs: TensorLike[], axis = 0): Tensor => {
    const ts = xs.map((x) => asTensor(x, name));
    const bad = ts.find((t) => t.rank !== rank);
    if (bad !== undefined) throw new Error(`${name}: expected tensors of rank ${rank}, got shape ${fmt(bad.shape)}`);
    return concat(ts, axis);
  };
}
export const concat1d = rankedConcat('concat1d', 1);
export const concat2d = rankedConcat('concat2d', 2);
export const concat3d = rankedConcat('concat3d', 3);
export const concat4d = rankedConcat('concat4d', 4);

/** N(0, 1) draws (tfjs `randomStandardNormal(shape, dtype, seed)`). */
export function randomStandardNormal(shape: Shape, dtype?: TfjsDType, seed?: number): Tensor {
  return randomNormal(shape, 0, 1, dtype, seed);
}

/** Integers uniform in [minval, maxval) (tfjs `randomUniformInt`), int32. */
export function randomUniformInt(shape: Shape, minval: number, maxval: number, options: { seed?: number | string } = {}): Tensor {
  if (!Number.isInteger(minval) || !Number.isInteger(maxval) || !(minval < maxval)) throw new Error(`randomUniformInt: minval and maxval must be integers with minval < maxval, got ${minval} and ${maxval}`);
  const seed = typeof options.seed === 'string' ? seedOf(options.seed) : options.seed;
  const t = floor(randomUniform(shape, minval, maxval, seed === undefined ? {} : { seed }));
  t.dtypeTag = 'int32';
  return t;
}

/** tfjs `clone(x)`: a copy of x (its own storage; the gradient passes through). */
export function clone(x: TensorLike): Tensor {
  return asTensor(x, 'clone').clone();
}

/** tfjs's batchNorm2d … batchNorm4d: `batchNorm` on an input of that rank. */
function rankedBatchNorm(name: string, rank: number) {
  return (x: TensorLike, mean: TensorLike, variance: TensorLike, offset?: TensorLike, scale?: TensorLike, varianceEpsilon?: number): Tensor => {
    const t = asTensor(x, name);
    if (t.rank !== rank) throw new Error(`${name}: expected a tensor of rank ${rank}, got shape ${fmt(t.shape)}`);
    return batchNorm(t, mean, variance, offset, scale, varianceEpsilon);
  };
}
export const batchNorm2d = rankedBatchNorm('batchNorm2d', 2);
export const batchNorm3d = rankedBatchNorm('batchNorm3d', 3);
export const batchNorm4d = rankedBatchNorm('batchNorm4d', 4);
