// The notes' toy network: 3 inputs, 3 sigmoid hidden units, 1 sigmoid output, true Y = [0, 1, 1, 0],
// trained on the sum of squared errors (SSE) as the notes do by hand.
// Run: npm run build && node examples/toy-3-3-1.mjs
import { pathToFileURL } from 'node:url';
import { SGD, layers, sequential, setSeed, tensor } from 'neurite';

export async function main({ epochs = 2000, log = console.log } = {}) {
  const x = tensor([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  setSeed(1);
  const toyes = sequential();
  toyes.add(layers.dense({ units: 3, activation: 'sigmoid', inputDim: 3 }));
  toyes.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  toyes.compile({ loss: 'sse', optimizer: new SGD({ learningRate: 0.5 }) });
  const history = await toyes.fit(x, y, { epochs, batchSize: 4, verbose: 0 });
  const sse = history.history.loss;
  const predictions = toyes.predict(x).arraySync();
  log(`SSE: ${sse[0].toFixed(4)} → ${sse[sse.length - 1].toFixed(4)}`);
  log(predictions);
  return { first: sse[0], last: sse[sse.length - 1], predictions };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
