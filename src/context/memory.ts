/**
 * TensorFlow.js's memory API: `tidy`, `dispose`, `keep`, `memory`. Neurite frees tensors by
 * garbage collection, so none of these is needed here, but tfjs programs call them and read
 * `memory()`: they work, and do tfjs's bookkeeping. `tidy` disposes (uncounts) the tensors made
 * inside it that its result does not hold; `memory()` reports those counts beside what the heap
 * and the kernel memory really hold.
 */
import { Tensor, tensorCounts } from '../tensor/tensor.js';
import { getContext } from './context.js';

/** Something holding tensors: a tensor, or arrays and plain objects of them. */
export type TensorContainer = Tensor | null | undefined | string | number | boolean | TensorContainer[] | { [key: string]: TensorContainer } | void;

/**
 * Every tensor in `c` (arrays and plain objects searched, to a depth of 64). An array's named
 * properties count too, as tfjs walks them (tfjs-examples cart-pole keeps gradients by variable
 * name on an array and disposes it).
 */
function tensorsIn(c: unknown, out: Set<Tensor>, depth = 0): Set<Tensor> {
  if (c instanceof Tensor) out.add(c);
  else if (depth < 64 && c !== null && typeof c === 'object' && (Array.isArray(c) || Object.getPrototypeOf(c) === Object.prototype)) {
    for (const v of Object.values(c)) tensorsIn(v, out, depth + 1);
  }
  return out;
}

const kept = new WeakSet<Tensor>();

/**
 * Runs `fn` and disposes the tensors it made that its result does not contain (tfjs `tf.tidy`);
 * a name may come first, as tfjs allows. `fn` must not be async (tfjs refuses that too).
 */
export function tidy<T extends TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T {
  const f = typeof nameOrFn === 'function' ? nameOrFn : fn;
  if (typeof f !== 'function') throw new Error('tidy: expected a function (or a name and a function)');
  const scopes = tensorCounts.scopes;
  const scope: Tensor[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = f();
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) throw new Error('tidy: the function returned a Promise; tidy takes synchronous code (await outside it)');
  const keep = tensorsIn(result, new Set());
  const outer = scopes[scopes.length - 1];
  for (const t of scope) {
    if (keep.has(t) || kept.has(t)) outer?.push(t);
    else t.dispose();
  }
  return result;
}

/** Disposes every tensor in `container` (tfjs `tf.dispose`); model weights keep working. */
export function dispose(container: TensorContainer): void {
  for (const t of tensorsIn(container, new Set())) t.dispose();
}

/** Keeps `t` out of the enclosing `tidy`'s disposal (tfjs `tf.keep`). */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  return t;
}

export interface MemoryInfo {
  /** Tensors made and not disposed (tfjs's count). */
  numTensors: number;
  /** Their storage, in bytes. */
  numBytes: number;
  /** As numTensors: neurite's tensors each own one buffer or share a weight's. */
  numDataBuffers: number;
  /** Bytes of ArrayBuffers the JavaScript heap holds now (Node), live tensors' storage among them. */
  heapBytes?: number;
  /** Bytes of kernel (WebAssembly) memory the backend has reserved. */
  kernelBytes?: number;
  /** Always true: the counts are tfjs's bookkeeping, not what is still allocated. */
  unreliable: true;
  reasons: string[];
}

/** tfjs's `tf.memory()`, with the real figures beside its counts. */
export function memory(): MemoryInfo {
  const backend = getContext().backend as { residentBytes?: () => number };
  const proc = (globalThis as { process?: { memoryUsage?: () => { arrayBuffers?: number } } }).process;
  const heap = proc?.memoryUsage?.().arrayBuffers;
  return {
    numTensors: tensorCounts.live,
    numBytes: tensorCounts.bytes,
    numDataBuffers: tensorCounts.live,
    ...(heap === undefined ? {} : { heapBytes: heap }),
    ...(backend.residentBytes === undefined ? {} : { kernelBytes: backend.residentBytes() }),
    unreliable: true,
    reasons: ['neurite frees tensors by garbage collection: numTensors and numBytes count tensors made and not disposed (as tfjs does), some of which may already be freed; heapBytes and kernelBytes are what is held now'],
  };
}
