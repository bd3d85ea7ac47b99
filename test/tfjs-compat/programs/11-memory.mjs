// The guide "Memory management": tf.tidy returning a tensor, tf.keep inside a tidy, dispose,
// and tf.memory().numTensors before and after.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const start = tf.memory().numTensors;
  let kept;
  const y = tf.tidy(() => {
    const one = tf.scalar(1);
    const a = tf.tensor1d([1, 2, 3]);
    kept = tf.keep(a.square());
    return a.add(one).square();
  });
  const afterTidy = tf.memory().numTensors - start;
  const values = Array.from(y.dataSync());
  y.dispose();
  tf.dispose(kept);
  const afterDispose = tf.memory().numTensors - start;
  const x = tf.tensor1d([1, 2]);
  const z = x.mul(2);
  const twoMore = tf.memory().numTensors - start;
  tf.dispose([x, z]);
  return { afterTidy, afterDispose, twoMore, values, end: tf.memory().numTensors - start, bytes: typeof tf.memory().numBytes };
}

// The result and the kept tensor survive the tidy; both gone after dispose.
export const checks = { afterTidy: { equal: true }, afterDispose: { equal: true }, twoMore: { atLeast: 2 }, values: { abs: 0 }, end: { equal: true }, bytes: { equal: true } };
