/**
 * tfjs's `TensorBuffer` (`tf.buffer(shape)`): a mutable block of values with `set(value, ...loc)`
 * and `get(...loc)`, turned into a tensor with `toTensor()`.
 */
import { type Shape, checkShape, fmt, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

export class TensorBuffer {
  readonly shape: readonly number[];
  readonly size: number;
  /** Row-major strides of every axis but the last (tfjs's). */
  readonly strides: number[];
  readonly values: Float32Array;

  constructor(shape: Shape, readonly dtype: 'float32' | 'int32' | 'bool' = 'float32', values?: ArrayLike<number>) {
    checkShape(shape, 'buffer');
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    if (values !== undefined && values.length !== this.size) throw new Error(`buffer: shape ${fmt(shape)} needs ${this.size} values, got ${values.length}`);
    this.values = values === undefined ? new Float32Array(this.size) : Float32Array.from(values);
    this.strides = [];
    for (let i = shape.length - 2, s = 1; i >= 0; i--) this.strides.unshift((s *= shape[i + 1]!));
  }

  private offset(locs: readonly number[], op: string): number {
    if (locs.length !== this.shape.length) throw new Error(`TensorBuffer.${op}: expected ${this.shape.length} indices for shape ${fmt(this.shape)}, got ${locs.length}`);
    let off = 0;
    locs.forEach((l, i) => {
      if (!Number.isInteger(l) || l < 0 || l >= this.shape[i]!) throw new Error(`TensorBuffer.${op}: index ${l} on axis ${i} is out of range [0, ${this.shape[i]})`);
      off = off * this.shape[i]! + l;
    });
    return off;
  }

  /** Writes `value` at `locs` (one index per axis). */
  set(value: number, ...locs: number[]): void {
    this.values[this.offset(locs, 'set')] = this.dtype === 'bool' ? (value ? 1 : 0) : this.dtype === 'int32' ? Math.trunc(value) : value;
  }

  /** The value at `locs`. */
  get(...locs: number[]): number {
    return this.values[this.offset(locs, 'get')]!;
  }

  /** A tensor with a copy of the values. */
  toTensor(): Tensor {
    const t = new Tensor(this.values.slice(), this.shape);
    if (this.dtype !== 'float32') t.dtypeTag = this.dtype;
    return t;
  }
}

/** tfjs's `tf.buffer(shape, dtype?, values?)`. */
export function buffer(shape: Shape, dtype: 'float32' | 'int32' | 'bool' = 'float32', values?: ArrayLike<number>): TensorBuffer {
  return new TensorBuffer(shape, dtype, values);
}
