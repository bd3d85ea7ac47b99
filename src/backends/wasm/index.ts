/**
 * The WebAssembly SIMD backend. Matrix products, where training spends its time, run in a
 * packed, register-blocked SIMD kernel (assembly/gemm.ts) with the transposes folded into
 * packing; a compiled step's elementwise kernels and optimizer updates run in
 * assembly/elementwise.ts and assembly/train.ts, and a tiny program's calls in one call to
 * assembly/program.ts. Everything else falls back, explicitly, to the TypeScript reference
 * backend (`nativeKernels` lists what is native).
 *
 * Long-lived buffers (weights, optimizer state, a compiled step's storage) live in the
 * module's memory (`allocResident`), and kernels given such arrays work on them in place; other
 * operands of a product are copied in and out. Small products and float64 data (gradient checks)
 * use the reference kernels: copying would cost more than the work. Where SharedArrayBuffer
 * exists the memory is shared, so it can grow without detaching the arrays handed out.
 */
import type { Backend, Kernels, StepActivation } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { RECURRENT_KERNELS, type RecurrentExports, nativeRecurrent } from './recurrent.js';
import { ELEMENTWISE_KERNELS, type ElementwiseExports, NATIVE_MIN, nativeElementwise } from './elementwise.js';
import { type ProgramExports, sequencer } from './program.js';
import { type SplitWindow, WINDOW_FIELDS, WINDOW_KERNELS, type WindowExports, nativeWindow, writeWindow } from './window.js';

export { NATIVE_MIN };
import { batchPlan } from '../batch.js';
import type { Buf } from '../../tensor/tensor.js';
import {
  KERNELS_RELAXED_SHARED_WASM_BASE64, KERNELS_RELAXED_WASM_BASE64, KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64, RELAXED_PROBE_BASE64,
} from './kernels.generated.js';
import { Arena } from './arena.js';
import { type Band, GemmPool, PoolOp, WindowKernel } from './pool.js';

/** The smallest module using v128: validates only where WebAssembly SIMD exists. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether this runtime can run WebAssembly SIMD. */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Whether this runtime has relaxed SIMD (fused multiply-add in the GEMM kernel). */
export function wasmRelaxedSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(decode(RELAXED_PROBE_BASE64) as BufferSource);
  } catch {
    return false;
  }
}

type NodeProcess = { versions?: { node?: string }; getBuiltinModule?: (m: string) => unknown };

/**
 * Node 20 and 21 carry V8's relaxed SIMD (the fused multiply-add the GEMM kernel wants, on by
 * default from Node 22 and in current browsers) behind a flag. V8 reads wasm feature flags when
 * it compiles a module, and flags are process-wide, so setting it before compiling ours turns it
 * on here and in our worker threads. Only there, only on those versions, and only if the probe
 * then validates. Returns whether relaxed SIMD is available.
 */
export function enableRelaxedSimd(): boolean {
  if (wasmRelaxedSimdSupported()) return true;
  const proc = (globalThis as { process?: NodeProcess }).process;
  const major = Number(proc?.versions?.node?.split('.')[0]);
  if (major !== 20 && major !== 21) return false;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  if (v8?.setFlagsFromString === undefined) return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return wasmRelaxedSimdSupported();
}

interface KernelExports extends ElementwiseExports, WindowExports, ProgramExports, RecurrentExports {
  memory?: WebAssembly.Memory;
  __heap_base?: WebAssembly.Global;
  EDGE_BYTES: WebAssembly.Global;
  setScratch(a: number, b: number, edge: number): void;
  scratchA(m: number): number;
  scratchB(n: number): number;
  sgemm(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number, rowStart: number, rowEnd: number, colStart: number, colEnd: number): void;
  biasAct(z: number, bias: number, rows: number, n: number, act: number): void;
  actGrad(a: number, dz: number, len: number, act: number): void;
  biasGrad(dz: number, db: number, rows: number, n: number): void;
  sgdUpdate(p: number, g: number, v: number, len: number, lr: number, mu: number, nesterov: number): void;
  adamUpdate(p: number, g: number, m: number, v: number, len: number, alpha: number, b1: number, b2: number, eps: number): void;
}

