/**
 * Chainable op methods on Tensor, so `x.matmul(w).add(b).relu()` reads like the math.
 * Each forwards to the op function of the same name.
 */
import { Tensor } from '../tensor/tensor.js';
import * as act from './activations.js';
import * as ew from './elementwise.js';
import * as lay from './layout.js';
import { type MatmulOptions, matmul } from './matmul.js';
import type { TensorLike } from './primitive.js';
import * as red from './reduce.js';

type Axes = red.Axes;

declare module '../tensor/tensor.js' {
  interface Tensor {
    /**
     * The slices along the first axis, as PyTorch and NumPy iterate (`for (const row of x)`,
     * `const [loss, accuracy] = model.evaluate(x, y)`); a scalar has none and says so.
     */
    [Symbol.iterator](): Iterator<Tensor>;
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    greater(b: TensorLike): Tensor;
    greaterEqual(b: TensorLike): Tensor;
    less(b: TensorLike): Tensor;
    lessEqual(b: TensorLike): Tensor;
    equal(b: TensorLike): Tensor;
    notEqual(b: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    step(): Tensor;
    clip(min: number, max: number): Tensor;
    matmul(b: TensorLike, options?: MatmulOptions): Tensor;
    transpose(perm?: readonly number[]): Tensor;
    reshape(shape: readonly number[]): Tensor;
    flatten(): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axes?: readonly number[]): Tensor;
    slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor;
    gather(indices: Tensor | ArrayLike<number>, axis?: number): Tensor;
    sum(axes?: Axes, keepDims?: boolean): Tensor;
    mean(axes?: Axes, keepDims?: boolean): Tensor;
    max(axes?: Axes, keepDims?: boolean): Tensor;
    min(axes?: Axes, keepDims?: boolean): Tensor;
    argmax(axis?: number): Tensor;
    argmin(axis?: number): Tensor;
    logSumExp(axes?: Axes, keepDims?: boolean): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    elu(alpha?: number): Tensor;
    softplus(): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
  }
}

const p = Tensor.prototype;
p.add = function (b) { return ew.add(this, b); };
p.sub = function (b) { return ew.sub(this, b); };
p.mul = function (b) { return ew.mul(this, b); };
p.div = function (b) { return ew.div(this, b); };
p.pow = function (b) { return ew.pow(this, b); };
p.maximum = function (b) { return ew.maximum(this, b); };
p.minimum = function (b) { return ew.minimum(this, b); };
p.greater = function (b) { return ew.greater(this, b); };
p.greaterEqual = function (b) { return ew.greaterEqual(this, b); };
p.less = function (b) { return ew.less(this, b); };
p.lessEqual = function (b) { return ew.lessEqual(this, b); };
p.equal = function (b) { return ew.equal(this, b); };
p.notEqual = function (b) { return ew.notEqual(this, b); };
p.neg = function () { return ew.neg(this); };
p.exp = function () { return ew.exp(this); };
p.log = function () { return ew.log(this); };
p.sqrt = function () { return ew.sqrt(this); };
p.square = function () { return ew.square(this); };
p.abs = function () { return ew.abs(this); };
p.sign = function () { return ew.sign(this); };
p.step = function () { return ew.step(this); };
p.clip = function (min, max) { return ew.clip(this, min, max); };
p[Symbol.iterator] = function () {
  if (this.rank === 0) {
    throw new TypeError(`iteration over a scalar tensor (shape []): it has no rows. Read it with item(); a model's evaluate() returns one scalar when it has no metrics`);
  }
  return lay.unstack(this, 0)[Symbol.iterator]();
};
p.matmul = function (b, options) { return matmul(this, b, options); };
p.transpose = function (perm) { return lay.transpose(this, perm); };
p.reshape = function (shape) { return lay.reshape(this, shape); };
p.flatten = function () { return lay.flatten(this); };
p.expandDims = function (axis) { return lay.expandDims(this, axis); };
p.squeeze = function (axes) { return lay.squeeze(this, axes); };
p.slice = function (begin, size) { return lay.slice(this, begin, size); };
p.gather = function (indices, axis) { return lay.gather(this, indices, axis); };
p.sum = function (axes, keepDims) { return red.sum(this, axes, keepDims); };
p.mean = function (axes, keepDims) { return red.mean(this, axes, keepDims); };
p.max = function (axes, keepDims) { return red.max(this, axes, keepDims); };
p.min = function (axes, keepDims) { return red.min(this, axes, keepDims); };
p.argmax = function (axis) { return red.argmax(this, axis); };
p.argmin = function (axis) { return red.argmin(this, axis); };
p.logSumExp = function (axes, keepDims) { return red.logSumExp(this, axes, keepDims); };
p.sigmoid = function () { return ew.sigmoid(this); };
p.tanh = function () { return ew.tanh(this); };
p.relu = function () { return act.relu(this); };
p.leakyRelu = function (alpha) { return act.leakyRelu(this, alpha); };
p.elu = function (alpha) { return act.elu(this, alpha); };
p.softplus = function () { return ew.softplus(this); };
p.softmax = function (axis) { return act.softmax(this, axis); };
p.logSoftmax = function (axis) { return act.logSoftmax(this, axis); };
