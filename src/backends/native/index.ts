/**
 * The native backend (Node only): the WebAssembly backend's memory and its sequencer of tiny
 * programs, with every kernel that backend runs natively in a C++ addon built from source at
 * install (`native/`, node-gyp and Node-API) instead: the matrix products (packed,
 * register-blocked micro-kernels for AVX-512 or AVX2+FMA chosen at load for this CPU, plain C++
 * elsewhere), convolution, pooling, the recurrent cells, elementwise arithmetic, reductions and
 * every optimizer's update, split across the addon's own thread pool. The addon reads the operands where they are — WebAssembly memory for resident
 * arrays, JavaScript memory otherwise — so nothing is copied per call.
 *
 * Where the addon did not build (no compiler at install) or cannot load, `nativeAddon()` says
 * why and the default backend is the WebAssembly one.
 */
import type { Backend, BinaryOp, Kernels, ReduceOp, UnaryOp, Window2d } from '../backend.js';
import { batchPlan } from '../batch.js';
import { jsBackend } from '../js/index.js';
import { BINARY_CODES, binaryLayout, selectLayout } from '../wasm/elementwise.js';
import { ACT_CODES, NATIVE_MIN, type WasmOptions, wasmBackend } from '../wasm/index.js';
import { WINDOW_FIELDS, writeWindow } from '../wasm/window.js';
import type { Buf } from '../../tensor/tensor.js';

/** The instruction sets the addon has kernels for, widest first. */
export type NativeIsa = 'avx512' | 'avx2' | 'generic';

