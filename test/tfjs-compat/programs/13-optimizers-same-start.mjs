// Every tf.train optimizer from the same starting weights on the same batches (setWeights,
// shuffle off): the losses after a few epochs agree with tfjs's. (Not Adadelta: tfjs divides by
// the squared-gradient accumulator before updating it, unlike Keras and the paper, and diverges
// at learning rate 1 here; neurite follows Keras.)
import * as tf from '@tensorflow/tfjs';

const x = tf.tensor2d(Array.from({ length: 64 * 5 }, (_, i) => Math.sin(i * 0.37)), [64, 5]);
const y = tf.tensor2d(Array.from({ length: 64 }, (_, i) => Math.cos(i * 0.21)), [64, 1]);

async function lossesWith(optimizer) {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [5] }), tf.layers.dense({ units: 1 })] });
  model.setWeights(model.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => Math.sin(i * 1.3 + k) * 0.4), w.shape)));
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const h = await model.fit(x, y, { epochs: 5, batchSize: 16, shuffle: false, verbose: 0 });
  return h.history.loss;
}

export async function run() {
  return {
    sgd: await lossesWith(tf.train.sgd(0.1)),
    momentum: await lossesWith(tf.train.momentum(0.05, 0.9)),
    nesterov: await lossesWith(tf.train.momentum(0.05, 0.9, true)),
    adam: await lossesWith(tf.train.adam(0.01)),
    rmsprop: await lossesWith(tf.train.rmsprop(0.01)),
    adagrad: await lossesWith(tf.train.adagrad(0.1)),
    adamax: await lossesWith(tf.train.adamax(0.02)),
  };
}

export const checks = Object.fromEntries(['sgd', 'momentum', 'nesterov', 'adam', 'rmsprop', 'adagrad', 'adamax'].map((k) => [k, { rel: 1e-3 }]));
