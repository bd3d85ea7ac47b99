/**
 * Training and evaluation on streamed datasets (tfjs `fitDataset` / `evaluateDataset`): each
 * element is one batch, `{xs, ys}` or `[xs, ys]`, with xs and ys as `fit` takes them (a
 * tensor, a list, or an object keyed by name). Every batch goes through the model's compiled
 * step for its size, as `fit`'s do; nothing but the batches in flight is held.
 */
import type { Dataset } from '../data/dataset.js';
import { Tensor } from '../tensor/tensor.js';
import { type CallbackHooks, CallbackList, History, accuracyAliases } from './callbacks.js';
import { checkFinite, checkSampleLists } from './data.js';
import { checkSparseLabels, checkVerbose, nonFiniteLoss } from './fit.js';
import { knownKeys } from '../tensor/options.js';
import { TerminateOnNaN } from './builtin-callbacks.js';
import type { Model, ModelData, OutputMetric } from './model.js';
import { type OutputStream, ProgbarLogger } from './progress.js';
import type { Logs, TrainingParams } from './types.js';

export interface FitDatasetArgs {
  /** Default 1. */
  epochs?: number;
  /**
   * Batches per epoch. Without it an epoch is one pass over the dataset; with it, the dataset
   * is read on across epochs and training stops (with a warning) if it runs out.
   */
  batchesPerEpoch?: number;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** A dataset of batches, or [x, y] (or [x, y, sampleWeight]) tensors as `fit` takes them. */
  validationData?: Dataset<unknown> | [ModelData, ModelData] | [ModelData, ModelData, Tensor];
  /** Batches of a validation dataset to use (all by default). */
  validationBatches?: number;
  initialEpoch?: number;
  callbacks?: CallbackHooks | CallbackHooks[] | null;
  /** Where progress goes (default process.stdout). */
  stream?: OutputStream;
  /** A non-finite loss: 'throw' (default) or 'warn', as `fit`'s option. */
  onNaN?: 'throw' | 'warn';
}

const nextTick: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

/** A dataset element as (inputs, targets) lists for `model`. */
function unpack(model: Model, element: unknown, op: string, index: number): { xs: Tensor[]; ys: Tensor[] } {
  let x: unknown;
  let y: unknown;
  if (Array.isArray(element) && element.length === 2) [x, y] = element;
  else if (element !== null && typeof element === 'object' && 'xs' in element && 'ys' in element) ({ xs: x, ys: y } = element as { xs: unknown; ys: unknown });
  else throw new Error(`${op}: dataset element ${index} must be {xs, ys} or [xs, ys] (batches of inputs and targets), got ${element instanceof Tensor ? 'a tensor' : Array.isArray(element) ? `a list of ${element.length}` : typeof element}`);
  const xs = model.dataList(x as ModelData, `${op} (element ${index}, xs)`);
  const ys = model.dataList(y as ModelData, `${op} (element ${index}, ys)`, true);
  checkSampleLists(op, xs, ys, 'xs', 'ys');
  return { xs, ys };
}

