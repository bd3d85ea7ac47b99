// tfjs-examples/website-phishing: standardized features, a sigmoid output with binaryCrossentropy,
// metrics ['accuracy'], then tf.metrics.precision / recall on thresholded predictions and a
// confusion count from tf.equal / tf.logicalAnd.
import * as tf from '@tensorflow/tfjs';

function sites(n) {
  const x = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const f = Array.from({ length: 10 }, (_, j) => Math.sin(i * 0.91 + j * 1.7) + (j < 3 ? (i % 2) * 0.8 : 0));
    x.push(f);
    y.push(i % 2);
  }
  return { x: tf.tensor2d(x), y: tf.tensor2d(y, [n, 1]) };
}

export async function run() {
  const { x, y } = sites(300);
  const { mean, variance } = tf.moments(x, 0);
  const xs = x.sub(mean).div(variance.add(1e-8).sqrt());
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [10], units: 16, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const h = await model.fit(xs, y, { epochs: 30, batchSize: 32, validationSplit: 0.2, verbose: 0 });
  const probs = model.predict(xs);
  const predicted = probs.greater(0.5).toFloat();
  const precision = tf.metrics.precision(y, predicted).dataSync()[0];
  const recall = tf.metrics.recall(y, predicted).dataSync()[0];
  const truePositives = tf.logicalAnd(tf.equal(predicted, 1), tf.equal(y, 1)).sum().dataSync()[0];
  return { valAcc: h.history.val_acc[29], precision, recall, truePositives, accuracyKey: 'acc' in h.history && 'val_acc' in h.history };
}

export const checks = { valAcc: { atLeast: 0.85 }, precision: { atLeast: 0.85 }, recall: { atLeast: 0.85 }, truePositives: { atLeast: 120 }, accuracyKey: { equal: true } };
