/**
 * Pieces of TensorFlow.js's surface that are not neurite concepts but that tfjs programs call:
 * `tf.util`, `tf.env()`, `tf.nextFrame()`, and backends by tfjs's names (`'cpu'`, `'wasm'`).
 * Each does what tfjs does where a program can observe it; randomness comes from the context's
 * seeded generator, not `Math.random`.
 */
import type { Backend } from '../backends/backend.js';
import { jsBackend } from '../backends/js/index.js';
import { nativeAddon, nativeBackend, nativeSupported } from '../backends/native/index.js';
import { wasmBackend, wasmSimdSupported } from '../backends/wasm/index.js';
import { getContext, setBackend as setContextBackend } from '../context/context.js';
import { type Shape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * tfjs's family name of a backend: 'cpu' for the TypeScript reference, 'wasm' for WebAssembly,
 * 'tensorflow' (tfjs-node's name: native kernels in Node) for the native backend.
 */
export function backendFamily(backend: Backend): string {
  return backend.name.startsWith('wasm') ? 'wasm' : backend.name.startsWith('native') ? 'tensorflow' : backend.name === 'js' ? 'cpu' : backend.name;
}

/**
 * The backend for a tfjs name: 'cpu' (or 'js') is the TypeScript reference, 'wasm' WebAssembly
 * SIMD, 'tensorflow' (tfjs-node's) or 'native' the native backend where its addon built.
 * 'webgl' and 'webgpu' are GPU backends neurite does not have: they get the fastest there is
 * and a warning once, as does 'tensorflow' where there is no addon.
 */
export function backendByName(name: string): Backend {
  const n = name.toLowerCase();
  if (n === 'cpu' || n === 'js') return jsBackend();
  if ((n === 'tensorflow' || n === 'webgl' || n === 'webgpu' || n === 'native') && nativeSupported()) {
    if (n !== 'tensorflow' && n !== 'native') warnMissing(name, 'native kernels');
    return nativeBackend();
  }
  if (n === 'native') throw new Error(`setBackend: no 'native' backend here: ${(nativeAddon() as { why: string }).why}`);
  if (n === 'wasm' || n === 'webgl' || n === 'webgpu' || n === 'tensorflow') {
    if (!wasmSimdSupported()) return jsBackend();
    if (n !== 'wasm') warnMissing(name, 'WebAssembly SIMD');
    return wasmBackend();
  }
  throw new Error(`setBackend: unknown backend '${name}'; neurite has 'cpu' (the TypeScript reference), 'wasm' (WebAssembly SIMD) and, in Node where its addon built, 'tensorflow' or 'native' (C++ kernels)`);
}
const warnedFor = new Set<string>();
function warnMissing(name: string, using: string): void {
  const n = name.toLowerCase();
  if (warnedFor.has(n)) return;
  warnedFor.add(n);
  console.warn(`neurite: there is no '${name}' backend here; using ${using}, neurite's fastest`);
}

/**
 * Sets the backend ops run on: a Backend object, or a tfjs name ('cpu', 'wasm'; see
 * `backendByName`). Resolves to true, as tfjs's does once the backend is ready.
 */
export function setBackend(backend: Backend | string): Promise<boolean> {
  const b = typeof backend === 'string' ? backendByName(backend) : backend;
  setContextBackend(b);
  return Promise.resolve(b.ready?.()).then(() => true);
}

/** The backend's tfjs family name: 'tensorflow', 'wasm' or 'cpu' (the full description is `getContext().backend.name`). */
export function getBackend(): string {
  return backendFamily(getContext().backend);
}

/** Resolves after the event loop turns once (tfjs `tf.nextFrame`: lets a UI or progress output update). */
export function nextFrame(): Promise<void> {
  const raf = (globalThis as { requestAnimationFrame?: (f: () => void) => void }).requestAnimationFrame;
  if (raf !== undefined) return new Promise((r) => raf(() => r()));
  return new Promise((r) => setTimeout(r, 0));
}

/** tfjs's environment flags: read and set freely; neurite itself reads only `IS_NODE` and `IS_BROWSER`. */
class Environment {
  private readonly flags: Record<string, number | boolean | string> = {
    IS_NODE: typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string',
    IS_BROWSER: typeof (globalThis as { window?: unknown }).window !== 'undefined',
    PROD: false,
    DEBUG: false,
  };

  get platformName(): string {
    return this.flags.IS_NODE === true ? 'node' : 'browser';
  }

  get(name: string): number | boolean | string | undefined {
    return this.flags[name];
  }

  getBool(name: string): boolean {
    return this.flags[name] === true;
  }

  getNumber(name: string): number {
    const v = this.flags[name];
    return typeof v === 'number' ? v : Number.NaN;
  }

  set(name: string, value: number | boolean | string): void {
    this.flags[name] = value;
  }

  getFlags(): Readonly<Record<string, number | boolean | string>> {
    return { ...this.flags };
  }
}

const environment = new Environment();

/** tfjs's `tf.env()`. */
export function env(): Environment {
  return environment;
}

/** tfjs's older spelling of `tf.env()`: the same flags (`tf.ENV.get('IS_BROWSER')`). */
export const ENV = environment;

/** In-place Fisher–Yates shuffle with the context's generator. */
function shuffle<T>(array: T[] | Float32Array | Int32Array | Uint8Array): void {
  const rng = getContext().rng;
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = array[i]!;
    array[i] = array[j]!;
    array[j] = t;
  }
}

/** tfjs's `tf.util`: the helpers tfjs programs use. */
export const util = {
  /** Shuffles in place (seeded by the context, unlike tfjs's Math.random). */
  shuffle,
  /** Shuffles two arrays of the same length with the same permutation. */
  shuffleCombo<T, U>(a: T[] | Float32Array | Int32Array, b: U[] | Float32Array | Int32Array): void {
    if (a.length !== b.length) throw new Error(`util.shuffleCombo: the arrays have different lengths (${a.length} and ${b.length})`);
    const rng = getContext().rng;
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
      [b[i], b[j]] = [b[j]!, b[i]!];
    }
  },
  /** 0 … n−1 in a random order (a Uint32Array, as tfjs). */
  createShuffledIndices(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    shuffle(out as unknown as Int32Array);
    return out;
  },
  /** Throws `msg()` unless `expr`. */
  assert(expr: boolean, msg: () => string): asserts expr {
    if (!expr) throw new Error(typeof msg === 'function' ? msg() : String(msg));
  },
  sizeFromShape(shape: Shape): number {
    return sizeOf(shape);
  },
  /** Nested arrays flattened into one list. */
  flatten<T>(arr: unknown, result: T[] = []): T[] {
    if (Array.isArray(arr) || ArrayBuffer.isView(arr)) for (const v of Array.from(arr as ArrayLike<unknown>)) util.flatten(v, result);
    else result.push(arr as T);
    return result;
  },
  arraysEqual(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  },
  isTypedArray(a: unknown): boolean {
    return ArrayBuffer.isView(a) && !(a instanceof DataView);
  },
  /** Milliseconds, high resolution. */
  now(): number {
    return performance.now();
  },
  encodeString(s: string): Uint8Array {
    return new TextEncoder().encode(s);
  },
  decodeString(bytes: Uint8Array): string {
    return new TextDecoder().decode(bytes);
  },
  /** `x` limited to [min, max]. */
  clamp(min: number, x: number, max: number): number {
    return Math.max(min, Math.min(x, max));
  },
};

