// The guide "Training: callbacks": tf.callbacks.earlyStopping on val_loss, a custom callback
// object with onBatchEnd/onEpochEnd and model.stopTraining set from it, onTrainEnd; a
// tf.CustomCallback; models as tf.LayersModel (cart-pole tests `instanceof tf.LayersModel`).
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const x = tf.tensor2d(Array.from({ length: 100 * 3 }, (_, i) => Math.sin(i)), [100, 3]);
  const y = x.sum(1, true);
  const make = () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    return m;
  };
  // The targets are exactly linear: val_loss keeps falling, so patience is never exhausted early;
  // a noisy copy of the validation data makes it stall and stop.
  const noisy = tf.tensor2d(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 5 : -5)), [20, 1]);
  const early = await make().fit(x, y, { epochs: 50, validationData: [x.slice([0, 0], [20, 3]), noisy], callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 }), verbose: 0 });
  let batches = 0;
  let trainEnded = false;
  const custom = make();
  const h = await custom.fit(x, y, {
    epochs: 20, batchSize: 10, verbose: 0,
    callbacks: {
      onBatchEnd: async () => { batches++; },
      onEpochEnd: async (epoch, logs) => { if (logs.loss < 0.01) custom.stopTraining = true; },
      onTrainEnd: async () => { trainEnded = true; },
    },
  });
  const seen = [];
  await make().fit(x, y, { epochs: 3, verbose: 0, callbacks: [new tf.CustomCallback({ onEpochEnd: async (epoch, logs) => { seen.push(epoch, typeof logs.loss); } })] });
  const i = tf.input({ shape: [3] });
  const functional = tf.model({ inputs: i, outputs: tf.layers.dense({ units: 1 }).apply(i) });
  return {
    earlyStopped: early.epoch.length < 50, stoppedAt: h.epoch.length < 20, batchesPerEpoch: batches / h.epoch.length, trainEnded,
    customCallback: seen.join(','), layersModels: [custom instanceof tf.LayersModel, functional instanceof tf.LayersModel, custom instanceof tf.Sequential].join(','),
  };
}

export const checks = { earlyStopped: { equal: true }, stoppedAt: { equal: true }, batchesPerEpoch: { equal: true }, trainEnded: { equal: true }, customCallback: { equal: true }, layersModels: { equal: true } };
