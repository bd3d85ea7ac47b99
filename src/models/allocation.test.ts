import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/**
 * Heap growth of the compiled training step (its update inside the program), measured in a
 * Node process of its own (started with --expose-gc, nothing else running), so the test
 * runner's own work cannot blur it.
 */
const index = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const data = fileURLToPath(new URL('../../dist/models/data.js', import.meta.url));

/**
 * The measurement every script ends with, around its `once(i)` (one step on batch i % 10):
 * warm-up steps (1,000 unless told), then `count` windows of 100 steps keeping the smallest
 * growth: garbage made per step shows in every window, a one-off event (V8 compiling an
 * optimized function) in one.
 */
const windows = (warmUp = 1000, count = 10): string => `
for (let i = 0; i < ${warmUp}; i++) once(i);
let grown = Infinity;
for (let w = 0; w < ${count}; w++) {
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100; i++) once(i);
  grown = Math.min(grown, process.memoryUsage().heapUsed - before);
}
console.log(grown);
process.exit(0);
`;

/** Runs a script in a Node process of its own and returns the heap growth it printed. */
function growth(script: string): number {
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return Number(r.stdout.trim().split('\n').pop());
}

/** A script stepping `layers` (source text over L = layers) with `optimizer` on n×width inputs, batches of `batch`, the way fit does. */
const script = (layersSource: string, optimizer: string, loss: string, width: number, classes: number, batch: number, warmUp?: number, count?: number) => `
const nt = await import(${JSON.stringify(index)});
const { gatherRows } = await import(${JSON.stringify(data)});
const L = nt.layers;
nt.setSeed(1);
const m = nt.sequential({ layers: ${layersSource} });
m.compile({ optimizer: ${optimizer}, loss: '${loss}' });
const n = 10 * ${batch};
const x = nt.randomNormal([n, ${width}], 0, 1, { seed: 1 });
const y = ${classes > 1 ? `nt.oneHot(Array.from({ length: n }, (_, i) => i % ${classes}), ${classes})` : 'nt.tensor(Array.from({ length: n }, (_, i) => [i % 2]))'};
const order = Int32Array.from({ length: n }, (_, i) => i);
const step = m.compiledTrainStep([x], [y], ${batch}, false);
if ('why' in step || !step.updates) throw new Error('not compiled with its update: ' + (step.why ?? 'update outside'));
const once = (i) => {
  const s = (i % 10) * ${batch};
  gatherRows(x.values, ${width}, step.xs[0].values, order, s, s + ${batch});
  gatherRows(y.values, ${classes}, step.ys[0].values, order, s, s + ${batch});
  step.run();
};
${windows(warmUp, count)}`;

describe('the compiled training step allocates nothing per step', () => {
  test('heap growth over 100 steps after warm-up stays under 64 KB (an MNIST-sized 784-30-30-10 step, Adam)', () => {
    const grown = growth(script("[L.dense({ units: 30, activation: 'relu', inputShape: [784] }), L.dense({ units: 30, activation: 'relu' }), L.dense({ units: 10, activation: 'softmax' })]", 'new nt.Adam()', 'categoricalCrossentropy', 784, 10, 32));
    // Measured in isolation after 1,000 warm-up steps: a few KB per 100 steps (with 400 warm-up
    // steps, V8 was sometimes still tiering up and a window grew 30-240 KB). What this guards
    // against is far larger: one batch copy per step is 100 × 32·784·4 ≈ 10 MB, one typed-array
    // view per row about 600 KB, one array of step numbers per update ~10 KB.
    expect(grown).toBeLessThan(64 * 1024);
  });

  test('heap growth over 100 steps with dropout, RMSprop with clipNorm, and L2 stays under 64 KB (784-30-30-10)', () => {
    const grown = growth(script("[L.dense({ units: 30, activation: 'relu', inputShape: [784], kernelRegularizer: nt.regularizers.l2({ l2: 1e-4 }) }), L.dropout({ rate: 0.2 }), L.dense({ units: 30, activation: 'relu' }), L.dropout({ rate: 0.2 }), L.dense({ units: 10, activation: 'softmax' })]", 'new nt.RMSprop({ clipNorm: 1 })', 'categoricalCrossentropy', 784, 10, 32));
    // One tensor per op per step would be 100 × ~60 × ~100 bytes ≈ 600 KB.
    expect(grown).toBeLessThan(64 * 1024);
  });

  // Where the backend has a sequencer (WebAssembly, native) the program is one call. On the
  // TypeScript reference backend it is 23 reference kernel calls on four values each, which V8
  // optimizes only after a few thousand steps (it counts work done, and each call does little):
  // until then they run interpreted, and interpreted code boxes every float it computes. After
  // 1,000 steps a window grew 21 KB there; after 5,000, 256 bytes, as on the other backends.
  test("heap growth over 100 steps of the notes' 2-2-1 XOR (a tiny program) stays under 16 KB", () => {
    // On the reference backend the program's 23 tiny kernel calls box floats until V8 optimizes
    // them, which under load (the suite's parallel workers) can take past 5,000 steps (a clean
    // CI run measured 21 KB in every one of 10 windows): 50 windows give it 5,000 steps more. A
    // per-step allocation of the step itself shows in every window however many there are.
    const grown = growth(script("[L.dense({ units: 2, activation: 'sigmoid', inputShape: [2] }), L.dense({ units: 1, activation: 'sigmoid' })]", 'new nt.SGD({ learningRate: 0.1 })', 'binaryCrossentropy', 2, 1, 4, 5000, 50));
    // A closure or array per call of its ~25 would be 100 × 25 × ~50 bytes ≈ 125 KB.
    expect(grown).toBeLessThan(16 * 1024);
  });
});
