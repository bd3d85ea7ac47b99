// The op surface in tfjs's other spellings: the positional conv1d and conv2dTranspose, ops
// chained on tensors (conv, pooling, space-to-batch, normalization, where, unique, variable,
// bytes), the top-level fft family, and the small helpers (sparseToDense, bitwiseAnd,
// broadcastArgs, cosineWindow, enclosingPowerOfTwo, upcastType, sumOutType, op).
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const seq = tf.tensor3d(Array.from({ length: 2 * 9 * 3 }, (_, i) => Math.sin(i * 0.5)), [2, 9, 3]);
  const f1 = tf.tensor3d(Array.from({ length: 3 * 3 * 2 }, (_, i) => Math.cos(i * 0.7) * 0.5), [3, 3, 2]);
  const img = tf.tensor4d(Array.from({ length: 2 * 6 * 5 * 2 }, (_, i) => Math.sin(i * 0.3) * 2), [2, 6, 5, 2]);
  const fT = tf.tensor4d(Array.from({ length: 3 * 3 * 4 * 2 }, (_, i) => Math.sin(i * 0.9) * 0.4), [3, 3, 4, 2]);
  const fD = tf.tensor4d(Array.from({ length: 2 * 2 * 2 * 2 }, (_, i) => Math.cos(i) * 0.3), [2, 2, 2, 2]);
  const fP = tf.tensor4d(Array.from({ length: 4 * 3 }, (_, i) => Math.sin(i + 1) * 0.5), [1, 1, 4, 3]);
  const double = tf.op({ double_: (x) => tf.mul(x, 2) });
  const vr = tf.tensor1d([1, 2, 3]).variable(true, 'chained');
  return {
    conv1dSame: v(tf.conv1d(seq, f1, 2, 'same')), conv1dDilated: v(seq.conv1d(f1, 1, 'same', 'NWC', 2)), conv1dValid: v(tf.conv1d(seq, f1, 1, 'valid')),
    conv2dT: v(tf.conv2dTranspose(img, fT, [2, 12, 10, 4], 2, 'same')), conv2dTValid: v(img.conv2dTranspose(fT, [2, 13, 11, 4], [2, 2], 'valid')),
    depthwise: v(img.depthwiseConv2d(fD, 1, 'same')), separable: v(img.separableConv2d(fD, fP, 1, 'valid')),
    dilation: v(img.dilation2d(tf.zeros([2, 2, 2]), 1, 'same')), pooled: v(img.pool([2, 2], 'max', 'valid', [2, 1])),
    lrn: v(img.localResponseNormalization(1, 1, 0.5, 0.75)), s2b: v(img.spaceToBatchND([2, 1], [[0, 0], [1, 0]])), s2bShape: `${img.spaceToBatchND([2, 1], [[0, 0], [1, 0]]).shape}`,
    b2s: v(img.batchToSpaceND([2, 1], [[1, 1], [0, 0]])), whereVals: v(tf.tensor1d([1, 2, 3]).where(tf.tensor1d([1, 0, 1], 'bool'), tf.tensor1d([9, 8, 7]))),
    uniq: v(tf.tensor1d([3, 1, 3, 2, 1]).unique().values), uniqIdx: v(tf.tensor1d([3, 1, 3, 2, 1]).unique().indices),
    variable: [...v(vr), vr.trainable], bytes: Array.from(await tf.tensor1d([1, -2]).bytes()),
    fftTop: v(tf.fft(tf.complex(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 1, 0, 1])))), rfftTop: v(tf.rfft(tf.tensor1d([1, 2, 3, 4, 5, 6]))),
    irfftTop: v(tf.irfft(tf.rfft(tf.tensor1d([1, 2, 3, 4])))), ifftTop: v(tf.ifft(tf.complex(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])))),
    sparse1: v(tf.sparseToDense(tf.tensor1d([4, 1, 2], 'int32'), tf.tensor1d([10, 20, 30]), [6], -1)),
    sparse2: v(tf.sparseToDense(tf.tensor2d([[0, 1], [2, 0]], null, 'int32'), tf.scalar(5), [3, 2])),
    bitwise: v(tf.bitwiseAnd(tf.tensor1d([12, 7, 255], 'int32'), tf.tensor1d([10, 3, 15], 'int32'))),
    broadcast: v(tf.broadcastArgs(tf.tensor1d([2, 1, 3], 'int32'), tf.tensor1d([4, 1], 'int32'))),
    cosine: v(tf.cosineWindow(6, 0.5, 0.5)), cosineOdd: v(tf.cosineWindow(5, 0.54, 0.46)),
    powers: [tf.enclosingPowerOfTwo(5), tf.enclosingPowerOfTwo(8), tf.enclosingPowerOfTwo(1000)],
    upcast: [tf.upcastType('int32', 'float32'), tf.upcastType('bool', 'int32'), tf.upcastType('bool', 'bool'), tf.sumOutType('bool'), tf.sumOutType('float32')],
    named: v(double(tf.tensor1d([1, 2]))),
  };
}

const same = { equal: true };
const close = { abs: 1e-5 };
export const checks = {
  conv1dSame: close, conv1dDilated: close, conv1dValid: close, conv2dT: close, conv2dTValid: close, depthwise: close, separable: close,
  dilation: close, pooled: close, lrn: close, s2b: close, s2bShape: same, b2s: close, whereVals: same, uniq: same, uniqIdx: same,
  variable: same, bytes: same, fftTop: { abs: 1e-4 }, rfftTop: { abs: 1e-4 }, irfftTop: { abs: 1e-4 }, ifftTop: { abs: 1e-4 },
  sparse1: same, sparse2: same, bitwise: same, broadcast: same, cosine: close, cosineOdd: close, powers: same, upcast: same, named: same,
};
