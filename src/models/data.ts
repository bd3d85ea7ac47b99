/** Input checks and batching helpers for fit/evaluate/predict. */
import type { Backend } from '../backends/backend.js';
import { getContext } from '../context/context.js';
import { gather } from '../ops/layout.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Σ v[i]·0 over [s, e): 0 when every value is finite. Four independent sums (not one chain of
 * dependent additions), over chunks, so V8 optimizes it as a function called many times rather
 * than as one long loop replaced mid-run (measured on MNIST: 33–42 ms against 52).
 */
function finiteProbe(v: Float32Array | Float64Array, s: number, e: number): number {
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  let i = s;
  for (; i + 4 <= e; i += 4) {
    p0 += v[i]! * 0;
    p1 += v[i + 1]! * 0;
    p2 += v[i + 2]! * 0;
    p3 += v[i + 3]! * 0;
  }
  for (; i < e; i++) p0 += v[i]! * 0;
  return p0 + p1 + p2 + p3;
}

/** Throws at the first NaN or infinite value, naming its row and column. */
export function checkFinite(t: Tensor, what: string, op: string): void {
  // One fast pass (the backend's, natively, where it has one; else v·0 summed, which is 0 for
  // finite v and NaN for NaN or ±∞). Only when it fails, look for where.
  const v = t.values;
  const native = getContext().backend.allFinite;
  if (native !== undefined && v.BYTES_PER_ELEMENT === 4) {
    if (native(v as Float32Array)) return;
  } else {
    let probe = 0;
    for (let s = 0; s < v.length; s += 16384) probe += finiteProbe(v, s, Math.min(v.length, s + 16384));
    if (probe === 0) return;
  }
  const width = t.rank <= 1 ? 1 : t.size / t.shape[0]!;
  for (let i = 0; i < t.size; i++) {
    const v = t.values[i]!;
    if (!Number.isFinite(v)) {
      throw new Error(`${op}: ${what} contains ${v} at row ${Math.floor(i / width)}, column ${i % width} (shape ${fmt(t.shape)})`);
    }
  }
}

export function checkSamples(op: string, x: Tensor, y: Tensor, xName = 'x', yName = 'y'): number {
  if (x.rank === 0 || y.rank === 0) throw new Error(`${op}: ${x.rank === 0 ? xName : yName} must have a sample axis, got a scalar`);
  const n = x.shape[0]!;
  if (y.shape[0] !== n) {
    throw new Error(`${op}: ${xName} has ${n} samples (shape ${fmt(x.shape)}) but ${yName} has ${y.shape[0]} (shape ${fmt(y.shape)})`);
  }
  return n;
}

/** Every input and target has the same number of samples; returns it. */
export function checkSampleLists(op: string, xs: readonly Tensor[], ys: readonly Tensor[], xName = 'x', yName = 'y'): number {
  const name = (base: string, list: readonly Tensor[], i: number): string => (list.length === 1 ? base : `${base}[${i}]`);
  for (const [i, y] of ys.entries()) checkSamples(op, xs[0]!, y, name(xName, xs, 0), name(yName, ys, i));
  for (let i = 1; i < xs.length; i++) checkSamples(op, xs[0]!, xs[i]!, name(xName, xs, 0), name(xName, xs, i));
  return xs[0]!.shape[0]!;
}

/** Rows [s, e) of each of `src` (n rows each) into the matching batch buffer of `dst`. */
export function fillRows(src: readonly Tensor[], dst: readonly Tensor[], s: number, e: number, n: number): void {
  src.forEach((t, i) => {
    const w = t.size / Math.max(1, n);
    dst[i]!.values.set(t.values.subarray(s * w, e * w));
  });
}

export function checkBatchSize(op: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`${op}: batchSize must be a positive integer, got ${batchSize}`);
}

/** Rows `[start, end)` of `order` gathered from `t` (a copy of just that batch). */
export function takeRows(t: Tensor, order: Int32Array, start: number, end: number): Tensor {
  return gather(t, order.subarray(start, end));
}

export function identityOrder(n: number): Int32Array {
  const o = new Int32Array(n);
  for (let i = 0; i < n; i++) o[i] = i;
  return o;
}

/**
 * Copies `width` values from src[o..] to dst[r..]. Plain loops, not set(subarray()): a subarray
 * is a new object per row. Four elements per iteration: V8 then copies MNIST's rows about 1.7
 * times as fast (measured).
 */
export function copyRow(src: Float32Array | Float64Array, o: number, dst: Float32Array | Float64Array, r: number, width: number): void {
  let j = 0;
  for (; j + 4 <= width; j += 4) {
    dst[r + j] = src[o + j]!;
    dst[r + j + 1] = src[o + j + 1]!;
    dst[r + j + 2] = src[o + j + 2]!;
    dst[r + j + 3] = src[o + j + 3]!;
  }
  for (; j < width; j++) dst[r + j] = src[o + j]!;
}

/** Below this many values a batch is gathered in JavaScript: a call into the native backend costs more. */
const NATIVE_GATHER_MIN = 256;

/**
 * Rows order[start..end) of src into dst, as gatherRows, by the backend's native copy where it
 * has one and the batch is large enough (an MNIST batch: a memcpy per row, where the loop below
 * converted value by value at ~3 ns each, a fifth of W2's epoch).
 */
export function gatherBatch(backend: Backend, src: Float32Array | Float64Array, width: number, dst: Float32Array | Float64Array, order: Int32Array, start: number, end: number): void {
  const native = backend.gatherRows;
  // Element widths, not instanceof (which allocated on V8's hot path, measured in the backends).
  if (native !== undefined && src.BYTES_PER_ELEMENT === 4 && dst.BYTES_PER_ELEMENT === 4 && (end - start) * width >= NATIVE_GATHER_MIN) native(src as Float32Array, width, dst as Float32Array, order, start, end);
  else gatherRows(src, width, dst, order, start, end);
}

/** Rows order[start..end) of src (rows of `width` values) into dst, packed from row 0. */
export function gatherRows(src: Float32Array | Float64Array, width: number, dst: Float32Array | Float64Array, order: Int32Array, start: number, end: number): void {
  // One value per row (labels, XOR's targets): no call per row.
  if (width === 1) for (let i = start, r = 0; i < end; i++, r++) dst[r] = src[order[i]!]!;
  else for (let i = start, r = 0; i < end; i++, r += width) copyRow(src, order[i]! * width, dst, r, width);
}
