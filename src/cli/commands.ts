/** The CLI's commands, each a thin layer over the public API. */
import {
  Sequential, Scaler, TerminateOnNaN, type Tensor, getOptimizer, layers, loadCsv, loadLayersModel, oneHot, plotHistory, sequential, setSeed,
  standardScaler, datasets, SGD, type ActivationName,
} from '../index.js';
import { CliError, type CliIO, PREPROCESSING_FILE, type Preprocessing, readPreprocessing, table } from './common.js';

export interface TrainArgs {
  data: string;
  target: string;
  layers: number[];
  activation: ActivationName;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr: number | undefined;
  validationSplit: number;
  seed: number;
  task: 'auto' | 'classification' | 'regression';
  out: string;
}

function fmt4(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

export async function train(a: TrainArgs, io: CliIO): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const data = await loadCsv(a.data, { target: a.target, task: a.task });
  const target = data.schema.target!;
  const task = target.kind === 'classes' ? 'classification' : 'regression';
  const n = data.x.shape[0]!;
  // Fit the scaler on the training rows only (validationSplit holds out the last rows).
  const trainRows = Math.max(1, Math.floor(n * (1 - a.validationSplit)));
  const scaler = standardScaler(data.x.slice([0, 0], [trainRows, -1]));
  const x = scaler.transform(data.x);
  setSeed(a.seed);
  const model = sequential({ name: 'neurite_cli' });
  a.layers.forEach((units, i) => model.add(layers.dense({ units, activation: a.activation, ...(i === 0 ? { inputShape: [x.shape[1]!] } : {}) })));
  const classes = target.kind === 'classes' ? target.classes.length : 1;
  model.add(layers.dense({ units: classes, activation: task === 'classification' ? 'softmax' : 'linear', ...(a.layers.length === 0 ? { inputShape: [x.shape[1]!] } : {}) }));
  const optimizer = getOptimizer(a.optimizer);
  if (a.lr !== undefined) optimizer.learningRate = a.lr;
  model.compile({ optimizer, loss: task === 'classification' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError', metrics: [task === 'classification' ? 'accuracy' : 'mae'] });
  io.stdout.write(`${task} on ${n} rows, ${x.shape[1]} inputs${task === 'classification' ? `, ${classes} classes (${(target as { classes: string[] }).classes.join(', ')})` : ''}\n`);
  model.summary((l) => void io.stdout.write(`${l}\n`));
  const history = await model.fit(x, data.y!, {
    epochs: a.epochs, batchSize: a.batchSize, verbose: 1, stream: io.stdout, ...(a.validationSplit > 0 ? { validationSplit: a.validationSplit } : {}),
    callbacks: new TerminateOnNaN(io.stdout),
  });
  const losses = history.history.loss ?? [];
  const final = losses[losses.length - 1];
  // A diverged model is not saved (its weights are NaN): say so, and fail.
  if (final !== undefined && !Number.isFinite(final)) {
    throw new CliError(`training diverged: the loss is ${final} in epoch ${losses.length} (${a.optimizer} at learning rate ${optimizer.currentLearningRate()}); nothing was saved. Try a smaller --lr`);
  }
  await mkdir(a.out, { recursive: true });
  // With the optimizer: the loaded model comes back compiled (for evaluate) and resumable.
  await model.save(a.out, { includeOptimizer: true });
  const pre: Preprocessing = { format: 'neurite-preprocessing', version: 1, task, schema: data.schema, scaler: scaler.toJSON() };
  await writeFile(join(a.out, PREPROCESSING_FILE), JSON.stringify(pre, null, 2));
  await plotHistory(history, join(a.out, 'training-curve.svg'), { title: `${a.data}: ${target.name}` });
  const last: Array<[string, string]> = Object.entries(history.history).map(([k, v]) => [k, fmt4(v[v.length - 1]!)]);
  io.stdout.write(`\nFinal metrics (epoch ${a.epochs}):\n${table(last)}`);
  io.stdout.write(`Saved the model, ${PREPROCESSING_FILE} and training-curve.svg to ${a.out}\n`);
}

async function loadForData(dir: string, csv: string, needTarget: boolean): Promise<{ model: Sequential; pre: Preprocessing; x: Tensor; y: Tensor | null; rows: number }> {
  const pre = await readPreprocessing(dir);
  const model = await loadLayersModel(dir);
  if (!(model instanceof Sequential)) throw new CliError(`${dir}: the command line works on Sequential models (the ones \`neurite train\` makes); this one is a functional model`);
  const data = await loadCsv(csv, { schema: pre.schema });
  if (needTarget && data.y === null) throw new CliError(`${csv}: no column named '${pre.schema.target!.name}' (the target the model was trained on)`);
  return { model, pre, x: Scaler.fromJSON(pre.scaler).transform(data.x), y: data.y, rows: data.x.shape[0]! };
}

export async function evaluate(dir: string, csv: string, io: CliIO): Promise<void> {
  const { model, x, y, rows } = await loadForData(dir, csv, true);
  const values = model.evaluate(x, y!) as Tensor[];
  const metric = model.makeMetrics()[0]?.name ?? 'metric';
  io.stdout.write(`${rows} rows\n${table([['loss', fmt4(values[0]!.item())], [metric, fmt4(values[1]?.item() ?? Number.NaN)]])}`);
}

export async function predict(dir: string, csv: string, out: string | undefined, io: CliIO): Promise<void> {
  const { model, pre, x } = await loadForData(dir, csv, false);
  const p = model.predict(x);
  const lines: string[] = [];
  if (pre.task === 'classification') {
    const classes = (pre.schema.target as { classes: string[] }).classes;
    lines.push('prediction,probability');
    const w = classes.length;
    for (let i = 0; i < x.shape[0]!; i++) {
      let best = 0;
      for (let c = 1; c < w; c++) if (p.values[i * w + c]! > p.values[i * w + best]!) best = c;
      lines.push(`${csvCell(classes[best]!)},${p.values[i * w + best]!.toFixed(4)}`);
    }
  } else {
    lines.push('prediction');
    for (let i = 0; i < x.shape[0]!; i++) lines.push(String(p.values[i]));
  }
  const text = `${lines.join('\n')}\n`;
  if (out === undefined) io.stdout.write(text);
  else {
    const { writeAtomic } = await import('../io/files.js');
    await writeAtomic(out, text);
    io.stdout.write(`Wrote ${x.shape[0]} predictions to ${out}\n`);
  }
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