function decode(base64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(base64, 'base64'));
  const bin = atob(base64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * float32 storage? Checked by element width: in Node 20's V8, `x instanceof Float32Array`
 * on this hot path allocated ~0.6 KB per call (measured), which the training step must not.
 */
const isF32 = (x: Buf): boolean => x.BYTES_PER_ELEMENT === 4;

/** Products below this many multiply-adds run in the reference kernel. */
export const WASM_MATMUL_MIN = 16 * 16 * 16;
/** Products below this many multiply-adds stay on one thread. */
export const THREAD_MIN = 1 << 20;
/** Optimizer updates on fewer values than this stay on one thread. */
export const UPDATE_THREAD_MIN = 1 << 16;
/** Rows and columns of the micro-kernel's panels (bands are multiples of them). */
const MR = 4;
const NR = 8;

export interface WasmOptions {
  /** Threads for large products (default: the cores available; 1 disables workers). */
  threads?: number;
  /** Called once if worker threads cannot be used (default: console.warn). */
  warn?: (message: string) => void;
  /**
   * Use relaxed SIMD (fused multiply-add) where the runtime has it or can turn it on (Node 20–21;
   * see enableRelaxedSimd). Default true; false keeps the plain-SIMD build.
   */
  relaxed?: boolean;
  /**
   * Shared memory (default: where SharedArrayBuffer exists). Without it there are no worker
   * threads and no resident arrays: every operand is copied in and out.
   */
  shared?: boolean;
}

export interface WasmBackend extends Backend {
  /** Kernels that run in WebAssembly; the rest use the reference implementation. */
  readonly nativeKernels: readonly string[];
  /** Threads products are split across (1 when workers are unavailable). */
  readonly threads: number;
  /** Whether the kernel uses relaxed SIMD's fused multiply-add. */
  readonly relaxed: boolean;
  /** Bytes of kernel memory in live allocations (resident arrays, scratch, staging). */
  residentBytes(): number;
  /** Resolves once every worker thread has started (or failed), with the threads then running. */
  ready(): Promise<number>;
  /** Shares of kernel calls computed by worker threads so far (diagnostics). */
  workerBands(): number;
}

/** The cores available (Node's availableParallelism, a browser's hardwareConcurrency), at most 8. */
function defaultThreads(): number {
  const rt = globalThis as { process?: { getBuiltinModule?: (m: string) => { availableParallelism?: () => number } | undefined }; navigator?: { hardwareConcurrency?: number } };
  const cores = rt.process?.getBuiltinModule?.('node:os')?.availableParallelism?.() ?? rt.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(8, cores));
}

export const ACT_CODES: Record<StepActivation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };

