/**
 * The noise layers in training mode, against their definitions: the statistics of what they
 * draw (over many samples), their gradients (by hand: each is linear in x given its draw), and
 * seeded reproducibility. The layer harness (layers.test.ts) covers shapes, configs and saving.
 */
import { describe, expect, test } from 'vitest';
import { Tensor, computeGrads, fill, layers, sum } from '../index.js';

const stats = (v: ArrayLike<number>): { mean: number; std: number } => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i]!;
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return { mean: m, std: Math.sqrt(s / v.length) };
};
/** x → layer(x) in training, with d Σy / dx. */
function run(layer: { apply(x: Tensor, o: { training: boolean }): Tensor }, x: Tensor): { y: Float32Array | Float64Array; dx: ArrayLike<number> } {
  const xg = new Tensor(x.values.slice(), x.shape, { requiresGrad: true });
  const y = layer.apply(xg, { training: true });
  const g = computeGrads(sum(y)).get(xg)!;
  return { y: y.values as Float32Array, dx: g.values };
}
const N = 40_000;

describe('noise layers in training', () => {
  test('gaussianNoise adds N(0, σ²): y − x has mean 0 and deviation σ; dy/dx = 1', () => {
    const { y, dx } = run(layers.gaussianNoise({ stddev: 0.3, seed: 1 }), fill([N], 2));
    const s = stats(Array.from(y, (v) => v - 2));
    // 4 standard errors: σ/√N = 0.0015
    expect(Math.abs(s.mean)).toBeLessThan(0.006);
    expect(s.std).toBeCloseTo(0.3, 2);
    expect(Array.from(new Set(Array.from(dx)))).toEqual([1]);
  });

  test('gaussianDropout multiplies by N(1, rate/(1 − rate)); dy/dx is the draw', () => {
    // rate 0.2: deviation √(0.2/0.8) = 0.5
    const { y, dx } = run(layers.gaussianDropout({ rate: 0.2, seed: 2 }), fill([N], 3));
    const s = stats(Array.from(y, (v) => v / 3));
    expect(Math.abs(s.mean - 1)).toBeLessThan(0.01);
    expect(s.std).toBeCloseTo(0.5, 2);
    for (let i = 0; i < 100; i++) expect(dx[i]).toBeCloseTo(y[i]! / 3, 5);
  });

  test('alphaDropout keeps a standard normal input standard; dropped inputs become a·α′ + b', () => {
    const rate = 0.25;
    const alphaP = -1.6732632423543772 * 1.0507009873554805;
    const a = ((1 - rate) * (1 + rate * alphaP * alphaP)) ** -0.5;
    const b = -a * alphaP * rate;
    // x: a fixed standard normal sample (Box–Muller on a lattice)
    const xs = Float32Array.from({ length: N }, (_, i) => Math.sqrt(-2 * Math.log((i + 0.5) / N)) * Math.cos(2 * Math.PI * ((i * 0.618034) % 1)));
    const { y, dx } = run(layers.alphaDropout({ rate, seed: 3 }), new Tensor(xs, [N]));
    const s = stats(y);
    expect(Math.abs(s.mean)).toBeLessThan(0.03);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.03);
    let dropped = 0;
    for (let i = 0; i < N; i++) {
      if (dx[i] === 0) {
        dropped++;
        expect(y[i]).toBeCloseTo(a * alphaP + b, 5);
      } else {
        expect(dx[i]).toBeCloseTo(a, 6);
        expect(y[i]).toBeCloseTo(a * xs[i]! + b, 5);
      }
    }
    expect(Math.abs(dropped / N - rate)).toBeLessThan(0.01);
  });

  test('spatialDropout1d drops whole channels: each (sample, channel) is all 0 or all x/(1 − rate)', () => {
    const [batch, steps, channels] = [50, 6, 40];
    const { y, dx } = run(layers.spatialDropout1d({ rate: 0.5, seed: 4 }), fill([batch, steps, channels], 1));
    let dropped = 0;
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < channels; c++) {
        const col = Array.from({ length: steps }, (_, t) => y[(n * steps + t) * channels + c]!);
        expect(new Set(col).size).toBe(1);
        expect([0, 2]).toContain(col[0]);
        if (col[0] === 0) dropped++;
        expect(dx[n * steps * channels + c]).toBe(col[0]);
      }
    }
    expect(Math.abs(dropped / (batch * channels) - 0.5)).toBeLessThan(0.05);
  });

  test('the same seed gives the same noise; inference is the identity', () => {
    const x = fill([5, 4], 1.5);
    for (const make of [() => layers.gaussianNoise({ stddev: 1, seed: 9 }), () => layers.gaussianDropout({ rate: 0.4, seed: 9 }), () => layers.alphaDropout({ rate: 0.4, seed: 9 }), () => layers.spatialDropout1d({ rate: 0.4, seed: 9 })]) {
      const input = make().className === 'SpatialDropout1D' ? x.reshape([5, 2, 2]) : x;
      expect(Array.from(make().apply(input, { training: true }).values)).toEqual(Array.from(make().apply(input, { training: true }).values));
      expect(Array.from(make().apply(input).values)).toEqual(Array.from(input.values));
    }
  });

  test('bad configs are refused with what was expected', () => {
    expect(() => layers.gaussianNoise({ stddev: -1 })).toThrow('gaussianNoise: stddev must be a number >= 0, got -1');
    expect(() => layers.gaussianDropout({ rate: 1 })).toThrow('gaussianDropout: rate must be a number in [0, 1), got 1');
    expect(() => layers.alphaDropout({ rate: -0.1 })).toThrow('alphaDropout: rate must be a number in [0, 1), got -0.1');
    expect(() => layers.spatialDropout1d({ rate: NaN })).toThrow('spatialDropout1d: rate must be a number in [0, 1), got NaN');
    expect(() => layers.gaussianNoise({ stddev: 1, seed: 0.5 })).toThrow('GaussianNoise: seed must be an integer, got 0.5');
    expect(() => layers.spatialDropout1d({ rate: 0.5 }).apply(fill([2, 3], 1), { training: true })).toThrow('spatialDropout1d: expected input [batch, steps, channels], got [2, 3]');
  });
});
