// tfjs-examples/boston-housing: features normalized with tf.moments, a linear model and a
// two-layer network, sgd, meanSquaredError, fit with validationSplit and a callback, evaluate.
import * as tf from '@tensorflow/tfjs';

function housing(n) {
  const rows = [];
  const prices = [];
  for (let i = 0; i < n; i++) {
    const f = Array.from({ length: 12 }, (_, j) => Math.sin(i * (j + 1) * 0.37) * (j + 1) + j * 3);
    rows.push(f);
    prices.push(f.reduce((s, v, j) => s + v * ((j % 3) - 1) * 0.2, 20) + Math.cos(i) * 0.5);
  }
  return { features: tf.tensor2d(rows), target: tf.tensor2d(prices, [n, 1]) };
}

function normalize(data) {
  const { mean, variance } = tf.moments(data, 0);
  return data.sub(mean).div(variance.sqrt());
}

async function trainModel(model, x, y, epochs) {
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const losses = [];
  await model.fit(x, y, { batchSize: 32, epochs, validationSplit: 0.2, verbose: 0, callbacks: { onEpochEnd: (e, logs) => { losses.push(logs.val_loss); } } });
  return losses;
}

export async function run() {
  const train = housing(300);
  const x = normalize(train.features);
  const linear = tf.sequential();
  linear.add(tf.layers.dense({ inputShape: [12], units: 1 }));
  const linLosses = await trainModel(linear, x, train.target, 60);
  const mlp = tf.sequential();
  mlp.add(tf.layers.dense({ inputShape: [12], units: 50, activation: 'sigmoid', kernelInitializer: 'leCunNormal' }));
  mlp.add(tf.layers.dense({ units: 50, activation: 'sigmoid', kernelInitializer: 'leCunNormal' }));
  mlp.add(tf.layers.dense({ units: 1 }));
  const mlpLosses = await trainModel(mlp, x, train.target, 60);
  const baseline = train.target.sub(train.target.mean()).square().mean().dataSync()[0];
  const linEval = linear.evaluate(x, train.target, { batchSize: 64 }).dataSync()[0];
  return { linearRatio: linLosses[linLosses.length - 1] / baseline, mlpRatio: mlpLosses[mlpLosses.length - 1] / baseline, linearEval: linEval / baseline };
}

// Both train well below the predict-the-mean baseline.
export const checks = { linearRatio: { atMost: 0.2 }, mlpRatio: { atMost: 0.6 }, linearEval: { atMost: 0.2 } };
