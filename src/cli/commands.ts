/** The CLI's other commands (train is in train.ts), each a thin layer over the public API. */
import { Sequential, Scaler, type Tensor, layers, loadCsv, loadLayersModel, oneHot, plotHistory, readCsvTable, sequential, setSeed, datasets, SGD } from '../index.js';
import { CliError, type CliIO, type Preprocessing, baseName, meanStd, readModelDir, writing } from './common.js';
import { writeAtomic } from '../io/files.js';
import { argmaxRows, checkFinite, report, round } from './report.js';

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
