// The guide "Gradients" (core API): tf.grad, tf.grads, tf.valueAndGrad, tf.valueAndGrads,
// tf.variableGrads, with a dy, and a gradient of a gradient.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const f = (x) => x.pow(tf.scalar(3, 'int32'));
  const g = tf.grad(f);
  const gg = tf.grad(g);
  const x = tf.tensor1d([2, 3]);
  const h = tf.grads((a, b) => a.mul(b));
  const [da, db] = h([tf.tensor1d([2, 3]), tf.tensor1d([-2, -3])]);
  const { value, grad } = tf.valueAndGrad((t) => t.square().sum())(tf.tensor1d([1, 2, 3]));
  const vg = tf.valueAndGrads((a, b) => a.mul(b).sum())([tf.tensor1d([1, 2]), tf.tensor1d([3, 4])]);
  const a = tf.variable(tf.tensor1d([3, 4]));
  const b = tf.variable(tf.tensor1d([5, 6]));
  const xs = tf.tensor1d([1, 2]);
  const vgr = tf.variableGrads(() => a.mul(xs.square()).add(b.mul(xs)).sum());
  const withDy = tf.grad((t) => t.mul(2))(tf.tensor1d([1, 1]), tf.tensor1d([3, -1]));
  return {
    g: Array.from(g(x).dataSync()), gg: Array.from(gg(x).dataSync()), da: Array.from(da.dataSync()), db: Array.from(db.dataSync()),
    value: value.dataSync()[0], grad: Array.from(grad.dataSync()), vgValue: vg.value.dataSync()[0], vgGrads: vg.grads.flatMap((t) => Array.from(t.dataSync())),
    variableValue: vgr.value.dataSync()[0], variableGrads: Object.values(vgr.grads).flatMap((t) => Array.from(t.dataSync())), withDy: Array.from(withDy.dataSync()),
  };
}

// Every figure by hand: 3x² = [12, 27], 6x = [12, 18], d(ab)/da = b…
export const checks = Object.fromEntries(['g', 'gg', 'da', 'db', 'value', 'grad', 'vgValue', 'vgGrads', 'variableValue', 'variableGrads', 'withDy'].map((k) => [k, { abs: 1e-5 }]));
