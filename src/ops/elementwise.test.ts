import { describe, expect, test } from 'vitest';
import {
  abs, add, clip, div, equal, erf, exp, greater, log, maximum, minimum, mul, neg, pow, sigmoid, sign, softplus,
  sqrt, square, step, sub, tanh, tensor, variable, where, grad, grads, scalar,
} from '../index.js';
import { BINARY_CASES, UNARY_CASES, testOp } from '../../test/harness/op.js';

const positive = (r: { uniform(): number }): number => 0.2 + 2 * r.uniform();

testOp('add', { fn: add, cases: BINARY_CASES, elementwise: (a, b) => a + b });
testOp('sub', { fn: sub, cases: BINARY_CASES, elementwise: (a, b) => a - b });
testOp('mul', { fn: mul, cases: BINARY_CASES, elementwise: (a, b) => a * b });
testOp('div', { fn: div, cases: BINARY_CASES, elementwise: (a, b) => a / b });
testOp('pow', { fn: pow, cases: BINARY_CASES, elementwise: Math.pow, sample: positive });
testOp('maximum', { fn: maximum, cases: BINARY_CASES, elementwise: Math.max });
testOp('minimum', { fn: minimum, cases: BINARY_CASES, elementwise: Math.min });
testOp('neg', { fn: neg, cases: UNARY_CASES, elementwise: (x) => -x });
testOp('exp', { fn: exp, cases: UNARY_CASES, elementwise: Math.exp });
testOp('log', { fn: log, cases: UNARY_CASES, elementwise: Math.log, sample: positive });
testOp('sqrt', { fn: sqrt, cases: UNARY_CASES, elementwise: Math.sqrt, sample: positive });
testOp('square', { fn: square, cases: UNARY_CASES, elementwise: (x) => x * x });
testOp('abs', { fn: abs, cases: UNARY_CASES, elementwise: Math.abs });
testOp('sigmoid', { fn: sigmoid, cases: UNARY_CASES, elementwise: (x) => 1 / (1 + Math.exp(-x)) });
testOp('tanh', { fn: tanh, cases: UNARY_CASES, elementwise: Math.tanh });
testOp('softplus', { fn: softplus, cases: UNARY_CASES, elementwise: (x) => Math.log(1 + Math.exp(x)) });
// Reference values of erf from tables: erf(0.5) = 0.5204998778, erf(1) = 0.8427007929.
testOp('erf', { fn: erf, cases: UNARY_CASES, reference: (x) => ({ values: Array.from(x.values, (v) => erfTable(v)), shape: x.shape }), rtol: 1e-4 });
testOp('clip', { fn: (x) => clip(x, -1, 1), cases: UNARY_CASES, elementwise: (x) => Math.min(Math.max(x, -1), 1) });
testOp('where', {
  fn: (c, a, b) => where(greater(c, 0), a, b),
  cases: [[[2, 3], [2, 3], [2, 3]], [[2, 1], [1, 3], []], [[3], [2, 3], [2, 1]]],
  elementwise: (c, a, b) => (c > 0 ? a : b),
});
testOp('step', { fn: step, cases: UNARY_CASES, elementwise: (x) => (x > 0 ? 1 : 0) });
testOp('sign', { fn: sign, cases: UNARY_CASES, elementwise: Math.sign });

/** erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), an independent formula. */
function erfTable(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

describe('hand-derived gradients', () => {
  test("the notes' computation graph J = 3(a + b·c)", () => {
    // u = b·c = 6, v = a + u = 11, J = 3v = 33.
    // dJ/dv = 3; dJ/da = dJ/dv · dv/da = 3·1 = 3; dJ/db = dJ/dv · dv/du · du/db = 3·1·c = 6;
    // dJ/dc = 3·1·b = 9.
    const a = variable(5);
    const b = variable(3);
    const c = variable(2);
    const J = mul(add(a, mul(b, c)), 3);
    J.backward();
    expect(J.item()).toBe(33);
    expect(a.grad!.item()).toBe(3);
    expect(b.grad!.item()).toBe(6);
    expect(c.grad!.item()).toBe(9);
  });

  test("one neuron: w = (0.3, 0.5, 0.6), x = (0.8, 0.1, 0.3), b = 0.1 gives z = 0.57", () => {
    // z = 0.3·0.8 + 0.5·0.1 + 0.6·0.3 + 0.1 = 0.24 + 0.05 + 0.18 + 0.1 = 0.57; dz/dw = x, dz/db = 1.
    const w = variable([0.3, 0.5, 0.6]);
    const b = variable(0.1);
    const x = tensor([0.8, 0.1, 0.3]);
    const z = add(mul(w, x).sum(), b);
    z.backward();
    expect(z.item()).toBeCloseTo(0.57, 6);
    expect(Array.from(w.grad!.values)).toEqual(Array.from(x.values));
    expect(b.grad!.item()).toBe(1);
  });

  test("sigmoid'(0) = 0.25 and tanh'(0) = 1", () => {
    // σ'(z) = σ(z)(1 − σ(z)) = ½·½ at 0; tanh'(z) = 1 − tanh²z = 1 at 0.
    expect(grad((x) => sigmoid(x))(scalar(0)).item()).toBe(0.25);
    expect(grad((x) => tanh(x))(scalar(0)).item()).toBe(1);
  });

  test('y = 2x² has dy/dx = 4x', () => {
    // At x = 3: 4·3 = 12.
    expect(grad((x) => mul(square(x), 2))(scalar(3)).item()).toBe(12);
  });

  test("softplus'(0) = 1/2 and abs'(0) = 0", () => {
    // softplus' = σ, σ(0) = ½; |x| has subgradient 0 taken at 0.
    expect(grad((x) => softplus(x))(scalar(0)).item()).toBe(0.5);
    expect(grad((x) => abs(x))(scalar(0)).item()).toBe(0);
  });

  test('pow gradient with respect to the exponent is 0 where the base is not positive', () => {
    // d/db aᵇ = aᵇ ln a; ln of a ≤ 0 is undefined, so the rule returns 0 there, not NaN.
    const [, db] = grads((a, b) => pow(a!, b!).sum())([tensor([-2, 0, 2]), tensor([2, 2, 2])]);
    expect(Array.from(db!.values)).toEqual([0, 0, Math.fround(4 * Math.log(2))]);
  });

  test('step has zero gradient everywhere', () => {
    expect(Array.from(grad((x) => step(x).sum())(tensor([-1, 0, 2])).values)).toEqual([0, 0, 0]);
  });
});

describe('stability and special values', () => {
  test('sigmoid(±100) and its gradient are finite', () => {
    const x = variable([-100, 100]);
    const y = sigmoid(x);
    expect(Array.from(y.values)).toEqual([Math.fround(1 / (1 + Math.exp(100))), 1]);
    y.sum().backward();
    for (const g of x.grad!.values) expect(Number.isFinite(g)).toBe(true);
  });

  test('softplus is finite at ±1000', () => {
    expect(Array.from(softplus(tensor([-1000, 1000])).values)).toEqual([0, 1000]);
  });

  test('NaN propagates through arithmetic, maximum and minimum', () => {
    const x = tensor([NaN, 1]);
    expect(add(x, 1).values[0]).toBeNaN();
    expect(maximum(x, 5).values[0]).toBeNaN();
    expect(minimum(5, x).values[0]).toBeNaN();
    expect(exp(x).values[0]).toBeNaN();
  });

  test('comparisons give 0/1 masks', () => {
    expect(Array.from(equal(tensor([1, 2, 3]), 2).values)).toEqual([0, 1, 0]);
    expect(Array.from(greater(tensor([1, 2, 3]), tensor([3, 2, 1])).values)).toEqual([0, 0, 1]);
  });
});

describe('errors', () => {
  test('shapes that do not broadcast name the op and both shapes', () => {
    expect(() => add(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow('add: shapes [1,3] and [1,2] cannot be broadcast together (axis -1: 3 vs 2)');
    expect(() => mul(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^mul: shapes \[2\] and \[3\]/);
  });

  test('clip with min above max', () => {
    expect(() => clip(tensor([1]), 2, 1)).toThrow('clip: min (2) must not exceed max (1)');
  });

  test('a nested array passed where a tensor is expected', () => {
    expect(() => add([1, 2] as never, 1)).toThrow('add: expected a Tensor or a number, got an array (wrap it with tensor(...))');
  });
});
