import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/**
 * Heap growth of the planned training step, measured in a Node process of its own (started
 * with --expose-gc, nothing else running), so the test runner's own work cannot blur it.
 */
const plan = fileURLToPath(new URL('../../dist/models/plan.js', import.meta.url));
const index = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const losses = fileURLToPath(new URL('../../dist/losses/index.js', import.meta.url));
const context = fileURLToPath(new URL('../../dist/context/context.js', import.meta.url));

/**
 * The measurement both scripts end with, around their `once(i)` (one step on batch i % 10):
 * 1,000 warm-up steps, then ten windows of 100 steps keeping the smallest growth: garbage made
 * per step shows in every window, a one-off event (V8 compiling an optimized function) in one.
 */
const WINDOWS = `
for (let i = 0; i < 1000; i++) once(i);
let grown = Infinity;
for (let w = 0; w < 10; w++) {
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

const SCRIPT = `
const { Adam, layers, oneHot, randomNormal, sequential, setSeed } = await import(${JSON.stringify(index)});
const { planStep } = await import(${JSON.stringify(plan)});
const { getLoss } = await import(${JSON.stringify(losses)});
const { getContext } = await import(${JSON.stringify(context)});
setSeed(1);
const m = sequential({ layers: [layers.dense({ units: 30, activation: 'relu', inputShape: [784] }), layers.dense({ units: 30, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })] });
m.compile({ optimizer: new Adam(), loss: 'categoricalCrossentropy' });
const x = randomNormal([320, 784], 0, 1, { seed: 1 });
const y = oneHot(Array.from({ length: 320 }, (_, i) => i % 10), 10);
const order = Int32Array.from({ length: 320 }, (_, i) => i);
const step = planStep(m.layers, getLoss('categoricalCrossentropy'), m.optimizer, getContext().backend).forBatch(32);
const once = (i) => step.step(x, y, order, (i % 10) * 32, (i % 10) * 32 + 32);
${WINDOWS}`;

describe('the planned training step allocates nothing per step', () => {
  test('heap growth over 100 steps after warm-up stays under 64 KB (an MNIST-sized 784-30-30-10 step)', () => {
    const grown = growth(SCRIPT);
    // Measured in isolation after 1,000 warm-up steps: 1.8 KB per 100 steps (with 400 warm-up
    // steps, V8 was sometimes still tiering up and a window grew 30-240 KB). What this guards against is far larger: one batch copy
    // per step is 100 × 32·784·4 ≈ 10 MB, one typed-array view per row about 600 KB.
    expect(grown).toBeLessThan(64 * 1024);
  });
});

const compiled = fileURLToPath(new URL('../../dist/models/compiled.js', import.meta.url));
const data = fileURLToPath(new URL('../../dist/models/data.js', import.meta.url));

const COMPILED = `
const { RMSprop, layers, oneHot, randomNormal, regularizers, sequential, setSeed } = await import(${JSON.stringify(index)});
const { compileStep } = await import(${JSON.stringify(compiled)});
const { gatherRows } = await import(${JSON.stringify(data)});
const { getContext } = await import(${JSON.stringify(context)});
setSeed(1);
const m = sequential({ layers: [
  layers.dense({ units: 30, activation: 'relu', inputShape: [784], kernelRegularizer: regularizers.l2({ l2: 1e-4 }) }), layers.dropout({ rate: 0.2 }),
  layers.dense({ units: 30, activation: 'relu' }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 10, activation: 'softmax' })] });
m.compile({ optimizer: new RMSprop(), loss: 'categoricalCrossentropy' });
const x = randomNormal([320, 784], 0, 1, { seed: 1 });
const y = oneHot(Array.from({ length: 320 }, (_, i) => i % 10), 10);
const order = Int32Array.from({ length: 320 }, (_, i) => i);
const step = compileStep({ step: (xb, yb) => { const r = m.trainStep(xb[0], yb[0]); return { loss: r.loss, preds: [r.pred], outputLosses: [], grads: r.grads }; }, layers: m.layers, batch: 32, xs: [x], ys: [y], weighted: false, backend: getContext().backend }, m.trainableWeights);
const once = (i) => {
  const s = (i % 10) * 32;
  gatherRows(x.values, 784, step.xs[0].values, order, s, s + 32);
  gatherRows(y.values, 10, step.ys[0].values, order, s, s + 32);
  step.run();
  m.optimizer.applyGradients(step.grads);
};
${WINDOWS}`;

describe('the compiled training step allocates nothing per step', () => {
  test('heap growth over 100 steps with dropout, RMSprop and L2 stays under 64 KB (784-30-30-10)', () => {
    const grown = growth(COMPILED);
    // One tensor per op per step would be 100 × ~60 × ~100 bytes ≈ 600 KB.
    expect(grown).toBeLessThan(64 * 1024);
  });
});
