/**
 * The compiled step: for each batch size, the ordinary eager step (forward through every layer,
 * loss, penalties, backward) and the optimizer's update run once on the first rows while
 * compile/trace.ts records their kernel calls (and then undoes their effects); every batch copies
 * its rows into the program's input buffers and replays it. The update is recorded with
 * stand-ins for the step's numbers (learning rate, bias corrections), which each replay reads
 * from an array the optimizer fills first, gradient clipping included. Where the update cannot
 * be recorded (AMSGrad, gradients accumulated over batches), the optimizer updates the weights
 * from the program's gradient buffers after each replay. One definition of every op: the program is what
 * the ops did, not a copy of their maths.
 *
 * Where the recording cannot be made (a layer computing on values in plain code), `why` says
 * which part and why, and the caller runs the eager step instead, saying so.
 */
import type { Backend } from '../backends/backend.js';
import { NotTraceableError, compile, record, withoutEffects } from '../compile/trace.js';
import type { Layer } from '../nn/layer.js';
import { type Buf, Tensor } from '../tensor/tensor.js';

/** A program with input tensors to fill before each replay. */
export interface CompiledStep {
  /** The inputs' and targets' batch buffers, in the model's order. */
  readonly xs: Tensor[];
  readonly ys: Tensor[];
  /** Sample weights of the batch, when the step takes them. */
  readonly w: Tensor | null;
  /** Replays the step; returns the batch's loss (penalties included when training). */
  run(): number;
  /** The last replay's predictions (one per output), over the program's buffers. */
  readonly preds: Tensor[];
  /** Each output's loss in the last replay, for a model with several outputs (else empty). */
  readonly outputLosses: Tensor[];
  /** (weight, gradient) for the optimizer, gradients over the program's buffers; empty when the program updates the weights itself. */
  readonly grads: ReadonlyArray<readonly [Tensor, Tensor]>;
  /** Whether a replay also updates the weights (the optimizer's update recorded into the program). */
  readonly updates: boolean;
  /** Kernel calls per replay, and as recorded (before pruning). */
  readonly calls: number;
  readonly recorded: number;
  /** Elements of the program's shared intermediate storage, and what its intermediates would take apart. */
  readonly memory: { shared: number; separate: number };
}

/** (weight, gradient) for each trainable weight the gradients reach, in the weights' order. */
export function gradientPairs(trainable: readonly Tensor[], grads: ReadonlyMap<Tensor, Tensor> | undefined): Array<readonly [Tensor, Tensor]> {
  return grads === undefined ? [] : trainable.filter((t) => grads.has(t)).map((t) => [t, grads.get(t)!] as const);
}

/** Why a step could not be compiled. */
export interface NotCompiled {
  why: string;
  /** The program did not fit in kernel memory (a smaller batch may). */
  outOfMemory?: true;
}

/**
 * Moves a weight into the backend's kernel memory (WebAssembly), where the kernels and the
 * optimizer use it in place; the tensor keeps working as before.
 */
export function adopt(t: Tensor, backend: Backend): void {
  if (backend.allocResident === undefined || backend.isResident?.(t.values) === true || !(t.values instanceof Float32Array)) return;
  const v = backend.allocResident(t.size);
  v.set(t.values);
  t.values = v;
}

/** Copies the leading rows of `src` into `dst` (fewer rows than dst holds: the rest stay 0). */
function firstRows(src: Tensor, dst: Tensor): void {
  dst.values.set(src.values.subarray(0, Math.min(src.size, dst.size)));
}

function input(shape: readonly number[], backend: Backend, like: Tensor): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const values = like.storage === 'float32' ? (backend.allocResident?.(n) ?? new Float32Array(n)) : new Float64Array(n);
  return new Tensor(values, shape);
}

/** A batch buffer of `batch` rows shaped like `t`'s, holding its first rows. */
function batchOf(t: Tensor, batch: number, backend: Backend): Tensor {
  const b = input([batch, ...t.shape.slice(1)], backend, t);
  firstRows(t, b);
  return b;
}

/** An optimizer's update, for a compiled step to record (Optimizer.recordUpdate and its step numbers). */
export interface StepUpdate {
  /** How many numbers a step's update takes (Optimizer.stepScalarCount). */
  readonly count: number;
  /** The kernel calls of one update of `pairs`, with stand-ins `s` for the step's numbers. */
  record(pairs: ReadonlyArray<readonly [Tensor, Tensor]>, s: ArrayLike<number>): void;
  /** Writes the next step's numbers into `out`. */
  next(out: Float64Array): void;
  /** Counts a step the program made. */
  done(): void;
}

