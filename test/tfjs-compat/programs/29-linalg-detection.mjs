// tf.linalg's QR and Gram–Schmidt, and an object detector's post-processing: regions of
// interest cut with image.cropAndResize, overlapping boxes pruned with nonMaxSuppression
// (hard, and Soft-NMS with its decayed scores).
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const a = tf.tensor2d([[2, -1, 0], [1, 3, 1], [0, 1, 4], [1, 0, -2]]);
  const [q, r] = tf.linalg.qr(a);
  const [qf, rf] = tf.linalg.qr(a, true);
  const [qw, rw] = tf.linalg.qr(tf.transpose(a));
  const [qb, rb] = tf.linalg.qr(tf.tensor3d([1, 2, 3, 4, -1, 0.5, 2, 2], [2, 2, 2]));
  const gs = tf.linalg.gramSchmidt(tf.tensor2d([[1, 1, 0], [1, 0, 1], [0, 1, 1]]));
  const gsList = tf.linalg.gramSchmidt([tf.tensor1d([3, 4]), tf.tensor1d([1, 0])]);
  const img = tf.tensor4d(Array.from({ length: 2 * 5 * 6 * 2 }, (_, i) => Math.sin(i * 0.7) * 10), [2, 5, 6, 2]);
  const boxes = tf.tensor2d([[0, 0, 1, 1], [0.2, 0.1, 0.7, 0.9], [0.8, 0.6, 0.1, 0.2], [-0.2, 0.3, 0.5, 1.2]]);
  const boxInd = tf.tensor1d([0, 1, 1, 0], 'int32');
  // Detections: two clusters of overlapping boxes, a box overlapping another by IoU exactly 0.5, tied scores.
  const det = tf.tensor2d([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 0, 1, 0.5], [2, 2, 3, 3], [2.1, 2.1, 3.1, 3.1], [5, 5, 6, 6], [5, 5, 6, 6], [0.1, 0.1, 0.9, 0.9]]);
  const scores = tf.tensor1d([0.9, 0.8, 0.7, 0.85, 0.6, 0.5, 0.5, 0.95]);
  const soft = tf.image.nonMaxSuppressionWithScore(det, scores, 8, 0.5, 0.1, 0.5);
  return {
    q: v(q), r: v(r), qShape: `${q.shape}|${r.shape}`, qFull: v(qf), rFull: v(rf), fullShape: `${qf.shape}|${rf.shape}`,
    qWide: v(qw), rWide: v(rw), wideShape: `${qw.shape}|${rw.shape}`, qBatch: v(qb), rBatch: v(rb),
    gramSchmidt: v(gs), gramSchmidtList: gsList.flatMap(v),
    cropBilinear: v(tf.image.cropAndResize(img, boxes, boxInd, [3, 4])), cropNearest: v(tf.image.cropAndResize(img, boxes, boxInd, [2, 3], 'nearest', -1)),
    cropOne: v(tf.image.cropAndResize(img, boxes, boxInd, [1, 1])),
    nms: v(tf.image.nonMaxSuppression(det, scores, 10)), nmsDtype: tf.image.nonMaxSuppression(det, scores, 10).dtype,
    nmsTight: v(tf.image.nonMaxSuppression(det, scores, 3, 0.3, 0.55)),
    nmsAsync: v(await tf.image.nonMaxSuppressionAsync(det, scores, 10, 0.7)),
    softIndices: v(soft.selectedIndices), softScores: v(soft.selectedScores),
  };
}

const same = { equal: true };
export const checks = {
  q: { abs: 1e-5 }, r: { abs: 1e-5 }, qShape: same, qFull: { abs: 1e-5 }, rFull: { abs: 1e-5 }, fullShape: same, qWide: { abs: 1e-5 }, rWide: { abs: 1e-5 }, wideShape: same,
  qBatch: { abs: 1e-5 }, rBatch: { abs: 1e-5 }, gramSchmidt: { abs: 1e-6 }, gramSchmidtList: { abs: 1e-6 },
  cropBilinear: { abs: 1e-4 }, cropNearest: { abs: 1e-5 }, cropOne: { abs: 1e-4 },
  nms: same, nmsDtype: same, nmsTight: same, nmsAsync: same, softIndices: same, softScores: { abs: 1e-6 },
};
