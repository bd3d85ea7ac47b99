/**
 * The WebAssembly backend's sliding-window kernels (assembly/window.ts): im2col, col2im, max
 * pooling and depthwise convolution, native on resident float32 arrays (a compiled step's
 * buffers), the reference kernels otherwise.
 */
import type { Kernels, Window2d } from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { Buf } from '../../tensor/tensor.js';
import { NATIVE_MIN } from './elementwise.js';
import { WindowKernel } from './pool.js';

/** What these kernels call in the module. */
export interface WindowExports {
  im2col(x: number, win: number, fill: number, out: number): void;
  col2im(cols: number, win: number, out: number): void;
  maxPool(x: number, win: number, out: number, taps: number): void;
  maxPoolGrad(g: number, taps: number, win: number, out: number): void;
  depthwiseConv(x: number, f: number, win: number, multiplier: number, out: number): void;
  depthwiseConvGradInput(g: number, f: number, win: number, multiplier: number, out: number): void;
  depthwiseConvGradFilter(x: number, g: number, win: number, multiplier: number, out: number, half: number, part: number): void;
}

/** The kernels this file makes native, for `nativeKernels`. */
export const WINDOW_KERNELS = ['im2col', 'col2im', 'maxPool', 'maxPoolGrad', 'depthwiseConv', 'depthwiseConvGradInput', 'depthwiseConvGradFilter'] as const;

/** A window's numbers, as the native kernels read them (assembly/window.ts, native/window.h). */
export const WINDOW_FIELDS = 14;

/** Writes the window's fields into `into` in Window2d's order; returns `into`. */
export function writeWindow(w: Window2d, into: Int32Array): Int32Array {
  into[0] = w.batch; into[1] = w.inH; into[2] = w.inW; into[3] = w.channels; into[4] = w.kH; into[5] = w.kW; into[6] = w.strideH;
  into[7] = w.strideW; into[8] = w.dilationH; into[9] = w.dilationW; into[10] = w.padTop; into[11] = w.padLeft; into[12] = w.outH; into[13] = w.outW;
  return into;
}

/**
 * Runs a window kernel across the backend's threads, by images (a band's images are a batch of
 * their own: same bits as one call), and returns true; false where it is not worth splitting,
 * and the caller runs it. `a`, `b`, `out` are byte addresses with their bytes per image (0: not
 * per image, as a filter). The depthwise filter gradient runs its two halves of the batch on
 * two threads, the second summed at `half`, and adds them.
 */
export type SplitWindow = (kernel: WindowKernel, w: Window2d, a: number, aPer: number, b: number, bPer: number, out: number, outPer: number, multiplier: number, fill: number, values: number, half?: number) => boolean;