/**
 * Stand-ins for an update's step numbers while it is recorded: values no argument of a call
 * takes otherwise (multiples of 2⁻¹⁰²⁰), found and replaced in the recorded calls.
 */
const STAND_INS = Float64Array.from({ length: 8 }, (_, i) => (i + 1) * 2 ** -1020);

/** The array of a program's step numbers: in kernel memory where the backend has it (the WebAssembly sequencer reads it there). */
function liveNumbers(count: number, backend: Backend): { values: Float64Array; owner: Float32Array | null } {
  const owner = backend.allocResident?.(2 * count) ?? null;
  return { values: owner === null ? new Float64Array(count) : new Float64Array(owner.buffer, owner.byteOffset, count), owner };
}

export interface StepSpec {
  /** The step to record: a model's trainStep (gradients) or testStep (none), written with ops. */
  step(xs: Tensor[], ys: Tensor[], sampleWeight: Tensor | undefined): { loss: Tensor; preds: Tensor[]; outputLosses: Tensor[]; grads?: Map<Tensor, Tensor> };
  /** The model's layers: their weights move into kernel memory first. */
  layers: readonly Layer[];
  /** Rows per batch. */
  batch: number;
  /** Example tensors: the dataset's inputs and targets (their rows give the shapes). */
  xs: Tensor[];
  ys: Tensor[];
  weighted: boolean;
  backend: Backend;
  /**
   * Check the program on a second batch against the eager step before using it: for steps with
   * code the library does not know (a custom layer or trainStep), which could compute on tensor
   * values behind the ops' back, and would then replay its first batch's numbers.
   */
  verify?: boolean;
  /** The optimizer's update, recorded into the program (not with `verify`: the check compares gradients). */
  update?: StepUpdate;
}

/**
 * Records one step on the first rows of the data and compiles it, or says why it cannot.
 * Recording changes nothing: weights, layer state and generators are as before.
 */
export function compileStep(spec: StepSpec, trainable: readonly Tensor[]): CompiledStep | NotCompiled {
  const { backend, batch } = spec;
  // Everything that takes kernel memory is inside the try: a full memory refuses the program.
  try {
    for (const l of spec.layers) for (const w of l.weights) adopt(w, backend);
    const xs = spec.xs.map((t) => batchOf(t, batch, backend));
    const ys = spec.ys.map((t) => batchOf(t, batch, backend));
    const w = spec.weighted ? input([batch], backend, spec.ys[0]!) : null;
    if (w !== null) w.values.fill(1);
    const update = spec.verify === true ? undefined : spec.update;
    const standIns = STAND_INS.subarray(0, update?.count ?? 0);
    if (update !== undefined && update.count > STAND_INS.length) throw new Error(`compileStep: an update of ${update.count} step numbers (at most ${STAND_INS.length})`);
    const rec = record(backend, () => {
      const r = spec.step(xs, ys, w ?? undefined);
      update?.record(gradientPairs(trainable, r.grads), standIns);
      return r;
    }, {}, { dry: true });
    const { preds, loss, outputLosses } = rec.result;
    const pairs = gradientPairs(trainable, rec.result.grads);
    // With the update inside, the gradients are the program's intermediates, not its outputs.
    const outputs = [loss, ...outputLosses, ...preds, ...(update === undefined ? pairs.map(([, g]) => g) : [])];
    const live = update === undefined ? undefined : liveNumbers(update.count, backend);
    const compiled = compile(rec, outputs.map((t) => t.values), backend, live === undefined ? undefined : { standIns, values: live.values });
    for (const t of outputs) t.values = compiled.home(t.values);
    const run = update === undefined || live === undefined
      ? () => { compiled.program(); return loss.values[0]!; }
      : () => {
        update.next(live.values);
        compiled.program();
        update.done();
        return loss.values[0]!;
      };
    const step: CompiledStep = { xs, ys, w, preds, outputLosses, grads: update === undefined ? pairs : [], updates: update !== undefined, calls: compiled.calls, recorded: compiled.recorded, memory: compiled.memory, run: Object.assign(run, { live }) };
    if (spec.verify === true) {
      const why = mismatch(spec, step, outputs, trainable, () => withoutEffects(compiled.effects, () => step.run()));
      if (why !== null) return { why };
    }
    return step;
  } catch (e) {
    if (e instanceof NotTraceableError) return { why: e.message };
    if (outOfMemory(e)) return { why: memoryReason(batch), outOfMemory: true };
    throw e;
  }
}

/** Whether `e` is a WebAssembly memory that could not grow (a program too large for the module's memory). */
function outOfMemory(e: unknown): boolean {
  return e instanceof RangeError && /memory/i.test(e.message);
}

