// Volumes (video frames, CT slices): tf.conv3d, conv3dTranspose, maxPool3d and avgPool3d in
// tfjs's positional form, then a small Conv3D → MaxPooling3D → Conv3D → AveragePooling3D model
// trained from the same weights (setWeights, shuffle off). (Not Conv3DTranspose in the model:
// tfjs cannot train one — "gradient function not found for Conv3DBackpropInputV2" — and no
// average pooling with 'same' padding: tfjs's gradient of it divides by the whole window where
// its forward divides by the taps inside, so it is not the derivative of what it computes.)
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const vol = tf.tensor5d(Array.from({ length: 2 * 4 * 5 * 3 * 2 }, (_, i) => Math.sin(i * 0.61) * 3), [2, 4, 5, 3, 2]);
  const filter = tf.tensor5d(Array.from({ length: 2 * 3 * 2 * 2 * 3 }, (_, i) => Math.cos(i * 0.43)), [2, 3, 2, 2, 3]);
  const out = {
    convValid: v(tf.conv3d(vol, filter, 1, 'valid')),
    convSame: v(tf.conv3d(vol, filter, [2, 1, 2], 'same')),
    convDilated: v(tf.conv3d(vol, filter, 1, 'same', 'NDHWC', [1, 2, 1])),
    convShape: tf.conv3d(vol, filter, [2, 1, 2], 'same').shape.join(','),
    single: v(tf.conv3d(tf.tensor4d(v(vol).slice(0, 120), [4, 5, 3, 2]), filter, 1, 'valid')),
    transposed: v(tf.conv3dTranspose(tf.tensor5d(v(vol).slice(0, 2 * 2 * 3 * 2 * 2), [2, 2, 3, 2, 2]), tf.tensor5d(v(filter).slice(0, 3 * 3 * 2 * 2 * 2), [3, 3, 2, 2, 2]), [2, 5, 7, 5, 2], 2, 'valid')),
    transposedSame: v(tf.conv3dTranspose(tf.tensor5d(v(vol).slice(0, 2 * 2 * 3 * 2 * 2), [2, 2, 3, 2, 2]), filter.slice([0, 0, 0, 0, 0], [2, 3, 2, 2, 2]), [2, 4, 3, 4, 2], [2, 1, 2], 'same')),
    maxValid: v(tf.maxPool3d(vol, 2, 2, 'valid')),
    maxSame: v(tf.maxPool3d(vol, [3, 2, 3], 1, 'same')),
    avgValid: v(tf.avgPool3d(vol, [2, 3, 2], [1, 2, 1], 'valid')),
    avgSame: v(tf.avgPool3d(vol, 3, 2, 'same')),
  };
  const model = tf.sequential({ layers: [
    tf.layers.conv3d({ filters: 3, kernelSize: [2, 2, 2], padding: 'same', activation: 'relu', inputShape: [4, 5, 3, 2] }),
    tf.layers.maxPooling3d({ poolSize: 2, strides: 1 }),
    tf.layers.conv3d({ filters: 2, kernelSize: 2, strides: [1, 2, 1], padding: 'same', activation: 'tanh' }),
    tf.layers.averagePooling3d({ poolSize: [1, 2, 2] }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 1 }),
  ] });
  model.setWeights(model.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => Math.sin(i * 1.7 + k) * 0.3), w.shape)));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const y = tf.tensor2d([[0.5], [-0.3]]);
  const h = await model.fit(vol, y, { epochs: 4, batchSize: 2, shuffle: false, verbose: 0 });
  out.loss = h.history.loss;
  out.predicted = v(model.predict(vol));
  return out;
}

const near = { abs: 1e-4 };
export const checks = {
  convValid: near, convSame: near, convDilated: near, convShape: { equal: true }, single: near, transposed: near, transposedSame: near,
  maxValid: near, maxSame: near, avgValid: near, avgSame: near, loss: { rel: 1e-3 }, predicted: { abs: 1e-3 },
};
