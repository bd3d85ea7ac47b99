// The notes' PyTorch XOR as a manual loop on neurite's layers: zeroGrad, forward, loss,
// backward, step. Adam, lr 0.01, 1000 epochs. Run: npm run build && node examples/xor-manual-loop.mjs
import { pathToFileURL } from 'node:url';
import { Adam, initializers, layers, losses, sequential, setSeed, tensor } from 'neurite';

export function main({ epochs = 1000, seed = 1, log = console.log } = {}) {
  setSeed(seed);
  // nn.Linear initializes weights and biases uniformly in ±1/√fanIn; fanIn is 2 for both layers.
  const linear = { kernelInitializer: initializers.randomUniformInit({ minval: -Math.SQRT1_2, maxval: Math.SQRT1_2 }), biasInitializer: initializers.randomUniformInit({ minval: -Math.SQRT1_2, maxval: Math.SQRT1_2 }) };
  const model = sequential({
    layers: [
      layers.dense({ units: 2, inputDim: 2, activation: 'sigmoid', ...linear }), // nn.Linear(2, 2), nn.Sigmoid()
      layers.dense({ units: 1, activation: 'sigmoid', ...linear }),              // nn.Linear(2, 1), nn.Sigmoid()
    ],
  });
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const optim = new Adam({ learningRate: 0.01, params: model.trainableWeights });
  const history = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    optim.zeroGrad();
    const preds = model.apply(x);
    const loss = losses.binaryCrossentropy(y, preds); // nn.BCELoss()(preds, y)
    loss.backward();
    optim.step();
    history.push(loss.item());
    if (epoch % 100 === 0) log(`loss: ${loss.item()}`);
  }
  const out = model.predict(x).arraySync();
  log(out);
  return { first: history[0], last: history[history.length - 1], predictions: out };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
