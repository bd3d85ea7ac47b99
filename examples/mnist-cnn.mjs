// The convnet every TensorFlow.js user meets first (tfjs-examples mnist-node), written as its
// README writes it: conv 32 → conv 32 → max pool → conv 64 → conv 64 → max pool → flatten →
// dropout → dense 512 → dropout → dense 10, RMSprop, batch 64, on the real MNIST IDX files.
// Run: npm run build && node examples/mnist-cnn.mjs [epochs]   (about 2.5 min per epoch here)
import { pathToFileURL } from 'node:url';
import { datasets, layers, oneHot, sequential, setSeed } from 'neurite';

/** The network's layers, from a `layers` namespace (neurite's, or tfjs's for the benchmark's peer). */
export function convnetLayers(L = layers) {
  return [
    L.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
    L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
    L.maxPooling2d({ poolSize: [2, 2] }),
    L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    L.maxPooling2d({ poolSize: [2, 2] }),
    L.flatten(),
    L.dropout({ rate: 0.25 }),
    L.dense({ units: 512, activation: 'relu' }),
    L.dropout({ rate: 0.5 }),
    L.dense({ units: 10, activation: 'softmax' }),
  ];
}

export function convnet() {
  return sequential({ layers: convnetLayers() });
}

/** @param {{ epochs?: number, trainLimit?: number, testLimit?: number, log?: (...values: unknown[]) => void }} [options] */
export async function main({ epochs = 1, trainLimit = undefined, testLimit = undefined, log = console.log } = {}) {
  setSeed(1);
  const { train, test } = await datasets.mnist({ flatten: false, trainLimit, testLimit });
  const x = train.images.reshape([-1, 28, 28, 1]);
  const xt = test.images.reshape([-1, 28, 28, 1]);
  const model = convnet();
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.summary(log);
  const started = performance.now();
  const history = await model.fit(x, oneHot(train.labels, 10), {
    epochs, batchSize: 64, validationSplit: 0.15, verbose: 0,
    callbacks: { onEpochEnd: (epoch, logs) => log(`epoch ${epoch + 1}/${epochs}: loss ${logs.loss.toFixed(4)}, val accuracy ${logs.val_accuracy.toFixed(4)}`) },
  });
  const [loss, accuracy] = model.evaluate(xt, oneHot(test.labels, 10), { batchSize: 100 }).map((t) => t.item());
  log(`${epochs} epoch(s) in ${((performance.now() - started) / 1000).toFixed(0)} s on the ${history.params.path} step; test loss ${loss.toFixed(4)}, accuracy ${accuracy.toFixed(4)}`);
  return { loss, accuracy, path: history.params.path, losses: history.history.loss };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main({ epochs: Number(process.argv[2] ?? 1) });
