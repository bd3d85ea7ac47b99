/**
 * Recording a computation into a program, and replaying it. `record(backend, fn)` runs `fn`
 * once through the ordinary ops and autograd on a backend wrapper that, besides running each
 * kernel, writes the call down with its arguments: the buffers the ops allocated stay the
 * program's buffers. `compile` then prunes calls nothing reads from, folds constant calls, drops
 * repeated ones (shareResults), fuses bias + activation (fuse.ts), rewrites 2-D products as
 * in-place GEMMs, fuses convolutions' window matrices away where the backend can, places the
 * buffers by liveness (placeBuffers) and binds the calls into closures (a tiny program's into
 * runs for the backend's sequencer): replaying it runs the same kernels on the same buffers
 * with no tensors, no graph and no allocation.
 *
 * A recording is sound when everything the computation does to values goes through kernels.
 * Code that reads values in plain code calls `notTraceable` (context), which stops the
 * recording with its reason; kernels that return a value cannot be replayed and stop it too.
 */
import { type Backend, type Kernels, isLive } from '../backends/backend.js';
import { jsBackend } from '../backends/js/index.js';
import { type Context, withContext } from '../context/context.js';
import type { Rng } from '../tensor/random.js';
import { fuseBiasActivation, fuseConvolutions } from './fuse.js';
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
  /** The calls the recording ran (all of them, unless it was dry). */
  ran: Set<Call>;
}

export interface RecordOptions {
  /**
   * Run only the calls on constants (those `fold` drops, whose results the program keeps), and
   * allocate plainly instead of in kernel memory: a recording made to compile then writes no
   * intermediate, so its memory is never touched and a program costs what `placeBuffers` gives
   * it, not every intermediate of the step. Its results are not the step's values.
   */
  dry?: boolean;
}

/**
 * Runs `fn` once, recording every kernel call, and then undoes what it did to the world: buffers
 * it did not allocate (weights, a layer's moving averages) get their values back, and random
 * generators their state, so a recording is a compilation, not a step. Throws
 * NotTraceableError with the reason when `fn` does something a replay could not repeat.
 */
