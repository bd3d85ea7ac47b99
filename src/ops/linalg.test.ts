// tf.linalg's QR and Gram–Schmidt: hand-derived factors, the defining properties (Q·R = x,
// QᵀQ = I, R upper triangular) on odd shapes, gradients against float64 central differences,
// and errors that name what was expected.
import { describe, expect, test } from 'vitest';
import { gradCheck, linalg, matmul, mul, randomUniform, sum, tensor, transpose } from '../index.js';
import type { Tensor } from '../tensor/tensor.js';

const close = (t: Tensor, want: number[], digits = 5): void => {
  expect(t.values.length).toBe(want.length);
  Array.from(t.values).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, digits));
};

describe('linalg.qr', () => {
  test('by hand: [[3, 1], [4, 2]]', () => {
    // Column 1 is [3, 4], of length 5; its pivot 3 is positive, so the reflection sends it to
    // −5·e₁: Q's first column −[3, 4]/5, R[0] = [−5, q₁·[1, 2]] = [−5, −11/5]. What is left of
    // column 2, [1, 2] − (−2.2)·q₁ = [−0.32, 0.24], has length 0.4 (|det| / 5 = 2 / 5); the last
    // one-row reflection flips its sign, as TensorFlow's does: R[1][1] = −(q₂·[1, 2]).
    const [q, r] = linalg.qr(tensor([[3, 1], [4, 2]]));
    expect(q.shape).toEqual([2, 2]);
    close(q, [-0.6, 0.8, -0.8, -0.6]);
    close(r, [-5, -2.2, 0, -0.4]);
  });

  test('Q·R = x, QᵀQ = I and R upper triangular, tall, wide, full and batched', () => {
    for (const [shape, full] of [[[5, 3], false], [[5, 3], true], [[3, 5], false], [[2, 4, 3], false], [[1, 1], false]] as const) {
      const x = randomUniform([...shape], -1, 1, { seed: 7 });
      const [q, r] = linalg.qr(x, full);
      const [m, n] = shape.slice(-2) as [number, number];
      const k = full ? m : Math.min(m, n);
      expect(q.shape).toEqual([...shape.slice(0, -2), m, k]);
      expect(r.shape).toEqual([...shape.slice(0, -2), k, n]);
      close(matmul(q, r), Array.from(x.values));
      const qtq = matmul(q, q, { transposeA: true });
      close(qtq, Array.from(qtq.values, (_, f) => (Math.floor(f / k) % k === f % k ? 1 : 0)));
      Array.from(r.values).forEach((v, f) => {
        if (Math.floor(f / n) % k > f % n) expect(Math.abs(v)).toBe(0);
      });
    }
  });

  test('a column already zero below its pivot is left as it is (no division by zero)', () => {
    const [q, r] = linalg.qr(tensor([[2, 1], [0, 3]]));
    // Column 1 is 2·e₁ (α = −2, the reflection I − 2e₁e₁ᵀ); column 2's remainder is one row.
    close(q, [-1, 0, 0, -1]);
    close(r, [-2, -1, 0, -3]);
    const [q0, r0] = linalg.qr(tensor([[0, 0], [0, 0]]));
    expect(Array.from(q0.values).every(Number.isFinite) && Array.from(r0.values).every((v) => v === 0)).toBe(true);
  });

  test('gradients through Q and R (float64 central differences)', () => {
    const wq = randomUniform([4, 3], -1, 1, { seed: 2 });
    const wr = randomUniform([3, 3], -1, 1, { seed: 3 });
    const x = randomUniform([4, 3], -1, 1, { seed: 4 });
    const f = (t: Tensor): Tensor => {
      const [q, r] = linalg.qr(t);
      return sum(mul(q, wq)).add(sum(mul(r, wr)));
    };
    expect(gradCheck(f, [x]).passed).toBe(true);
    const wide = randomUniform([2, 4], -1, 1, { seed: 5 });
    expect(gradCheck((t) => sum(mul(linalg.qr(t, true)[1], randomUniform([2, 4], -1, 1, { seed: 6 }))), [wide]).passed).toBe(true);
  });

  test('errors', () => {
    expect(() => linalg.qr(tensor([1, 2]))).toThrow('linalg.qr: expected a tensor of rank ≥ 2 (matrices in its last two axes), got shape [2]');
  });
});

describe('linalg.gramSchmidt', () => {
  test('by hand: [3, 4] then [1, 0]', () => {
    // [3, 4]/5 = [0.6, 0.8]; [1, 0] − 0.6·[0.6, 0.8] = [0.64, −0.48], of length 0.8 → [0.8, −0.6].
    const [a, b] = linalg.gramSchmidt([tensor([3, 4]), tensor([1, 0])]) as Tensor[];
    close(a!, [0.6, 0.8], 6);
    close(b!, [0.8, -0.6], 6);
    const rows = linalg.gramSchmidt(tensor([[3, 4], [1, 0]])) as Tensor;
    expect(rows.shape).toEqual([2, 2]);
    close(rows, [0.6, 0.8, 0.8, -0.6], 6);
  });

  test('orthonormal rows spanning the same subspaces, and its gradient', () => {
    const x = randomUniform([3, 5], -1, 1, { seed: 9 });
    const y = linalg.gramSchmidt(x) as Tensor;
    const yyt = matmul(y, transpose(y));
    close(yyt, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // x's row i lies in the span of y's rows 0..i: x = L·y with L = x·yᵀ lower triangular.
    const l = matmul(x, transpose(y));
    [1, 2, 5].forEach((f) => expect(Math.abs(l.values[f]!)).toBeLessThan(1e-5));
    const w = randomUniform([3, 5], -1, 1, { seed: 10 });
    expect(gradCheck((t) => sum(mul(linalg.gramSchmidt(t) as Tensor, w)), [x]).passed).toBe(true);
  });

  test('errors', () => {
    expect(() => linalg.gramSchmidt([tensor([1, 2]), tensor([1, 2, 3])])).toThrow('linalg.gramSchmidt: the vectors must be 1-D and of one length (2); xs[1] has shape [3]');
    expect(() => linalg.gramSchmidt(tensor([[1, 0], [0, 1], [1, 1]]))).toThrow('linalg.gramSchmidt: 3 vectors of length 2 cannot be orthogonal (at most 2)');
    expect(() => linalg.gramSchmidt(tensor([1, 2]))).toThrow('linalg.gramSchmidt: expected a 2-D tensor (its rows the vectors) or a list of 1-D tensors, got shape [2]');
  });
});
