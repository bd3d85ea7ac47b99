// Gradient accumulation: four mini-batches of 8, one update from their averaged gradients, is
// the same step as one batch of 32. Run: npm run build && node examples/gradient-accumulation.mjs
import { pathToFileURL } from 'node:url';
import { SGD, layers, randomNormal, sequential, setSeed } from 'neurite';

function model() {
  setSeed(3);
  const m = sequential({ layers: [layers.dense({ units: 4, inputDim: 3, activation: 'tanh' }), layers.dense({ units: 1 })] });
  m.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.1 }) });
  return m;
}

export async function main({ log = console.log } = {}) {
  const x = randomNormal([64, 3], 0, 1, { seed: 1 });
  const y = randomNormal([64, 1], 0, 1, { seed: 2 });
  const big = model();
  await big.fit(x, y, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 });
  const accumulated = model();
  await accumulated.fit(x, y, { epochs: 2, batchSize: 8, accumulateSteps: 4, shuffle: false, verbose: 0 });
  const a = big.getWeights().flatMap((w) => Array.from(w.dataSync()));
  const b = accumulated.getWeights().flatMap((w) => Array.from(w.dataSync()));
  const maxDiff = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  log(`batch 32 vs 4 × batch 8 accumulated: largest weight difference ${maxDiff.toExponential(2)}`);
  return { maxDiff };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
