import { describe, expect, test } from 'vitest';
import {
  type Tensor, add, detach, grad, grads, mul, sin, noGrad, ones, scalar, sigmoid, square, tensor, valueAndGrad, valueAndGrads, variable, variableGrads, computeGrads, tanh, getContext,
} from '../index.js';

describe('autograd engine', () => {
  test('the sum rule: a tensor used twice gets both contributions', () => {
    // y = x·x + x → dy/dx = 2x + 1 = 7 at x = 3.
    const x = variable(3);
    add(mul(x, x), x).backward();
    expect(x.grad!.item()).toBe(7);
  });

  test('backward accumulates into .grad until zeroGrad (gradient accumulation)', () => {
    // Two backward passes of y = 2x give 2 + 2 = 4.
    const x = variable(1);
    mul(x, 2).backward();
    mul(x, 2).backward();
    expect(x.grad!.item()).toBe(4);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  test('accumulating over two half-batches equals one full batch', () => {
    // L = Σᵢ (w·xᵢ)² over four samples; split in two halves, the summed gradients match.
    const xs = tensor([[1], [2], [3], [4]]);
    const w1 = variable([[0.5]]);
    xs.matmul(w1).square().sum().backward();
    const w2 = variable([[0.5]]);
    xs.slice([0], [2]).matmul(w2).square().sum().backward();
    xs.slice([2], [2]).matmul(w2).square().sum().backward();
    expect(w2.grad!.item()).toBeCloseTo(w1.grad!.item(), 5);
  });

  test('gradients flowing into a broadcast input are summed back to its shape', () => {
    // y = Σ (x + b) with x [2, 3] and b [3]: each b_j is used twice, so db = [2, 2, 2].
    const x = variable(ones([2, 3]));
    const b = variable([0, 0, 0]);
    add(x, b).sum().backward();
    expect(b.grad!.shape).toEqual([3]);
    expect(Array.from(b.grad!.values)).toEqual([2, 2, 2]);
    expect(x.grad!.shape).toEqual([2, 3]);
  });

  test('backward on a non-scalar needs a seed; the seed must match', () => {
    const x = variable([1, 2]);
    expect(() => mul(x, 2).backward()).toThrow('backward: expected a scalar (one-element) tensor, got shape [2]; pass a seed gradient of that shape');
    expect(() => mul(x, 2).backward(tensor([1, 2, 3]))).toThrow('backward: seed gradient shape [3] does not match the tensor\'s shape [2]');
    mul(x, 2).backward(tensor([1, 10]));
    expect(Array.from(x.grad!.values)).toEqual([2, 20]);
  });

  test('noGrad records nothing; detach cuts the graph', () => {
    const x = variable(2);
    const y = noGrad(() => mul(x, x));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(getContext().gradEnabled).toBe(true);
    const z = mul(detach(mul(x, x)), x); // d/dx (const · x) = const = 4
    z.backward();
    expect(x.grad!.item()).toBe(4);
  });

  test('inputs that do not require grad get none', () => {
    const c = tensor([1, 2]);
    const w = variable([3, 4]);
    mul(c, w).sum().backward();
    expect(c.grad).toBeNull();
    expect(Array.from(w.grad!.values)).toEqual([1, 2]);
  });

  test('grad and valueAndGrad return gradients without touching .grad', () => {
    // f(a, b) = a²b → df/da = 2ab = 12, df/db = a² = 4 at a = 2, b = 3.
    const a = tensor(2);
    const b = tensor(3);
    const w = variable(1);
    const { value, grads } = valueAndGrads((x, y) => mul(mul(mul(x!, x!), y!), w))([a, b]);
    expect(value.item()).toBe(12);
    expect(grads.map((g) => g.item())).toEqual([12, 4]);
    expect(a.grad).toBeNull();
    expect(a.requiresGrad).toBe(false);
    expect(w.grad).toBeNull();
    // A non-scalar output is differentiated as its sum (tfjs), or against dy: d(2x)/dx = 2·dy.
    expect(Array.from(grad((x) => mul(x, 2))(tensor([1, 2])).values)).toEqual([2, 2]);
    expect(Array.from(grad((x) => mul(x, 2))(tensor([1, 2]), tensor([3, -1])).values)).toEqual([6, -2]);
    expect(() => grad((x) => mul(x, 2))(tensor([1, 2]), tensor([1]))).toThrow('grad: the shape of dy [1] must match the shape [2] returned by f');
    const { value: v1, grad: g1 } = valueAndGrad((x) => mul(x, x).sum())(tensor([3]));
    expect([v1.item(), g1.item()]).toEqual([9, 6]);
  });

  test('a gradient of a gradient: d²/dx² x³ = 6x, d³/dx³ = 6; d²/dx² sin x = −sin x (the backward pass recorded)', () => {
    const cube = (x: Tensor) => mul(mul(x, x), x);
    const x = tensor([2, -1.5]);
    expect(Array.from(grad(grad(cube))(x).values)).toEqual([12, -9]);
    expect(Array.from(grad(grad(grad(cube)))(x).values)).toEqual([6, 6]);
    const s2 = grad(grad((t) => sin(t)))(tensor([0.7]));
    expect(s2.item()).toBeCloseTo(-Math.sin(0.7), 6);
    // The inner gradient alone stays unrecorded: nothing requires grad outside.
    expect(grad(cube)(x).requiresGrad).toBe(false);
  });

  test('an argument the function ignores is an error (as tfjs): its gradient cannot be computed', () => {
    expect(() => grads((x) => mul(x!, 2))([scalar(1), tensor([5, 6])])).toThrow('grads: cannot compute the gradient of y = f(x) with respect to x; make sure f encloses all operations that lead from x to y');
    expect(() => grads((x) => x!)(scalar(1) as never)).toThrow('grads: the args passed in grads(f)(args) must be an array of tensors');
    expect(() => grad(3 as never)).toThrow('The f passed in grad(f) must be a function');
  });

  test('variableGrads: the gradient for each trainable variable f uses, keyed by name; a scalar is required', () => {
    // f = Σ a·x² + b·x with x = [1, 2]: df/da = x² = [1, 4], df/db = x = [1, 2].
    const a = variable(tensor([3, 4]), true, 'vg_a');
    const b = variable(tensor([5, 6]), true, 'vg_b');
    const frozen = variable(tensor([1, 1]), false, 'vg_frozen');
    const x = tensor([1, 2]);
    const { value, grads: g } = variableGrads(() => add(mul(mul(a, frozen), square(x)), mul(b, x)).sum());
    expect(value.item()).toBe(3 + 16 + 5 + 12);
    expect(Object.keys(g).sort()).toEqual(['vg_a', 'vg_b']);
    expect(Array.from(g.vg_a!.values)).toEqual([1, 4]);
    expect(Array.from(g.vg_b!.values)).toEqual([1, 2]);
    expect(() => variableGrads(() => mul(a, 2))).toThrow('The f passed in variableGrads(f) must return a scalar, but it returned a rank-1 tensor');
    expect(() => variableGrads(() => tensor(1))).toThrow('variableGrads: cannot find a connection between any variable and the result of the loss function y = f()');
    expect(() => variable(tensor([1]), true, 'vg_a')).toThrow("variable: a variable named 'vg_a' already exists (names must be unique, as in tfjs)");
  });

  test('a 50-layer and a 10,000-op deep chain back-propagate without stack overflow', () => {
    // 50 layers of tanh(w·h); then 10,000 additions y = x + 1 + 1 + … with dy/dx = 1.
    const w = variable(0.5);
    let h = tensor(1);
    for (let i = 0; i < 50; i++) h = tanh(mul(h, w));
    h.backward();
    expect(Number.isFinite(w.grad!.item())).toBe(true);
    const x = variable(0);
    let y = x;
    for (let i = 0; i < 10_000; i++) y = add(y, 1);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });

  test('the walk is deterministic: same graph, same gradients bit for bit', () => {
    const run = (): Float32Array => {
      const x = variable([0.1, 0.2, 0.3]);
      let y = x;
      for (let i = 0; i < 20; i++) y = add(sigmoid(mul(y, 1.7)), mul(y, y));
      y.sum().backward();
      return x.grad!.values as Float32Array;
    };
    expect(run()).toEqual(run());
  });

  test('computeGrads returns leaf gradients without mutating', () => {
    const x = variable(3);
    const grads = computeGrads(mul(x, x));
    expect(grads.get(x)!.item()).toBe(6);
    expect(x.grad).toBeNull();
  });
});
