// The notes' XOR with a hidden layer: 2-2-1, sigmoid, SGD (lr 0.01) on binary cross-entropy,
// 50,000 epochs at batch 4. Run: npm run build && node examples/xor.mjs
import { pathToFileURL } from 'node:url';
import { layers, sequential, setSeed, tensor } from 'neurite';

export async function main({ epochs = 50000, log = console.log } = {}) {
  const trainX = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const trainY = tensor([[0], [1], [1], [0]]);
  setSeed(6); // the notes use tf.random.set_seed(678); XOR 2-2-1 stalls in a local minimum for some seeds
  const model = sequential();
  model.add(layers.dense({ units: 2, inputDim: 2, activation: 'sigmoid' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
  model.summary(log);
  const started = performance.now();
  await model.fit(trainX, trainY, { epochs, batchSize: 4, verbose: 0 });
  const [loss, accuracy] = model.evaluate(trainX, trainY).map((t) => t.item());
  const predictions = model.predict(trainX, { batchSize: 4 }).arraySync();
  log(`trained ${epochs} epochs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  log(`loss ${loss.toFixed(4)} - accuracy ${accuracy.toFixed(4)}`);
  log(predictions);
  return { loss, accuracy, predictions };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
