// tfjs-examples/snake-dqn style: an online network trained with trainOnBatch on replayed
// batches, a target network synced with setWeights(getWeights()), actions by argMax of predict.
import * as tf from '@tensorflow/tfjs';

function net() {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 3 })] });
  m.setWeights(m.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => Math.cos(i * 0.9 + k) * 0.3), w.shape)));
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  return m;
}

export async function run() {
  const online = net();
  const target = net();
  const losses = [];
  for (let step = 0; step < 40; step++) {
    const states = tf.tensor2d(Array.from({ length: 32 * 4 }, (_, i) => Math.sin(i * 0.13 + step)), [32, 4]);
    const next = tf.tensor2d(Array.from({ length: 32 * 4 }, (_, i) => Math.sin(i * 0.13 + step + 1)), [32, 4]);
    const rewards = tf.tensor1d(Array.from({ length: 32 }, (_, i) => ((i + step) % 3) - 1));
    const targetQ = tf.tidy(() => {
      const q = online.predict(states);
      const best = target.predict(next).max(-1);
      const update = rewards.add(best.mul(0.9));
      const actions = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32'), 3);
      return q.mul(tf.scalar(1).sub(actions)).add(actions.mul(update.expandDims(1)));
    });
    const loss = await online.trainOnBatch(states, targetQ);
    losses.push(loss);
    if (step % 10 === 9) target.setWeights(online.getWeights());
  }
  const action = online.predict(tf.tensor2d([[0.1, 0.2, 0.3, 0.4]])).argMax(-1).dataSync()[0];
  return { losses, action };
}

export const checks = { losses: { rel: 2e-3 }, action: { equal: true } };
