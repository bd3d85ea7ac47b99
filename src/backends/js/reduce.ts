/**
 * Reference reductions over any set of axes, and argmax/argmin along one axis.
 * The input is walked row-major; the output offset moves with stride 0 on reduced axes.
 */
import type { ReduceKernel } from '../backend.js';
import { type Shape, stridesOf } from '../../tensor/shape.js';
import type { Buf } from '../../tensor/tensor.js';
import { specialize } from './specialize.js';

function reducer(init: number, combine: (acc: number, v: number) => number): ReduceKernel {
  return specialize(reducerLoops)(init, combine, reduceAny);
}

/** Any set of axes, walked with an odometer (out already holds the initial value). In a function of its own: its closures would otherwise make every call of the kernel allocate. */
function reduceAny(x: Buf, shape: Shape, axes: readonly number[], out: Buf, combine: (acc: number, v: number) => number): void {
  const n = x.length;
  const rank = shape.length;
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept);
  const os = shape.map((_, i) => (axes.includes(i) ? 0 : keptStrides[i]!));
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let p = 0; p < n; p++) {
    out[o] = combine(out[o]!, x[p]!);
    for (let d = rank - 1; d >= 0; d--) {
      o += os[d]!;
      if (++idx[d]! < shape[d]!) break;
      o -= os[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

function reducerLoops(init: number, combine: (acc: number, v: number) => number, general: typeof reduceAny): ReduceKernel {
  return (x, shape, axes, out) => {
    // A plain loop, not out.fill(init): the builtin boxes a non-integer init (−∞) on every call.
    for (let i = 0; i < out.length; i++) out[i] = init;
    const n = x.length;
    if (n === 0) return;
    const rank = shape.length;
    // Fast path: reducing only the trailing axes.
    let trailing = true;
    for (let i = 0; i < axes.length; i++) if (axes[axes.length - 1 - i] !== rank - 1 - i) trailing = false;
    if (trailing) {
      const inner = (n / out.length) | 0;
      for (let o = 0, p = 0; o < out.length; o++) {
        let acc = init;
        for (let j = 0; j < inner; j++, p++) acc = combine(acc, x[p]!);
        out[o] = acc;
      }
      return;
    }
    // Reducing only the leading axes (a bias gradient: columns of [batch, units]).
    let leading = true;
    for (let i = 0; i < axes.length; i++) if (axes[i] !== i) leading = false;
    if (leading) {
      const inner = out.length;
      for (let p = 0; p < n; p += inner) {
        for (let j = 0; j < inner; j++) out[j] = combine(out[j]!, x[p + j]!);
      }
      return;
    }
    general(x, shape, axes, out, combine);
  };
}

export const sum = reducer(0, (acc, v) => acc + v);
// NaN propagates: once the accumulator is NaN no comparison replaces it.
export const max = reducer(-Infinity, (acc, v) => (v > acc || v !== v ? v : acc));
export const min = reducer(Infinity, (acc, v) => (v < acc || v !== v ? v : acc));

function argReducer(better: (v: number, best: number) => boolean) {
  return (x: Buf, shape: Shape, axis: number, out: Buf): void => {
    const len = shape[axis]!;
    const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const outer = out.length / Math.max(inner, 1);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * len * inner + j;
        let best = x[base]!;
        let bi = 0;
        for (let i = 1; i < len && best === best; i++) {
          const v = x[base + i * inner]!;
          if (better(v, best) || v !== v) {
            best = v;
            bi = i;
          }
        }
        out[o * inner + j] = bi;
      }
    }
  };
}

export const argmax = argReducer((v, best) => v > best);
export const argmin = argReducer((v, best) => v < best);
