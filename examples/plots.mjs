// The pictures from the notes: an XOR decision boundary, a circles boundary, and the network
// diagram of the 784-30-30-10 MNIST network. Writes SVG files into a directory (default docs/).
// Run: npm run build && node examples/plots.mjs [dir]
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Adam, datasets, layers, plotDecisionBoundary, plotNetwork, sequential, setSeed } from 'neurite';

export async function main({ dir = 'docs', log = console.log } = {}) {
  const written = [];
  for (const [name, data] of [['xor', datasets.xor({ n: 200, noise: 0.15, seed: 1 })], ['circles', datasets.circles({ n: 300, noise: 0.08, seed: 1 })]]) {
    setSeed(1);
    const model = sequential({ layers: [layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(data.x, data.y.reshape([-1, 1]), { epochs: 100, batchSize: 32, verbose: 0 });
    const file = join(dir, `decision-boundary-${name}.svg`);
    await plotDecisionBoundary(model, data.x, data.y, file, { title: `${name}: 2-8-1 tanh, accuracy ${h.history.accuracy.at(-1).toFixed(2)}` });
    written.push(file);
  }
  setSeed(1);
  const mnist = sequential({ layers: [layers.dense({ units: 30, activation: 'relu', inputShape: [784] }), layers.dense({ units: 30, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })] });
  const file = join(dir, 'network-784-30-30-10.svg');
  await plotNetwork(mnist, file);
  written.push(file);
  log(`wrote ${written.join(', ')}`);
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main({ dir: process.argv[2] ?? 'docs' });
