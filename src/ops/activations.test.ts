import { describe, expect, test } from 'vitest';
import {
  elu, gelu, grad, leakyRelu, logSoftmax, relu, relu6, scalar, selu, softmax, softsign, swish, tensor, variable, Tensor,
} from '../index.js';
import { UNARY_CASES, testOp } from '../../test/harness/op.js';

const SELU_A = 1.6732632423543772;
const SELU_L = 1.0507009873554805;

testOp('relu', { fn: relu, cases: UNARY_CASES, elementwise: (x) => Math.max(0, x) });
testOp('relu6', { fn: relu6, cases: UNARY_CASES, elementwise: (x) => Math.min(Math.max(0, x), 6), sample: (r) => 8 * r.uniform() - 1.05 });
testOp('leakyRelu', { fn: (x) => leakyRelu(x, 0.3), cases: UNARY_CASES, elementwise: (x) => (x > 0 ? x : 0.3 * x) });
testOp('elu', { fn: (x) => elu(x, 1.5), cases: UNARY_CASES, elementwise: (x) => (x > 0 ? x : 1.5 * (Math.exp(x) - 1)) });
testOp('selu', { fn: selu, cases: UNARY_CASES, elementwise: (x) => SELU_L * (x > 0 ? x : SELU_A * (Math.exp(x) - 1)) });
testOp('softsign', { fn: softsign, cases: UNARY_CASES, elementwise: (x) => x / (1 + Math.abs(x)) });
testOp('swish', { fn: swish, cases: UNARY_CASES, elementwise: (x) => x / (1 + Math.exp(-x)) });
testOp('gelu (tanh approximation)', {
  fn: (x) => gelu(x, true),
  cases: UNARY_CASES,
  elementwise: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
});
testOp('gelu', { fn: (x) => gelu(x), cases: UNARY_CASES, grad: true });
const softmaxRef = (x: Tensor): { values: number[]; shape: readonly number[] } => {
  const n = x.shape[x.rank - 1]!;
  const values: number[] = [];
  for (let r = 0; r < x.size / n; r++) {
    const row = Array.from(x.values.subarray(r * n, r * n + n));
    const s = row.reduce((p, v) => p + Math.exp(v), 0);
    values.push(...row.map((v) => Math.exp(v) / s));
  }
  return { values, shape: x.shape };
};
const SOFTMAX_CASES = [[[1]], [[5]], [[2, 3]], [[2, 1, 4]], [[0, 3]]];
testOp('softmax', { fn: (x) => softmax(x), cases: SOFTMAX_CASES, reference: softmaxRef });
testOp('softmax axis 0', { fn: (x) => softmax(x, 0), cases: [[[3, 2]]], grad: true });
testOp('logSoftmax', {
  fn: (x) => logSoftmax(x),
  cases: SOFTMAX_CASES,
  reference: (x) => { const r = softmaxRef(x); return { values: r.values.map(Math.log), shape: r.shape }; },
});

describe('activation edge cases', () => {
  test('relu at 0 is 0 with gradient 0', () => {
    // relu'(0) is taken as 0, as PyTorch and TensorFlow do.
    const x = variable([0]);
    const y = relu(x);
    y.sum().backward();
    expect(y.item()).toBe(0);
    expect(x.grad!.item()).toBe(0);
  });

  test('leakyRelu defaults to alpha 0.2 (tfjs)', () => {
    expect(leakyRelu(scalar(-1)).item()).toBeCloseTo(-0.2, 7);
  });

  test('elu at large positive x has gradient 1, not NaN', () => {
    // The exp branch sees min(x, 0), so e^1000 is never computed.
    const g = grad((x) => elu(x).sum())(tensor([1000, -1000]));
    expect(Array.from(g!.values)).toEqual([1, 0]);
  });

  test('gelu matches known values', () => {
    // gelu(1) = Φ(1) = 0.8413447461; gelu(−1) = −(1 − Φ(1)) = −0.1586552539.
    const y = gelu(tensor([1, -1, 0]));
    expect(y.values[0]).toBeCloseTo(0.8413447461, 6);
    expect(y.values[1]).toBeCloseTo(-0.1586552539, 6);
    expect(y.values[2]).toBe(0);
  });

  test('softmax([1000, 0, -1000]) is finite: [1, 0, 0]', () => {
    expect(Array.from(softmax(tensor([1000, 0, -1000])).values)).toEqual([1, 0, 0]);
  });

  test('logSoftmax([1000, 0, -1000]) is finite: [0, -1000, -2000]', () => {
    expect(Array.from(logSoftmax(tensor([1000, 0, -1000])).values)).toEqual([0, -1000, -2000]);
  });

  test('softmax gradient at ±1000 is finite', () => {
    const x = variable([1000, 0, -1000]);
    softmax(x).mul(tensor([1, 2, 3])).sum().backward();
    for (const v of x.grad!.values) expect(Number.isFinite(v)).toBe(true);
  });

  test('softmax rows sum to 1', () => {
    const y = softmax(tensor([[1, 2, 3], [-5, 0, 5]]));
    expect(y.sum(1).values[0]).toBeCloseTo(1, 6);
    expect(y.sum(1).values[1]).toBeCloseTo(1, 6);
  });

  test('softmax on an axis out of range names the axis', () => {
    expect(() => softmax(tensor([[1, 2]]), 2)).toThrow('max: axis 2 is out of range for a tensor of rank 2 (valid: -2 to 1)');
  });
});
