import { describe, expect, test } from 'vitest';
import { mul, scalar, square, sub, tensor, train, variable, variableGrads } from '../index.js';

describe("tfjs's optimizer front doors", () => {
  test('minimize takes one SGD step down f and returns the cost when asked (hand-derived)', () => {
    // f(w) = (w·3 − 6)²; df/dw = 2·3·(3w − 6) = 18w − 36 = −18 at w = 1; after SGD(0.1): 1 + 1.8 = 2.8.
    const w = variable(scalar(1), true, 'min_w');
    const opt = train.sgd(0.1);
    const cost = opt.minimize(() => square(sub(mul(w, 3), 6)), true);
    expect(cost!.item()).toBe(9);
    expect(w.item()).toBeCloseTo(2.8, 6);
    expect(opt.minimize(() => square(sub(mul(w, 3), 6)))).toBeNull();
    expect(opt.iterations).toBe(2);
  });

  test('varList limits the update; applyGradients takes a name-keyed map or {name, tensor} list', () => {
    const a = variable(tensor([1, 2]), true, 'ag_a');
    const b = variable(tensor([3]), true, 'ag_b');
    const opt = train.sgd(1);
    // d/da Σ a·b = b = 3 each; only a moves: [1 − 3, 2 − 3].
    opt.minimize(() => mul(a, b).sum(), false, [a]);
    expect(Array.from(a.values)).toEqual([-2, -1]);
    expect(Array.from(b.values)).toEqual([3]);
    opt.applyGradients({ ag_b: tensor([0.5]) });
    expect(Array.from(b.values)).toEqual([2.5]);
    opt.applyGradients([{ name: 'ag_a', tensor: tensor([1, 1]) }]);
    expect(Array.from(a.values)).toEqual([-3, -2]);
    // The map variableGrads gives finds its variables whatever they are called.
    const { grads } = variableGrads(() => mul(a, a).sum());
    opt.applyGradients(grads);
    expect(Array.from(a.values)).toEqual([3, 2]);
    expect(() => opt.applyGradients({ nobody: tensor([1]) })).toThrow("SGD.applyGradients: no variable named 'nobody' (gradients by name need variables made with variable(x, trainable, name), or the map variableGrads returns)");
  });
});
