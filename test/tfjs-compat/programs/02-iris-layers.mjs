// tfjs-examples/iris: a Sequential of dense layers (sigmoid hidden, softmax out), adam,
// categoricalCrossentropy with metrics ['accuracy'], fit with validationData and an
// onEpochEnd callback reading logs.acc / logs.val_acc; then predict and argMax.
import * as tf from '@tensorflow/tfjs';

// Three Gaussian-ish classes in 4 features, generated deterministically.
function irisLike(n, seed) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const centers = [[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]];
  const xs = [];
  const ys = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    xs.push(centers[k].map((c) => c + (rand() - 0.5) * 0.8));
    ys.push(k);
  }
  return { xs: tf.tensor2d(xs, [n, 4]), ys: tf.oneHot(tf.tensor1d(ys, 'int32'), 3) };
}

export async function run() {
  const train = irisLike(120, 7);
  const test = irisLike(30, 99);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, activation: 'sigmoid', inputShape: [4] }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const accs = [];
  const history = await model.fit(train.xs, train.ys, {
    epochs: 40, batchSize: 16, validationData: [test.xs, test.ys], verbose: 0,
    callbacks: { onEpochEnd: async (epoch, logs) => { accs.push(logs.acc); await tf.nextFrame(); } },
  });
  const predicted = model.predict(test.xs).argMax(-1).dataSync();
  const truth = test.ys.argMax(-1).dataSync();
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === truth[i]) correct++;
  const [, evalAcc] = model.evaluate(test.xs, test.ys);
  return {
    finalAcc: accs[accs.length - 1], valAcc: history.history.val_acc[history.history.val_acc.length - 1],
    testAcc: correct / predicted.length, evalAcc: evalAcc.dataSync()[0], epochs: history.epoch.length,
  };
}

export const checks = {
  finalAcc: { atLeast: 0.85 }, valAcc: { atLeast: 0.8 }, testAcc: { atLeast: 0.8 }, evalAcc: { atLeast: 0.8 }, epochs: { equal: true },
};
