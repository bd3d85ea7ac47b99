/**
 * More of tfjs's op surface, composed from the primitives (so each has its gradient from
 * theirs): the dropout op, `linalg.bandPart`, `mirrorPad`, `depthToSpace`, `stridedSlice`, the
 * window functions and `frame` of `tf.signal`, `movingAverage`, `addN`, `scatterND`; and the
 * value-reading `setdiff1dAsync`, `inTopKAsync`, `searchSorted` and `bincount`, which run
 * eagerly (a recording stops at them).
 */
import { notTraceable } from '../context/context.js';
import { broadcastShapes, fmt } from '../tensor/shape.js';
import { seedOf } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { type RandomOptions, eye, fill, randomUniform, tensor } from './creation.js';
import { add, div, greaterEqual, mul, pow, sub } from './elementwise.js';
import { concat, gather, pad, reshape, slice, transpose } from './layout.js';
import { type TensorLike, asTensor } from './primitive.js';
import { unsortedSegmentSum } from './math.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { reverse } from './select.js';

/**
 * tfjs `dropout(x, rate, noiseShape, seed)`: each value kept with probability 1 − rate and
 * scaled by 1/(1 − rate), the mask broadcast over `noiseShape`'s 1s (inverted dropout).
 */
export function dropout(xl: TensorLike, rate: number, noiseShape?: readonly number[], seed?: number | string): Tensor {
  const x = asTensor(xl, 'dropout');
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return x;
  const shape = noiseShape ?? x.shape;
  if (shape.length !== x.rank || shape.some((d, i) => d !== 1 && d !== x.shape[i])) throw new Error(`dropout: noiseShape ${fmt(shape)} must match x's shape ${fmt(x.shape)} with 1s where the mask is shared`);
  const options: RandomOptions = seed === undefined ? {} : { seed: typeof seed === 'number' ? seed : seedOf(seed) };
  return mul(x, dropoutMask(randomUniform(shape, 0, 1, options), rate));
}

/** Inverted dropout's mask from uniform draws u: 1/(1 − rate) where u ≥ rate, else 0 (the dropout layers' and the op's). */
export function dropoutMask(u: Tensor, rate: number): Tensor {
  return div(greaterEqual(u, rate), 1 - rate);
}

export { bandPart, linalg } from './linalg.js';

/**
 * Padding by mirroring the edges (tfjs `mirrorPad`): 'reflect' leaves the edge out of the
 * mirror ([1, 2, 3] padded by 2 → [3, 2, 1, 2, 3, 2, 1]), 'symmetric' repeats it
 * ([2, 1, 1, 2, 3, 3, 2]). Slices and concatenations, so the gradient folds back onto the edges.
 */
export function mirrorPad(xl: TensorLike, paddings: ReadonlyArray<readonly [number, number]>, mode: 'reflect' | 'symmetric'): Tensor {
  let x = asTensor(xl, 'mirrorPad');
  if (mode !== 'reflect' && mode !== 'symmetric') throw new Error(`mirrorPad: mode must be 'reflect' or 'symmetric', got ${JSON.stringify(mode)}`);
  if (paddings.length !== x.rank) throw new Error(`mirrorPad: ${paddings.length} paddings for a tensor of rank ${x.rank}`);
  const shift = mode === 'reflect' ? 1 : 0;
  paddings.forEach(([before, after], axis) => {
    const d = x.shape[axis]!;
    if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0 || before > d - shift || after > d - shift) {
      throw new Error(`mirrorPad: padding [${before}, ${after}] on axis ${axis} of size ${d} must be whole numbers of at most ${d - shift} in '${mode}' mode`);
    }
    if (before === 0 && after === 0) return;
    const part = (start: number, size: number): Tensor => reverse(slice(x, x.shape.map((_, i) => (i === axis ? start : 0)), x.shape.map((s, i) => (i === axis ? size : s))), axis);
    const pieces: Tensor[] = [];
    if (before > 0) pieces.push(part(shift, before));
    pieces.push(x);
    if (after > 0) pieces.push(part(d - shift - after, after));
    x = concat(pieces, axis);
  });
  return x;
}

/**
 * Blocks of depth moved into space (tfjs `depthToSpace`, NHWC): [b, h, w, c·s²] → [b, h·s, w·s, c],
 * each pixel's channels read as an s×s block, row by row.
 */
