import { describe, expect, test } from 'vitest';
import {
  broadcastTo, concat, expandDims, flatten, gather, pad, range, reshape, slice, squeeze, stack, tensor, transpose, variable, Tensor,
} from '../index.js';
import { testOp } from '../../test/harness/op.js';

const same = (x: Tensor) => ({ values: Array.from(x.values), shape: x.shape });

testOp('reshape', { fn: (x) => reshape(x, [3, -1]), cases: [[[2, 3]], [[6]], [[3, 0]]], reference: (x) => ({ values: Array.from(x.values), shape: [3, x.size / 3] }) });
testOp('transpose 2-D', {
  fn: (x) => transpose(x), cases: [[[2, 3]], [[1, 4]], [[0, 2]]],
  reference: (x) => {
    const [r, c] = x.shape as [number, number];
    const v: number[] = [];
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) v.push(x.values[i * c + j]!);
    return { values: v, shape: [c, r] };
  },
});
testOp('transpose 3-D perm [1, 2, 0]', { fn: (x) => transpose(x, [1, 2, 0]), cases: [[[2, 3, 4]]] });
testOp('slice', {
  fn: (x) => slice(x, [1, 0], [2, -1]), cases: [[[4, 3]]],
  reference: (x) => ({ values: Array.from(x.values.subarray(3, 9)), shape: [2, 3] }),
});
testOp('slice middle of 3-D', { fn: (x) => slice(x, [0, 1, 1], [2, 2, 2]), cases: [[[2, 3, 4]]] });
testOp('pad', { fn: (x) => pad(x, [[1, 0], [0, 2]]), cases: [[[2, 2]], [[0, 1]]] });
testOp('gather rows with repeats', {
  fn: (x) => gather(x, [2, 0, 2]), cases: [[[3, 2]]],
  reference: (x) => ({ values: [...x.values.subarray(4, 6), ...x.values.subarray(0, 2), ...x.values.subarray(4, 6)], shape: [3, 2] }),
});
testOp('gather along axis 1', { fn: (x) => gather(x, [1, 1, 0], 1), cases: [[[2, 3, 2]]] });
testOp('concat axis 0', { fn: (a, b) => concat([a, b]), cases: [[[2, 3], [1, 3]], [[0, 2], [2, 2]]], reference: (a, b) => ({ values: [...a.values, ...b.values], shape: [a.shape[0]! + b.shape[0]!, a.shape[1]!] }) });
testOp('concat axis -1', { fn: (a, b, c) => concat([a, b, c], -1), cases: [[[2, 1], [2, 3], [2, 2]]] });
testOp('stack', { fn: (a, b) => stack([a, b], 1), cases: [[[2, 3], [2, 3]], [[0, 2], [0, 2]]] });
testOp('stack scalars', { fn: (a, b, c) => stack([a, b, c]), cases: [[[], [], []]], reference: (a, b, c) => ({ values: [a.item(), b.item(), c.item()], shape: [3] }) });
testOp('broadcastTo', { fn: (x) => broadcastTo(x, [2, 3, 4]), cases: [[[3, 1]], [[]], [[1, 4]]] });
testOp('expandDims + squeeze', { fn: (x) => squeeze(expandDims(x, 1)), cases: [[[2, 3]]], reference: same });
testOp('flatten', { fn: flatten, cases: [[[2, 3, 4]], [[2]]], reference: (x) => ({ values: Array.from(x.values), shape: [x.shape[0]!, x.size / x.shape[0]!] }) });

describe('layout ops', () => {
  test('reshape shares storage and checks the count', () => {
    const x = range(0, 6);
    expect(reshape(x, [2, 3]).arraySync()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(() => reshape(x, [4, 2])).toThrow('reshape: cannot reshape 6 values of shape [6] into [4,2] (8 values)');
    expect(() => reshape(x, [-1, -1])).toThrow('reshape: only one dimension may be -1');
    expect(() => reshape(x, [4, -1])).toThrow('reshape: cannot reshape 6 values of shape [6] into [4, -1]');
  });

  test('gather gradient adds repeated rows: d/dx Σ gather(x, [0, 0, 1]) = [2, 1]', () => {
    const x = variable([[1], [2]]);
    gather(x, [0, 0, 1]).sum().backward();
    expect(Array.from(x.grad!.values)).toEqual([2, 1]);
  });

  test("slice with numbers is axis 0's begin and size, the other axes whole (tfjs's x.slice(i, 1) is row i)", () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    expect(x.slice(1, 1).shape).toEqual([1, 2]);
    expect(Array.from(x.slice(1, 1).values)).toEqual([3, 4]);
    expect(Array.from(slice(x, 2).values)).toEqual([5, 6]);
    expect(Array.from(x.slice([1, 1], 2).values)).toEqual([4, 6]);
    expect(() => slice(x, 'a' as never)).toThrow('slice: expected begin and size as numbers or lists of numbers, got string');
    expect(() => x.slice(3, 1)).toThrow('slice: begin [3, 0] with size [1, 2] is outside shape [3,2] (axis 0)');
  });

  test('error messages', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(() => transpose(x, [0, 0])).toThrow('transpose: perm [0, 0] is not a permutation of the 2 axes of shape [2,3]');
    expect(() => slice(x, [1, 2], [2, 1])).toThrow('slice: begin [1, 2] with size [2, 1] is outside shape [2,3] (axis 0)');
    expect(() => gather(x, [2])).toThrow('gather: index 2 at position 0 is out of range [0, 2)');
    expect(() => gather(x, [0.5])).toThrow('gather: index 0.5 at position 0 is out of range [0, 2)');
    expect(() => concat([x, tensor([[1, 2]])], 0)).toThrow('concat: shapes [2,3], [1,2] differ outside axis 0');
    expect(() => stack([x, tensor([1])])).toThrow('stack: all shapes must match, got [2,3], [1]');
    expect(() => squeeze(x, [0])).toThrow('squeeze: axis 0 of shape [2,3] has size 2, not 1');
    expect(() => broadcastTo(x, [3, 3])).toThrow('broadcastTo: shapes [2,3] and [3,3] cannot be broadcast together');
    expect(() => pad(x, [[1, 1]])).toThrow('pad: expected 2 [before, after] pairs for shape [2,3], got 1');
    expect(() => concat([])).toThrow('concat: expected at least one tensor');
  });
});

describe('unstack', () => {
  test('slices along an axis, each without it; gradient: the stack of the used slices, zeros elsewhere', async () => {
    const { unstack, gradCheck, sum, mul, tensor: t } = await import('../index.js');
    const x = t([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
    const cols = unstack(x, 1);
    expect(cols.map((c) => c.arraySync())).toEqual([[1, 4], [2, 5], [3, 6]]);
    // L = 2·Σ col0 + 3·Σ col2: dL/dx = [[2, 0, 3], [2, 0, 3]]; col1 unused.
    sum(mul(cols[0]!, 2)).add(sum(mul(cols[2]!, 3))).backward();
    expect(x.grad!.arraySync()).toEqual([[2, 0, 3], [2, 0, 3]]);
    const r = t([[0.5, -1], [2, 1.5]]);
    const res = gradCheck((a) => { const [p, q] = unstack(a!, 0); return sum(mul(mul(p!, q!), r)); }, [t([[[0.3, -0.7], [1.1, 0.2]], [[0.9, 0.4], [-0.5, 1.3]]])]);
    expect(res.passed).toBe(true);
    expect(() => unstack(t(3))).toThrow('unstack: cannot unstack a scalar');
  });
});
