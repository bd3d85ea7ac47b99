// The notes' XOR without a hidden layer: one sigmoid unit is a linear classifier, so it cannot
// separate XOR; its outputs stay near 0.5. Run: npm run build && node examples/xor-no-hidden.mjs
import { pathToFileURL } from 'node:url';
import { layers, sequential, setSeed, tensor } from 'neurite';

export async function main({ epochs = 50000, log = console.log } = {}) {
  const trainX = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const trainY = tensor([[0], [1], [1], [0]]);
  setSeed(678);
  const model = sequential();
  model.add(layers.dense({ units: 1, inputDim: 2, activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
  await model.fit(trainX, trainY, { epochs, batchSize: 4, verbose: 0 });
  const [loss, accuracy] = model.evaluate(trainX, trainY).map((t) => t.item());
  const predictions = model.predict(trainX, { batchSize: 4 }).arraySync();
  log(`loss ${loss.toFixed(4)} - accuracy ${accuracy.toFixed(4)}`);
  log(predictions);
  return { loss, accuracy, predictions };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