export function depthToSpace(xl: TensorLike, blockSize: number, dataFormat: 'NHWC' = 'NHWC'): Tensor {
  const x = asTensor(xl, 'depthToSpace');
  if (dataFormat !== 'NHWC') throw new Error(`depthToSpace: only NHWC is supported, got ${dataFormat}`);
  if (x.rank !== 4) throw new Error(`depthToSpace: expected a 4-D tensor [batch, height, width, channels], got shape ${fmt(x.shape)}`);
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const s = blockSize;
  if (!Number.isInteger(s) || s < 2 || c % (s * s) !== 0) throw new Error(`depthToSpace: blockSize must be an integer ≥ 2 whose square divides the channels (${c}), got ${blockSize}`);
  const out = c / (s * s);
  return reshape(transpose(reshape(x, [b, h, w, s, s, out]), [0, 1, 3, 2, 4, 5]), [b, h * s, w * s, out]);
}

/**
 * Every `strides[i]`-th entry from begin to end along each axis (tfjs `stridedSlice` with its
 * beginMask, endMask and shrinkAxisMask; negative positions count from the end; positive
 * strides). A gather per axis, so differentiable.
 */
export function stridedSlice(xl: TensorLike, begin: readonly number[], end: readonly number[], strides?: readonly number[], beginMask = 0, endMask = 0, ellipsisMask = 0, newAxisMask = 0, shrinkAxisMask = 0): Tensor {
  let x = asTensor(xl, 'stridedSlice');
  if (ellipsisMask !== 0 || newAxisMask !== 0) throw new Error('stridedSlice: ellipsisMask and newAxisMask are not supported');
  const kept: number[] = [];
  for (let axis = 0; axis < x.rank; axis++) {
    const d = x.shape[axis]!;
    const step = strides?.[axis] ?? 1;
    if (!Number.isInteger(step) || step < 1) throw new Error(`stridedSlice: strides must be positive integers, got ${step} on axis ${axis}`);
    const at = (v: number | undefined, fallback: number): number => (v === undefined ? fallback : Math.min(d, Math.max(0, v < 0 ? v + d : v)));
    const lo = (beginMask >> axis) & 1 ? 0 : at(begin[axis], 0);
    const shrink = ((shrinkAxisMask >> axis) & 1) === 1;
    const hi = shrink ? lo + 1 : (endMask >> axis) & 1 ? d : at(end[axis], d);
    const picked: number[] = [];
    for (let i = lo; i < hi; i += step) picked.push(i);
    if (!(picked.length === hi - lo && step === 1 && lo === 0 && hi === d)) x = gather(x, picked, axis);
    if (!shrink) kept.push(x.shape[axis]!);
  }
  return reshape(x, kept);
}

/** tfjs `signal.hannWindow(n)`: 0.5 − 0.5·cos(2πk/(n − 1)), periodic as tfjs makes it (denominator n). */
export function hannWindow(n: number): Tensor {
  return cosineWindow(n, 0.5, 0.5, 'hannWindow');
}

/** tfjs `signal.hammingWindow(n)`: 0.54 − 0.46·cos(2πk/n). */
export function hammingWindow(n: number): Tensor {
  return cosineWindow(n, 0.54, 0.46, 'hammingWindow');
}

function cosineWindow(n: number, a: number, b: number, op: string): Tensor {
  if (!Number.isInteger(n) || n < 1) throw new Error(`signal.${op}: the length must be a positive integer, got ${n}`);
  // tfjs's windows are periodic: the denominator is n (with n even) as TensorFlow's.
  const even = n % 2 === 0 ? n : n - 1;
  return tensor(Float32Array.from({ length: n }, (_, k) => (n === 1 ? 1 : a - b * Math.cos((2 * Math.PI * k) / even))), [n]);
}

/**
 * Frames of a signal (tfjs `signal.frame(signal, frameLength, frameStep, padEnd, padValue)`):
 * [frames, frameLength] windows every frameStep samples; with padEnd, the last frames filled
 * with padValue past the end.
 */
export function frame(signall: TensorLike, frameLength: number, frameStep: number, padEnd = false, padValue = 0): Tensor {
  const x = asTensor(signall, 'signal.frame');
  if (x.rank !== 1) throw new Error(`signal.frame: expected a 1-D signal, got shape ${fmt(x.shape)}`);
  if (!Number.isInteger(frameLength) || frameLength < 1 || !Number.isInteger(frameStep) || frameStep < 1) throw new Error(`signal.frame: frameLength and frameStep must be positive integers, got ${frameLength} and ${frameStep}`);
  const n = x.size;
  const count = padEnd ? Math.ceil(n / frameStep) : n < frameLength ? 0 : Math.floor((n - frameLength) / frameStep) + 1;
  const need = (count - 1) * frameStep + frameLength;
  const padded = padEnd && need > n ? concat([x, tensor(new Float32Array(need - n).fill(padValue), [need - n])], 0) : x;
  const idx: number[] = [];
  for (let f = 0; f < count; f++) for (let j = 0; j < frameLength; j++) idx.push(f * frameStep + j);
  return reshape(gather(padded, idx, 0), [count, frameLength]);
}

