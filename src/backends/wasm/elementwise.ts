/**
 * The WebAssembly backend's elementwise kernels, its optimizer updates beyond SGD and Adam, and
 * its uniform draws: native (assembly/elementwise.ts, assembly/train.ts) on resident float32
 * arrays of some size — a compiled step's buffers — and the reference kernels otherwise, where
 * copying in and out would cost more than the work.
 */
import type { Kernels } from '../backend.js';
import { broadcastKind } from '../js/elementwise.js';
import { jsBackend } from '../js/index.js';
import type { Shape } from '../../tensor/shape.js';
import type { Buf } from '../../tensor/tensor.js';

/** What these kernels call in the module. */
export interface ElementwiseExports {
  rmspropUpdate(p: number, g: number, s: number, m: number, avg: number, len: number, lr: number, rho: number, mu: number, eps: number, centered: number): void;
  adagradUpdate(p: number, g: number, a: number, len: number, lr: number, eps: number): void;
  adadeltaUpdate(p: number, g: number, eg: number, ed: number, len: number, lr: number, rho: number, eps: number): void;
  adamaxUpdate(p: number, g: number, m: number, u: number, len: number, lr: number, b1: number, b2: number, eps: number, corr: number): void;
  scaleUpdate(p: number, len: number, k: number): void;
  binary(op: number, layout: number, a: number, b: number, out: number, rows: number, n: number): void;
  select(cond: number, a: number, b: number, out: number, len: number, layout: number): void;
  sumRows(x: number, out: number, rows: number, n: number): void;
  fillUniform(state: number, out: number, len: number, a: number, b: number): void;
}

/** Elementwise kernels on fewer values than this run in the reference kernel (a call into WebAssembly would cost more). */
export const NATIVE_MIN = 64;

/** assembly/elementwise.ts's op codes. */
export const BINARY_CODES = { add: 0, sub: 1, mul: 2, div: 3, greater: 4, greaterEqual: 5, less: 6, lessEqual: 7, equal: 8, notEqual: 9 } as const;
type NativeBinary = keyof typeof BINARY_CODES;

/**
 * How a binary op's operands lie, in assembly/elementwise.ts's layout codes: 0 alike, 1 or 2 one
 * value, 3 or 4 one row under every row of the other, 5 or 6 one value per row; -1 for any
 * other broadcast.
 */
export function binaryLayout(aLen: number, aShape: Shape, bLen: number, bShape: Shape, outShape: Shape, n: number): number {
  if (aLen === n && bLen === n && sameDims(aShape, bShape)) return 0;
  if (bLen === 1 && aLen === n) return 1;
  if (aLen === 1 && bLen === n) return 2;
  if (aLen === n) {
    const k = broadcastKind(bShape, outShape);
    if (k !== 0) return k === 1 ? 3 : 5;
  }
  if (bLen === n) {
    const k = broadcastKind(aShape, outShape);
    if (k !== 0) return k === 1 ? 4 : 6;
  }
  return -1;
}

