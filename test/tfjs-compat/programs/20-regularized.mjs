// Regularizers, batch normalization and a frozen-rate dropout trained from the same weights:
// kernelRegularizer l2 and l1l2, batchNormalization (its moving statistics), dropout rate 0.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 6, inputShape: [4], activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }),
    tf.layers.batchNormalization(),
    tf.layers.dropout({ rate: 0 }),
    tf.layers.dense({ units: 1, kernelRegularizer: tf.regularizers.l1l2({ l1: 0.001, l2: 0.001 }) }),
  ] });
  // getWeights lists trainable weights first, then the moving statistics (tfjs's and Keras's order):
  // vectors near 1 (so the moving variance is positive), matrices around 0.
  model.setWeights(model.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => Math.sin(i * 0.9 + k) * 0.5 + (w.shape.length === 1 ? 1 : 0)), w.shape)));
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  const x = tf.tensor2d(Array.from({ length: 40 * 4 }, (_, i) => Math.sin(i * 0.21)), [40, 4]);
  const y = tf.tensor2d(Array.from({ length: 40 }, (_, i) => Math.cos(i * 0.4)), [40, 1]);
  const h = await model.fit(x, y, { epochs: 6, batchSize: 8, shuffle: false, verbose: 0 });
  const movingMean = Array.from(model.layers[1].getWeights()[2].dataSync());
  const pred = Array.from(model.predict(x.slice([0, 0], [3, 4])).dataSync());
  return { losses: h.history.loss, movingMean, pred, evalLoss: model.evaluate(x, y).dataSync()[0] };
}

// evaluate's loss is not compared: tfjs leaves the weight penalties out of it, Keras and neurite
// count them (as in the training loss); the difference here is the penalty, about 0.03.
export const checks = { losses: { rel: 1e-3 }, movingMean: { rel: 1e-3, abs: 1e-5 }, pred: { rel: 1e-3, abs: 1e-5 }, evalLoss: { atMost: 0.7 } };