export async function fitDatasetLoop(model: Model, dataset: Dataset<unknown>, args: FitDatasetArgs): Promise<History> {
  const compiled = model.compiledOrThrow('fitDataset');
  knownKeys('fitDataset', args, ['epochs', 'batchesPerEpoch', 'verbose', 'validationData', 'validationBatches', 'initialEpoch', 'callbacks', 'stream', 'onNaN']);
  checkVerbose('fitDataset', args.verbose);
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fitDataset: epochs must be a non-negative integer, got ${epochs}`);
  const perEpoch = args.batchesPerEpoch;
  if (perEpoch !== undefined && (!Number.isInteger(perEpoch) || perEpoch < 1)) throw new Error(`fitDataset: batchesPerEpoch must be a positive integer, got ${perEpoch}`);
  const known = perEpoch ?? (dataset.size !== null && Number.isFinite(dataset.size) ? dataset.size : null);
  if (known === null && dataset.size === Infinity) throw new Error('fitDataset: the dataset repeats forever; give batchesPerEpoch');
  const verbose = args.verbose ?? 1;
  const metrics: OutputMetric[] = model.makeMetrics();
  const outLossNames = model.outputLossNames;
  const history = new History();
  const user = args.callbacks === undefined || args.callbacks === null ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
  // Without a known length there is no bar to draw: one line per epoch.
  const logger = verbose === 0 ? [] : [new ProgbarLogger(known === null ? 2 : verbose, args.stream)];
  const params: TrainingParams = {
    path: 'compiled', epochs, initialEpoch: args.initialEpoch ?? 0, steps: known ?? 0, samples: 0, batchSize: 0, verbose, metrics: [...outLossNames, ...metrics.map((m) => m.name)],
  };
  const cbs = new CallbackList([...user, history, ...logger], model, params);
  if (compiled.optimizer.params.length === 0) compiled.optimizer.params = model.stepWeights();
  model.stopTraining = false;
  const quietNaN = user.some((c) => c instanceof TerminateOnNaN);
  let nanWarned = false;
  { const p = cbs.trainBegin({}); if (p) await p; }
  let it: AsyncIterator<unknown> | null = null;
  let element = 0;
  let lastYield = performance.now();
  let checked = false;
  for (let epoch = params.initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    if (cbs.listens('onEpochBegin')) { const p = cbs.epochBegin(epoch, {}); if (p) await p; }
    if (perEpoch === undefined || it === null) it = dataset[Symbol.asyncIterator]();
    for (const m of metrics) m.reset();
    let lossSum = 0;
    let seen = 0;
    const outSums = outLossNames.map(() => 0);
    let b = 0;
    let ranOut = false;
    for (; perEpoch === undefined || b < perEpoch; b++) {
      const r = await it.next();
      if (r.done === true) {
        if (perEpoch !== undefined) {
          console.warn(`fitDataset: the dataset ran out after ${b} of ${perEpoch} batches in epoch ${epoch + 1}; training stops (give a larger dataset or repeat() it)`);
          model.stopTraining = true;
          ranOut = true;
        }
        it = null;
        break;
      }
      const { xs, ys } = unpack(model, r.value, 'fitDataset', element++);
      if (!checked) {
        model.checkInputs(xs, 'fitDataset');
        checked = true;
      }
      xs.forEach((t) => checkFinite(t, 'xs', 'fitDataset'));
      ys.forEach((t, i) => {
        checkFinite(t, 'ys', 'fitDataset');
        checkSparseLabels(model, compiled.losses[i]!.name, t, 'fitDataset', i);
      });
      if (cbs.hasBatchHooks) { const p = cbs.batchBegin(b, { batch: b, size: xs[0]!.shape[0]! }); if (p) await p; }
      const n = xs[0]!.shape[0]!;
      const step = model.trainBatch(xs, ys, true);
      if (!Number.isFinite(step.loss) && !quietNaN) nanWarned = nonFiniteLoss('fitDataset', step.loss, `epoch ${epoch + 1}, batch ${b + 1}`, compiled.optimizer, args.onNaN ?? 'throw', nanWarned);
      for (const m of metrics) m.update(step.targets, step.preds);
      lossSum += step.loss * n;
      step.outputLosses.forEach((v, i) => (outSums[i] = outSums[i]! + v * n));
      seen += n;
      if (cbs.hasBatchHooks) {
        const logs: Logs = { batch: b, size: n, loss: lossSum / seen };
        outLossNames.forEach((k, i) => (logs[k] = outSums[i]! / seen));
        for (const m of metrics) logs[m.name] = m.result();
        accuracyAliases(logs);
        const p = cbs.batchEnd(b, logs);
        if (p) await p;
      }
      if (performance.now() - lastYield >= 25) {
        await nextTick();
        lastYield = performance.now();
      }
      if (model.stopTraining) break;
    }
    // An epoch the data ran out in is not finished: as tfjs, it logs nothing.
    if (ranOut) break;
    if (known === null) params.steps = b;
    const logs: Logs = { loss: lossSum / Math.max(1, seen) };
    outLossNames.forEach((k, i) => (logs[k] = outSums[i]! / Math.max(1, seen)));
    for (const m of metrics) logs[m.name] = m.result();
    const val = args.validationData;
    if (val !== undefined && val !== null) {
      const v = Array.isArray(val)
        ? model.evaluateValues(val[0], val[1], val[2] === undefined ? {} : { sampleWeight: val[2] })
        : await evaluateDatasetValues(model, val, args.validationBatches);
      logs.val_loss = v[0]!;
      outLossNames.forEach((k, i) => (logs[`val_${k}`] = v[i + 1]!));
      metrics.forEach((m, i) => (logs[`val_${m.name}`] = v[i + 1 + outLossNames.length]!));
    }
    accuracyAliases(logs);
    { const p = cbs.epochEnd(epoch, logs); if (p) await p; }
  }
  { const p = cbs.trainEnd({}); if (p) await p; }
  return history;
}

/** [loss, ...output losses, ...metrics] over the dataset's batches (the first `batches` of them). */
export async function evaluateDatasetValues(model: Model, dataset: Dataset<unknown>, batches?: number): Promise<number[]> {
  model.compiledOrThrow('evaluateDataset');
  if (batches !== undefined && (!Number.isInteger(batches) || batches < 1)) throw new Error(`evaluateDataset: batches must be a positive integer, got ${batches}`);
  if (batches === undefined && dataset.size === Infinity) throw new Error('evaluateDataset: the dataset repeats forever; give batches');
  const metrics = model.makeMetrics();
  const several = model.outputNames.length > 1;
  let lossSum = 0;
  let outSums: number[] = [];
  let seen = 0;
  let b = 0;
  for await (const element of dataset) {
    if (batches !== undefined && b >= batches) break;
    const { xs, ys } = unpack(model, element, 'evaluateDataset', b++);
    const n = xs[0]!.shape[0]!;
    // One batch through evaluate's own path (the compiled testStep for this size); the
    // metrics accumulate across batches, so precision or AUC are the dataset's, not an average.
    const v = model.evaluateValues(xs, ys, { batchSize: n, metrics });
    lossSum += v[0]! * n;
    if (several) outSums = ys.map((_, i) => (outSums[i] ?? 0) + v[i + 1]! * n);
    seen += n;
  }
  if (seen === 0) throw new Error('evaluateDataset: the dataset gave no batches');
  return [lossSum / seen, ...outSums.map((s) => s / seen), ...metrics.map((m) => m.result())];
}
