// The guide "Tensors and operations": integer tensors through arithmetic. Each op's dtype, its
// values and the kind of array dataSync() gives, as tfjs keeps them: int32 stays int32 through
// add/sub/mul/max/min/pow/neg/abs/round/relu/clip/cumsum/where and sums (of bools too), division
// of two int32 tensors floors, a number or a float tensor makes the result float32.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const i = tf.tensor1d([7, -3], 'int32');
  const j = tf.tensor1d([2, 2], 'int32');
  const f = tf.tensor1d([2, 2]);
  const b = tf.tensor1d([true, false], 'bool');
  const cases = {
    add: () => i.add(j), addNumber: () => i.add(1), addFloat: () => i.add(f), sub: () => i.sub(j), mul: () => i.mul(j),
    div: () => i.div(j), divNumber: () => i.div(2), floorDiv: () => i.floorDiv(j), mod: () => i.mod(j), neg: () => i.neg(), abs: () => i.abs(),
    square: () => i.square(), sum: () => i.sum(), mean: () => i.mean(), max: () => i.max(), min: () => i.min(0), maximum: () => i.maximum(j), minimum: () => i.minimum(j),
    pow: () => i.pow(j), exp: () => i.exp(), sumBool: () => b.sum(), cumsum: () => i.cumsum(), relu: () => i.relu(), mulFraction: () => i.mul(2.5),
    sign: () => i.sign(), clip: () => i.clipByValue(0, 5), round: () => i.round(), scalarTimes: () => tf.scalar(3, 'int32').mul(i),
    range: () => tf.range(0, 5, 1, 'int32'), zeros: () => tf.zeros([2], 'int32'), ones: () => tf.ones([2], 'int32'), fill: () => tf.fill([2], 2.7, 'int32'),
    zerosLike: () => tf.zerosLike(i), argMax: () => f.argMax(), reshape: () => i.reshape([2, 1]), oneHot: () => tf.oneHot(tf.tensor1d([1, 0], 'int32'), 3),
    squaredDifference: () => i.squaredDifference(j), logicalNot: () => b.logicalNot(), where: () => tf.where(b, i, j), cast: () => f.add(0.5).cast('int32'),
  };
  const out = {};
  for (const [name, make] of Object.entries(cases)) {
    const t = make();
    const d = t.dataSync();
    out[name] = `${t.dtype} ${Array.from(d, (v) => +v.toFixed(4)).join(',')} ${d.constructor.name}`;
  }
  return out;
}

export const checks = Object.fromEntries(['add', 'addNumber', 'addFloat', 'sub', 'mul', 'div', 'divNumber', 'floorDiv', 'mod', 'neg', 'abs', 'square', 'sum', 'mean', 'max', 'min',
  'maximum', 'minimum', 'pow', 'exp', 'sumBool', 'cumsum', 'relu', 'mulFraction', 'sign', 'clip', 'round', 'scalarTimes', 'range', 'zeros', 'ones', 'fill', 'zerosLike',
  'argMax', 'reshape', 'oneHot', 'squaredDifference', 'logicalNot', 'where', 'cast'].map((k) => [k, { equal: true }]));