export function record<T>(backend: Backend, fn: () => T, overrides: Partial<Context> = {}, options: RecordOptions = {}): Recording<T> {
  const dry = options.dry === true;
  const calls: Call[] = [];
  const owned = new Set<Buf>();
  const ran = new Set<Call>();
  /** Buffers a call that did not run writes: what reads them is not constant either. */
  const unwritten = new Set<Buf>();
  const saved = new Map<Buf, Buf>();
  const generators = new Map<Rng, number[]>();
  const kernels = {} as Record<KernelName, AnyKernel>;
  for (const name of Object.keys(WRITES) as KernelName[]) {
    const inner = backend.kernels[name] as unknown as (...args: unknown[]) => unknown;
    kernels[name] = ((...args: unknown[]) => {
      if (WRITES[name].returns === true) throw new NotTraceableError(`kernel '${name}' returns a value a replay would lose`);
      const call = { kernel: name, args };
      calls.push(call);
      if (dry && !constantCall(call, owned, unwritten)) {
        for (const b of writesOf(call)) unwritten.add(b);
        return undefined;
      }
      ran.add(call);
      for (const b of writesOf(call)) if (!owned.has(b) && !saved.has(b)) saved.set(b, b.slice());
      if (name === 'fillRandom') {
        const rng = args[1] as Rng;
        if (!generators.has(rng)) generators.set(rng, rng.getState());
      }
      return inner(...args);
    }) as AnyKernel;
  }
  const recording: Backend = {
    name: backend.name,
    // Float32 buffers live where the kernels use them in place (WebAssembly memory).
    alloc: (n, dtype) => {
      const b = dtype === 'float32' && !dry ? (backend.allocResident?.(n) ?? backend.alloc(n, dtype)) : backend.alloc(n, dtype);
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
    return { result, calls, owned, ran };
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

/** Whether `c` reads only the program's own buffers outside `varying`, writes only its own, and is neither a draw nor in place. */
function constantCall(c: Call, owned: ReadonlySet<Buf>, varying: ReadonlySet<Buf>): boolean {
  return c.kernel !== 'fillRandom' && WRITES[c.kernel].inPlace !== true && readsOf(c).every((b) => owned.has(b) && !varying.has(b)) && writesOf(c).every((b) => owned.has(b));
}

/**
 * Constant folding: a call that reads only buffers no replay changes (the program's own, written
 * by no remaining call: scalars, the gradient seed and what follows from them) gives the same
 * result every time, which the recording already left in its output: the call is dropped.
 * Inputs, weights and state (buffers the program does not own) and random draws vary. A call
 * the recording did not run (`ran`, from a dry recording) is kept.
 */
export function fold(calls: readonly Call[], owned: ReadonlySet<Buf>, ran?: ReadonlySet<Call>): Call[] {
  const varying = new Set<Buf>();
  const kept: Call[] = [];
  for (const c of calls) {
    if ((ran === undefined || ran.has(c)) && constantCall(c, owned, varying)) continue;
    for (const b of writesOf(c)) varying.add(b);
    kept.push(c);
  }
  return kept;
}

/**
 * Common subexpressions: a call that repeats an earlier one (same kernel, same arguments) while
 * nothing has written the buffers it reads in between gives the earlier call's values again; it
 * is dropped and what read its outputs reads the earlier call's. Binary cross-entropy from
 * logits takes sigmoid(z) twice, for the predictions and in its backward; a layer's output is
 * often compared or copied twice. Only calls whose outputs the program owns, outside `keep`,
 * each written by that call alone, are dropped; in-place kernels and draws never are.
 */
export function shareResults(calls: readonly Call[], keep: ReadonlySet<Buf>, owned: ReadonlySet<Buf>): Call[] {
  const writers = new Map<Buf, number>();
  for (const c of calls) for (const b of writesOf(c)) writers.set(b, (writers.get(b) ?? 0) + 1);
  const ids = new Map<Buf, number>();
  const version = new Map<Buf, number>();
  const id = (b: Buf): string => {
    if (!ids.has(b)) ids.set(b, ids.size);
    return `${ids.get(b)}.${version.get(b) ?? 0}`;
  };
  // An argument as text (buffers by identity and version); null for one that has no plain text (an object).
  const text = (a: unknown): string | null => {
    if (isBuf(a)) return `#${id(a)}`;
    if (Array.isArray(a)) {
      const parts = a.map(text);
      return parts.includes(null) ? null : `[${parts.join(',')}]`;
    }
    return a === null || typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean' ? JSON.stringify(a) ?? String(a) : null;
  };
  const seen = new Map<string, Call>();
  const swap = new Map<Buf, Buf>();
  const map = (a: unknown): unknown => (isBuf(a) ? (swap.get(a) ?? a) : Array.isArray(a) && a.some(isBuf) ? a.map(map) : a);
  const kept: Call[] = [];
  for (const original of calls) {
    const c = swap.size === 0 ? original : { kernel: original.kernel, args: original.args.map(map) };
    const w = WRITES[c.kernel];
    const outs = writesOf(c);
    const single = outs.every((b) => writers.get(b) === 1);
    let key: string | null = null;
    if (w.inPlace !== true && c.kernel !== 'fillRandom' && single) {
      const parts = c.args.map((a, i) => (w.out.includes(i) ? '_' : text(a)));
      if (!parts.includes(null)) key = `${c.kernel}(${parts.join(';')})`;
    }
    const earlier = key === null ? undefined : seen.get(key);
    if (earlier !== undefined && outs.every((b) => owned.has(b) && !keep.has(b))) {
      writesOf(earlier).forEach((b, i) => swap.set(outs[i]!, b));
      continue;
    }
    if (key !== null) seen.set(key, c);
    for (const b of outs) version.set(b, (version.get(b) ?? 0) + 1);
    kept.push(c);
  }
  return kept;
}

/** Where a program's buffers live after `placeBuffers`: its calls over the new storage, and each old buffer's new home. */
export interface Placement {
  calls: Call[];
  /** The buffer that now holds what `b` held in the recording (`b` itself when it was not moved). */
  home(b: Buf): Buf;
  /** The storage the homes are views of: keep it reachable while the program lives. */
  regions: Buf[];
  /** Elements of shared storage, and what the buffers placed in it would take apart. */
  sharedElements: number;
  separateElements: number;
}

/** Views into shared storage start on 64-byte lines (16 float32 or 8 float64 elements). */
const LINE_BYTES = 64;

/**
 * Places a program's buffers in storage, letting intermediates whose lifetimes do not overlap
 * share it. A buffer can share when the program owns it, it is not an output, and its first use
 * fully overwrites it (buffers read before any write hold constants). Buffers of one element type
 * are laid out in one region, largest first, each at the lowest offset that overlaps no buffer
 * alive at the same time (an interval of calls, ends included: a call's inputs and outputs never
 * share). Constants and outputs each get their own buffer with the recording's values. Float32
 * storage comes from `alloc` (the backend's kernel memory where it has one).
 */
export function placeBuffers(calls: readonly Call[], outputs: ReadonlySet<Buf>, owned: ReadonlySet<Buf>, alloc: (n: number) => Float32Array = (n) => new Float32Array(n)): Placement {
  const first = new Map<Buf, number>();
  const last = new Map<Buf, number>();
  const constant = new Set<Buf>();
  calls.forEach((c, i) => {
    for (const b of readsOf(c)) {
      if (!first.has(b)) {
        constant.add(b);
        first.set(b, i);
      }
      last.set(b, i);
    }
    for (const b of writesOf(c)) {
      if (!first.has(b)) first.set(b, i);
      last.set(b, i);
    }
  });
  const home = new Map<Buf, Buf>();
  const regions: Buf[] = [];
  // Constants and outputs: a buffer each, holding the recording's values.
  const own = (b: Buf): void => {
    if (home.has(b) || !owned.has(b)) return;
    const h = b instanceof Float32Array ? alloc(b.length) : new Float64Array(b.length);
    h.set(b);
    home.set(b, h);
  };
  for (const b of outputs) own(b);
  for (const b of constant) own(b);
  const shareable = [...first.keys()].filter((b) => owned.has(b) && !home.has(b));
  let sharedElements = 0;
  let separateElements = 0;
  for (const wide of [false, true]) {
    const group = shareable.filter((b) => (b instanceof Float64Array) === wide).sort((a, b) => b.length - a.length || first.get(a)! - first.get(b)!);
    if (group.length === 0) continue;
    const line = LINE_BYTES / (wide ? 8 : 4);
    const placed: Array<{ b: Buf; at: number; end: number }> = [];
    let size = 0;
    for (const b of group) {
      const [from, to] = [first.get(b)!, last.get(b)!];
      const clashes = placed.filter((p) => !(last.get(p.b)! < from || to < first.get(p.b)!)).sort((x, y) => x.at - y.at);
      let at = 0;
      for (const p of clashes) {
        if (at + b.length <= p.at) break;
        at = Math.max(at, Math.ceil(p.end / line) * line);
      }
      placed.push({ b, at, end: at + b.length });
      size = Math.max(size, at + b.length);
      separateElements += b.length;
    }
    sharedElements += size;
    const region: Buf = wide ? new Float64Array(size) : alloc(size);
    regions.push(region);
    const views = new Map<string, Buf>();
    for (const { b, at, end } of placed) {
      const k = `${at}:${end}`;
      if (!views.has(k)) views.set(k, region.subarray(at, end));
      home.set(b, views.get(k)!);
    }
  }
  const map = (a: unknown): unknown => (isBuf(a) ? (home.get(a) ?? a) : Array.isArray(a) && a.some(isBuf) ? a.map(map) : a);
  return {
    calls: calls.map((c) => ({ kernel: c.kernel, args: c.args.map(map) })),
    home: (b) => home.get(b) ?? b,
    regions,
    sharedElements,
    separateElements,
  };
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

/**
 * Replaces, in the calls' arguments, each number equal to a stand-in `standIns[i]` by the live
 * number i (LiveScalar): a replay reads it from the program's array of step numbers. A
 * recording of an update made with stand-ins for the step's numbers (Optimizer.recordUpdate)
 * becomes one that takes each step's.
 */
export function markLive(calls: readonly Call[], standIns: ArrayLike<number>): Call[] {
  const index = new Map<number, number>();
  for (let i = 0; i < standIns.length; i++) index.set(standIns[i]!, i);
  return calls.map((c) => (c.args.some((a) => typeof a === 'number' && index.has(a)) ? { kernel: c.kernel, args: c.args.map((a) => (typeof a === 'number' && index.has(a) ? { live: index.get(a)! } : a)) } : c));
}

/**
 * A program's live numbers as JavaScript values, taken from its float64 array once per replay
 * (`refresh`, the program's first step, when it changed) and shared by every call that takes them: a float64 read
 * from the array becomes a new boxed number each time it is put in an argument list, so reading
 * it per call allocated per call. The array holds non-numbers too (null), so V8 keeps it
 * generic and stores the boxed numbers as they are.
 */
interface Boxes {
  values: unknown[];
  refresh(): void;
}

function boxesOf(live: Float64Array): Boxes {
  const values: unknown[] = new Array<unknown>(live.length + 1).fill(null);
  return {
    values,
    // Boxed again only when the number changed: a constant learning rate boxes once, not
    // once per step (16 bytes a step on the reference backend's XOR).
    refresh: () => {
      for (let i = 0; i < live.length; i++) if (!Object.is(values[i], live[i])) values[i] = live[i];
    },
  };
}

/** A call whose arguments include live numbers: each replay takes them from `boxes` first. */
function bindLive(fn: (...args: unknown[]) => unknown, a: unknown[], boxes: Boxes): () => void {
  const live = boxes.values;
  const vals = [...a];
  const at: number[] = [];
  const from: number[] = [];
  a.forEach((x, i) => {
    if (isLive(x)) {
      at.push(i);
      from.push(x.live);
    }
  });
  const k = at.length;
  return () => {
    for (let j = 0; j < k; j++) vals[at[j]!] = live[from[j]!]!;
    switch (vals.length) {
      case 7: fn(vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6]); break;
      case 8: fn(vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6], vals[7]); break;
      case 9: fn(vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6], vals[7], vals[8]); break;
      case 10: fn(vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6], vals[7], vals[8], vals[9]); break;
      case 11: fn(vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6], vals[7], vals[8], vals[9], vals[10]); break;
      default: fn(...vals);
    }
  };
}