/** tfjs `cosineWindow(windowLength, a, b)`: a − b·cos(2πk/N), the periodic window behind hann (0.5, 0.5) and hamming (0.54, 0.46). */
export function cosineWindowOf(windowLength: number, a: number, b: number): Tensor {
  return cosineWindow(windowLength, a, b, 'cosineWindow');
}

export const signal = { hannWindow, hammingWindow, frame };

/**
 * tfjs `movingAverage(v, x, decay, step, zeroDebias)`: v + (x − v)·(1 − decay), the update
 * divided by 1 − decay^step when zeroDebias (the default, which needs the step).
 */
export function movingAverage(vl: TensorLike, xl: TensorLike, decay: number, step?: number, zeroDebias = true): Tensor {
  const v = asTensor(vl, 'movingAverage');
  let update = mul(sub(asTensor(xl, 'movingAverage'), v), 1 - decay);
  if (zeroDebias) {
    if (step === undefined) throw new Error('movingAverage: zeroDebias (the default) needs the step; give it, or zeroDebias: false');
    update = div(update, 1 - decay ** step);
  }
  return add(v, update);
}

/** tfjs `setdiff1dAsync(x, y)`: x's values not in y, in x's order, and their positions in x (int32). */
export async function setdiff1dAsync(xl: TensorLike, yl: TensorLike): Promise<[Tensor, Tensor]> {
  const x = asTensor(xl, 'setdiff1dAsync');
  const y = asTensor(yl, 'setdiff1dAsync');
  if (x.rank !== 1 || y.rank !== 1) throw new Error(`setdiff1dAsync: expected two 1-D tensors, got shapes ${fmt(x.shape)} and ${fmt(y.shape)}`);
  notTraceable('setdiff1dAsync (values chosen from values)');
  const drop = new Set(y.values);
  const at: number[] = [];
  for (let i = 0; i < x.size; i++) if (!drop.has(x.values[i]!)) at.push(i);
  const values = gather(x, at, 0);
  values.dtypeTag = x.dtypeTag;
  const indices = tensor(at, [at.length]);
  indices.dtypeTag = 'int32';
  return [values, indices];
}

/** tfjs `inTopKAsync(predictions, targets, k)`: whether each row's target class is among its k largest (a bool vector). */
export async function inTopKAsync(predictionsl: TensorLike, targetsl: TensorLike, k = 1): Promise<Tensor> {
  const p = asTensor(predictionsl, 'inTopKAsync');
  const t = asTensor(targetsl, 'inTopKAsync');
  if (p.rank !== 2 || t.rank !== 1 || t.shape[0] !== p.shape[0]) throw new Error(`inTopKAsync: expected predictions [batch, classes] and targets [batch], got shapes ${fmt(p.shape)} and ${fmt(t.shape)}`);
  const [rows, classes] = p.shape as [number, number];
  if (!Number.isInteger(k) || k < 1 || k > classes) throw new Error(`inTopKAsync: k must be an integer in [1, ${classes}], got ${k}`);
  notTraceable('inTopKAsync (computed from values)');
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const target = t.values[r]!;
    const v = p.values[r * classes + target]!;
    let above = 0;
    for (let c = 0; c < classes; c++) if (p.values[r * classes + c]! > v) above++;
    out[r] = above < k ? 1 : 0;
  }
  const y = tensor(out, [rows]);
  y.dtypeTag = 'bool';
  return y;
}

/** tfjs `rand(shape, randFunction)`: a tensor filled by calling `randFunction` for each value. */
export function rand(shape: readonly number[], randFunction: () => number): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  if (typeof randFunction !== 'function') throw new Error('rand: randFunction must be a function giving one value per call');
  return new Tensor(Float32Array.from({ length: n }, () => randFunction()), shape);
}

