/** Reference kernels that move data without arithmetic: transpose, slice, pad, gather, concat. */
import { type Shape, stridesOf } from '../../tensor/shape.js';
import type { Buf } from '../../tensor/tensor.js';

export function transpose(x: Buf, shape: Shape, perm: readonly number[], out: Buf): void {
  const rank = shape.length;
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const src = perm.map((p) => xs[p]!); // input stride for each output axis
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x[off]!;
    for (let d = rank - 1; d >= 0; d--) {
      off += src[d]!;
      if (++idx[d]! < outShape[d]!) break;
      off -= src[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * Copies the block of `small` (shape `smallShape`) that sits at `offset` inside `big`, in the
 * direction given: slice copies big → small, pad copies small → big. Rows along the last axis
 * are copied whole.
 */
function blockCopy(big: Buf, bigShape: Shape, small: Buf, smallShape: Shape, offset: readonly number[], toSmall: boolean): void {
  const rank = smallShape.length;
  if (small.length === 0) return;
  if (rank === 0) {
    if (toSmall) small[0] = big[0]!;
    else big[0] = small[0]!;
    return;
  }
  const bs = stridesOf(bigShape);
  let start = 0;
  for (let d = 0; d < rank; d++) start += offset[d]! * bs[d]!;
  const len = smallShape[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let b = start;
  for (let s = 0; s < small.length; s += len) {
    if (toSmall) small.set(big.subarray(b, b + len), s);
    else big.set(small.subarray(s, s + len), b);
    for (let d = rank - 2; d >= 0; d--) {
      b += bs[d]!;
      if (++idx[d]! < smallShape[d]!) break;
      b -= bs[d]! * smallShape[d]!;
      idx[d] = 0;
    }
  }
}

export function slice(x: Buf, shape: Shape, begin: readonly number[], out: Buf, outShape: Shape): void {
  blockCopy(x, shape, out, outShape, begin, true);
}

export function pad(x: Buf, shape: Shape, before: readonly number[], out: Buf, outShape: Shape): void {
  out.fill(0);
  blockCopy(out, outShape, x, shape, before, false);
}

function split(shape: Shape, axis: number): [number, number, number] {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return [outer, shape[axis]!, inner];
}

export function gather(x: Buf, shape: Shape, indices: Int32Array | Buf, axis: number, out: Buf): void {
  const [outer, len, inner] = split(shape, axis);
  const q = indices.length;
  if (!(indices instanceof Int32Array)) {
    for (let i = 0; i < q; i++) {
      const v = indices[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= len) throw new Error(`gather: index ${v} at position ${i} is out of range [0, ${len})`);
    }
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < q; i++) {
      const src = (o * len + indices[i]!) * inner;
      out.set(x.subarray(src, src + inner), (o * q + i) * inner);
    }
  }
}

export function scatterAdd(g: Buf, indices: Int32Array | Buf, axis: number, out: Buf, outShape: Shape): void {
  out.fill(0);
  const [outer, len, inner] = split(outShape, axis);
  const q = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < q; i++) {
      const dst = (o * len + indices[i]!) * inner;
      const src = (o * q + i) * inner;
      for (let j = 0; j < inner; j++) out[dst + j] = out[dst + j]! + g[src + j]!;
    }
  }
}

export function concat(xs: readonly Buf[], shapes: readonly Shape[], axis: number, out: Buf): void {
  const first = shapes[0]!;
  const outer = first.slice(0, axis).reduce((p, d) => p * d, 1);
  const chunks = shapes.map((s) => s.slice(axis).reduce((p, d) => p * d, 1));
  let o = 0;
  for (let r = 0; r < outer; r++) {
    for (let t = 0; t < xs.length; t++) {
      const c = chunks[t]!;
      out.set(xs[t]!.subarray(r * c, r * c + c), o);
      o += c;
    }
  }
}

export function copy(x: Buf, out: Buf): void {
  out.set(x);
}

export function oneHot(indices: Buf, depth: number, on: number, off: number, out: Buf): void {
  out.fill(off);
  for (let i = 0; i < indices.length; i++) out[i * depth + indices[i]!] = on;
}
