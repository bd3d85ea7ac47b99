/**
 * The training loop behind `fit`: epochs of shuffled mini-batches (gathered per batch, never a
 * copy of the dataset per epoch), one gradient step per batch — or one update per
 * `accumulateSteps` batches with their gradients averaged — metrics, validation, callbacks,
 * and regular yields to the event loop so progress output and UIs stay live.
 */
import { getContext } from '../context/context.js';
import { argmax } from '../ops/reduce.js';
import { tensor } from '../ops/creation.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Optimizer } from '../optim/optimizer.js';
import { knownKeys, nonNegativeInt, numberOption } from '../tensor/options.js';
import { type CallbackHooks, CallbackList, History, sameKeysAliases } from './callbacks.js';
import { checkBatchSize, checkFinite, checkSampleLists, gatherBatch, identityOrder, takeRows } from './data.js';
import { type CompiledStep, type NotCompiled, gradientPairs } from './compiled.js';
import { type OutputStream, ProgbarLogger } from './progress.js';
import { TerminateOnNaN } from './builtin-callbacks.js';
import type { Model, ModelData, OutputMetric } from './model.js';
import type { Logs, TrainingParams } from './types.js';

export interface FitArgs {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle the sample order every epoch (default true), with the context's seeded Rng. */
  shuffle?: boolean;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Evaluate on these after each epoch: [x, y] or [x, y, sampleWeight] (x, y as `fit` takes them). */
  validationData?: [ModelData, ModelData] | [ModelData, ModelData, Tensor];
  /** Hold out this fraction of the samples (the last ones, before shuffling) for validation. */
  validationSplit?: number;
  /** Epoch to start counting from (for resumed runs). */
  initialEpoch?: number;
  /** Weight per class index, e.g. {0: 1, 1: 5}. */
  classWeight?: Record<number, number>;
  /** Weight per sample, shape [n]. */
  sampleWeight?: Tensor;
  /** Callbacks (null or undefined: none, as tfjs accepts). */
  callbacks?: CallbackHooks | CallbackHooks[] | null;
  /** 'auto' (default: at most every 25 ms), 'batch', 'epoch', 'never', or milliseconds. */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
  /** Apply one update every k batches, from their averaged gradients (default 1). */
  accumulateSteps?: number;
  /** Where progress goes (default process.stdout). */
  stream?: OutputStream;
  /**
   * A batch whose loss is NaN or infinite: 'throw' (default) stops fit with an error naming the
   * epoch and batch; 'warn' warns once and goes on (the weights are lost either way). With a
   * `callbacks.terminateOnNaN()` callback, fit stops quietly instead, as Keras's.
   */
  onNaN?: 'throw' | 'warn';
}

const nextTick: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

function classWeights(y: Tensor, weights: Record<number, number>): Tensor {
  const width = y.rank >= 2 ? y.shape[y.rank - 1]! : 1;
  const labels = width > 1 ? argmax(y, -1) : y;
  const w = new Float32Array(labels.size);
  for (let i = 0; i < labels.size; i++) {
    const c = width > 1 ? labels.values[i]! : Math.round(labels.values[i]!);
    w[i] = weights[c] ?? 1;
  }
  return tensor(w);
}

function splitTail(t: Tensor, at: number): [Tensor, Tensor] {
  const n = t.shape[0]!;
  const order = identityOrder(n);
  return [takeRows(t, order, 0, at), takeRows(t, order, at, n)];
}

/** Every option `fit` takes (a typo such as `epoch: 5` is an error, not one epoch). */
const FIT_KEYS: ReadonlyArray<keyof FitArgs> = [
  'epochs', 'batchSize', 'shuffle', 'verbose', 'validationData', 'validationSplit', 'initialEpoch', 'classWeight', 'sampleWeight',
  'callbacks', 'yieldEvery', 'accumulateSteps', 'stream', 'onNaN',
];

