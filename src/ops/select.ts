/**
 * Selecting and rearranging, composed from gather, slice and concat (so gradients flow where
 * values are picked): topk, split, tile, reverse, and tfjs's mask ops. The indices these choose
 * are computed from values in plain code, so they run eagerly (a recording stops at them).
 */
import { notTraceable } from '../context/context.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { concat, gather, reshape, slice } from './layout.js';
import { tensor } from './creation.js';
import { type TensorLike, asTensor } from './primitive.js';

function axisOf(axis: number, rank: number, op: string): number {
  const ax = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= rank) throw new Error(`${op}: axis ${axis} is out of range for rank ${rank}`);
  return ax;
}

/**
 * The k largest values along the last axis and their indices (tfjs `tf.topk`), largest first
 * when `sorted` (the default); ties keep the lower index first. Gradients flow to the values picked.
 */
export function topk(xl: TensorLike, k = 1, sorted = true): { values: Tensor; indices: Tensor } {
  const x = asTensor(xl, 'topk');
  if (x.rank === 0) throw new Error('topk: expected a tensor of rank ≥ 1, got a scalar');
  const n = x.shape[x.rank - 1]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`topk: k must be an integer in [0, ${n}] (the last axis), got ${k}`);
  notTraceable('topk (indices chosen from values)');
  const rows = x.size / Math.max(1, n);
  const picked = new Int32Array(rows * k);
  const order = new Array<number>(n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) order[i] = i;
    const v = x.values;
    const o = r * n;
    order.sort((a, b) => (v[o + b]! - v[o + a]!) || a - b);
    const top = order.slice(0, k);
    if (!sorted) top.sort((a, b) => a - b);
    for (let j = 0; j < k; j++) picked[r * k + j] = top[j]!;
  }
  const flat = new Int32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) flat[r * k + j] = r * n + picked[r * k + j]!;
  const shape = [...x.shape.slice(0, -1), k];
  const indices = tensor(Float32Array.from(picked), shape);
  indices.dtypeTag = 'int32';
  return { values: reshape(gather(reshape(x, [-1]), flat), shape), indices };
}

/**
 * Splits along `axis` (default 0) into `numOrSizes` equal parts, or parts of the given sizes
 * (one may be −1: the rest).
 */
