// The core-API LSTM of tfjs's early examples: two basicLSTMCells stacked with multiRNNCell,
// unrolled over a short sequence by hand, a readout matMul, trained with optimizer.minimize from
// fixed variables; then tensorScatterUpdate, the identity initializer and tf.util's helpers.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const fixed = (shape, k) => tf.variable(tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * k + 0.3) * 0.4), shape));
  const units = 5;
  const k1 = fixed([3 + units, 4 * units], 0.7);
  const b1 = fixed([4 * units], 1.1);
  const k2 = fixed([units + units, 4 * units], 0.9);
  const b2 = fixed([4 * units], 1.7);
  const wOut = fixed([units, 2], 0.5);
  const forgetBias = tf.scalar(1);
  const cell1 = (data, c, h) => tf.basicLSTMCell(forgetBias, k1, b1, data, c, h);
  const cell2 = (data, c, h) => tf.basicLSTMCell(forgetBias, k2, b2, data, c, h);
  const batch = 6;
  const steps = Array.from({ length: 4 }, (_, t) => tf.tensor2d(Array.from({ length: batch * 3 }, (_, i) => Math.cos(i * 0.3 + t)), [batch, 3]));
  const target = tf.tensor2d(Array.from({ length: batch * 2 }, (_, i) => (i % 3) - 1), [batch, 2]);
  const forward = () => {
    let c = [tf.zeros([batch, units]), tf.zeros([batch, units])];
    let h = [tf.zeros([batch, units]), tf.zeros([batch, units])];
    for (const x of steps) [c, h] = tf.multiRNNCell([cell1, cell2], x, c, h);
    return tf.matMul(h[1], wOut);
  };
  const before = v(forward());
  const optimizer = tf.train.adam(0.05);
  const losses = [];
  for (let i = 0; i < 12; i++) losses.push(optimizer.minimize(() => tf.losses.meanSquaredError(target, forward()), true).dataSync()[0]);
  const after = v(forward());

  const scattered = tf.tensorScatterUpdate(tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), tf.tensor2d([[2], [0]], null, 'int32'), tf.tensor2d([[-1, -2, -3], [10, 20, 30]]));
  const identity = tf.initializers.identity({ gain: 0.5 }).apply([3, 3]);
  const strides = tf.util.computeStrides([2, 3, 4]);
  return {
    before, losses, after, scattered: v(scattered), identity: v(identity),
    util: [strides, tf.util.indexToLoc(17, 3, strides), tf.util.locToIndex([1, 1, 1], 3, strides), tf.util.inferFromImplicitShape([2, -1, 3], 24), tf.util.sizeToSquarishShape(11),
      tf.util.squeezeShape([1, 4, 1, 2]).newShape, tf.util.parseAxisParam([-1, 0], [2, 3]), tf.util.nearestDivisor(20, 3), tf.util.toNestedArray([2, 2], [1, 2, 3, 4])],
  };
}

const same = { equal: true };
export const checks = { before: { abs: 1e-5 }, losses: { rel: 1e-3 }, after: { abs: 1e-3 }, scattered: same, identity: same, util: same };
