/**
 * The context: which backend runs kernels, whether gradients are recorded, which generator
 * supplies randomness, and the storage precision. There is one default; code that needs its
 * own (a test, a gradient check in float64) runs inside `withContext`.
 *
 * @example
 * setSeed(678);                     // like tf.random.set_seed(678)
 * const y = noGrad(() => model(x)); // no graph recorded
 */
import type { Backend } from '../backends/backend.js';
import { jsBackend } from '../backends/js/index.js';
import { nativeAddon, nativeBackend } from '../backends/native/index.js';
import { defaultBackend, wasmSimdSupported } from '../backends/wasm/index.js';
import { Rng } from '../tensor/random.js';
import type { Shape } from '../tensor/shape.js';
import { sizeOf } from '../tensor/shape.js';
import { type DType, Tensor, onValueRead } from '../tensor/tensor.js';

export interface Context {
  backend: Backend;
  rng: Rng;
  /** When false, ops record no graph (inference, optimizer updates, backward rules). */
  gradEnabled: boolean;
  /** Storage precision of new tensors; float64 is for gradient checking. */
  dtype: DType;
  /**
   * Set while a step is being recorded into a program (compile/): code that computes on tensor
   * values outside kernels calls `notTraceable`, which ends the recording with its reason.
   */
  trace?: { unsupported(what: string): never };
  /**
   * While a model file is read: how many weight values its manifest lists, still unclaimed;
   * a layer asking for more is refused before it allocates.
   */
  /** Weights layers may still make while a model is read, and what the message says when they run out. */
  weightBudget?: { remaining: number; file: string; over?: string };
  /** While a model file is read: an unknown config key is an error (default) or, with 'warn', ignored with a warning. */
  unknownKeys?: 'error' | 'warn';
  /**
   * Set inside tfjs's gradient functions (grad, variableGrads, minimize): `model.predict` then
   * records its forward pass too, as tfjs's does, so a loss written with predict differentiates.
   */
  tape?: boolean;
  /**
   * Variables by name, in the order they were made, for gradient maps keyed by name: those of
   * `variable(x, trainable, name)` (unique) and layer weights (`dense_1/kernel`; two live models
   * may share such a name, which a lookup then reports).
   */
  variables: Map<string, Array<WeakRef<Tensor>>>;
}

/**
 * The backend a new context gets: in Node the native backend (C++ products, src/backends/native)
 * where its addon built, else WebAssembly SIMD where the runtime has it, else the TypeScript
 * reference. Where Node has no native addon it says so once, with the reason, unless the install
 * already did (its build ran and failed). NEURITE_BACKEND=
 * native, wasm, wasm-plain (WebAssembly without relaxed SIMD) or js in the environment forces
 * one, e.g. to run the whole test suite on the reference backend.
 */
function initialBackend(): Backend {
  const forced = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NEURITE_BACKEND;
  if (forced === 'js') return jsBackend();
  if (forced === 'native') return nativeBackend();
  if (forced !== undefined && forced !== 'wasm' && forced !== 'wasm-plain') throw new Error(`NEURITE_BACKEND must be 'native', 'wasm', 'wasm-plain' or 'js', got '${forced}'`);
  if (forced === undefined && wasmSimdSupported()) {
    const addon = nativeAddon();
    if ('addon' in addon) return nativeBackend();
    if (!addon.toldAtInstall) warnOnce(`neurite: using the WebAssembly backend: ${addon.why}`);
  }
  return defaultBackend(forced === 'wasm-plain');
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
}

/** Creates a fresh context (the default backend, seed 0 unless given). */
export function createContext(options: Partial<Context> & { seed?: number } = {}): Context {
  return {
    backend: options.backend ?? initialBackend(),
    rng: options.rng ?? new Rng(options.seed ?? 0),
    gradEnabled: options.gradEnabled ?? true,
    dtype: options.dtype ?? 'float32',
    variables: options.variables ?? new Map(),
  };
}

let current: Context = createContext();

/** The context ops run in now. */
export function getContext(): Context {
  return current;
}

/**
 * Runs `fn` with some context fields replaced, restoring the previous context afterwards
 * (also on throw). For synchronous code only.
 */
export function withContext<T>(overrides: Partial<Context>, fn: () => T): T {
  const saved = current;
  current = { ...saved, ...overrides };
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/**
 * Declares that the caller is about to compute on tensor values in plain code: fine when ops run
 * eagerly, impossible to replay from a recorded program, so a recording stops here with `what`.
 */
export function notTraceable(what: string): void {
  current.trace?.unsupported(what);
}

onValueRead((what) => current.trace?.unsupported(what));

/** Runs `fn` without recording gradients (PyTorch `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return withContext({ gradEnabled: false }, fn);
}

/** Re-seeds the current context's generator (TensorFlow's `tf.random.set_seed`). */
export function setSeed(seed: number): void {
  current.rng.seed(seed);
}

/** Replaces the current context's backend. */
export function setBackend(backend: Backend): void {
  current.backend = backend;
}

/**
 * Resolves once the current backend is ready: its worker threads started (TensorFlow.js's
 * `tf.ready()`). Optional: until then their share of the work runs on the calling thread. In a
 * browser workers start only after the page's script yields, so await this before timing.
 */
export async function ready(): Promise<void> {
  await current.backend.ready?.();
}

/** Name of the backend ops run on now. */
export function getBackend(): string {
  return current.backend.name;
}

/** @internal Records `t` under its name for name-keyed gradient maps. */
export function registerVariable(t: Tensor): void {
  if (t.name === undefined) return;
  let list = current.variables.get(t.name);
  if (list === undefined) current.variables.set(t.name, (list = []));
  list.push(new WeakRef(t));
  // Collected entries are dropped when the list has doubled since it was last compacted, so
  // making many models costs amortized constant time per weight.
  const compacted = compactedLength.get(list) ?? 0;
  if (list.length > 2 * compacted + 8) {
    const live = list.filter((r) => r.deref() !== undefined);
    list.length = 0;
    list.push(...live);
    compactedLength.set(list, live.length);
  }
}
const compactedLength = new WeakMap<object, number>();

/** @internal The live variables named `name`, each once (a weight renamed since no longer counts under its old name). */
export function variablesNamed(name: string): Tensor[] {
  const out = new Set<Tensor>();
  for (const r of current.variables.get(name) ?? []) {
    const t = r.deref();
    if (t !== undefined && t.name === name) out.add(t);
  }
  return [...out];
}

/** @internal A zero-filled tensor in the current precision, for kernels to write into. */
export function emptyTensor(shape: Shape, ctx: Context = current): Tensor {
  return new Tensor(ctx.backend.alloc(sizeOf(shape), ctx.dtype), shape);
}
