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
  arraysEqual(a: ArrayLike<unknown> | null | undefined, b: ArrayLike<unknown> | null | undefined): boolean {
    if (a === b) return true;
    if (a === null || a === undefined || b === null || b === undefined || a.length !== b.length) return false;
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
  },  /** Shapes equal, else an error starting with `prefix` (tfjs's message). */
  assertShapesMatch(a: readonly number[], b: readonly number[], prefix = ''): void {
    if (!util.arraysEqual(a, b)) throw new Error(`${prefix} Shapes ${a} and ${b} must match`);
  },
  assertNonNull(a: unknown): void {
    if (a === null || a === undefined) throw new Error('The input to the tensor constructor must be a non-null value.');
  },
  assertNonNegativeIntegerDimensions(shape: readonly number[]): void {
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`Tensor must have a shape comprised of positive integers but got shape [${shape}].`);
  },
  /** arraysEqual, where null in either matches anything (shapes with unknown sizes). */
  arraysEqualWithNull(a: ArrayLike<number | null> | null | undefined, b: ArrayLike<number | null> | null | undefined): boolean {
    if (a === b) return true;
    if (a === null || a === undefined || b === null || b === undefined || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== null && b[i] !== null && a[i] !== b[i]) return false;
    return true;
  },
  bytesPerElement(dtype: string): number {
    if (dtype === 'float32' || dtype === 'int32') return 4;
    if (dtype === 'complex64') return 8;
    if (dtype === 'bool') return 1;
    throw new Error(`Unknown dtype ${dtype}`);
  },
  /** Total UTF-8 bytes of encoded strings. */
  bytesFromStringArray(arr: readonly Uint8Array[] | null | undefined): number {
    return (arr ?? []).reduce((n, s) => n + s.length, 0);
  },
  /** Row-major strides of all but the last axis (whose stride is 1), as tfjs lists them. */
  computeStrides(shape: readonly number[]): number[] {
    const strides: number[] = [];
    for (let i = shape.length - 2, s = 1; i >= 0; i--) strides[i] = s *= shape[i + 1]!;
    return strides;
  },
  /** Flat index of a position, from computeStrides' strides. */
  locToIndex(locs: readonly number[], rank: number, strides: readonly number[]): number {
    if (rank === 0) return 0;
    let index = locs[locs.length - 1]!;
    for (let i = 0; i < locs.length - 1; i++) index += strides[i]! * locs[i]!;
    return index;
  },
  /** Position of a flat index, from computeStrides' strides. */
  indexToLoc(index: number, rank: number, strides: readonly number[]): number[] {
    if (rank === 0) return [];
    const locs = new Array<number>(rank);
    for (let i = 0; i < rank - 1; i++) {
      locs[i] = Math.floor(index / strides[i]!);
      index -= locs[i]! * strides[i]!;
    }
    locs[rank - 1] = index;
    return locs;
  },
  distSquared(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < a.length; i++) total += (Number(a[i]) - Number(b[i])) ** 2;
    return total;
  },
  /** The platform's fetch (Node 18+ and browsers have one). */
  fetch(path: string, init?: RequestInit): Promise<Response> {
    return globalThis.fetch(path, init);
  },
  /** A zeroed typed array for a dtype (float32, int32, bool; string gives a plain array). */
  getArrayFromDType(dtype: string | undefined, size: number): Float32Array | Int32Array | Uint8Array | string[] {
    if (dtype === 'string') return new Array<string>(size);
    return util.makeZerosTypedArray(size, dtype);
  },
  getTypedArrayFromDType(dtype: string | undefined, size: number): Float32Array | Int32Array | Uint8Array | string[] {
    return util.getArrayFromDType(dtype, size);
  },
  makeZerosTypedArray(size: number, dtype?: string): Float32Array | Int32Array | Uint8Array {
    if (dtype === undefined || dtype === null || dtype === 'float32' || dtype === 'complex64') return new Float32Array(size);
    if (dtype === 'int32') return new Int32Array(size);
    if (dtype === 'bool') return new Uint8Array(size);
    throw new Error(`Unknown data type ${dtype}`);
  },
  makeOnesTypedArray(size: number, dtype?: string): Float32Array | Int32Array | Uint8Array {
    return util.makeZerosTypedArray(size, dtype).fill(1);
  },
  makeZerosNestedTypedArray(shape: readonly number[], dtype?: string): unknown {
    return util.toNestedArray(shape, util.makeZerosTypedArray(sizeOf(shape), dtype));
  },
  /** Flat values as nested arrays of `shape` (a scalar shape gives the number). */
  toNestedArray(shape: readonly number[], a: ArrayLike<unknown>): unknown {
    if (shape.length === 0) return a[0];
    const size = sizeOf(shape);
    if (size === 0) return [];
    if (size !== a.length) throw new Error(`[${shape}] does not match the input size ${a.length}.`);
    const nest = (offset: number, dims: readonly number[]): unknown[] => {
      if (dims.length === 1) return Array.from({ length: dims[0]! }, (_, i) => a[offset + i]);
      const len = sizeOf(dims.slice(1));
      return Array.from({ length: dims[0]! }, (_, i) => nest(offset + i * len, dims.slice(1)));
    };
    return nest(0, shape);
  },
  /** Nested numbers as a typed array of the dtype (bool: 1 where the value rounds to non-zero). */
  toTypedArray(a: unknown, dtype?: string): Float32Array | Int32Array | Uint8Array {
    if (dtype === 'string') throw new Error('Cannot convert a string[] to a TypedArray');
    const flat = Array.isArray(a) ? util.flatten<number>(a) : (a as ArrayLike<number>);
    if ((flat instanceof Float32Array && (dtype ?? 'float32') === 'float32') || (flat instanceof Int32Array && dtype === 'int32') || (flat instanceof Uint8Array && dtype === 'bool')) return flat;
    if (dtype === 'bool') return Uint8Array.from(flat as ArrayLike<number>, (v) => (Math.round(v) !== 0 ? 1 : 0));
    if (dtype === 'int32') return Int32Array.from(flat as ArrayLike<number>);
    if (dtype === undefined || dtype === 'float32' || dtype === 'complex64') return Float32Array.from(flat as ArrayLike<number>);
    throw new Error(`Unknown data type ${dtype}`);
  },
  /** The dtype tfjs infers for values: int32 from Int32Array/Uint8Array, bool, string, else float32. */
  inferDtype(values: unknown): 'float32' | 'int32' | 'bool' | 'string' {
    if (Array.isArray(values)) return util.inferDtype(values[0]);
    if (values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'int32';
    if (typeof values === 'string' || values instanceof String) return 'string';
    if (typeof values === 'boolean') return 'bool';
    return 'float32';
  },
  /** The shape with its one −1 (if any) filled in from `size`. */
  inferFromImplicitShape(shape: readonly number[], size: number): number[] {
    let known = 1;
    let implicit = -1;
    shape.forEach((d, i) => {
      if (d >= 0) known *= d;
      else if (d === -1) {
        if (implicit !== -1) throw new Error(`Shapes can only have 1 implicit size. Found -1 at dim ${implicit} and dim ${i}`);
        implicit = i;
      } else throw new Error(`Shapes can not be < 0. Found ${d} at dim ${i}`);
    });
    if (implicit === -1) {
      if (size > 0 && size !== known) throw new Error(`Size(${size}) must match the product of shape ${shape}`);
      return [...shape];
    }
    if (known === 0) throw new Error(`Cannot infer the missing size in [${shape}] when there are 0 elements`);
    if (size % known !== 0) throw new Error(`The implicit shape can't be a fractional number. Got ${size} / ${known}`);
    const out = [...shape];
    out[implicit] = size / known;
    return out;
  },
  /** Axes (all when null) checked against the rank and made non-negative. */
  parseAxisParam(axis: number | readonly number[] | null | undefined, shape: readonly number[]): number[] {
    const rank = shape.length;
    const axes = axis === null || axis === undefined ? shape.map((_, i) => i) : ([] as number[]).concat(axis);
    if (!axes.every((a) => a >= -rank && a < rank)) throw new Error(`All values in axis param must be in range [-${rank}, ${rank}) but got axis ${axes}`);
    if (!axes.every((a) => Number.isInteger(a))) throw new Error(`All values in axis param must be integers but got axis ${axes}`);
    return axes.map((a) => (a < 0 ? rank + a : a));
  },
  /** The shape without its 1s (only those of `axis` when given), and the axes kept. */
  squeezeShape(shape: readonly number[], axis?: number | readonly number[]): { newShape: number[]; keptDims: number[] } {
    const axes = axis === undefined || (Array.isArray(axis) && axis.length === 0) ? null : util.parseAxisParam(axis, shape);
    const newShape: number[] = [];
    const keptDims: number[] = [];
    shape.forEach((d, i) => {
      if (axes !== null && axes.includes(i) && d !== 1) throw new Error(`Can't squeeze axis ${i} since its dim '${d}' is not 1`);
      if (d !== 1 || (axes !== null && !axes.includes(i))) {
        newShape.push(d);
        keptDims.push(i);
      }
    });
    return { newShape, keptDims };
  },
  isScalarShape: (shape: readonly number[]): boolean => shape.length === 0,
  isInt: (a: number): boolean => a % 1 === 0,
  isNumber: (v: unknown): v is number => typeof v === 'number',
  isString: (v: unknown): boolean => typeof v === 'string' || v instanceof String,
  isBoolean: (v: unknown): v is boolean => typeof v === 'boolean',
  isFunction: (f: unknown): boolean => typeof f === 'function',
  isPromise: (v: unknown): boolean => typeof (v as { then?: unknown } | null)?.then === 'function',
  isValidDtype: (d: string): boolean => ['bool', 'complex64', 'float32', 'int32', 'string'].includes(d),
  /** Whether converting values of `from` to `to` can lose information (tfjs's table). */
  hasEncodingLoss(from: string, to: string): boolean {
    if (to === 'complex64') return false;
    if (to === 'float32' && from !== 'complex64') return false;
    if (to === 'int32' && from !== 'float32' && from !== 'complex64') return false;
    return !(to === 'bool' && from === 'bool');
  },
  /** The first divisor of size from start up (size itself when none). */
  nearestDivisor(size: number, start: number): number {
    for (let i = start; i < size; i++) if (size % i === 0) return i;
    return size;
  },
  nearestLargerEven: (v: number): number => (v % 2 === 0 ? v : v + 1),
  /** A uniform number in [a, b) from the context's seeded generator (tfjs: Math.random). */
  randUniform: (a: number, b: number): number => {
    const r = getContext().rng.uniform();
    return b * r + (1 - r) * a;
  },
  /** Resolves once check() holds, trying again after delay(tries) ms; rejects after maxTries. */
  repeatedTry(check: () => boolean, delay: (tries: number) => number = () => 0, maxTries?: number, schedule: (fn: () => void, ms: number) => void = (fn, ms) => setTimeout(fn, ms)): Promise<void> {
    return new Promise((resolve, reject) => {
      let tries = 0;
      const attempt = (): void => {
        if (check()) return resolve();
        tries++;
        if (maxTries !== undefined && tries >= maxTries) return reject(new Error(`util.repeatedTry: still false after ${tries} tries`));
        schedule(attempt, delay(tries));
      };
      attempt();
    });
  },
  rightPad: (a: string, size: number): string => a.padEnd(size, ' '),
  /** [w, h] near a square holding `size` values. */
  sizeToSquarishShape(size: number): [number, number] {
    const width = Math.ceil(Math.sqrt(size));
    return [width, Math.ceil(size / width)];
  },
  sum(arr: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < arr.length; i++) total += arr[i]!;
    return total;
  },
  swap<T>(object: { [k: number]: T }, left: number, right: number): void {
    [object[left], object[right]] = [object[right]!, object[left]!];
  },
  tanh: Math.tanh,
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