interface Addon {
  sgemm(a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, m: number, n: number, k: number, transA: boolean, transB: boolean, threads: number, isa: number): void;
  info(): { isas: NativeIsa[]; maxThreads: number };
  rmspropUpdate(p: Float32Array, g: Float32Array, s: Float32Array, m: Float32Array, avg: Float32Array, len: number, lr: number, rho: number, mu: number, eps: number, centered: boolean, threads: number): void;
  sgdUpdate(p: Float32Array, g: Float32Array, v: Float32Array | null, len: number, lr: number, mu: number, nesterov: boolean, threads: number): void;
  adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, len: number, alpha: number, b1: number, b2: number, eps: number, threads: number): void;
  unary(op: number, x: Float32Array, out: Float32Array): void;
  softmaxCrossEntropy(logits: Float32Array, labels: Float32Array, rows: number, n: number, loss: Float32Array, probs: Float32Array): void;
  gatherRows(src: Float32Array, width: number, dst: Float32Array, order: Int32Array, start: number, end: number): void;
  allFinite(x: Float32Array): boolean;
  lstmCell(z: Float32Array, cPrev: Float32Array, rows: number, units: number, h: Float32Array, c: Float32Array, act: Float32Array, gate: number): void;
  lstmCellGrad(act: Float32Array, cPrev: Float32Array, dh: Float32Array, dc: Float32Array, rows: number, units: number, dz: Float32Array, dcPrev: Float32Array, gate: number): void;
  gruCell(x: Float32Array, inner: Float32Array, h: Float32Array, rows: number, units: number, out: Float32Array, act: Float32Array, gate: number): void;
  gruCellGrad(act: Float32Array, inner: Float32Array, h: Float32Array, dOut: Float32Array, rows: number, units: number, dx: Float32Array, dInner: Float32Array, dh: Float32Array, gate: number): void;
  gruGates(x: Float32Array, inner: Float32Array, hr: Float32Array, rows: number, units: number, z: Float32Array, rh: Float32Array, act: Float32Array, gate: number): void;
  gruGatesGrad(act: Float32Array, hr: Float32Array, dz: Float32Array, drh: Float32Array, rows: number, units: number, dx: Float32Array, dInner: Float32Array, dhr: Float32Array, gate: number): void;
  gruOutput(x: Float32Array, q: Float32Array, h: Float32Array, z: Float32Array, rows: number, units: number, out: Float32Array, act: Float32Array): void;
  gruOutputGrad(act: Float32Array, h: Float32Array, z: Float32Array, dOut: Float32Array, rows: number, units: number, dx: Float32Array, dq: Float32Array, dh: Float32Array, dz: Float32Array): void;
  im2col(x: Float32Array, window: Int32Array, fill: number, out: Float32Array, threads: number): void;
  /** kind 0 depthwise convolution (a = x, b = filter), 1 its adjoint in x (a = g, b = filter), 2 in the filter (a = x, b = g). */
  depthwise(kind: 0 | 1 | 2, a: Float32Array, b: Float32Array, window: Int32Array, multiplier: number, out: Float32Array, threads: number): void;
  /** kind 0 out = im2col(a)·b, 1 out = im2col(a)ᵀ·b, 2 out = col2im(a·bᵀ), without the window matrix. */
  conv(kind: 0 | 1 | 2, a: Float32Array, b: Float32Array, window: Int32Array, n: number, out: Float32Array, threads: number, isa: number): void;
  /** kind 0 max pooling (a = x; taps written), 1 its gradient (a = g; taps read). */
  maxPool(kind: 0 | 1, a: Float32Array, taps: Float32Array, window: Int32Array, out: Float32Array, threads: number): void;
  col2im(cols: Float32Array, window: Int32Array, out: Float32Array, threads: number): void;
  fillUniform(state: Int32Array, out: Float32Array, a: number, b: number): void;
  /** Returns the first position whose index is not an integer in [0, len) (nothing written then), else −1. */
  gather(x: Float32Array, outer: number, len: number, inner: number, indices: Float32Array | Int32Array, out: Float32Array): number;
  scatterAdd(g: Float32Array, outer: number, len: number, inner: number, indices: Float32Array | Int32Array, out: Float32Array): number;
  adagradUpdate(p: Float32Array, g: Float32Array, a: Float32Array, len: number, lr: number, eps: number, threads: number): void;
  adadeltaUpdate(p: Float32Array, g: Float32Array, eg: Float32Array, ed: Float32Array, len: number, lr: number, rho: number, eps: number, threads: number): void;
  adamaxUpdate(p: Float32Array, g: Float32Array, m: Float32Array, u: Float32Array, len: number, lr: number, b1: number, b2: number, eps: number, corr: number, threads: number): void;
  scaleUpdate(p: Float32Array, len: number, k: number, threads: number): void;
  /** op and layout as the WebAssembly module's (src/backends/wasm/elementwise.ts BINARY_CODES, binaryLayout). */
  binary(op: number, layout: number, a: Float32Array, b: Float32Array, out: Float32Array, rows: number, n: number, threads: number): void;
  select(cond: Float32Array, a: Float32Array, b: Float32Array, out: Float32Array, layout: number, threads: number): void;
  /** op 0 sum, 1 max, 2 min along the middle axis of x as [outer, len, inner]. */
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, len: number, inner: number, threads: number): void;
  biasAct(z: Float32Array, bias: Float32Array | null, rows: number, n: number, act: number, threads: number): void;
  actGrad(a: Float32Array, dz: Float32Array, len: number, act: number, threads: number): void;
}

/** Where `npm ci` / `npm install` builds the addon (scripts/build-native.mjs), from the package root. */
const ADDON_PATH = '../../../build/Release/neurite_native.node';

type NodeProcess = { versions?: { node?: string }; getBuiltinModule?: (m: string) => unknown };

/** Where the install script logs its build (scripts/build-native.mjs), from this file. */
const BUILD_LOG = '../../../build/native-build.log';

/**
 * The addon, or why there is none here (not Node, not built, failed to load). `toldAtInstall`:
 * the install already printed why (its build ran and failed, leaving its log), so there is no
 * need to say it again at every start.
 */
type Loaded = { addon: Addon } | { why: string; toldAtInstall: boolean };

let loaded: Loaded | undefined;

/** nativeAddon's reason outside Node (browsers, Deno without Node's modules): nothing to warn about. */
export const NOT_NODE = 'native kernels need Node.js';

