/**
 * Recording a computation into a program, and replaying it. `record(backend, fn)` runs `fn`
 * once through the ordinary ops and autograd on a backend wrapper that, besides running each
 * kernel, writes the call down with its arguments: the buffers the ops allocated stay the
 * program's buffers. `compile` then prunes calls nothing reads from, folds constant calls, fuses
 * bias + activation (fuse.ts), shares intermediate buffers by liveness, rewrites 2-D products as
 * in-place GEMMs and binds the calls into closures: replaying it runs the same kernels on the
 * same buffers with no tensors, no graph and no allocation.
 *
 * A recording is sound when everything the computation does to values goes through kernels.
 * Code that reads values in plain code calls `notTraceable` (context), which stops the
 * recording with its reason; kernels that return a value cannot be replayed and stop it too.
 */
import type { Backend, Kernels } from '../backends/backend.js';
import { type Context, withContext } from '../context/context.js';
import type { Rng } from '../tensor/random.js';
import { fuseBiasActivation } from './fuse.js';
import type { Buf } from '../tensor/tensor.js';
import { type Call, type KernelName, WRITES, isBuf, readsOf, writesOf } from './program.js';

export type { Call } from './program.js';

type AnyKernel = (...args: never[]) => unknown;

/** Thrown while recording when the computation cannot be replayed (the compiling caller catches it and says why). */
export class NotTraceableError extends Error {}

export interface Recording<T> {
  /** What `fn` returned (its tensors hold the program's output buffers). */
  result: T;
  calls: Call[];
  /** Buffers allocated while recording: the program owns them. */
  owned: Set<Buf>;
}

/**
 * Runs `fn` once, recording every kernel call, and then undoes what it did to the world: buffers
 * it did not allocate (weights, a layer's moving averages) get their values back, and random
 * generators their state, so a recording is a compilation, not a step. Throws
 * NotTraceableError with the reason when `fn` does something a replay could not repeat.
 */
export function record<T>(backend: Backend, fn: () => T, overrides: Partial<Context> = {}): Recording<T> {
  const calls: Call[] = [];
  const owned = new Set<Buf>();
  const saved = new Map<Buf, Buf>();
  const generators = new Map<Rng, number[]>();
  const kernels = {} as Record<KernelName, AnyKernel>;
  for (const name of Object.keys(WRITES) as KernelName[]) {
    const inner = backend.kernels[name] as unknown as (...args: unknown[]) => unknown;
    kernels[name] = ((...args: unknown[]) => {
      if (WRITES[name].returns === true) throw new NotTraceableError(`kernel '${name}' returns a value a replay would lose`);
      const call = { kernel: name, args };
      for (const b of writesOf(call)) if (!owned.has(b) && !saved.has(b)) saved.set(b, b.slice());
      if (name === 'fillRandom') {
        const rng = args[1] as Rng;
        if (!generators.has(rng)) generators.set(rng, rng.getState());
      }
      calls.push(call);
      return inner(...args);
    }) as AnyKernel;
  }
  const recording: Backend = {
    name: backend.name,
    // Float32 buffers live where the kernels use them in place (WebAssembly memory).
    alloc: (n, dtype) => {
      const b = dtype === 'float32' ? (backend.allocResident?.(n) ?? backend.alloc(n, dtype)) : backend.alloc(n, dtype);
      owned.add(b);
      return b;
    },
    kernels: kernels as unknown as Kernels,
    ...(backend.allocResident === undefined ? {} : { allocResident: backend.allocResident }),
    ...(backend.isResident === undefined ? {} : { isResident: backend.isResident }),
  };
  const trace = { unsupported(what: string): never { throw new NotTraceableError(what); } };
  try {
    const result = withContext({ ...overrides, backend: recording, trace }, fn);
    return { result, calls, owned };
  } finally {
    for (const [b, v] of saved) b.set(v);
    for (const [rng, state] of generators) rng.setState(state);
  }
}

/**
 * Removes calls whose results nothing needs: a call stays when it writes a buffer in `outputs`,
 * a buffer the program does not own (weights, layer state: a side effect), or one a later kept
 * call reads.
 */
export function prune(calls: readonly Call[], outputs: Iterable<Buf>, owned: ReadonlySet<Buf>): Call[] {
  const live = new Set<Buf>(outputs);
  const kept: Call[] = [];
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i]!;
    if (!writesOf(c).some((b) => live.has(b) || !owned.has(b))) continue;
    kept.push(c);
    for (const b of readsOf(c)) live.add(b);
  }
  return kept.reverse();
}

/**
 * Constant folding: a call that reads only buffers no replay changes (the program's own, written
 * by no remaining call: scalars, the gradient seed and what follows from them) gives the same
 * result every time, which the recording already left in its output: the call is dropped.
 * Inputs, weights and state (buffers the program does not own) and random draws vary.
 */
export function fold(calls: readonly Call[], owned: ReadonlySet<Buf>): Call[] {
  const varying = new Set<Buf>();
  const kept: Call[] = [];
  for (const c of calls) {
    const r = readsOf(c);
    if (c.kernel !== 'fillRandom' && WRITES[c.kernel].inPlace !== true && r.every((b) => owned.has(b) && !varying.has(b)) && writesOf(c).every((b) => owned.has(b))) continue;
    for (const b of writesOf(c)) varying.add(b);
    kept.push(c);
  }
  return kept;
}

/**
 * Lets intermediate buffers share storage when their lifetimes do not overlap. A buffer can be
 * shared when the program owns it, it is not an output, and its first use fully overwrites it
 * (buffers read before any write hold constants). Exact length and type are required.
 */
