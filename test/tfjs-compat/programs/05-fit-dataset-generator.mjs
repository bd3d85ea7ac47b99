// The guide "Training models: model.fitDataset": a tf.data.generator of {xs, ys} rows,
// shuffled with a seed and batched, fitDataset with batchesPerEpoch and a validation dataset,
// then evaluateDataset.
import * as tf from '@tensorflow/tfjs';

function* rows() {
  for (let i = 0; i < 400; i++) {
    const a = Math.sin(i * 0.77);
    const b = Math.cos(i * 1.31);
    yield { xs: [a, b, a * b], ys: [a + b > 0 ? 1 : 0] };
  }
}

export async function run() {
  const ds = tf.data.generator(rows).shuffle(400, 42).batch(25).repeat();
  const val = tf.data.generator(rows).take(100).batch(50);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const history = await model.fitDataset(ds, { epochs: 12, batchesPerEpoch: 16, validationData: val, verbose: 0 });
  const [loss, acc] = await model.evaluateDataset(val);
  const a = history.history.acc;
  return { trainAcc: a[a.length - 1], valAcc: history.history.val_acc[a.length - 1], evalLoss: loss.dataSync()[0], evalAcc: acc.dataSync()[0], epochs: history.epoch.length };
}

export const checks = { trainAcc: { atLeast: 0.75 }, valAcc: { atLeast: 0.75 }, evalAcc: { atLeast: 0.75 }, evalLoss: { atMost: 0.6 }, epochs: { equal: true } };