/** A tensor's values, or nested numbers flattened, for test_util. */
function flatValues(v: unknown): { values: ArrayLike<number>; shape: number[] | null } {
  if (v instanceof Tensor) return { values: v.values, shape: [...v.shape] };
  if (typeof v === 'number') return { values: [v], shape: [] };
  if (ArrayBuffer.isView(v)) return { values: v as unknown as ArrayLike<number>, shape: null };
  if (Array.isArray(v)) {
    const shape: number[] = [];
    for (let a: unknown = v; Array.isArray(a); a = a[0]) shape.push(a.length);
    return { values: util.flatten<number>(v), shape };
  }
  throw new Error(`test_util: expected a tensor, a number, a typed array or nested lists of numbers, got ${v === null ? 'null' : typeof v}`);
}

/** Close as tfjs's test_util counts it: both non-finite alike, or within epsilon. */
function close(a: number, e: number, epsilon: number): boolean {
  if (!Number.isFinite(a) && !Number.isFinite(e)) return Number.isNaN(a) === Number.isNaN(e) && (Number.isNaN(a) || a === e);
  return !Number.isNaN(a) && !Number.isNaN(e) && Math.abs(a - e) <= epsilon;
}

function expectArrays(actual: unknown, expected: unknown, same: (a: number, e: number) => boolean): void {
  const a = flatValues(actual), e = flatValues(expected);
  if (a.shape !== null && e.shape !== null && (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape![i]))) {
    throw new Error(`Arrays have different shapes. Actual: [${a.shape}]. Expected: [${e.shape}]`);
  }
  if (a.values.length !== e.values.length) throw new Error(`Arrays have different lengths actual: ${a.values.length} vs expected: ${e.values.length}.`);
  for (let i = 0; i < e.values.length; i++) {
    if (!same(a.values[i]!, e.values[i]!)) throw new Error(`Arrays differ: actual[${i}] = ${a.values[i]}, expected[${i}] = ${e.values[i]}.`);
  }
}

