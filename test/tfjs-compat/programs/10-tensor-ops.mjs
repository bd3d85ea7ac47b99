// The core API's tensor helpers and ops as the guides show them: creation (tensor2d, buffer,
// linspace, oneHot, fill), reshaping, slicing, concat/stack/split/tile/reverse, reductions,
// argMax, topk, cumsum, moments, norm, comparisons and where, arraySync.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const buf = tf.buffer([2, 2]);
  buf.set(5, 0, 1);
  buf.set(7, 1, 0);
  const b = buf.toTensor();
  const parts = tf.split(a, 3, 1);
  const top = tf.topk(tf.tensor1d([1, 9, 3, 7]), 2);
  const m = tf.moments(a, 0);
  const out = {
    buffer: Array.from(b.dataSync()),
    linspace: Array.from(tf.linspace(0, 1, 5).dataSync()),
    oneHot: Array.from(tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3).dataSync()),
    fill: Array.from(tf.fill([2, 2], 3).dataSync()),
    transpose: Array.from(a.transpose().dataSync()),
    reshape: a.reshape([3, 2]).shape,
    slice: Array.from(a.slice([0, 1], [2, 2]).dataSync()),
    concat: Array.from(tf.concat([a, a], 0).dataSync()),
    stack: tf.stack([a, a]).shape,
    split: parts.map((p) => p.dataSync()[1]),
    tile: Array.from(tf.tile(tf.tensor1d([1, 2]), [3]).dataSync()),
    reverse: Array.from(tf.reverse(a, 1).dataSync()),
    sum: Array.from(a.sum(0).dataSync()),
    mean: a.mean().dataSync()[0],
    max: Array.from(a.max(1).dataSync()),
    argMax: Array.from(tf.argMax(a).dataSync()),
    argMax1: Array.from(a.argMax(1).dataSync()),
    topValues: Array.from(top.values.dataSync()),
    topIndices: Array.from(top.indices.dataSync()),
    cumsum: Array.from(tf.cumsum(tf.tensor1d([1, 2, 3])).dataSync()),
    momentsMean: Array.from(m.mean.dataSync()),
    momentsVar: Array.from(m.variance.dataSync()),
    norm: tf.norm(tf.tensor1d([3, 4])).dataSync()[0],
    where: Array.from(tf.where(tf.tensor1d([1, 0, 1]).cast('bool'), tf.tensor1d([1, 2, 3]), tf.tensor1d([9, 9, 9])).dataSync()),
    greater: Array.from(a.greater(tf.scalar(3)).dataSync()),
    clip: Array.from(a.clipByValue(2, 5).dataSync()),
    expandDims: a.expandDims(0).shape,
    squeeze: tf.tensor2d([[1], [2]]).squeeze().shape,
    gather: Array.from(a.gather(tf.tensor1d([1, 0], 'int32')).dataSync()),
    arraySync: a.arraySync(),
    mulNumbers: tf.mul(2, 3).dataSync()[0],
    matMul: Array.from(tf.matMul(a, a, false, true).dataSync()),
    dot: tf.dot(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync()[0],
    relu: Array.from(tf.relu(tf.tensor1d([-1, 2])).dataSync()),
    softmax: Array.from(tf.softmax(tf.tensor1d([1, 2, 3])).dataSync()),
    sigmoid: tf.sigmoid(tf.scalar(0)).dataSync()[0],
    pad: Array.from(tf.pad(tf.tensor1d([1, 2]), [[1, 1]]).dataSync()),
    rsqrt: tf.rsqrt(tf.scalar(4)).dataSync()[0],
    mod: Array.from(tf.mod(tf.tensor1d([-7, 7]), tf.tensor1d([2, -2])).dataSync()),
    round: Array.from(tf.round(tf.tensor1d([0.5, 1.5, 2.5])).dataSync()),
  };
  // dtypes a program can read: indices and labels are int32, comparisons bool, floats float32.
  const ints = tf.tensor1d([3, 1, 2], 'int32');
  out.dtypes = [
    tf.argMax(a).dtype, a.greater(tf.scalar(3)).dtype, a.cast('int32').dtype, tf.oneHot(ints, 4).dtype, top.indices.dtype, ints.dtype,
    ints.reshape([3, 1]).dtype, ints.gather(tf.tensor1d([0], 'int32')).dtype, a.dtype, a.cast('int32').cast('float32').dtype, tf.buffer([2], 'int32').toTensor().dtype,
    tf.logicalAnd(tf.tensor1d([1, 0], 'bool'), tf.tensor1d([1, 1], 'bool')).dtype, ints.clone().dtype,
  ].join(',');
  return { ...out, arraySync: JSON.stringify(out.arraySync) };
}

export const checks = {
  ...Object.fromEntries(['buffer', 'linspace', 'oneHot', 'fill', 'transpose', 'slice', 'concat', 'split', 'tile', 'reverse', 'sum', 'mean', 'max', 'argMax', 'argMax1',
    'topValues', 'topIndices', 'cumsum', 'momentsMean', 'momentsVar', 'norm', 'where', 'greater', 'clip', 'gather', 'mulNumbers', 'matMul', 'dot', 'relu', 'softmax', 'sigmoid', 'pad', 'rsqrt', 'mod', 'round']
    .map((k) => [k, { abs: 1e-6 }])),
  reshape: { equal: true }, stack: { equal: true }, expandDims: { equal: true }, squeeze: { equal: true }, arraySync: { equal: true }, dtypes: { equal: true },
};
