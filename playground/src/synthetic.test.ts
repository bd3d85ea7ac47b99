import { describe, expect, test } from 'vitest';
import { SURFACES, blobCenters } from './synthetic.js';

describe('playground synthetic data', () => {
  test("each surface's snippet expression computes its function", () => {
    for (const s of Object.values(SURFACES)) {
      const fromCode = new Function('a', 'b', `return ${s.expr};`) as (a: number, b: number) => number;
      for (const [a, b] of [[0.3, -0.7], [1, 1], [-0.4, -0.4]] as const) expect(fromCode(a, b)).toBe(s.f(a, b));
    }
  });

  test('surfaces by hand', () => {
    // plane: 0.5 (a + b) = 0.5 (0.2 + 0.4) = 0.3
    expect(SURFACES.plane.f(0.2, 0.4)).toBeCloseTo(0.3, 12);
    // peaks at (0.4, 0.4): e⁰ − e^(−4 (0.8² + 0.8²)) = 1 − e^(−5.12)
    expect(SURFACES.peaks.f(0.4, 0.4)).toBeCloseTo(1 - Math.exp(-5.12), 12);
  });

  test('blob centres sit evenly on a circle of radius 2', () => {
    // k = 4: (2, 0), (0, 2), (−2, 0), (0, −2)
    const c = blobCenters(4);
    const want = [[2, 0], [0, 2], [-2, 0], [0, -2]];
    c.forEach(([x, y], i) => { expect(x).toBeCloseTo(want[i]![0]!, 12); expect(y).toBeCloseTo(want[i]![1]!, 12); });
  });
});