/** The kernels above, bound to a module's exports and its resident-memory test; `split` shares them across threads. */
export function nativeWindow(e: WindowExports, resident: (x: Buf) => boolean, allocResident: (n: number) => Float32Array, split: SplitWindow = () => false): Pick<Kernels, (typeof WINDOW_KERNELS)[number]> {
  const reference = jsBackend().kernels;
  // The Float32Array allocResident gave keeps the block allocated (see elementwise.ts's
  // generator block): it is held beside the Int32Array view written through.
  let owner: Float32Array | null = null;
  let block: Int32Array | null = null;
  /** The window's numbers in module memory, in assembly/window.ts's order. */
  const place = (w: Window2d): number => {
    if (block === null) {
      owner = allocResident(WINDOW_FIELDS);
      block = new Int32Array(owner.buffer, owner.byteOffset, WINDOW_FIELDS);
    }
    return writeWindow(w, block).byteOffset;
  };
  // Bytes per image of an input, of im2col's rows, of an output with `c` channels.
  const image = (w: Window2d): number => w.inH * w.inW * w.channels * 4;
  const rows = (w: Window2d): number => w.outH * w.outW * w.kH * w.kW * w.channels * 4;
  const pixels = (w: Window2d, c: number): number => w.outH * w.outW * c * 4;
  // The depthwise filter gradient's second half of the batch sums here (assembly/window.ts).
  let half: Float32Array | null = null;
  const halfSums = (n: number): number => {
    if (half === null || half.length < n) half = allocResident(n);
    return half.byteOffset;
  };
  /** A depthwise kernel in the module where its three arrays are resident, else the reference's. */
  const depthwise = (kernel: (a: number, b: number, win: number, m: number, out: number) => void, fallback: Kernels['depthwiseConv'], split: (a: Buf, b: Buf, w: Window2d, m: number, out: Buf) => boolean): Kernels['depthwiseConv'] =>
    (a, b, w, m, out) => {
      if (a.length + out.length >= NATIVE_MIN && resident(a) && resident(b) && resident(out)) {
        if (!split(a, b, w, m, out)) kernel(a.byteOffset, b.byteOffset, place(w), m, out.byteOffset);
      } else fallback(a, b, w, m, out);
    };
  return {
    im2col: (x, w, fill, out) => {
      if (out.length >= NATIVE_MIN && resident(x) && resident(out)) {
        if (!split(WindowKernel.Im2col, w, x.byteOffset, image(w), 0, 0, out.byteOffset, rows(w), 0, fill, out.length)) e.im2col(x.byteOffset, place(w), fill, out.byteOffset);
      } else reference.im2col(x, w, fill, out);
    },
    col2im: (cols, w, out) => {
      if (cols.length >= NATIVE_MIN && resident(cols) && resident(out)) {
        if (!split(WindowKernel.Col2im, w, cols.byteOffset, rows(w), 0, 0, out.byteOffset, image(w), 0, 0, cols.length)) e.col2im(cols.byteOffset, place(w), out.byteOffset);
      } else reference.col2im(cols, w, out);
    },
    maxPool: (x, w, out, taps) => {
      if (x.length >= NATIVE_MIN && resident(x) && resident(out) && resident(taps)) {
        if (!split(WindowKernel.MaxPool, w, x.byteOffset, image(w), taps.byteOffset, pixels(w, w.channels), out.byteOffset, pixels(w, w.channels), 0, 0, x.length)) e.maxPool(x.byteOffset, place(w), out.byteOffset, taps.byteOffset);
      } else reference.maxPool(x, w, out, taps);
    },
    maxPoolGrad: (g, taps, w, out) => {
      if (out.length >= NATIVE_MIN && resident(g) && resident(taps) && resident(out)) {
        if (!split(WindowKernel.MaxPoolGrad, w, g.byteOffset, pixels(w, w.channels), taps.byteOffset, pixels(w, w.channels), out.byteOffset, image(w), 0, 0, out.length)) e.maxPoolGrad(g.byteOffset, taps.byteOffset, place(w), out.byteOffset);
      } else reference.maxPoolGrad(g, taps, w, out);
    },
    depthwiseConv: depthwise(e.depthwiseConv, reference.depthwiseConv,
      (x, f, w, m, out) => split(WindowKernel.Depthwise, w, x.byteOffset, image(w), f.byteOffset, 0, out.byteOffset, pixels(w, w.channels * m), m, 0, out.length)),
    depthwiseConvGradInput: depthwise(e.depthwiseConvGradInput, reference.depthwiseConvGradInput,
      (g, f, w, m, out) => split(WindowKernel.DepthwiseGradInput, w, g.byteOffset, pixels(w, w.channels * m), f.byteOffset, 0, out.byteOffset, image(w), m, 0, out.length)),
    // Sums over every image in two halves, on two threads where there are.
    depthwiseConvGradFilter: (x, g, w, m, out) => {
      if (x.length + out.length < NATIVE_MIN || !resident(x) || !resident(g) || !resident(out)) return reference.depthwiseConvGradFilter(x, g, w, m, out);
      const sums = halfSums(out.length);
      if (!split(WindowKernel.DepthwiseGradFilter, w, x.byteOffset, 0, g.byteOffset, 0, out.byteOffset, 0, m, 0, x.length + g.length, sums)) e.depthwiseConvGradFilter(x.byteOffset, g.byteOffset, place(w), m, out.byteOffset, sums, -1);
    },
  };
}
