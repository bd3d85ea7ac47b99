/** `neurite train`: a network for a CSV table, with the choices a table needs made for it. */
import {
  type Sequential, TerminateOnNaN, type Tensor, callbacks, getOptimizer, historySvg, layers, loadCsv,
  sequential, setSeed, standardScaler, trainTestSplit, type ActivationName,
} from '../index.js';
import { writeAtomic } from '../io/files.js';
import { CliError, type CliIO, PREPROCESSING_KEY, type Preprocessing, baseName, meanStd, writing } from './common.js';
import { f4, report } from './report.js';

export interface TrainArgs {
  data: string;
  target: string;
  layers: number[];
  activation: ActivationName;
  /** undefined: chosen from the table's size (about AUTO_UPDATES updates), early stopping ends it. */
  epochs: number | undefined;
  batchSize: number;
  optimizer: string;
  lr: number | undefined;
  validationSplit: number;
  /** Epochs without a better validation loss before stopping (0: no early stopping). */
  patience: number;
  seed: number;
  task: 'auto' | 'classification' | 'regression';
  drop: string[] | undefined;
  keep: string[] | undefined;
  delimiter: string | undefined;
  /** After early stopping, train again on every row (validation rows too) for the best epoch count. */
  refit: boolean;
  /** undefined: `<data file's name>-model` in the current directory. */
  out: string | undefined;
}

/** Updates the automatic epoch budget aims at; small tables get more epochs, within EPOCH_RANGE. */
export const AUTO_UPDATES = 4000;
export const EPOCH_RANGE = [20, 1000] as const;

/** Rows in file order look sorted by the target: each class in one block, or values monotone. */
function sortedBy(y: ArrayLike<number>, classes: number | null): boolean {
  if (y.length < 4) return false;
  if (classes !== null) {
    let changes = 0;
    for (let i = 1; i < y.length; i++) if (y[i] !== y[i - 1]) changes++;
    return classes > 1 && changes === classes - 1;
  }
  let up = true;
  let down = true;
  for (let i = 1; i < y.length; i++) {
    if (y[i]! < y[i - 1]!) up = false;
    if (y[i]! > y[i - 1]!) down = false;
  }
  return up || down;
}

