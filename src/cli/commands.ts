/** The CLI's commands, each a thin layer over the public API. */
import {
  Sequential, Scaler, TerminateOnNaN, type Tensor, callbacks, getOptimizer, layers, historySvg, loadCsv, loadLayersModel, oneHot, plotHistory, readCsvTable,
  sequential, setSeed, standardScaler, trainTestSplit, datasets, SGD, type ActivationName,
} from '../index.js';
import { CliError, type CliIO, PREPROCESSING_KEY, type Preprocessing, readModelDir } from './common.js';
import { writeAtomic } from '../io/files.js';
import { argmaxRows, checkFinite, classificationReport, formatClassification, formatRegression, regressionReport, round } from './report.js';

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

function fmt4(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

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

/** A CLI-style failure for a file operation: names the file, never a temporary's name. */
async function writing<T>(file: string, what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied'
      : err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'a part of the path is a file, not a folder' : err.code ?? err.message.split('\n')[0];
    throw new CliError(`${file}: cannot ${what}: ${why}`);
  }
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
        say(`epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs}  ${Object.entries(logs).filter(([k]) => k !== 'acc' && k !== 'val_acc').map(([k, v]) => `${k} ${fmt4(v)}`).join('  ')}`);
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
    if (valLoss.length < epochs) say(`Stopped after epoch ${valLoss.length}: the validation loss was best at epoch ${best} (${fmt4(valLoss[best - 1]!)})`);
  }
  io.stdout.write(`\n${report(model, xTrain, parts.yTrain, classes, 'Training rows')}`);
  if (xVal !== null) io.stdout.write(report(model, xVal, parts.yTest!, classes, 'Validation rows'));
  let saved = { scaler, rows: xTrain.shape[0]! };
  if (xVal !== null && a.refit) {
    // The validation rows chose the epoch count; the saved model learns from every row, for as many epochs.
    say(`\nRefitting on all ${n} rows for ${best} epochs (the best count above): the saved model learns from the validation rows too`);
    const all = standardScaler(data.x);
    model = build(data.y!);
    history = await fit(model, all.transform(data.x), data.y!, best, null, false);
    saved = { scaler: all, rows: n };
    io.stdout.write(report(model, all.transform(data.x), data.y!, classes, 'All rows, refitted model'));
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

/** The report on labelled rows: classes' scores and confusions, or RMSE/MAE/R² in the target's units. */
function report(model: Sequential, x: Tensor, y: Tensor, classes: readonly string[] | null, title: string): string {
  const p = model.predict(x);
  checkFinite(p.values, p.shape[1] ?? 1, title);
  if (classes !== null) return formatClassification(classificationReport(y.values, argmaxRows(p.values, classes.length), classes), title);
  return formatRegression(regressionReport(y.values, p.values), title);
}

async function loadForData(dir: string, csv: string, needTarget: boolean, delimiter: string | undefined): Promise<{ model: Sequential; pre: Preprocessing; x: Tensor; y: Tensor | null; rows: number }> {
  const { model, pre } = await readModelDir(dir);
  if (!(model instanceof Sequential)) throw new CliError(`${dir}: the command line works on Sequential models (the ones \`neurite train\` makes); this one is a functional model`);
  const data = await loadCsv(csv, { schema: pre.schema, ...(delimiter ? { delimiter } : {}) });
  if (needTarget && data.y === null) throw new CliError(`${csv}: no column named '${pre.schema.target!.name}' (the target the model was trained on)`);
  return { model, pre, x: Scaler.fromJSON(pre.scaler).transform(data.x), y: data.y, rows: data.x.shape[0]! };
}

const classNames = (pre: Preprocessing): string[] | null => (pre.schema.target?.kind === 'classes' ? pre.schema.target.classes : null);

export async function evaluate(dir: string, csv: string, io: CliIO, delimiter?: string): Promise<void> {
  const { model, pre, x, y } = await loadForData(dir, csv, true, delimiter);
  io.stdout.write(report(model, x, y!, classNames(pre), baseName(csv)));
}

export async function predict(dir: string, csv: string, o: { out: string | undefined; id: string | undefined; delimiter: string | undefined }, io: CliIO): Promise<void> {
  const { model, pre, x } = await loadForData(dir, csv, false, o.delimiter);
  let ids: string[] | null = null;
  if (o.id !== undefined) {
    const { readFile } = await import('node:fs/promises');
    const table = readCsvTable(await readFile(csv, 'utf8'), { source: csv, ...(o.delimiter ? { delimiter: o.delimiter } : {}) });
    const j = table.header.indexOf(o.id);
    if (j < 0) throw new CliError(`${csv}: no column named '${o.id}' for --id; columns: ${table.header.join(', ')}`);
    ids = table.rows.map((r) => r[j]!);
  }
  const p = model.predict(x);
  const classes = classNames(pre);
  checkFinite(p.values, p.shape[1] ?? 1, csv);
  const rows = x.shape[0]!;
  const key = (i: number) => (ids === null ? String(i + 1) : csvCell(ids[i]!));
  const lines: string[] = [];
  if (classes !== null) {
    const w = classes.length;
    const best = argmaxRows(p.values, w);
    lines.push([ids === null ? 'row' : csvCell(o.id!), 'prediction', ...classes.map((c) => csvCell(`p(${c})`))].join(','));
    for (let i = 0; i < rows; i++) lines.push([key(i), csvCell(classes[best[i]!]!), ...Array.from(p.values.subarray(i * w, i * w + w), (v) => v.toFixed(4))].join(','));
  } else {
    lines.push(`${ids === null ? 'row' : csvCell(o.id!)},prediction`);
    for (let i = 0; i < rows; i++) lines.push(`${key(i)},${round(p.values[i]!)}`);
  }
  const text = `${lines.join('\n')}\n`;
  if (o.out === undefined) io.stdout.write(text);
  else {
    const { mkdir } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    await writing(o.out, 'write the predictions', async () => {
      await mkdir(dirname(o.out!), { recursive: true });
      await writeAtomic(o.out!, text);
    });
    io.stdout.write(`Wrote ${rows} predictions to ${o.out}\n`);
  }
}

function csvCell(s: string): string {
  return /[",\n;\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function summary(dir: string, io: CliIO): Promise<void> {
  const model = await loadLayersModel(dir).catch((e: Error) => {
    throw new CliError(e.message.includes('no such model file') ? `${dir} is not a model directory: model.json is missing` : e.message);
  });
  model.summary((l) => void io.stdout.write(`${l}\n`));
}

export interface MnistArgs {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  out: string | undefined;
  trainLimit: number | undefined;
  /** 'standardized': a Rescaling layer maps pixels to (x − μ)/σ, μ and σ of the training images; 'unit': pixels in [0, 1] as loaded. */
  inputs: 'standardized' | 'unit';
}

/** Mean and standard deviation over every value of `x` (float64 sums). */
function meanStd(x: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  const mean = sum / x.length;
  let sq = 0;
  for (let i = 0; i < x.length; i++) sq += (x[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / x.length) };
}

/** The notes' MNIST network: 784-30-30-10, ReLU, softmax, SGD, categorical cross-entropy. */
export async function mnist(a: MnistArgs, io: CliIO): Promise<{ accuracy: number }> {
  const started = performance.now();
  const { train: tr, test } = await datasets.mnist(a.trainLimit === undefined ? {} : { trainLimit: a.trainLimit });
  const yTrain = oneHot(tr.labels, 10);
  const yTest = oneHot(test.labels, 10);
  setSeed(a.seed);
  const model = sequential({ name: 'mnist_784_30_30_10' });
  if (a.inputs === 'standardized') {
    // Inside the model, so the saved model takes raw [0, 1] pixels like the unstandardized one.
    const { mean, std } = meanStd(tr.images.values);
    model.add(layers.rescaling({ scale: 1 / std, offset: -mean / std, inputShape: [784], name: 'standardize' }));
    io.stdout.write(`Inputs standardized in the model: (x − ${mean.toFixed(4)}) / ${std.toFixed(4)}, the mean and deviation of the training pixels\n`);
  }
  model.add(layers.dense({ units: 30, activation: 'relu', ...(a.inputs === 'unit' ? { inputShape: [784] } : {}) }));
  model.add(layers.dense({ units: 30, activation: 'relu' }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: new SGD({ learningRate: a.lr }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.summary((l) => void io.stdout.write(`${l}\n`));
  io.stdout.write(`MNIST: ${tr.images.shape[0]} training and ${test.images.shape[0]} test images\n`);
  const history = await model.fit(tr.images, yTrain, { epochs: a.epochs, batchSize: a.batchSize, validationData: [test.images, yTest], verbose: 1, stream: io.stdout });
  const [, acc] = (model.evaluate(test.images, yTest, { batchSize: 1000 }) as Tensor[]).map((t) => t.item());
  io.stdout.write(`Test accuracy: ${acc!.toFixed(4)} (${((performance.now() - started) / 1000).toFixed(1)} s in all)\n`);
  if (a.out !== undefined) {
    const { join } = await import('node:path');
    await model.save(a.out);
    await plotHistory(history, join(a.out, 'training-curve.svg'), { title: 'MNIST 784-30-30-10' });
    io.stdout.write(`Saved the model and training-curve.svg to ${a.out}\n`);
  }
  return { accuracy: acc! };
}
