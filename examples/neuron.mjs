// The notes' single neuron: weights 0.3, 0.5, 0.6, inputs 0.8, 0.1, 0.3, bias 0.1:
// z = 0.24 + 0.05 + 0.18 + 0.1 = 0.57, y = f(0.57). Run: npm run build && node examples/neuron.mjs
import { pathToFileURL } from 'node:url';
import { layers, tensor } from 'neurite';

export function main({ log = console.log } = {}) {
  const neuron = layers.dense({ units: 1, inputDim: 3, activation: 'sigmoid' });
  neuron.build([null, 3]);
  neuron.kernel.assign([0.3, 0.5, 0.6]);
  neuron.bias.assign([0.1]);
  const x = tensor([[0.8, 0.1, 0.3]]);
  const z = neuron.preActivation(x).item();
  const y = neuron.apply(x).item();
  log(`z = ${z.toFixed(2)}, sigmoid(z) = ${y.toFixed(4)}`);
  return { z, y };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
