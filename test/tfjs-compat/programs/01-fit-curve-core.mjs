// The TensorFlow.js guide "Fitting a curve to synthetic data": a cubic's coefficients as
// variables, a loss written with ops, optimizer.minimize in a loop, values read with dataSync.
import * as tf from '@tensorflow/tfjs';

function generateData(numPoints, coeff, sigma = 0.04) {
  return tf.tidy(() => {
    const [a, b, c, d] = [tf.scalar(coeff.a), tf.scalar(coeff.b), tf.scalar(coeff.c), tf.scalar(coeff.d)];
    const xs = tf.linspace(-1, 1, numPoints);
    const three = tf.scalar(3, 'int32');
    const ys = a.mul(xs.pow(three)).add(b.mul(xs.square())).add(c.mul(xs)).add(d);
    // Deterministic "noise" so both runs see the same data.
    const noise = tf.tensor1d(Array.from({ length: numPoints }, (_, i) => Math.sin(i * 12.9898) * sigma));
    const ymax = ys.max();
    const ymin = ys.min();
    const ysNormalized = ys.add(noise).sub(ymin).div(ymax.sub(ymin));
    return { xs, ys: ysNormalized };
  });
}

export async function run() {
  const a = tf.variable(tf.scalar(0.1));
  const b = tf.variable(tf.scalar(0.2));
  const c = tf.variable(tf.scalar(-0.3));
  const d = tf.variable(tf.scalar(0.4));
  const predict = (x) => tf.tidy(() => a.mul(x.pow(tf.scalar(3, 'int32'))).add(b.mul(x.square())).add(c.mul(x)).add(d));
  const loss = (predictions, labels) => predictions.sub(labels).square().mean();
  const { xs, ys } = generateData(100, { a: -0.8, b: -0.2, c: 0.9, d: 0.5 });
  const optimizer = tf.train.sgd(0.5);
  let first = null;
  for (let iter = 0; iter < 75; iter++) {
    const cost = optimizer.minimize(() => loss(predict(xs), ys), true);
    if (first === null) first = cost.dataSync()[0];
    await tf.nextFrame();
  }
  const final = loss(predict(xs), ys).dataSync()[0];
  return { first, final, coefficients: [a, b, c, d].map((v) => v.dataSync()[0]) };
}

export const checks = {
  first: { rel: 1e-5 },
  final: { atMost: 0.01, rel: 1e-3 },
  coefficients: { abs: 1e-3 },
};
