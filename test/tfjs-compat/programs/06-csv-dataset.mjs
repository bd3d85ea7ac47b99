// tfjs-examples/abalone-node: tf.data.csv of a local file with a label column, mapped to
// {xs: features, ys: target} arrays, shuffled and batched, fitDataset, then predict.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function writeCsv() {
  const lines = ['length,diameter,height,whole_weight,rings'];
  for (let i = 0; i < 300; i++) {
    const l = 0.3 + 0.4 * ((i * 37) % 100) / 100;
    const d = l * 0.8 + 0.02 * Math.sin(i);
    const h = l * 0.3 + 0.01 * Math.cos(i * 3);
    const w = l * d * h * 20;
    lines.push([l, d, h, w, (4 + 20 * l + 30 * h).toFixed(2)].join(','));
  }
  const dir = mkdtempSync(join(tmpdir(), 'abalone-'));
  const file = join(dir, 'abalone.csv');
  writeFileSync(file, lines.join('\n'));
  return file;
}

export async function run() {
  const file = writeCsv();
  const csv = tf.data.csv(`file://${file}`, { columnConfigs: { rings: { isLabel: true } } });
  const names = await csv.columnNames();
  const numFeatures = names.length - 1;
  const ds = csv.map(({ xs, ys }) => ({ xs: Object.values(xs), ys: Object.values(ys) })).shuffle(300, 1).batch(30);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [numFeatures], units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  const h = await model.fitDataset(ds, { epochs: 60, verbose: 0 });
  const p = model.predict(tf.tensor2d([[0.5, 0.4, 0.15, 0.6]])).dataSync()[0];
  return { numFeatures, firstLoss: h.history.loss[0], lastLoss: h.history.loss[59], prediction: p };
}

// rings = 4 + 20·0.5 + 30·0.15 = 18.5 for the row predicted.
export const checks = { numFeatures: { equal: true }, lastLoss: { atMost: 4 }, prediction: { atLeast: 12, atMost: 25 } };