/** Binds one call: its live numbers (if any) taken from `boxes` on each replay. */
function bindCall(fn: (...args: unknown[]) => unknown, a: unknown[], boxes: Boxes | undefined): () => void {
  if (!a.some(isLive)) return bind(fn, a);
  if (boxes === undefined) throw new Error('compile: a call takes live numbers but the program has no array of them');
  return bindLive(fn, a, boxes);
}

/** Runs the steps in order (after refreshing the live numbers, when some step takes them). */
function sequence(steps: ReadonlyArray<() => void>, boxes: Boxes | undefined, storage: readonly Buf[]): Program {
  const all = boxes === undefined ? steps : [boxes.refresh, ...steps];
  const n = all.length;
  if (n === 1) return Object.assign(all[0]!, { storage });
  return Object.assign(() => {
    for (let i = 0; i < n; i++) all[i]!();
  }, { storage });
}

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

/** Binds calls to a backend's kernels; the program holds `storage` (what its buffers are views of) while it lives. */
export function link(calls: readonly Call[], backend: Backend, storage: readonly Buf[] = [], live?: Float64Array): Program {
  const boxes = live !== undefined && calls.some((c) => c.args.some(isLive)) ? boxesOf(live) : undefined;
  return sequence(calls.map((c) => bindCall(backend.kernels[c.kernel] as unknown as (...args: unknown[]) => unknown, c.args, boxes)), boxes, storage);
}

