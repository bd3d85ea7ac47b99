/**
 * The mnist-cnn example as a smoke test, in a file of its own: on the reference backend (CI's
 * second pass) its products run at under 1 GFLOPS and it takes about a minute, so it runs beside
 * the other suites rather than after the other examples.
 */
import { describe, expect, test } from 'vitest';

const quiet = { log: () => undefined };

describe('examples', () => {
  // Small enough for the reference backend's CI pass (its products run at under 1 GFLOPS).
  test('mnist-cnn: the tfjs-examples convnet trains on the compiled step (3 epochs on 128 images: the loss falls)', async () => {
    const { main } = await import('../examples/mnist-cnn.mjs');
    const r = await main({ ...quiet, epochs: 3, trainLimit: 150, testLimit: 100 });
    expect(r.path).toBe('compiled');
    expect(r.losses![2]).toBeLessThan(r.losses![0]!);
  }, 300_000);
});