export function shareBuffers(calls: readonly Call[], outputs: ReadonlySet<Buf>, owned: ReadonlySet<Buf>): Call[] {
  const first = new Map<Buf, number>();
  const last = new Map<Buf, number>();
  const constant = new Set<Buf>();
  calls.forEach((c, i) => {
    for (const b of readsOf(c)) {
      if (!first.has(b)) constant.add(b);
      last.set(b, i);
    }
    for (const b of writesOf(c)) {
      if (!first.has(b)) first.set(b, i);
      last.set(b, i);
    }
  });
  const shareable = (b: Buf): boolean => owned.has(b) && !outputs.has(b) && !constant.has(b) && first.has(b);
  // Buffers ending at each call, released after it.
  const ends = new Map<number, Buf[]>();
  for (const [b, i] of last) if (shareable(b)) (ends.get(i) ?? ends.set(i, []).get(i)!).push(b);
  const free = new Map<string, Buf[]>();
  const key = (b: Buf): string => `${b.BYTES_PER_ELEMENT}:${b.length}`;
  const home = new Map<Buf, Buf>();
  calls.forEach((c, i) => {
    for (const b of writesOf(c)) {
      if (first.get(b) !== i || !shareable(b)) continue;
      const pool = free.get(key(b));
      home.set(b, pool !== undefined && pool.length > 0 ? pool.pop()! : b);
    }
    for (const b of ends.get(i) ?? []) {
      const h = home.get(b) ?? b;
      (free.get(key(b)) ?? free.set(key(b), []).get(key(b))!).push(h);
    }
  });
  const map = (a: unknown): unknown => (isBuf(a) ? (home.get(a) ?? a) : Array.isArray(a) && a.some(isBuf) ? a.map(map) : a);
  return calls.map((c) => ({ kernel: c.kernel, args: c.args.map(map) }));
}

/**
 * 2-D products (no batch axes) become GEMM calls, which use operands resident in the backend's
 * memory in place instead of staging copies.
 */
export function productsAsGemm(calls: readonly Call[]): Call[] {
  return calls.map((c) => {
    if (c.kernel !== 'matmul') return c;
    const [a, aShape, b, bShape, ta, tb, out] = c.args as [Buf, readonly number[], Buf, readonly number[], boolean, boolean, Buf];
    if (aShape.length !== 2 || bShape.length !== 2) return c;
    const m = ta ? aShape[1]! : aShape[0]!;
    const k = ta ? aShape[0]! : aShape[1]!;
    const n = tb ? bShape[0]! : bShape[1]!;
    return { kernel: 'gemm', args: [a, b, out, m, n, k, ta, tb] };
  });
}

/** A bound, replayable program. */
export type Program = () => void;

function bind(fn: (...args: unknown[]) => unknown, a: unknown[]): () => void {
  // Fixed arities: a spread call would build an arguments array on every replay.
  switch (a.length) {
    case 2: { const [a0, a1] = a; return () => { fn(a0, a1); }; }
    case 3: { const [a0, a1, a2] = a; return () => { fn(a0, a1, a2); }; }
    case 4: { const [a0, a1, a2, a3] = a; return () => { fn(a0, a1, a2, a3); }; }
    case 5: { const [a0, a1, a2, a3, a4] = a; return () => { fn(a0, a1, a2, a3, a4); }; }
    case 6: { const [a0, a1, a2, a3, a4, a5] = a; return () => { fn(a0, a1, a2, a3, a4, a5); }; }
    case 7: { const [a0, a1, a2, a3, a4, a5, a6] = a; return () => { fn(a0, a1, a2, a3, a4, a5, a6); }; }
    case 8: { const [a0, a1, a2, a3, a4, a5, a6, a7] = a; return () => { fn(a0, a1, a2, a3, a4, a5, a6, a7); }; }
    default: return () => { fn(...a); };
  }
}

/** Binds calls to a backend's kernels. */
export function link(calls: readonly Call[], backend: Backend): Program {
  const steps = calls.map((c) => bind(backend.kernels[c.kernel] as unknown as (...args: unknown[]) => unknown, c.args));
  const n = steps.length;
  return () => {
    for (let i = 0; i < n; i++) steps[i]!();
  };
}

export interface Compiled {
  program: Program;
  /** Kernel calls per replay, and as recorded. */
  calls: number;
  recorded: number;
  /** What a replay changes besides its own buffers: buffers it does not own, and generators. */
  effects: { buffers: Buf[]; generators: Rng[] };
}

/** Prune, share, rewrite, link: the whole pipeline from a recording to a program. */
export function compile(rec: Recording<unknown>, outputs: readonly Buf[], backend: Backend): Compiled {
  const out = new Set(outputs);
  const calls = productsAsGemm(shareBuffers(fuseBiasActivation(fold(prune(rec.calls, out, rec.owned), rec.owned), out, rec.owned), out, rec.owned));
  const buffers = new Set<Buf>();
  const generators = new Set<Rng>();
  for (const c of calls) {
    for (const b of writesOf(c)) if (!rec.owned.has(b)) buffers.add(b);
    if (c.kernel === 'fillRandom') generators.add(c.args[1] as Rng);
  }
  return { program: link(calls, backend), calls: calls.length, recorded: rec.calls.length, effects: { buffers: [...buffers], generators: [...generators] } };
}

/** Runs `fn`, then puts back what `effects` names as it was before. */
export function withoutEffects<T>(effects: Compiled['effects'], fn: () => T): T {
  const buffers = effects.buffers.map((b) => b.slice());
  const states = effects.generators.map((g) => g.getState());
  try {
    return fn();
  } finally {
    effects.buffers.forEach((b, i) => b.set(buffers[i]!));
    effects.generators.forEach((g, i) => g.setState(states[i]!));
  }
}
