import { describe, expect, test } from 'vitest';
import { Tensor, gradCheck, mul, numericalGradient, randomNormal, sum, tensor } from '../index.js';
import { record } from './engine.js';
import { emptyTensor } from '../context/context.js';

/** y = x³ with a deliberately wrong backward rule (2x instead of 3x²). */
function brokenCube(x: Tensor): Tensor {
  const y = emptyTensor(x.shape);
  for (let i = 0; i < x.size; i++) y.values[i] = x.values[i]! ** 3;
  return record(y, 'brokenCube', [x], (g) => [mul(g, mul(x, 2))]);
}

describe('gradient checking', () => {
  test('numericalGradient of a² is 2a, in float64', () => {
    // d/da a² = 2a: at a = (1, −3): (2, −6). Central differences are exact for quadratics
    // up to rounding, so the error is ~1e-10.
    const g = numericalGradient((a) => sum(mul(a, a)), tensor([1, -3]));
    expect(g.dtype).toBe('float64');
    expect(Math.abs(g.values[0]! - 2)).toBeLessThan(1e-8);
    expect(Math.abs(g.values[1]! + 6)).toBeLessThan(1e-8);
  });

  test('a correct rule passes with tight tolerances', () => {
    const res = gradCheck((a, b) => sum(mul(a, b)), [randomNormal([4], 0, 1, { seed: 1 }), randomNormal([4], 0, 1, { seed: 2 })]);
    expect(res.passed).toBe(true);
    expect(res.inputs).toHaveLength(2);
    expect(res.inputs[0]!.maxAbsError).toBeLessThan(1e-8);
  });

  test('a wrong rule fails and reports its error', () => {
    // At x = 2: analytic (wrong) 2x = 4, numeric 3x² = 12 → abs error 8, rel 8/12.
    const res = gradCheck((x) => brokenCube(x), [tensor([2])]);
    expect(res.passed).toBe(false);
    expect(res.inputs[0]!.maxAbsError).toBeCloseTo(8, 5);
    expect(res.inputs[0]!.maxRelError).toBeCloseTo(2 / 3, 5);
  });

  test('non-scalar outputs are checked through a weighted sum (a transposed rule is caught)', () => {
    const res = gradCheck((x) => brokenCube(x), [tensor([[1, 2], [3, 4]])]);
    expect(res.passed).toBe(false);
  });
});