export interface Compiled {
  program: Program;
  /** Kernel calls per replay, and as recorded. */
  calls: number;
  recorded: number;
  /** What a replay changes besides its own buffers: buffers it does not own, and generators. */
  effects: { buffers: Buf[]; generators: Rng[] };
  /** Where the program keeps what the recording kept in `b` (an output's values after replays). */
  home(b: Buf): Buf;
  /** Elements of the program's shared intermediate storage, and what its intermediates would take apart. */
  memory: { shared: number; separate: number };
}

/**
 * Below this many values in every buffer, a program is tiny (the notes' 2-2-1 XOR: a step of
 * ~25 calls on a few values each): calling its kernels one by one would cost more than their
 * arithmetic. Where the backend has a sequencer (WebAssembly), runs of calls it takes become one
 * call into it each; the rest call the reference kernels directly, as the WebAssembly and native
 * kernels hand such sizes to them themselves (their NATIVE_MIN), without each backend kernel's
 * checks on the way.
 */
const TINY_BUFFER = 64;
let reference: Backend | null = null;

/** Whether every buffer `calls` touch holds fewer than TINY_BUFFER values. */
function tiny(calls: readonly Call[]): boolean {
  return calls.every((c) => [...readsOf(c), ...writesOf(c)].every((b) => b.length < TINY_BUFFER));
}

