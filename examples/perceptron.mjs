// Rosenblatt's perceptron rule on AND, OR and XOR: the first two are linearly separable and
// converge; XOR is not, and the perceptron says so. Run: npm run build && node examples/perceptron.mjs
import { pathToFileURL } from 'node:url';
import { perceptron, tensor } from 'neurite';

export function main({ log = console.log } = {}) {
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  /** @type {Record<string, import('neurite').PerceptronResult>} */
  const results = {};
  for (const [name, y] of [['AND', [0, 0, 0, 1]], ['OR', [0, 1, 1, 1]], ['XOR', [0, 1, 1, 0]]]) {
    const p = perceptron({ inputDim: 2 });
    const r = p.fit(x, tensor(y), { epochs: 50 });
    results[name] = r;
    log(`${name}: ${r.converged ? `converged in ${r.epochs} epochs` : `did not converge in ${r.epochs} epochs`}; w = [${Array.from(p.weights)}], threshold = ${p.threshold}`);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
