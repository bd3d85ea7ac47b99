// The op surface beyond the core set, as the guides and the API reference use it: hyperbolic and
// trigonometric maps, logSigmoid, divNoNan, isFinite/isInf, euclideanNorm, all/any, the ranked
// aliases (slice2d, reverse1d, pad2d, concat2d, …), tfjs's random signatures, customGrad as the
// "custom gradients" guide writes it, and the engine switches programs call.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const x = tf.tensor1d([-1.5, -0.3, 0, 0.4, 2]);
  const u = tf.tensor1d([-0.9, -0.2, 0, 0.5, 0.8]);
  const m = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const v = (t) => Array.from(t.dataSync());
  // The guide's custom op: the value x², the gradient given as dy·|x| (not 2x).
  const customOp = tf.customGrad((t, save) => {
    save([t]);
    return { value: t.square(), gradFunc: (dy, saved) => [dy.mul(saved[0].abs())] };
  });
  const cx = tf.tensor1d([-1, -2, 3]);
  const dx = tf.grad((t) => customOp(t))(cx);
  tf.enableProdMode();
  tf.variable(tf.scalar(1), true, 'dispose_me');
  tf.disposeVariables();
  tf.variable(tf.scalar(2), true, 'dispose_me');
  const timing = await tf.time(() => m.matMul(m.transpose()));
  const ints = tf.randomUniformInt([200], 2, 5, { seed: 3 });
  const iv = v(ints);
  const normals = tf.randomStandardNormal([2, 3]);
  return {
    tan: v(tf.tan(x)), sinh: v(tf.sinh(x)), cosh: v(tf.cosh(x)), asinh: v(tf.asinh(x)), acosh: v(tf.acosh(tf.tensor1d([1, 1.5, 3]))), atanh: v(tf.atanh(u)),
    logSigmoid: v(tf.logSigmoid(tf.tensor1d([-30, -1, 0, 1, 30]))), divNoNan: v(tf.divNoNan(tf.tensor1d([1, 2, 0, -3]), tf.tensor1d([2, 0, 0, 4]))),
    isFinite: v(tf.isFinite(tf.tensor1d([1, Infinity, NaN, -Infinity, 0]))), isInf: v(tf.isInf(tf.tensor1d([1, Infinity, NaN, -Infinity, 0]))),
    euclideanNorm: v(tf.euclideanNorm(m, 1)), all: v(tf.all(tf.tensor2d([[1, 1], [1, 0]], [2, 2], 'bool'), 1)), any: v(tf.any(tf.tensor2d([[0, 0], [1, 0]], [2, 2], 'bool'), 1)),
    allDtype: tf.all(tf.tensor1d([1, 0], 'bool')).dtype,
    slice1d: v(tf.slice1d(x, 1, 3)), slice2d: v(tf.slice2d(m, [0, 1], [2, 2])), reverse1d: v(tf.reverse1d(x)), reverse2d: v(tf.reverse2d(m, 1)),
    pad1d: v(tf.pad1d(tf.tensor1d([1, 2]), [1, 2], 9)), pad2d: v(tf.pad2d(tf.tensor2d([[1]]), [[1, 0], [0, 1]])), concat1d: v(tf.concat1d([tf.tensor1d([1]), tf.tensor1d([2, 3])])),
    concat2d: v(tf.concat2d([m, m], 1)),
    customValue: v(customOp(cx)), customGrad: v(dx),
    randomInt: [ints.dtype, ints.shape.join('x'), Math.min(...iv), Math.max(...iv), iv.every(Number.isInteger)].join(','),
    randomNormal: [normals.dtype, normals.shape.join('x')].join(','),
    engine: [typeof tf.version.tfjs, typeof timing.wallMs].join(','),
    // The same ops chained as tensor methods.
    methods: [
      ...v(x.tan()), ...v(u.atanh()), ...v(x.logSigmoid()), ...v(m.euclideanNorm(0)), ...v(m.reshapeAs(tf.zeros([3, 2]))), ...v(tf.tensor1d([0, 2], 'int32').oneHot(3)),
      ...v(x.topk(2).values), ...v(m.stack(m).sum(0)), ...v(tf.tensor1d([1, 2]).broadcastTo([2, 2])), ...v(m.zerosLike()), ...v(m.onesLike()),
      ...v(tf.tensor2d([[1, 0]], [1, 2], 'bool').any(1)), ...v(tf.tensor1d([1, 0]).divNoNan(tf.tensor1d([0, 2]))),
    ],
    prod: [...v(tf.prod(m)), ...v(tf.prod(m, 1)), ...v(m.prod(0, true)), ...v(tf.prod(tf.tensor1d([2, 0, 3])))],
    prodInt: [tf.prod(tf.tensor1d([2, 3], 'int32')).dtype, ...v(tf.prod(tf.tensor1d([2, 3], 'int32')))].join(','),
    batchNorm: v(tf.batchNorm(m, tf.tensor1d([1, 2, 3]), tf.tensor1d([0.5, 1, 2]), tf.tensor1d([0.1, 0, -0.1]), tf.tensor1d([2, 1, 0.5]))),
    diag: v(tf.diag(tf.tensor1d([1, 2, 3]))),
    meshgrid: tf.meshgrid(tf.tensor1d([1, 2, 3]), tf.tensor1d([10, 20])).flatMap(v),
    segmentSum: v(tf.unsortedSegmentSum(m, tf.tensor1d([1, 1], 'int32'), 3)),
    gatherND: v(tf.gatherND(tf.tensor3d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), tf.tensor2d([[1, 0], [0, 1]], [2, 2], 'int32'))),
    unique: (() => { const r = tf.unique(tf.tensor1d([4, 2, 4, 7, 2])); return [...v(r.values), ...v(r.indices), r.indices.dtype].join(','); })(),
    cumprod: [...v(tf.cumprod(m, 1)), ...v(m.cumprod(0)), ...v(tf.cumprod(tf.tensor1d([1, 2, 3, 4]), 0, true)), ...v(tf.cumprod(tf.tensor1d([1, 2, 3, 4]), 0, false, true))],
  };
}

const close = { rel: 1e-5 };
export const checks = {
  tan: close, sinh: close, cosh: close, asinh: close, acosh: close, atanh: close, logSigmoid: close, divNoNan: { equal: true }, isFinite: { equal: true }, isInf: { equal: true },
  euclideanNorm: close, all: { equal: true }, any: { equal: true }, allDtype: { equal: true }, slice1d: { equal: true }, slice2d: { equal: true }, reverse1d: { equal: true }, reverse2d: { equal: true },
  pad1d: { equal: true }, pad2d: { equal: true }, concat1d: { equal: true }, concat2d: { equal: true }, customValue: { equal: true }, customGrad: { equal: true },
  randomInt: { equal: true }, randomNormal: { equal: true }, engine: { equal: true }, methods: { rel: 1e-5 }, prod: { rel: 1e-6 }, prodInt: { equal: true }, cumprod: { rel: 1e-6 }, batchNorm: { rel: 1e-5 }, diag: { equal: true }, meshgrid: { equal: true }, segmentSum: { equal: true }, gatherND: { equal: true }, unique: { equal: true },
};
