/**
 * The sentiment-lstm example as a smoke test: small enough for the reference backend's CI pass.
 * The generated reviews are learnable (a review's sentiment words lean 3:1 its way), so the held
 * out accuracy must rise well above chance (0.65 on 200 reviews: over four standard deviations
 * of a coin's 0.5), not only the loss fall.
 */
import { describe, expect, test } from 'vitest';

describe('examples', () => {
  test('sentiment-lstm: embedding (padding masked) → LSTM → sigmoid learns the generated reviews on the compiled step', async () => {
    const { main, reviews } = await import('../examples/sentiment-lstm.mjs');
    // Reviews are padded at the front; a review of 20 words in 30 ids has 10 zeros first.
    const { x, y } = reviews(4, { length: 30, seed: 3 });
    expect(x.shape).toEqual([4, 30]);
    expect(Array.from(y.values).every((v: number) => v === 0 || v === 1)).toBe(true);
    const r = await main({ log: () => undefined, epochs: 8, train: 1200, test: 200, length: 30 });
    expect(r.path).toBe('compiled');
    expect(r.losses[7]).toBeLessThan(r.losses[0]!);
    expect(r.accuracy).toBeGreaterThan(0.65);
  }, 300_000);
});
