// tf.losses.* and tf.metrics.* as functions of tensors, with weights and reductions.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const labels = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]);
  const probs = tf.tensor2d([[0.7, 0.2, 0.1], [0.3, 0.5, 0.2], [0.2, 0.2, 0.6], [0.6, 0.3, 0.1]]);
  const logits = tf.tensor2d([[2, 0.5, -1], [0.1, 1.2, 0.3], [-0.5, 0.2, 1.7], [1.1, 0.4, -0.2]]);
  const w = tf.tensor1d([1, 0.5, 2, 0]);
  const v = (t) => Array.from(t.dataSync());
  return {
    mse: v(tf.losses.meanSquaredError(labels, probs)),
    mseWeighted: v(tf.losses.meanSquaredError(labels, probs, tf.tensor2d([[1], [0.5], [2], [0]]))),
    absDiff: v(tf.losses.absoluteDifference(labels, probs)),
    absDiffSum: v(tf.losses.absoluteDifference(labels, probs, undefined, tf.Reduction.SUM)),
    logLoss: v(tf.losses.logLoss(labels, probs)),
    huber: v(tf.losses.huberLoss(labels, probs, undefined, 0.3)),
    hinge: v(tf.losses.hingeLoss(labels, probs)),
    sigmoidCE: v(tf.losses.sigmoidCrossEntropy(labels, logits)),
    softmaxCE: v(tf.losses.softmaxCrossEntropy(labels, logits)),
    softmaxCEWeighted: v(tf.losses.softmaxCrossEntropy(labels, logits, w)),
    softmaxCESmoothed: v(tf.losses.softmaxCrossEntropy(labels, logits, undefined, 0.1)),
    cosine: v(tf.losses.cosineDistance(tf.tensor2d([[0.6, 0.8]]), tf.tensor2d([[0.8, 0.6]]), 1)),
    binaryAccuracy: v(tf.metrics.binaryAccuracy(labels, probs)),
    categoricalAccuracy: v(tf.metrics.categoricalAccuracy(labels, probs)),
    metricMse: v(tf.metrics.meanSquaredError(labels, probs)),
    metricMae: v(tf.metrics.meanAbsoluteError(labels, probs)),
    categoricalCE: v(tf.metrics.categoricalCrossentropy(labels, probs)),
    precision: v(tf.metrics.precision(tf.tensor1d([1, 0, 1, 1]), tf.tensor1d([1, 1, 0, 1]))),
    recall: v(tf.metrics.recall(tf.tensor1d([1, 0, 1, 1]), tf.tensor1d([1, 1, 0, 1]))),
  };
}

export const checks = Object.fromEntries(['mse', 'mseWeighted', 'absDiff', 'absDiffSum', 'logLoss', 'huber', 'hinge', 'sigmoidCE', 'softmaxCE', 'softmaxCEWeighted', 'softmaxCESmoothed', 'cosine',
  'binaryAccuracy', 'categoricalAccuracy', 'metricMse', 'metricMae', 'categoricalCE', 'precision', 'recall'].map((k) => [k, { abs: 1e-5 }]));