export async function fitLoop(model: Model, xAll: Tensor[], yAll: Tensor[], args: FitArgs): Promise<History> {
  const compiled = model.compiledOrThrow('fit');
  if (args === null || typeof args !== 'object') throw new Error(`fit: the options must be an object ({epochs, batchSize, …}), got ${args === null ? 'null' : typeof args}`);
  knownKeys('fit', args, FIT_KEYS);
  checkVerbose('fit', args.verbose);
  numberOption('fit', 'initialEpoch', args.initialEpoch, 0, nonNegativeInt, 'an integer ≥ 0');
  if (args.shuffle !== undefined && typeof args.shuffle !== 'boolean') throw new Error(`fit: shuffle must be true or false, got ${JSON.stringify(args.shuffle)}`);
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const accumulate = args.accumulateSteps ?? 1;
  const verbose = args.verbose ?? 1;
  checkBatchSize('fit', batchSize);
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(accumulate) || accumulate < 1) throw new Error(`fit: accumulateSteps must be a positive integer, got ${accumulate}`);
  const total = checkSampleLists('fit', xAll, yAll);
  if (total === 0) throw new Error(`fit: x has no samples (shape ${fmt(xAll[0]!.shape)}): there is nothing to train on`);
  if (args.validationSplit !== undefined && !(args.validationSplit >= 0 && args.validationSplit < 1)) {
    throw new Error(`fit: validationSplit must be a fraction in [0, 1), got ${args.validationSplit}`);
  }
  const onNaN = args.onNaN ?? 'throw';
  if (onNaN !== 'throw' && onNaN !== 'warn') throw new Error(`fit: onNaN must be 'throw' or 'warn', got ${JSON.stringify(onNaN)}`);
  xAll.forEach((t) => checkFinite(t, 'x', 'fit'));
  yAll.forEach((t) => checkFinite(t, 'y', 'fit'));
  yAll.forEach((t, i) => warnBinaryOnSoftmax(model, compiled.losses[i]!.name, t));
  yAll.forEach((t, i) => checkSparseLabels(model, compiled.losses[i]!.name, t, 'fit', i));
  if (args.classWeight !== undefined && yAll.length > 1) throw new Error(`fit: classWeight is for a model with one output; this one has ${yAll.length} (give sampleWeight instead)`);

  let xs = xAll;
  let ys = yAll;
  let weights = args.sampleWeight ?? (args.classWeight === undefined ? undefined : classWeights(yAll[0]!, args.classWeight));
  if (weights !== undefined && weights.shape[0] !== total) {
    throw new Error(`fit: sampleWeight has ${weights.shape[0]} entries (shape ${fmt(weights.shape)}) but x has ${total} samples`);
  }
  if (weights !== undefined) checkFinite(weights, 'sampleWeight', 'fit');
  let val: [Tensor[], Tensor[], Tensor?] | undefined;
  if (args.validationData !== undefined && args.validationData !== null) {
    const [vx, vy, vw] = args.validationData;
    val = [model.dataList(vx, 'fit (validationData)'), model.dataList(vy, 'fit (validationData)', true), vw];
  }
  if (args.validationSplit !== undefined && args.validationSplit > 0) {
    const at = Math.floor(total * (1 - args.validationSplit));
    if (at === 0 || at === total) throw new Error(`fit: validationSplit ${args.validationSplit} leaves no samples for training or for validation (${total} samples)`);
    const xParts = xAll.map((t) => splitTail(t, at));
    const yParts = yAll.map((t) => splitTail(t, at));
    xs = xParts.map((p) => p[0]);
    ys = yParts.map((p) => p[0]);
    val = [xParts.map((p) => p[1]), yParts.map((p) => p[1])];
    if (weights !== undefined) weights = splitTail(weights, at)[0];
  }
  if (val !== undefined) checkSampleLists('fit', val[0], val[1], 'validationData x', 'validationData y');

  const n = xs[0]!.shape[0]!;
  const steps = Math.ceil(n / batchSize);
  const metrics: OutputMetric[] = model.makeMetrics();
  const outLossNames = model.outputLossNames;
  const history = new History();
  const user = args.callbacks === undefined || args.callbacks === null ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
  // As Keras: user callbacks first, so History and the progress bar see what they add to the logs.
  const list: CallbackHooks[] = [...user, history, ...(verbose === 0 ? [] : [new ProgbarLogger(verbose, args.stream)])];
  const params: TrainingParams = { path: 'eager', epochs, initialEpoch: args.initialEpoch ?? 0, steps, samples: n, batchSize, verbose, metrics: [...outLossNames, ...metrics.map((m) => m.name)] };
  const cbs = new CallbackList(list, model, params);
  const optimizer = compiled.optimizer;
  const trainable = model.stepWeights();
  if (optimizer.params.length === 0) optimizer.params = trainable;
  const rng = getContext().rng;
  const backend = getContext().backend;
  // The road: the compiled step, else (a part that cannot be recorded, or runEagerly) eager.
  const compiling = !compiled.runEagerly;
  // Looked up once per batch size for this fit (the model's cache builds a key on each lookup).
  const programs = new Map<number, CompiledStep | NotCompiled>();
  const programFor = (size: number): CompiledStep | NotCompiled => {
    let p = programs.get(size);
    if (p === undefined) programs.set(size, (p = model.compiledTrainStep(xs, ys, size, weights !== undefined, accumulate === 1)));
    return p;
  };
  const first = !compiling || n === 0 ? null : programFor(Math.min(batchSize, n));
  params.path = first !== null && !('why' in first) ? 'compiled' : 'eager';
  if (first !== null && 'why' in first) params.pathReason = `the step could not be compiled: ${first.why}`;
  if (compiled.runEagerly) params.pathReason = 'compile({runEagerly: true})';
  const xWidths = xs.map((t) => t.size / Math.max(1, n));
  const yWidths = ys.map((t) => t.size / Math.max(1, n));
  const outLossSums = ys.map(() => 0);
  const applyGradients = (pairs: ReadonlyArray<readonly [Tensor, Tensor]>, last: boolean): void => {
    if (accumulate === 1) {
      optimizer.applyGradients(pairs);
      return;
    }
    pending ??= trainable.map((w) => new Float32Array(w.size));
    for (const [w, g] of pairs) {
      const acc = pending[trainable.indexOf(w)]!;
      for (let k = 0; k < acc.length; k++) acc[k] = acc[k]! + g.values[k]!;
    }
    pendingCount++;
    if (pendingCount === accumulate || last) {
      const scale = 1 / pendingCount;
      optimizer.applyGradients(trainable.map((w, i) => [w, tensor(pending![i]!.map((v) => v * scale), w.shape)] as const));
      pending = null;
      pendingCount = 0;
    }
  };
  let pending: Float32Array[] | null = null;
  let pendingCount = 0;
  const yieldMs = args.yieldEvery === 'never' || args.yieldEvery === 'epoch' ? Infinity : args.yieldEvery === 'batch' ? 0 : typeof args.yieldEvery === 'number' ? args.yieldEvery : 25;
  let lastYield = performance.now();
  // The clock is read every `clockEvery` batches: each batch when batches are slow, up to every
  // 64th when they take microseconds (50,000 one-batch epochs of XOR should not each read it),
  // keeping reads under a 32nd of the yield interval apart.
  let clockEvery = 1;
  let sinceClock = 0;
  let lastRead = lastYield;

  model.stopTraining = false;
  let nanWarned = false;
  // A terminateOnNaN callback handles a NaN loss itself (it stops fit at that batch).
  const quietNaN = user.some((c) => c instanceof TerminateOnNaN);
  { const p = cbs.trainBegin({}); if (p) await p; }
  /**
   * One batch, compiled or eager: the step, the NaN check, the metrics; returns the loss. A
   * plain function, apart from the async loop below: V8 optimizes it early and well, where a
   * loop's body inside the async function ran in the interpreter for the first thousands of
   * XOR's one-batch epochs.
   */
  const trainBatch = (epoch: number, b: number, order: Int32Array, start: number, end: number): number => {
    let loss: number;
    let targets: Tensor[];
    let preds: Tensor[];
    const program = compiling ? programFor(end - start) : null;
    if (program !== null && !('why' in program)) {
      for (let i = 0; i < xs.length; i++) gatherBatch(backend, xs[i]!.values, xWidths[i]!, program.xs[i]!.values, order, start, end);
      for (let i = 0; i < ys.length; i++) gatherBatch(backend, ys[i]!.values, yWidths[i]!, program.ys[i]!.values, order, start, end);
      if (program.w !== null) gatherBatch(backend, weights!.values, 1, program.w.values, order, start, end);
      loss = program.run();
      preds = program.preds;
      targets = program.ys;
      for (let i = 0; i < program.outputLosses.length; i++) outLossSums[i]! += program.outputLosses[i]!.values[0]! * (end - start);
      if (!program.updates) applyGradients(program.grads, b === steps - 1);
    } else {
      targets = ys.map((t) => takeRows(t, order, start, end));
      const wb = weights === undefined ? undefined : takeRows(weights, order, start, end);
      const inputs = xs.map((t) => takeRows(t, order, start, end));
      const r = model.withStepWeights(() => model.trainStep(inputs.length === 1 ? inputs[0]! : inputs, targets.length === 1 ? targets[0]! : targets, wb), trainable);
      loss = r.loss.item();
      preds = Array.isArray(r.pred) ? r.pred : [r.pred];
      (r.outputLosses ?? []).forEach((t, i) => (outLossSums[i]! += t.item() * (end - start)));
      applyGradients(gradientPairs(trainable, r.grads), b === steps - 1);
    }
    if (!Number.isFinite(loss) && !quietNaN) nanWarned = nonFiniteLoss('fit', loss, `epoch ${epoch + 1}, batch ${b + 1} of ${steps}`, optimizer, onNaN, nanWarned);
    for (let i = 0; i < metrics.length; i++) metrics[i]!.update(targets, preds);
    return loss;
  };
  const batchAliases = sameKeysAliases();
  const epochAliases = sameKeysAliases();
  /** A batch's logs for the batch hooks. */
  const batchLogs = (b: number, size: number, lossSum: number, seen: number): Logs => {
    const logs: Logs = { batch: b, size, loss: lossSum / seen };
    outLossNames.forEach((k, i) => (logs[k] = outLossSums[i]! / seen));
    for (const m of metrics) logs[m.name] = m.result();
    batchAliases(logs);
    return logs;
  };
  /** An epoch's logs: its mean loss, each output's, the metrics, and the validation figures. */
  const epochLogs = (lossSum: number, seen: number): Logs => {
    const logs: Logs = { loss: lossSum / Math.max(1, seen) };
    outLossNames.forEach((k, i) => (logs[k] = outLossSums[i]! / Math.max(1, seen)));
    for (let i = 0; i < metrics.length; i++) logs[metrics[i]!.name] = metrics[i]!.result();
    if (val !== undefined) {
      const v = model.evaluateValues(val[0], val[1], { batchSize, ...(val[2] === undefined ? {} : { sampleWeight: val[2] }) });
      logs.val_loss = v[0]!;
      outLossNames.forEach((k, i) => (logs[`val_${k}`] = v[i + 1]!));
      metrics.forEach((m, i) => (logs[`val_${m.name}`] = v[i + 1 + outLossNames.length]!));
    }
    epochAliases(logs);
    return logs;
  };
  const orderBuffer = new Int32Array(n);
  const identity = identityOrder(n);
  const shuffle = args.shuffle ?? true;
  const epochBegins = cbs.listens('onEpochBegin');
  for (let epoch = params.initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    if (epochBegins) { const p = cbs.epochBegin(epoch, {}); if (p) await p; }
    const order = shuffle ? rng.permuteInto(orderBuffer) : identity;
    for (let i = 0; i < metrics.length; i++) metrics[i]!.reset();
    let lossSum = 0;
    let seen = 0;
    for (let i = 0; i < outLossSums.length; i++) outLossSums[i] = 0;
    for (let b = 0; b < steps; b++) {
      const start = b * batchSize;
      const end = Math.min(n, start + batchSize);
      if (cbs.hasBatchHooks) { const p = cbs.batchBegin(b, { batch: b, size: end - start }); if (p) await p; }
      const loss = trainBatch(epoch, b, order, start, end);
      lossSum += loss * (end - start);
      seen += end - start;
      if (cbs.hasBatchHooks) { const p = cbs.batchEnd(b, batchLogs(b, end - start, lossSum, seen)); if (p) await p; }
      if (yieldMs !== Infinity && ++sinceClock >= clockEvery) {
        const t = performance.now();
        clockEvery = t - lastRead < yieldMs / 64 ? Math.min(64, clockEvery * 2) : 1;
        sinceClock = 0;
        lastRead = t;
        if (t - lastYield >= yieldMs) {
          await nextTick();
          lastYield = lastRead = performance.now();
        }
      }
      if (model.stopTraining) break;
    }
    { const p = cbs.epochEnd(epoch, epochLogs(lossSum, seen)); if (p) await p; }
    // Yield at epoch ends when asked; by time, the batch loop has just checked (50,000
    // one-batch epochs should not each wait for the event loop, or read the clock twice).
    if (args.yieldEvery === 'epoch') {
      await nextTick();
      lastYield = performance.now();
    }
  }
  { const p = cbs.trainEnd({}); if (p) await p; }
  return history;
}