/** Creates the WebAssembly backend; throws where WebAssembly SIMD is unavailable. */
export function wasmBackend(options: WasmOptions = {}): WasmBackend {
  if (!wasmSimdSupported()) throw new Error('wasmBackend: this runtime does not support WebAssembly SIMD; use jsBackend()');
  const shared = (options.shared ?? true) && typeof SharedArrayBuffer !== 'undefined';
  let threads = shared ? Math.max(1, Math.floor(options.threads ?? defaultThreads())) : 1;
  const relaxed = (options.relaxed ?? true) && enableRelaxedSimd();
  const env = { abort: () => { throw new Error('wasm kernel aborted'); } };
  let e: KernelExports;
  let memory: WebAssembly.Memory;
  let pool: GemmPool | null = null;
  if (shared) {
    memory = new WebAssembly.Memory({ initial: 32, maximum: 32768, shared: true });
    const plainShared = new WebAssembly.Module(decode(KERNELS_SHARED_WASM_BASE64) as BufferSource);
    const module = relaxed ? new WebAssembly.Module(decode(KERNELS_RELAXED_SHARED_WASM_BASE64) as BufferSource) : plainShared;
    e = new WebAssembly.Instance(module, { env: { ...env, memory } }).exports as unknown as KernelExports;
    if (threads > 1) {
      // A worker that cannot use the relaxed build (a runtime flag the workers lack) falls back
      // to plain SIMD: results then agree within float tolerance rather than bit for bit.
      const warn = options.warn ?? console.warn;
      const created = GemmPool.create(relaxed ? [module, plainShared] : [module], memory, threads, (why) => warn(`neurite: a WebAssembly worker thread is not running: ${why}`));
      if (typeof created === 'string') {
        warn(`neurite: running WebAssembly kernels on one thread: ${created}`);
        threads = 1;
      } else pool = created;
    }
  } else {
    const module = new WebAssembly.Module(decode(relaxed ? KERNELS_RELAXED_WASM_BASE64 : KERNELS_WASM_BASE64) as BufferSource);
    e = new WebAssembly.Instance(module, { env }).exports as unknown as KernelExports;
    memory = e.memory!;
  }
  const edgeBytes = e.EDGE_BYTES.value as number;
  let f32 = new Float32Array(memory.buffer);
  /** Every buffer object our arrays were made on: an array on one of them is resident. */
  const buffers = new Set<ArrayBufferLike>([f32.buffer]);

  // Result views by region, reused across calls (a training step repeats the same few
  // products); dropped when the memory grows.
  let views = new Map<number, Map<number, Float32Array>>();

  // Only the arena grows the memory (workers never do), so the size is tracked here: reading
  // `memory.buffer` of a shared memory makes a new object.
  const arena = new Arena(e.__heap_base?.value ?? 65536, f32.length * 4, (pages) => {
    memory.grow(pages);
    f32 = new Float32Array(memory.buffer);
    if (shared) buffers.add(f32.buffer);
    views = new Map();
  });

  const registry = shared && typeof FinalizationRegistry !== 'undefined' ? new FinalizationRegistry<number>((ptr) => arena.release(ptr)) : null;

  const allocResident = (n: number): Float32Array => {
    const ptr = arena.alloc(Math.max(1, n) * 4);
    const view = new Float32Array(f32.buffer, ptr, n);
    view.fill(0);
    registry!.register(view, ptr);
    return view;
  };

  const resident = (x: Buf): boolean => shared && buffers.has(x.buffer);

  /** Staging regions (A, B, C operands; per-thread scratch), grown when too small. */
  const staging: Array<{ ptr: number; size: number }> = [];
  const stage = (slot: number, bytes: number): number => {
    let s = staging[slot];
    if (s === undefined) staging[slot] = s = { ptr: -1, size: 0 };
    if (s.size < bytes) {
      if (s.ptr >= 0) arena.release(s.ptr);
      const size = Math.max(bytes, s.size * 2);
      s.ptr = -1;
      s.size = 0;
      s.ptr = arena.alloc(size);
      s.size = size;
    }
    return s.ptr;
  };

  /**
   * When WebAssembly memory cannot grow to stage a product's operands, the reference kernel
   * computes it in JavaScript memory instead; said once.
   */
  let warnedStaging = false;
  const stagingFailed = (e: unknown, m: number, k: number, n: number): void => {
    if (!(e instanceof RangeError)) throw e;
    if (!warnedStaging) {
      warnedStaging = true;
      (options.warn ?? console.warn)(`neurite: a ${m}×${k}·${k}×${n} product does not fit in WebAssembly memory beside the data already there; such products run in the (slower) reference kernel`);
    }
  };

  const reference = jsBackend().kernels;

  const resultView = (ptr: number, length: number): Float32Array => {
    let byLength = views.get(ptr);
    if (byLength === undefined) views.set(ptr, (byLength = new Map()));
    let view = byLength.get(length);
    if (view === undefined) byLength.set(length, (view = f32.subarray(ptr >> 2, (ptr >> 2) + length)));
    return view;
  };

  const bands: Band[] = Array.from({ length: threads }, () => ({ start: 0, end: 0, colStart: 0, colEnd: 0, packA: 0, packB: 0, edge: 0 }));
  const params = new Array<number>(8).fill(0);
  const updateParams = new Array<number>(4).fill(0);
  const updateFloats = new Array<number>(4).fill(0);

  /**
   * Splits C into one block per thread and gives each its scratch. Each thread packs its rows
   * of A and its columns of B, so the split goes along the longer side: by columns when C is
   * wider than tall (W3's forward products, 128 × 512), else by rows.
   */
  const layoutBands = (m: number, n: number, parts: number): void => {
    const byColumns = parts > 1 && n > m;
    const rowsPer = byColumns ? m : Math.ceil(m / parts / MR) * MR;
    const colsPer = byColumns ? Math.ceil(n / parts / NR) * NR : n;
    const bytesA = e.scratchA(rowsPer);
    const bytesB = e.scratchB(colsPer);
    for (let t = 0; t < parts; t++) {
      const band = bands[t]!;
      band.start = byColumns ? 0 : Math.min(m, t * rowsPer);
      band.end = byColumns ? m : Math.min(m, (t + 1) * rowsPer);
      band.colStart = byColumns ? Math.min(n, t * colsPer) : 0;
      band.colEnd = byColumns ? Math.min(n, (t + 1) * colsPer) : n;
      band.packA = stage(3 + 3 * t, bytesA);
      band.packB = stage(4 + 3 * t, bytesB);
      band.edge = stage(5 + 3 * t, edgeBytes);
    }
  };

  const own = (band: Band): void => {
    e.setScratch(band.packA, band.packB, band.edge);
    e.sgemm(params[0]!, params[1]!, params[2]!, params[3]!, params[4]!, params[5]!, params[6]!, params[7]!, band.start, band.end, band.colStart, band.colEnd);
  };

  /** C = op(A)·op(B) for operands at pa, pb, pc, split across threads when large. */
  const runProduct = (pa: number, pb: number, pc: number, m: number, n: number, k: number, ta: boolean, tb: boolean): void => {
    const parts = pool !== null && m * n * k >= THREAD_MIN && (m >= 2 * MR || n >= 2 * NR) ? threads : 1;
    layoutBands(m, n, parts);
    params[0] = pa; params[1] = pb; params[2] = pc; params[3] = m; params[4] = n; params[5] = k; params[6] = ta ? 1 : 0; params[7] = tb ? 1 : 0;
    if (parts > 1 && pool !== null) pool.run(PoolOp.Gemm, params, [], bands, parts, own);
    else for (let t = 0; t < parts; t++) own(bands[t]!);
  };

  /** Threads for an update of `len` values, with bands of whole 16-value blocks laid out. */
  const updateParts = (len: number): number => {
    if (pool === null || len < UPDATE_THREAD_MIN) return 1;
    const per = Math.ceil(len / threads / 16) * 16;
    for (let t = 0; t < threads; t++) {
      bands[t]!.start = Math.min(len, t * per);
      bands[t]!.end = Math.min(len, (t + 1) * per);
    }
    return threads;
  };
  const ownAdam = (band: Band): void => {
    const o = band.start * 4;
    const [p, g, m, v] = updateParams as [number, number, number, number];
    e.adamUpdate(p + o, g + o, m + o, v + o, band.end - band.start, updateFloats[0]!, updateFloats[1]!, updateFloats[2]!, updateFloats[3]!);
  };
  const ownSgd = (band: Band): void => {
    const o = band.start * 4;
    const [p, g, v, nesterov] = updateParams as [number, number, number, number];
    e.sgdUpdate(p + o, g + o, v === 0 ? 0 : v + o, band.end - band.start, updateFloats[0]!, updateFloats[1]!, nesterov);
  };

  const matmul: Kernels['matmul'] = (a, aShape, b, bShape, transA, transB, out, outShape) => {
    // Decide from the last two axes first: the reference kernel plans its own batches.
    const ra = aShape.length;
    const mk = aShape[ra - 1]! * aShape[ra - 2]!;
    const nOut = transB ? bShape[bShape.length - 2]! : bShape[bShape.length - 1]!;
    if (!isF32(a) || !isF32(b) || !isF32(out) || mk * nOut < WASM_MATMUL_MIN) {
      reference.matmul(a, aShape, b, bShape, transA, transB, out, outShape);
      return;
    }
    const { m, k, n, aIndex, bIndex } = batchPlan(aShape, bShape, transA, transB);
    const sizeA = m * k;
    const sizeB = k * n;
    const sizeC = m * n;
    // Stage all three first: a growing memory replaces f32.
    let pa = 0;
    let pb = 0;
    let pc = 0;
    try {
      pa = stage(0, sizeA * 4);
      pb = stage(1, sizeB * 4);
      pc = stage(2, sizeC * 4);
    } catch (e) {
      stagingFailed(e, m, k, n);
      reference.matmul(a, aShape, b, bShape, transA, transB, out, outShape);
      return;
    }
    let ia = -1;
    let ib = -1;
    for (let t = 0; t < aIndex.length; t++) {
      // Copy each operand only when the batch moves to a different matrix.
      const offA = aIndex[t]!;
      const offB = bIndex[t]!;
      if (offA !== ia) {
        f32.set(a.subarray(offA * sizeA, offA * sizeA + sizeA), pa >> 2);
        ia = offA;
      }
      if (offB !== ib) {
        f32.set(b.subarray(offB * sizeB, offB * sizeB + sizeB), pb >> 2);
        ib = offB;
      }
      runProduct(pa, pb, pc, m, n, k, transA, transB);
      out.set(f32.subarray(pc >> 2, (pc >> 2) + sizeC), t * sizeC);
    }
  };

  const gemm: Kernels['gemm'] = (a, b, out, m, n, k, transA, transB) => {
    if (m * n * k < WASM_MATMUL_MIN || !isF32(a) || !isF32(b) || !isF32(out)) {
      reference.gemm(a, b, out, m, n, k, transA, transB);
      return;
    }
    // Resident operands are used where they are; the others are staged (all staging first: a
    // growing memory replaces f32).
    const ra = resident(a);
    const rb = resident(b);
    const rc = resident(out);
    let pa = 0;
    let pb = 0;
    let pc = 0;
    try {
      pa = ra ? a.byteOffset : stage(0, m * k * 4);
      pb = rb ? b.byteOffset : stage(1, k * n * 4);
      pc = rc ? out.byteOffset : stage(2, m * n * 4);
    } catch (e) {
      stagingFailed(e, m, k, n);
      reference.gemm(a, b, out, m, n, k, transA, transB);
      return;
    }
    // Whole arrays go in as they are; views only when needed (each is a new object).
    if (!ra) f32.set(a.length === m * k ? a : a.subarray(0, m * k), pa >> 2);
    if (!rb) f32.set(b.length === k * n ? b : b.subarray(0, k * n), pb >> 2);
    runProduct(pa, pb, pc, m, n, k, transA, transB);
    if (!rc) out.set(resultView(pc, m * n));
  };

  // The step's elementwise kernels run natively on resident arrays of some size; the reference
  // otherwise (copying in and out, or a call into WebAssembly for a handful of values, would
  // cost more than the work).
  const biasAct: Kernels['biasAct'] = (z, bias, rows, n, act) => {
    if (rows * n >= NATIVE_MIN && resident(z) && (bias === null || resident(bias))) e.biasAct(z.byteOffset, bias === null ? 0 : bias.byteOffset, rows, n, ACT_CODES[act]);
    else reference.biasAct(z, bias, rows, n, act);
  };
  const actGrad: Kernels['actGrad'] = (a, dz, len, act) => {
    if (len >= NATIVE_MIN && resident(a) && resident(dz)) e.actGrad(a.byteOffset, dz.byteOffset, len, ACT_CODES[act]);
    else reference.actGrad(a, dz, len, act);
  };
  const biasGrad: Kernels['biasGrad'] = (dz, db, rows, n) => {
    if (rows * n >= NATIVE_MIN && resident(dz) && resident(db)) e.biasGrad(dz.byteOffset, db.byteOffset, rows, n);
    else reference.biasGrad(dz, db, rows, n);
  };
  const sgdUpdate: Kernels['sgdUpdate'] = (p, g, v, len, lr, mu, nesterov) => {
    if (len < NATIVE_MIN || !resident(p) || !resident(g) || (v !== null && !resident(v))) {
      reference.sgdUpdate(p, g, v, len, lr, mu, nesterov);
      return;
    }
    updateParams[0] = p.byteOffset; updateParams[1] = g.byteOffset; updateParams[2] = v === null ? 0 : v.byteOffset; updateParams[3] = nesterov ? 1 : 0;
    updateFloats[0] = lr; updateFloats[1] = mu;
    const parts = updateParts(len);
    if (parts > 1) pool!.run(PoolOp.Sgd, updateParams, updateFloats, bands, parts, ownSgd);
    else e.sgdUpdate(p.byteOffset, g.byteOffset, updateParams[2]!, len, lr, mu, updateParams[3]!);
  };
  const adamUpdate: Kernels['adamUpdate'] = (p, g, m, v, len, alpha, b1, b2, eps) => {
    if (len < NATIVE_MIN || !resident(p) || !resident(g) || !resident(m) || !resident(v)) {
      reference.adamUpdate(p, g, m, v, len, alpha, b1, b2, eps);
      return;
    }
    const parts = updateParts(len);
    if (parts === 1) {
      e.adamUpdate(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, len, alpha, b1, b2, eps);
      return;
    }
    updateParams[0] = p.byteOffset; updateParams[1] = g.byteOffset; updateParams[2] = m.byteOffset; updateParams[3] = v.byteOffset;
    updateFloats[0] = alpha; updateFloats[1] = b1; updateFloats[2] = b2; updateFloats[3] = eps;
    pool!.run(PoolOp.Adam, updateParams, updateFloats, bands, parts, ownAdam);
  };

  // Window kernels by bands of images: each band's window (its images as the batch) in a block of its own.
  const windowBlocks: Int32Array[] = [];
  // The Float32Arrays allocResident gave, held so the blocks stay allocated.
  const windowOwners: Float32Array[] = [];
  const windowParams = new Array<number>(8).fill(0);
  const windowFloats = [0];
  const runWindow = (band: Band): void => {
    const [kernel, a0, aPer, b0, bPer, o0, oPer, m] = windowParams as [WindowKernel, number, number, number, number, number, number, number];
    const n0 = band.start;
    const win = band.win!;
    const a = a0 + n0 * aPer, b = b0 + n0 * bPer, out = o0 + n0 * oPer;
    switch (kernel) {
      case WindowKernel.Im2col: e.im2col(a, win, windowFloats[0]!, out); break;
      case WindowKernel.Col2im: e.col2im(a, win, out); break;
      case WindowKernel.MaxPool: e.maxPool(a, win, out, b); break;
      case WindowKernel.MaxPoolGrad: e.maxPoolGrad(a, b, win, out); break;
      case WindowKernel.Depthwise: e.depthwiseConv(a, b, win, m, out); break;
      case WindowKernel.DepthwiseGradInput: e.depthwiseConvGradInput(a, b, win, m, out); break;
      default: e.depthwiseConvGradFilter(a, b, win, m, out, band.packA, n0); break;
    }
  };
  const splitWindow: SplitWindow = (kernel, w, a, aPer, b, bPer, out, outPer, m, fill, values, half = 0) => {
    if (pool === null || values < UPDATE_THREAD_MIN || w.batch < 2) return false;
    // The filter gradient's two halves of the batch (assembly/window.ts), whatever the threads.
    const halves = kernel === WindowKernel.DepthwiseGradFilter;
    const parts = halves ? 2 : Math.min(threads, w.batch);
    const per = Math.ceil(w.batch / parts);
    for (let t = 0; t < parts; t++) {
      if (windowBlocks[t] === undefined) {
        const owner = allocResident(WINDOW_FIELDS);
        windowBlocks[t] = new Int32Array(owner.buffer, owner.byteOffset, WINDOW_FIELDS);
        windowOwners.push(owner);
      }
      const start = halves ? t : Math.min(w.batch, t * per);
      const block = writeWindow(w, windowBlocks[t]!);
      if (!halves) block[0] = Math.min(w.batch, start + per) - start;
      bands[t]!.start = start;
      bands[t]!.win = block.byteOffset;
      bands[t]!.packA = half;
    }
    windowParams[0] = kernel; windowParams[1] = a; windowParams[2] = aPer; windowParams[3] = b; windowParams[4] = bPer; windowParams[5] = out; windowParams[6] = outPer; windowParams[7] = m;
    windowFloats[0] = fill;
    pool.run(PoolOp.Window, windowParams, windowFloats, bands, parts, runWindow);
    // out += half, as the one-thread kernel adds them (binary op 0 add, layout 0 alike).
    if (halves) e.binary(0, 0, out, half, out, 1, w.kH * w.kW * w.channels * m);
    return true;
  };
  const more = { ...nativeElementwise(e, resident, allocResident), ...nativeRecurrent(e, resident), ...nativeWindow(e, resident, allocResident, registry === null ? undefined : splitWindow) };

  return {
    name: `wasm${relaxed ? ' relaxed-simd' : ''}${threads > 1 ? ` (${threads} threads)` : ''}`,
    alloc: (n, dtype) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)),
    ...(registry === null ? {} : { allocResident, isResident: resident, sequence: sequencer(e, resident, allocResident) }),
    kernels: { ...reference, ...more, matmul, gemm, biasAct, actGrad, biasGrad, sgdUpdate, adamUpdate },
    nativeKernels: ['matmul', 'gemm', 'biasAct', 'actGrad', 'biasGrad', 'sgdUpdate', 'adamUpdate', 'rmspropUpdate', 'adagradUpdate', 'adadeltaUpdate', 'adamaxUpdate', 'scaleUpdate', ...ELEMENTWISE_KERNELS, ...WINDOW_KERNELS, ...RECURRENT_KERNELS],
    threads,
    relaxed,
    residentBytes: () => arena.used,
    ready: async () => {
      while (pool !== null && pool.startingWorkers() > 0) await new Promise((r) => setTimeout(r, 2));
      return pool === null ? 1 : 1 + pool.readyWorkers();
    },
    workerBands: () => (pool === null ? 0 : pool.workerBands()),
  };
}

/**
 * The default backend: WebAssembly SIMD where available (relaxed SIMD unless `plain`), else the
 * reference backend.
 */
export function defaultBackend(plain = false): Backend {
  return wasmSimdSupported() ? wasmBackend(plain ? { relaxed: false } : {}) : jsBackend();
}

