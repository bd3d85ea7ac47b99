// tfjs-examples/mnist-core (without convolutions): a model as variables and tf.matMul,
// tf.losses.softmaxCrossEntropy on logits, optimizer.minimize with returnCost, tf.tidy around
// each step, accuracy from argMax and tf.equal.
import * as tf from '@tensorflow/tfjs';

function data(n) {
  const xs = [];
  const labels = [];
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    xs.push(Array.from({ length: 16 }, (_, j) => (Math.floor(j / 4) === k ? 1 : 0) + Math.sin(i * 31 + j * 7) * 0.3));
    labels.push(k);
  }
  return { xs: tf.tensor2d(xs), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 4), labels };
}

export async function run() {
  const { xs, ys, labels } = data(200);
  // Fixed starting weights (as a program reading a checkpoint would), so both runs start alike.
  const w1 = tf.variable(tf.tensor2d(Array.from({ length: 16 * 12 }, (_, i) => Math.sin(i * 1.7) * 0.3), [16, 12]));
  const b1 = tf.variable(tf.zeros([12]));
  const w2 = tf.variable(tf.tensor2d(Array.from({ length: 12 * 4 }, (_, i) => Math.cos(i * 2.3) * 0.3), [12, 4]));
  const b2 = tf.variable(tf.zeros([4]));
  const model = (x) => x.matMul(w1).add(b1).relu().matMul(w2).add(b2);
  const optimizer = tf.train.sgd(0.5);
  const costs = [];
  for (let step = 0; step < 60; step++) {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model(xs)).mean(), true);
    costs.push(cost.dataSync()[0]);
    tf.dispose(cost);
  }
  const accuracy = tf.tidy(() => tf.equal(model(xs).argMax(1), tf.tensor1d(labels, 'int32')).mean().dataSync()[0]);
  return { firstCost: costs[0], early: costs.slice(0, 4), lastCost: costs[costs.length - 1], accuracy, trajectory: costs.filter((_, i) => i % 10 === 0) };
}

// Plain SGD from the same weights: the two runs follow the same trajectory.
export const checks = { firstCost: { rel: 1e-5 }, early: { rel: 1e-4 }, lastCost: { atMost: 0.2 }, accuracy: { atLeast: 0.95 }, trajectory: { rel: 1e-3 } };