type DType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';
const UPCAST: Record<string, Record<string, DType>> = {
  float32: { float32: 'float32', int32: 'float32', bool: 'float32', complex64: 'complex64' },
  int32: { float32: 'float32', int32: 'int32', bool: 'int32', complex64: 'complex64' },
  bool: { float32: 'float32', int32: 'int32', bool: 'bool', complex64: 'complex64' },
  complex64: { float32: 'complex64', int32: 'complex64', bool: 'complex64', complex64: 'complex64' },
};

/** tfjs `upcastType(a, b)`: the dtype an op of two dtypes gives (bool < int32 < float32 < complex64). */
export function upcastType(a: DType, b: DType): DType {
  if (a === 'string' || b === 'string') {
    if (a === 'string' && b === 'string') return 'string';
    throw new Error(`Can not upcast ${a} with ${b}`);
  }
  const t = UPCAST[a]?.[b];
  if (t === undefined) throw new Error(`upcastType: unknown dtypes ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  return t;
}

/** tfjs `sumOutType(dtype)`: the dtype of a sum (bools sum to int32). */
export function sumOutType(dtype: DType): DType {
  return upcastType(dtype, 'int32');
}

/** tfjs `op({name: f})`: f as a named op (neurite names ops by their functions, so f itself, checked). */
export function op<F extends (...args: never[]) => unknown>(f: Record<string, F>): F {
  const keys = Object.keys(f);
  if (keys.length !== 1) throw new Error(`op: expected an object with a single key (the op's name) mapping to a function, got ${keys.length} keys`);
  const fn = f[keys[0]!]!;
  if (typeof fn !== 'function') throw new Error(`op: '${keys[0]}' must map to a function, got ${typeof fn}`);
  return fn;
}

let deprecationWarnings = true;
/** tfjs `deprecationWarn(message)`: a console warning, unless disableDeprecationWarnings() was called. */
export function deprecationWarn(message: string): void {
  if (deprecationWarnings) console.warn(`${message} You can disable deprecation warnings with tf.disableDeprecationWarnings().`);
}
export function disableDeprecationWarnings(): void {
  deprecationWarnings = false;
}