/** Σ of a list of tensors of one shape (tfjs `addN`). */
export function addN(list: readonly TensorLike[]): Tensor {
  if (!Array.isArray(list) || list.length === 0) throw new Error('addN: expected a non-empty list of tensors');
  const ts = list.map((t) => asTensor(t, 'addN'));
  const bad = ts.find((t) => t.shape.length !== ts[0]!.shape.length || t.shape.some((d, i) => d !== ts[0]!.shape[i]));
  if (bad !== undefined) throw new Error(`addN: the tensors must have one shape, got ${fmt(ts[0]!.shape)} and ${fmt(bad.shape)}`);
  return ts.slice(1).reduce((s, t) => add(s, t), ts[0]!);
}

/** tfjs `ensureShape(x, shape)`: x itself when its shape matches (null matches any size), else an error. */
export function ensureShape(xl: TensorLike, shape: ReadonlyArray<number | null>): Tensor {
  const x = asTensor(xl, 'ensureShape');
  if (shape.length !== x.rank || shape.some((d, i) => d !== null && d !== x.shape[i])) {
    throw new Error(`ensureShape: the shape of the tensor ${fmt(x.shape)} does not match the expected shape [${shape.map((d) => (d === null ? 'null' : d)).join(',')}]`);
  }
  return x;
}

/**
 * The flat row (over the first k axes of `shape`) of each index tuple, checked, and the update
 * rows those tuples take: the addressing scatterND and tensorScatterUpdate share.
 */
function tupleRows(op: string, indicesl: Tensor | number[] | number[][], updatesl: TensorLike, shape: readonly number[]): { rows: Float32Array; updates: Tensor; outer: number } {
  const indices = indicesl instanceof Tensor ? indicesl : tensor(indicesl as number[][]);
  const updates = asTensor(updatesl, op);
  if (indices.rank === 0) throw new Error(`${op}: indices must have at least one axis (the index tuples along the last)`);
  const k = indices.shape[indices.rank - 1]!;
  if (k > shape.length) throw new Error(`${op}: index tuples of length ${k} for a shape of rank ${shape.length}`);
  const tuples = indices.size / Math.max(1, k);
  const inner = shape.slice(k);
  const width = inner.reduce((p, d) => p * d, 1);
  if (updates.size !== tuples * width) throw new Error(`${op}: ${tuples} index tuples need updates of ${tuples} × ${fmt(inner)}, got shape ${fmt(updates.shape)}`);
  const rows = new Float32Array(tuples);
  for (let t = 0; t < tuples; t++) {
    let at = 0;
    for (let j = 0; j < k; j++) {
      const i = indices.values[t * k + j]!;
      if (!Number.isInteger(i) || i < 0 || i >= shape[j]!) throw new Error(`${op}: index ${i} of tuple ${t} is out of range [0, ${shape[j]}) on axis ${j}`);
      at = at * shape[j]! + i;
    }
    rows[t] = at;
  }
  return { rows, updates: reshape(updates, [tuples, width]), outer: shape.slice(0, k).reduce((p, d) => p * d, 1) };
}

/**
 * A tensor of `shape` with `updates` added at index tuples (tfjs `scatterND`: zeros elsewhere;
 * repeated tuples add up). A segment sum over the tuples' flat positions, so differentiable in
 * the updates.
 */
export function scatterND(indicesl: Tensor | number[] | number[][], updatesl: TensorLike, shape: readonly number[]): Tensor {
  const { rows, updates, outer } = tupleRows('scatterND', indicesl, updatesl, shape);
  return reshape(unsortedSegmentSum(updates, tensor(rows, [rows.length]), outer), shape);
}

/**
 * tfjs `tensorScatterUpdate(tensor, indices, updates)`: the tensor with the slices at the index
 * tuples replaced by the updates (a repeated tuple: the last one's, as tfjs writes them in
 * order). Composed as x·(1 − written) + scatter of the kept updates, so differentiable in both.
 */
export function tensorScatterUpdate(tensorl: TensorLike, indicesl: Tensor | number[] | number[][], updatesl: TensorLike): Tensor {
  const x = asTensor(tensorl, 'tensorScatterUpdate');
  const { rows, updates, outer } = tupleRows('tensorScatterUpdate', indicesl, updatesl, x.shape);
  const last = new Map<number, number>();
  rows.forEach((r, t) => last.set(r, t));
  const at = tensor(Float32Array.from(last.keys()), [last.size]);
  const width = updates.shape[1]!;
  const written = unsortedSegmentSum(tensor(new Float32Array(last.size * width).fill(1), [last.size, width]), at, outer);
  const kept = unsortedSegmentSum(gather(updates, Int32Array.from(last.values()), 0), at, outer);
  return reshape(add(mul(reshape(x, [outer, width]), sub(1, written)), kept), x.shape);
}