// A plain loop: this runs on every kernel call of a compiled step, which must not allocate.
function sameDims(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** assembly/elementwise.ts's `select` layout for where(cond, a, b) into n values: 0 all alike, 1 b one value, 2 a one value; -1 for any other broadcast. */
export function selectLayout(cond: Buf, a: Buf, b: Buf, n: number): number {
  if (cond.length !== n) return -1;
  return a.length === n && b.length === n ? 0 : a.length === n && b.length === 1 ? 1 : a.length === 1 && b.length === n ? 2 : -1;
}

/** Whether `axes` are 0, 1, …: the leading axes. */
export function leadingAxes(axes: readonly number[]): boolean {
  for (let i = 0; i < axes.length; i++) if (axes[i] !== i) return false;
  return true;
}

/** The kernels this file makes native, for `nativeKernels`. */
export const ELEMENTWISE_KERNELS = [
  'add', 'sub', 'mul', 'div', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual', 'where', 'sum', 'fillRandom',
] as const;

type Provided = (typeof ELEMENTWISE_KERNELS)[number] | 'rmspropUpdate' | 'adagradUpdate' | 'adadeltaUpdate' | 'adamaxUpdate' | 'scaleUpdate';

/** The kernels above, bound to a module's exports and its resident-memory test. */
export function nativeElementwise(e: ElementwiseExports, resident: (x: Buf) => boolean, allocResident: (n: number) => Float32Array): Pick<Kernels, Provided> {
  const reference = jsBackend().kernels;
  // Elementwise kernels: native on resident float32 arrays of some size (a compiled step's
  // buffers), the reference otherwise.
  const nativeBinary = (op: NativeBinary): Kernels[NativeBinary] => {
    const code = BINARY_CODES[op];
    const ref = reference[op];
    return (a, aShape, b, bShape, out, outShape) => {
      const n = out.length;
      if (n >= NATIVE_MIN && resident(a) && resident(b) && resident(out)) {
        const layout = binaryLayout(a.length, aShape, b.length, bShape, outShape, n);
        if (layout >= 0) {
          const rowLen = layout >= 3 ? outShape[outShape.length - 1]! : n;
          e.binary(code, layout, a.byteOffset, b.byteOffset, out.byteOffset, n / rowLen, rowLen);
          return;
        }
      }
      ref(a, aShape, b, bShape, out, outShape);
    };
  };
  const where: Kernels['where'] = (cond, cShape, a, aShape, b, bShape, out, outShape) => {
    const n = out.length;
    const layout = selectLayout(cond, a, b, n);
    if (layout >= 0 && n >= NATIVE_MIN && resident(cond) && resident(a) && resident(b) && resident(out)) e.select(cond.byteOffset, a.byteOffset, b.byteOffset, out.byteOffset, n, layout);
    else reference.where(cond, cShape, a, aShape, b, bShape, out, outShape);
  };
  const sum: Kernels['sum'] = (x, shape, axes, out) => {
    // Leading axes of a resident float32 array: column sums.
    if (x.length >= NATIVE_MIN && out.length > 0 && leadingAxes(axes) && resident(x) && resident(out)) e.sumRows(x.byteOffset, out.byteOffset, x.length / out.length, out.length);
    else reference.sum(x, shape, axes, out);
  };
  // Uniform draws natively (dropout masks): the generator's state words copied in, drawn from,
  // and copied back, so the stream is the one the reference would have drawn.
  // The generator's words live in a block of module memory. The Float32Array allocResident gave
  // is what keeps that block allocated (its collection frees the block), so it is kept beside
  // the Int32Array view: holding only the view let the block be freed and handed to a tensor,
  // which every dropout draw then overwrote.
  let rngBlock: Float32Array | null = null;
  let rngWords: Int32Array | null = null;
  const fillRandom: Kernels['fillRandom'] = (out, rng, dist, a, b) => {
    if (dist !== 'uniform' || out.length < NATIVE_MIN || !resident(out)) {
      reference.fillRandom(out, rng, dist, a, b);
      return;
    }
    if (rngWords === null) {
      rngBlock = allocResident(4);
      rngWords = new Int32Array(rngBlock.buffer, rngBlock.byteOffset, 4);
    }
    rngWords.set(rng.words);
    e.fillUniform(rngWords.byteOffset, out.byteOffset, out.length, a, b);
    rng.words.set(rngWords);
  };
  const rmspropUpdate: Kernels['rmspropUpdate'] = (p, g, sq, m, avg, len, lr, rho, mu, eps, centered) => {
    if (len >= NATIVE_MIN && resident(p) && resident(g) && resident(sq) && resident(m) && resident(avg)) {
      e.rmspropUpdate(p.byteOffset, g.byteOffset, sq.byteOffset, m.byteOffset, avg.byteOffset, len, lr, rho, mu, eps, centered ? 1 : 0);
    } else reference.rmspropUpdate(p, g, sq, m, avg, len, lr, rho, mu, eps, centered);
  };
  const adagradUpdate: Kernels['adagradUpdate'] = (p, g, a, len, lr, eps) => {
    if (len >= NATIVE_MIN && resident(p) && resident(g) && resident(a)) e.adagradUpdate(p.byteOffset, g.byteOffset, a.byteOffset, len, lr, eps);
    else reference.adagradUpdate(p, g, a, len, lr, eps);
  };
  const adadeltaUpdate: Kernels['adadeltaUpdate'] = (p, g, eg, ed, len, lr, rho, eps) => {
    if (len >= NATIVE_MIN && resident(p) && resident(g) && resident(eg) && resident(ed)) e.adadeltaUpdate(p.byteOffset, g.byteOffset, eg.byteOffset, ed.byteOffset, len, lr, rho, eps);
    else reference.adadeltaUpdate(p, g, eg, ed, len, lr, rho, eps);
  };
  const adamaxUpdate: Kernels['adamaxUpdate'] = (p, g, m, u, len, lr, b1, b2, eps, corr) => {
    if (len >= NATIVE_MIN && resident(p) && resident(g) && resident(m) && resident(u)) e.adamaxUpdate(p.byteOffset, g.byteOffset, m.byteOffset, u.byteOffset, len, lr, b1, b2, eps, corr);
    else reference.adamaxUpdate(p, g, m, u, len, lr, b1, b2, eps, corr);
  };
  const scaleUpdate: Kernels['scaleUpdate'] = (p, len, k) => {
    if (len >= NATIVE_MIN && resident(p)) e.scaleUpdate(p.byteOffset, len, k);
    else reference.scaleUpdate(p, len, k);
  };

  return {
    add: nativeBinary('add'), sub: nativeBinary('sub'), mul: nativeBinary('mul'), div: nativeBinary('div'),
    greater: nativeBinary('greater'), greaterEqual: nativeBinary('greaterEqual'), less: nativeBinary('less'), lessEqual: nativeBinary('lessEqual'),
    equal: nativeBinary('equal'), notEqual: nativeBinary('notEqual'), where, sum, fillRandom,
    rmspropUpdate, adagradUpdate, adadeltaUpdate, adamaxUpdate, scaleUpdate,
  };
}