/** Why a program could not be made for `batch` rows for want of memory, and what to do. */
function memoryReason(batch: number): string {
  return `a compiled program for batches of ${batch} needs more WebAssembly memory than the module can grow to (2 GB); it runs eagerly, a smaller batchSize compiles`;
}

/**
 * Replays the program on another batch (the last rows, reversed, x scaled by 7/8) and compares
 * it with the eager step there; null when they agree, else what differs. Neither run changes
 * weights, layer state or generators.
 */
function mismatch(spec: StepSpec, step: CompiledStep, outputs: readonly Tensor[], trainable: readonly Tensor[], replay: () => void): string | null {
  spec.xs.forEach((t, i) => otherRows(t, step.xs[i]!, spec.batch, 0.875));
  spec.ys.forEach((t, i) => otherRows(t, step.ys[i]!, spec.batch, 1));
  const eager = record(spec.backend, () => spec.step(step.xs, step.ys, step.w ?? undefined));
  const pairs = gradientPairs(trainable, eager.result.grads);
  const expected = [eager.result.loss, ...eager.result.outputLosses, ...eager.result.preds, ...pairs.map(([, g]) => g)];
  replay();
  const names = ['the loss', ...step.outputLosses.map((_, i) => `output ${i}'s loss`), ...step.preds.map(() => 'the predictions'), ...pairs.map(([t]) => `the gradient of ${t.name ?? 'a weight'}`)];
  for (let i = 0; i < outputs.length; i++) {
    const a = outputs[i]!.values;
    const b = expected[i]?.values;
    if (b === undefined || a.length !== b.length) return `the recorded step and the eager one give different outputs on a second batch (${names[i]})`;
    const k = firstDifference(a, b);
    if (k >= 0) {
      return `replayed on a second batch, the recorded step gives ${names[i]} ${a[k]} where the eager step gives ${b[k]}: some code computes on tensor values outside ops (a custom layer or trainStep reading .values?), which a recording cannot repeat`;
    }
  }
  return null;
}

/**
 * The check's other batch: the data's last rows, reversed, scaled by `scale` (x by 7/8, so values
 * differ from the recorded ones) unless they are whole numbers (token ids, class indices, which
 * a scale would turn into ids that do not exist: reversed only).
 */
function otherRows(src: Tensor, dst: Tensor, batch: number, scale: number): void {
  const n = src.shape[0]!;
  const width = dst.size / batch;
  let whole = true;
  for (let r = 0; r < batch; r++) {
    const from = (n - 1 - (r % n)) * width;
    for (let j = 0; j < width; j++) {
      const v = src.values[from + j]!;
      whole &&= Number.isInteger(v);
      dst.values[r * width + j] = v;
    }
  }
  if (scale === 1 || whole) return;
  for (let k = 0; k < dst.size; k++) dst.values[k] = dst.values[k]! * scale;
}

/** The first index where a replay and the eager run differ beyond float tolerance (NaN equal to NaN), or −1. */
function firstDifference(a: Buf, b: Buf): number {
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= 1e-5 * Math.max(1, Math.abs(y)))) return k;
  }
  return -1;
}

/** Recorded inference: `forward` (the model's call, training off) on a batch of rows; checked on a second batch when `verify`. */
export function compileForward(layers: readonly Layer[], forward: (xs: Tensor[]) => Tensor[], batch: number, xs: Tensor[], backend: Backend, verify = false): { xs: Tensor[]; outs: Tensor[]; run(): void; memory: { shared: number; separate: number } } | NotCompiled {
  try {
    for (const l of layers) for (const w of l.weights) adopt(w, backend);
    const xbs = xs.map((t) => batchOf(t, batch, backend));
    const rec = record(backend, () => forward(xbs), { gradEnabled: false }, { dry: true });
    const outs = rec.result;
    const { program, home, memory } = compile(rec, outs.map((o) => o.values), backend);
    for (const o of outs) o.values = home(o.values);
    if (verify) {
      xs.forEach((t, i) => otherRows(t, xbs[i]!, batch, 0.875));
      const eager = record(backend, () => forward(xbs), { gradEnabled: false }).result;
      program();
      for (const [o, out] of outs.entries()) {
        const k = firstDifference(out.values, eager[o]!.values);
        if (k >= 0) {
          return { why: `replayed on a second batch, the recorded forward pass gives ${out.values[k]} where the eager one gives ${eager[o]!.values[k]}: some code computes on tensor values outside ops (a custom layer reading .values?), which a recording cannot repeat` };
        }
      }
    }
    return { xs: xbs, outs, run: program, memory };
  } catch (e) {
    if (e instanceof NotTraceableError) return { why: e.message };
    if (outOfMemory(e)) return { why: memoryReason(batch), outOfMemory: true };
    throw e;
  }
}
