// Window ops beyond convolution: grayscale morphology with dilation2d (a dilation, and an
// erosion as the dilation of the negated image, their difference the morphological gradient),
// tf.pool with dilated windows, and maxPoolWithArgmax's indexes (the unpooling of a decoder).
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const img = tf.tensor4d(Array.from({ length: 2 * 7 * 6 * 2 }, (_, i) => Math.sin(i * 0.41) * 3), [2, 7, 6, 2]);
  const flat = tf.zeros([3, 3, 2]);
  const bumpy = tf.tensor3d(Array.from({ length: 2 * 3 * 2 }, (_, i) => Math.cos(i) * 0.5), [2, 3, 2]);
  const dilated = tf.dilation2d(img, flat, 1, 'same');
  const eroded = tf.neg(tf.dilation2d(tf.neg(img), flat, 1, 'same'));
  const { result, indexes } = tf.maxPoolWithArgmax(img, 2, 2, 'valid');
  const batchIdx = tf.maxPoolWithArgmax(img, [3, 2], [2, 1], 'same', true);
  // Unpooling: each max put back where it came from, zeros elsewhere.
  const unpooled = tf.scatterND(tf.reshape(indexes, [-1, 1]), tf.reshape(result, [-1]), [7 * 6 * 2 * 2]);
  return {
    gradient: v(tf.sub(dilated, eroded)),
    bumpyValid: v(tf.dilation2d(img, bumpy, [2, 1], 'valid')), bumpyDilated: v(tf.dilation2d(img, bumpy, 1, 'same', [2, 2])),
    bumpyShape: `${tf.dilation2d(img, bumpy, [2, 1], 'valid').shape}`, single: v(tf.dilation2d(img.slice([0, 0, 0, 0], [1, 7, 6, 2]).reshape([7, 6, 2]), bumpy, 1, 'valid')),
    poolMax: v(tf.pool(img, [2, 2], 'max', 'valid', [2, 2])), poolAvg: v(tf.pool(img, [2, 3], 'avg', 'valid', [1, 2])),
    poolMaxSame: v(tf.pool(img, 3, 'max', 'same', [2, 1])), poolStrided: v(tf.pool(img, 2, 'avg', 'same', 1, 2)),
    // Dilated with 'same': TensorFlow's space-to-batch form, the padding's zeros counted (negative images show it in the max).
    poolAvgDilatedSame: v(tf.pool(img, 3, 'avg', 'same', [2, 2])), poolMaxDilatedSame: v(tf.pool(tf.sub(img, 4), [2, 3], 'max', 'same', [3, 2])),
    argmaxResult: v(result), argmaxIndexes: v(indexes), argmaxDtype: indexes.dtype, batchIndexes: v(batchIdx.indexes), batchResult: v(batchIdx.result),
    unpooled: v(unpooled),
  };
}

const same = { equal: true };
export const checks = {
  gradient: { abs: 1e-5 }, bumpyValid: { abs: 1e-5 }, bumpyDilated: { abs: 1e-5 }, bumpyShape: same, single: { abs: 1e-5 },
  poolMax: { abs: 1e-5 }, poolAvg: { abs: 1e-5 }, poolMaxSame: { abs: 1e-5 }, poolStrided: { abs: 1e-5 }, poolAvgDilatedSame: { abs: 1e-5 }, poolMaxDilatedSame: { abs: 1e-5 },
  argmaxResult: { abs: 1e-6 }, argmaxIndexes: same, argmaxDtype: same, batchIndexes: same, batchResult: { abs: 1e-6 }, unpooled: { abs: 1e-6 },
};
