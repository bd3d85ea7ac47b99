// tfjs-examples/cart-pole style policy gradient: tf.variableGrads of a custom loss over a model's
// weights, gradients scaled and summed by hand (tf.mul, tf.add on the gradient maps), then
// optimizer.applyGradients with the name-keyed map.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const policy = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation: 'elu', inputShape: [4] }), tf.layers.dense({ units: 1 })] });
  policy.setWeights(policy.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => Math.sin(i * 0.7 + k * 2) * 0.5), w.shape)));
  const optimizer = tf.train.adam(0.05);
  const logits = [];
  for (let game = 0; game < 8; game++) {
    const obs = tf.tensor2d(Array.from({ length: 10 * 4 }, (_, i) => Math.cos(i * 0.31 + game)), [10, 4]);
    const actions = tf.tensor2d(Array.from({ length: 10 }, (_, i) => (i + game) % 2), [10, 1]);
    const rewards = Array.from({ length: 10 }, (_, i) => (10 - i) / 10);
    let sum = null;
    for (let t = 0; t < 10; t++) {
      const f = () => tf.tidy(() => {
        const logit = policy.predict(obs.slice([t, 0], [1, 4]));
        return tf.losses.sigmoidCrossEntropy(actions.slice([t, 0], [1, 1]), logit).mul(rewards[t]);
      });
      const { grads } = tf.variableGrads(f);
      sum = sum === null ? grads : Object.fromEntries(Object.keys(grads).map((k) => [k, tf.add(sum[k], grads[k])]));
    }
    const mean = Object.fromEntries(Object.keys(sum).map((k) => [k, tf.mul(sum[k], 1 / 10)]));
    optimizer.applyGradients(mean);
    logits.push(policy.predict(tf.tensor2d([[0.1, -0.2, 0.3, -0.4]])).dataSync()[0]);
  }
  return { logits, weightCount: Object.keys(policy.getWeights()).length };
}

export const checks = { logits: { rel: 2e-3, abs: 1e-3 }, weightCount: { equal: true } };
