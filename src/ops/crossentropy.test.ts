import { describe, expect, test } from 'vitest';
import { gradCheck, randomNormal, randomUniform, softmax, sum, tensor, variable } from '../index.js';
import { softmaxCrossEntropy } from './crossentropy.js';

describe('softmaxCrossEntropy', () => {
  test('equals −Σ y·log softmax(z) computed in float64 (one-hot and soft targets, rank 3)', () => {
    const z = randomNormal([2, 3, 5], 0, 3, { seed: 1 });
    const raw = randomUniform([2, 3, 5], 0, 1, { seed: 2 });
    const y = raw.div(sum(raw, -1, true));
    const got = softmaxCrossEntropy(y, z);
    expect(got.shape).toEqual([2, 3]);
    for (let r = 0; r < 6; r++) {
      const row = Array.from(z.values.subarray(r * 5, r * 5 + 5));
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      const want = -row.reduce((s, v, j) => s + y.values[r * 5 + j]! * (v - lse), 0);
      expect(got.values[r]).toBeCloseTo(want, 5);
    }
  });

  test('gradients against float64 central differences, for the logits and the targets', () => {
    const y = randomUniform([4, 3], 0, 1, { seed: 4 });
    const r = gradCheck((t, z) => sum(softmaxCrossEntropy(t, z).mul(tensor([1, -2, 3, 0.5]))), [y, randomNormal([4, 3], 0, 2, { seed: 3 })]);
    expect(r.passed).toBe(true);
  });

  test('stable at ±1000: z = [1000, 0, −1000] with target class 1 gives exactly 1000, gradient p − y', () => {
    const z = variable(tensor([[1000, 0, -1000]]));
    const loss = softmaxCrossEntropy(tensor([[0, 1, 0]]), z);
    // lse = 1000 + log(1 + e⁻¹⁰⁰⁰ + e⁻²⁰⁰⁰) = 1000 in float64; loss = lse − z₁ = 1000.
    expect(loss.item()).toBe(1000);
    sum(loss).backward();
    // softmax ≈ [1, 0, 0], so dz = [1, −1, 0].
    expect(Array.from(z.grad!.values)).toEqual([1, -1, 0]);
    expect(Array.from(softmax(z).values)).toEqual([1, 0, 0]);
  });

  test('refuses targets of another shape, naming both', () => {
    expect(() => softmaxCrossEntropy(tensor([[1, 0]]), tensor([[0, 1, 2]]))).toThrow('softmaxCrossEntropy: labels of shape [1,2] must match logits of shape [1,3] (rank ≥ 1)');
  });
});