/**
 * tfjs `sparseToDense(sparseIndices, sparseValues, outputShape, defaultValue)`: a dense tensor of
 * defaultValue with sparseValues (one per index, or one for all) at sparseIndices ([n] for a
 * vector, [n, rank] otherwise; a repeated index: its last value). Differentiable in the values.
 */
export function sparseToDense(sparseIndicesl: Tensor | number[] | number[][], sparseValuesl: TensorLike, outputShape: readonly number[], defaultValue = 0): Tensor {
  const indices = sparseIndicesl instanceof Tensor ? sparseIndicesl : tensor(sparseIndicesl as number[][]);
  const values = asTensor(sparseValuesl, 'sparseToDense');
  const tuples = indices.rank <= 1 ? reshape(indices, [indices.size, 1]) : indices;
  const n = tuples.shape[0]!;
  if (values.size !== 1 && values.size !== n) throw new Error(`sparseToDense: sparseValues must be a scalar or one value per index (${n}), got shape ${fmt(values.shape)}`);
  const updates = values.size === 1 ? mul(fill([n], 1), reshape(values, [])) : reshape(values, [n]);
  return tensorScatterUpdate(fill(outputShape, defaultValue), tuples, updates);
}

/** tfjs `bitwiseAnd(x, y)`: the bitwise and of two int32 tensors of one shape. */
export function bitwiseAnd(xl: TensorLike, yl: TensorLike): Tensor {
  const [x, y] = [asTensor(xl, 'bitwiseAnd'), asTensor(yl, 'bitwiseAnd')];
  if (x.dtype !== 'int32' || y.dtype !== 'int32') throw new Error(`bitwiseAnd: both tensors must be int32, got ${x.dtype} and ${y.dtype}`);
  if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i])) throw new Error(`bitwiseAnd: the shapes must match, got ${fmt(x.shape)} and ${fmt(y.shape)}`);
  notTraceable('bitwiseAnd (computed on integer values)');
  const out = new Tensor(Float32Array.from(x.values, (v, i) => v & y.values[i]!), x.shape);
  out.dtypeTag = 'int32';
  return out;
}

