// tfjs-examples/data-generator: an endless tf.data.generator of simulated card games, mapped
// to one-hot features (tf.oneHot of int32 scalars, concatenated) and a label, batched, and
// trained with fitDataset over batchesPerEpoch batches, validating on validationBatches of the
// same stream; logs read with tfjs's acc/val_acc keys. The games are drawn from a seeded
// generator, so both libraries see the same plays.
import * as tf from '@tensorflow/tfjs';

const MAX = 9;
function plays(seed) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const hand = () => [0, 1, 2].map(() => Math.floor(1 + rnd() * MAX)).sort((a, b) => a - b);
  const score = (h) => { const f = [0, 0, 0]; let run = 0; let prev = 0; for (const c of h) { run = c === prev ? run + 1 : 1; prev = c; f[run - 1] = c; } return f; };
  const compare = (a, b) => { const x = score(a); const y = score(b); for (let g = 2; g >= 0; g--) { if (x[g] !== y[g]) return x[g] > y[g] ? 1 : 0; } return rnd() > 0.5 ? 1 : 0; };
  return function* () { for (;;) { const a = hand(); const b = hand(); yield [a, b, compare(a, b)]; } };
}

function features(game) {
  const xs = tf.concat([0, 1, 2].map((i) => tf.oneHot(tf.scalar(game[0][i] - 1, 'int32'), MAX)));
  return { xs, ys: tf.tensor1d([game[2]]) };
}

export async function run() {
  const peek = await tf.data.generator(plays(7)).map(features).batch(4).take(2).toArray();
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3 * MAX], units: 10, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'rmsprop', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const train = tf.data.generator(plays(1)).map(features).batch(50);
  const val = tf.data.generator(plays(2)).map(features).batch(50);
  const logs = [];
  await model.fitDataset(train, { batchesPerEpoch: 40, epochs: 12, validationData: val, validationBatches: 10, verbose: 0, callbacks: { onEpochEnd: async (e, l) => { logs.push(l); } } });
  const last = logs[logs.length - 1];
  return { peek: [peek.length, ...peek[0].xs.shape, ...peek[0].ys.shape].join(','), epochs: logs.length, firstLoss: logs[0].loss, lastLoss: last.loss, acc: last.acc, valAcc: last.val_acc };
}

// Chance is 0.5; the hand with the better group wins, which a small net learns to about 0.7.
export const checks = { peek: { equal: true }, epochs: { equal: true }, firstLoss: { atLeast: 0.5, atMost: 0.8 }, lastLoss: { atMost: 0.66 }, acc: { atLeast: 0.6 }, valAcc: { atLeast: 0.6 } };
