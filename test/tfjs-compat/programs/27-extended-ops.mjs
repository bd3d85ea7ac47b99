// Ops of the API reference beyond the core (transformers' causal masks with linalg.bandPart,
// image padding with mirrorPad, super-resolution's depthToSpace, stridedSlice, tf.signal's
// windows and frames, movingAverage, the dropout op, setdiff1dAsync, inTopKAsync, rand).
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const m = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
  const img = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 2, 2, 4]);
  const x = tf.ones([200, 10]);
  const d = tf.dropout(x, 0.3);
  const dv = v(d);
  const [diff, at] = await tf.setdiff1dAsync(tf.tensor1d([1, 2, 3, 4, 5, 6]), tf.tensor1d([2, 4, 9]));
  let k = 0;
  return {
    causal: v(tf.linalg.bandPart(tf.ones([4, 4]), -1, 0)), band: v(tf.linalg.bandPart(m, 1, 1)), upper: v(tf.linalg.bandPart(m, 0, -1)),
    reflect: v(tf.mirrorPad(tf.tensor1d([1, 2, 3]), [[2, 2]], 'reflect')), symmetric: v(tf.mirrorPad(m, [[1, 1], [2, 0]], 'symmetric')),
    depthToSpace: v(tf.depthToSpace(img, 2)), depthShape: tf.depthToSpace(img, 2).shape.join('x'),
    strided: v(tf.stridedSlice(m, [0, 1], [3, 4], [2, 2])), stridedShrink: v(tf.stridedSlice(m, [1, 0], [2, 4], [1, 1], 0, 0, 0, 0, 1)), stridedMasks: v(tf.stridedSlice(m, [1, 1], [0, 3], [1, 1], 2, 1)),
    hann: v(tf.signal.hannWindow(6)), hamming: v(tf.signal.hammingWindow(5)), frames: v(tf.signal.frame(tf.range(0, 10), 4, 3)), framesPad: v(tf.signal.frame(tf.range(0, 10), 4, 3, true, -1)),
    movingAverage: v(tf.movingAverage(tf.tensor1d([1, 2]), tf.tensor1d([3, 6]), 0.9, 2)), movingAverageRaw: v(tf.movingAverage(tf.tensor1d([1, 2]), tf.tensor1d([3, 6]), 0.9, undefined, false)),
    dropoutValues: [...new Set(dv.map((z) => +z.toFixed(5)))].sort().join(','), dropoutRate: Math.abs(dv.filter((z) => z === 0).length / dv.length - 0.3) < 0.05,
    setdiff: [...v(diff), ...v(at), at.dtype].join(','),
    inTopK: v(await tf.inTopKAsync(tf.tensor2d([[0.1, 0.8, 0.1], [0.5, 0.2, 0.3]]), tf.tensor1d([1, 1], 'int32'), 2)),
    rand: v(tf.rand([2, 2], () => k++)),
    addN: v(tf.addN([m, m, tf.onesLike(m)])),
    ensureShape: tf.ensureShape(m, [3, 4]).shape.join('x'),
    scatterND: v(tf.scatterND(tf.tensor2d([[0], [2], [0]], [3, 1], 'int32'), tf.tensor2d([[1, 2], [3, 4], [5, 6]]), [4, 2])),
    searchSorted: [...v(tf.searchSorted(tf.tensor1d([1, 3, 3, 7]), tf.tensor1d([0, 3, 8]))), ...v(tf.searchSorted(tf.tensor1d([1, 3, 3, 7]), tf.tensor1d([0, 3, 8]), 'right')), ...v(tf.lowerBound(tf.tensor1d([1, 2]), tf.tensor1d([2]))), ...v(tf.upperBound(tf.tensor1d([1, 2]), tf.tensor1d([2])))],
    bincount: [...v(tf.bincount(tf.tensor1d([1, 1, 3, 0], 'int32'), tf.tensor1d([]), 5)), ...v(tf.bincount(tf.tensor1d([1, 1, 3, 0], 'int32'), tf.tensor1d([0.5, 1, 2, 3]), 3))],
    clone: v(tf.clone(m)),
    batchNorm4d: v(tf.batchNorm4d(img, tf.tensor1d([6, 7, 8, 9]), tf.tensor1d([1, 2, 3, 4]), undefined, undefined, 0.01)),
    separable: v(tf.separableConv2d(tf.tensor4d(Array.from({ length: 2 * 5 * 5 * 2 }, (_, i) => Math.sin(i)), [2, 5, 5, 2]), tf.tensor4d(Array.from({ length: 3 * 3 * 2 * 2 }, (_, i) => Math.cos(i)), [3, 3, 2, 2]), tf.tensor4d([0.5, -1, 2, 0.25, 1, 1, -0.5, 0.75], [1, 1, 4, 2]), 1, 'same')),
    depthwisePositional: v(tf.depthwiseConv2d(img, tf.ones([1, 1, 4, 1]), 1, 'valid')),
    lrn: v(tf.localResponseNormalization(tf.tensor4d(Array.from({ length: 2 * 2 * 2 * 6 }, (_, i) => Math.sin(i)), [2, 2, 2, 6]), 2, 1, 0.5, 0.75)),
    spaceToBatch: v(tf.spaceToBatchND(tf.tensor4d(Array.from({ length: 2 * 4 * 4 * 1 }, (_, i) => i), [2, 4, 4, 1]), [2, 2], [[0, 0], [0, 0]])),
    spaceToBatchPad: tf.spaceToBatchND(tf.tensor4d(Array.from({ length: 3 * 3 }, (_, i) => i), [1, 3, 3, 1]), [2, 2], [[1, 0], [0, 1]]).shape.join('x'),
    batchToSpace: v(tf.batchToSpaceND(tf.tensor4d(Array.from({ length: 8 * 2 * 2 }, (_, i) => i), [8, 2, 2, 1]), [2, 2], [[0, 1], [1, 0]])),
    einsum: (() => {
      const a = tf.tensor3d(Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i)), [2, 3, 4]);
      const b = tf.tensor3d(Array.from({ length: 2 * 4 * 5 }, (_, i) => Math.cos(i)), [2, 4, 5]);
      const p = tf.tensor2d([[1, 2], [3, 4]]);
      const q = tf.tensor1d([1, -1, 2]);
      return [
        ...v(tf.einsum('bij,bjk->bik', a, b)), ...v(tf.einsum('ij,jk->ik', p, p)), ...v(tf.einsum('ij->ji', p)), ...v(tf.einsum('i,i->', q, q)),
        ...v(tf.einsum('i,j->ij', q, q)), ...v(tf.einsum('ij,j->i', tf.ones([2, 3]), q)), ...v(tf.einsum('ij->i', p)), ...v(tf.einsum('bij,bkj->bik', a, a)),
      ];
    })(),
    inverseTrig: [...v(tf.atan(tf.tensor1d([-3, 0, 0.5]))), ...v(tf.asin(tf.tensor1d([-1, 0.2, 0.9]))), ...v(tf.acos(tf.tensor1d([-0.5, 0, 1])))],
    atan2: v(tf.atan2(tf.tensor1d([1, 1, -1, -1, 0, 2]), tf.tensor1d([1, -1, 1, -1, -3, 0]))),
    prelu: v(tf.prelu(tf.tensor2d([[-2, 3], [4, -5]]), tf.tensor1d([0.1, 0.5]))),
    methodsMore: [...v(tf.tensor1d([0.5]).atan()), ...v(tf.tensor1d([0.5]).erf()), ...v(img.depthToSpace(2)), ...v(m.stridedSlice([0, 0], [3, 4], [1, 3])), ...v(m.mirrorPad([[0, 0], [1, 1]], 'reflect'))],
  };
}

const same = { equal: true };
export const checks = {
  causal: same, band: same, upper: same, reflect: same, symmetric: same, depthToSpace: same, depthShape: same, strided: same, stridedShrink: same, stridedMasks: same,
  hann: { rel: 1e-6 }, hamming: { rel: 1e-6 }, frames: same, framesPad: same, movingAverage: { rel: 1e-6 }, movingAverageRaw: { rel: 1e-6 },
  dropoutValues: same, dropoutRate: same, setdiff: same, inTopK: same, rand: same, inverseTrig: { rel: 1e-5 }, atan2: { rel: 1e-5 }, prelu: { rel: 1e-6 }, methodsMore: { rel: 1e-5 }, addN: same, ensureShape: same, scatterND: same, searchSorted: same, bincount: same, clone: same, batchNorm4d: { rel: 1e-5 }, separable: { rel: 1e-4 }, depthwisePositional: same, lrn: { rel: 1e-5 }, spaceToBatch: same, spaceToBatchPad: same, batchToSpace: same, einsum: { rel: 1e-5 },
};