export function nativeAddon(): Loaded {
  if (loaded !== undefined) return loaded;
  const proc = (globalThis as { process?: NodeProcess }).process;
  const mod = proc?.versions?.node === undefined ? undefined : (proc.getBuiltinModule?.('node:module') as { createRequire?: (url: string) => { (id: string): unknown; resolve(id: string): string } } | undefined);
  if (mod?.createRequire === undefined) return (loaded = { why: NOT_NODE, toldAtInstall: true });
  const require = mod.createRequire(import.meta.url);
  try {
    loaded = { addon: require(ADDON_PATH) as Addon };
  } catch (e) {
    const message = String((e as Error).message ?? e).split('\n')[0] ?? '';
    const fs = proc?.getBuiltinModule?.('node:fs') as { existsSync(p: string): boolean } | undefined;
    const path = proc?.getBuiltinModule?.('node:path') as { join(...p: string[]): string; dirname(p: string): string } | undefined;
    const url = proc?.getBuiltinModule?.('node:url') as { fileURLToPath(u: string): string } | undefined;
    const log = path !== undefined && url !== undefined ? path.join(path.dirname(url.fileURLToPath(import.meta.url)), BUILD_LOG) : '';
    const built = log !== '' && fs?.existsSync(log) === true;
    loaded = /Cannot find module/.test(message)
      ? {
          why: built
            ? `the native addon did not build at install (${log} says why; \`npm rebuild neurite\` retries)`
            : 'the native addon was not built (it builds at npm install where a C++ compiler, make and Python are present; `npm rebuild neurite` retries)',
          toldAtInstall: built,
        }
      : { why: `the native addon did not load: ${message}`, toldAtInstall: false };
  }
  return loaded;
}

/** Whether the native backend can be made here. */
export function nativeSupported(): boolean {
  return 'addon' in nativeAddon();
}

export interface NativeOptions extends WasmOptions {
  /** Run the products in a narrower instruction set than the CPU's widest (tests cover each this way). */
  isa?: NativeIsa;
}

export interface NativeBackend extends Backend {
  /** The instruction set the products run in. */
  readonly isa: NativeIsa;
  /** Those this CPU runs, widest first. */
  readonly isas: readonly NativeIsa[];
  /** Threads products are split across. */
  readonly threads: number;
  /** Kernels that run in the C++ addon. */
  readonly nativeKernels: readonly string[];
  /** Kernels that run in WebAssembly (the WebAssembly backend's, whose memory this backend uses). */
  readonly wasmKernels: readonly string[];
}

const ISA_LEVELS: Record<NativeIsa, number> = { generic: 0, avx2: 1, avx512: 2 };

/** The maps the addon computes, in its op-code order (native/elementwise.h). */
const NATIVE_UNARY = ['exp', 'log', 'sigmoid', 'tanh', 'softplus'] as const;

/** The reductions the addon computes, in its op-code order (native/arith.h). */
const NATIVE_REDUCE = ['sum', 'max', 'min'] as const;

/** The arithmetic and comparisons the addon computes (native/arith.h, the WebAssembly module's codes). */
const NATIVE_BINARY = Object.keys(BINARY_CODES) as Array<keyof typeof BINARY_CODES>;

/**
 * Reducing `axes` (sorted) of `shape` as one block: x seen as [outer, len, inner] reduced along
 * its middle axis, written into `into`; false where the axes are not one run. The last axes
 * (inner 1) first, as the reference tells them apart: it sums those in float64 (the addon too).
 * Plain loops: this runs on every call of a compiled step, which must not allocate.
 */
export function reduceBlock(shape: readonly number[], axes: readonly number[], into: number[]): boolean {
  const rank = shape.length;
  let trailing = true;
  for (let i = 0; i < axes.length; i++) if (axes[axes.length - 1 - i] !== rank - 1 - i) trailing = false;
  const first = axes.length === 0 ? rank : axes[0]!;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== first + i) return false;
  const last = trailing ? rank : first + axes.length;
  let outer = 1, len = 1, inner = 1;
  for (let d = 0; d < rank; d++) {
    if (d < first) outer *= shape[d]!;
    else if (d < last) len *= shape[d]!;
    else inner *= shape[d]!;
  }
  // Inner 1 past axes that are not the last ones (size-1 axes after them): the addon would sum
  // those in float64, the reference (its general walk) in float32.
  if (!trailing && inner === 1) return false;
  into[0] = outer;
  into[1] = len;
  into[2] = inner;
  return true;
}

/** Products below this many multiply-adds run in the reference kernel: the call would cost more. */
export const NATIVE_MATMUL_MIN = 1024;