/** Links a tiny program: runs of calls the sequencer takes as one function each, the others as reference kernel calls. */
function linkTiny(calls: readonly Call[], backend: Backend, storage: readonly Buf[], live: Float64Array | undefined): Program {
  const ref = (reference ??= jsBackend());
  const sequencer = backend.sequence;
  if (sequencer === undefined) return link(calls, ref, storage, live);
  // Live numbers are read where the instructions run: the array must be in the backend's memory.
  const liveThere = live !== undefined && backend.isResident?.(live) === true;
  const encoded = calls.map((c) => (liveThere || !c.args.some(isLive) ? sequencer.encode(c.kernel, c.args) : null));
  const boxes = live !== undefined && calls.some((c, i) => encoded[i] === null && c.args.some(isLive)) ? boxesOf(live) : undefined;
  const steps: Array<() => void> = [];
  let run: Array<readonly number[]> = [];
  const flush = (): void => {
    if (run.length > 0) steps.push(sequencer.load(run, liveThere ? live : undefined));
    run = [];
  };
  calls.forEach((c, i) => {
    const instruction = encoded[i]!;
    if (instruction !== null) run.push(instruction);
    else {
      flush();
      steps.push(bindCall(ref.kernels[c.kernel] as unknown as (...args: unknown[]) => unknown, c.args, boxes));
    }
  });
  flush();
  return sequence(steps, boxes, storage);
}

/** Prune, fold, fuse, place, rewrite, link: the whole pipeline from a recording to a program. */
export function compile(rec: Recording<unknown>, outputs: readonly Buf[], backend: Backend, live?: { standIns: ArrayLike<number>; values: Float64Array }): Compiled {
  const out = new Set(outputs);
  const recorded = live === undefined ? rec.calls : markLive(rec.calls, live.standIns);
  const products = productsAsGemm(fuseBiasActivation(shareResults(fold(prune(recorded, out, rec.owned), rec.owned, rec.ran), out, rec.owned), out, rec.owned));
  // Convolutions without their window matrices where the backend has the kernels for it.
  const fused = backend.nativeKernels?.includes('conv') === true ? fuseConvolutions(products, out, rec.owned) : products;
  const placed = placeBuffers(fused, out, rec.owned, backend.allocResident);
  const calls = placed.calls;
  const buffers = new Set<Buf>();
  const generators = new Set<Rng>();
  // Before placement: the homes placeBuffers gives are the program's own too.
  for (const c of fused) {
    for (const b of writesOf(c)) if (!rec.owned.has(b)) buffers.add(b);
    if (c.kernel === 'fillRandom') generators.add(c.args[1] as Rng);
  }
  return {
    program: tiny(calls) ? linkTiny(calls, backend, placed.regions, live?.values) : link(calls, backend, placed.regions, live?.values),
    calls: calls.length,
    recorded: rec.calls.length,
    effects: { buffers: [...buffers], generators: [...generators] },
    home: placed.home,
    memory: { shared: placed.sharedElements, separate: placed.separateElements },
  };
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
