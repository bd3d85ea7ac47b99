/**
 * The WebAssembly SIMD backend. Matrix products, where training spends its time, run in a
 * packed, register-blocked SIMD kernel (assembly/gemm.ts) with the transposes folded into
 * packing; every other kernel falls back, explicitly, to the TypeScript reference backend
 * (`nativeKernels` lists what is native). Small products and float64 data (gradient checks)
 * also use the reference kernels: copying into WebAssembly memory would cost more than the
 * work.
 */
import type { Backend, Kernels } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { batchPlan } from '../batch.js';
import type { Buf } from '../../tensor/tensor.js';
import {
  KERNELS_RELAXED_SHARED_WASM_BASE64, KERNELS_RELAXED_WASM_BASE64, KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64, RELAXED_PROBE_BASE64,
} from './kernels.generated.js';
import { type Band, GemmPool } from './pool.js';

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

interface GemmExports {
  memory?: WebAssembly.Memory;
  __heap_base?: WebAssembly.Global;
  EDGE_BYTES: WebAssembly.Global;
  setScratch(a: number, b: number, edge: number): void;
  scratchA(m: number): number;
  scratchB(n: number): number;
  sgemm(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number, rowStart: number, rowEnd: number): void;
}

function decode(base64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(base64, 'base64'));
  const bin = atob(base64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const align16 = (x: number): number => (x + 15) & ~15;

/**
 * float32 storage? Checked by element width: in Node 20's V8, `x instanceof Float32Array`
 * on this hot path allocated ~0.6 KB per call (measured), which the training step must not.
 */
const isF32 = (x: Buf): boolean => x.BYTES_PER_ELEMENT === 4;

/** Products below this many multiply-adds run in the reference kernel. */
export const WASM_MATMUL_MIN = 16 * 16 * 16;
/** Products below this many multiply-adds stay on one thread. */
export const THREAD_MIN = 1 << 20;
/** Rows per micro-kernel panel (bands are multiples of it). */
const MR = 4;

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
}

export interface WasmBackend extends Backend {
  /** Kernels that run in WebAssembly; the rest use the reference implementation. */
  readonly nativeKernels: readonly string[];
  /** Threads products are split across (1 when workers are unavailable). */
  readonly threads: number;
  /** Whether the kernel uses relaxed SIMD's fused multiply-add. */
  readonly relaxed: boolean;
}

function defaultThreads(): number {
  const os = (globalThis as { process?: { getBuiltinModule?: (m: string) => { availableParallelism?: () => number } | undefined } }).process?.getBuiltinModule?.('node:os');
  return Math.max(1, Math.min(8, os?.availableParallelism?.() ?? 1));
}

