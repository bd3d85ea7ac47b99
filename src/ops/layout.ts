/**
 * Ops that rearrange values: reshape, transpose, slice/pad, gather/scatterAdd, concat/stack,
 * broadcastTo and the axis helpers. Each primitive's backward is the inverse rearrangement.
 */
import { record, recordGroup } from '../autograd/engine.js';
import { emptyTensor, getContext } from '../context/context.js';
import { type Shape, broadcastShapes, checkShape, fmt, normalizeAxis, sameShape, sizeOf } from '../tensor/shape.js';
import { type Buf, Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from './elementwise.js';
import { type TensorLike, asTensor } from './primitive.js';

/**
 * Same values, new shape (one dimension may be −1 to infer it). Shares storage.
 * @example reshape(range(0, 6), [2, -1]) // shape [2, 3]
 */
export function reshape(xl: TensorLike, shape: readonly number[]): Tensor {
  const x = asTensor(xl, 'reshape');
  const target = [...shape];
  const unknown = target.indexOf(-1);
  if (unknown >= 0) {
    if (target.indexOf(-1, unknown + 1) >= 0) throw new Error(`reshape: only one dimension may be -1, got [${shape.join(', ')}]`);
    const known = sizeOf(target.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${x.size} values of shape ${fmt(x.shape)} into [${shape.join(', ')}]`);
    }
    target[unknown] = x.size / known;
  }
  checkShape(target, 'reshape');
  if (sizeOf(target) !== x.size) {
    throw new Error(`reshape: cannot reshape ${x.size} values of shape ${fmt(x.shape)} into ${fmt(target)} (${sizeOf(target)} values)`);
  }
  const y = new Tensor(x.values, target);
  y.dtypeTag = x.dtypeTag;
  return record(y, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Permutes axes (default: reverses them). out.shape[i] = x.shape[perm[i]]. */
export function transpose(xl: TensorLike, perm?: readonly number[]): Tensor {
  const x = asTensor(xl, 'transpose');
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const sorted = [...p].sort((a, b) => a - b);
  if (p.length !== x.rank || sorted.some((v, i) => v !== i)) {
    throw new Error(`transpose: perm [${p.join(', ')}] is not a permutation of the ${x.rank} axes of shape ${fmt(x.shape)}`);
  }
  const y = emptyTensor(p.map((a) => x.shape[a]!));
  getContext().backend.kernels.transpose(x.values, x.shape, p, y.values);
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  return record(y, 'transpose', [x], (g) => [transpose(g, inverse)]);
}

/**
 * A block of `x`: `size[i]` elements from `begin[i]` on each axis (−1 = to the end).
 * Missing trailing entries take the whole axis.
 */
export function slice(xl: TensorLike, beginGiven: number | readonly number[], sizeGiven?: number | readonly number[]): Tensor {
  const x = asTensor(xl, 'slice');
  // A number is axis 0's begin or size, the other axes whole (tfjs: `x.slice(i, 1)` is row i).
  const begin = typeof beginGiven === 'number' ? [beginGiven] : beginGiven;
  const size = typeof sizeGiven === 'number' ? [sizeGiven] : sizeGiven;
  if (!Array.isArray(begin) || (size !== undefined && !Array.isArray(size))) {
    throw new Error(`slice: expected begin and size as numbers or lists of numbers, got ${typeof beginGiven}${sizeGiven === undefined ? '' : ` and ${typeof sizeGiven}`}`);
  }
  if (begin.length > x.rank || (size !== undefined && size.length > x.rank)) {
    throw new Error(`slice: begin [${begin.join(', ')}] / size [${(size ?? []).join(', ')}] have more entries than the rank of shape ${fmt(x.shape)}`);
  }
  const b = x.shape.map((_, i) => begin[i] ?? 0);
  const s = x.shape.map((d, i) => {
    const v = size?.[i] ?? -1;
    return v === -1 ? d - b[i]! : v;
  });
  for (let i = 0; i < x.rank; i++) {
    const bi = b[i]!;
    const si = s[i]!;
    if (!Number.isInteger(bi) || !Number.isInteger(si) || bi < 0 || si < 0 || bi + si > x.shape[i]!) {
      throw new Error(`slice: begin [${b.join(', ')}] with size [${s.join(', ')}] is outside shape ${fmt(x.shape)} (axis ${i})`);
    }
  }
  const y = emptyTensor(s);
  getContext().backend.kernels.slice(x.values, x.shape, b, y.values, s);
  return record(y, 'slice', [x], (g) => [pad(g, b.map((bi, i) => [bi, x.shape[i]! - bi - s[i]!]))]);
}

/**
 * Pads with zeros, or with `constantValue` (tfjs's third argument): `paddings[i] = [before,
 * after]` on axis i. A constant is the zero padding plus c where a padding of ones is 0, so the
 * values inside stay exactly x.
 */
export function pad(xl: TensorLike, paddings: ReadonlyArray<readonly [number, number]>, constantValue = 0): Tensor {
  if (constantValue !== 0) {
    const x = asTensor(xl, 'pad');
    const ones = emptyTensor(x.shape);
    ones.values.fill(1);
    const inside = pad(ones, paddings);
    return add(pad(x, paddings), mul(sub(1, inside), constantValue));
  }
  const x = asTensor(xl, 'pad');
  if (paddings.length !== x.rank) {
    throw new Error(`pad: expected ${x.rank} [before, after] pairs for shape ${fmt(x.shape)}, got ${paddings.length}`);
  }
  const before = paddings.map((p) => p[0]);
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  checkShape([...before, ...paddings.map((p) => p[1])], 'pad');
  const y = emptyTensor(outShape);
  getContext().backend.kernels.pad(x.values, x.shape, before, y.values, outShape);
  return record(y, 'pad', [x], (g) => [slice(g, before, x.shape)]);
}

/** Plain index lists become checked Int32Arrays; a tensor's values go to the kernel as they are (it checks them). */
function toIndices(indices: Tensor | ArrayLike<number>, limit: number, op: string): Int32Array | Buf {
  if (indices instanceof Tensor) return indices.values;
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= limit) {
      throw new Error(`${op}: index ${v} at position ${i} is out of range [0, ${limit})`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Selects entries along `axis` (default 0: rows) by integer index; indices may repeat.
 * @example gather(x, [2, 0]) // rows 2 and 0 of x
 */
export function gather(xl: TensorLike, indices: Tensor | ArrayLike<number>, axis = 0): Tensor {
  const x = asTensor(xl, 'gather');
  const ax = normalizeAxis(axis, x.rank, 'gather');
  if (x.rank === 0) throw new Error('gather: cannot gather from a scalar');
  const idx = toIndices(indices, x.shape[ax]!, 'gather');
  const outShape = [...x.shape];
  outShape[ax] = idx.length;
  const y = emptyTensor(outShape);
  getContext().backend.kernels.gather(x.values, x.shape, idx, ax, y.values);
  y.dtypeTag = x.dtypeTag;
  return record(y, 'gather', [x], (g) => [scatterAdd(g, idx, ax, x.shape)]);
}

/** Adds the slices of `g` along `axis` into a zero tensor of `shape` at `indices` (gather's adjoint). */
export function scatterAdd(gl: TensorLike, indices: Int32Array | Buf, axis: number, shape: Shape): Tensor {
  const g = asTensor(gl, 'scatterAdd');
  const y = emptyTensor(shape);
  getContext().backend.kernels.scatterAdd(g.values, indices, axis, y.values, shape);
  return record(y, 'scatterAdd', [g], (gy) => [gather(gy, indices, axis)]);
}

/** Joins tensors along an existing axis; all other dimensions must match. */
export function concat(list: readonly TensorLike[], axis = 0): Tensor {
  if (list.length === 0) throw new Error('concat: expected at least one tensor');
  const xs = list.map((t) => asTensor(t, 'concat'));
  const first = xs[0]!;
  const ax = normalizeAxis(axis, first.rank, 'concat');
  for (const t of xs) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new Error(`concat: shapes ${xs.map((u) => fmt(u.shape)).join(', ')} differ outside axis ${ax}`);
    }
  }
  const outShape = [...first.shape];
  outShape[ax] = xs.reduce((s, t) => s + t.shape[ax]!, 0);
  const y = emptyTensor(outShape);
  getContext().backend.kernels.concat(xs.map((t) => t.values), xs.map((t) => t.shape), ax, y.values);
  return record(y, 'concat', xs, (g) => {
    let off = 0;
    return xs.map((t) => {
      const begin = new Array<number>(t.rank).fill(0);
      begin[ax] = off;
      off += t.shape[ax]!;
      return slice(g, begin, t.shape);
    });
  });
}

/** Inserts a size-1 axis at `axis`. */
export function expandDims(xl: TensorLike, axis = 0): Tensor {
  const x = asTensor(xl, 'expandDims');
  const ax = normalizeAxis(axis, x.rank + 1, 'expandDims');
  const shape = [...x.shape];
  shape.splice(ax, 0, 1);
  return reshape(x, shape);
}

/** Removes size-1 axes (all, or the ones listed). */
export function squeeze(xl: TensorLike, axes?: readonly number[]): Tensor {
  const x = asTensor(xl, 'squeeze');
  const drop = axes === undefined ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : axes.map((a) => normalizeAxis(a, x.rank, 'squeeze'));
  for (const a of drop) {
    if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of shape ${fmt(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(x, x.shape.filter((_, i) => !drop.includes(i)));
}

/** Joins same-shaped tensors along a new axis. */
export function stack(list: readonly TensorLike[], axis = 0): Tensor {
  if (list.length === 0) throw new Error('stack: expected at least one tensor');
  const xs = list.map((t) => asTensor(t, 'stack'));
  const first = xs[0]!;
  for (const t of xs) {
    if (!sameShape(t.shape, first.shape)) throw new Error(`stack: all shapes must match, got ${xs.map((u) => fmt(u.shape)).join(', ')}`);
  }
  const ax = normalizeAxis(axis, first.rank + 1, 'stack');
  return concat(xs.map((t) => expandDims(t, ax)), ax);
}

/**
 * The slices of `x` along `axis`, each without that axis (the inverse of stack). One op with
 * several outputs: its gradient is one stack of theirs (zeros where none flows), not a padded
 * copy of `x` per slice, so a recurrent layer's steps cost O(time), not O(time²), backward.
 * @example unstack(tensor([[1, 2], [3, 4]]), 1) // [tensor([1, 3]), tensor([2, 4])]
 */
export function unstack(xl: TensorLike, axis = 0): Tensor[] {
  const x = asTensor(xl, 'unstack');
  if (x.rank === 0) throw new Error('unstack: cannot unstack a scalar');
  const ax = normalizeAxis(axis, x.rank, 'unstack');
  const n = x.shape[ax]!;
  const sliceShape = x.shape.map((d, i) => (i === ax ? 1 : d));
  const outShape = x.shape.filter((_, i) => i !== ax);
  const kernels = getContext().backend.kernels;
  const outs = Array.from({ length: n }, (_, k) => {
    const y = emptyTensor(outShape);
    // A fresh `begin` per call: a recorded program keeps each call's arguments.
    kernels.slice(x.values, x.shape, x.shape.map((_, i) => (i === ax ? k : 0)), y.values, sliceShape);
    return y;
  });
  return recordGroup(outs, 'unstack', [x], (gs) => {
    const zero = gs.some((g) => g === null) ? emptyTensor(outShape) : null;
    return [stack(gs.map((g) => g ?? zero!), ax)];
  });
}

/** Repeats `x` along broadcast axes to `shape` (NumPy rules). Gradient: summed back by the engine. */
export function broadcastTo(xl: TensorLike, shape: readonly number[]): Tensor {
  const x = asTensor(xl, 'broadcastTo');
  const out = broadcastShapes('broadcastTo', x.shape, shape);
  if (!sameShape(out, shape)) throw new Error(`broadcastTo: shape ${fmt(x.shape)} cannot be broadcast to ${fmt(shape)}`);
  if (sameShape(x.shape, shape)) return x;
  const y = emptyTensor(shape);
  const zero = getContext().backend.alloc(1, y.storage);
  getContext().backend.kernels.add(x.values, x.shape, zero, [], y.values, shape);
  return record(y, 'broadcastTo', [x], (g) => [g]);
}

/** Collapses all axes after the first: [n, ...] → [n, prod(...)]. */
export function flatten(xl: TensorLike): Tensor {
  const x = asTensor(xl, 'flatten');
  if (x.rank < 1) throw new Error('flatten: expected a tensor of rank ≥ 1, got a scalar');
  return reshape(x, [x.shape[0]!, x.rank === 1 ? 1 : sizeOf(x.shape.slice(1))]);
}

/**
 * Overwrites `target`'s values with `source`'s in place, through a kernel (so a recorded step
 * replays it): a layer's state update such as batch normalization's moving averages.
 */
export function assignValues(target: Tensor, source: Tensor): void {
  if (!sameShape(target.shape, source.shape)) throw new Error(`assign: cannot assign shape ${fmt(source.shape)} to a tensor of shape ${fmt(target.shape)}`);
  getContext().backend.kernels.copy(source.values, target.values);
}