/** verbose is 0, 1 or 2, as Keras and tfjs take it. */
export function checkVerbose(op: string, verbose: unknown): void {
  if (verbose !== undefined && verbose !== 0 && verbose !== 1 && verbose !== 2) throw new Error(`${op}: verbose must be 0 (silent), 1 (progress bar) or 2 (a line per epoch), got ${JSON.stringify(verbose)}`);
}

/**
 * A batch's loss came out NaN or infinite: with 'throw', an error naming where and what to
 * change; with 'warn', one warning (returns true once it has warned).
 */
export function nonFiniteLoss(op: string, loss: number, at: string, optimizer: Optimizer, policy: 'throw' | 'warn', warned: boolean): boolean {
  const why = `the loss is ${loss} at ${at}: training diverged (a learning rate too large for this model? ${optimizer.className} at ${optimizer.currentLearningRate()}); the weights are no longer usable`;
  const options = op === 'trainOnBatch' ? '' : `; callbacks.terminateOnNaN() stops ${op} without an error, {onNaN: 'warn'} goes on`;
  if (policy === 'throw') throw new Error(`${op}: ${why}. Lower the learning rate${options}`);
  if (!warned) console.warn(`${op}: ${why}. callbacks.terminateOnNaN() stops ${op} when this happens`);
  return true;
}