/** tfjs `broadcastArgs(s0, s1)`: the shape two shapes (1-D int32 tensors) broadcast to, int32. */
export function broadcastArgs(s0l: TensorLike, s1l: TensorLike): Tensor {
  const [a, b] = [asTensor(s0l, 'broadcastArgs'), asTensor(s1l, 'broadcastArgs')];
  if (a.rank !== 1 || b.rank !== 1) throw new Error(`broadcastArgs: expected two shapes (1-D tensors), got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const shape = broadcastShapes('broadcastArgs', Array.from(a.values), Array.from(b.values));
  const out = tensor(shape, [shape.length]);
  out.dtypeTag = 'int32';
  return out;
}

/**
 * For each value, its insertion position in each sorted row of `sorted` (tfjs `searchSorted`:
 * 'left' the first position, 'right' the last; `lowerBound`, `upperBound`), int32.
 */
export function searchSorted(sortedl: TensorLike, valuesl: TensorLike, side: 'left' | 'right' = 'left'): Tensor {
  const sorted = asTensor(sortedl, 'searchSorted');
  const values = asTensor(valuesl, 'searchSorted');
  if (sorted.rank === 0 || values.rank === 0) throw new Error('searchSorted: expected tensors of rank ≥ 1');
  if (side !== 'left' && side !== 'right') throw new Error(`searchSorted: side must be 'left' or 'right', got ${JSON.stringify(side)}`);
  const n = sorted.shape[sorted.rank - 1]!;
  const rows = sorted.size / Math.max(1, n);
  const m = values.shape[values.rank - 1]!;
  if (values.size / Math.max(1, m) !== rows) throw new Error(`searchSorted: sorted has ${rows} rows and values ${values.size / Math.max(1, m)}; they must match`);
  notTraceable('searchSorted (positions found from values)');
  const out = new Float32Array(values.size);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < m; j++) {
      const v = values.values[r * m + j]!;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const s = sorted.values[r * n + mid]!;
        if (side === 'left' ? s < v : s <= v) lo = mid + 1;
        else hi = mid;
      }
      out[r * m + j] = lo;
    }
  }
  const y = new Tensor(out, values.shape);
  y.dtypeTag = 'int32';
  return y;
}

export const lowerBound = (sorted: TensorLike, values: TensorLike): Tensor => searchSorted(sorted, values, 'left');
export const upperBound = (sorted: TensorLike, values: TensorLike): Tensor => searchSorted(sorted, values, 'right');

/** A weight per value, or none: null, undefined or tfjs's `[]`. */
type Weights = TensorLike | readonly [] | null | undefined;

/** Counts (or summed weights) of each integer in [0, size) (tfjs `bincount(x, weights, size)`), x a vector. */
export function bincount(xl: TensorLike, weightsl: Weights, size: number): Tensor {
  const x = asTensor(xl, 'bincount');
  if (x.rank !== 1) throw new Error(`bincount: expected a 1-D tensor of integers, got shape ${fmt(x.shape)}`);
  return counted('bincount', x, weightsl, size, false);
}

/**
 * tfjs `denseBincount(x, weights, size, binaryOutput)`: bincount of a vector, or of each row of
 * a matrix ([rows, size] out); with binaryOutput, 1 where an integer occurs (weights unused).
 * Values ≥ size are not counted, as TensorFlow's.
 */
export function denseBincount(xl: TensorLike, weightsl: Weights, size: number, binaryOutput = false): Tensor {
  const x = asTensor(xl, 'denseBincount');
  if (x.rank !== 1 && x.rank !== 2) throw new Error(`denseBincount: expected a 1-D or 2-D tensor of integers, got shape ${fmt(x.shape)}`);
  return counted('denseBincount', x, weightsl, size, binaryOutput);
}

/** Each row of x (a vector is one row) counted into `size` bins: the one loop behind bincount and denseBincount. */
function counted(op: string, x: Tensor, weightsl: Weights, size: number, binary: boolean): Tensor {
  if (!Number.isInteger(size) || size < 0) throw new Error(`${op}: size must be an integer ≥ 0, got ${size}`);
  const w = weightsl === null || weightsl === undefined || (Array.isArray(weightsl) && weightsl.length === 0) ? null : asTensor(weightsl as TensorLike, op);
  const weighted = w !== null && w.size !== 0 && !binary;
  if (w !== null && w.size !== 0 && w.size !== x.size) throw new Error(`${op}: weights must have x's ${x.size} values (or none), got ${w.size}`);
  notTraceable(`${op} (counted from values)`);
  const rows = x.rank === 2 ? x.shape[0]! : 1;
  const len = x.rank === 2 ? x.shape[1]! : x.size;
  const out = new Float32Array(rows * size);
  for (let r = 0; r < rows; r++) {
    for (let i = r * len; i < (r + 1) * len; i++) {
      const v = x.values[i]!;
      if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: values must be integers ≥ 0, got ${v} at ${i}`);
      if (v >= size) continue;
      const o = r * size + v;
      out[o] = binary ? 1 : out[o]! + (weighted ? w.values[i]! : 1);
    }
  }
  const y = new Tensor(out, x.rank === 2 ? [rows, size] : [size]);
  if (!weighted) y.dtypeTag = x.dtypeTag === 'int32' ? 'int32' : undefined;
  return y;
}

/**
 * tfjs `math.confusionMatrix(labels, predictions, numClasses)`: [numClasses, numClasses] int32,
 * row = true class, column = predicted, each cell how many samples; the product of the two
 * one-hot matrices, so a class out of range is refused as a gather's index.
 */
function confusionMatrix(labelsL: TensorLike, predictionsL: TensorLike, numClasses: number): Tensor {
  const labels = asTensor(labelsL, 'math.confusionMatrix');
  const predictions = asTensor(predictionsL, 'math.confusionMatrix');
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`math.confusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
  if (labels.rank !== 1 || predictions.rank !== 1) throw new Error(`math.confusionMatrix: labels and predictions must be 1-D, got shapes ${fmt(labels.shape)} and ${fmt(predictions.shape)}`);
  if (labels.size !== predictions.size) throw new Error(`math.confusionMatrix: labels and predictions must be as long, got ${labels.size} and ${predictions.size}`);
  const id = eye(numClasses);
  const y = matmul(gather(id, labels), gather(id, predictions), { transposeA: true });
  y.dtypeTag = 'int32';
  return y;
}

export const math = { confusionMatrix };

/**
 * tfjs `localResponseNormalization(x, depthRadius, bias, alpha, beta)` over the last axis:
 * x / (bias + alpha·Σ x²)^beta, the sum over the 2·depthRadius + 1 channels around each.
 */
export function localResponseNormalization(xl: TensorLike, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5): Tensor {
  const x = asTensor(xl, 'localResponseNormalization');
  if (x.rank !== 4 && x.rank !== 3) throw new Error(`localResponseNormalization: expected a 3-D or 4-D tensor, got shape ${fmt(x.shape)}`);
  if (!Number.isInteger(depthRadius) || depthRadius < 0) throw new Error(`localResponseNormalization: depthRadius must be an integer ≥ 0, got ${depthRadius}`);
  const c = x.shape[x.rank - 1]!;
  const sq = mul(x, x);
  const padded = pad(sq, x.shape.map((_, i) => (i === x.rank - 1 ? [depthRadius, depthRadius] as const : [0, 0] as const)));
  let total: Tensor | null = null;
  for (let k = 0; k <= 2 * depthRadius; k++) {
    const part = slice(padded, x.shape.map((_, i) => (i === x.rank - 1 ? k : 0)), [...x.shape.slice(0, -1), c]);
    total = total === null ? part : add(total, part);
  }
  return div(x, pow(add(mul(total!, alpha), bias), beta));
}

/** The block shape and its paddings or crops checked against x's spatial axes. */
function blocks(op: string, x: Tensor, blockShape: readonly number[], sides: ReadonlyArray<readonly [number, number]>, what: string): number {
  const m = blockShape.length;
  if (m < 1 || x.rank < m + 1) throw new Error(`${op}: blockShape [${blockShape.join(', ')}] needs a tensor of rank ≥ ${m + 1}, got shape ${fmt(x.shape)}`);
  if (!blockShape.every((b) => Number.isInteger(b) && b >= 1)) throw new Error(`${op}: blockShape must be positive integers, got [${blockShape.join(', ')}]`);
  if (sides.length !== m || !sides.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))) throw new Error(`${op}: ${what} must be ${m} pairs of integers ≥ 0, got ${JSON.stringify(sides)}`);
  return m;
}

/**
 * tfjs `spaceToBatchND(x, blockShape, paddings)`: the spatial axes (1 … M) padded, cut into
 * blocks, and the blocks moved to the batch axis: [b, h, w, c] → [b·bh·bw, h'/bh, w'/bw, c].
 */
export function spaceToBatchND(xl: TensorLike, blockShape: readonly number[], paddings: ReadonlyArray<readonly [number, number]>): Tensor {
  const x = asTensor(xl, 'spaceToBatchND');
  const m = blocks('spaceToBatchND', x, blockShape, paddings, 'paddings');
  const p = pad(x, x.shape.map((_, i) => (i >= 1 && i <= m ? paddings[i - 1]! : [0, 0] as const)));
  const spatial = p.shape.slice(1, m + 1);
  spatial.forEach((d, i) => {
    if (d % blockShape[i]! !== 0) throw new Error(`spaceToBatchND: padded spatial axis ${i + 1} (${d}) must be a multiple of its block size ${blockShape[i]}`);
  });
  const b = p.shape[0]!;
  const rest = p.shape.slice(m + 1);
  // [b, h/bh, bh, w/bw, bw, …rest] → [bh, bw, b, h/bh, w/bw, …rest].
  const split = [b, ...spatial.flatMap((d, i) => [d / blockShape[i]!, blockShape[i]!]), ...rest];
  const perm = [...blockShape.map((_, i) => 2 + 2 * i), 0, ...blockShape.map((_, i) => 1 + 2 * i), ...rest.map((_, i) => 1 + 2 * m + i)];
  return reshape(transpose(reshape(p, split), perm), [b * blockShape.reduce((q, v) => q * v, 1), ...spatial.map((d, i) => d / blockShape[i]!), ...rest]);
}

/** tfjs `batchToSpaceND(x, blockShape, crops)`: spaceToBatchND's inverse, then the crops taken off. */
export function batchToSpaceND(xl: TensorLike, blockShape: readonly number[], crops: ReadonlyArray<readonly [number, number]>): Tensor {
  const x = asTensor(xl, 'batchToSpaceND');
  const m = blocks('batchToSpaceND', x, blockShape, crops, 'crops');
  const prodBlock = blockShape.reduce((q, v) => q * v, 1);
  if (x.shape[0]! % prodBlock !== 0) throw new Error(`batchToSpaceND: the batch (${x.shape[0]}) must be a multiple of the block size product ${prodBlock}`);
  const b = x.shape[0]! / prodBlock;
  const spatial = x.shape.slice(1, m + 1);
  const rest = x.shape.slice(m + 1);
  // [bh, bw, b, h, w, …rest] → [b, h, bh, w, bw, …rest].
  const split = [...blockShape, b, ...spatial, ...rest];
  const perm = [m, ...spatial.flatMap((_, i) => [m + 1 + i, i]), ...rest.map((_, i) => 2 * m + 1 + i)];
  const full = reshape(transpose(reshape(x, split), perm), [b, ...spatial.map((d, i) => d * blockShape[i]!), ...rest]);
  return slice(full, full.shape.map((_, i) => (i >= 1 && i <= m ? crops[i - 1]![0] : 0)), full.shape.map((d, i) => (i >= 1 && i <= m ? d - crops[i - 1]![0] - crops[i - 1]![1] : -1)));
}

/**
 * tfjs `einsum(equation, ...tensors)` for one or two operands, each index at most once per
 * operand ('ij,jk->ik', 'bij,bjk->bik', 'ij->ji', 'i,i->'): indices summed where the output
 * leaves them out. Transposes, reshapes and one batched product, so differentiable.
 */
export function einsum(equation: string, ...operands: TensorLike[]): Tensor {
  const eq = equation.replace(/\s/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const terms = lhs.split(',');
  if (terms.length !== operands.length || terms.length < 1 || terms.length > 2) throw new Error(`einsum: '${equation}' names ${terms.length} operand${terms.length === 1 ? '' : 's'}, got ${operands.length} (one or two are supported)`);
  const counts = new Map<string, number>();
  for (const t of terms) for (const c of t) counts.set(c, (counts.get(c) ?? 0) + 1);
  const out = arrow < 0 ? [...counts.keys()].filter((c) => counts.get(c) === 1).sort().join('') : eq.slice(arrow + 2);
  const xs = operands.map((o) => asTensor(o, 'einsum'));
  terms.forEach((t, i) => {
    if (!/^[a-zA-Z]*$/.test(t) || new Set(t).size !== t.length) throw new Error(`einsum: operand ${i}'s indices '${t}' must be letters, each once`);
    if (t.length !== xs[i]!.rank) throw new Error(`einsum: operand ${i} has rank ${xs[i]!.rank} but '${t}' names ${t.length} axes`);
  });
  if (!/^[a-zA-Z]*$/.test(out) || new Set(out).size !== out.length || [...out].some((c) => !counts.has(c))) throw new Error(`einsum: the output '${out}' must be distinct letters of the inputs`);
  const size = new Map<string, number>();
  terms.forEach((t, i) => [...t].forEach((c, a) => {
    const d = xs[i]!.shape[a]!;
    if (size.has(c) && size.get(c) !== d) throw new Error(`einsum: index '${c}' is ${size.get(c)} in one place and ${d} in another`);
    size.set(c, d);
  }));
  // An index in one operand only and not in the output is summed out of it first.
  const own = (t: string, x: Tensor, other: string): [string, Tensor] => {
    const drop = [...t].map((c, a) => (!other.includes(c) && !out.includes(c) ? a : -1)).filter((a) => a >= 0);
    return drop.length === 0 ? [t, x] : [[...t].filter((_, a) => !drop.includes(a)).join(''), sum(x, drop)];
  };
  const dims = (s: string): number[] => [...s].map((c) => size.get(c)!);
  const arrange = (t: string, x: Tensor, order: string): Tensor => {
    const perm = [...order].map((c) => t.indexOf(c));
    return perm.every((p, i) => p === i) ? x : transpose(x, perm);
  };
  if (terms.length === 1) {
    const [t, x] = own(terms[0]!, xs[0]!, '');
    return reshape(arrange(t, x, out), dims(out));
  }
  const [ta, a] = own(terms[0]!, xs[0]!, terms[1]!);
  const [tb, b] = own(terms[1]!, xs[1]!, terms[0]!);
  const batch = [...ta].filter((c) => tb.includes(c) && out.includes(c)).join('');
  const contract = [...ta].filter((c) => tb.includes(c) && !out.includes(c)).join('');
  const freeA = [...ta].filter((c) => !tb.includes(c)).join('');
  const freeB = [...tb].filter((c) => !ta.includes(c)).join('');
  const n = (s: string): number => dims(s).reduce((p, d) => p * d, 1);
  // [batch, freeA, contract] · [batch, contract, freeB] → [batch, freeA, freeB].
  const A = reshape(arrange(ta, a, batch + freeA + contract), [n(batch), n(freeA), n(contract)]);
  const B = reshape(arrange(tb, b, batch + contract + freeB), [n(batch), n(contract), n(freeB)]);
  const got = batch + freeA + freeB;
  const y = reshape(matmul(A, B), dims(got));
  return reshape(arrange(got, y, out), dims(out));
}
