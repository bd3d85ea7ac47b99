import { describe, expect, test } from 'vitest';
import { argmax, argmin, logSumExp, max, mean, min, sum, tensor, variable, Tensor } from '../index.js';
import { testOp } from '../../test/harness/op.js';

/** Reduction reference by explicit index arithmetic over all elements. */
function reduceRef(x: Tensor, axes: number[] | undefined, keepDims: boolean, init: number, f: (a: number, v: number) => number, post?: (v: number, n: number) => number) {
  const ax = (axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + x.rank : a));
  const outShape = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const n = outShape.reduce((p, d) => p * d, 1);
  const acc = new Array<number>(n).fill(init);
  let count = 1;
  for (const a of ax) count *= x.shape[a]!;
  for (let flat = 0; flat < x.size; flat++) {
    let r = flat;
    const idx: number[] = [];
    for (let i = x.rank - 1; i >= 0; i--) { idx[i] = r % x.shape[i]!; r = Math.floor(r / x.shape[i]!); }
    let o = 0;
    for (let i = 0; i < x.rank; i++) o = o * outShape[i]! + (ax.includes(i) ? 0 : idx[i]!);
    acc[o] = f(acc[o]!, x.values[flat]!);
  }
  const values = post ? acc.map((v) => post(v, count)) : acc;
  return { values, shape: keepDims ? outShape : x.shape.filter((_, i) => !ax.includes(i)) };
}

const CASES = [[[2, 3, 4]]];
for (const [axes, keep] of [[undefined, false], [[1], false], [[0, 2], true], [[-1], true], [[0], false]] as const) {
  const a = axes === undefined ? undefined : [...axes];
  const tag = `axes ${JSON.stringify(a)} keepDims ${keep}`;
  testOp(`sum ${tag}`, { fn: (x) => sum(x, a, keep), cases: CASES, reference: (x) => reduceRef(x, a, keep, 0, (p, v) => p + v) });
  testOp(`mean ${tag}`, { fn: (x) => mean(x, a, keep), cases: CASES, reference: (x) => reduceRef(x, a, keep, 0, (p, v) => p + v, (v, n) => v / n) });
  testOp(`max ${tag}`, { fn: (x) => max(x, a, keep), cases: CASES, reference: (x) => reduceRef(x, a, keep, -Infinity, Math.max) });
  testOp(`min ${tag}`, { fn: (x) => min(x, a, keep), cases: CASES, reference: (x) => reduceRef(x, a, keep, Infinity, Math.min) });
  testOp(`logSumExp ${tag}`, {
    fn: (x) => logSumExp(x, a, keep), cases: CASES,
    reference: (x) => { const r = reduceRef(x, a, keep, 0, (p, v) => p + Math.exp(v)); return { values: r.values.map(Math.log), shape: r.shape }; },
  });
}
testOp('sum of scalar', { fn: (x) => sum(x), cases: [[[]], [[1]], [[0]]], reference: (x) => reduceRef(x, undefined, false, 0, (p, v) => p + v) });

describe('reductions', () => {
  test('max gradient is shared equally between ties', () => {
    // max(2, 5, 5) = 5; the two maxima each get ½.
    const x = variable([2, 5, 5]);
    max(x).backward();
    expect(Array.from(x.grad!.values)).toEqual([0, 0.5, 0.5]);
  });

  test('sum over an empty tensor is 0; mean of [1, 2, 3, 4] over axis 0 of [2, 2]', () => {
    expect(sum(tensor([])).item()).toBe(0);
    expect(Array.from(mean(tensor([[1, 2], [3, 4]]), 0).values)).toEqual([2, 3]);
  });

  test('argmax and argmin pick the first extreme, along any axis', () => {
    const x = tensor([[1, 9, 9], [7, 2, 0]]);
    expect(Array.from(argmax(x).values)).toEqual([1, 0]);
    expect(Array.from(argmax(x, 0).values)).toEqual([1, 0, 0]);
    expect(Array.from(argmin(x, 1).values)).toEqual([0, 2]);
  });

  test('logSumExp is finite for large inputs and handles -Infinity', () => {
    expect(logSumExp(tensor([1000, 1000])).item()).toBeCloseTo(1000 + Math.log(2), 3);
    expect(logSumExp(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
  });

  test('NaN propagates through max', () => {
    expect(max(tensor([1, NaN, 3])).item()).toBeNaN();
  });

  test('an axis out of range names the op, the axis and the rank', () => {
    expect(() => sum(tensor([[1, 2]]), 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2 (valid: -2 to 1)');
    expect(() => argmax(tensor([1, 2]), -2)).toThrow('argmax: axis -2 is out of range for a tensor of rank 1 (valid: -1 to 0)');
    expect(() => mean(tensor([1]), [0, 0])).toThrow('mean: axes [0, 0] contain a duplicate');
  });
});
