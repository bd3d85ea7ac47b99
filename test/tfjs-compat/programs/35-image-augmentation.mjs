// Image augmentation and post-processing with tf.image: projective transforms (a shift, a
// shear, a zoom about the centre, a perspective warp) in every fill mode, rotations about a
// point with per-channel fill, black-and-white by a fixed and by Otsu's threshold, and the
// padded form of non-maximum suppression.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const one = tf.tensor4d(Array.from({ length: 1 * 6 * 7 * 3 }, (_, i) => Math.round((Math.sin(i * 0.37) + 1) * 120)), [1, 6, 7, 3]);
  const shift = [[1, 0, -1.5, 0, 1, 2, 0, 0]];
  const shear = [[1, 0.3, 0, 0.2, 1, -0.5, 0, 0]];
  const zoom = [[0.8, 0, 0.6, 0, 0.8, 0.5, 0, 0]];
  const warp = [[0.9, 0.1, 0.2, -0.1, 1.1, 0.3, 0.02, -0.03]];
  const out = {};
  for (const [name, m] of Object.entries({ shift, shear, zoom, warp })) {
    for (const mode of ['constant', 'reflect', 'wrap', 'nearest']) {
      out[`${name}-${mode}-nearest`] = v(tf.image.transform(one, tf.tensor2d(m), 'nearest', mode, 7));
      out[`${name}-${mode}-bilinear`] = v(tf.image.transform(one, tf.tensor2d(m), 'bilinear', mode, 7));
    }
  }
  out.bigger = v(tf.image.transform(one, tf.tensor2d(zoom), 'bilinear', 'reflect', 0, [8, 5]));
  const two = tf.concat([one, tf.reverse(one, 1)], 0);
  out.rotated = v(tf.image.rotateWithOffset(two, 0.6));
  out.rotatedFill = v(tf.image.rotateWithOffset(two, -1.1, [10, 20, 30], [0.3, 0.7]));
  out.rotatedHalf = v(tf.image.rotateWithOffset(one, Math.PI / 2, 5, 0.25));
  const rgb = tf.reshape(one, [6, 7, 3]);
  out.binary = v(tf.image.threshold(rgb));
  out.binaryInverted = v(tf.image.threshold(rgb, 'binary', true, 0.3));
  out.otsu = v(tf.image.threshold(rgb, 'otsu'));
  out.otsuGray = v(tf.image.threshold(tf.slice(rgb, [0, 0, 0], [6, 7, 1]), 'otsu', true));
  out.thresholdDtype = tf.image.threshold(rgb).dtype;
  const boxes = tf.tensor2d([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [2, 2, 3, 3], [0.05, 0, 1, 1], [5, 5, 6, 6]]);
  const scores = tf.tensor1d([0.9, 0.8, 0.7, 0.95, 0.2]);
  const padded = tf.image.nonMaxSuppressionPadded(boxes, scores, 6, 0.5, 0.1, true);
  const unpadded = await tf.image.nonMaxSuppressionPaddedAsync(boxes, scores, 6, 0.5, 0.1);
  out.padded = [...v(padded.selectedIndices), ...v(padded.validOutputs)];
  out.unpadded = [...v(unpadded.selectedIndices), ...v(unpadded.validOutputs)];
  return out;
}

const exact = ['thresholdDtype', 'padded', 'unpadded', 'binary', 'binaryInverted', 'otsu', 'otsuGray'];
const sampledKeys = ['shift', 'shear', 'zoom', 'warp'].flatMap((n) => ['constant', 'reflect', 'wrap', 'nearest'].flatMap((m) => [`${n}-${m}-nearest`, `${n}-${m}-bilinear`]));
export const checks = Object.fromEntries([
  ...exact.map((k) => [k, { equal: true }]),
  ...[...sampledKeys, 'bigger', 'rotated', 'rotatedFill', 'rotatedHalf'].map((k) => [k, { abs: 1e-3 }]),
]);
