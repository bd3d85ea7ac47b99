// tf.image.resizeBilinear and resizeNearestNeighbor with each corner convention, on a batch and
// on a single image, up and down; flipLeftRight, rgbToGrayscale and grayscaleToRGB.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const img = tf.tensor4d(Array.from({ length: 2 * 3 * 4 * 2 }, (_, i) => Math.sin(i * 0.7) * 10), [2, 3, 4, 2]);
  const single = tf.tensor3d(Array.from({ length: 5 * 5 }, (_, i) => i), [5, 5, 1]);
  const out = {};
  for (const [a, h] of [[false, false], [true, false], [false, true]]) {
    out[`bilinearUp_${a}_${h}`] = Array.from(tf.image.resizeBilinear(img, [5, 7], a, h).dataSync());
    out[`bilinearDown_${a}_${h}`] = Array.from(tf.image.resizeBilinear(single, [2, 3], a, h).dataSync());
    out[`nearestUp_${a}_${h}`] = Array.from(tf.image.resizeNearestNeighbor(img, [6, 5], a, h).dataSync());
    out[`nearestDown_${a}_${h}`] = Array.from(tf.image.resizeNearestNeighbor(single, [3, 2], a, h).dataSync());
  }
  out.shape = tf.image.resizeBilinear(single, [2, 3]).shape;
  const rgb = tf.tensor4d(Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => (i * 37) % 255), [2, 2, 3, 3]);
  out.flip = Array.from(tf.image.flipLeftRight(rgb).dataSync());
  out.gray = Array.from(tf.image.rgbToGrayscale(rgb).dataSync());
  out.toRGB = Array.from(tf.image.grayscaleToRGB(tf.image.rgbToGrayscale(rgb)).dataSync());
  return out;
}

export const checks = Object.fromEntries([...['bilinearUp', 'bilinearDown', 'nearestUp', 'nearestDown'].flatMap((k) => [[false, false], [true, false], [false, true]].map(([a, h]) => [`${k}_${a}_${h}`, { abs: 1e-4 }])), ['shape', { equal: true }], ['flip', { equal: true }], ['gray', { rel: 1e-5 }], ['toRGB', { rel: 1e-5 }]]);
