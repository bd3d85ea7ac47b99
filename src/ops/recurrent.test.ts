import { describe, expect, test } from 'vitest';
import { add, computeGrads, concat, gradCheck, mul, randomNormal, sigmoid, slice, sum, tanh, tensor, variable, zeros } from '../index.js';
import { gruCell, lstmCell } from './recurrent.js';

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

describe('gruCell', () => {
  test('x = inner = 0, h = 1: z = r = σ(0) = 0.5 and ĥ = tanh(0) = 0, so the output is 0.5·1 + 0.5·0 = 0.5; inner_h = 2 gives ĥ = tanh(0.5·2)', () => {
    expect(gruCell(zeros([1, 3]), zeros([1, 3]), tensor([[1]])).values[0]).toBe(0.5);
    // ĥ = tanh(1) = 0.76159415595…; out = 0.5 + 0.5·0.76159415595 = 0.88079707798.
    expect(gruCell(zeros([1, 3]), tensor([[0, 0, 2]]), tensor([[1]])).values[0]).toBeCloseTo(0.88079707798, 6);
  });

  test('equals the cell composed from slices, sigmoid, tanh, products and sums (3 rows, 5 units)', () => {
    const x = randomNormal([3, 15], 0, 3, { seed: 11 });
    const inner = randomNormal([3, 15], 0, 3, { seed: 12 });
    const h = randomNormal([3, 5], 0, 1, { seed: 13 });
    const b = (t: ReturnType<typeof tensor>, k: number) => slice(t, [0, 5 * k], [3, 5]);
    const z = sigmoid(add(b(x, 0), b(inner, 0)));
    const r = sigmoid(add(b(x, 1), b(inner, 1)));
    const hc = tanh(add(b(x, 2), mul(r, b(inner, 2))));
    const want = add(mul(z, h), mul(z.mul(-1).add(1), hc));
    const got = gruCell(x, inner, h);
    for (let k = 0; k < 15; k++) expect(Math.abs(got.values[k]! - want.values[k]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want.values[k]!)));
  });

  test('gradients against float64 central differences, for x, inner and h', () => {
    const args = [randomNormal([2, 9], 0, 1.5, { seed: 14 }), randomNormal([2, 9], 0, 1.5, { seed: 15 }), randomNormal([2, 3], 0, 1, { seed: 16 })];
    expect(gradCheck((x, inner, h) => gruCell(x, inner, h), args).passed).toBe(true);
  });

  test('a recorded backward (createGraph) gives the kernel\'s gradients, and can be differentiated again', () => {
    const [x, inner, h] = [variable(randomNormal([2, 6], 0, 1, { seed: 17 })), variable(randomNormal([2, 6], 0, 1, { seed: 18 })), variable(randomNormal([2, 2], 0, 1, { seed: 19 }))];
    const loss = () => sum(mul(gruCell(x, inner, h), tensor([[1, -2], [0.5, 3]])));
    const plain = computeGrads(loss());
    const graph = computeGrads(loss(), undefined, { createGraph: true });
    for (const t of [x, inner, h]) {
      const a = plain.get(t)!.values, b = graph.get(t)!.values;
      for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k]!, 6);
    }
    const gx = graph.get(x)!;
    expect(gx.requiresGrad).toBe(true);
    expect(computeGrads(sum(mul(gx, gx))).get(inner)!.shape).toEqual([2, 6]);
  });

  test('refuses parts that are not [batch, 3·units], naming the shapes', () => {
    expect(() => gruCell(zeros([2, 6]), zeros([2, 5]), zeros([2, 2]))).toThrow('gruCell: x and inner must be [batch, 3·units] and h [batch, units], got x [2,6], inner [2,5] and h [2,2]');
  });
});
