import { describe, expect, test } from 'vitest';
import { perceptron, tensor } from '../index.js';

const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);

describe("Rosenblatt's perceptron", () => {
  test('learns AND and OR in a few epochs', () => {
    for (const [name, y] of [['AND', [0, 0, 0, 1]], ['OR', [0, 1, 1, 1]]] as const) {
      const p = perceptron({ inputDim: 2 });
      const r = p.fit(X, tensor([...y]), { epochs: 20 });
      expect(r.converged, name).toBe(true);
      expect(r.epochs).toBeLessThanOrEqual(10);
      expect(Array.from(p.predict(X).values), name).toEqual([...y]);
    }
  });

  test('the rule by hand on AND: first epoch', () => {
    // w = (0, 0), b = 0, η = 1. (0,0)→0 ✓; (0,1)→0 ✓; (1,0)→0 ✓; (1,1): z = 0 → 0, want 1:
    // w = (1, 1), b = 1. One mistake in epoch 1.
    const p = perceptron({ inputDim: 2 });
    const r = p.fit(X, tensor([0, 0, 0, 1]), { epochs: 1 });
    expect(r.errors).toEqual([1]);
    expect(Array.from(p.weights)).toEqual([1, 1]);
    expect(p.bias).toBe(1);
  });

  test('reports non-convergence on XOR after its epoch budget', () => {
    const r = perceptron({ inputDim: 2 }).fit(X, tensor([0, 1, 1, 0]), { epochs: 50 });
    expect(r.converged).toBe(false);
    expect(r.epochs).toBe(50);
    expect(r.errors.every((e) => e > 0)).toBe(true);
  });

  test('threshold and errors', () => {
    expect(perceptron({ inputDim: 1, threshold: 0.5 }).threshold).toBe(0.5);
    expect(() => perceptron({ inputDim: 2 }).fit(X, tensor([0, 1, 2, 0]))).toThrow('perceptron.fit: targets must be 0 or 1; row 2 is 2');
    expect(() => perceptron({ inputDim: 3 }).predict(X)).toThrow('perceptron.predict: expected x of shape [n, 3], got [4,2]');
    expect(() => perceptron({ inputDim: 0 })).toThrow('perceptron: inputDim must be a positive integer, got 0');
  });
});