/**
 * tfjs's `tf.test_util`, which example programs call outside tests: the same checks and messages,
 * on tensors too (their values are compared; tfjs's own compares the tensor objects, and so passes
 * whatever they hold).
 */
export const test_util = {
  /** The tolerance of a float32 backend, as tfjs's. */
  testEpsilon(): number {
    return 1e-3;
  },
  expectArraysClose(actual: unknown, expected: unknown, epsilon: number = test_util.testEpsilon()): void {
    expectArrays(actual, expected, (a, e) => close(a, e, epsilon));
  },
  expectArraysEqual(actual: unknown, expected: unknown): void {
    expectArrays(actual, expected, (a, e) => a === e || (Number.isNaN(a) && Number.isNaN(e)));
  },
  expectNumbersClose(a: number, e: number, epsilon: number = test_util.testEpsilon()): void {
    if (!close(a, e, epsilon)) throw new Error(`Numbers differ: actual === ${a}, expected === ${e}`);
  },
  expectValuesInRange(actual: unknown, low: number, high: number): void {
    const { values } = flatValues(actual);
    for (let i = 0; i < values.length; i++) {
      if (!(values[i]! >= low && values[i]! <= high)) throw new Error(`Value out of range:${values[i]} low: ${low}, high: ${high}`);
    }
  },
};

/** tfjs's production and debug modes: switches of its engine's checks; neurite's checks always run, so both are no-ops. */
export function enableProdMode(): void {}
export function enableDebugMode(): void {}

/**
 * tfjs `disposeVariables()`: forgets every variable (their names become free for new ones).
 * Memory is freed by the garbage collector once nothing else holds them.
 */
export function disposeVariables(): void {
  getContext().variables.clear();
}

/** Versions: neurite's, and the TensorFlow.js API it follows (its compatibility suite runs against tfjs 4.22). */
export const version = { neurite: '0.1.0', tfjs: '4.22.0', 'tfjs-core': '4.22.0', 'tfjs-layers': '4.22.0', 'tfjs-data': '4.22.0' } as const;

/** tfjs `time(f)`: how long `f` takes, in milliseconds (all of it is kernel time here: kernels run synchronously). */
export async function time(f: () => void): Promise<{ wallMs: number; kernelMs: number; uploadWaitMs: number; downloadWaitMs: number }> {
  const t0 = performance.now();
  f();
  const ms = performance.now() - t0;
  return { wallMs: ms, kernelMs: ms, uploadWaitMs: 0, downloadWaitMs: 0 };
}