export async function train(a: TrainArgs, io: CliIO): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const say = (s: string) => void io.stdout.write(`${s}\n`);
  const data = await loadCsv(a.data, {
    target: a.target, task: a.task, dropIdColumns: true,
    ...(a.drop ? { drop: a.drop } : {}), ...(a.keep ? { keep: a.keep } : {}), ...(a.delimiter ? { delimiter: a.delimiter } : {}),
  });
  for (const d of data.dropped) say(`Left out column '${d.name}': ${d.reason}${d.reason.startsWith('an ID') ? ` (--keep to choose the inputs)` : ''}`);
  const target = data.schema.target!;
  const task = target.kind === 'classes' ? 'classification' : 'regression';
  const n = data.x.shape[0]!;
  if (data.x.shape[1] === 0) {
    throw new CliError(`${a.data}: no input columns left besides the target '${target.name}'${data.dropped.length > 0 ? ` (left out: ${data.dropped.map((d) => d.name).join(', ')})` : ''}: nothing to predict from`);
  }
  const classes = target.kind === 'classes' ? target.classes : null;
  if (classes !== null && classes.length < 2) {
    throw new CliError(`${a.data}: the target '${target.name}' has one class ('${classes[0]}') in every row: there is nothing to learn; a classifier needs at least two`);
  }
  if (sortedBy(data.y!.values, classes?.length ?? null)) {
    say(`Note: the rows are sorted by '${target.name}'${classes ? ' (each class in one block)' : ''}; the validation rows are drawn at random${classes ? ' from every class' : ''}, not from the end of the file`);
  }
  // A shuffled split, stratified by class: the scaler and the weights see only the training rows.
  const val = a.validationSplit > 0 && Math.round(n * a.validationSplit) >= 1 && n - Math.round(n * a.validationSplit) >= 1;
  const parts = val
    ? trainTestSplit(data.x, data.y!, { testSize: a.validationSplit, seed: a.seed, stratify: classes !== null })
    : { xTrain: data.x, yTrain: data.y!, xTest: null, yTest: null };
  if (!val && a.validationSplit > 0) say(`Note: ${n} rows are too few to hold out ${a.validationSplit} for validation; training on all of them, without early stopping`);
  const scaler = standardScaler(parts.xTrain);
  const xTrain = scaler.transform(parts.xTrain);
  const xVal = parts.xTest === null ? null : scaler.transform(parts.xTest);

  const width = data.x.shape[1]!;
  /** A fresh network (the same seed, so the same first weights) for targets like `y`. */
  const build = (y: Tensor): Sequential => {
    setSeed(a.seed);
    const model = sequential({ name: 'neurite_cli' });
    a.layers.forEach((units, i) => model.add(layers.dense({ units, activation: a.activation, ...(i === 0 ? { inputShape: [width] } : {}) })));
    const first = a.layers.length === 0 ? { inputShape: [width] } : {};
    if (classes !== null) model.add(layers.dense({ units: classes.length, activation: 'softmax', ...first }));
    else {
      // The target standardized while training: the network predicts (y − mean)/std and a last
      // Rescaling layer maps it back, so the saved model answers in the target's units.
      const { mean, std } = meanStd(y.values);
      model.add(layers.dense({ units: 1, ...first }));
      model.add(layers.rescaling({ scale: std || 1, offset: mean, name: 'target_scale' }));
    }
    const optimizer = getOptimizer(a.optimizer);
    if (a.lr !== undefined) optimizer.learningRate = a.lr;
    model.compile({ optimizer, loss: classes !== null ? 'sparseCategoricalCrossentropy' : 'meanSquaredError', metrics: classes !== null ? ['accuracy'] : ['mae'] });
    return model;
  };
  const fit = async (model: Sequential, x: Tensor, y: Tensor, epochs: number, validation: [Tensor, Tensor] | null, stopping: boolean) => {
    const every = Math.max(1, Math.round(epochs / 10));
    const progress = {
      onEpochEnd(epoch: number, logs: Record<string, number>) {
        if ((epoch + 1) % every !== 0 && epoch !== 0) return;
        say(`epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs}  ${Object.entries(logs).filter(([k]) => k !== 'acc' && k !== 'val_acc').map(([k, v]) => `${k} ${f4(v)}`).join('  ')}`);
      },
    };
    const early = stopping ? callbacks.earlyStopping({ monitor: 'val_loss', patience: a.patience, restoreBestWeights: true }) : null;
    const history = await model.fit(x, y, {
      epochs, batchSize: a.batchSize, verbose: 0, ...(validation !== null ? { validationData: validation } : {}),
      callbacks: [new TerminateOnNaN(io.stdout), progress, ...(early ? [early] : [])],
    });
    const losses = history.history.loss;
    const final = losses[losses.length - 1];
    // A diverged model is not saved (its weights are NaN): say so, and fail.
    if (final !== undefined && !Number.isFinite(final)) {
      throw new CliError(`training diverged: the loss is ${final} in epoch ${losses.length} (${a.optimizer} at learning rate ${model.optimizer.currentLearningRate()}); nothing was saved. Try a smaller --lr`);
    }
    return history;
  };

  let model = build(parts.yTrain);
  say(`${task} on ${n} rows (${xTrain.shape[0]} to train, ${xVal?.shape[0] ?? 0} to validate), ${width} input${width === 1 ? '' : 's'}${classes ? `, ${classes.length} classes (${classes.join(', ')})` : ''}`);
  model.summary((l) => say(l));
  const steps = Math.ceil(xTrain.shape[0]! / a.batchSize);
  const epochs = a.epochs ?? Math.min(EPOCH_RANGE[1], Math.max(EPOCH_RANGE[0], Math.ceil(AUTO_UPDATES / steps)));
  const stopping = xVal !== null && a.patience > 0;
  say(`Training up to ${epochs} epochs of ${steps} batches${a.epochs === undefined ? ` (about ${AUTO_UPDATES} updates for a table this size; --epochs to choose)` : ''}${stopping ? `, stopping when the validation loss has not improved for ${a.patience} epochs (best weights kept)` : ''}`);
  let history = await fit(model, xTrain, parts.yTrain, epochs, xVal === null ? null : [xVal, parts.yTest!], stopping);
  let best = history.history.loss.length;
  const valLoss = history.history.val_loss;
  if (stopping && valLoss !== undefined) {
    best = valLoss.indexOf(Math.min(...valLoss)) + 1;
    if (valLoss.length < epochs) say(`Stopped after epoch ${valLoss.length}: the validation loss was best at epoch ${best} (${f4(valLoss[best - 1]!)})`);
  }
  io.stdout.write(`\n${report(model, xTrain, parts.yTrain, classes, 'Training rows')}`);
  if (xVal !== null) io.stdout.write(report(model, xVal, parts.yTest!, classes, 'Validation rows'));
  let saved = { scaler, rows: xTrain.shape[0]! };
  if (xVal !== null && a.refit) {
    // The validation rows chose the epoch count; the saved model learns from every row, for as many epochs.
    say(`\nRefitting on all ${n} rows for ${best} epochs (the best count above): the saved model learns from the validation rows too`);
    const all = standardScaler(data.x);
    const xAll = all.transform(data.x);
    model = build(data.y!);
    history = await fit(model, xAll, data.y!, best, null, false);
    saved = { scaler: all, rows: n };
    io.stdout.write(report(model, xAll, data.y!, classes, 'All rows, refitted model'));
  }

  const out = a.out ?? `${baseName(a.data).replace(/\.(csv|tsv|txt)$/i, '')}-model`;
  await writing(out, 'create the model folder', () => mkdir(out, { recursive: true }));
  // The preprocessing travels in model.json, so it commits with the weights in one atomic
  // save (a save killed at any moment leaves the old pair or the new one, never a mix).
  const pre: Preprocessing = { format: 'neurite-preprocessing', version: 1, task, schema: data.schema, scaler: saved.scaler.toJSON() };
  model.setUserDefinedMetadata({ [PREPROCESSING_KEY]: pre });
  // With the optimizer: the loaded model comes back compiled (for evaluate) and resumable.
  await writing(out, 'save the model', () => model.save(out, { includeOptimizer: true }));
  const svg = historySvg(history, { title: `${baseName(a.data)}: ${target.name}` });
  await writing(join(out, 'training-curve.svg'), 'write', () => writeAtomic(join(out, 'training-curve.svg'), svg));
  say(`Saved the model (its preprocessing inside model.json) and training-curve.svg to ${out}`);
}