/** Creates the WebAssembly backend; throws where WebAssembly SIMD is unavailable. */
export function wasmBackend(options: WasmOptions = {}): WasmBackend {
  if (!wasmSimdSupported()) throw new Error('wasmBackend: this runtime does not support WebAssembly SIMD; use jsBackend()');
  let threads = Math.max(1, Math.floor(options.threads ?? defaultThreads()));
  if (threads > 1 && typeof SharedArrayBuffer === 'undefined') threads = 1;
  const relaxed = (options.relaxed ?? true) && enableRelaxedSimd();
  const env = { abort: () => { throw new Error('wasm kernel aborted'); } };
  let e: GemmExports;
  let memory: WebAssembly.Memory;
  let pool: GemmPool | null = null;
  if (threads > 1) {
    memory = new WebAssembly.Memory({ initial: 32, maximum: 32768, shared: true });
    const plainShared = new WebAssembly.Module(decode(KERNELS_SHARED_WASM_BASE64) as BufferSource);
    const module = relaxed ? new WebAssembly.Module(decode(KERNELS_RELAXED_SHARED_WASM_BASE64) as BufferSource) : plainShared;
    e = new WebAssembly.Instance(module, { env: { ...env, memory } }).exports as unknown as GemmExports;
    // A worker that cannot use the relaxed build (a runtime flag the workers lack) falls back
    // to plain SIMD: results then agree within float tolerance rather than bit for bit.
    const created = GemmPool.create(relaxed ? [module, plainShared] : [module], memory, threads);
    if (typeof created === 'string') {
      (options.warn ?? console.warn)(`neurite: running WebAssembly kernels on one thread: ${created}`);
      threads = 1;
    } else pool = created;
  } else {
    const module = new WebAssembly.Module(decode(relaxed ? KERNELS_RELAXED_WASM_BASE64 : KERNELS_WASM_BASE64) as BufferSource);
    e = new WebAssembly.Instance(module, { env }).exports as unknown as GemmExports;
    memory = e.memory!;
  }
  const base = align16(e.__heap_base?.value ?? 65536);
  const edgeBytes = e.EDGE_BYTES.value as number;
  let f32 = new Float32Array(memory.buffer);

  // Result views by region, reused across calls (a training step repeats the same few
  // products); dropped when the memory grows.
  let views = new Map<number, Map<number, Float32Array>>();

  /**
   * Makes the memory at least `bytes` long. Only this function grows it (workers never do), so
   * the size is tracked here: reading `memory.buffer` of a shared memory makes a new object.
   */
  const ensure = (bytes: number): void => {
    const have = f32.length * 4;
    if (bytes <= have) return;
    memory.grow(Math.ceil((bytes - have) / 65536));
    f32 = new Float32Array(memory.buffer);
    views = new Map();
  };

  const reference = jsBackend().kernels;

  const resultView = (ptr: number, length: number): Float32Array => {
    let byLength = views.get(ptr);
    if (byLength === undefined) views.set(ptr, (byLength = new Map()));
    let view = byLength.get(length);
    if (view === undefined) byLength.set(length, (view = f32.subarray(ptr >> 2, (ptr >> 2) + length)));
    return view;
  };

  const bands: Band[] = Array.from({ length: threads }, () => ({ rowStart: 0, rowEnd: 0, packA: 0, packB: 0, edge: 0 }));
  const params = new Array<number>(8).fill(0);

  // Operand addresses set by layout() (variables, not a returned array: no garbage per call).
  let pa = 0;
  let pb = 0;
  let pc = 0;

  /** Lays out scratch for each thread and the operands, making sure the memory holds them. */
  const layout = (m: number, n: number, k: number, parts: number): void => {
    const rowsPer = Math.ceil(m / parts / MR) * MR;
    let at = base;
    for (let t = 0; t < parts; t++) {
      const band = bands[t]!;
      band.rowStart = Math.min(m, t * rowsPer);
      band.rowEnd = Math.min(m, (t + 1) * rowsPer);
      band.packA = at;
      at = align16(at + e.scratchA(rowsPer));
      band.packB = at;
      at = align16(at + e.scratchB(n));
      band.edge = at;
      at = align16(at + edgeBytes);
    }
    pa = at;
    pb = align16(pa + m * k * 4);
    pc = align16(pb + k * n * 4);
    ensure(pc + m * n * 4);
  };

  const own = (band: Band): void => {
    e.setScratch(band.packA, band.packB, band.edge);
    e.sgemm(params[0]!, params[1]!, params[2]!, params[3]!, params[4]!, params[5]!, params[6]!, params[7]!, band.rowStart, band.rowEnd);
  };

  /** C = op(A)·op(B) for operands already in memory, split across threads when large. */
  const runProduct = (m: number, n: number, k: number, ta: boolean, tb: boolean, parts: number): void => {
    params[0] = pa; params[1] = pb; params[2] = pc; params[3] = m; params[4] = n; params[5] = k; params[6] = ta ? 1 : 0; params[7] = tb ? 1 : 0;
    if (parts > 1 && pool !== null) pool.run(params, bands, parts, own);
    else for (let t = 0; t < parts; t++) own(bands[t]!);
  };

  const partsFor = (m: number, n: number, k: number): number => (pool !== null && m * n * k >= THREAD_MIN && m >= 2 * MR ? threads : 1);

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
    const parts = partsFor(m, n, k);
    layout(m, n, k, parts);
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
      runProduct(m, n, k, transA, transB, parts);
      out.set(f32.subarray(pc >> 2, (pc >> 2) + sizeC), t * sizeC);
    }
  };

  const gemm: Kernels['gemm'] = (a, b, out, m, n, k, transA, transB) => {
    if (!isF32(a) || !isF32(b) || !isF32(out) || m * n * k < WASM_MATMUL_MIN) {
      reference.gemm(a, b, out, m, n, k, transA, transB);
      return;
    }
    const parts = partsFor(m, n, k);
    layout(m, n, k, parts);
    // Whole arrays go in as they are; views only when needed (each is a new object).
    f32.set(a.length === m * k ? a : a.subarray(0, m * k), pa >> 2);
    f32.set(b.length === k * n ? b : b.subarray(0, k * n), pb >> 2);
    runProduct(m, n, k, transA, transB, parts);
    out.set(resultView(pc, m * n));
  };

  return {
    name: `wasm${relaxed ? ' relaxed-simd' : ''}${threads > 1 ? ` (${threads} threads)` : ''}`,
    alloc: (n, dtype) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)),
    kernels: { ...reference, matmul, gemm },
    nativeKernels: ['matmul', 'gemm'],
    threads,
    relaxed,
  };
}

/**
 * The default backend: WebAssembly SIMD where available (relaxed SIMD unless `plain`), else the
 * reference backend.
 */
export function defaultBackend(plain = false): Backend {
  return wasmSimdSupported() ? wasmBackend(plain ? { relaxed: false } : {}) : jsBackend();
}