/** Integer labels for sparse cross-entropy, checked over the whole dataset so the row is the dataset's. */
export function checkSparseLabels(model: Model, lossName: string, y: Tensor, op: string, output = 0): void {
  if (lossName !== 'sparseCategoricalCrossentropy') return;
  const shape = model.outputShapes[output]!;
  const classes = shape[shape.length - 1];
  if (classes === null || classes === undefined) return;
  for (let i = 0; i < y.size; i++) {
    const v = y.values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new Error(`${op}: label ${v} at row ${i} of y is not an integer class in [0, ${classes}) (sparseCategoricalCrossentropy over ${classes} outputs)`);
    }
  }
}

/**
 * Binary cross-entropy on a softmax output with one-hot targets wider than 1 trains, but its
 * 'accuracy' is per-element binary accuracy and overstates the real figure. Keras lets it
 * run; we warn once, as the mistake is common.
 */
function warnBinaryOnSoftmax(model: Model, lossName: string, y: Tensor): void {
  const last = model.layers[model.layers.length - 1] as { activationName?: string } | undefined;
  const width = y.rank >= 2 ? y.shape[y.rank - 1]! : 1;
  if (lossName === 'binaryCrossentropy' && last?.activationName === 'softmax' && width > 1) {
    console.warn(
      `fit: binaryCrossentropy with a softmax output over ${width} one-hot classes treats each class as a separate yes/no question; ` +
        "for one label per sample use loss 'categoricalCrossentropy' (or 'sparseCategoricalCrossentropy' with integer labels).",
    );
  }
}