/** float32 storage? Checked by element width (see the WebAssembly backend). */
const isF32 = (x: Buf): x is Float32Array => x.BYTES_PER_ELEMENT === 4;

/** Creates the native backend; throws, saying why, where the addon is not available. */
export function nativeBackend(options: NativeOptions = {}): NativeBackend {
  const got = nativeAddon();
  if (!('addon' in got)) throw new Error(`nativeBackend: ${got.why}; use wasmBackend()`);
  const { addon } = got;
  const wasm = wasmBackend(options);
  const info = addon.info();
  const isa = options.isa ?? info.isas[0]!;
  if (!info.isas.includes(isa)) throw new Error(`nativeBackend: isa '${isa}' is not one this CPU runs; it runs ${info.isas.map((i) => `'${i}'`).join(', ')}`);
  const level = ISA_LEVELS[isa];
  const threads = wasm.threads;
  const reference = jsBackend().kernels;

  const gemm: Kernels['gemm'] = (a, b, out, m, n, k, transA, transB) => {
    if (m * n * k < NATIVE_MATMUL_MIN || !isF32(a) || !isF32(b) || !isF32(out)) reference.gemm(a, b, out, m, n, k, transA, transB);
    else addon.sgemm(a, 0, b, 0, out, 0, m, n, k, transA, transB, threads, level);
  };

  const matmul: Kernels['matmul'] = (a, aShape, b, bShape, transA, transB, out, outShape) => {
    const ra = aShape.length;
    const mk = aShape[ra - 1]! * aShape[ra - 2]!;
    const nOut = transB ? bShape[bShape.length - 2]! : bShape[bShape.length - 1]!;
    if (!isF32(a) || !isF32(b) || !isF32(out) || mk * nOut < NATIVE_MATMUL_MIN) {
      reference.matmul(a, aShape, b, bShape, transA, transB, out, outShape);
      return;
    }
    const { m, k, n, aIndex, bIndex } = batchPlan(aShape, bShape, transA, transB);
    for (let t = 0; t < aIndex.length; t++) addon.sgemm(a, aIndex[t]! * m * k, b, bIndex[t]! * k * n, out, t * m * n, m, n, k, transA, transB, threads, level);
  };

  // RMSprop's float64 arithmetic vectorizes in C++ (in WebAssembly it runs a value at a time).
  const rmspropUpdate: Kernels['rmspropUpdate'] = (p, g, sq, m, avg, len, lr, rho, mu, eps, centered) => {
    if (len >= NATIVE_MIN && isF32(p) && isF32(g)) addon.rmspropUpdate(p, g, sq, m, avg, len, lr, rho, mu, eps, centered, threads);
    else reference.rmspropUpdate(p, g, sq, m, avg, len, lr, rho, mu, eps, centered);
  };
  // SGD and Adam here too, so that the step's work stays on one pool of threads.
  const sgdUpdate: Kernels['sgdUpdate'] = (p, g, v, len, lr, mu, nesterov) => {
    if (len >= NATIVE_MIN && isF32(p) && isF32(g)) addon.sgdUpdate(p, g, v, len, lr, mu, nesterov, threads);
    else reference.sgdUpdate(p, g, v, len, lr, mu, nesterov);
  };
  const adamUpdate: Kernels['adamUpdate'] = (p, g, m, v, len, alpha, b1, b2, eps) => {
    if (len >= NATIVE_MIN && isF32(p) && isF32(g)) addon.adamUpdate(p, g, m, v, len, alpha, b1, b2, eps, threads);
    else reference.adamUpdate(p, g, m, v, len, alpha, b1, b2, eps);
  };
  // Uniform draws (dropout masks) straight from the generator's live state words.
  const fillRandom: Kernels['fillRandom'] = (out, rng, dist, a, b) => {
    if (dist === 'uniform' && out.length >= NATIVE_MIN && isF32(out)) addon.fillUniform(rng.words, out, a, b);
    else reference.fillRandom(out, rng, dist, a, b);
  };

  // Transcendental maps (the recurrent gates' sigmoid and tanh, softmax's exp) in float64 with a
  // vectorized exp of the addon's own (log, softplus: the C library's): within a float32 ulp of
  // the reference (V8's), not bit for bit by construction (native/elementwise.h).
  const unary = (op: (typeof NATIVE_UNARY)[number]): Kernels[UnaryOp] => {
    const code = NATIVE_UNARY.indexOf(op);
    const fallback = wasm.kernels[op];
    return (x, out) => {
      if (x.length >= NATIVE_MIN && isF32(x) && isF32(out)) addon.unary(code, x, out);
      else fallback(x, out);
    };
  };
  const maps = Object.fromEntries(NATIVE_UNARY.map((op) => [op, unary(op)])) as Pick<Kernels, (typeof NATIVE_UNARY)[number]>;

  // The fused LSTM and GRU cells, one call each way per time step (their transcendentals as the maps' above).
  const lstmCell: Kernels['lstmCell'] = (z, cPrev, rows, units, h, c, act, gate) => {
    if (isF32(z) && isF32(cPrev) && isF32(h) && isF32(c) && isF32(act)) addon.lstmCell(z, cPrev, rows, units, h, c, act, gate);
    else reference.lstmCell(z, cPrev, rows, units, h, c, act, gate);
  };
  const lstmCellGrad: Kernels['lstmCellGrad'] = (act, cPrev, dh, dc, rows, units, dz, dcPrev, gate) => {
    if (isF32(act) && isF32(cPrev) && isF32(dh) && isF32(dc) && isF32(dz) && isF32(dcPrev)) addon.lstmCellGrad(act, cPrev, dh, dc, rows, units, dz, dcPrev, gate);
    else reference.lstmCellGrad(act, cPrev, dh, dc, rows, units, dz, dcPrev, gate);
  };
  const softmaxCrossEntropy: Kernels['softmaxCrossEntropy'] = (z, y, rows, n, loss, probs) => {
    if (rows * n >= NATIVE_MIN && isF32(z) && isF32(y) && isF32(loss) && isF32(probs)) addon.softmaxCrossEntropy(z, y, rows, n, loss, probs);
    else reference.softmaxCrossEntropy(z, y, rows, n, loss, probs);
  };
  const gruCell: Kernels['gruCell'] = (x, inner, h, rows, units, out, act, gate) => {
    if (isF32(x) && isF32(inner) && isF32(h) && isF32(out) && isF32(act)) addon.gruCell(x, inner, h, rows, units, out, act, gate);
    else reference.gruCell(x, inner, h, rows, units, out, act, gate);
  };
  const gruCellGrad: Kernels['gruCellGrad'] = (act, inner, h, dOut, rows, units, dx, dInner, dh, gate) => {
    if (isF32(act) && isF32(inner) && isF32(h) && isF32(dOut) && isF32(dx) && isF32(dInner) && isF32(dh)) addon.gruCellGrad(act, inner, h, dOut, rows, units, dx, dInner, dh, gate);
    else reference.gruCellGrad(act, inner, h, dOut, rows, units, dx, dInner, dh, gate);
  };
  const gruGates: Kernels['gruGates'] = (x, inner, hr, rows, units, z, rh, act, gate) => {
    if (isF32(x) && isF32(inner) && isF32(hr) && isF32(z) && isF32(rh) && isF32(act)) addon.gruGates(x, inner, hr, rows, units, z, rh, act, gate);
    else reference.gruGates(x, inner, hr, rows, units, z, rh, act, gate);
  };
  const gruGatesGrad: Kernels['gruGatesGrad'] = (act, hr, dz, drh, rows, units, dx, dInner, dhr, gate) => {
    if (isF32(act) && isF32(hr) && isF32(dz) && isF32(drh) && isF32(dx) && isF32(dInner) && isF32(dhr)) addon.gruGatesGrad(act, hr, dz, drh, rows, units, dx, dInner, dhr, gate);
    else reference.gruGatesGrad(act, hr, dz, drh, rows, units, dx, dInner, dhr, gate);
  };
  const gruOutput: Kernels['gruOutput'] = (x, q, h, z, rows, units, out, act) => {
    if (isF32(x) && isF32(q) && isF32(h) && isF32(z) && isF32(out) && isF32(act)) addon.gruOutput(x, q, h, z, rows, units, out, act);
    else reference.gruOutput(x, q, h, z, rows, units, out, act);
  };
  const gruOutputGrad: Kernels['gruOutputGrad'] = (act, h, z, dOut, rows, units, dx, dq, dh, dz) => {
    if (isF32(act) && isF32(h) && isF32(z) && isF32(dOut) && isF32(dx) && isF32(dq) && isF32(dh) && isF32(dz)) addon.gruOutputGrad(act, h, z, dOut, rows, units, dx, dq, dh, dz);
    else reference.gruOutputGrad(act, h, z, dOut, rows, units, dx, dq, dh, dz);
  };

  // A convolution's im2col and col2im, split by image across the threads.
  const win = new Int32Array(WINDOW_FIELDS);
  const place = (w: Window2d): Int32Array => writeWindow(w, win);
  const im2col: Kernels['im2col'] = (x, w, fill, out) => {
    if (out.length >= NATIVE_MIN && isF32(x) && isF32(out)) addon.im2col(x, place(w), fill, out, threads);
    else wasm.kernels.im2col(x, w, fill, out);
  };
  const col2im: Kernels['col2im'] = (cols, w, out) => {
    if (cols.length >= NATIVE_MIN && isF32(cols) && isF32(out)) addon.col2im(cols, place(w), out, threads);
    else wasm.kernels.col2im(cols, w, out);
  };

  // Depthwise convolution and its adjoints: by image (forward, input gradient) or by halves of the batch (filter gradient).
  const depthwise = (kind: 0 | 1 | 2, name: 'depthwiseConv' | 'depthwiseConvGradInput' | 'depthwiseConvGradFilter') => (a: Buf, b: Buf, w: Window2d, m: number, out: Buf): void => {
    if (isF32(a) && isF32(b) && isF32(out)) addon.depthwise(kind, a, b, place(w), m, out, threads);
    else wasm.kernels[name](a, b, w, m, out);
  };
  const depthwiseConv = depthwise(0, 'depthwiseConv');
  const depthwiseConvGradInput = depthwise(1, 'depthwiseConvGradInput');
  const depthwiseConvGradFilter = depthwise(2, 'depthwiseConvGradFilter');

  // Max pooling and its gradient, by image.
  const maxPool: Kernels['maxPool'] = (x, w, out, taps) => {
    if (x.length >= NATIVE_MIN && isF32(x) && isF32(out) && isF32(taps)) addon.maxPool(0, x, taps, place(w), out, threads);
    else wasm.kernels.maxPool(x, w, out, taps);
  };
  const maxPoolGrad: Kernels['maxPoolGrad'] = (g, taps, w, out) => {
    if (out.length >= NATIVE_MIN && isF32(g) && isF32(taps) && isF32(out)) addon.maxPool(1, g, taps, place(w), out, threads);
    else wasm.kernels.maxPoolGrad(g, taps, w, out);
  };

  // A convolution's products over blocks of windows (the compiler's rewrite of im2col and its products).
  const conv: Kernels['conv'] = (x, w, b, n, out) => {
    if (isF32(x) && isF32(b) && isF32(out)) addon.conv(0, x, b, place(w), n, out, threads, level);
    else wasm.kernels.conv(x, w, b, n, out);
  };
  const convGradFilter: Kernels['convGradFilter'] = (x, w, g, n, out) => {
    if (isF32(x) && isF32(g) && isF32(out)) addon.conv(1, x, g, place(w), n, out, threads, level);
    else wasm.kernels.convGradFilter(x, w, g, n, out);
  };
  const convGradInput: Kernels['convGradInput'] = (g, b, w, n, out) => {
    if (isF32(g) && isF32(b) && isF32(out)) addon.conv(2, g, b, place(w), n, out, threads, level);
    else wasm.kernels.convGradInput(g, b, w, n, out);
  };

  // Arithmetic and comparisons (same shapes, a scalar, a row or a value per row broadcast), where,
  // and reductions along one run of axes: the reference's results bit for bit (native/arith.h).
  const binary = (op: BinaryOp & keyof typeof BINARY_CODES): Kernels[BinaryOp] => {
    const code = BINARY_CODES[op];
    const fallback = wasm.kernels[op];
    return (a, aShape, b, bShape, out, outShape) => {
      const n = out.length;
      if (n >= NATIVE_MIN && isF32(a) && isF32(b) && isF32(out)) {
        const layout = binaryLayout(a.length, aShape, b.length, bShape, outShape, n);
        if (layout >= 0) {
          const rowLen = layout >= 3 ? outShape[outShape.length - 1]! : n;
          addon.binary(code, layout, a, b, out, n / rowLen, rowLen, threads);
          return;
        }
      }
      fallback(a, aShape, b, bShape, out, outShape);
    };
  };
  const arithmetic = Object.fromEntries(NATIVE_BINARY.map((op) => [op, binary(op)])) as Pick<Kernels, (typeof NATIVE_BINARY)[number]>;
  const where: Kernels['where'] = (cond, cShape, a, aShape, b, bShape, out, outShape) => {
    const n = out.length;
    const layout = selectLayout(cond, a, b, n);
    if (layout >= 0 && n >= NATIVE_MIN && isF32(cond) && isF32(a) && isF32(b) && isF32(out)) addon.select(cond, a, b, out, layout, threads);
    else wasm.kernels.where(cond, cShape, a, aShape, b, bShape, out, outShape);
  };
  const block = [0, 0, 0];
  const reduce = (op: ReduceOp): Kernels[ReduceOp] => {
    const code = NATIVE_REDUCE.indexOf(op);
    const fallback = wasm.kernels[op];
    return (x, shape, axes, out) => {
      if (x.length >= NATIVE_MIN && out.length > 0 && isF32(x) && isF32(out) && reduceBlock(shape, axes, block)) addon.reduce(code, x, out, block[0]!, block[1]!, block[2]!, threads);
      else fallback(x, shape, axes, out);
    };
  };
  const reductions = Object.fromEntries(NATIVE_REDUCE.map((op) => [op, reduce(op)])) as Pick<Kernels, ReduceOp>;

  // A Dense layer's fused kernels (compile/fuse.ts): bias and activation, its derivative, the bias
  // gradient (the column sums of the reference, float32 row by row: the addon's reduce).
  const biasAct: Kernels['biasAct'] = (z, bias, rows, n, act) => {
    if (rows * n >= NATIVE_MIN) addon.biasAct(z, bias, rows, n, ACT_CODES[act], threads);
    else wasm.kernels.biasAct(z, bias, rows, n, act);
  };
  const actGrad: Kernels['actGrad'] = (a, dz, len, act) => {
    if (len >= NATIVE_MIN) addon.actGrad(a, dz, len, ACT_CODES[act], threads);
    else wasm.kernels.actGrad(a, dz, len, act);
  };
  const biasGrad: Kernels['biasGrad'] = (dz, db, rows, n) => {
    if (rows * n >= NATIVE_MIN && n > 0) addon.reduce(0, dz, db, 1, rows, n, threads);
    else wasm.kernels.biasGrad(dz, db, rows, n);
  };

  // An embedding's rows and their gradient (gather and scatterAdd along one axis): a copy per row,
  // where JavaScript's subarray-and-set cost ~100 ns a row; indices checked before anything is written.
  const around = [0, 0, 0];
  const split = (shape: readonly number[], axis: number): void => {
    let outer = 1, inner = 1;
    for (let d = 0; d < shape.length; d++) if (d < axis) outer *= shape[d]!; else if (d > axis) inner *= shape[d]!;
    around[0] = outer;
    around[1] = shape[axis]!;
    around[2] = inner;
  };
  const outOfRange = (op: string, indices: ArrayLike<number>, at: number, len: number): Error => new Error(`${op}: index ${indices[at]} at position ${at} is out of range [0, ${len})`);
  const indexArray = (i: Int32Array | Buf): i is Float32Array | Int32Array => i.BYTES_PER_ELEMENT === 4;
  const gather: Kernels['gather'] = (x, shape, indices, axis, out) => {
    if (out.length >= NATIVE_MIN && isF32(x) && isF32(out) && indexArray(indices)) {
      split(shape, axis);
      const bad = addon.gather(x, around[0]!, around[1]!, around[2]!, indices, out);
      if (bad >= 0) throw outOfRange('gather', indices, bad, around[1]!);
    } else reference.gather(x, shape, indices, axis, out);
  };
  const scatterAdd: Kernels['scatterAdd'] = (g, indices, axis, out, outShape) => {
    if (out.length >= NATIVE_MIN && isF32(g) && isF32(out) && indexArray(indices)) {
      split(outShape, axis);
      const bad = addon.scatterAdd(g, around[0]!, around[1]!, around[2]!, indices, out);
      if (bad >= 0) throw outOfRange('scatterAdd', indices, bad, around[1]!);
    } else reference.scatterAdd(g, indices, axis, out, outShape);
  };

  // The other optimizers' updates, in the reference's float64 arithmetic (native/update.h).
  const adagradUpdate: Kernels['adagradUpdate'] = (p, g, a, len, lr, eps) => {
    if (len >= NATIVE_MIN && isF32(p) && isF32(g)) addon.adagradUpdate(p, g, a, len, lr, eps, threads);
    else reference.adagradUpdate(p, g, a, len, lr, eps);
  };
  const adadeltaUpdate: Kernels['adadeltaUpdate'] = (p, g, eg, ed, len, lr, rho, eps) => {
    if (len >= NATIVE_MIN && isF32(p) && isF32(g)) addon.adadeltaUpdate(p, g, eg, ed, len, lr, rho, eps, threads);
    else reference.adadeltaUpdate(p, g, eg, ed, len, lr, rho, eps);
  };
  const adamaxUpdate: Kernels['adamaxUpdate'] = (p, g, m, u, len, lr, b1, b2, eps, corr) => {
    if (len >= NATIVE_MIN && isF32(p) && isF32(g)) addon.adamaxUpdate(p, g, m, u, len, lr, b1, b2, eps, corr, threads);
    else reference.adamaxUpdate(p, g, m, u, len, lr, b1, b2, eps, corr);
  };
  const scaleUpdate: Kernels['scaleUpdate'] = (p, len, k) => {
    if (len >= NATIVE_MIN && isF32(p)) addon.scaleUpdate(p, len, k, threads);
    else reference.scaleUpdate(p, len, k);
  };

  const native = [...NATIVE_UNARY, ...NATIVE_BINARY, 'where', ...NATIVE_REDUCE, 'biasAct', 'actGrad', 'biasGrad', 'adagradUpdate', 'adadeltaUpdate', 'adamaxUpdate', 'scaleUpdate', 'gather', 'scatterAdd', 'im2col', 'col2im', 'conv', 'convGradFilter', 'convGradInput', 'maxPool', 'maxPoolGrad', 'depthwiseConv', 'depthwiseConvGradInput', 'depthwiseConvGradFilter', 'matmul', 'gemm', 'sgdUpdate', 'adamUpdate', 'rmspropUpdate', 'fillRandom', 'softmaxCrossEntropy', 'lstmCell', 'lstmCellGrad', 'gruCell', 'gruCellGrad', 'gruGates', 'gruGatesGrad', 'gruOutput', 'gruOutputGrad'];
  return {
    // The WebAssembly backend's memory, threads and one-call step for tiny Dense stacks (where a
    // call per kernel would cost more than the work), with these kernels in place of its own.
    ...wasm,
    name: `native ${isa}${threads > 1 ? ` (${threads} threads)` : ''}`,
    gatherRows: (src, width, dst, order, start, end) => addon.gatherRows(src, width, dst, order, start, end),
    allFinite: (x) => addon.allFinite(x),
    kernels: { ...wasm.kernels, ...maps, ...arithmetic, where, ...reductions, biasAct, actGrad, biasGrad, adagradUpdate, adadeltaUpdate, adamaxUpdate, scaleUpdate, gather, scatterAdd, im2col, col2im, conv, convGradFilter, convGradInput, maxPool, maxPoolGrad, depthwiseConv, depthwiseConvGradInput, depthwiseConvGradFilter, matmul, gemm, sgdUpdate, adamUpdate, rmspropUpdate, fillRandom, softmaxCrossEntropy, lstmCell, lstmCellGrad, gruCell, gruCellGrad, gruGates, gruGatesGrad, gruOutput, gruOutputGrad },
    isa,
    isas: info.isas,
    threads,
    nativeKernels: native,
    wasmKernels: wasm.nativeKernels.filter((k) => !native.includes(k)),
  };
}
