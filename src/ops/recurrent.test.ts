import { describe, expect, test } from 'vitest';
import { add, computeGrads, concat, gradCheck, mul, randomNormal, sigmoid, slice, sum, tanh, tensor, variable, zeros } from '../index.js';
import { lstmCell } from './recurrent.js';

/** The cell composed from ops, as the LSTM layer computes it without the fused kernel. */
function composed(z: ReturnType<typeof tensor>, cPrev: ReturnType<typeof tensor>, units: number): [ReturnType<typeof tensor>, ReturnType<typeof tensor>] {
  const rows = cPrev.shape[0]!;
  const block = (k: number) => slice(z, [0, k * units], [rows, units]);
  const c = add(mul(sigmoid(block(1)), cPrev), mul(sigmoid(block(0)), tanh(block(2))));
  return [mul(sigmoid(block(3)), tanh(c)), c];
}

describe('lstmCell', () => {
  test('z = 0, cPrev = 1: every gate σ(0) = 0.5 and g = tanh(0) = 0, so c = 0.5·1 + 0.5·0 = 0.5 and h = 0.5·tanh(0.5)', () => {
    const [h, c] = lstmCell(zeros([1, 4]), tensor([[1]]));
    expect(c.values[0]).toBe(0.5);
    // tanh(0.5) = 0.46211715726…; h = 0.23105857863, rounded to float32.
    expect(h.values[0]).toBeCloseTo(0.23105857863, 7);
  });

  test('equals the cell composed from slices, sigmoid, tanh, products and a sum (3 rows, 5 units, |z| up to ~9)', () => {
    const z = randomNormal([3, 20], 0, 3, { seed: 5 });
    const cPrev = randomNormal([3, 5], 0, 2, { seed: 6 });
    const [h, c] = lstmCell(z, cPrev);
    const [hw, cw] = composed(z, cPrev, 5);
    for (let k = 0; k < 15; k++) {
      expect(Math.abs(c.values[k]! - cw.values[k]!)).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(cw.values[k]!)));
      expect(Math.abs(h.values[k]! - hw.values[k]!)).toBeLessThanOrEqual(2e-7);
    }
  });

  test('gradients against float64 central differences: through h and c together, h alone, c alone', () => {
    const z = randomNormal([2, 12], 0, 1.5, { seed: 7 });
    const cPrev = randomNormal([2, 3], 0, 1, { seed: 8 });
    expect(gradCheck((a, b) => concat(lstmCell(a, b), 1), [z, cPrev]).passed).toBe(true);
    expect(gradCheck((a, b) => lstmCell(a, b)[0], [z, cPrev]).passed).toBe(true);
    expect(gradCheck((a, b) => lstmCell(a, b)[1], [z, cPrev]).passed).toBe(true);
  });

  test('a recorded backward (createGraph) gives the kernel\'s gradients, and can be differentiated again', () => {
    const z = variable(randomNormal([2, 8], 0, 1, { seed: 9 }));
    const cPrev = variable(randomNormal([2, 2], 0, 1, { seed: 10 }));
    const loss = () => { const [h, c] = lstmCell(z, cPrev); return add(sum(mul(h, tensor([[1, -2], [0.5, 3]]))), sum(c)); };
    const plain = computeGrads(loss());
    const graph = computeGrads(loss(), undefined, { createGraph: true });
    for (const t of [z, cPrev]) {
      const a = plain.get(t)!.values, b = graph.get(t)!.values;
      for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k]!, 6);
    }
    const gz = graph.get(z)!;
    expect(gz.requiresGrad).toBe(true);
    expect(computeGrads(sum(mul(gz, gz))).get(z)!.shape).toEqual([2, 8]);
  });

  test('refuses z that is not [batch, 4·units], naming both shapes', () => {
    expect(() => lstmCell(zeros([2, 7]), zeros([2, 2]))).toThrow('lstmCell: z must be [batch, 4·units] and cPrev [batch, units], got z [2,7] and cPrev [2,2]');
  });
});