export function split(xl: TensorLike, numOrSizes: number | number[], axis = 0): Tensor[] {
  const x = asTensor(xl, 'split');
  const ax = axisOf(axis, x.rank, 'split');
  const n = x.shape[ax]!;
  let sizes: number[];
  if (typeof numOrSizes === 'number') {
    if (!Number.isInteger(numOrSizes) || numOrSizes < 1 || n % numOrSizes !== 0) throw new Error(`split: ${numOrSizes} parts do not divide axis ${ax} of size ${n} evenly`);
    sizes = Array.from({ length: numOrSizes }, () => n / numOrSizes);
  } else {
    sizes = [...numOrSizes];
    const rest = sizes.indexOf(-1);
    if (rest >= 0) sizes[rest] = n - sizes.reduce((s, d, i) => (i === rest ? s : s + d), 0);
    if (sizes.some((d) => !Number.isInteger(d) || d < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new Error(`split: sizes [${numOrSizes.join(', ')}] do not add up to axis ${ax} of size ${n}`);
    }
  }
  let at = 0;
  return sizes.map((d) => {
    const begin = x.shape.map((_, i) => (i === ax ? at : 0));
    const size = x.shape.map((s, i) => (i === ax ? d : s));
    at += d;
    return slice(x, begin, size);
  });
}

/** `x` repeated `reps[i]` times along each axis i (tfjs `tf.tile`). */
export function tile(xl: TensorLike, reps: readonly number[]): Tensor {
  const x = asTensor(xl, 'tile');
  if (reps.length !== x.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new Error(`tile: reps must give a non-negative integer for each of the ${x.rank} axes of ${fmt(x.shape)}, got [${reps.join(', ')}]`);
  }
  let y = x;
  reps.forEach((r, ax) => {
    if (r !== 1) y = r === 0 ? slice(y, y.shape.map(() => 0), y.shape.map((s, i) => (i === ax ? 0 : s))) : concat(Array.from({ length: r }, () => y), ax);
  });
  return y;
}

/** `x` with the order of `axes` reversed (tfjs `tf.reverse`; all axes by default). */
export function reverse(xl: TensorLike, axes?: number | readonly number[]): Tensor {
  const x = asTensor(xl, 'reverse');
  const list = axes === undefined ? [...x.shape.keys()] : typeof axes === 'number' ? [axes] : [...axes];
  let y = x;
  for (const a of list) {
    const ax = axisOf(a, x.rank, 'reverse');
    const n = x.shape[ax]!;
    y = gather(y, Int32Array.from({ length: n }, (_, i) => n - 1 - i), ax);
  }
  return y;
}

/** The coordinates of the non-zero entries, one row each ([count, rank]; tfjs `tf.whereAsync`). */
export async function whereAsync(conditionl: TensorLike): Promise<Tensor> {
  const c = asTensor(conditionl, 'whereAsync');
  const coords: number[] = [];
  let count = 0;
  for (let i = 0; i < c.size; i++) {
    if (c.values[i] === 0) continue;
    let rest = i;
    const at = new Array<number>(c.rank);
    for (let d = c.rank - 1; d >= 0; d--) {
      at[d] = rest % c.shape[d]!;
      rest = Math.floor(rest / c.shape[d]!);
    }
    coords.push(...at);
    count++;
  }
  const out = tensor(Float32Array.from(coords), [count, c.rank]);
  out.dtypeTag = 'int32';
  return out;
}

/** The entries (rows along `axis`) of `x` where `mask` is non-zero (tfjs `tf.booleanMaskAsync`). */
export async function booleanMaskAsync(xl: TensorLike, maskl: TensorLike, axis = 0): Promise<Tensor> {
  const x = asTensor(xl, 'booleanMaskAsync');
  const mask = asTensor(maskl, 'booleanMaskAsync');
  const ax = axisOf(axis, x.rank, 'booleanMaskAsync');
  const maskShape = x.shape.slice(ax, ax + mask.rank);
  if (mask.rank === 0 || mask.shape.some((d, i) => d !== maskShape[i])) {
    throw new Error(`booleanMaskAsync: the mask's shape ${fmt(mask.shape)} must match x's axes from ${ax} (${fmt(maskShape)})`);
  }
  const lead = x.shape.slice(0, ax);
  const flat = reshape(x, [...lead, mask.size, ...x.shape.slice(ax + mask.rank)]);
  const keep: number[] = [];
  for (let i = 0; i < mask.size; i++) if (mask.values[i] !== 0) keep.push(i);
  return gather(flat, Int32Array.from(keep), ax);
}

/**
 * The distinct values along axis 0 in order of first appearance, and for each input row the
 * index of its value (tfjs `unique`, axis 0; indices int32). Computed on values: it stops a
 * recording, as topk does.
 */
export function unique(xl: TensorLike): { values: Tensor; indices: Tensor } {
  const x = asTensor(xl, 'unique');
  if (x.rank === 0) throw new Error('unique: expected a tensor of rank ≥ 1, got a scalar');
  notTraceable('unique (values chosen from values)');
  const n = x.shape[0]!;
  const width = n === 0 ? 0 : x.size / n;
  const first = new Map<string, number>();
  const keep: number[] = [];
  const indices = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const key = Array.from(x.values.subarray(i * width, (i + 1) * width)).join(',');
    let k = first.get(key);
    if (k === undefined) {
      first.set(key, (k = keep.length));
      keep.push(i);
    }
    indices[i] = k;
  }
  const idx = tensor(indices, [n]);
  idx.dtypeTag = 'int32';
  const values = gather(x, keep, 0);
  values.dtypeTag = x.dtypeTag;
  return { values, indices: idx };
}
