import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { Adam, layers, oneHot, randomNormal, sequential, setSeed } from '../index.js';
import { getLoss } from '../losses/index.js';
import { getContext } from '../context/context.js';
import { planStep } from './plan.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

describe('the planned training step allocates nothing per step', () => {
  test('heap growth over 100 steps after warm-up stays under 16 KB (an MNIST-sized 784-30-30-10 step)', () => {
    setSeed(1);
    const m = sequential({ layers: [layers.dense({ units: 30, activation: 'relu', inputShape: [784] }), layers.dense({ units: 30, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })] });
    m.compile({ optimizer: new Adam(), loss: 'categoricalCrossentropy' });
    const x = randomNormal([320, 784], 0, 1, { seed: 1 });
    const y = oneHot(Array.from({ length: 320 }, (_, i) => i % 10), 10);
    const order = Int32Array.from({ length: 320 }, (_, i) => i);
    const plan = planStep(m.layers, getLoss('categoricalCrossentropy'), m.optimizer, getContext().backend)!;
    const step = plan.forBatch(32);
    for (let i = 0; i < 400; i++) step.step(x, y, order, (i % 10) * 32, (i % 10) * 32 + 32);
    // Five windows of 100 steps, keeping the smallest growth: garbage made per step shows in
    // every window, while a one-off event (V8 compiling an optimized function, whose code also
    // lands in the heap) shows in one.
    let grown = Infinity;
    for (let w = 0; w < 5; w++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 100; i++) step.step(x, y, order, (i % 10) * 32, (i % 10) * 32 + 32);
      grown = Math.min(grown, process.memoryUsage().heapUsed - before);
    }
    // Measured: 3.3 KB in all (noise). One batch copy per step would be 100 × 32·784·4 ≈ 10 MB,
    // one typed-array view per row about 6 KB per step.
    expect(grown).toBeLessThan(16 * 1024);
  });
});
