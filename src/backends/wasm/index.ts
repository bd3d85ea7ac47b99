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
import { broadcastShapes, broadcastStrides } from '../../tensor/shape.js';
import type { Buf } from '../../tensor/tensor.js';
import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

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

interface GemmExports {
  memory: WebAssembly.Memory;
  __heap_base?: WebAssembly.Global;
  setScratch(a: number, b: number): void;
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

export interface WasmBackend extends Backend {
  /** Kernels that run in WebAssembly; the rest use the reference implementation. */
  readonly nativeKernels: readonly string[];
}

/** Creates the WebAssembly backend; throws where WebAssembly SIMD is unavailable. */
export function wasmBackend(): WasmBackend {
  if (!wasmSimdSupported()) throw new Error('wasmBackend: this runtime does not support WebAssembly SIMD; use jsBackend()');
  const module = new WebAssembly.Module(decode(KERNELS_WASM_BASE64) as BufferSource);
  const instance = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('wasm kernel aborted'); } } });
  const e = instance.exports as unknown as GemmExports;
  const base = align16(e.__heap_base?.value ?? 65536);
  let f32 = new Float32Array(e.memory.buffer);

  /** Makes the memory at least `bytes` long; views are refreshed after growth. */
  const ensure = (bytes: number): void => {
    const have = e.memory.buffer.byteLength;
    if (bytes > have) {
      e.memory.grow(Math.ceil((bytes - have) / 65536));
      f32 = new Float32Array(e.memory.buffer);
    }
  };

  const reference = jsBackend().kernels;

  // Result views by region, reused across calls (a training step repeats the same few
  // products); dropped when the memory grows and its buffer changes.
  let views = new Map<number, Map<number, Float32Array>>();
  let viewsOf: ArrayBuffer = e.memory.buffer;
  const resultView = (ptr: number, length: number): Float32Array => {
    if (viewsOf !== e.memory.buffer) {
      views = new Map();
      viewsOf = e.memory.buffer;
    }
    let byLength = views.get(ptr);
    if (byLength === undefined) views.set(ptr, (byLength = new Map()));
    let view = byLength.get(length);
    if (view === undefined) byLength.set(length, (view = f32.subarray(ptr >> 2, (ptr >> 2) + length)));
    return view;
  };

  const matmul: Kernels['matmul'] = (a, aShape, b, bShape, transA, transB, out, outShape) => {
    const ra = aShape.length;
    const rb = bShape.length;
    const m = transA ? aShape[ra - 1]! : aShape[ra - 2]!;
    const k = transA ? aShape[ra - 2]! : aShape[ra - 1]!;
    const n = transB ? bShape[rb - 2]! : bShape[rb - 1]!;
    if (!isF32(a) || !isF32(b) || !isF32(out) || m * n * k < WASM_MATMUL_MIN) {
      reference.matmul(a, aShape, b, bShape, transA, transB, out, outShape);
      return;
    }
    const batchA = aShape.slice(0, ra - 2);
    const batchB = bShape.slice(0, rb - 2);
    const batch = broadcastShapes('matmul', batchA, batchB);
    const count = batch.reduce((p, d) => p * d, 1);
    const sizeA = m * k;
    const sizeB = k * n;
    const sizeC = m * n;
    const pA = base;
    const pB = align16(pA + e.scratchA(m));
    const pa = align16(pB + e.scratchB(n));
    const pb = align16(pa + sizeA * 4);
    const pc = align16(pb + sizeB * 4);
    ensure(pc + sizeC * 4);
    e.setScratch(pA, pB);
    const sa = broadcastStrides(batchA, batch);
    const sb = broadcastStrides(batchB, batch);
    const idx = new Array<number>(batch.length).fill(0);
    let ia = -1;
    let ib = -1;
    let offA = 0;
    let offB = 0;
    for (let t = 0; t < count; t++) {
      // Copy each operand only when the batch index moves to a different matrix.
      if (offA !== ia) {
        f32.set(a.subarray(offA * sizeA, offA * sizeA + sizeA), pa >> 2);
        ia = offA;
      }
      if (offB !== ib) {
        f32.set(b.subarray(offB * sizeB, offB * sizeB + sizeB), pb >> 2);
        ib = offB;
      }
      e.sgemm(pa, pb, pc, m, n, k, transA ? 1 : 0, transB ? 1 : 0, 0, m);
      out.set(f32.subarray(pc >> 2, (pc >> 2) + sizeC), t * sizeC);
      for (let d = batch.length - 1; d >= 0; d--) {
        offA += sa[d]!;
        offB += sb[d]!;
        if (++idx[d]! < batch[d]!) break;
        offA -= sa[d]! * batch[d]!;
        offB -= sb[d]! * batch[d]!;
        idx[d] = 0;
      }
    }
  };

  const gemm: Kernels['gemm'] = (a, b, out, m, n, k, transA, transB) => {
    if (!isF32(a) || !isF32(b) || !isF32(out) || m * n * k < WASM_MATMUL_MIN) {
      reference.gemm(a, b, out, m, n, k, transA, transB);
      return;
    }
    const pA = base;
    const pB = align16(pA + e.scratchA(m));
    const pa = align16(pB + e.scratchB(n));
    const pb = align16(pa + m * k * 4);
    const pc = align16(pb + k * n * 4);
    ensure(pc + m * n * 4);
    e.setScratch(pA, pB);
    // Whole arrays go in as they are; views only when needed (each is a new object).
    f32.set(a.length === m * k ? a : a.subarray(0, m * k), pa >> 2);
    f32.set(b.length === k * n ? b : b.subarray(0, k * n), pb >> 2);
    e.sgemm(pa, pb, pc, m, n, k, transA ? 1 : 0, transB ? 1 : 0, 0, m);
    out.set(resultView(pc, m * n));
  };

  return {
    name: 'wasm',
    alloc: (n, dtype) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)),
    kernels: { ...reference, matmul, gemm },
    nativeKernels: ['matmul', 'gemm'],
  };
}

/** The default backend: WebAssembly SIMD where available, else the reference backend. */
export function defaultBackend(): Backend {
  return wasmSimdSupported() ? wasmBackend() : jsBackend();
}

