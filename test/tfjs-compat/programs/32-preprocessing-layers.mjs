// Keras-style preprocessing as tfjs runs it (its preprocessing layers applied to tensors, outside
// the model: tfjs 4 cannot hold Resizing or CenterCrop inside one): images centre-cropped,
// resized and rescaled, a categorical column one-hot and a tag list multi-hot encoded, fed to
// a small classifier from fixed weights; then the classifier's confusion matrix, and
// denseBincount in its forms.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const n = 8;
  const images = tf.tensor4d(Array.from({ length: n * 9 * 10 * 3 }, (_, i) => (Math.sin(i * 0.13) + 1) * 127.5), [n, 9, 10, 3]);
  const cropped = tf.layers.centerCrop({ height: 7, width: 7 }).apply(images);
  const small = tf.layers.resizing({ height: 4, width: 4 }).apply(cropped);
  const scaled = tf.layers.rescaling({ scale: 1 / 255 }).apply(small);
  const nearest = tf.layers.resizing({ height: 5, width: 3, interpolation: 'nearest', cropToAspectRatio: true }).apply(images);
  const upsized = tf.layers.centerCrop({ height: 10, width: 12 }).apply(images.slice([0, 0, 0, 0], [2, 9, 10, 3]));
  const colour = tf.tensor1d([0, 2, 1, 1, 0, 2, 2, 1], 'int32');
  const oneHot = tf.layers.categoryEncoding({ numTokens: 3, outputMode: 'oneHot' }).apply(colour);
  const tags = tf.tensor2d([[0, 1, 1], [2, 3, 0], [3, 3, 3], [1, 2, 0], [0, 0, 0], [2, 1, 3], [1, 1, 2], [3, 0, 2]], null, 'int32');
  const multiHot = tf.layers.categoryEncoding({ numTokens: 4 }).apply(tags);
  const counts = tf.layers.categoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(tags);
  const features = tf.concat([tf.reshape(scaled, [n, 48]), oneHot, multiHot], 1);

  const classes = tf.tensor1d([0, 1, 2, 1, 0, 2, 1, 0], 'int32');
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation: 'relu', inputShape: [55] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  const fixed = (shape, k) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * k) * 0.3), shape);
  model.setWeights([fixed([55, 6], 0.7), fixed([6], 1.3), fixed([6, 3], 0.9), fixed([3], 2.1)]);
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  const history = await model.fit(features, tf.oneHot(classes, 3), { epochs: 15, batchSize: 4, shuffle: false, verbose: 0 });
  const predicted = tf.argMax(model.predict(features), 1);
  const confusion = tf.math.confusionMatrix(classes, predicted, 3);

  return {
    cropped: v(cropped), croppedShape: `${cropped.shape}`, scaled: v(scaled), nearest: v(nearest), nearestShape: `${nearest.shape}`, upsized: v(upsized),
    oneHot: v(oneHot), multiHot: v(multiHot), counts: v(counts), encodedShape: `${oneHot.shape}|${multiHot.shape}`,
    loss: history.history.loss, predicted: v(predicted), confusion: v(confusion), confusionDtype: confusion.dtype,
    bincountRows: v(tf.denseBincount(tags, [], 5)), bincountBinary: v(tf.denseBincount(tags, [], 3, true)),
    bincountWeighted: v(tf.denseBincount(tags, tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1], [2, 2, 2], [0.5, 0.5, 0.5], [1, 0, 1], [3, 2, 1]]), 4)),
    bincountVector: v(tf.denseBincount(tf.tensor1d([1, 4, 4, 0, 9], 'int32'), tf.tensor1d([0.5, 1, 2, 3, 4]), 5)),
  };
}

const same = { equal: true };
export const checks = {
  cropped: { abs: 1e-3 }, croppedShape: same, scaled: { abs: 1e-5 }, nearest: { abs: 1e-3 }, nearestShape: same, upsized: { abs: 1e-3 },
  oneHot: same, multiHot: same, counts: same, encodedShape: same,
  loss: { rel: 1e-4 }, predicted: same, confusion: same, confusionDtype: same,
  bincountRows: same, bincountBinary: same, bincountWeighted: { abs: 1e-6 }, bincountVector: { abs: 1e-6 },
};
